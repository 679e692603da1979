// ElectionState: driver election and fencing (SPEC §2).
//
// An `elect` counts only if its epoch exceeds every earlier counted one. An
// intent at position p is fenced iff its (driver, epoch) differs from the last
// counted elect before p; with no counted elect before p nothing is fenced.
// Fencing depends only on position, so a component plays elects and intents
// in log order and asks IsFenced when it plays each intent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/entry.h"

namespace logact {

class ElectionState {
 public:
  // Plays one elect entry. Returns true if it counted.
  bool Apply(const ElectPayload& elect);
  // Whether an intent played now (after every elect before it) is fenced.
  bool IsFenced(const IntentPayload& intent) const;
  // The last counted elect, if any.
  const std::optional<ElectPayload>& leader() const { return leader_; }
  // The highest epoch of any elect played, counted or not (0 if none).
  int64_t max_epoch_seen() const { return max_epoch_seen_; }

 private:
  std::optional<ElectPayload> leader_;
  int64_t max_epoch_seen_ = 0;
};

}  // namespace logact
