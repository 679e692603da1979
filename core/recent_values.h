// RecentValues: the values computed for the last N distinct keys, replaced
// oldest first. Components use it to skip recomputing a pure function of a
// key that recurs task after task (the driver's parsed replies, the LLM
// voter's action texts); it is never replicated state, so what it holds
// changes no output, only the work done.
//
// Lookups scan at most N entries in insertion order with a caller-given
// match (exact equality of the key's meaning, e.g. same JSON types), so
// there is no hashing and no order that depends on addresses.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "core/assert.h"

namespace logact {

template <typename Key, typename Value, size_t N>
class RecentValues {
  static_assert(N > 0);

 public:
  // The value of the first remembered key for which match(key) holds, or nullptr.
  template <typename Match>
  const Value* Find(const Match& match) const {
    for (const auto& [key, value] : entries_) {
      if (match(key)) return &value;
    }
    return nullptr;
  }

  // Remembers `value` for `key`, replacing the oldest entry once N are held.
  // REQUIRES: no remembered key matches `key` (callers Find first).
  const Value& Remember(Key key, Value value) {
    if (entries_.size() < N) {
      entries_.emplace_back(std::move(key), std::move(value));
      return entries_.back().second;
    }
    LOGACT_ASSERT_LT(next_, N);
    const size_t slot = next_;
    next_ = (next_ + 1) % N;
    entries_[slot] = {std::move(key), std::move(value)};
    return entries_[slot].second;
  }

 private:
  std::vector<std::pair<Key, Value>> entries_;
  size_t next_ = 0;  // the slot replaced next once entries_ is full
};

}  // namespace logact
