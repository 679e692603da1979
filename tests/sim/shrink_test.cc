// Shrinking the known bugs (issue 4, item 5): for each deliberately wrong
// variant of tests/sim/buggy_components.h, find the first seed whose run
// violates the variant's invariant, shrink its fault schedule with ddmin, and
// assert that the minimal run still violates that invariant with at most 5
// faults (time reported) and is 1-minimal: replaying it without any one of its
// faults no longer violates the invariant (checked here by brute force,
// independently of the shrinker's own bookkeeping).
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.h"
#include "properties/checker.h"
#include "properties/scenario_options.h"
#include "sim/fault_plan.h"
#include "sim/shrinker.h"
#include "sim/simulation.h"
#include "tests/sim/buggy_components.h"
#include "tests/sim/judged_run.h"

namespace logact::sim::testing {
namespace {

constexpr uint64_t kSeedsMax = 1000;     // as tests/sim/known_bugs_test.cc
constexpr size_t kMinimalFaultsMax = 5;  // issue 4, item 5

struct ShrinkCase {
  KnownBug bug;
  std::string scenario;
  std::string faults;     // --faults text
  std::string invariant;  // the id the shrunk run must still violate
};

// The variants with a fault plan and invariant that catches them (those of
// tests/sim/known_bugs_test.cc). A variant added to buggy_components without
// a row here is reported (by name) and skipped, not failed. The LLM voter's
// plan adds rare clock jumps to the known-bug plan: under llm_failure alone
// the attack only reaches the buggy override voter after the v3 hot swap if
// the driver's calls fail often enough to delay it (each failure ~1 s), so the
// 1-minimal run keeps 5 driver failures + 1 voter failure (6 faults); one
// clock jump does the same delay as one decision.
const std::vector<ShrinkCase>& Cases() {
  static const std::vector<ShrinkCase> cases = {
      {KnownBug::kExecutorIgnoresDecisions, "bank-pay-bill-attack", "none", "EXE-COMMITTED"},
      {KnownBug::kExecutorReexecutesAfterRestart, "bank-pay-bill", "crash_mid_step=0.2",
       "EXE-ONCE"},
      {KnownBug::kBusLosesAckedAppendOnCrash, "bank-pay-bill", "crash=0.01", "LOG-DENSE"},
      {KnownBug::kLlmVoterAllowsOnFailure, "hot-swap-attack", "llm_failure=0.5,clock_jump=1/100",
       "SAFE-SPEC"},
      {KnownBug::kDeciderCountsTypeTwice, "bank-pay-bill", "none", "DEC-JUSTIFIED"},
      {KnownBug::kDeciderUsesLatestPolicy, "bank-pay-bill", "none", "DEC-JUSTIFIED"},
      {KnownBug::kDriverIgnoresFencing, "bank-pay-bill-duplicate-driver", "none", "DRV-SERIAL"},
      {KnownBug::kRecoverySkipsSnapshotPosition, "bank-pay-bill", "crash_decider=0.05",
       "REC-STATE"},
  };
  return cases;
}

// Runs `options` with the bug's hooks and the online checker; LIVE-DECIDE and
// REC-STATE are added the way `logact sim` judges them.
JudgedRun Judge(const ShrinkCase& c, const SimHooks& hooks, const SimOptions& options) {
  JudgedSimulation simulation = JudgeSimulation(options, hooks);
  JudgedRun judged;
  judged.fails = simulation.report.Violated(c.invariant);
  judged.injected = simulation.run.fault_schedule;
  for (const std::string& id : simulation.report.ViolatedIds()) judged.summary += id + " ";
  return judged;
}

SimOptions Options(const ShrinkCase& c, uint64_t seed) {
  SimOptions options;
  options.scenario = c.scenario;
  options.seed = seed;
  Result<FaultPlan> faults = ParseFaultPlan(c.faults, seed);
  BOOST_TEST_REQUIRE(faults.has_value());
  options.faults = *faults;
  return options;
}

std::optional<uint64_t> FirstFailingSeed(const ShrinkCase& c, const SimHooks& hooks) {
  for (uint64_t seed = 0; seed < kSeedsMax; ++seed) {
    if (Judge(c, hooks, Options(c, seed)).fails) return seed;
  }
  return std::nullopt;
}

void ExpectShrinks(const ShrinkCase& c) {
  const SimHooks hooks = HooksFor(c.bug, /*with_bug=*/true);
  const std::optional<uint64_t> seed = FirstFailingSeed(c, hooks);
  BOOST_TEST_REQUIRE(seed.has_value(), KnownBugName(c.bug) << ": no failing seed");
  const RunJudge judge = [&](const SimOptions& options) -> Result<JudgedRun> {
    return Judge(c, hooks, options);
  };
  // The 10 s target (issue 4) is a speed figure, reported here, not asserted:
  // a timed assertion fails on a loaded machine without a bug.
  const auto start = std::chrono::steady_clock::now();
  Result<FaultShrinkResult> shrunk =
      ShrinkFaultSchedule(Options(c, *seed), judge, limits::kShrinkRunsMax);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_REQUIRE(shrunk.has_value(), (shrunk ? "" : shrunk.error().ToString()));
  const FaultSchedule& minimal = *shrunk->minimal_options.fault_schedule;
  BOOST_TEST_MESSAGE(
      "shrink " << KnownBugName(c.bug) << " seed " << *seed << ": "
                << shrunk->original.faults.size() << " -> " << shrunk->minimal.faults.size()
                << " faults, " << shrunk->choices_before << " -> " << shrunk->choices_after
                << " scheduling choices, " << shrunk->runs << " runs, " << seconds << " s");
  for (const ScheduledFault& fault : shrunk->minimal.faults) {
    BOOST_TEST_MESSAGE("  " << DescribeFault(fault));
  }
  BOOST_TEST(shrunk->one_minimal);
  BOOST_TEST(shrunk->minimal.faults.size() <= kMinimalFaultsMax);
  BOOST_TEST(shrunk->minimal.faults.size() <= shrunk->original.faults.size());
  BOOST_TEST(shrunk->minimal_run.fails);
  // 1-minimality, rechecked: without any single fault the invariant holds.
  for (size_t drop = 0; drop < minimal.faults.size(); ++drop) {
    SimOptions without = shrunk->minimal_options;
    without.fault_schedule->faults.erase(without.fault_schedule->faults.begin() +
                                         static_cast<std::ptrdiff_t>(drop));
    BOOST_TEST(!Judge(c, hooks, without).fails, KnownBugName(c.bug)
                                                    << ": still fails without "
                                                    << DescribeFault(minimal.faults[drop]));
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Shrink)

// Every known bug with a row shrinks to <= 5 faults, 1-minimal (time reported);
// variants without a row are named so the gap is visible.
BOOST_AUTO_TEST_CASE(KnownBugsShrinkToAFewFaults) {
  for (int raw = static_cast<int>(KnownBug::kNone) + 1;; ++raw) {
    const KnownBug bug = static_cast<KnownBug>(raw);
    const std::string name = KnownBugName(bug);
    if (name == "?") break;  // past the last variant
    const ShrinkCase* row = nullptr;
    for (const ShrinkCase& c : Cases()) {
      if (c.bug == bug) row = &c;
    }
    if (row == nullptr) {
      BOOST_TEST_MESSAGE("shrink: no case for known bug " << name << " (not caught yet)");
      continue;
    }
    BOOST_TEST_CONTEXT(name) { ExpectShrinks(*row); }
  }
}

// A failure that needs a storage fault: the judge asks for a torn write that
// the bus detected and re-filled (recovery path "torn_write"), in a run with
// every storage kind on. Shrinking keeps exactly one torn write and removes
// every other storage fault; the schedule replays (the minimal run injects
// exactly the listed faults) and without its one fault the run passes.
BOOST_AUTO_TEST_CASE(StorageFaultsAreShrunkToTheOneNeeded) {
  const std::string plan =
      "append_fail=0.1,append_delay=0.1,append_timeout=0.1,torn_write=0.05,lost_unacked=0.1";
  const RunJudge judge = [](const SimOptions& options) -> Result<JudgedRun> {
    JudgedSimulation simulation = JudgeSimulation(options);
    JudgedRun judged;
    const auto torn = simulation.run.recovery_paths.find("torn_write");
    judged.fails = torn != simulation.run.recovery_paths.end() && torn->second > 0;
    judged.injected = simulation.run.fault_schedule;
    judged.summary = judged.fails ? "torn write" : "no torn write";
    return judged;
  };
  std::optional<SimOptions> failing;
  size_t storage_faults = 0;
  for (uint64_t seed = 0; seed < 50 && !failing; ++seed) {
    SimOptions options;
    options.scenario = "bank-pay-bill";
    options.seed = seed;
    options.faults = *ParseFaultPlan(plan, seed);
    Result<JudgedRun> run = judge(options);
    BOOST_TEST_REQUIRE(run.has_value());
    storage_faults = run->injected.faults.size();
    // Several storage faults, so that shrinking has some to remove.
    if (run->fails && storage_faults >= 4) failing = options;
  }
  BOOST_TEST_REQUIRE(failing.has_value(), "no seed in 0..49 tears a write among >= 4 faults");
  Result<FaultShrinkResult> shrunk = ShrinkFaultSchedule(*failing, judge, limits::kShrinkRunsMax);
  BOOST_TEST_REQUIRE(shrunk.has_value(), (shrunk ? "" : shrunk.error().ToString()));
  BOOST_TEST_MESSAGE("storage shrink seed " << failing->seed << ": " << storage_faults << " -> "
                                            << shrunk->minimal.faults.size() << " faults, "
                                            << shrunk->runs << " runs");
  for (const ScheduledFault& fault : shrunk->original.faults) {
    BOOST_TEST(IsStorageFault(fault.kind), DescribeFault(fault));
    BOOST_TEST(fault.Schedulable(), DescribeFault(fault));
  }
  BOOST_TEST(shrunk->one_minimal);
  BOOST_TEST(shrunk->unscheduled == 0);
  BOOST_TEST_REQUIRE(shrunk->minimal.faults.size() == 1u);
  BOOST_TEST((shrunk->minimal.faults[0].kind == FaultKind::kTornWrite));
  BOOST_TEST(!shrunk->minimal.faults[0].site.empty());  // the author of the torn write
  const FaultSchedule& listed = *shrunk->minimal_options.fault_schedule;
  BOOST_TEST_REQUIRE(listed.faults.size() == 1u);
  BOOST_TEST(listed.faults[0].opportunity == shrunk->minimal.faults[0].opportunity);
  SimOptions without = shrunk->minimal_options;
  without.fault_schedule->faults.clear();
  Result<JudgedRun> clean = judge(without);
  BOOST_TEST_REQUIRE(clean.has_value());
  BOOST_TEST(!clean->fails);
  BOOST_TEST(clean->injected.faults.empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::sim::testing
