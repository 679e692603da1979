// Clock: the only source of time for the engine and the simulator.
//
// The engine never reads the wall clock: components and buses stamp and
// compare times through a Clock. The simulator supplies a virtual clock that
// jumps to the next event; a deployment supplies the system clock (cli/).
// Times are milliseconds since an arbitrary epoch and never go backwards,
// except when the simulator injects a clock jump fault (forward only).
#pragma once

#include <cstdint>

namespace logact {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the clock's epoch. Monotonic non-decreasing.
  virtual int64_t NowMs() const = 0;
  // Waits until NowMs() >= deadline_ms. A virtual clock simply advances.
  virtual void SleepUntilMs(int64_t deadline_ms) = 0;
};

// A clock that moves only when told to: for tests and as the simulator's base.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 0) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_; }
  void SleepUntilMs(int64_t deadline_ms) override { AdvanceTo(deadline_ms); }
  // Moves to max(now, t): time never goes backwards.
  void AdvanceTo(int64_t t_ms) {
    if (t_ms > now_ms_) now_ms_ = t_ms;
  }
  void AdvanceBy(int64_t delta_ms) {
    if (delta_ms > 0) now_ms_ += delta_ms;
  }

 private:
  int64_t now_ms_;
};

}  // namespace logact
