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

#include "core/agent_bus.h"
#include "core/limits.h"
#include "core/status.h"

namespace logact {

// REQUIRES: bus and played non-null; play(const Entry&) consumes one entry.
template <typename PlayFn>
Status PlayLog(const AgentBus& bus, TypeFilter filter, Position* played, PlayFn&& play) {
  const Position tail = bus.Tail();
  while (*played < tail) {
    Result<Page> page = bus.Poll(*played, filter, limits::kPollEntriesMax);
    if (!page.has_value()) return page.error();
    for (const Entry& entry : page->entries) play(entry);
    // A poll that makes no progress would loop forever: treat it as a bus bug.
    if (page->next <= *played) return InternalError("bus poll did not advance");
    *played = page->next;
  }
  return Status::Ok();
}

}  // namespace logact
