// InMemorySnapshotStore: a per-id history of snapshots, newest last.
#include "core/snapshot_store.h"

#include <utility>

#include "core/assert.h"
#include "core/limits.h"

namespace logact {

Status InMemorySnapshotStore::Save(const std::string& component_id, Snapshot snapshot) {
  LOGACT_ASSERT_GE(snapshot.last_pos, 0);
  std::vector<Snapshot>& history = snapshots_[component_id];
  history.push_back(std::move(snapshot));
  // Only the newest few can ever be loaded (each loss removes one): keep the
  // memory of a long run bounded.
  if (history.size() > limits::kSnapshotsKeptMax) history.erase(history.begin());
  return Status::Ok();
}

Result<Snapshot> InMemorySnapshotStore::LoadLatest(const std::string& component_id) const {
  auto it = snapshots_.find(component_id);
  if (it == snapshots_.end() || it->second.empty()) {
    return NotFoundError("no snapshot of " + component_id);
  }
  return it->second.back();
}

bool InMemorySnapshotStore::DropLatest(const std::string& component_id) {
  auto it = snapshots_.find(component_id);
  if (it == snapshots_.end() || it->second.empty()) return false;
  it->second.pop_back();
  return true;
}

int64_t InMemorySnapshotStore::count(const std::string& component_id) const {
  auto it = snapshots_.find(component_id);
  return it == snapshots_.end() ? 0 : static_cast<int64_t>(it->second.size());
}

}  // namespace logact
