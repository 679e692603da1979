// Decider snapshots (core/component.h): the pending intents with their
// policy and counted votes, plus the running digest of past decisions. The
// vote tallies and verdicts are not stored: they are recomputed from the
// counted votes, so a snapshot cannot hold a tally the votes do not justify.
#include <memory>
#include <utility>

#include "core/decider.h"
#include "core/snapshot_codec.h"

namespace logact {
namespace {
constexpr char kKind[] = "decider";
}  // namespace

std::optional<Snapshot> Decider::TakeSnapshot() const {
  if (played_ == 0) return std::nullopt;
  Json fields = Json::object();
  fields["election"] = snapshot_codec::EncodeElection(election_);
  fields["policy"] = snapshot_codec::EncodePolicy(policy_);
  fields["decided_count"] = decided_count_;
  fields["decided_digest"] = decided_digest_;
  Json pending = Json::array();
  for (const auto& [pos, intent] : pending_) {
    Json counted = Json::array();
    for (const CountedVoteInfo& vote : intent.counted) {
      counted.push_back(Json{{"voter", vote.voter},
                             {"voter_type", vote.voter_type},
                             {"approve", vote.approve},
                             {"reason", vote.reason}});
    }
    pending.push_back(Json{{"pos", pos},
                           {"ts", intent.ts},
                           {"policy", intent.policy->ToJson()},
                           {"counted", std::move(counted)}});
  }
  fields["pending"] = std::move(pending);
  return snapshot_codec::Make(kKind, std::move(fields), played_);
}

Status Decider::Restore(const Snapshot& snapshot) {
  LOGACT_ASSIGN_OR_RETURN(Json fields, snapshot_codec::Open(snapshot, kKind));
  return snapshot_codec::Guard(kKind, [&]() -> Status {
    ElectionState election;
    PolicyState policy;
    LOGACT_TRY(snapshot_codec::DecodeElection(fields.at("election"), &election));
    LOGACT_TRY(snapshot_codec::DecodePolicy(fields.at("policy"), &policy));
    PositionMap<Pending> pending;
    for (const Json& item : fields.at("pending")) {
      Pending intent;
      intent.ts = item.at("ts").get<int64_t>();
      LOGACT_ASSIGN_OR_RETURN(DeciderPolicy policy, ParseDeciderPolicy(item.at("policy")));
      intent.policy = std::make_shared<const DeciderPolicy>(std::move(policy));
      for (const Json& vote : item.at("counted")) {
        CountedVoteInfo info{vote.at("voter").get<std::string>(),
                             vote.at("voter_type").get<std::string>(),
                             vote.at("approve").get<bool>(), vote.at("reason").get<std::string>()};
        if (!intent.tally.Add(*intent.policy, info.voter_type, info.approve)) {
          return CorruptionError("decider snapshot: a counted vote does not count");
        }
        intent.counted.push_back(std::move(info));
      }
      intent.verdict = Evaluate(*intent.policy, intent.tally.votes());
      const Position pos = item.at("pos").get<Position>();
      if (pos < 0 || pos > snapshot.last_pos) {
        return CorruptionError("decider snapshot: pending intent beyond last_pos");
      }
      pending.emplace(pos, std::move(intent));
    }
    played_ = snapshot.last_pos + 1;
    election_ = std::move(election);
    policy_ = std::move(policy);
    pending_ = std::move(pending);
    in_force_ = nullptr;  // remade from the restored policy_
    decided_count_ = fields.at("decided_count").get<int64_t>();
    decided_digest_ = fields.at("decided_digest").get<uint64_t>();
    return Status::Ok();
  });
}

}  // namespace logact
