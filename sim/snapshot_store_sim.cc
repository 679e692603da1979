// SimulatedSnapshotStore: an in-memory store whose newest write may die with
// the process that made it.
#include "sim/snapshot_store_sim.h"

#include <utility>

#include "core/assert.h"

namespace logact::sim {

Status SimulatedSnapshotStore::Save(const std::string& component_id, Snapshot snapshot) {
  LOGACT_ASSERT_GE(snapshot.last_pos, 0);
  LOGACT_TRY(durable_.Save(component_id, std::move(snapshot)));
  unsettled_[component_id] = true;
  ++saves_;
  return Status::Ok();
}

Result<Snapshot> SimulatedSnapshotStore::LoadLatest(const std::string& component_id) const {
  return durable_.LoadLatest(component_id);
}

bool SimulatedSnapshotStore::Crash(const std::string& component_id) {
  auto it = unsettled_.find(component_id);
  if (it == unsettled_.end() || !it->second) return false;
  it->second = false;  // whatever survives this crash is on disk for good
  if (loss_.IsZero() || !rng_.Chance(loss_)) return false;
  const bool dropped = durable_.DropLatest(component_id);
  LOGACT_ASSERT(dropped);  // unsettled implies a snapshot was saved
  ++losses_;
  return true;
}

}  // namespace logact::sim
