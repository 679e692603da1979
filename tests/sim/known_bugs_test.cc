// Known bugs are found: each deliberately wrong variant of
// tests/sim/buggy_components.h runs in a swarm of at most 1,000 seeds (it
// stops at the first failing seed), and the test asserts the exact invariant
// that catches it. The same seeds with the bug switched off (the control)
// never violate that invariant, so the swarm catches the bug and nothing else.
#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>

#include "properties/checker.h"
#include "properties/scenario_options.h"
#include "sim/fault_plan.h"
#include "sim/simulation.h"
#include "tests/sim/buggy_components.h"
#include "tests/sim/judged_run.h"

namespace logact::sim::testing {
namespace {

// The most seeds a known bug may need (issue 3, item 8).
constexpr uint64_t kSeedsMax = 1000;

struct Verdict {
  uint64_t seed = 0;
  properties::Report report;
  std::string summary;  // ids and first message, for failure output
};

struct Case {
  KnownBug bug;
  std::string scenario;
  std::string faults;     // --faults text
  std::string invariant;  // the id that must catch it
};

// Runs one seed with the online checker; adds LIVE-DECIDE and REC-STATE the
// way `logact sim` judges them.
Verdict RunSeed(const Case& c, uint64_t seed, const SimHooks& hooks) {
  SimOptions options;
  options.scenario = c.scenario;
  options.seed = seed;
  Result<FaultPlan> faults = ParseFaultPlan(c.faults, seed);
  BOOST_TEST_REQUIRE(faults.has_value(), (faults ? "" : faults.error().ToString()));
  options.faults = *faults;
  JudgedSimulation judged = JudgeSimulation(options, hooks);
  Verdict verdict;
  verdict.seed = seed;
  verdict.report = std::move(judged.report);
  verdict.summary = std::move(judged.summary);
  return verdict;
}

// The first seed in [0, kSeedsMax) whose run violates some invariant.
std::optional<Verdict> FirstFailingSeed(const Case& c, const SimHooks& hooks) {
  for (uint64_t seed = 0; seed < kSeedsMax; ++seed) {
    Verdict verdict = RunSeed(c, seed, hooks);
    if (!verdict.report.ok()) return verdict;
  }
  return std::nullopt;
}

void ExpectCaught(const Case& c) {
  BOOST_TEST_MESSAGE("known bug " << KnownBugName(c.bug) << " on " << c.scenario << ", faults "
                                  << c.faults);
  std::optional<Verdict> caught = FirstFailingSeed(c, HooksFor(c.bug, /*with_bug=*/true));
  BOOST_TEST_REQUIRE(caught.has_value(), KnownBugName(c.bug)
                                             << ": no seed of " << kSeedsMax << " failed");
  BOOST_TEST_MESSAGE("  caught at seed " << caught->seed << ": " << caught->summary);
  BOOST_TEST(caught->report.Violated(c.invariant),
             KnownBugName(c.bug) << " seed " << caught->seed << ": expected " << c.invariant
                                 << ", got " << caught->summary);
  // The control: the same seeds without the bug never violate that invariant.
  const SimHooks control = HooksFor(c.bug, /*with_bug=*/false);
  for (uint64_t seed = 0; seed <= caught->seed; ++seed) {
    Verdict verdict = RunSeed(c, seed, control);
    BOOST_TEST(!verdict.report.Violated(c.invariant),
               "control of " << KnownBugName(c.bug) << " seed " << seed << ": " << verdict.summary);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(KnownBugs)

// An executor that runs aborted intents: effects of aborted intents (EXE-COMMITTED).
BOOST_AUTO_TEST_CASE(ExecutorIgnoringDecisionsViolatesExeCommitted) {
  ExpectCaught(
      {KnownBug::kExecutorIgnoresDecisions, "bank-pay-bill-attack", "none", "EXE-COMMITTED"});
}

// An executor without the restart marker runs an intent twice after a crash
// between its effect and its result (EXE-ONCE).
BOOST_AUTO_TEST_CASE(ExecutorReexecutingAfterRestartViolatesExeOnce) {
  ExpectCaught({KnownBug::kExecutorReexecutesAfterRestart, "bank-pay-bill", "crash_mid_step=0.2",
                "EXE-ONCE"});
}

// A bus that forgets an acknowledged append on a crash hands its position out
// again (LOG-DENSE).
BOOST_AUTO_TEST_CASE(BusLosingAckedAppendViolatesLogDense) {
  ExpectCaught({KnownBug::kBusLosesAckedAppendOnCrash, "bank-pay-bill", "crash=0.01", "LOG-DENSE"});
}

// An LLM voter that approves when the model call fails lets the injected
// payment through the LLM override of the hot-swap policy (SAFE-SPEC).
BOOST_AUTO_TEST_CASE(LlmVoterAllowingOnFailureViolatesSafeSpec) {
  ExpectCaught(
      {KnownBug::kLlmVoterAllowsOnFailure, "hot-swap-attack", "llm_failure=0.5", "SAFE-SPEC"});
}

// A decider that counts both votes of one voter type (the rule voter and a
// twin of its type that echoes it) commits on two "rules" approvals before
// the LLM judge voted (DEC-JUSTIFIED).
BOOST_AUTO_TEST_CASE(DeciderCountingTypeTwiceViolatesDecJustified) {
  ExpectCaught({KnownBug::kDeciderCountsTypeTwice, "bank-pay-bill", "none", "DEC-JUSTIFIED"});
}

// A decider that judges by the latest policy decides an intent by a policy
// that came after it (an admin swaps the decider policy while each intent
// waits for its votes) (DEC-JUSTIFIED).
BOOST_AUTO_TEST_CASE(DeciderUsingLatestPolicyViolatesDecJustified) {
  ExpectCaught({KnownBug::kDeciderUsesLatestPolicy, "bank-pay-bill", "none", "DEC-JUSTIFIED"});
}

// A driver that ignores a newer election and keeps proposing live intents
// beside the new leader puts two live intents in flight (DRV-SERIAL).
BOOST_AUTO_TEST_CASE(DriverIgnoringFencingViolatesDrvSerial) {
  ExpectCaught(
      {KnownBug::kDriverIgnoresFencing, "bank-pay-bill-duplicate-driver", "none", "DRV-SERIAL"});
}

// A recovery that resumes one entry after the snapshot's next position
// rebuilds a state no crash-free replica has (REC-STATE, judged by the
// simulator live and by the trace checker on the state records).
BOOST_AUTO_TEST_CASE(RecoverySkippingSnapshotPositionViolatesRecState) {
  ExpectCaught({KnownBug::kRecoverySkipsSnapshotPosition, "bank-pay-bill", "crash_decider=0.05",
                "REC-STATE"});
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::sim::testing
