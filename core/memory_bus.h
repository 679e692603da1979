// MemoryBus: the in-memory AgentBus backend, for tests and the simulator.
//
// Entries live in a vector indexed by position, so Append is amortised O(1)
// and Read/Poll cost O(examined positions) with a one-byte-per-entry scan for
// type filters: non-matching entries are never copied. Nothing is durable:
// the log lives as long as the object. It satisfies the whole AgentBus
// contract otherwise (tests/core/bus_conformance_test.cc), including access
// control, so the simulator exercises the same checks as a deployment.
//
// Thread-safety: none (see core/agent_bus.h). Determinism: the only input
// besides the calls is the Clock, read once per Append.
#pragma once

#include <cstdint>
#include <vector>

#include "core/agent_bus.h"
#include "core/clock.h"

namespace logact {

class MemoryBus : public AgentBus {
 public:
  // REQUIRES: clock != nullptr and outlives the bus. The bus does not own it.
  explicit MemoryBus(Clock* clock);

  MemoryBus(const MemoryBus&) = delete;
  MemoryBus& operator=(const MemoryBus&) = delete;

  // AgentBus. Append never fails for storage reasons (no kUnavailable or
  // kUnknownOutcome); only access control (core/access_control.h) rejects.
  Result<Position> Append(Entry entry) override;
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override;
  Position Tail() const override { return static_cast<Position>(entries_.size()); }
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override;

  // Reserves room for `entries` entries so a long simulation does not
  // reallocate while it runs. A hint only.
  void Reserve(size_t entries);

 private:
  Clock* clock_;
  std::vector<Entry> entries_;
  // types_[pos] == entries_[pos].type: filters scan this dense array instead
  // of touching every Entry (several cache lines each).
  std::vector<EntryType> types_;
};

}  // namespace logact
