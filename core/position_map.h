// PositionMap: values by bus position, ascending, with the part of std::map's
// interface the components use (the voters' intents to judge, the decider's
// pending intents, the executor's live intents).
//
// A sorted vector. Components play the log in order, so a value is almost
// always added at the end; the sets that are erased from stay as small as the
// intents in flight; and a std::map allocated a node per intent of a run and
// freed it again. Iteration is in ascending position, as std::map's, and
// emplace keeps the first value of a position, as std::map::emplace does, so
// a PositionMap can stand in for a std::map without changing any output.
//
// Invalidation: like std::vector's. An emplace or erase invalidates iterators
// and references into the map.
// Determinism: order is by position only. Thread-safety: none.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "core/assert.h"
#include "core/entry.h"

namespace logact {

template <typename T>
class PositionMap {
 public:
  using Item = std::pair<Position, T>;
  using iterator = typename std::vector<Item>::iterator;
  using const_iterator = typename std::vector<Item>::const_iterator;

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

  // The item at `pos`, or end().
  iterator find(Position pos) {
    auto it = LowerBound(pos);
    return it != items_.end() && it->first == pos ? it : items_.end();
  }
  const_iterator find(Position pos) const { return const_cast<PositionMap*>(this)->find(pos); }
  size_t count(Position pos) const { return find(pos) == end() ? 0 : 1; }

  // REQUIRES: `pos` is held (asserted).
  T& at(Position pos) {
    iterator it = find(pos);
    LOGACT_ASSERT(it != end());
    return it->second;
  }
  const T& at(Position pos) const { return const_cast<PositionMap*>(this)->at(pos); }

  // Adds `value` at `pos` unless `pos` is already held, in which case nothing
  // changes (std::map::emplace). Returns whether it was added.
  bool emplace(Position pos, T value) {
    if (items_.empty() || items_.back().first < pos) {  // the usual case: log order
      items_.emplace_back(pos, std::move(value));
      return true;
    }
    auto it = LowerBound(pos);
    if (it->first == pos) return false;
    items_.emplace(it, pos, std::move(value));
    return true;
  }

  // Removes the item at `pos` if held; returns how many were removed (0 or 1).
  size_t erase(Position pos) {
    auto it = find(pos);
    if (it == items_.end()) return 0;
    items_.erase(it);
    return 1;
  }
  iterator erase(iterator it) { return items_.erase(it); }

  void clear() { items_.clear(); }

 private:
  iterator LowerBound(Position pos) {
    return std::lower_bound(items_.begin(), items_.end(), pos,
                            [](const Item& item, Position p) { return item.first < p; });
  }

  std::vector<Item> items_;
};

}  // namespace logact
