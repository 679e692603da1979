// Decider: turns votes into commit/abort decisions (SPEC §2).
//
// Plays intent, vote, policy, elect and the decisions already on the log
// (commit, abort). For each live intent it appends exactly one decision as
// soon as the policy in force at the intent's position and the counted votes
// force one, or a timeout abort ({"timeout":true}) once the policy's
// timeout_ms has passed since the intent's ts. Decisions are final: an intent
// that already has a decision on the log (from this decider, a duplicate, or
// a crashed predecessor) is never decided again. Two deciders are safe: they
// append identical decisions, except a timeout abort, which readers let win
// because it comes first.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/agent_bus.h"
#include "core/clock.h"
#include "core/component.h"
#include "core/decider_policy.h"
#include "core/fencing.h"
#include "core/policy_state.h"

namespace logact {

struct DeciderOptions {
  std::string name = "d0";  // appends as decider/<name>
  AgentBus* bus = nullptr;  // REQUIRES: non-null, outlives the decider
  Clock* clock = nullptr;   // REQUIRES: non-null, outlives the decider
};

class Decider : public Component {
 public:
  explicit Decider(DeciderOptions options);
  const std::string& principal() const override { return principal_; }
  bool HasWork() const override;
  int64_t NextWakeMs() const override;
  Status Step() override;
  std::string StateDigest() const override;
  Position played() const override { return played_; }

 private:
  struct Pending;  // an undecided live intent
  void Play(const Entry& entry);
  Status DecideOne();

  DeciderOptions options_;
  std::string principal_;
  Position played_ = 0;
  PolicyState policy_;
  ElectionState election_;
  std::map<Position, std::shared_ptr<Pending>> pending_;  // ordered by intent position
  std::map<Position, bool> decided_;                      // intent -> committed
};

}  // namespace logact
