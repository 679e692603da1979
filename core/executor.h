// Executor: runs committed intents against the environment (SPEC §2).
//
// Plays intent, commit, abort, result, elect, and output (which ends a task).
// For each live intent whose first decision is a commit, in log order, it
// executes the action once and appends result {intent, ok, output}. It never
// executes an intent without a commit, an aborted or fenced one, or one that
// already has a result; a duplicate commit is ignored.
//
// Execution is at-most-once. On boot (every construction is a boot) the
// executor replays the log and appends a restart marker
// result {intent: p, ok: false, restart: true} where p is the last committed
// live intent without a result (or -1), and never executes p itself: the
// driver hands the marker to the model, which probes and re-proposes through
// the voters. The marker also fences any older executor instance: an executor
// that sees a restart marker other than its own stops for good.
// Every call carries an idempotency key (the executor does not know the tool
// schemas; environments honour it only for tools declared idempotent). The
// key is the intent's position, except for a re-submission: once a restart
// marker names p, a later live intent of the same task (no output between)
// with exactly p's action inherits p's key, until an ok result under that key
// shows the action applied. The model's re-proposal after its probe is thus
// applied at most once even if the probe misjudged (SPEC §2: environments with
// idempotency keys let recovery re-submit safely as a new intent). The key is
// a pure function of the log, so every instance and replica derives the same.
//
// Boot, precisely: the first Step() replays and appends the marker; if the
// append's outcome is unknown, the next Step() appends a fresh marker rather
// than claim one it finds on the log: a second instance with the same
// principal may have appended an identical marker, and claiming it would let
// both instances execute (EXE-ONCE). A surplus marker is harmless. A committed intent already
// pending when the executor boots is the one its marker names: it is never run by this instance,
// since a predecessor may have run it. An Environment error (kUnavailable) becomes result
// {ok:false, output:"tool unavailable: ..."}: never retried.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/agent_bus.h"
#include "core/clock.h"
#include "core/component.h"
#include "core/environment.h"

namespace logact {

struct ExecutorOptions {
  std::string name = "x0";                 // appends as executor/<name>
  AgentBus* bus = nullptr;                 // REQUIRES: non-null, outlives the executor
  Clock* clock = nullptr;                  // REQUIRES: non-null, outlives the executor
  ToolEnvironment* environment = nullptr;  // REQUIRES: non-null, outlives the executor
};

class Executor : public Component {
 public:
  explicit Executor(ExecutorOptions options);
  ~Executor() override;
  const std::string& principal() const override;
  bool HasWork() const override;
  int64_t NextWakeMs() const override;
  Status Step() override;
  bool Stopped() const override;
  std::string StateDigest() const override;
  Position played() const override;
  // The snapshot holds the replicated state only; a restored executor still
  // boots with a restart marker (it cannot know what its predecessor ran).
  std::optional<Snapshot> TakeSnapshot() const override;
  Status Restore(const Snapshot& snapshot) override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace logact
