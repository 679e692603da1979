// MemoryBus: see core/memory_bus.h.
#include "core/memory_bus.h"

#include <string>

#include "core/access_control.h"
#include "core/assert.h"
#include "core/limits.h"

namespace logact {
MemoryBus::MemoryBus(Clock* clock) : clock_(clock) { LOGACT_ASSERT(clock_ != nullptr); }

void MemoryBus::Reserve(size_t entries) {
  types_.reserve(entries);
  chunks_.reserve(entries / kChunkEntries + 1);
}

Result<Position> MemoryBus::Append(Entry&& entry) {
  LOGACT_TRY(CheckAppend(entry));
  const Position pos = Tail();
  entry.pos = pos;
  entry.ts = clock_->NowMs();
  if (chunks_.empty() || chunks_.back().size() == kChunkEntries) {
    chunks_.emplace_back().reserve(kChunkEntries);
  }
  types_.push_back(entry.type);
  chunks_.back().push_back(std::move(entry));
  LOGACT_ASSERT_EQ(At(pos).pos, pos);
  return pos;
}

Result<std::vector<Entry>> MemoryBus::Read(Position start, Position end, TypeFilter filter) const {
  LOGACT_TRY(CheckReadRange(start, end, Tail()));
  std::vector<Entry> out;
  if (filter.empty()) return out;
  for (Position pos = start; pos < end; ++pos) {
    if (filter.Contains(types_[pos])) out.push_back(At(pos));
  }
  return out;
}

Result<Page> MemoryBus::Poll(Position start, TypeFilter filter, size_t max) const {
  const Position tail = Tail();
  LOGACT_TRY(CheckPollArguments(start, max, tail));
  Page page;
  page.next = tail;
  if (filter.empty()) return page;
  for (Position pos = start; pos < tail; ++pos) {
    if (!filter.Contains(types_[pos])) continue;
    page.entries.push_back(At(pos));
    if (page.entries.size() == max) {
      page.next = pos + 1;
      break;
    }
  }
  LOGACT_ASSERT_LE(page.entries.size(), max);
  return page;
}

Status MemoryBus::ForEachEntry(Position* played, Position end, TypeFilter filter,
                               const std::function<void(const Entry&)>& visit) const {
  if (*played >= end) return Status::Ok();
  LOGACT_TRY(CheckReadRange(*played, end, Tail()));
  if (!filter.empty()) {
    for (Position pos = *played; pos < end; ++pos) {
      if (filter.Contains(types_[pos])) visit(At(pos));
    }
  }
  *played = end;
  return Status::Ok();
}

}  // namespace logact
