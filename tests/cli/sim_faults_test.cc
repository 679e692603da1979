// Tests of `logact sim --faults` through cli/sim_runner.h: faulty runs are
// checked (every invariant, REC-STATE, LIVE-DECIDE), DET-REPLAY is judged by
// rerunning, and the repro command carries the fault plan.
#include <string>

#include <boost/test/unit_test.hpp>

#include "cli/sim_runner.h"
#include "sim/fault_plan.h"

namespace logact::cli {
namespace {

sim::SimOptions Options(const std::string& scenario, uint64_t seed, const std::string& faults) {
  sim::SimOptions options;
  options.scenario = scenario;
  options.seed = seed;
  options.faults = *sim::ParseFaultPlan(faults, seed);
  return options;
}

BOOST_AUTO_TEST_SUITE(SimFaults)

// Goal: light faults on the bank and recovery scenarios pass every judged
// invariant, and REC-STATE is judged (not "not applicable") once a restart caught up.
BOOST_AUTO_TEST_CASE(LightFaultRunsPassTheChecker) {
  int rec_state_judged = 0;
  for (const char* scenario :
       {"bank-pay-bill", "bank-pay-bill-duplicate-driver", "bank-pay-bill-duplicate-decider",
        "bank-pay-bill-two-recoverers", "files-cleanup"}) {
    for (uint64_t seed = 0; seed < 5; ++seed) {
      BOOST_TEST_CONTEXT(scenario << " seed " << seed) {
        Result<SimOutcome> outcome = RunCheckedSimulation(Options(scenario, seed, "light"), "");
        BOOST_REQUIRE(outcome.has_value());
        BOOST_TEST(outcome->ok(), outcome->ToJson().dump());
        for (const std::string& id : outcome->check.checked) {
          if (id == "REC-STATE") ++rec_state_judged;
        }
      }
    }
  }
  BOOST_TEST(rec_state_judged > 0);
}

// Goal: DET-REPLAY passes on a faulty run, and fails when the first trace differs.
BOOST_AUTO_TEST_CASE(DetReplayComparesBytes) {
  const sim::SimOptions options = Options("bank-pay-bill", 3, "swarm");
  std::string trace;
  Result<SimOutcome> outcome = RunCheckedSimulation(options, "", &trace);
  BOOST_REQUIRE(outcome.has_value());
  BOOST_REQUIRE(JudgeDeterminism(options, trace, &*outcome).ok());
  BOOST_TEST(outcome->det_replay_ok);
  BOOST_TEST(!outcome->check.Violated("DET-REPLAY"));
  BOOST_REQUIRE(JudgeDeterminism(options, trace + " ", &*outcome).ok());
  BOOST_TEST(!outcome->det_replay_ok);
  BOOST_TEST(outcome->check.Violated("DET-REPLAY"));
}

// Goal: the repro command names the fault plan, so a failing seed can be rerun as printed.
BOOST_AUTO_TEST_CASE(ReproCarriesTheFaults) {
  BOOST_TEST(ReproCommand(Options("bank-pay-bill", 4, "light,crash=0.1"))
                 .find("--faults 'light,crash=0.1'") != std::string::npos);
  BOOST_TEST(ReproCommand(Options("bank-pay-bill", 4, "none")).find("--faults") ==
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::cli
