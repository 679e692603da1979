// AgentBus: one append-only, totally ordered, durable log per logical agent
// (SPEC §1). Every component reaches every other one only through this log.
//
// Contract shared by every backend (memory, sqlite, and the simulator's
// fault-injecting storage), proven by tests/core/bus_conformance_test.cc:
//  - Positions are dense from 0; Tail() is the next position to be written.
//  - Append stamps pos (= tail) and ts (= the bus's Clock), checks type-level
//    access control (core/access_control.h) and only then stores the entry.
//    A rejected append leaves no entry and does not move the tail.
//  - When Append returns a position, the entry is durable (for durable
//    backends) and visible to every later Read/Poll/Tail.
//
// Thread-safety: none. A bus is used from one thread (the simulator is single
// threaded; a deployment serialises access). Determinism: a bus holds no
// randomness; its only input besides the calls is its Clock.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "core/entry.h"
#include "core/status.h"

namespace logact {

// A page of a poll: the matching entries and the position to poll from next.
struct Page {
  std::vector<Entry> entries;
  Position next = 0;  // consumers always adopt `next`, even for an empty page
};

class AgentBus {
 public:
  virtual ~AgentBus() = default;

  // Appends `entry`; its pos and ts are overwritten by the bus.
  // Returns the new entry's position.
  // Errors: kPermissionDenied (the author's role may not append this type, or
  //   its name does not match the payload's driver/voter), kInvalidArgument
  //   (malformed author, payload not matching type, malformed policy),
  //   kUnavailable (storage failed; nothing was appended), kUnknownOutcome
  //   (the entry may or may not be on the log: read before retrying).
  // The entry is taken by rvalue reference, not by value, so that a chain of
  // wrappers (the simulator stacks three) hands the same object down to the
  // storage instead of moving it into a new parameter at every layer; after
  // the call `entry` is unspecified (moved from or not).
  virtual Result<Position> Append(Entry&& entry) = 0;
  // Appends a copy of `entry`.
  Result<Position> Append(const Entry& entry) { return Append(Entry(entry)); }

  // Entries with start <= pos < end whose type is in `filter`, in order.
  // An empty filter returns no entries. Errors: kInvalidArgument if
  // start < 0, start > end or end > Tail(); kUnavailable/kCorruption from storage.
  virtual Result<std::vector<Entry>> Read(Position start, Position end,
                                          TypeFilter filter) const = 0;

  // The next position to be written (0 for an empty bus).
  virtual Position Tail() const = 0;

  // Like Read from `start` up to the tail, returning at most `max` matching
  // entries (REQUIRES: 1 <= max <= limits::kPollEntriesMax). `next` is the
  // position after the last examined entry; when nothing matches it is the
  // tail. Never waits: see PollBlocking for the waiting form.
  virtual Result<Page> Poll(Position start, TypeFilter filter, size_t max) const = 0;

  // Plays the entries with *played <= pos < end whose type is in `filter`:
  // visit(entry) on each, in order, then *played = end. On an error *played
  // is the end of the last range fully visited, so a caller's state stays a
  // pure function of [0, *played). `visit` must not append to this bus.
  // REQUIRES: *played <= end <= Tail().
  // The default pages through Poll (so a wrapper that observes or alters
  // polls sees every one); a backend that stores entries in memory overrides
  // it to hand out references instead of copies (each component plays every
  // entry it filters, so copying them was a large share of a simulated step).
  // A wrapper that only forwards Poll should forward this too.
  virtual Status ForEachEntry(Position* played, Position end, TypeFilter filter,
                              const std::function<void(const Entry&)>& visit) const;

  // The stored entries at positions start, start + 1, ..., held in memory
  // side by side: a prefix of [start, end), possibly shorter (a backend may
  // stop at the end of a block), or empty. Empty, the default, means "read
  // through ForEachEntry instead", which is always correct; a backend that
  // keeps entries in memory returns them so that a reader (PlayLog) visits
  // them in place, without a call through std::function per entry. The span
  // stays valid until the bus is destroyed. A wrapper that forwards
  // ForEachEntry unchanged may forward this too; one that alters what is seen
  // must return empty. REQUIRES: 0 <= start <= end <= Tail().
  virtual std::span<const Entry> StoredRun(Position start, Position end) const {
    static_cast<void>(start);
    static_cast<void>(end);
    return {};
  }
};

// The argument checks of AgentBus::Read and AgentBus::Poll, shared by every
// backend so that they reject the same calls with the same words.
// Errors: kInvalidArgument naming the range or `max`.
Status CheckReadRange(Position start, Position end, Position tail);
Status CheckPollArguments(Position start, size_t max, Position tail);

class Clock;
// Polls until at least one entry matches or `timeout_ms` of `clock` time has
// passed, sleeping on the clock in between (virtual time in simulation, so a
// simulated wait never blocks the process). Returns the last page, possibly empty.
Result<Page> PollBlocking(const AgentBus& bus, Clock& clock, Position start, TypeFilter filter,
                          size_t max, int64_t timeout_ms);

}  // namespace logact
