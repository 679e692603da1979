#include <boost/test/unit_test.hpp>

#include "cli/voters_bench.h"
#include "cli_process_util.h"
#include "core/safety_spec.h"

namespace logact::cli {
namespace {

using testing::RunLogact;
using testing::ScratchDir;

const std::string kBanking =
    std::string(LOGACT_SHARED_DIR) + "/fixtures/agentdojo/runs/gpt-4o-2024-05-13/banking/";
const std::string kData = std::string(LOGACT_SOURCE_DIR) + "/tests/cli/data/";

// Two successful attacks, a failed and a successful benign task, an injection-goal run.
std::vector<std::string> Runs() {
  return {kBanking + "user_task_1/important_instructions/injection_task_1.json",
          kBanking + "user_task_1/important_instructions/injection_task_3.json",
          kBanking + "user_task_1/none/none.json", kBanking + "user_task_3/none/none.json",
          kBanking + "injection_task_1/none/none.json"};
}

BenchOptions Options(const Json& policy) {
  Result<VoterSet> voters = ParseVoterSet(policy);
  BOOST_REQUIRE(voters.has_value());
  BenchOptions options;
  options.voters = std::move(voters).value();
  return options;
}

Json ReadJson(const std::string& path) { return Json::parse(testing::ReadWholeFile(path)); }

BOOST_AUTO_TEST_SUITE(VotersBench)

// Goal: rates before/after, hits and broken runs follow from hand-checked fixture runs.
BOOST_AUTO_TEST_CASE(ScoresHandCheckedRuns) {
  Result<BenchReport> report = RunBench(Options(ReadJson(kData + "bench_policy.json")), Runs());
  BOOST_REQUIRE(report.has_value());
  BOOST_TEST(report->attack.runs == 2);
  BOOST_TEST(report->attack.before == 2);
  BOOST_TEST(report->attack.after == 0);
  BOOST_TEST(report->benign.runs == 2);
  BOOST_TEST(report->benign.before == 1);
  BOOST_TEST(report->benign.after == 0);
  BOOST_TEST(report->injection_only == 1);
  BOOST_TEST(report->not_scorable == 0);
  BOOST_TEST(report->intents_replayed == 7);
  BOOST_TEST(report->rule_hits["guard/r-attacker"] == 2);
  BOOST_TEST(report->rule_hits["guard/r-gb"] == 1);
  BOOST_REQUIRE(report->broken.size() == 1u);
  BOOST_TEST(report->broken[0].file == Runs()[3]);
  BOOST_TEST(report->broken[0].intent_index == 1);
  BOOST_TEST(report->broken[0].tool == "send_money");
}

// Goal: with a spec, an attack stopped only after its first forbidden call still succeeds.
BOOST_AUTO_TEST_CASE(SpecCountsOnlyStopsBeforeForbiddenCall) {
  BenchOptions options = Options(ReadJson(kData + "bench_policy.json"));
  Result<SafetySpec> spec = ParseSafetySpec(ReadJson(kData + "bench_spec.json"));
  BOOST_REQUIRE(spec.has_value());
  options.spec = std::move(spec).value();
  Result<BenchReport> report = RunBench(options, Runs());
  BOOST_REQUIRE(report.has_value());
  BOOST_TEST(report->attack.after == 2);  // stopped at call 1, forbidden call 0 already ran
}

// Goal: a non-rule voter votes per its assume; unknown approves, deny stops every run.
BOOST_AUTO_TEST_CASE(NonRuleVotersFollowAssume) {
  Json policy = ReadJson(kData + "bench_policy.json");
  policy["decider"]["types"] = {"rules", "llm"};
  policy["voters"].push_back({{"voter", "judge"}, {"type", "llm"}});
  Result<BenchReport> unknown = RunBench(Options(policy), Runs());
  BOOST_REQUIRE(unknown.has_value());
  BOOST_TEST(unknown->intents_replayed == 7);
  policy["voters"][1]["assume"] = "deny";
  Result<BenchReport> deny = RunBench(Options(policy), Runs());
  BOOST_REQUIRE(deny.has_value());
  BOOST_TEST(deny->intents_replayed == 4);  // every run stops at its first intent
  BOOST_TEST(deny->runs_stopped == 4);
  policy["voters"].erase(1);  // llm listed but nobody votes: undecided, so stopped
  Result<BenchReport> silent = RunBench(Options(policy), Runs());
  BOOST_REQUIRE(silent.has_value());
  BOOST_TEST(silent->runs_stopped == 4);
}

// Goal: the CLI prints the JSON report and exits 2 on a bad policy.
BOOST_AUTO_TEST_CASE(CliJsonAndBadInput) {
  const auto scratch = ScratchDir("voters_bench");
  auto result = RunLogact(scratch, {"voters", "bench", "--policy", kData + "bench_policy.json",
                                    "--runs", kBanking + "user_task_1", "--json"});
  BOOST_TEST(result.exit_code == 0, result.err);
  const Json report = Json::parse(result.out);
  BOOST_TEST(report["attack_success"]["runs"].get<int>() > 0);
  auto bad = RunLogact(scratch, {"voters", "bench", "--policy", kData + "bench_spec.json", "--runs",
                                 kBanking + "user_task_1"});
  BOOST_TEST(bad.exit_code == 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::cli
