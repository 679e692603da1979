// Generated traces for property-based tests and differential checking: valid
// traces that follow the engine's semantics (SPEC §2), and mutations of them
// that each inject exactly one known violation of a named SPEC §7 invariant.
//
// A valid trace is built step by step as the components would append it:
// an admin policy of a random kind (on/off_by_default, first_voter with or
// without types, all_of, any_of, quorum, optionally with timeout_ms), then
// tasks: mail, inf_in/inf_out, one live intent at a time, votes of random
// voter types in random order (some after the decision, some of unlisted
// types, some repeated), the decision Evaluate() forces (core/decider_policy.h)
// or a timeout abort when the votes leave it undecided, sometimes a duplicate
// decision from a second decider, then for a commit the effect and result, or
// an executor crash: a restart marker naming the intent with no effect. Between
// tasks: policy changes (applied or skipped), re-elections with a higher
// epoch, fenced intents of the deposed driver that nobody decides, fault,
// restart and component state records. No safety spec and no scenario are
// involved, so SAFE-SPEC and ENV-CONSISTENT are not applicable.
//
// A mutation appends or edits records so that exactly one invariant fails
// (the native checker must report exactly that id; tests/properties and
// tests/verify/differential_test.cc check both checkers against it).
//
// Randomness comes from a Chooser, so the same builder serves RapidCheck
// (GenValidTrace / GenMutatedTrace below, header-only so that only test
// binaries link RapidCheck) and benchmarks (BuildValidTrace from a seed).
// Determinism: a pure function of the chooser's answers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "properties/checker.h"
#include "traces/trace_record.h"

namespace logact::properties {

struct GeneratedTrace {
  std::vector<traces::TraceRecord> records;
  // Empty for a valid trace; otherwise the one invariant id the mutation breaks.
  std::string violated;
  std::string mutation;  // what was done, for failure messages
};

// Returns a number in [low, high]. REQUIRES: low <= high.
using Chooser = std::function<int64_t(int64_t low, int64_t high)>;

// A valid trace with `tasks` tasks (each ends in one live intent, decided).
GeneratedTrace BuildValidTrace(const Chooser& choose, int64_t tasks);

// The invariants a mutation can break, in SPEC order.
const std::vector<std::string_view>& MutableInvariants();

// Mutates `trace` (valid) so that exactly `invariant` is violated. Returns
// false (and leaves the trace unchanged) if this trace offers no way to do
// it (e.g. EXE-ONCE needs an effect).
bool Mutate(const Chooser& choose, std::string_view invariant, GeneratedTrace* trace);

// The invariants whose mutations need the check options below (a safety spec
// and an environment model): SAFE-SPEC and ENV-CONSISTENT. Mutate() accepts
// them too; MutableInvariants() leaves them out because its users check
// without options.
const std::vector<std::string_view>& ScenarioMutableInvariants();

// Check options that make SAFE-SPEC and ENV-CONSISTENT judgeable on generated
// traces: a safety spec over the generated tools (pay, read, write) that
// forbids every action with the argument "forbidden": true (no valid trace
// has one), and a counter environment (calls per tool). Valid traces pass
// under them; the spec lives for the whole program.
CheckOptions GeneratedTraceCheckOptions();

// A deterministic chooser from a seed (SplitMix64), for benchmarks.
Chooser SeededChooser(uint64_t seed);

// The trace as JSON Lines with a header naming no scenario.
std::string ToJsonl(const GeneratedTrace& trace);

}  // namespace logact::properties

#if __has_include(<rapidcheck.h>)
#include <rapidcheck.h>

namespace logact::properties {

// A chooser that draws from RapidCheck (shrinks towards low). Only valid
// inside a RapidCheck property or rc::gen::exec.
inline Chooser RapidCheckChooser() {
  return [](int64_t low, int64_t high) { return *rc::gen::inRange<int64_t>(low, high + 1); };
}

inline rc::Gen<GeneratedTrace> GenValidTrace(int64_t tasks_max = 8) {
  return rc::gen::exec([tasks_max] {
    const int64_t tasks = *rc::gen::inRange<int64_t>(1, tasks_max + 1);
    return BuildValidTrace(RapidCheckChooser(), tasks);
  });
}

// A valid trace with exactly one injected violation (of a random mutable
// invariant that the trace allows).
inline rc::Gen<GeneratedTrace> GenMutatedTrace(int64_t tasks_max = 8) {
  return rc::gen::exec([tasks_max] {
    const int64_t tasks = *rc::gen::inRange<int64_t>(1, tasks_max + 1);
    const Chooser choose = RapidCheckChooser();
    GeneratedTrace trace = BuildValidTrace(choose, tasks);
    const auto& ids = MutableInvariants();
    const size_t first = static_cast<size_t>(*rc::gen::inRange<size_t>(0, ids.size()));
    for (size_t i = 0; i < ids.size(); ++i) {
      if (Mutate(choose, ids[(first + i) % ids.size()], &trace)) break;
    }
    return trace;
  });
}

}  // namespace logact::properties
#endif
