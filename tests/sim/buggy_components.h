// Deliberately wrong component variants, compiled only into the tests: each
// breaks one rule of SPEC §2, and tests/sim/known_bugs_test.cc proves that a
// swarm of at most 1,000 seeds catches it with the invariant that names that
// rule. They plug into the simulator through its test seam (sim/sim_hooks.h),
// so every restart after a crash builds the buggy variant again.
//
// Each variant is small: a lens over the bus that lies to a correct
// component, a wrapper around a correct component, or a compact copy of a
// core/ component with the bug written in (the copies also run with the bug
// turned off, as controls that must pass, so the bug and nothing else is what
// the swarm catches).
//
// Determinism: the variants draw no randomness; the run stays a pure
// function of the seed and the options.
#pragma once

#include <string>

#include "sim/sim_hooks.h"

namespace logact::sim::testing {

// The known bugs, one per deliberately wrong variant.
enum class KnownBug {
  kNone,
  // Executor: runs aborted intents too (reads every abort as a commit).
  kExecutorIgnoresDecisions,
  // Decider: counts every vote of a voter type, not only the first (with a
  // twin of the scenario's rule voter, of the same type, that echoes each of
  // its votes at once).
  kDeciderCountsTypeTwice,
  // Decider: judges each intent by the latest policy instead of the policy in
  // force at the intent's position (with an admin that changes the decider
  // policy while each intent waits for its votes).
  kDeciderUsesLatestPolicy,
  // Executor: after a restart, executes the committed intents that have no
  // result again instead of appending a restart marker.
  kExecutorReexecutesAfterRestart,
  // LLM voter: a failed or unparseable model call is an approve.
  kLlmVoterAllowsOnFailure,
  // Bus: a crash loses the last acknowledged append.
  kBusLosesAckedAppendOnCrash,
  // Driver: never learns that a newer driver was elected (hides their elect
  // entries from itself) and stamps its intents with the newest epoch on the
  // log as if that election were its own, so it keeps proposing live intents
  // beside the new leader after it was fenced.
  kDriverIgnoresFencing,
  // Recovery: a component restored from a snapshot resumes at last_pos + 2,
  // skipping the entry right after the snapshot.
  kRecoverySkipsSnapshotPosition,
};

const char* KnownBugName(KnownBug bug);

// The hooks that install `bug`. With `with_bug` false, the control: the same
// scaffolding (compact copies, twin voter) with the bug switched off, or no
// hooks where the variant wraps a correct component.
SimHooks HooksFor(KnownBug bug, bool with_bug = true);

}  // namespace logact::sim::testing
