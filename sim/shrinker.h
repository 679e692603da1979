// Shrinker: delta debugging (Zeller and Hildebrandt's ddmin, "Simplifying and
// Isolating Failure-Inducing Input", TSE 2002) over the decisions of a
// failing run, and its use on a simulation's fault schedule.
//
// Ddmin is pure: given n decisions (indexes 0..n-1) and a predicate "does the
// run with only these decisions still fail", it returns a subset on which the
// predicate holds and that is 1-minimal: removing any single element makes the
// predicate false (every such removal was tested). It first tries the empty
// subset, then splits the current subset into chunks, keeping a failing chunk
// or a failing complement, refining the granularity until it reaches single
// elements. Results are cached by subset, so no subset is judged twice. The
// predicate is assumed deterministic; it need not be monotone (ddmin then
// still returns a 1-minimal subset, not necessarily a smallest one).
//
// ShrinkFaultSchedule applies ddmin to the decisions of a run
// (sim/fault_schedule.h): its faults (every kind, storage faults included)
// and its scheduler's non-default choices. Each candidate subset is replayed
// with the same seed and options in replay mode, and judged by the caller's
// RunJudge (the caller links the invariant checker; sim/ does not). The
// failure to keep is whatever the judge says: `logact shrink` and
// tests/sim/shrink_test.cc keep "the run violates the target invariant id"
// (docs/shrinking.md). Three phases: (A) ddmin over the faults, the scheduler
// stream picking as in the original run; (B) ddmin over the choices of the
// run phase A left, its faults fixed, every removed choice replaced by the
// default (the first ready component); (C) ddmin over the faults again with
// B's choices fixed, because defaulting choices can make a fault
// unnecessary. The result is 1-minimal over the faults for the choices it
// lists (phase C); the choices are 1-minimal for the faults of phase A.
//
// Determinism: pure functions of their inputs and of the judge's answers; no
// clock (the CLI measures wall time). Thread-safety: none needed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/status.h"
#include "sim/fault_schedule.h"
#include "sim/sim_options.h"

namespace logact::sim {

// True if the run restricted to `subset` (ascending indexes) still fails.
// Errors abort the shrink and are returned as they are.
using SubsetPredicate = std::function<Result<bool>(const std::vector<size_t>& subset)>;

struct DdminResult {
  std::vector<size_t> subset;  // ascending; the predicate holds on it
  int64_t tests = 0;           // predicate calls (cache hits excluded)
  // True iff every single-element removal of `subset` was tested and passed
  // (false only when tests_max stopped the search first).
  bool one_minimal = false;
};

// Ddmin over indexes 0..n-1. REQUIRES: the predicate holds on the full set
// (not re-tested here), tests_max >= 1. Stops after tests_max predicate calls
// with the smallest failing subset found so far (one_minimal false).
// Errors: the predicate's.
Result<DdminResult> Ddmin(size_t n, const SubsetPredicate& fails, int64_t tests_max);

// One judged run of the simulation.
struct JudgedRun {
  bool fails = false;      // the failure being shrunk is present
  FaultSchedule injected;  // the faults the run injected (SimReport::fault_schedule)
  std::string summary;     // e.g. the violated ids, for reports
};
// Runs `options` (with the caller's hooks and checker) and judges it.
using RunJudge = std::function<Result<JudgedRun>(const SimOptions& options)>;

struct FaultShrinkResult {
  FaultSchedule original;      // the faults (and choices) of the original run
  FaultSchedule minimal;       // what the minimal run injected and chose
  SimOptions minimal_options;  // options that replay the minimal run
  JudgedRun minimal_run;
  int64_t runs = 0;          // simulations run, all included
  bool one_minimal = false;  // over the faults (see DdminResult)
  // Faults in the minimal run that replay cannot choose (kUnscheduled): 0
  // since storage faults are scheduled; kept for reports.
  int64_t unscheduled = 0;
  // Non-default scheduling choices before phase B and in the minimal
  // schedule. choices_shrunk is false when phase B did not run: the run made
  // too many choices to record, or the run budget ended in phase A.
  int64_t choices_before = 0;
  int64_t choices_after = 0;
  bool choices_shrunk = false;
};

// Shrinks the decisions of the run `options` describes. Runs it once (it must
// fail), replays its full fault schedule (it must fail again: replay mode
// reproduces the run), runs phases A, B and C above, and finally reruns the
// minimal schedule to report what it injects. Every run is judged with
// record_choices set (phase B needs the choices; minimal_options keeps it).
// At most runs_max runs (>= 4);
// when the budget ends early the result is the smallest failure found, with
// one_minimal false.
// Errors: kInvalidArgument (the original run does not fail), kInternal (the
// full schedule does not reproduce the failure: a replay bug; or the minimal
// schedule passes when rerun: a nondeterministic judge), the judge's.
Result<FaultShrinkResult> ShrinkFaultSchedule(const SimOptions& options, const RunJudge& judge,
                                              int64_t runs_max);

}  // namespace logact::sim
