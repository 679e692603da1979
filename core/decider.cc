#include "core/decider.h"

#include <string_view>
#include <utility>

#include "core/assert.h"
#include "core/digest.h"
#include "core/play_log.h"

namespace logact {
namespace {

constexpr TypeFilter kPlays = {EntryType::kIntent, EntryType::kVote,   EntryType::kPolicy,
                               EntryType::kElect,  EntryType::kCommit, EntryType::kAbort};

// The policy's "kind" as written in JSON. A switch, not ToJson(): the name is
// needed for every decision, and building the JSON form allocated a whole tree.
std::string_view KindName(const DeciderPolicy& policy) {
  switch (policy.kind) {
    case DeciderKind::kOnByDefault:
      return "on_by_default";
    case DeciderKind::kOffByDefault:
      return "off_by_default";
    case DeciderKind::kFirstVoter:
      return "first_voter";
    case DeciderKind::kAllOf:
      return "all_of";
    case DeciderKind::kAnyOf:
      return "any_of";
    case DeciderKind::kQuorum:
      return "quorum";
  }
  return "policy";
}

// Appends the voter types of the votes in `counted` whose approve equals
// `approve`, in order, joined as "a", "a and b", "a, b and c".
template <typename Votes>
void AppendTypes(const Votes& counted, bool approve, std::string* out) {
  size_t total = 0;
  for (const auto& vote : counted) total += vote.approve == approve ? 1 : 0;
  size_t i = 0;
  for (const auto& vote : counted) {
    if (vote.approve != approve) continue;
    if (i > 0) out->append(i + 1 == total ? " and " : ", ");
    out->append(vote.voter_type);
    ++i;
  }
}

}  // namespace

Decider::Decider(DeciderOptions options)
    : options_(std::move(options)), principal_("decider/" + options_.name) {
  LOGACT_ASSERT(options_.bus != nullptr);
  LOGACT_ASSERT(options_.clock != nullptr);
}

bool Decider::HasWork() const {
  if (options_.bus->Tail() > played_) return true;
  return DecisionDue();
}

bool Decider::DecisionDue() const {
  const int64_t now = options_.clock->NowMs();
  for (const auto& [pos, pending] : pending_) {
    if (pending.verdict != Verdict::kUndecided) return true;
    const std::optional<int64_t>& timeout_ms = pending.policy->timeout_ms;
    if (timeout_ms.has_value() && now >= pending.ts + *timeout_ms) return true;
  }
  return false;
}

const std::shared_ptr<const DeciderPolicy>& Decider::PolicyInForce() {
  // Versions only grow with each applied policy entry, so equal versions mean
  // the same policy.
  if (in_force_ == nullptr || in_force_version_ != policy_.version()) {
    in_force_ = std::make_shared<const DeciderPolicy>(policy_.decider());
    in_force_version_ = policy_.version();
  }
  return in_force_;
}

int64_t Decider::NextWakeMs() const {
  int64_t wake = kNeverMs;
  for (const auto& [pos, pending] : pending_) {
    if (pending.verdict != Verdict::kUndecided) return options_.clock->NowMs();
    if (pending.policy->timeout_ms.has_value()) {
      wake = std::min(wake, pending.ts + *pending.policy->timeout_ms);
    }
  }
  return wake;
}

Status Decider::Step() {
  LOGACT_TRY(PlayLog(*options_.bus, kPlays, &played_, [this](const Entry& e) { Play(e); }));
  std::optional<Decision> decision = NextDecision();
  LOGACT_ASSERT_EQ(DecisionDue(), decision.has_value());  // HasWork's short form agrees
  if (!decision.has_value()) return Status::Ok();
  return DecideOne(*std::move(decision));
}

void Decider::Play(const Entry& entry) {
  switch (entry.type) {
    case EntryType::kElect:
      election_.Apply(entry.elect());
      break;
    case EntryType::kPolicy:
      policy_.Apply(entry.policy());
      break;
    case EntryType::kIntent: {
      if (election_.IsFenced(entry.intent())) break;  // void: never decided
      LOGACT_ASSERT(pending_.count(entry.pos) == 0);
      // The policy in force at the intent's position decides it, whatever
      // policy entries come later (SPEC §2).
      Pending pending;
      pending.ts = entry.ts;
      pending.policy = PolicyInForce();
      pending.verdict = Evaluate(*pending.policy, pending.tally.votes());
      pending_.emplace(entry.pos, std::move(pending));
      break;
    }
    case EntryType::kVote:
      PlayVote(entry.vote());
      break;
    case EntryType::kCommit:
    case EntryType::kAbort:
      PlayDecision(entry.decision().intent, entry.type == EntryType::kCommit);
      break;
    default:
      LOGACT_ASSERT(false);
  }
}

void Decider::PlayVote(const VotePayload& vote) {
  // Votes for unknown, fenced or decided intents are ignored: later votes never
  // change a decision.
  auto it = pending_.find(vote.intent);
  if (it == pending_.end()) return;
  Pending& pending = it->second;
  if (!pending.tally.Add(*pending.policy, vote.voter_type, vote.approve)) return;
  // Room for a vote of each listed type at once: they usually all come.
  if (pending.counted.empty())
    pending.counted.reserve(std::max<size_t>(1, pending.policy->types.size()));
  pending.counted.push_back({vote.voter, vote.voter_type, vote.approve, vote.reason});
  pending.verdict = Evaluate(*pending.policy, pending.tally.votes());
}

void Decider::PlayDecision(Position intent, bool commit) {
  // The first decision on the log wins for every reader, whoever appended it.
  auto it = pending_.find(intent);
  if (it == pending_.end()) return;
  pending_.erase(it);
  ++decided_count_;
  decided_digest_ =
      Digest().AddInt(static_cast<int64_t>(decided_digest_)).AddInt(intent).AddBool(commit).value();
}

std::optional<Decider::Decision> Decider::NextDecision() const {
  const int64_t now = options_.clock->NowMs();
  for (const auto& [pos, pending] : pending_) {
    const std::optional<int64_t>& timeout_ms = pending.policy->timeout_ms;
    const bool timed_out = timeout_ms.has_value() && now >= pending.ts + *timeout_ms;
    if (pending.verdict == Verdict::kUndecided && !timed_out) continue;
    Decision decision;
    decision.intent = pos;
    decision.payload.intent = pos;
    std::string& reason = decision.payload.reason;
    reason = KindName(*pending.policy);
    if (pending.verdict != Verdict::kUndecided) {
      decision.commit = pending.verdict == Verdict::kCommit;
      const CountedVoteInfo* first_deny = nullptr;
      size_t denied = 0;
      for (const CountedVoteInfo& vote : pending.counted) {
        if (vote.approve) continue;
        if (first_deny == nullptr) first_deny = &vote;
        ++denied;
      }
      if (pending.counted.empty()) {
        reason += decision.commit ? ": committed without votes" : ": aborted without votes";
      } else if (decision.commit) {
        reason += ": ";
        AppendTypes(pending.counted, /*approve=*/true, &reason);
        reason += " approved";
      } else if (denied == 1) {
        reason.append(": ").append(first_deny->voter_type).append(" denied: ");
        reason += first_deny->reason;
      } else {
        reason += ": ";
        AppendTypes(pending.counted, /*approve=*/false, &reason);
        reason += " denied";
      }
      return decision;
    }
    decision.commit = false;
    decision.payload.timeout = true;
    reason.append(": timeout: undecided after ").append(std::to_string(*timeout_ms)).append(" ms");
    return decision;
  }
  return std::nullopt;
}

Status Decider::DecideOne(Decision decision) {
  LOGACT_ASSERT(pending_.count(decision.intent) == 1);
  const EntryType type = decision.commit ? EntryType::kCommit : EntryType::kAbort;
  // On any error the intent stays pending: the next Step plays the log first,
  // so an append that did land (kUnknownOutcome) is seen and never repeated.
  Result<Position> pos =
      options_.bus->Append(MakeDecision(type, principal_, std::move(decision.payload)));
  if (!pos.has_value()) return pos.error();
  LOGACT_ASSERT_GT(*pos, decision.intent);
  return Status::Ok();
}

std::string Decider::StateDigest() const {
  Digest digest;
  digest.AddInt(played_).AddInt(policy_.version());
  const auto& leader = election_.leader();
  digest.AddBool(leader.has_value());
  if (leader.has_value()) digest.AddString(leader->driver).AddInt(leader->epoch);
  digest.AddInt(election_.max_epoch_seen());
  digest.AddInt(decided_count_).AddInt(static_cast<int64_t>(decided_digest_));
  digest.AddInt(static_cast<int64_t>(pending_.size()));
  for (const auto& [pos, pending] : pending_) {
    digest.AddInt(pos).AddInt(pending.ts).AddString(CompactJson(pending.policy->ToJson()));
    digest.AddInt(static_cast<int64_t>(pending.verdict));
    for (const CountedVoteInfo& vote : pending.counted) {
      digest.AddString(vote.voter).AddString(vote.voter_type).AddBool(vote.approve);
      digest.AddString(vote.reason);
    }
  }
  return digest.Hex();
}

}  // namespace logact
