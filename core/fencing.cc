// ElectionState: which elects count and which intents they fence.
#include "core/fencing.h"

#include <algorithm>

namespace logact {

bool ElectionState::Apply(const ElectPayload& elect) {
  max_epoch_seen_ = std::max(max_epoch_seen_, elect.epoch);
  // Only a strictly higher epoch counts: a stale driver re-announcing an old
  // epoch (or a duplicate elect) never takes the leadership back.
  if (leader_.has_value() && elect.epoch <= leader_->epoch) return false;
  leader_ = elect;
  return true;
}

bool ElectionState::IsFenced(const IntentPayload& intent) const {
  if (!leader_.has_value()) return false;
  return intent.driver != leader_->driver || intent.epoch != leader_->epoch;
}

}  // namespace logact
