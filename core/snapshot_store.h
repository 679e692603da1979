// SnapshotStore: where components keep their recovery snapshots (SPEC §2,
// Recovery).
//
// A snapshot is `(state, last_pos)`: the bytes a component's TakeSnapshot()
// produced after playing exactly the log prefix [0, last_pos], so that a new
// instance can Restore() it and replay from last_pos + 1 instead of from 0.
// The bytes are opaque to the store; each component defines their encoding
// (canonical JSON: equal states give equal bytes on every machine).
//
// Contract of every implementation:
//  - Save(id, s) then LoadLatest(id) returns s, until a later Save for id;
//    a Save whose last_pos is below the latest one's is still the latest
//    (the store does not order snapshots; the caller saves in play order).
//  - A store may lose snapshots (a simulated one loses writes that a crash
//    interrupted): LoadLatest then returns an older snapshot of that id or
//    kNotFound, and the component replays more of the log. Losing a snapshot
//    costs replay time, never correctness: the rebuilt state is the state of
//    a replica that never crashed (REC-STATE).
//  - No snapshot of one id is ever returned for another id.
//
// Component ids are principals ("decider/d0"); two instances under one
// principal (duplicates) share their snapshots, which is safe because the
// snapshot covers only replicated state, a pure function of the prefix.
//
// Thread-safety: none. Determinism: no clock, no randomness, ordered maps.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/entry.h"
#include "core/status.h"

namespace logact {

struct Snapshot {
  std::string state;                // the component's encoded replicated state
  Position last_pos = kNoPosition;  // the last position played; replay resumes at last_pos + 1
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

class SnapshotStore {
 public:
  virtual ~SnapshotStore() = default;
  // Records `snapshot` as the latest for `component_id`.
  // REQUIRES: snapshot.last_pos >= 0 (a snapshot of nothing is replay from 0).
  // Errors: kUnavailable (the write failed; the previous latest stays).
  virtual Status Save(const std::string& component_id, Snapshot snapshot) = 0;
  // The latest surviving snapshot of `component_id`.
  // Errors: kNotFound (none: replay from position 0).
  virtual Result<Snapshot> LoadLatest(const std::string& component_id) const = 0;
};

// Keeps every snapshot of every id in memory, in save order (tests, the
// simulator's durable part). Never loses one; Drop models a loss.
class InMemorySnapshotStore : public SnapshotStore {
 public:
  Status Save(const std::string& component_id, Snapshot snapshot) override;
  Result<Snapshot> LoadLatest(const std::string& component_id) const override;
  // Removes the latest snapshot of `component_id` (a lost write); returns
  // false if it had none.
  bool DropLatest(const std::string& component_id);
  // Snapshots kept for `component_id` (0 if none).
  int64_t count(const std::string& component_id) const;

 private:
  std::map<std::string, std::vector<Snapshot>> snapshots_;
};

}  // namespace logact
