#include "core/voter.h"

#include <cstdint>
#include <exception>
#include <optional>
#include <string_view>
#include <utility>

#include "core/assert.h"
#include "core/digest.h"
#include "core/play_log.h"
#include "core/same_json.h"
#include "core/snapshot_codec.h"

namespace logact {
namespace {

constexpr TypeFilter kPlays = {EntryType::kIntent, EntryType::kVote,   EntryType::kPolicy,
                               EntryType::kElect,  EntryType::kCommit, EntryType::kAbort};

// The answer in its usual exact form, {"approve":true|false,"reason":"..."}
// with a reason of printable ASCII and no escapes, read without building a
// JSON tree; nullopt for anything else, which the full parser then reads. On
// the texts it accepts it returns what the full parser would.
std::optional<VoteDecision> ParsePlainLlmVote(std::string_view text) {
  constexpr std::string_view kApprove = "{\"approve\":";
  constexpr std::string_view kReason = ",\"reason\":\"";
  if (!text.starts_with(kApprove) || !text.ends_with("\"}")) return std::nullopt;
  text.remove_prefix(kApprove.size());
  text.remove_suffix(2);
  VoteDecision decision;
  if (text.starts_with("true")) {
    decision.approve = true;
    text.remove_prefix(4);
  } else if (text.starts_with("false")) {
    text.remove_prefix(5);
  } else {
    return std::nullopt;
  }
  if (!text.starts_with(kReason)) return std::nullopt;
  text.remove_prefix(kReason.size());
  if (!IsPlainJsonString(text)) return std::nullopt;
  decision.reason = std::string(text);
  if (decision.reason.empty()) decision.reason = decision.approve ? "llm approved" : "llm denied";
  return decision;
}

// The LLM voter's answer: {"approve":true|false,"reason":"..."}.
Result<VoteDecision> ParseLlmVote(const std::string& text) {
  if (std::optional<VoteDecision> plain = ParsePlainLlmVote(text)) return *std::move(plain);
  Json json;
  try {
    json = Json::parse(text);
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("not JSON: ") + e.what());
  }
  if (!json.is_object()) return InvalidArgumentError("not a JSON object");
  if (!json.contains("approve") || !json["approve"].is_boolean()) {
    return InvalidArgumentError("'approve' must be true or false");
  }
  VoteDecision decision;
  decision.approve = json["approve"].get<bool>();
  if (json.contains("reason") && json["reason"].is_string()) {
    decision.reason = json["reason"].get<std::string>();
  }
  if (decision.reason.empty()) decision.reason = decision.approve ? "llm approved" : "llm denied";
  return decision;
}

}  // namespace

// ---------------------------------------------------------------------------
// RuleVotingLogic

RuleVotingLogic::RuleVotingLogic(VoterConfig config) : config_(std::move(config)) {}

VoteDecision RuleVotingLogic::Judge(Position pos, const IntentPayload& intent) {
  (void)pos;
  VoteDecision decision;
  if (!config_.is_rule_voter) {
    decision.reason = "voter '" + config_.name + "' has no rules";
    return decision;
  }
  const Action& action = intent.action;
  if (const VoteDecision* known = decisions_.Find([&](const Action& seen) {
        return seen.tool == action.tool && SameJson(seen.args, action.args);
      })) {
    return *known;
  }
  const RuleVerdict verdict = EvaluateRules(config_, action);
  decision.approve = verdict.approve;
  if (verdict.matched_rule_ids.empty()) {
    decision.reason = config_.default_allow ? "default allow" : "default deny";
  } else {
    decision.reason = verdict.reason;
  }
  return decisions_.Remember(action, std::move(decision));
}

bool RuleVotingLogic::Reconfigure(const Json& document) {
  Result<VoterConfig> config = ParseVoterConfig(document, "voters[" + config_.name + "]");
  if (!config.has_value() || !config->is_rule_voter) return false;
  config_ = std::move(config).value();
  decisions_ = {};  // decided under the previous rules
  return true;
}

std::string RuleVotingLogic::ConfigDigest() const { return CompactJson(config_.source); }

// ---------------------------------------------------------------------------
// LlmVotingLogic

LlmVotingLogic::LlmVotingLogic(std::string principal, Llm* llm)
    : principal_(std::move(principal)), llm_(llm) {
  LOGACT_ASSERT(llm_ != nullptr);
}

const std::string& LlmVotingLogic::ActionText(const Action& action) {
  if (const std::string* text = texts_.Find([&](const Action& seen) {
        return seen.tool == action.tool && SameJson(seen.args, action.args);
      })) {
    return *text;
  }
  return texts_.Remember(action, action.ToText());
}

VoteDecision LlmVotingLogic::Judge(Position pos, const IntentPayload& intent) {
  constexpr std::string_view kQuestion =
      "\nShould it run? Answer with one JSON object "
      "{\"approve\":true|false,\"reason\":\"...\"}.";
  constexpr std::string_view kProposes = " proposes this action: ";
  // Built in one buffer: the chain of operator+ it replaces grew the text
  // five times over (same bytes).
  const std::string index = std::to_string(pos);
  const std::string& action_text = ActionText(intent.action);
  if (request_.messages.size() != 1) {
    request_.caller = principal_;
    request_.messages.assign(1, LlmMessage{"user", "", -1});
  }
  std::string& prompt = request_.messages.front().text;
  prompt.clear();
  prompt.reserve(32 + index.size() + intent.driver.size() + kProposes.size() + action_text.size() +
                 kQuestion.size());
  prompt.append("Intent ").append(index).append(" of driver ").append(intent.driver);
  prompt.append(kProposes).append(action_text).append(kQuestion);
  Result<LlmReply> reply = llm_->Complete(request_);
  VoteDecision decision;
  if (!reply.has_value()) {
    decision.reason = "llm failed: " + reply.error().ToString();
    return decision;
  }
  decision.latency_ms = std::max<int64_t>(0, reply->latency_ms);
  Result<VoteDecision> parsed = ParseLlmVote(reply->text);
  if (!parsed.has_value()) {
    decision.reason = "unparseable llm answer: " + parsed.error().message();
    return decision;
  }
  parsed->latency_ms = decision.latency_ms;
  return std::move(parsed).value();
}

// ---------------------------------------------------------------------------
// Voter

Voter::Voter(VoterOptions options, std::unique_ptr<VotingLogic> logic)
    : options_(std::move(options)), logic_(std::move(logic)), principal_("voter/" + options_.name) {
  LOGACT_ASSERT(options_.bus != nullptr);
  LOGACT_ASSERT(options_.clock != nullptr);
  LOGACT_ASSERT(logic_ != nullptr);
  initial_config_digest_ = logic_->ConfigDigest();
}

bool Voter::HasWork() const {
  if (options_.bus->Tail() > played_) return true;
  if (in_flight_.has_value()) return options_.clock->NowMs() >= in_flight_->ready_ms;
  return !to_vote_.empty();
}

int64_t Voter::NextWakeMs() const {
  return in_flight_.has_value() ? in_flight_->ready_ms : kNeverMs;
}

Status Voter::Step() {
  LOGACT_TRY(PlayLog(*options_.bus, kPlays, &played_, [this](const Entry& e) { Play(e); }));
  // A judgement whose intent got our vote (an earlier append with an unknown
  // outcome that did land) or a decision meanwhile is dropped, not appended.
  if (in_flight_.has_value() && to_vote_.count(in_flight_->intent) == 0) in_flight_.reset();
  if (!in_flight_.has_value()) {
    if (to_vote_.empty()) return Status::Ok();
    const auto& [pos, todo] = *to_vote_.begin();
    ReconfigureTo(todo.doc_index);
    VoteDecision decision = logic_->Judge(pos, *todo.intent);
    const int64_t ready_ms = options_.clock->NowMs() + std::max<int64_t>(0, decision.latency_ms);
    in_flight_ = InFlight{pos, std::move(decision), ready_ms};
  }
  if (options_.clock->NowMs() < in_flight_->ready_ms) return Status::Ok();
  return AppendVote();
}

Status Voter::AppendVote() {
  LOGACT_ASSERT(in_flight_.has_value());
  VotePayload vote;
  vote.intent = in_flight_->intent;
  vote.voter = options_.name;
  vote.voter_type = options_.type;
  vote.approve = in_flight_->decision.approve;
  vote.reason = in_flight_->decision.reason;
  // On error the judgement is kept: the next Step plays the log first and
  // re-appends only if the vote is not there (kUnknownOutcome).
  Result<Position> pos = options_.bus->Append(MakeVote(principal_, std::move(vote)));
  if (!pos.has_value()) return pos.error();
  LOGACT_ASSERT_GT(*pos, in_flight_->intent);
  in_flight_.reset();
  return Status::Ok();
}

void Voter::ReconfigureTo(int64_t doc_index) {
  LOGACT_ASSERT_LT(doc_index, static_cast<int64_t>(docs_.size()));
  // Documents apply in log order, each at most once; a document the logic
  // refuses leaves the previous one in force.
  while (applied_doc_ < doc_index) {
    ++applied_doc_;
    (void)logic_->Reconfigure(docs_[static_cast<size_t>(applied_doc_)]);
  }
}

void Voter::Play(const Entry& entry) {
  switch (entry.type) {
    case EntryType::kElect:
      election_.Apply(entry.elect());
      break;
    case EntryType::kPolicy:
      PlayPolicy(entry.policy());
      break;
    case EntryType::kIntent:
      if (!active_ || election_.IsFenced(entry.intent())) break;
      to_vote_.emplace(entry.pos,
                       Todo{intents_.Get(entry.intent()), static_cast<int64_t>(docs_.size()) - 1});
      break;
    case EntryType::kVote: {
      const VotePayload& vote = entry.vote();
      if (vote.voter != options_.name) break;
      // Ours, from this incarnation or an earlier one: never vote again.
      to_vote_.erase(vote.intent);
      ++votes_seen_;
      votes_digest_ = Digest()
                          .AddInt(static_cast<int64_t>(votes_digest_))
                          .AddInt(vote.intent)
                          .AddBool(vote.approve)
                          .value();
      break;
    }
    case EntryType::kCommit:
    case EntryType::kAbort:
      to_vote_.erase(entry.decision().intent);
      break;
    default:
      LOGACT_ASSERT(false);
  }
}

void Voter::PlayPolicy(const PolicyPayload& policy) {
  if (!policy_.Apply(policy)) return;  // skipped entries change nothing
  if (!policy.voters.is_array()) return;
  // `voters` is the complete configuration: absent means inactive.
  for (const Json& document : policy.voters) {
    if (document.is_object() && document.contains("voter") && document["voter"].is_string() &&
        document["voter"].get<std::string>() == options_.name) {
      docs_.push_back(document);
      active_ = true;
      return;
    }
  }
  active_ = false;
}

std::string Voter::StateDigest() const {
  Digest digest;
  digest.AddInt(played_).AddInt(policy_.version()).AddBool(active_);
  digest.AddString(docs_.empty() ? initial_config_digest_ : CompactJson(docs_.back()));
  digest.AddInt(static_cast<int64_t>(docs_.size()));
  const auto& leader = election_.leader();
  digest.AddBool(leader.has_value());
  if (leader.has_value()) digest.AddString(leader->driver).AddInt(leader->epoch);
  digest.AddInt(votes_seen_).AddInt(static_cast<int64_t>(votes_digest_));
  for (const auto& [pos, todo] : to_vote_) digest.AddInt(pos).AddInt(todo.doc_index);
  return digest.Hex();
}

std::optional<Snapshot> Voter::TakeSnapshot() const {
  if (played_ == 0) return std::nullopt;
  Json fields = Json::object();
  fields["election"] = snapshot_codec::EncodeElection(election_);
  fields["policy"] = snapshot_codec::EncodePolicy(policy_);
  fields["active"] = active_;
  fields["docs"] = Json(docs_);
  fields["votes_seen"] = votes_seen_;
  fields["votes_digest"] = votes_digest_;
  Json to_vote = Json::array();
  for (const auto& [pos, todo] : to_vote_) {
    to_vote.push_back(Json{{"pos", pos},
                           {"intent", snapshot_codec::EncodeIntent(*todo.intent)},
                           {"doc_index", todo.doc_index}});
  }
  fields["to_vote"] = std::move(to_vote);
  return snapshot_codec::Make("voter", std::move(fields), played_);
}

Status Voter::Restore(const Snapshot& snapshot) {
  LOGACT_ASSERT_EQ(played_, 0);
  LOGACT_ASSIGN_OR_RETURN(Json fields, snapshot_codec::Open(snapshot, "voter"));
  return snapshot_codec::Guard("voter", [&]() -> Status {
    ElectionState election;
    PolicyState policy;
    LOGACT_TRY(snapshot_codec::DecodeElection(fields.at("election"), &election));
    LOGACT_TRY(snapshot_codec::DecodePolicy(fields.at("policy"), &policy));
    std::vector<Json> docs = fields.at("docs").get<std::vector<Json>>();
    PositionMap<Todo> to_vote;
    for (const Json& item : fields.at("to_vote")) {
      LOGACT_ASSIGN_OR_RETURN(IntentPayload intent,
                              snapshot_codec::DecodeIntent(item.at("intent")));
      const int64_t doc_index = item.at("doc_index").get<int64_t>();
      if (doc_index < -1 || doc_index >= static_cast<int64_t>(docs.size())) {
        return CorruptionError("voter snapshot: doc_index out of range");
      }
      to_vote.emplace(item.at("pos").get<Position>(), Todo{intents_.Get(intent), doc_index});
    }
    played_ = snapshot.last_pos + 1;
    election_ = std::move(election);
    policy_ = std::move(policy);
    active_ = fields.at("active").get<bool>();
    docs_ = std::move(docs);
    to_vote_ = std::move(to_vote);
    votes_seen_ = fields.at("votes_seen").get<int64_t>();
    votes_digest_ = fields.at("votes_digest").get<uint64_t>();
    return Status::Ok();
  });
}

}  // namespace logact
