// SimulatedSnapshotStore: the simulator's snapshot storage and its fault
// model (SPEC §2 Recovery, SPEC §4).
//
// Fault model: a component saves snapshots asynchronously, so the newest
// write of a component may still be in flight when its process crashes. At
// each crash of a component, its newest snapshot saved since its previous
// crash is lost with probability `loss` (drawn from the store's own stream,
// so adding snapshots never reshuffles the scheduler or the fault kinds).
// Older snapshots survive. Recovery stays possible because a lost snapshot
// only means replaying more: the component falls back to an older snapshot
// or, with none left, to position 0, and the rebuilt state is the same.
//
// Snapshots are taken by the simulator at seeded moments (sim/simulation.h);
// this store only keeps them and loses them.
//
// Determinism: draws only from the Rng it is given; ordered maps.
// Thread-safety: none.
#pragma once

#include <map>
#include <string>

#include "core/random.h"
#include "core/snapshot_store.h"
#include "sim/rng.h"

namespace logact::sim {

class SimulatedSnapshotStore final : public SnapshotStore {
 public:
  // `loss`: probability that a crash loses the newest unsettled snapshot.
  SimulatedSnapshotStore(Rng rng, Ratio loss) : rng_(rng), loss_(loss) {}

  Status Save(const std::string& component_id, Snapshot snapshot) override;
  Result<Snapshot> LoadLatest(const std::string& component_id) const override;

  // The process holding `component_id` crashed. Returns true if that lost
  // its newest snapshot (one draw, only when a snapshot was saved since the
  // previous crash of `component_id`).
  bool Crash(const std::string& component_id);

  int64_t saves() const { return saves_; }
  int64_t losses() const { return losses_; }

 private:
  Rng rng_;
  Ratio loss_;
  InMemorySnapshotStore durable_;
  std::map<std::string, bool> unsettled_;  // saved since the last crash of that id
  int64_t saves_ = 0;
  int64_t losses_ = 0;
};

}  // namespace logact::sim
