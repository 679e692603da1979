// The deliberately wrong variants of tests/sim/buggy_components.h.
#include "tests/sim/buggy_components.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "core/assert.h"
#include "core/decider.h"
#include "core/decider_policy.h"
#include "core/digest.h"
#include "core/driver.h"
#include "core/executor.h"
#include "core/fencing.h"
#include "core/play_log.h"
#include "core/policy_state.h"
#include "core/voter.h"
#include "core/voter_config.h"

namespace logact::sim::testing {
namespace {

// ---------------------------------------------------------------------------
// A bus seen through a lens: reads are rewritten, appends pass through.

class LensBus : public AgentBus {
 public:
  explicit LensBus(AgentBus* inner) : inner_(inner) {}
  Result<Position> Append(Entry&& entry) override { return inner_->Append(std::move(entry)); }
  Position Tail() const override { return inner_->Tail(); }
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override {
    LOGACT_ASSIGN_OR_RETURN(std::vector<Entry> entries, inner_->Read(start, end, Widen(filter)));
    return Rewrite(std::move(entries), filter);
  }
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override {
    LOGACT_ASSIGN_OR_RETURN(Page page, inner_->Poll(start, Widen(filter), max));
    page.entries = Rewrite(std::move(page.entries), filter);
    return page;
  }

 protected:
  // The types to read below so that Rewrite can produce `filter`'s types.
  virtual TypeFilter Widen(TypeFilter filter) const { return filter; }
  // Maps one entry read below; nullopt hides it.
  virtual std::optional<Entry> Map(Entry entry) const { return entry; }
  AgentBus* inner() const { return inner_; }

 private:
  std::vector<Entry> Rewrite(std::vector<Entry> entries, TypeFilter filter) const {
    std::vector<Entry> out;
    for (Entry& entry : entries) {
      std::optional<Entry> mapped = Map(std::move(entry));
      if (mapped.has_value() && filter.Contains(mapped->type)) out.push_back(std::move(*mapped));
    }
    return out;
  }
  AgentBus* inner_;
};

// Every abort reads as a commit: a component behind it ignores decisions.
class AbortAsCommitLens : public LensBus {
 public:
  using LensBus::LensBus;

 protected:
  TypeFilter Widen(TypeFilter filter) const override {
    if (!filter.Contains(EntryType::kCommit)) return filter;
    return TypeFilter::FromMask(filter.mask() | TypeFilter{EntryType::kAbort}.mask());
  }
  std::optional<Entry> Map(Entry entry) const override {
    if (entry.type != EntryType::kAbort) return entry;
    Entry commit = MakeDecision(EntryType::kCommit, entry.author, entry.decision());
    commit.pos = entry.pos;
    commit.ts = entry.ts;
    return commit;
  }
};

// Hides every elect except the ones its own component appended: a driver
// behind it never learns that a newer driver took over.
class OwnElectsOnlyLens : public LensBus {
 public:
  using LensBus::LensBus;
  Result<Position> Append(Entry&& entry) override {
    const bool elect = entry.type == EntryType::kElect;
    const int64_t epoch = elect ? entry.elect().epoch : 0;
    Result<Position> pos = LensBus::Append(std::move(entry));
    if (elect && pos.has_value()) own_epochs_.insert(epoch);
    return pos;
  }

 protected:
  std::optional<Entry> Map(Entry entry) const override {
    if (entry.type == EntryType::kElect && !own_epochs_.empty() &&
        own_epochs_.count(entry.elect().epoch) == 0) {
      return std::nullopt;
    }
    return entry;
  }

 private:
  std::set<int64_t> own_epochs_;
};

// OwnElectsOnlyLens, and every intent appended through it carries the newest
// epoch on the log instead of its driver's own: the fenced driver's proposals
// stay live beside the new leader's. Its own intents read back with its own
// epoch, so it tracks them as in flight; the leader's look fenced to it.
class ForgedEpochLens : public OwnElectsOnlyLens {
 public:
  using OwnElectsOnlyLens::OwnElectsOnlyLens;
  Result<Position> Append(Entry&& entry) override {
    if (entry.type != EntryType::kIntent) return OwnElectsOnlyLens::Append(std::move(entry));
    LOGACT_ASSIGN_OR_RETURN(std::vector<Entry> elects,
                            inner()->Read(0, inner()->Tail(), TypeFilter{EntryType::kElect}));
    const IntentPayload intent = entry.intent();
    int64_t newest = intent.epoch;
    for (const Entry& elect : elects) newest = std::max(newest, elect.elect().epoch);
    Result<Position> pos =
        OwnElectsOnlyLens::Append(MakeIntent(entry.author, intent.action, intent.driver, newest));
    if (pos.has_value()) own_intents_[*pos] = intent.epoch;
    return pos;
  }

 protected:
  std::optional<Entry> Map(Entry entry) const override {
    auto own = entry.type == EntryType::kIntent ? own_intents_.find(entry.pos) : own_intents_.end();
    if (own != own_intents_.end()) {
      const IntentPayload intent = entry.intent();
      Entry mine = MakeIntent(entry.author, intent.action, intent.driver, own->second);
      mine.pos = entry.pos;
      mine.ts = entry.ts;
      return OwnElectsOnlyLens::Map(std::move(mine));
    }
    return OwnElectsOnlyLens::Map(std::move(entry));
  }

 private:
  std::map<Position, int64_t> own_intents_;  // forged intents: position -> the real epoch
};

// Owns a lens and the component that reads through it.
class WithLens : public Component {
 public:
  WithLens(std::unique_ptr<AgentBus> lens, std::unique_ptr<Component> inner)
      : lens_(std::move(lens)), inner_(std::move(inner)) {}
  const std::string& principal() const override { return inner_->principal(); }
  bool HasWork() const override { return inner_->HasWork(); }
  int64_t NextWakeMs() const override { return inner_->NextWakeMs(); }
  Status Step() override { return inner_->Step(); }
  bool Stopped() const override { return inner_->Stopped(); }
  std::string StateDigest() const override { return inner_->StateDigest(); }
  Position played() const override { return inner_->played(); }

 private:
  std::unique_ptr<AgentBus> lens_;
  std::unique_ptr<Component> inner_;
};

// ---------------------------------------------------------------------------
// A compact decider (a copy of core/decider.cc without reasons or timeouts)
// with two switchable bugs.

struct DeciderBugs {
  bool count_every_vote = false;  // not only the first vote of each type
  bool latest_policy = false;     // the policy in force now, not at the intent
};

// Evaluate() without its one-vote-per-type rule: the wrong count.
Verdict EvaluateEveryVote(const DeciderPolicy& policy, const std::vector<CountedVote>& votes) {
  if (policy.kind == DeciderKind::kOnByDefault) return Verdict::kCommit;
  if (policy.kind == DeciderKind::kOffByDefault) return Verdict::kAbort;
  const int64_t listed = static_cast<int64_t>(policy.types.size());
  int64_t approvals = 0;
  int64_t denials = 0;
  for (const CountedVote& vote : votes) {
    if (!policy.Counts(vote.voter_type)) continue;
    vote.approve ? ++approvals : ++denials;
    switch (policy.kind) {
      case DeciderKind::kFirstVoter:
        return vote.approve ? Verdict::kCommit : Verdict::kAbort;
      case DeciderKind::kAllOf:
        if (!vote.approve) return Verdict::kAbort;
        if (approvals >= listed) return Verdict::kCommit;
        break;
      case DeciderKind::kAnyOf:
        if (vote.approve) return Verdict::kCommit;
        if (denials >= listed) return Verdict::kAbort;
        break;
      case DeciderKind::kQuorum:
        if (approvals >= policy.k) return Verdict::kCommit;
        if (listed - denials < policy.k) return Verdict::kAbort;
        break;
      default:
        break;
    }
  }
  return Verdict::kUndecided;
}

class CompactDecider : public Component {
 public:
  CompactDecider(const ComponentRecipe& recipe, DeciderBugs bugs)
      : bus_(recipe.bus), principal_("decider/" + recipe.name), bugs_(bugs) {}
  const std::string& principal() const override { return principal_; }
  bool HasWork() const override { return bus_->Tail() > played_ || Next().has_value(); }
  int64_t NextWakeMs() const override { return kNeverMs; }
  Position played() const override { return played_; }
  std::string StateDigest() const override {
    Digest digest;
    digest.AddInt(played_).AddInt(policy_.version()).AddInt(static_cast<int64_t>(pending_.size()));
    for (const auto& [pos, pending] : pending_) {
      digest.AddInt(pos).AddInt(static_cast<int64_t>(pending.votes.size()));
    }
    return digest.Hex();
  }
  Status Step() override {
    static constexpr TypeFilter kPlays = {EntryType::kIntent, EntryType::kVote,
                                          EntryType::kPolicy, EntryType::kElect,
                                          EntryType::kCommit, EntryType::kAbort};
    LOGACT_TRY(PlayLog(*bus_, kPlays, &played_, [this](const Entry& e) { Play(e); }));
    std::optional<std::pair<Position, bool>> decision = Next();
    if (!decision.has_value()) return Status::Ok();
    DecisionPayload payload;
    payload.intent = decision->first;
    payload.reason = decision->second ? "committed" : "aborted";
    const EntryType type = decision->second ? EntryType::kCommit : EntryType::kAbort;
    Result<Position> pos = bus_->Append(MakeDecision(type, principal_, std::move(payload)));
    return pos.has_value() ? Status::Ok() : pos.error();
  }

 private:
  struct Pending {
    DeciderPolicy policy;  // in force at the intent
    std::vector<CountedVote> votes;
  };
  void Play(const Entry& entry) {
    switch (entry.type) {
      case EntryType::kElect:
        election_.Apply(entry.elect());
        break;
      case EntryType::kPolicy:
        policy_.Apply(entry.policy());
        break;
      case EntryType::kIntent:
        if (!election_.IsFenced(entry.intent())) pending_[entry.pos].policy = policy_.decider();
        break;
      case EntryType::kVote:
        if (auto it = pending_.find(entry.vote().intent); it != pending_.end()) {
          it->second.votes.push_back({entry.vote().voter_type, entry.vote().approve});
        }
        break;
      default:  // commit, abort: the first decision on the log is final
        pending_.erase(entry.decision().intent);
    }
  }
  std::optional<std::pair<Position, bool>> Next() const {
    for (const auto& [pos, pending] : pending_) {
      const DeciderPolicy& policy = bugs_.latest_policy ? policy_.decider() : pending.policy;
      const Verdict verdict = bugs_.count_every_vote ? EvaluateEveryVote(policy, pending.votes)
                                                     : Evaluate(policy, pending.votes);
      if (verdict != Verdict::kUndecided) return std::make_pair(pos, verdict == Verdict::kCommit);
    }
    return std::nullopt;
  }

  AgentBus* bus_;
  std::string principal_;
  DeciderBugs bugs_;
  Position played_ = 0;
  PolicyState policy_;
  ElectionState election_;
  std::map<Position, Pending> pending_;
};

// ---------------------------------------------------------------------------
// A second voter of the rule voter's type: right after voter `original`
// votes on an undecided intent, it casts the same vote. A correct decider
// counts only the first vote of the type, so this voter never changes a
// decision; a decider that counts both sees two approvals of one type.

class EchoTwin : public Component {
 public:
  EchoTwin(AgentBus* bus, std::string original, std::string type)
      : bus_(bus),
        name_(original + "-twin"),
        principal_("voter/" + name_),
        original_(std::move(original)),
        type_(std::move(type)) {}
  const std::string& principal() const override { return principal_; }
  bool HasWork() const override { return bus_->Tail() > played_ || !due_.empty(); }
  int64_t NextWakeMs() const override { return kNeverMs; }
  Position played() const override { return played_; }
  std::string StateDigest() const override {
    return Digest().AddInt(played_).AddInt(static_cast<int64_t>(due_.size())).Hex();
  }
  Status Step() override {
    static constexpr TypeFilter kPlays = {EntryType::kVote, EntryType::kCommit, EntryType::kAbort};
    LOGACT_TRY(PlayLog(*bus_, kPlays, &played_, [this](const Entry& e) { Play(e); }));
    if (due_.empty()) return Status::Ok();
    VotePayload vote;
    vote.intent = due_.begin()->first;
    vote.voter = name_;
    vote.voter_type = type_;
    vote.approve = due_.begin()->second;
    vote.reason = "the twin agrees";
    Result<Position> pos = bus_->Append(MakeVote(principal_, std::move(vote)));
    return pos.has_value() ? Status::Ok() : pos.error();
  }

 private:
  void Play(const Entry& entry) {
    if (entry.type != EntryType::kVote) {
      decided_.insert(entry.decision().intent);
      due_.erase(entry.decision().intent);
      return;
    }
    const VotePayload& vote = entry.vote();
    if (vote.voter == name_) due_.erase(vote.intent);
    if (vote.voter == original_ && decided_.count(vote.intent) == 0) {
      due_[vote.intent] = vote.approve;
    }
  }

  AgentBus* bus_;
  std::string name_;
  std::string principal_;
  std::string original_;
  std::string type_;
  Position played_ = 0;
  std::set<Position> decided_;
  std::map<Position, bool> due_;  // intent -> the original's vote to echo
};

// An admin that changes the decider policy while intents wait for votes:
// for each live intent it has not seen decided, it appends one policy entry
// that swaps the policy in force between on_by_default and the first policy
// it played (the scenario's). The policy in force at each intent is then
// known, and a later one differs from it while the intent is pending.

class PolicyFlipper : public Component {
 public:
  explicit PolicyFlipper(AgentBus* bus) : bus_(bus), principal_("admin/flipper") {}
  const std::string& principal() const override { return principal_; }
  bool HasWork() const override { return bus_->Tail() > played_ || !due_.empty(); }
  int64_t NextWakeMs() const override { return kNeverMs; }
  Position played() const override { return played_; }
  std::string StateDigest() const override {
    return Digest().AddInt(played_).AddInt(policy_.version()).Hex();
  }
  Status Step() override {
    static constexpr TypeFilter kPlays = {EntryType::kPolicy, EntryType::kElect, EntryType::kIntent,
                                          EntryType::kCommit, EntryType::kAbort};
    LOGACT_TRY(PlayLog(*bus_, kPlays, &played_, [this](const Entry& e) { Play(e); }));
    if (due_.empty() || scenario_decider_.is_null()) return Status::Ok();
    PolicyPayload policy;
    policy.version = policy_.version() + 1;
    policy.expected_version = policy_.version();
    policy.decider = policy_.decider().kind == DeciderKind::kOnByDefault
                         ? scenario_decider_
                         : Json{{"kind", "on_by_default"}};
    Result<Position> pos = bus_->Append(MakePolicy(principal_, std::move(policy)));
    if (!pos.has_value()) return pos.error();
    due_.clear();  // one change per batch of new intents
    return Status::Ok();
  }

 private:
  void Play(const Entry& entry) {
    switch (entry.type) {
      case EntryType::kPolicy:
        if (policy_.Apply(entry.policy()) && scenario_decider_.is_null()) {
          scenario_decider_ = policy_.decider().ToJson();
        }
        break;
      case EntryType::kElect:
        election_.Apply(entry.elect());
        break;
      case EntryType::kIntent:
        if (!election_.IsFenced(entry.intent())) due_.insert(entry.pos);
        break;
      default:
        due_.erase(entry.decision().intent);
    }
  }

  AgentBus* bus_;
  std::string principal_;
  Position played_ = 0;
  PolicyState policy_;
  ElectionState election_;
  Json scenario_decider_;  // null until the first policy applied
  std::set<Position> due_;
};

// A correct component whose Restore() resumes one entry too late: the
// recovery bug of skipping the snapshot's last position + 1.

class SkipsAfterSnapshot : public Component {
 public:
  SkipsAfterSnapshot(const AgentBus* bus, std::unique_ptr<Component> inner)
      : bus_(bus), inner_(std::move(inner)) {}
  const std::string& principal() const override { return inner_->principal(); }
  bool HasWork() const override { return inner_->HasWork(); }
  int64_t NextWakeMs() const override { return inner_->NextWakeMs(); }
  Status Step() override { return inner_->Step(); }
  bool Stopped() const override { return inner_->Stopped(); }
  std::string StateDigest() const override { return inner_->StateDigest(); }
  Position played() const override { return inner_->played(); }
  std::optional<Snapshot> TakeSnapshot() const override { return inner_->TakeSnapshot(); }
  Status Restore(const Snapshot& snapshot) override {
    Snapshot skipping = snapshot;
    // The bug; only where the entry to skip is already on the log, so that
    // the component never stands beyond the tail.
    if (snapshot.last_pos + 2 <= bus_->Tail()) ++skipping.last_pos;
    return inner_->Restore(skipping);
  }

 private:
  const AgentBus* bus_;
  std::unique_ptr<Component> inner_;
};

// Two components stepped as one (the scenario's voter and its twin).
class Pair : public Component {
 public:
  Pair(std::unique_ptr<Component> first, std::unique_ptr<Component> second)
      : first_(std::move(first)), second_(std::move(second)) {}
  const std::string& principal() const override { return first_->principal(); }
  bool HasWork() const override { return first_->HasWork() || second_->HasWork(); }
  int64_t NextWakeMs() const override {
    return std::min(first_->NextWakeMs(), second_->NextWakeMs());
  }
  Status Step() override {
    // Alternate, so that neither starves the other.
    turn_ = !turn_;
    Component* a = turn_ ? first_.get() : second_.get();
    Component* b = turn_ ? second_.get() : first_.get();
    return a->HasWork() ? a->Step() : b->Step();
  }
  std::string StateDigest() const override {
    return Digest().AddString(first_->StateDigest()).AddString(second_->StateDigest()).Hex();
  }
  Position played() const override { return std::min(first_->played(), second_->played()); }

 private:
  std::unique_ptr<Component> first_;
  std::unique_ptr<Component> second_;
  bool turn_ = false;
};

// ---------------------------------------------------------------------------
// A naive executor: runs every committed live intent that has no result yet.
// After a restart it cannot tell an intent it already ran from a new one,
// so it runs it again (no restart marker): the bug the marker prevents.

class NaiveExecutor : public Component {
 public:
  explicit NaiveExecutor(const ComponentRecipe& recipe)
      : bus_(recipe.bus), environment_(recipe.environment), principal_("executor/" + recipe.name) {}
  const std::string& principal() const override { return principal_; }
  bool HasWork() const override { return bus_->Tail() > played_ || Runnable() != kNoPosition; }
  int64_t NextWakeMs() const override { return kNeverMs; }
  Position played() const override { return played_; }
  std::string StateDigest() const override {
    return Digest().AddInt(played_).AddInt(static_cast<int64_t>(done_.size())).Hex();
  }
  Status Step() override {
    static constexpr TypeFilter kPlays = {EntryType::kIntent, EntryType::kCommit, EntryType::kAbort,
                                          EntryType::kResult, EntryType::kElect};
    LOGACT_TRY(PlayLog(*bus_, kPlays, &played_, [this](const Entry& e) { Play(e); }));
    const Position intent = Runnable();
    if (intent == kNoPosition) return Status::Ok();
    ToolCall call;
    call.action = &actions_.at(intent);
    call.intent = intent;
    Result<ToolOutcome> outcome = environment_->Execute(call);
    ResultPayload result;
    result.intent = intent;
    result.ok = outcome.has_value() && outcome->ok;
    result.output = outcome.has_value() ? outcome->output : outcome.error().ToString();
    Result<Position> pos = bus_->Append(MakeResult(principal_, std::move(result)));
    return pos.has_value() ? Status::Ok() : pos.error();
  }

 private:
  void Play(const Entry& entry) {
    switch (entry.type) {
      case EntryType::kElect:
        election_.Apply(entry.elect());
        break;
      case EntryType::kIntent:
        if (!election_.IsFenced(entry.intent())) actions_[entry.pos] = entry.intent().action;
        break;
      case EntryType::kCommit:
      case EntryType::kAbort:
        decisions_.try_emplace(entry.decision().intent, entry.type == EntryType::kCommit);
        break;
      default:
        done_.insert(entry.result().intent);
    }
  }
  Position Runnable() const {
    for (const auto& [intent, commit] : decisions_) {
      if (commit && actions_.count(intent) == 1 && done_.count(intent) == 0) return intent;
    }
    return kNoPosition;
  }

  AgentBus* bus_;
  ToolEnvironment* environment_;
  std::string principal_;
  Position played_ = 0;
  ElectionState election_;
  std::map<Position, Action> actions_;  // live intents
  std::map<Position, bool> decisions_;  // the first decision of each intent
  std::set<Position> done_;             // intents with a result
};

// ---------------------------------------------------------------------------
// An LLM voting logic that turns a failed or unparseable call into an approve.

class AllowOnFailure : public VotingLogic {
 public:
  AllowOnFailure(std::string principal, Llm* llm) : inner_(std::move(principal), llm) {}
  VoteDecision Judge(Position pos, const IntentPayload& intent) override {
    VoteDecision decision = inner_.Judge(pos, intent);
    if (decision.reason.rfind("llm failed", 0) == 0 ||
        decision.reason.rfind("unparseable", 0) == 0) {
      decision.approve = true;
    }
    return decision;
  }

 private:
  LlmVotingLogic inner_;
};

bool IsLlmVoter(const ComponentRecipe& recipe) {
  return recipe.role == "voter" && recipe.voter_document != nullptr &&
         !recipe.voter_document->contains("rules");
}

bool IsRuleVoter(const ComponentRecipe& recipe) {
  return recipe.role == "voter" && recipe.voter_document != nullptr &&
         recipe.voter_document->contains("rules");
}

// The scenario's rule voter, as the simulator builds it.
std::unique_ptr<Component> RuleVoter(const ComponentRecipe& recipe) {
  VoterOptions options;
  options.name = recipe.voter_document->value("voter", recipe.name);
  options.type = recipe.voter_document->value("type", std::string("rules"));
  options.bus = recipe.bus;
  options.clock = recipe.clock;
  Result<VoterConfig> config =
      ParseVoterConfig(*recipe.voter_document, "voters[" + options.name + "]");
  LOGACT_ASSERT(config.has_value());  // the scenario's document
  return std::make_unique<Voter>(std::move(options),
                                 std::make_unique<RuleVotingLogic>(std::move(config).value()));
}

std::unique_ptr<Component> LlmVoter(const ComponentRecipe& recipe, bool allow_on_failure) {
  VoterOptions options;
  options.name = recipe.voter_document->value("voter", recipe.name);
  options.type = recipe.voter_document->value("type", std::string("llm"));
  options.bus = recipe.bus;
  options.clock = recipe.clock;
  const std::string principal = "voter/" + options.name;
  std::unique_ptr<VotingLogic> logic =
      allow_on_failure
          ? std::unique_ptr<VotingLogic>(std::make_unique<AllowOnFailure>(principal, recipe.llm))
          : std::make_unique<LlmVotingLogic>(principal, recipe.llm);
  return std::make_unique<Voter>(std::move(options), std::move(logic));
}

// ---------------------------------------------------------------------------
// A bus that keeps its own copy of the log and, when a component crashes,
// forgets the last acknowledged append (a storage layer that acknowledged
// before syncing). Appends still go through the wrapped bus first, which
// checks access control and stamps ts; positions are re-stamped here.

class ForgetfulBus : public AgentBus {
 public:
  explicit ForgetfulBus(std::unique_ptr<AgentBus> inner) : inner_(std::move(inner)) {}
  Result<Position> Append(Entry&& entry) override {
    LOGACT_ASSIGN_OR_RETURN(Position inner_pos, inner_->Append(entry));
    LOGACT_ASSIGN_OR_RETURN(std::vector<Entry> stamped,
                            inner_->Read(inner_pos, inner_pos + 1, TypeFilter::All()));
    Entry kept = std::move(stamped.at(0));
    kept.pos = static_cast<Position>(log_.size());
    log_.push_back(std::move(kept));
    return log_.back().pos;
  }
  Position Tail() const override { return static_cast<Position>(log_.size()); }
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override {
    if (start < 0 || start > end || end > Tail()) return InvalidArgumentError("bad read range");
    std::vector<Entry> out;
    for (Position pos = start; pos < end; ++pos) {
      if (filter.Contains(log_[static_cast<size_t>(pos)].type)) {
        out.push_back(log_[static_cast<size_t>(pos)]);
      }
    }
    return out;
  }
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override {
    if (start < 0 || start > Tail()) return InvalidArgumentError("bad poll start");
    Page page;
    page.next = start;
    while (page.next < Tail() && page.entries.size() < max) {
      const Entry& entry = log_[static_cast<size_t>(page.next++)];
      if (filter.Contains(entry.type)) page.entries.push_back(entry);
    }
    return page;
  }
  // The bug: the last acknowledged append is gone (never the first entry).
  void Crash() {
    if (log_.size() > 1) log_.pop_back();
  }

 private:
  std::unique_ptr<AgentBus> inner_;
  std::vector<Entry> log_;
};

}  // namespace

const char* KnownBugName(KnownBug bug) {
  switch (bug) {
    case KnownBug::kNone:
      return "none";
    case KnownBug::kExecutorIgnoresDecisions:
      return "executor-ignores-decisions";
    case KnownBug::kDeciderCountsTypeTwice:
      return "decider-counts-type-twice";
    case KnownBug::kDeciderUsesLatestPolicy:
      return "decider-uses-latest-policy";
    case KnownBug::kExecutorReexecutesAfterRestart:
      return "executor-reexecutes-after-restart";
    case KnownBug::kLlmVoterAllowsOnFailure:
      return "llm-voter-allows-on-failure";
    case KnownBug::kBusLosesAckedAppendOnCrash:
      return "bus-loses-acked-append-on-crash";
    case KnownBug::kDriverIgnoresFencing:
      return "driver-ignores-fencing";
    case KnownBug::kRecoverySkipsSnapshotPosition:
      return "recovery-skips-snapshot-position";
  }
  return "?";
}

SimHooks HooksFor(KnownBug bug, bool with_bug) {
  SimHooks hooks;
  switch (bug) {
    case KnownBug::kNone:
      break;
    case KnownBug::kExecutorIgnoresDecisions:
      if (!with_bug) break;
      hooks.make_component = [](const ComponentRecipe& recipe) -> std::unique_ptr<Component> {
        if (recipe.role != "executor") return nullptr;
        auto lens = std::make_unique<AbortAsCommitLens>(recipe.bus);
        ExecutorOptions options;
        options.name = recipe.name;
        options.bus = lens.get();
        options.clock = recipe.clock;
        options.environment = recipe.environment;
        auto executor = std::make_unique<Executor>(std::move(options));
        return std::make_unique<WithLens>(std::move(lens), std::move(executor));
      };
      break;
    case KnownBug::kDeciderCountsTypeTwice:
      hooks.make_component =
          [with_bug](const ComponentRecipe& recipe) -> std::unique_ptr<Component> {
        if (recipe.role == "decider") {
          return std::make_unique<CompactDecider>(recipe, DeciderBugs{with_bug, false});
        }
        if (!IsRuleVoter(recipe)) return nullptr;
        std::unique_ptr<Component> voter = RuleVoter(recipe);
        auto twin = std::make_unique<EchoTwin>(
            recipe.bus, recipe.voter_document->value("voter", recipe.name),
            recipe.voter_document->value("type", std::string("rules")));
        return std::make_unique<Pair>(std::move(voter), std::move(twin));
      };
      break;
    case KnownBug::kDeciderUsesLatestPolicy:
      hooks.make_component =
          [with_bug](const ComponentRecipe& recipe) -> std::unique_ptr<Component> {
        if (recipe.role != "decider") return nullptr;
        return std::make_unique<Pair>(
            std::make_unique<CompactDecider>(recipe, DeciderBugs{false, with_bug}),
            std::make_unique<PolicyFlipper>(recipe.bus));
      };
      break;
    case KnownBug::kExecutorReexecutesAfterRestart:
      if (!with_bug) break;
      hooks.make_component = [](const ComponentRecipe& recipe) -> std::unique_ptr<Component> {
        if (recipe.role != "executor") return nullptr;
        return std::make_unique<NaiveExecutor>(recipe);
      };
      break;
    case KnownBug::kLlmVoterAllowsOnFailure:
      hooks.make_component =
          [with_bug](const ComponentRecipe& recipe) -> std::unique_ptr<Component> {
        if (!IsLlmVoter(recipe)) return nullptr;
        return LlmVoter(recipe, with_bug);
      };
      break;
    case KnownBug::kBusLosesAckedAppendOnCrash: {
      if (!with_bug) break;
      auto bus = std::make_shared<ForgetfulBus*>(nullptr);
      hooks.wrap_bus = [bus](std::unique_ptr<AgentBus> inner) -> std::unique_ptr<AgentBus> {
        auto forgetful = std::make_unique<ForgetfulBus>(std::move(inner));
        *bus = forgetful.get();
        return forgetful;
      };
      hooks.on_crash = [bus](const std::string&) {
        if (*bus != nullptr) (*bus)->Crash();
      };
      break;
    }
    case KnownBug::kDriverIgnoresFencing:
      if (!with_bug) break;
      hooks.make_component = [](const ComponentRecipe& recipe) -> std::unique_ptr<Component> {
        if (recipe.role != "driver") return nullptr;
        auto lens = std::make_unique<ForgedEpochLens>(recipe.bus);
        DriverOptions options;
        options.name = recipe.name;
        options.bus = lens.get();
        options.clock = recipe.clock;
        options.llm = recipe.llm;
        auto driver = std::make_unique<Driver>(std::move(options));
        return std::make_unique<WithLens>(std::move(lens), std::move(driver));
      };
      break;
    case KnownBug::kRecoverySkipsSnapshotPosition:
      if (!with_bug) break;
      hooks.make_component = [](const ComponentRecipe& recipe) -> std::unique_ptr<Component> {
        if (recipe.role != "decider") return nullptr;
        auto decider =
            std::make_unique<Decider>(DeciderOptions{recipe.name, recipe.bus, recipe.clock});
        return std::make_unique<SkipsAfterSnapshot>(recipe.bus, std::move(decider));
      };
      break;
  }
  return hooks;
}

}  // namespace logact::sim::testing
