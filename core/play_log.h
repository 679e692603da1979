// PlayLog: the "play every entry up to the tail" half of Component::Step().
//
// Every component starts its Step() by feeding each entry from its played
// position up to the bus tail (filtered by the types it plays) to its state
// machine, adopting the poll's `next` after each page so that the played
// position moves past entries of other types too. The loop is bounded: each
// page advances the position by at least one entry, and it stops at the tail
// observed when it started (entries appended meanwhile wait for the next Step).
//
// On an error (the bus failed a poll) *played stays at the end of the last
// page fully played, so the state remains a pure function of [0, *played).
#pragma once

#include <span>
#include <utility>

#include "core/agent_bus.h"
#include "core/assert.h"
#include "core/limits.h"
#include "core/status.h"

namespace logact {

// REQUIRES: bus and played non-null; play(const Entry&) consumes one entry
// and does not append to `bus`.
template <typename PlayFn>
Status PlayLog(const AgentBus& bus, TypeFilter filter, Position* played, PlayFn&& play) {
  const Position end = bus.Tail();
  // Entries the backend holds in memory are played in place, a run at a
  // time, with `play` inlined here (AgentBus::StoredRun). Each component
  // plays every entry, so the call through std::function per entry that
  // ForEachEntry makes was a measurable share of a simulated step.
  while (*played < end) {
    const std::span<const Entry> run = bus.StoredRun(*played, end);
    if (run.empty()) break;
    LOGACT_ASSERT_EQ(run.front().pos, *played);
    for (const Entry& entry : run) {
      if (filter.Contains(entry.type)) play(entry);
    }
    *played += static_cast<Position>(run.size());
  }
  if (*played >= end) return Status::Ok();
  // The rest through ForEachEntry, which pages through Poll unless the
  // backend can hand out its stored entries without copying them.
  return bus.ForEachEntry(played, end, filter, std::forward<PlayFn>(play));
}

}  // namespace logact
