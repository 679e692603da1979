// SimClock: the simulator's virtual clock (SPEC §4).
//
// Virtual time moves only when the simulation moves it: by the small cost of
// each scheduled step, and by jumping straight to the next event (a
// component's timer, the next mail) when no component is ready. A component
// that "sleeps" on it (PollBlocking, an LLM latency) simply advances it, so a
// simulated wait never blocks the process and a run of hours of agent time
// takes milliseconds. Time never goes backwards.
//
// Determinism: the clock holds no randomness; its value is a function of the
// calls made on it. Thread-safety: none.
#pragma once

#include <cstdint>

#include "core/clock.h"

namespace logact::sim {

class SimClock final : public ManualClock {
 public:
  explicit SimClock(int64_t start_ms = 0) : ManualClock(start_ms) {}

  // Jumps to the next event at `event_ms` if it is in the future; returns the
  // milliseconds skipped (0 if the event is already due). Counted separately
  // from step costs so that a report can say how much time was idle.
  int64_t JumpTo(int64_t event_ms) {
    const int64_t before = NowMs();
    AdvanceTo(event_ms);
    const int64_t skipped = NowMs() - before;
    idle_ms_ += skipped;
    return skipped;
  }

  // Total milliseconds skipped by JumpTo since construction.
  int64_t idle_ms() const { return idle_ms_; }

 private:
  int64_t idle_ms_ = 0;
};

}  // namespace logact::sim
