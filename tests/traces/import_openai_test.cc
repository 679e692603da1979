#include <boost/test/unit_test.hpp>

#include "import_test_util.h"
#include "traces/import_openai.h"

namespace logact::traces {
namespace {

using testing::CountFlags;
using testing::OfType;
using testing::TypeSequence;

const std::string kData = std::string(LOGACT_SOURCE_DIR) + "/tests/traces/data/";

BOOST_AUTO_TEST_SUITE(ImportOpenAi)

// Goal: a request body with JSON-string arguments imports to parsed actions in order.
BOOST_AUTO_TEST_CASE(ImportsRequestBody) {
  Result<ImportedRun> run = ImportFile(ImportFormat::kOpenAi, kData + "openai_banking.json", {});
  BOOST_REQUIRE_MESSAGE(run.has_value(), (run ? std::string() : run.error().message()));
  BOOST_TEST(TypeSequence(*run) ==
             "mail mail inf_in inf_out intent commit result intent commit result inf_in inf_out "
             "intent commit result inf_in inf_out output");
  const auto intents = OfType(*run, EntryType::kIntent);
  BOOST_TEST(intents[2].intent().action.tool == "send_money");
  BOOST_TEST(intents[2].intent().action.args["amount"] == 1100);
  BOOST_TEST(intents[1].intent().action.args == Json::object());    // "" arguments
  BOOST_TEST(!OfType(*run, EntryType::kResult).at(2).result().ok);  // "Error: ..."
  BOOST_TEST(run->header.extra["model"] == "gpt-4o-2024-05-13");
  BOOST_TEST(CountFlags(*run, kFlagContentBlocks) == 1);
  BOOST_TEST(run->header.extra["source_file"] == kData + "openai_banking.json");
}

// Goal: null ids, empty names, bad arguments, stray outputs and unknown roles are flagged.
BOOST_AUTO_TEST_CASE(FlagsEdgeCases) {
  Result<ImportedRun> run = ImportFile(ImportFormat::kOpenAi, kData + "openai_edge_cases.json", {});
  BOOST_REQUIRE(run.has_value());
  BOOST_TEST(CountFlags(*run, kFlagNullToolCallId) == 1);
  BOOST_TEST(CountFlags(*run, kFlagEmptyToolName) == 1);
  BOOST_TEST(CountFlags(*run, kFlagBadArguments) == 1);
  BOOST_TEST(CountFlags(*run, kFlagUnmatchedToolResult) == 1);
  BOOST_TEST(CountFlags(*run, kFlagUnknownRole) == 1);
  BOOST_TEST(OfType(*run, EntryType::kIntent).at(0).intent().action.args["file_path"] == "a.txt");
  BOOST_TEST(OfType(*run, EntryType::kOutput).at(0).output().text == "Done.");
  BOOST_TEST(OfType(*run, EntryType::kResult).size() == 2u);
}

// Goal: malformed documents are errors naming the JSON path.
BOOST_AUTO_TEST_CASE(RejectsMalformed) {
  auto error = [](const Json& doc) {
    Result<ImportedRun> run = ImportOpenAiMessages(doc, {});
    BOOST_REQUIRE(!run.has_value());
    return run.error().message();
  };
  BOOST_TEST(error(Json(3)).find("(document)") == 0u);
  BOOST_TEST(error(Json::object()) == "messages: missing");
  BOOST_TEST(error(Json::array({{{"role", 1}}})) == "[0].role: must be a string");
  BOOST_TEST(error(Json::array({{{"role", "assistant"}, {"tool_calls", {1}}}}))
                 .find("[0].tool_calls[0]: must be an object") == 0u);
  BOOST_TEST(error(Json::array({{{"role", "assistant"},
                                 {"tool_calls", {{{"id", "x"}, {"function", {{"name", 5}}}}}}}}))
                 .find("[0].tool_calls[0].function.name") == 0u);
  BOOST_TEST(error({{"messages", Json::array()}, {"choices", 1}}).find("choices") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::traces
