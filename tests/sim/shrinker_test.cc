// Tests of the shrinker's pieces: ddmin on synthetic predicates (result
// holds, is 1-minimal, respects the budget, caches, propagates errors), the
// fault schedule's persisted form, and replay mode (a run's own schedule
// reproduces it record for record; a subset injects only that subset).
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "sim/fault_schedule.h"
#include "sim/shrinker.h"
#include "sim/simulation.h"
#include "traces/trace_writer.h"

namespace logact::sim {
namespace {

// True if `subset` contains every index of `needed`.
bool ContainsAll(const std::vector<size_t>& subset, const std::set<size_t>& needed) {
  size_t found = 0;
  for (const size_t i : subset) found += needed.count(i);
  return found == needed.size();
}

// The 1-minimality ddmin promises, checked by brute force.
void ExpectOneMinimal(const std::vector<size_t>& subset, const SubsetPredicate& fails) {
  Result<bool> holds = fails(subset);
  BOOST_TEST_REQUIRE(holds.has_value());
  BOOST_TEST(*holds);
  for (size_t drop = 0; drop < subset.size(); ++drop) {
    std::vector<size_t> smaller = subset;
    smaller.erase(smaller.begin() + static_cast<std::ptrdiff_t>(drop));
    Result<bool> still = fails(smaller);
    BOOST_TEST_REQUIRE(still.has_value());
    BOOST_TEST(!*still, "removing " << subset[drop] << " keeps the failure");
  }
}

std::string TraceBody(const std::string& trace) { return trace.substr(trace.find('\n') + 1); }

struct Run {
  SimReport report;
  std::string trace;
};

Run RunWithTrace(const SimOptions& options) {
  traces::TraceWriter writer;
  Result<SimReport> report = RunSimulation(options, {&writer});
  BOOST_TEST_REQUIRE(report.has_value(), (report ? "" : report.error().ToString()));
  return Run{*report, writer.text()};
}

SimOptions Faulty(uint64_t seed, const std::string& faults) {
  SimOptions options;
  options.scenario = "bank-pay-bill";
  options.seed = seed;
  Result<FaultPlan> plan = ParseFaultPlan(faults, seed);
  BOOST_TEST_REQUIRE(plan.has_value());
  options.faults = *plan;
  options.record_choices = true;  // the tests below replay a run's choices
  return options;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Shrinker)

// A failure that needs no decision shrinks to the empty set in one test.
BOOST_AUTO_TEST_CASE(AlwaysFailingShrinksToEmpty) {
  Result<DdminResult> result = Ddmin(
      10, [](const std::vector<size_t>&) -> Result<bool> { return true; }, 100);
  BOOST_TEST_REQUIRE(result.has_value());
  BOOST_TEST(result->subset.empty());
  BOOST_TEST(result->tests == 1);
  BOOST_TEST(result->one_minimal);
}

// One culprit among 64 is isolated in O(log n) tests.
BOOST_AUTO_TEST_CASE(SingleCulpritIsIsolated) {
  const SubsetPredicate fails = [](const std::vector<size_t>& s) -> Result<bool> {
    return ContainsAll(s, {37});
  };
  Result<DdminResult> result = Ddmin(64, fails, 1000);
  BOOST_TEST_REQUIRE(result.has_value());
  BOOST_TEST(result->subset == std::vector<size_t>({37}));
  BOOST_TEST(result->tests <= 20);
  BOOST_TEST(result->one_minimal);
}

// Several culprits far apart are all kept, and nothing else.
BOOST_AUTO_TEST_CASE(InteractingCulpritsAreAllKept) {
  const SubsetPredicate fails = [](const std::vector<size_t>& s) -> Result<bool> {
    return ContainsAll(s, {2, 17, 18, 40});
  };
  Result<DdminResult> result = Ddmin(41, fails, 1000);
  BOOST_TEST_REQUIRE(result.has_value());
  BOOST_TEST(result->subset == std::vector<size_t>({2, 17, 18, 40}));
  BOOST_TEST(result->one_minimal);
  ExpectOneMinimal(result->subset, fails);
}

// A non-monotone predicate (fails on exactly two of {1,3,5,7}) still gives a 1-minimal subset.
BOOST_AUTO_TEST_CASE(NonMonotonePredicateGivesOneMinimal) {
  const SubsetPredicate fails = [](const std::vector<size_t>& s) -> Result<bool> {
    int count = 0;
    for (const size_t i : s) count += (i == 1 || i == 3 || i == 5 || i == 7) ? 1 : 0;
    return count == 2 || s.size() == 12;
  };
  Result<DdminResult> result = Ddmin(12, fails, 1000);
  BOOST_TEST_REQUIRE(result.has_value());
  BOOST_TEST(result->one_minimal);
  BOOST_TEST(result->subset.size() == 2u);
  ExpectOneMinimal(result->subset, fails);
}

// Every subset is judged once (the cache), and the budget stops the search
// on a failing subset that is not claimed 1-minimal.
BOOST_AUTO_TEST_CASE(CachesAndRespectsTheBudget) {
  std::set<std::vector<size_t>> seen;
  bool repeated = false;
  const SubsetPredicate fails = [&](const std::vector<size_t>& s) -> Result<bool> {
    repeated = repeated || !seen.insert(s).second;
    return ContainsAll(s, {0, 9, 19});
  };
  Result<DdminResult> full = Ddmin(20, fails, 1000);
  BOOST_TEST_REQUIRE(full.has_value());
  BOOST_TEST(!repeated);
  BOOST_TEST(full->tests == static_cast<int64_t>(seen.size()));
  Result<DdminResult> cut = Ddmin(20, fails, 3);
  BOOST_TEST_REQUIRE(cut.has_value());
  BOOST_TEST(cut->tests == 3);
  BOOST_TEST(!cut->one_minimal);
  BOOST_TEST(ContainsAll(cut->subset, {0, 9, 19}));
}

// A predicate error stops the shrink and comes back unchanged.
BOOST_AUTO_TEST_CASE(PredicateErrorPropagates) {
  Result<DdminResult> result = Ddmin(
      8, [](const std::vector<size_t>&) -> Result<bool> { return InternalError("boom"); }, 100);
  BOOST_TEST_REQUIRE(!result.has_value());
  BOOST_TEST((result.error().code() == StatusCode::kInternal));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(FaultScheduleFormat)

// The persisted form reads back equal; bad documents are named errors.
BOOST_AUTO_TEST_CASE(RoundTripsAndRejectsBadInput) {
  FaultSchedule schedule;
  schedule.faults.push_back({FaultKind::kCrashMidStep, "executor/x0", 4, {1}, 120, "executor/x0"});
  schedule.faults.push_back({FaultKind::kTornWrite, "", kUnscheduled, {}, 300, "storage"});
  Result<FaultSchedule> back = FaultScheduleFromJson(FaultScheduleToJson(schedule));
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST((*back == schedule));
  Json bad = FaultScheduleToJson(schedule);
  bad["faults"][0]["kind"] = "meteor";
  BOOST_TEST(!FaultScheduleFromJson(bad).has_value());
  bad = FaultScheduleToJson(schedule);
  bad["format"] = "other";
  BOOST_TEST(!FaultScheduleFromJson(bad).has_value());
  bad = FaultScheduleToJson(schedule);
  bad["faults"].push_back(bad["faults"][0]);  // the same opportunity twice
  Result<FaultSchedule> twice = FaultScheduleFromJson(bad);
  BOOST_TEST_REQUIRE(!twice.has_value());
  BOOST_TEST(twice.error().message().find("repeats") != std::string::npos);
  BOOST_TEST(!FaultScheduleFromJson(Json::array()).has_value());
}

// Scheduling choices round-trip; a version 1 document, a pick of 0 and
// choices out of point order are refused.
BOOST_AUTO_TEST_CASE(ChoicesRoundTripAndVersionOneIsRefused) {
  FaultSchedule schedule;
  schedule.choices = std::vector<SchedulingChoice>{{3, 1, 20, "voter/a"}, {9, 2, 40, "x"}};
  Result<FaultSchedule> back = FaultScheduleFromJson(FaultScheduleToJson(schedule));
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST((*back == schedule));
  BOOST_TEST(!FaultScheduleToJson(FaultSchedule{}).contains("choices"));
  Json bad = FaultScheduleToJson(schedule);
  bad["version"] = 1;
  BOOST_TEST(!FaultScheduleFromJson(bad).has_value());
  bad = FaultScheduleToJson(schedule);
  bad["choices"][0]["pick"] = 0;
  BOOST_TEST(!FaultScheduleFromJson(bad).has_value());
  bad = FaultScheduleToJson(schedule);
  bad["choices"][1]["point"] = 3;
  BOOST_TEST(!FaultScheduleFromJson(bad).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(FaultScheduleReplay)

// Replaying a run's own schedule reproduces it record for record (only the
// header, which carries the schedule, differs), for several seeds under heavy faults.
BOOST_AUTO_TEST_CASE(OwnScheduleReproducesTheRun) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      const SimOptions options = Faulty(seed, "heavy");
      const Run original = RunWithTrace(options);
      BOOST_TEST(!original.report.fault_schedule.faults.empty());
      SimOptions replay = options;
      replay.fault_schedule = original.report.fault_schedule;
      const Run replayed = RunWithTrace(replay);
      BOOST_TEST((TraceBody(replayed.trace) == TraceBody(original.trace)));
      BOOST_TEST((replayed.report.fault_schedule == original.report.fault_schedule));
    }
  }
}

// An empty schedule injects no drawn fault; a one-fault schedule injects that fault only.
BOOST_AUTO_TEST_CASE(SubsetInjectsOnlyTheSubset) {
  const SimOptions options = Faulty(3, "crash=0.02,crash_mid_step=0.05,tool_fail=0.2");
  const Run original = RunWithTrace(options);
  const FaultSchedule& all = original.report.fault_schedule;
  BOOST_TEST_REQUIRE(all.faults.size() >= 2u);
  SimOptions none = options;
  none.fault_schedule = FaultSchedule{};
  BOOST_TEST(RunWithTrace(none).report.fault_schedule.faults.empty());
  SimOptions one = options;
  one.fault_schedule = FaultSchedule{{all.faults.front()}, std::nullopt};
  const FaultSchedule injected = RunWithTrace(one).report.fault_schedule;
  BOOST_TEST_REQUIRE(injected.faults.size() == 1u);
  BOOST_TEST((injected.faults[0].kind == all.faults.front().kind));
  BOOST_TEST(injected.faults[0].opportunity == all.faults.front().opportunity);
  BOOST_TEST(injected.faults[0].site == all.faults.front().site);
  BOOST_TEST((injected.faults[0].draws == all.faults.front().draws));
}

// Storage faults are decisions too: under storage faults only, every fault of
// the run is schedulable, named by the author of the write; replaying one of
// them injects exactly that one, with its drawn magnitudes.
BOOST_AUTO_TEST_CASE(StorageFaultsAreSchedulable) {
  const SimOptions options = Faulty(
      2, "append_fail=0.1,append_delay=0.1,append_timeout=0.1,torn_write=0.1,lost_unacked=0.1");
  const Run original = RunWithTrace(options);
  const FaultSchedule& all = original.report.fault_schedule;
  BOOST_TEST_REQUIRE(all.faults.size() >= 3u);
  for (const ScheduledFault& fault : all.faults) {
    BOOST_TEST(fault.Schedulable(), DescribeFault(fault));
    BOOST_TEST(fault.site.find('/') != std::string::npos, DescribeFault(fault));
  }
  SimOptions replay = options;
  replay.fault_schedule = all;
  BOOST_TEST((TraceBody(RunWithTrace(replay).trace) == TraceBody(original.trace)));
  // The first fault: the run is the same up to it, so its opportunity comes
  // (a later one may not, once the faults before it are gone).
  const ScheduledFault& kept = all.faults.front();
  SimOptions one = options;
  one.fault_schedule = FaultSchedule{{kept}, all.choices};
  const FaultSchedule injected = RunWithTrace(one).report.fault_schedule;
  BOOST_TEST_REQUIRE(injected.faults.size() == 1u, DescribeFault(kept));
  BOOST_TEST((injected.faults[0].kind == kept.kind));
  BOOST_TEST(injected.faults[0].site == kept.site);
  BOOST_TEST(injected.faults[0].opportunity == kept.opportunity);
  BOOST_TEST((injected.faults[0].draws == kept.draws));
}

// Scheduling choices: a run records its non-default picks; replaying them
// reproduces the run; an empty list makes every pick the default, so that
// run records none; a normal run of the same options is unchanged.
BOOST_AUTO_TEST_CASE(ChoicesReplayAndDefault) {
  const SimOptions options = Faulty(6, "none");
  const Run original = RunWithTrace(options);
  const FaultSchedule& recorded = original.report.fault_schedule;
  BOOST_TEST_REQUIRE(recorded.choices.has_value());
  BOOST_TEST_REQUIRE(!recorded.choices->empty());
  for (const SchedulingChoice& choice : *recorded.choices) {
    BOOST_TEST(choice.pick >= 1);
    BOOST_TEST(!choice.target.empty());
  }
  SimOptions replay = options;
  replay.fault_schedule = recorded;
  const Run replayed = RunWithTrace(replay);
  BOOST_TEST((TraceBody(replayed.trace) == TraceBody(original.trace)));
  BOOST_TEST((replayed.report.fault_schedule == recorded));
  SimOptions defaults = options;
  defaults.fault_schedule = FaultSchedule{{}, std::vector<SchedulingChoice>{}};
  const Run defaulted = RunWithTrace(defaults);
  BOOST_TEST(defaulted.report.fault_schedule.choices->empty());
  BOOST_TEST((TraceBody(defaulted.trace) != TraceBody(original.trace)));
  BOOST_TEST((TraceBody(RunWithTrace(options).trace) == TraceBody(original.trace)));
}

// record_choices only fills the report: without it the run is the same
// record for record, with the same faults, and lists no choices.
BOOST_AUTO_TEST_CASE(RecordingChoicesChangesNothingElse) {
  for (const char* faults : {"none", "heavy"}) {
    BOOST_TEST_CONTEXT(faults) {
      const SimOptions recording = Faulty(6, faults);
      SimOptions plain = recording;
      plain.record_choices = false;
      const Run with = RunWithTrace(recording);
      const Run without = RunWithTrace(plain);
      BOOST_TEST_REQUIRE(with.report.fault_schedule.choices.has_value());
      BOOST_TEST(!with.report.fault_schedule.choices->empty());
      BOOST_TEST(!without.report.fault_schedule.choices.has_value());
      BOOST_TEST((without.trace == with.trace));
      BOOST_TEST((without.report.fault_schedule.faults == with.report.fault_schedule.faults));
      BOOST_TEST(without.report.steps == with.report.steps);
    }
  }
}

// The schedule travels in the trace header, so `logact replay` reruns it.
BOOST_AUTO_TEST_CASE(ScheduleRoundTripsThroughTheHeader) {
  SimOptions options = Faulty(5, "light");
  options.fault_schedule =
      FaultSchedule{{{FaultKind::kCrashDriver, "", 7, {0}, 0, ""}}, std::nullopt};
  Result<SimOptions> back = SimOptionsFromHeader(SimHeader(options));
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST_REQUIRE(back->fault_schedule.has_value());
  BOOST_TEST((*back->fault_schedule == *options.fault_schedule));
  options.fault_schedule.reset();
  Result<SimOptions> plain = SimOptionsFromHeader(SimHeader(options));
  BOOST_TEST_REQUIRE(plain.has_value());
  BOOST_TEST(!plain->fault_schedule.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::sim
