// MemoryBus: the in-memory AgentBus backend, for tests and the simulator.
//
// Entries live in fixed-capacity chunks indexed by position, so Append is O(1)
// and never relocates earlier entries (moving a vector of ~200-byte entries on
// growth halved the append rate), and Read/Poll cost O(examined positions)
// with a one-byte-per-entry scan for type filters: non-matching entries are
// never copied. Nothing is durable:
// the log lives as long as the object. It satisfies the whole AgentBus
// contract otherwise (tests/core/bus_conformance_test.cc), including access
// control, so the simulator exercises the same checks as a deployment.
//
// Thread-safety: none (see core/agent_bus.h). Determinism: the only input
// besides the calls is the Clock, read once per Append.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "core/agent_bus.h"
#include "core/assert.h"
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
  using AgentBus::Append;  // the copying overload
  Result<Position> Append(Entry&& entry) override;
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override;
  Position Tail() const override { return static_cast<Position>(types_.size()); }
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override;
  // Hand out references to the stored entries: no copy. A subclass that
  // overrides Poll or Read to alter what is seen must override these too.
  Status ForEachEntry(Position* played, Position end, TypeFilter filter,
                      const std::function<void(const Entry&)>& visit) const override;
  // Up to the end of start's chunk.
  std::span<const Entry> StoredRun(Position start, Position end) const override {
    LOGACT_ASSERT_LE(0, start);
    LOGACT_ASSERT_LE(start, end);
    // MemoryBus's own tail: a subclass may report a shorter one (tests), and
    // the caller's `end` comes from that.
    LOGACT_ASSERT_LE(end, MemoryBus::Tail());
    if (start == end) return {};
    const std::vector<Entry>& chunk = chunks_[static_cast<size_t>(start) >> kChunkShift];
    const size_t first = static_cast<size_t>(start) & (kChunkEntries - 1);
    const size_t count = std::min(chunk.size() - first, static_cast<size_t>(end - start));
    return std::span<const Entry>(chunk.data() + first, count);
  }

  // Reserves room for the type index of `entries` entries. A hint only.
  void Reserve(size_t entries);

 private:
  // 1024 entries (about 200 KiB) per chunk: large enough that the chunk list
  // stays short, small enough that a test's tiny bus does not map megabytes.
  static constexpr int kChunkShift = 10;
  static constexpr size_t kChunkEntries = size_t{1} << kChunkShift;

  const Entry& At(Position pos) const {
    return chunks_[static_cast<size_t>(pos) >> kChunkShift]
                  [static_cast<size_t>(pos) & (kChunkEntries - 1)];
  }

  Clock* clock_;
  // Entry at pos is chunks_[pos / kChunkEntries][pos % kChunkEntries]; each
  // chunk is reserved to kChunkEntries on creation, so it never reallocates.
  std::vector<std::vector<Entry>> chunks_;
  // types_[pos] == At(pos).type: filters scan this dense array instead of
  // touching every Entry (several cache lines each). Its size is the tail.
  std::vector<EntryType> types_;
};

}  // namespace logact
