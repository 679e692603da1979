// Component: a LogAct role (driver, voter, decider, executor) as a
// deterministic state machine that plays the bus (SPEC §2).
//
// A component's state is a pure function of the log prefix it has played
// (plus, for the driver, the logged inf_out). Each Step() plays the entries
// that became visible since the last step and then performs at most one
// externally visible action (one append, or one LLM or tool call followed by
// its append). The simulator's scheduler decides which ready component steps
// next; a deployment steps each in its own loop. Crash = drop the object;
// recovery = construct a new one over the same bus, optionally Restore() its
// latest snapshot, and let it replay the rest of the log before acting.
//
// Only the non-const calls (Step, Restore) change a component's state; the
// const ones (HasWork, NextWakeMs, Stopped, played, ...) observe it. So
// Stopped() and played() change only inside Step() or Restore() (never because
// another component stepped, time passed or the bus grew): the simulator reads
// them after building, restoring and stepping a component, and asks no more in
// between. HasWork() and NextWakeMs() also depend on the bus tail and the
// clock, so they are asked afresh, except that a component that has not
// stopped and whose bus has entries past played() has work (Step plays them):
// the simulator takes that as the answer for the engine's own components.
//
// Thread-safety: none; a component is stepped from one thread.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "core/entry.h"
#include "core/snapshot_store.h"
#include "core/status.h"

namespace logact {

inline constexpr int64_t kNeverMs = std::numeric_limits<int64_t>::max();

class Component {
 public:
  virtual ~Component() = default;

  // The principal it appends as, e.g. "decider/d0".
  virtual const std::string& principal() const = 0;

  // True if Step() can make progress now: unplayed entries on the bus, or a
  // timer (LLM reply, tool completion, decision timeout) that is due.
  virtual bool HasWork() const = 0;

  // The earliest clock time at which timed work becomes due, kNeverMs if none.
  virtual int64_t NextWakeMs() const = 0;

  // Plays new entries, then performs at most one action.
  // Errors: whatever the bus or the environment returned that the component
  // cannot absorb (kUnavailable, kUnknownOutcome). The component's state stays
  // consistent with the log: the next Step() retries from what is on the log.
  virtual Status Step() = 0;

  // True once the component has stopped for good (a fenced driver, a fenced
  // executor). Changes only in Step() or Restore() (see above), and never back.
  virtual bool Stopped() const { return false; }

  // Digest of the replicated state (a pure function of the played prefix),
  // as 16 hex digits. Equal for two replicas that played the same prefix.
  virtual std::string StateDigest() const = 0;

  // Position up to which the component has played (exclusive).
  virtual Position played() const = 0;

  // Recovery snapshot (core/snapshot_store.h): the replicated state after
  // playing [0, played()), canonical bytes, with last_pos = played() - 1.
  // Instance-local state (a pending LLM reply, this instance's epoch or
  // restart marker) is not in it: a restored instance boots like a new one.
  // nullopt if the component has played nothing or has no snapshot support
  // (the default: it then always replays from position 0).
  virtual std::optional<Snapshot> TakeSnapshot() const { return std::nullopt; }

  // Adopts `snapshot` (written by TakeSnapshot of the same kind of component
  // with the same configuration): afterwards played() == last_pos + 1 and
  // StateDigest() equals that of a replica that played [0, last_pos].
  // REQUIRES: called before the first Step().
  // Errors: kInvalidArgument (no snapshot support), kCorruption (the bytes are
  // not a snapshot of this kind). On error the component is unchanged, so the
  // caller can still replay from position 0.
  virtual Status Restore(const Snapshot& snapshot) {
    (void)snapshot;
    return InvalidArgumentError(principal() + ": no snapshot support");
  }
};

}  // namespace logact
