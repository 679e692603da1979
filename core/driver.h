// Driver: LLM inference as a state machine on the log (SPEC §2).
//
// Plays mail, inf_in, inf_out, intent, output, result, commit, abort, elect.
// On boot (the first Step) it replays the log, then appends
// `elect {driver, epoch}` with an epoch above every epoch it has seen. When
// quiescent (no intent in flight, no inference in flight) and there is new
// input (mail, a result, a restart marker naming an intent, a first-decision
// abort), it appends inf_in (the new inputs as lines, core/inference_format.h),
// asks the Llm with the whole logged conversation (inf_in as "user", inf_out
// as "assistant"), waits the reply's latency on the Clock, appends inf_out,
// then appends the one intent or output that the reply contains. A malformed
// reply gets an "error: ..." inf_in and a new inference; an Llm error is
// retried after llm_retry_backoff_ms; both count towards
// inference_attempts_max, after which the driver appends an output saying it
// gave up.
//
// At most one intent is in flight: no inference while some live intent (of
// any driver epoch) has neither a result (a restart marker counts) nor a
// first-decision abort; mail that arrives meanwhile is buffered for the next
// inference. A restart marker naming -1 is not an input. On replay the driver
// uses the logged inf_out and never calls the Llm for it again: an inf_out
// with no intent/output/inf_in after it is acted on directly. The state
// changes only when entries are played back, so after an append with an
// unknown outcome the next Step finds it on the log (or not) and never
// appends a duplicate.
//
// A driver stops for good (Stopped) when a counted elect other than its own
// follows its elect, or when its own elect did not count: it is fenced.
// StateDigest covers the replicated state only (conversation, buffered
// inputs, intents in flight), not this instance's epoch or pending Llm reply.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/agent_bus.h"
#include "core/clock.h"
#include "core/component.h"
#include "core/llm.h"

namespace logact {

struct DriverOptions {
  std::string name = "agent";  // appends as driver/<name>
  AgentBus* bus = nullptr;     // REQUIRES: non-null, outlives the driver
  Clock* clock = nullptr;      // REQUIRES: non-null, outlives the driver
  Llm* llm = nullptr;          // REQUIRES: non-null, outlives the driver
  // Consecutive malformed or failed inferences before the driver gives up on
  // the current input and appends an output saying so. Bounds the retry loop.
  int64_t inference_attempts_max = 8;
  // Clock time to wait before asking the Llm again after it failed
  // (kUnavailable). Longer rides out an outage with fewer calls; shorter
  // recovers sooner. Milliseconds, > 0.
  int64_t llm_retry_backoff_ms = 1000;
};

class Driver : public Component {
 public:
  explicit Driver(DriverOptions options);
  ~Driver() override;
  const std::string& principal() const override;
  bool HasWork() const override;
  int64_t NextWakeMs() const override;
  Status Step() override;
  bool Stopped() const override;
  std::string StateDigest() const override;
  Position played() const override;
  // The snapshot holds the replicated state (conversation window, buffered
  // inputs, unacted reply, live intents); a restored driver still elects
  // itself anew on its first Step.
  std::optional<Snapshot> TakeSnapshot() const override;
  Status Restore(const Snapshot& snapshot) override;

  // The epoch this instance elected itself with (0 before its elect is on the log).
  int64_t epoch() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace logact
