#include "sim/shrinker.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <utility>

#include "core/assert.h"

namespace logact::sim {
namespace {

// `items` cut into `chunks` consecutive parts whose sizes differ by at most one.
std::vector<std::vector<size_t>> Split(const std::vector<size_t>& items, size_t chunks) {
  LOGACT_ASSERT_GE(chunks, size_t{1});
  LOGACT_ASSERT_LE(chunks, items.size());
  std::vector<std::vector<size_t>> parts;
  size_t start = 0;
  for (size_t i = 0; i < chunks; ++i) {
    const size_t size = items.size() / chunks + (i < items.size() % chunks ? 1 : 0);
    parts.emplace_back(items.begin() + static_cast<std::ptrdiff_t>(start),
                       items.begin() + static_cast<std::ptrdiff_t>(start + size));
    start += size;
  }
  LOGACT_ASSERT_EQ(start, items.size());
  return parts;
}

// `items` without `removed` (both ascending).
std::vector<size_t> Without(const std::vector<size_t>& items, const std::vector<size_t>& removed) {
  std::vector<size_t> out;
  std::set_difference(items.begin(), items.end(), removed.begin(), removed.end(),
                      std::back_inserter(out));
  return out;
}

// The predicate behind a cache and a budget. Once the budget is spent every
// untested subset counts as passing, which ends the search on the smallest
// failing subset found so far.
class CachedPredicate {
 public:
  CachedPredicate(const SubsetPredicate& fails, int64_t tests_max)
      : fails_(fails), tests_max_(tests_max) {}

  Result<bool> Fails(const std::vector<size_t>& subset) {
    const auto found = cache_.find(subset);
    if (found != cache_.end()) return found->second;
    if (tests_ >= tests_max_) {
      exhausted_ = true;
      return false;
    }
    ++tests_;
    LOGACT_ASSIGN_OR_RETURN(const bool fails, fails_(subset));
    cache_.emplace(subset, fails);
    return fails;
  }
  int64_t tests() const { return tests_; }
  bool exhausted() const { return exhausted_; }

 private:
  const SubsetPredicate& fails_;
  int64_t tests_max_;
  int64_t tests_ = 0;
  bool exhausted_ = false;
  std::map<std::vector<size_t>, bool> cache_;
};

// One round of ddmin at `granularity`: the first failing chunk, else the first
// failing complement, replaces *current. Returns whether one did.
Result<bool> ReduceOnce(CachedPredicate& predicate, std::vector<size_t>* current,
                        size_t* granularity) {
  const std::vector<std::vector<size_t>> chunks = Split(*current, *granularity);
  for (const std::vector<size_t>& chunk : chunks) {
    LOGACT_ASSIGN_OR_RETURN(const bool fails, predicate.Fails(chunk));
    if (fails) {
      *current = chunk;
      *granularity = 2;
      return true;
    }
  }
  // With two chunks each complement is the other chunk, already tested.
  if (chunks.size() == 2) return false;
  for (const std::vector<size_t>& chunk : chunks) {
    std::vector<size_t> complement = Without(*current, chunk);
    LOGACT_ASSIGN_OR_RETURN(const bool fails, predicate.Fails(complement));
    if (fails) {
      *current = std::move(complement);
      *granularity = std::max<size_t>(*granularity - 1, 2);
      return true;
    }
  }
  return false;
}

}  // namespace

Result<DdminResult> Ddmin(size_t n, const SubsetPredicate& fails, int64_t tests_max) {
  LOGACT_ASSERT_GE(tests_max, int64_t{1});
  CachedPredicate predicate(fails, tests_max);
  DdminResult result;
  for (size_t i = 0; i < n; ++i) result.subset.push_back(i);
  if (n > 0) {
    // The empty subset first: a failure that needs no decision shrinks at once.
    LOGACT_ASSIGN_OR_RETURN(const bool empty_fails, predicate.Fails({}));
    if (empty_fails) result.subset.clear();
  }
  size_t granularity = 2;
  while (result.subset.size() >= 2) {
    granularity = std::min(granularity, result.subset.size());
    LOGACT_ASSIGN_OR_RETURN(const bool reduced,
                            ReduceOnce(predicate, &result.subset, &granularity));
    if (reduced) continue;
    // At single elements every removal of one was tested: 1-minimal.
    if (granularity >= result.subset.size()) break;
    granularity = std::min(granularity * 2, result.subset.size());
  }
  result.tests = predicate.tests();
  result.one_minimal = !predicate.exhausted();
  return result;
}

namespace {

SimOptions WithSchedule(const SimOptions& options, const std::vector<ScheduledFault>& faults,
                        const std::vector<size_t>& subset,
                        const std::optional<std::vector<SchedulingChoice>>& choices) {
  SimOptions out = options;
  FaultSchedule schedule;
  for (const size_t i : subset) schedule.faults.push_back(faults[i]);
  schedule.choices = choices;
  out.fault_schedule = std::move(schedule);
  return out;
}

std::vector<size_t> AllIndexes(size_t n) {
  std::vector<size_t> all;
  for (size_t i = 0; i < n; ++i) all.push_back(i);
  return all;
}

template <typename T>
std::vector<T> Pick(const std::vector<T>& items, const std::vector<size_t>& subset) {
  std::vector<T> out;
  for (const size_t i : subset) out.push_back(items[i]);
  return out;
}

// Where each kept decision hit in the minimal run (the draws stay as replayed).
void RefreshDisplay(const FaultSchedule& injected, FaultSchedule* schedule) {
  for (ScheduledFault& fault : schedule->faults) {
    for (const ScheduledFault& hit : injected.faults) {
      if (hit.kind == fault.kind && hit.site == fault.site &&
          hit.opportunity == fault.opportunity) {
        fault.ts = hit.ts;
        fault.target = hit.target;
      }
    }
  }
  if (!schedule->choices || !injected.choices) return;
  for (SchedulingChoice& choice : *schedule->choices) {
    for (const SchedulingChoice& hit : *injected.choices) {
      if (hit.point != choice.point) continue;
      choice.ts = hit.ts;
      choice.target = hit.target;
    }
  }
}

// The shrink's state: the decisions kept so far and the run budget.
class Shrink {
 public:
  Shrink(const SimOptions& options, const RunJudge& judge, int64_t runs_max)
      : options_(options), judge_(judge), runs_max_(runs_max) {}

  // Ddmin over faults_ with `choices` fixed; keeps the failing subset.
  Result<bool> ShrinkFaults(const std::optional<std::vector<SchedulingChoice>>& choices) {
    const SubsetPredicate fails = [&](const std::vector<size_t>& subset) -> Result<bool> {
      LOGACT_ASSIGN_OR_RETURN(JudgedRun run,
                              judge_(WithSchedule(options_, faults_, subset, choices)));
      return run.fails;
    };
    LOGACT_ASSIGN_OR_RETURN(DdminResult ddmin, Ddmin(faults_.size(), fails, Budget()));
    runs_ += ddmin.tests;
    faults_ = Pick(faults_, ddmin.subset);
    return ddmin.one_minimal;
  }

  // Ddmin over `choices` with faults_ fixed; returns the failing subset.
  Result<std::vector<SchedulingChoice>> ShrinkChoices(const std::vector<SchedulingChoice>& choices,
                                                      bool* one_minimal) {
    const std::vector<size_t> all_faults = AllIndexes(faults_.size());
    const SubsetPredicate fails = [&](const std::vector<size_t>& subset) -> Result<bool> {
      LOGACT_ASSIGN_OR_RETURN(JudgedRun run, judge_(WithSchedule(options_, faults_, all_faults,
                                                                 Pick(choices, subset))));
      return run.fails;
    };
    LOGACT_ASSIGN_OR_RETURN(DdminResult ddmin, Ddmin(choices.size(), fails, Budget()));
    runs_ += ddmin.tests;
    *one_minimal = ddmin.one_minimal;
    return Pick(choices, ddmin.subset);
  }

  Result<JudgedRun> Run(const std::optional<std::vector<SchedulingChoice>>& choices) {
    ++runs_;
    return judge_(WithSchedule(options_, faults_, AllIndexes(faults_.size()), choices));
  }

  std::vector<ScheduledFault>& faults() { return faults_; }
  int64_t runs() const { return runs_; }

 private:
  // What is left for one ddmin, keeping one run for the final rerun.
  int64_t Budget() const { return std::max<int64_t>(runs_max_ - runs_ - 1, 1); }

  const SimOptions& options_;
  const RunJudge& judge_;
  int64_t runs_max_;
  int64_t runs_ = 0;
  std::vector<ScheduledFault> faults_;
};

}  // namespace

Result<FaultShrinkResult> ShrinkFaultSchedule(const SimOptions& asked, const RunJudge& judge,
                                              int64_t runs_max) {
  // Phase B shrinks the choices a run made: every run must list them.
  SimOptions options = asked;
  options.record_choices = true;
  FaultShrinkResult result;
  LOGACT_ASSIGN_OR_RETURN(JudgedRun original, judge(options));
  if (!original.fails) {
    return InvalidArgumentError("the run does not fail, nothing to shrink (" + original.summary +
                                ")");
  }
  result.original = original.injected;
  Shrink shrink(options, judge, runs_max - 1);
  for (const ScheduledFault& fault : original.injected.faults) {
    if (fault.Schedulable()) shrink.faults().push_back(fault);
  }
  LOGACT_ASSIGN_OR_RETURN(JudgedRun replayed, shrink.Run(std::nullopt));
  if (!replayed.fails) {
    return InternalError("replaying the run's own fault schedule lost the failure (" +
                         replayed.summary + "): replay mode does not reproduce the run");
  }
  // Phase A: faults, the scheduler stream deciding.
  LOGACT_ASSIGN_OR_RETURN(result.one_minimal, shrink.ShrinkFaults(std::nullopt));
  std::optional<std::vector<SchedulingChoice>> choices;
  if (result.one_minimal) {
    // Phase B: the choices of phase A's run, its faults fixed.
    LOGACT_ASSIGN_OR_RETURN(JudgedRun phase_a, shrink.Run(std::nullopt));
    if (phase_a.injected.choices) {
      result.choices_before = static_cast<int64_t>(phase_a.injected.choices->size());
      bool choices_minimal = false;
      LOGACT_ASSIGN_OR_RETURN(choices,
                              shrink.ShrinkChoices(*phase_a.injected.choices, &choices_minimal));
      result.choices_shrunk = choices_minimal;
      // Phase C: the faults again, under the kept choices.
      LOGACT_ASSIGN_OR_RETURN(result.one_minimal, shrink.ShrinkFaults(choices));
    }
  }
  result.choices_after = choices ? static_cast<int64_t>(choices->size()) : 0;
  result.minimal_options =
      WithSchedule(options, shrink.faults(), AllIndexes(shrink.faults().size()), choices);
  LOGACT_ASSIGN_OR_RETURN(result.minimal_run, judge(result.minimal_options));
  result.runs = 1 + shrink.runs() + 1;
  if (!result.minimal_run.fails) {
    return InternalError("the minimal schedule passed when rerun: the judge is not deterministic");
  }
  result.minimal = result.minimal_run.injected;
  RefreshDisplay(result.minimal, &*result.minimal_options.fault_schedule);
  for (const ScheduledFault& fault : result.minimal.faults) {
    if (!fault.Schedulable()) ++result.unscheduled;
  }
  return result;
}

}  // namespace logact::sim
