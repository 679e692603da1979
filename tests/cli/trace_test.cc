#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>

#include "cli/trace_summary.h"
#include "cli_process_util.h"
#include "properties/check_trace.h"
#include "traces/import_run.h"
#include "traces/trace_reader.h"

namespace logact::cli {
namespace {

namespace fs = std::filesystem;
using testing::ReadWholeFile;
using testing::RunLogact;
using testing::ScratchDir;

const std::string kShared = LOGACT_SHARED_DIR;
const std::string kRuns = kShared + "/fixtures/agentdojo/runs";
const std::string kData = std::string(LOGACT_SOURCE_DIR) + "/tests/traces/data/";

BOOST_AUTO_TEST_SUITE(TraceCommand)

// Goal: every AgentDojo fixture run imports and `check` passes on its trace, or reports a
// violation we can name; the exact tally is printed for the report.
BOOST_AUTO_TEST_CASE(CheckPassesOnEveryImportedFixture) {
  std::map<std::string, int> violated;
  int runs = 0, ok = 0;
  for (const auto& item : fs::recursive_directory_iterator(kRuns)) {
    if (item.path().extension() != ".json") continue;
    ++runs;
    Result<traces::ImportedRun> run =
        traces::ImportFile(traces::ImportFormat::kAgentDojo, item.path().string(), {});
    BOOST_REQUIRE(run.has_value());
    auto reader = traces::TraceReader::FromString(traces::EncodeImportedRun(*run));
    Result<properties::Report> report = properties::CheckTrace(*reader, {}, nullptr);
    BOOST_REQUIRE_MESSAGE(report.has_value(), item.path().string());
    ok += report->ok() ? 1 : 0;
    for (const std::string& id : report->ViolatedIds()) ++violated[id];
    // LOG-ACL, REF-INTENT, RES-MATCH and DEC-* must hold by construction.
    for (const char* id : {"LOG-DENSE", "LOG-ACL", "REF-INTENT", "DEC-UNIQUE", "DEC-JUSTIFIED",
                           "RES-MATCH", "DRV-FENCE"}) {
      BOOST_CHECK_MESSAGE(!report->Violated(id), item.path().string() << " violates " << id);
    }
  }
  BOOST_TEST_MESSAGE("imported " << runs << " runs, check ok on " << ok);
  for (const auto& [id, n] : violated) BOOST_TEST_MESSAGE("  " << id << ": " << n << " runs");
  BOOST_TEST(runs == 600);
  BOOST_TEST(ok + violated["DRV-SERIAL"] >= runs);  // the only violation recorded runs can show
}

// Goal: with the banking safety spec, `check` reports the real attack (money sent to the
// attacker's IBAN) as SAFE-SPEC on the imported run, through the CLI (exit 1).
BOOST_AUTO_TEST_CASE(CheckWithSpecFindsRecordedAttack) {
  const fs::path scratch = ScratchDir("trace_check_spec");
  const std::string spec = std::string(LOGACT_SOURCE_DIR) + "/examples/banking/spec.json";
  if (!fs::exists(spec)) return;  // written by the policy engineer
  const std::string run =
      kRuns + "/gpt-4o-2024-05-13/banking/user_task_1/important_instructions/injection_task_1.json";
  const std::string trace = (scratch / "attack.jsonl").string();
  BOOST_REQUIRE(RunLogact(scratch, {"trace", "import", "--from", "agentdojo", run, "--out", trace})
                    .exit_code == 0);
  auto result = RunLogact(scratch, {"check", "--json", "--spec", spec, trace});
  BOOST_TEST(result.exit_code == 1, result.out + result.err);
  BOOST_TEST(result.out.find("SAFE-SPEC") != std::string::npos);
}

// Goal: the CLI imports a directory (one trace per run), and check accepts an output.
BOOST_AUTO_TEST_CASE(ImportDirectoryThroughCli) {
  const fs::path scratch = ScratchDir("trace_import_dir");
  const std::string dir = kRuns + "/gpt-4o-2024-05-13/banking/user_task_1";
  auto result = RunLogact(scratch, {"trace", "import", "--from", "agentdojo", dir, "--out",
                                    (scratch / "out").string(), "--json"});
  BOOST_TEST(result.exit_code == 0, result.err);
  const Json totals = Json::parse(result.out);
  BOOST_TEST(totals["imported"] == 10);
  const fs::path trace = scratch / "out" / "important_instructions__injection_task_1.jsonl";
  BOOST_REQUIRE(fs::exists(trace));
  auto check = RunLogact(scratch, {"check", trace.string()});
  BOOST_TEST(check.exit_code == 0, check.out + check.err);
  BOOST_TEST(ReadWholeFile(trace).find("\"implicit_decisions\":true") != std::string::npos);
}

// Goal: malformed input exits 2 and names the file and the JSON path.
BOOST_AUTO_TEST_CASE(MalformedInputExitsTwo) {
  const fs::path scratch = ScratchDir("trace_import_bad");
  const fs::path bad = scratch / "bad.json";
  {
    std::ofstream out(bad);
    out << R"({"messages":[{"role":"user","content":7}]})";
  }
  auto result = RunLogact(scratch, {"trace", "import", "--from", "agentdojo", bad.string(), "--out",
                                    (scratch / "bad.jsonl").string()});
  BOOST_TEST(result.exit_code == 2);
  BOOST_TEST(result.err.find(bad.string() + ": messages[0].content") != std::string::npos,
             result.err);
  BOOST_TEST(!fs::exists(scratch / "bad.jsonl"));
  auto unknown = RunLogact(scratch, {"trace", "import", "--from", "csv", bad.string(), "--out",
                                     (scratch / "x.jsonl").string()});
  BOOST_TEST(unknown.exit_code == 2);
}

// Goal: summary counts entries, tokens, decisions and stage times of an imported OTel run.
BOOST_AUTO_TEST_CASE(SummaryOfImportedOtelRun) {
  const fs::path scratch = ScratchDir("trace_summary");
  const std::string trace = (scratch / "otel.jsonl").string();
  auto imported = RunLogact(
      scratch, {"trace", "import", "--from", "otel", kData + "otel_banking.json", "--out", trace});
  BOOST_REQUIRE(imported.exit_code == 0);
  Result<Json> summary = SummarizeTraceFile(trace);
  BOOST_REQUIRE(summary.has_value());
  BOOST_TEST((*summary)["entries"]["intent"] == 2);
  BOOST_TEST((*summary)["tokens"]["in"] == 280);
  BOOST_TEST((*summary)["decisions"]["commits"] == 2);
  BOOST_TEST((*summary)["stages"]["inferring"]["total_ms"] == 800 + 1500);
  BOOST_TEST((*summary)["stages"]["executing"]["total_ms"] == 250 + 100);
  BOOST_TEST((*summary)["duration_ms"] == 3400);
  auto printed = RunLogact(scratch, {"trace", "summary", trace});
  BOOST_TEST(printed.exit_code == 0);
  BOOST_TEST(printed.out.find("executing") != std::string::npos);
}

// Goal: export writes OTLP JSON with GenAI attributes that imports back.
BOOST_AUTO_TEST_CASE(ExportOtelThroughCli) {
  const fs::path scratch = ScratchDir("trace_export");
  const std::string trace = (scratch / "run.jsonl").string();
  const std::string run = kRuns + "/gpt-4o-2024-05-13/banking/user_task_1/none/none.json";
  BOOST_REQUIRE(RunLogact(scratch, {"trace", "import", "--from", "agentdojo", run, "--out", trace})
                    .exit_code == 0);
  const std::string otlp = (scratch / "run.otlp.json").string();
  auto exported = RunLogact(scratch, {"trace", "export", "--otel", trace, "-o", otlp});
  BOOST_TEST(exported.exit_code == 0, exported.err);
  const std::string text = ReadWholeFile(otlp);
  BOOST_TEST(text.find("\"gen_ai.operation.name\"") != std::string::npos);
  BOOST_TEST(text.find("execute_tool") != std::string::npos);
  auto back = RunLogact(scratch, {"trace", "import", "--from", "otel", otlp, "--out",
                                  (scratch / "back.jsonl").string()});
  BOOST_TEST(back.exit_code == 0, back.err);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::cli
