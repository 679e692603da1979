// Snapshot codec: canonical JSON for the shared pieces of replicated state.
#include "core/snapshot_codec.h"

#include <exception>
#include <utility>

namespace logact::snapshot_codec {
namespace {

Status Corrupt(std::string message) {
  return Status(StatusCode::kCorruption, "snapshot: " + std::move(message));
}

}  // namespace

Snapshot Make(std::string_view kind, Json fields, Position played) {
  fields["kind"] = std::string(kind);
  Snapshot snapshot;
  snapshot.state = CompactJson(fields);
  snapshot.last_pos = played - 1;
  return snapshot;
}

Result<Json> Open(const Snapshot& snapshot, std::string_view kind) {
  if (snapshot.last_pos < 0) return Corrupt("last_pos must be >= 0");
  Json json = Json::parse(snapshot.state, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return Corrupt("not a JSON object");
  auto it = json.find("kind");
  if (it == json.end() || !it->is_string() || it->get<std::string>() != kind) {
    return Corrupt("not a " + std::string(kind) + " snapshot");
  }
  return json;
}

Json EncodeElection(const ElectionState& election) {
  Json json = Json::object();
  json["max_epoch_seen"] = election.max_epoch_seen();
  if (election.leader().has_value()) {
    json["leader"] =
        Json{{"driver", election.leader()->driver}, {"epoch", election.leader()->epoch}};
  }
  return json;
}

Status DecodeElection(const Json& json, ElectionState* election) {
  return Guard("election", [&]() -> Status {
    ElectionState rebuilt;
    if (json.contains("leader")) {
      ElectPayload leader;
      leader.driver = json.at("leader").at("driver").get<std::string>();
      leader.epoch = json.at("leader").at("epoch").get<int64_t>();
      if (!rebuilt.Apply(leader)) return Corrupt("the leader's elect does not count");
    }
    // Every elect that raises max_epoch_seen counts (SPEC §2), so the
    // leader's epoch is the whole story; anything else is not our encoding.
    if (rebuilt.max_epoch_seen() != json.at("max_epoch_seen").get<int64_t>()) {
      return Corrupt("max_epoch_seen differs from the leader's epoch");
    }
    *election = std::move(rebuilt);
    return Status::Ok();
  });
}

Json EncodePolicy(const PolicyState& policy) {
  Json json = Json::object();
  json["version"] = policy.version();
  json["decider"] = policy.decider().ToJson();
  json["voters"] = policy.voters();
  return json;
}

Status DecodePolicy(const Json& json, PolicyState* policy) {
  return Guard("policy", [&]() -> Status {
    const int64_t version = json.at("version").get<int64_t>();
    if (version < 0) return Corrupt("negative policy version");
    PolicyState rebuilt;
    if (version > 0) {
      // One compare-and-set from version 0 lands exactly on the saved state.
      PolicyPayload payload;
      payload.version = version;
      payload.expected_version = 0;
      payload.decider = json.at("decider");
      payload.voters = json.at("voters");
      if (!rebuilt.Apply(payload)) return Corrupt("the policy does not apply");
    }
    if (rebuilt.decider().ToJson() != json.at("decider")) return Corrupt("policy differs");
    *policy = std::move(rebuilt);
    return Status::Ok();
  });
}

Json EncodeIntent(const IntentPayload& intent) {
  return Json{{"tool", intent.action.tool},
              {"args", intent.action.args},
              {"driver", intent.driver},
              {"epoch", intent.epoch}};
}

Result<IntentPayload> DecodeIntent(const Json& json) {
  IntentPayload intent;
  Status status = Guard("intent", [&]() -> Status {
    intent.action.tool = json.at("tool").get<std::string>();
    intent.action.args = json.at("args");
    intent.driver = json.at("driver").get<std::string>();
    intent.epoch = json.at("epoch").get<int64_t>();
    if (!intent.action.args.is_object()) return Corrupt("intent args must be an object");
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return intent;
}

}  // namespace logact::snapshot_codec
