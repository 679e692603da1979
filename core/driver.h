// Driver: LLM inference as a state machine on the log (SPEC §2).
//
// Plays mail, inf_in, inf_out, intent, output, result, abort, elect. On boot it
// replays the log, then appends `elect {driver, epoch}` with an epoch above
// every epoch it has seen. When quiescent (no intent in flight, no inference
// in flight) and there is new input (mail, a result, a restart marker, an
// abort), it appends inf_in (the new input as text), asks the Llm, waits the
// reply's latency on the Clock, appends inf_out, then appends the one intent
// or output that the reply contains (core/inference_format.h). At most one
// intent is in flight; mail that arrives meanwhile is buffered for the next
// inference. On replay it uses the logged inf_out and never calls the Llm for
// it again. A driver that sees a counted elect of another driver (or of a
// higher epoch) stops for good: it is fenced.
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

  // The epoch this instance elected itself with (0 before its elect is on the log).
  int64_t epoch() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace logact
