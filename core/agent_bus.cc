// PollBlocking: the waiting form of AgentBus::Poll, shared by every backend.
//
// It polls, and while nothing matches it sleeps on the Clock in short steps
// until the timeout. On the simulator's virtual clock a sleep only moves
// virtual time, so a simulated wait costs no real time; on the system clock
// the step is the polling latency of a deployment.
#include "core/agent_bus.h"

#include <algorithm>

#include "core/assert.h"
#include "core/clock.h"
#include "core/limits.h"

namespace logact {
namespace {
// How long one sleep between two polls lasts, in clock milliseconds: short
// enough that a waiting component notices a new entry quickly, long enough
// that a deployment does not spin on its database.
constexpr int64_t kPollStepMs = 10;
}  // namespace

Status CheckReadRange(Position start, Position end, Position tail) {
  if (start >= 0 && start <= end && end <= tail) return Status::Ok();
  return InvalidArgumentError("read range [" + std::to_string(start) + ", " + std::to_string(end) +
                              ") is not within [0, tail " + std::to_string(tail) + "]");
}

Status CheckPollArguments(Position start, size_t max, Position tail) {
  LOGACT_TRY(CheckReadRange(start, tail, tail));
  if (max >= 1 && max <= limits::kPollEntriesMax) return Status::Ok();
  return InvalidArgumentError("poll max " + std::to_string(max) + " is not within [1, " +
                              std::to_string(limits::kPollEntriesMax) + "]");
}

Status AgentBus::ForEachEntry(Position* played, Position end, TypeFilter filter,
                              const std::function<void(const Entry&)>& visit) const {
  while (*played < end) {
    Result<Page> page = Poll(*played, filter, limits::kPollEntriesMax);
    if (!page.has_value()) return page.error();
    // A poll that makes no progress would loop forever: treat it as a bus bug.
    if (page->next <= *played) return InternalError("bus poll did not advance");
    // Poll runs to the tail, not to `end`: entries at or past `end` belong to
    // a later call, and *played must not pass `end` (the caller's state is a
    // function of [0, *played)).
    for (const Entry& entry : page->entries) {
      if (entry.pos >= end) break;
      visit(entry);
    }
    *played = std::min(page->next, end);
  }
  return Status::Ok();
}

Result<Page> PollBlocking(const AgentBus& bus, Clock& clock, Position start, TypeFilter filter,
                          size_t max, int64_t timeout_ms) {
  const int64_t begin_ms = clock.NowMs();
  const int64_t deadline_ms = begin_ms + std::max<int64_t>(timeout_ms, 0);
  // Each step sleeps until a strictly later time, so a clock that honours
  // SleepUntilMs reaches the deadline within this many steps; the bound only
  // protects against a clock that does not.
  const int64_t steps_max = (deadline_ms - begin_ms) / kPollStepMs + 2;
  for (int64_t step = 0;; ++step) {
    LOGACT_ASSIGN_OR_RETURN(Page page, bus.Poll(start, filter, max));
    if (!page.entries.empty()) return page;
    const int64_t now_ms = clock.NowMs();
    if (now_ms >= deadline_ms || step >= steps_max) return page;
    // An empty page's next is the tail: nothing before it can match any more.
    start = page.next;
    clock.SleepUntilMs(std::min(now_ms + kPollStepMs, deadline_ms));
  }
}

}  // namespace logact
