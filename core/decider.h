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

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/agent_bus.h"
#include "core/clock.h"
#include "core/component.h"
#include "core/decider_policy.h"
#include "core/fencing.h"
#include "core/policy_state.h"
#include "core/position_map.h"

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
  // Snapshots: core/decider_snapshot.cc.
  std::optional<Snapshot> TakeSnapshot() const override;
  Status Restore(const Snapshot& snapshot) override;

 private:
  // A counted vote with what the reason strings need.
  struct CountedVoteInfo {
    std::string voter;
    std::string voter_type;
    bool approve = false;
    std::string reason;
  };
  // An undecided live intent: the policy in force at its position, its ts and
  // the counted votes so far.
  struct Pending {
    int64_t ts = 0;
    // Never null. Shared with every intent played under the same policy
    // entry: it is immutable, and a copy per intent was three allocations.
    std::shared_ptr<const DeciderPolicy> policy;
    VoteTally tally;
    std::vector<CountedVoteInfo> counted;
    Verdict verdict = Verdict::kUndecided;  // Evaluate(policy, tally) after each vote
  };
  // What DecideOne would append.
  struct Decision {
    Position intent = kNoPosition;
    bool commit = false;
    DecisionPayload payload;
  };

  void Play(const Entry& entry);
  void PlayVote(const VotePayload& vote);
  void PlayDecision(Position intent, bool commit);
  // The first decision due now, in intent order, if any.
  std::optional<Decision> NextDecision() const;
  // Whether NextDecision() would return one, without building it (the
  // scheduler asks HasWork() every round).
  bool DecisionDue() const;
  // The policy in force now (policy_.decider()), shared.
  const std::shared_ptr<const DeciderPolicy>& PolicyInForce();
  Status DecideOne(Decision decision);

  DeciderOptions options_;
  std::string principal_;
  Position played_ = 0;
  PolicyState policy_;
  ElectionState election_;
  PositionMap<Pending> pending_;  // undecided live intents, by position
  // policy_.decider() as of policy_.version() == in_force_version_, shared
  // by the intents played under it. Not state: remade from policy_.
  std::shared_ptr<const DeciderPolicy> in_force_;
  int64_t in_force_version_ = -1;
  // Decisions seen on the log for live intents: count and a running digest of
  // (intent, committed) in log order, so StateDigest stays O(pending).
  int64_t decided_count_ = 0;
  uint64_t decided_digest_ = 0;
};

}  // namespace logact
