// Voter: a pluggable judge of intents (SPEC §2). Plays intent, vote, policy,
// elect, commit and abort; appends one vote {intent, voter, voter_type,
// approve, reason} per live intent, in log order, skipping intents it has
// already voted on (so a restarted voter just resumes) and intents already
// decided (a vote after the decision could never count). Each intent is
// judged with the voter document in force at the intent's position, even if
// a later policy entry was already played. The judgement itself is a
// VotingLogic:
//  - RuleVotingLogic: the SPEC §6 rule language, pure and replay-stable;
//  - LlmVotingLogic: asks an Llm; a failure or unparseable answer is a deny;
//  - any user class implementing VotingLogic (a custom voter).
// When an applied policy entry carries a `voters` array, the voter passes its
// own document (matched by name) to VotingLogic::Reconfigure; a voter whose
// name is absent from the array stops voting until a later policy lists it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/agent_bus.h"
#include "core/clock.h"
#include "core/component.h"
#include "core/fencing.h"
#include "core/llm.h"
#include "core/policy_state.h"
#include "core/position_map.h"
#include "core/recent_values.h"
#include "core/shared_actions.h"
#include "core/voter_config.h"

namespace logact {

struct VoteDecision {
  bool approve = false;
  std::string reason;
  int64_t latency_ms = 0;  // clock time the judgement took (an LLM call)
};

class VotingLogic {
 public:
  virtual ~VotingLogic() = default;
  // Judges the intent at `pos`. Must not fail: a logic that cannot judge
  // returns a deny with the reason.
  virtual VoteDecision Judge(Position pos, const IntentPayload& intent) = 0;
  // A new voter document for this voter from a policy entry. Returns false if
  // the document is unusable (the voter then keeps its previous logic).
  virtual bool Reconfigure(const Json& document) {
    (void)document;
    return true;
  }
  // Digest input for the voter's state (e.g. the rules in force).
  virtual std::string ConfigDigest() const { return ""; }
};

class RuleVotingLogic : public VotingLogic {
 public:
  explicit RuleVotingLogic(VoterConfig config);
  VoteDecision Judge(Position pos, const IntentPayload& intent) override;
  bool Reconfigure(const Json& document) override;
  std::string ConfigDigest() const override;

 private:
  // The decision for each of the last 8 distinct actions judged under
  // config_ (forgotten when config_ changes): the rules are a pure function
  // of the config and the action, matched exactly (same JSON types, 1 is not
  // 1.0), so a remembered decision is the one evaluating them would give, and
  // the same actions come back task after task. Not replicated state.
  RecentValues<Action, VoteDecision, 8> decisions_;
  VoterConfig config_;
};

class LlmVotingLogic : public VotingLogic {
 public:
  // REQUIRES: llm non-null and outlives the logic.
  LlmVotingLogic(std::string principal, Llm* llm);
  VoteDecision Judge(Position pos, const IntentPayload& intent) override;

 private:
  // action.ToText(), remembered for the last 8 distinct actions: the same
  // actions come back task after task, and the text is a pure function of
  // the action (matched exactly: same JSON types, 1 is not 1.0), so a
  // remembered text changes no prompt. Not replicated state.
  const std::string& ActionText(const Action& action);
  RecentValues<Action, std::string, 8> texts_;

  std::string principal_;
  Llm* llm_;
  // The one-message request of every Judge, rebuilt in place each time: a
  // new LlmRequest allocated its deque and the prompt's buffer per intent.
  LlmRequest request_;
};

struct VoterOptions {
  std::string name;         // appends as voter/<name>
  std::string type;         // the voter type deciders name
  AgentBus* bus = nullptr;  // REQUIRES: non-null, outlives the voter
  Clock* clock = nullptr;   // REQUIRES: non-null, outlives the voter
};

class Voter : public Component {
 public:
  Voter(VoterOptions options, std::unique_ptr<VotingLogic> logic);
  const std::string& principal() const override { return principal_; }
  bool HasWork() const override;
  int64_t NextWakeMs() const override;
  Status Step() override;
  std::string StateDigest() const override;
  Position played() const override { return played_; }
  // The snapshot holds the replicated state: the policy, the election, this
  // voter's documents and the intents still to judge. The VotingLogic is not
  // in it: a restored voter re-applies the documents to its logic as it
  // judges, exactly as a voter that never crashed would.
  std::optional<Snapshot> TakeSnapshot() const override;
  Status Restore(const Snapshot& snapshot) override;

 private:
  // A live intent this voter still has to judge, with the voter document in
  // force at the intent's position (an index into docs_, -1: the logic as
  // constructed). The intent is a shared immutable copy (intents_).
  struct Todo {
    std::shared_ptr<const IntentPayload> intent;  // never null
    int64_t doc_index = -1;
  };
  // A judgement waiting for its latency to pass before the vote is appended.
  struct InFlight {
    Position intent = kNoPosition;
    VoteDecision decision;
    int64_t ready_ms = 0;
  };

  void Play(const Entry& entry);
  void PlayPolicy(const PolicyPayload& policy);
  // Brings logic_ to the document in force at an intent (documents apply in log order).
  void ReconfigureTo(int64_t doc_index);
  Status AppendVote();

  VoterOptions options_;
  std::unique_ptr<VotingLogic> logic_;
  std::string principal_;
  std::string initial_config_digest_;  // logic_->ConfigDigest() as constructed
  Position played_ = 0;
  PolicyState policy_;
  ElectionState election_;
  bool active_ = true;         // listed by the last applied voter configuration (or none yet)
  std::vector<Json> docs_;     // this voter's documents from applied policies, in log order
  int64_t applied_doc_ = -1;   // the last of docs_ passed to logic_->Reconfigure
  PositionMap<Todo> to_vote_;  // live undecided intents without our vote, in order
  int64_t votes_seen_ = 0;     // our votes on the log (any incarnation)
  uint64_t votes_digest_ = 0;  // running digest of (intent, approve) of those votes
  std::optional<InFlight> in_flight_;  // local: not part of the replicated state
  SharedIntents intents_;              // the intents of to_vote_, one copy of each (not state)
};

}  // namespace logact
