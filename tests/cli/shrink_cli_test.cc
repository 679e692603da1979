// Tests of `logact shrink` as a user runs it: a run that fails only because
// of its faults (LIVE-DECIDE under a tight step limit; crashes, model and
// storage faults) shrinks to a 1-minimal schedule of at least one fault; the
// minimal trace replays byte for byte with `logact replay`, the printed
// `logact sim ... --fault-schedule` command reproduces the minimal trace byte
// for byte, and a run that does not fail is refused (exit 2).
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "cli/sim_runner.h"
#include "core/json.h"
#include "sim/fault_plan.h"
#include "tests/cli/cli_process_util.h"

namespace logact::cli {
namespace {

using testing::ProcessResult;
using testing::RunLogact;
using testing::ScratchDir;

constexpr char kFaults[] = "crash=0.03,llm_failure=0.1,append_fail=0.05,torn_write=0.05";

struct FailingRun {
  uint64_t seed = 0;
  uint64_t steps_max = 0;
};

// A seed whose fault-free run finishes in S steps while its run under kFaults
// does not finish within S + 5: a failure that needs some of its faults
// (crashes, model failures and storage faults: all of them schedulable).
std::optional<FailingRun> FindFaultCausedFailure() {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    sim::SimOptions options;
    options.scenario = "bank-pay-bill";
    options.seed = seed;
    Result<SimOutcome> clean = RunCheckedSimulation(options, "");
    BOOST_TEST_REQUIRE(clean.has_value());
    if (!clean->ok()) continue;
    options.steps_max = clean->run.steps + clean->run.clock_jumps + 5;
    options.faults = *sim::ParseFaultPlan(kFaults, seed);
    Result<SimOutcome> faulty = RunCheckedSimulation(options, "");
    BOOST_TEST_REQUIRE(faulty.has_value());
    if (!faulty->live_decide_ok && faulty->run.fault_schedule.faults.size() >= 3) {
      return FailingRun{seed, options.steps_max};
    }
  }
  return std::nullopt;
}

BOOST_AUTO_TEST_SUITE(ShrinkCli)

// A fault-caused LIVE-DECIDE failure shrinks, replays and reproduces.
BOOST_AUTO_TEST_CASE(ShrinksReplaysAndReproduces) {
  const std::optional<FailingRun> failing = FindFaultCausedFailure();
  BOOST_TEST_REQUIRE(failing.has_value(), "no seed in 0..49 fails only under " << kFaults);
  const std::filesystem::path dir = ScratchDir("shrink_cli");
  const std::string out = (dir / "min.jsonl").string();
  const ProcessResult shrunk =
      RunLogact(dir, {"shrink", "--scenario", "bank-pay-bill", "--seed",
                      std::to_string(failing->seed), "--faults", kFaults, "--steps-max",
                      std::to_string(failing->steps_max), "--out", out, "--json"});
  BOOST_TEST_REQUIRE(shrunk.exit_code == 0, shrunk.err);
  const Json report = Json::parse(shrunk.out);
  BOOST_TEST(report["invariant"] == "LIVE-DECIDE");
  BOOST_TEST(report["one_minimal"] == true);
  BOOST_TEST(report["faults_after"].get<int64_t>() >= 1);
  BOOST_TEST(report["unscheduled_after"].get<int64_t>() == 0);
  BOOST_TEST(report["schedule"]["faults"].size() == report["faults_after"].get<size_t>());
  BOOST_TEST(report["faults_after"].get<int64_t>() <= report["faults_before"].get<int64_t>());
  BOOST_TEST(std::filesystem::exists(out));
  BOOST_TEST(std::filesystem::exists(out + ".schedule.json"));

  const ProcessResult replay = RunLogact(dir, {"replay", out});
  BOOST_TEST(replay.exit_code == 0, replay.out << replay.err);

  // The printed command, with `logact` pointing at the binary under test.
  std::string repro = report["repro"].get<std::string>();
  BOOST_TEST_REQUIRE(repro.rfind("logact sim ", 0) == 0u);
  const std::filesystem::path repro_trace = dir / "repro.jsonl";
  repro = testing::ShellQuote(testing::LogactBinary()) + repro.substr(6) + " --trace " +
          testing::ShellQuote(repro_trace.string()) + " --json > " +
          testing::ShellQuote((dir / "repro.json").string());
  const int status = std::system(repro.c_str());
  BOOST_TEST(WEXITSTATUS(status) == 1, repro);
  const Json rerun = Json::parse(testing::ReadWholeFile(dir / "repro.json"));
  BOOST_TEST(rerun["live_decide"]["ok"] == false);
  // The same run, byte for byte: header (with the schedule) and every record.
  BOOST_TEST((testing::ReadWholeFile(repro_trace) == testing::ReadWholeFile(out)));
}

// A run that passes has nothing to shrink; missing arguments are usage errors.
BOOST_AUTO_TEST_CASE(RefusesPassingRunsAndBadUsage) {
  const std::filesystem::path dir = ScratchDir("shrink_cli_refuse");
  const ProcessResult passing = RunLogact(dir, {"shrink", "--scenario", "bank-pay-bill", "--seed",
                                                "1", "--out", (dir / "x.jsonl").string()});
  BOOST_TEST(passing.exit_code == 2);
  BOOST_TEST(passing.err.find("does not fail") != std::string::npos, passing.err);
  BOOST_TEST(!std::filesystem::exists(dir / "x.jsonl"));
  const ProcessResult usage = RunLogact(dir, {"shrink"});
  BOOST_TEST(usage.exit_code == 2);
  const ProcessResult missing = RunLogact(dir, {"shrink", "--trace", (dir / "nope").string()});
  BOOST_TEST(missing.exit_code == 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::cli
