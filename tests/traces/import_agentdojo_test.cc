#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "import_test_util.h"
#include "traces/import_agentdojo.h"
#include "traces/trace_reader.h"

namespace logact::traces {
namespace {

using testing::CountFlags;
using testing::OfType;
using testing::TypeSequence;

const std::string kRuns = std::string(LOGACT_SHARED_DIR) + "/fixtures/agentdojo/runs";

Json Run(Json messages) {
  return {{"suite_name", "banking"},
          {"pipeline_name", "p"},
          {"user_task_id", "user_task_0"},
          {"injection_task_id", nullptr},
          {"attack_type", nullptr},
          {"error", nullptr},
          {"utility", true},
          {"security", false},
          {"messages", std::move(messages)}};
}

ImportOptions BankingTools() {
  ImportOptions options;
  options.tools = ToolSchemas{{"send_money", {}}, {"get_balance", {}}};
  return options;
}

BOOST_AUTO_TEST_SUITE(ImportAgentDojo)

// Goal: a plain run maps to mail, model turns, intent/commit/result and a final output.
BOOST_AUTO_TEST_CASE(MapsConversationToEntries) {
  Json run = Run(Json::parse(R"([
    {"role": "system", "content": "sys"},
    {"role": "user", "content": "pay"},
    {"role": "assistant", "content": null,
     "tool_calls": [{"function": "send_money", "args": {"amount": 1}, "id": "c1"}]},
    {"role": "tool", "content": "sent", "tool_call_id": "c1", "error": null},
    {"role": "assistant", "content": "done", "tool_calls": null}])"));
  Result<ImportedRun> imported = ImportAgentDojoRun(run, BankingTools());
  BOOST_REQUIRE(imported.has_value());
  BOOST_TEST(TypeSequence(*imported) ==
             "mail mail inf_in inf_out intent commit result inf_in inf_out output");
  BOOST_TEST(imported->header.source == "recorded");
  BOOST_TEST(imported->header.extra["implicit_decisions"] == true);
  BOOST_TEST(imported->implicit_commits == 1);
  const Entry commit = OfType(*imported, EntryType::kCommit).at(0);
  BOOST_TEST(commit.author == "decider/implicit");
  BOOST_TEST(commit.decision().intent == 4);
  BOOST_TEST(OfType(*imported, EntryType::kResult).at(0).result().ok);
  BOOST_TEST(OfType(*imported, EntryType::kOutput).at(0).output().text == "done");
  BOOST_TEST(imported->flags.empty());
  BOOST_TEST(imported->header.extra["agentdojo"]["utility"] == true);
}

// Goal: blocks, null ids, unknown and empty tool names are accepted, each flagged on its entry.
BOOST_AUTO_TEST_CASE(FlagsEdgeCases) {
  Json run = Run(
      {{{"role", "user"}, {"content", Json::array({{{"type", "text"}, {"content", "hi"}}})}},
       {{"role", "assistant"},
        {"content", Json::array({{{"type", "text"}, {"text", "calling"}}})},
        {"tool_calls",
         {{{"function", "hack_bank"}, {"args", Json::object()}, {"id", nullptr}},
          {{"function", ""}, {"args", "oops"}, {"id", "c2"}}}}},
       {{"role", "tool"}, {"content", "x"}, {"tool_call_id", nullptr}, {"error", nullptr}},
       {{"role", "tool"}, {"content", ""}, {"tool_call_id", "c2"}, {"error", "ValueError: no"}}});
  Result<ImportedRun> imported = ImportAgentDojoRun(run, BankingTools());
  BOOST_REQUIRE(imported.has_value());
  BOOST_TEST(CountFlags(*imported, kFlagContentBlocks) == 2);
  BOOST_TEST(CountFlags(*imported, kFlagNullToolCallId) == 1);
  BOOST_TEST(CountFlags(*imported, kFlagUnknownTool) == 1);
  BOOST_TEST(CountFlags(*imported, kFlagEmptyToolName) == 1);
  BOOST_TEST(CountFlags(*imported, kFlagBadArguments) == 1);
  const auto intents = OfType(*imported, EntryType::kIntent);
  BOOST_REQUIRE(intents.size() == 2u);
  BOOST_TEST(intents[0].extra["import_flags"].dump() == R"(["null_tool_call_id","unknown_tool"])");
  BOOST_TEST(intents[1].intent().action.tool == "");
  const auto results = OfType(*imported, EntryType::kResult);
  BOOST_TEST(results[0].result().intent == intents[0].pos);
  BOOST_TEST(!results[1].result().ok);
  BOOST_TEST(results[1].result().output == "ValueError: no");
  BOOST_TEST(imported->header.extra["import_flags"]["unknown_tool"] == 1);
}

// Goal: parallel calls are serialised; a call without output stays an undecided intent.
BOOST_AUTO_TEST_CASE(SerialisesParallelCallsAndKeepsUnansweredCall) {
  Json call_a = {{"function", "get_balance"}, {"args", Json::object()}, {"id", "a"}};
  Json call_b = {{"function", "get_balance"}, {"args", Json::object()}, {"id", "b"}};
  Json run = Run({{{"role", "user"}, {"content", "go"}},
                  {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {call_a, call_b}}},
                  {{"role", "tool"}, {"content", "B"}, {"tool_call_id", "b"}, {"error", nullptr}},
                  {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {call_a}}}});
  Result<ImportedRun> imported = ImportAgentDojoRun(run, {});
  BOOST_REQUIRE(imported.has_value());
  BOOST_TEST(TypeSequence(*imported) ==
             "mail inf_in inf_out intent commit result intent inf_in inf_out intent");
  BOOST_TEST(CountFlags(*imported, kFlagToolCallWithoutResult) == 2);
  BOOST_TEST(OfType(*imported, EntryType::kResult).at(0).result().output == "B");
}

// Goal: bad input names the JSON path and field.
BOOST_AUTO_TEST_CASE(RejectsMalformedRecords) {
  auto error = [](const Json& run) {
    Result<ImportedRun> imported = ImportAgentDojoRun(run, {});
    BOOST_REQUIRE(!imported.has_value());
    return imported.error().message();
  };
  BOOST_TEST(error(Json::array()).find("must be a JSON object") != std::string::npos);
  BOOST_TEST(error(Json::object()) == "messages: missing");
  BOOST_TEST(error(Run(Json::array({{{"content", "x"}}}))) == "messages[0].role: missing");
  BOOST_TEST(
      error(Run(Json::array({{{"role", "user"}, {"content", 5}}}))).find("messages[0].content") !=
      std::string::npos);
  BOOST_TEST(error(Run(Json::array({{{"role", "assistant"}, {"tool_calls", 3}}})))
                 .find("messages[0].tool_calls") != std::string::npos);
}

// Goal: a malformed file is an error with the file name, line and column.
BOOST_AUTO_TEST_CASE(MalformedFileNamesLine) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "logact_bad_run.json").string();
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("{\"messages\": [\n  {\"role\": \"user\",}\n]}", f);
    std::fclose(f);
  }
  Result<ImportedRun> imported = ImportFile(ImportFormat::kAgentDojo, path, {});
  BOOST_REQUIRE(!imported.has_value());
  BOOST_TEST(imported.error().message().find(path + ": line 2") == 0u);
  std::filesystem::remove(path);
}

// Goal: every fixture run imports without error and its trace reads back.
BOOST_AUTO_TEST_CASE(EveryFixtureImportsAndReadsBack) {
  ImportOptions options;
  BOOST_REQUIRE(
      ReadImportTools(std::string(LOGACT_SHARED_DIR) + "/fixtures/agentdojo/tools.json", &options)
          .ok());
  int files = 0;
  for (const auto& item : std::filesystem::recursive_directory_iterator(kRuns)) {
    if (item.path().extension() != ".json") continue;
    ++files;
    Result<ImportedRun> run = ImportFile(ImportFormat::kAgentDojo, item.path().string(), options);
    BOOST_REQUIRE_MESSAGE(run.has_value(), item.path().string());
    BOOST_TEST(CountFlags(*run, kFlagUnknownTool) == 0);
    auto reader = TraceReader::FromString(EncodeImportedRun(*run), item.path().string());
    BOOST_REQUIRE(reader->ReadHeader().has_value());
    TraceRecord record;
    size_t n = 0;
    while (true) {
      Result<bool> more = reader->Next(&record);
      BOOST_REQUIRE(more.has_value());
      if (!*more) break;
      BOOST_TEST((record == run->records[n]));
      ++n;
    }
    BOOST_TEST(n == run->records.size());
  }
  BOOST_TEST(files == 600);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::traces
