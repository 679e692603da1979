// Decider policies: parsing of policy.decider and the pure decision function.
//
// The parser is strict on purpose: the trace checker must reject every
// malformed policy as bad input, and the decider and the checker must agree on
// the meaning of every accepted one, so no shape is guessed at.
#include "core/decider_policy.h"

#include <algorithm>
#include <limits>
#include <set>

#include "core/assert.h"
#include "core/limits.h"

namespace logact {
namespace {

struct KindName {
  DeciderKind kind;
  std::string_view name;
};
constexpr KindName kKindNames[] = {
    {DeciderKind::kOnByDefault, "on_by_default"},
    {DeciderKind::kOffByDefault, "off_by_default"},
    {DeciderKind::kFirstVoter, "first_voter"},
    {DeciderKind::kAllOf, "all_of"},
    {DeciderKind::kAnyOf, "any_of"},
    {DeciderKind::kQuorum, "quorum"},
};

std::string_view KindToName(DeciderKind kind) {
  for (const KindName& k : kKindNames) {
    if (k.kind == kind) return k.name;
  }
  LOGACT_ASSERT(false && "unknown DeciderKind");
  return "";
}

bool TakesTypes(DeciderKind kind) {
  return kind == DeciderKind::kFirstVoter || kind == DeciderKind::kAllOf ||
         kind == DeciderKind::kAnyOf || kind == DeciderKind::kQuorum;
}

// A positive JSON integer that fits int64 (1.0 is not an integer here: the
// policy is written by hand and a float is more likely a mistake).
Result<int64_t> ParsePositiveInteger(const Json& json, const std::string& path) {
  if (json.is_number_unsigned()) {
    uint64_t v = json.get<uint64_t>();
    if (v >= 1 && v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return static_cast<int64_t>(v);
    }
  } else if (json.is_number_integer()) {
    int64_t v = json.get<int64_t>();
    if (v >= 1) return v;
  }
  if (!json.is_number_integer()) {
    return InvalidArgumentError(path + ": expected an integer, got " + CompactJson(json));
  }
  return InvalidArgumentError(path + ": must be an integer in [1, 2^63), got " + CompactJson(json));
}

Result<std::vector<std::string>> ParseTypes(const Json& json, const std::string& path) {
  if (!json.is_array()) {
    return InvalidArgumentError(path + ": expected an array of voter types");
  }
  if (json.empty()) {
    return InvalidArgumentError(path + ": must list at least one voter type");
  }
  if (json.size() > limits::kVotersMax) {
    return InvalidArgumentError(path + ": lists more than " + std::to_string(limits::kVotersMax) +
                                " voter types (limits::kVotersMax)");
  }
  std::vector<std::string> types;
  std::set<std::string> seen;
  for (size_t i = 0; i < json.size(); ++i) {
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    if (!json[i].is_string() || json[i].get_ref<const std::string&>().empty()) {
      return InvalidArgumentError(item_path + ": expected a non-empty string");
    }
    const std::string& type = json[i].get_ref<const std::string&>();
    if (!seen.insert(type).second) {
      return InvalidArgumentError(item_path + ": voter type '" + type + "' is repeated");
    }
    types.push_back(type);
  }
  return types;
}

Result<DeciderKind> ParseKind(const Json& json, const std::string& path) {
  auto it = json.find("kind");
  if (it == json.end()) return InvalidArgumentError(path + ".kind: missing");
  if (!it->is_string()) return InvalidArgumentError(path + ".kind: expected a string");
  const std::string& name = it->get_ref<const std::string&>();
  for (const KindName& k : kKindNames) {
    if (k.name == name) return k.kind;
  }
  return InvalidArgumentError(path + ".kind: unknown kind '" + name +
                              "' (expected on_by_default, off_by_default, first_voter, all_of, "
                              "any_of or quorum)");
}

// Rejects fields that `kind` does not take, so that a typo is never ignored.
Status CheckFields(const Json& json, DeciderKind kind, const std::string& path) {
  for (auto it = json.begin(); it != json.end(); ++it) {
    const std::string& key = it.key();
    bool known = key == "kind" || key == "timeout_ms" || (key == "types" && TakesTypes(kind)) ||
                 (key == "k" && kind == DeciderKind::kQuorum);
    if (!known) {
      return InvalidArgumentError(path + "." + key + ": unexpected field for kind '" +
                                  std::string(KindToName(kind)) + "'");
    }
  }
  return Status::Ok();
}

}  // namespace

bool DeciderPolicy::Counts(const std::string& voter_type) const {
  switch (kind) {
    case DeciderKind::kOnByDefault:
    case DeciderKind::kOffByDefault:
      return false;
    case DeciderKind::kFirstVoter:
      if (!types_listed) return true;
      break;
    default:
      break;
  }
  return std::find(types.begin(), types.end(), voter_type) != types.end();
}

Json DeciderPolicy::ToJson() const {
  Json json = Json::object();
  json["kind"] = std::string(KindToName(kind));
  if (types_listed) json["types"] = types;
  if (kind == DeciderKind::kQuorum) json["k"] = k;
  if (timeout_ms.has_value()) json["timeout_ms"] = *timeout_ms;
  return json;
}

Result<DeciderPolicy> ParseDeciderPolicy(const Json& json, const std::string& path) {
  if (!json.is_object()) {
    return InvalidArgumentError(path + ": expected an object with a \"kind\"");
  }
  DeciderPolicy policy;
  LOGACT_ASSIGN_OR_RETURN(policy.kind, ParseKind(json, path));
  LOGACT_TRY(CheckFields(json, policy.kind, path));
  auto types = json.find("types");
  if (types != json.end()) {
    LOGACT_ASSIGN_OR_RETURN(policy.types, ParseTypes(*types, path + ".types"));
    policy.types_listed = true;
  } else if (policy.kind != DeciderKind::kFirstVoter && TakesTypes(policy.kind)) {
    return InvalidArgumentError(path + ".types: missing (required for kind '" +
                                std::string(KindToName(policy.kind)) + "')");
  }
  if (policy.kind == DeciderKind::kQuorum) {
    auto k = json.find("k");
    if (k == json.end()) return InvalidArgumentError(path + ".k: missing (required for quorum)");
    if (!k->is_number_integer()) {
      return InvalidArgumentError(path + ".k: expected an integer, got " + CompactJson(*k));
    }
    const int64_t n = static_cast<int64_t>(policy.types.size());
    bool in_range = k->is_number_unsigned()
                        ? k->get<uint64_t>() <= static_cast<uint64_t>(n) && k->get<uint64_t>() >= 1
                        : k->get<int64_t>() >= 1 && k->get<int64_t>() <= n;
    if (!in_range) {
      return InvalidArgumentError(path + ".k: must be between 1 and the number of types (" +
                                  std::to_string(n) + "), got " + CompactJson(*k));
    }
    policy.k = k->get<int64_t>();
  }
  auto timeout = json.find("timeout_ms");
  if (timeout != json.end()) {
    LOGACT_ASSIGN_OR_RETURN(policy.timeout_ms,
                            ParsePositiveInteger(*timeout, path + ".timeout_ms"));
  }
  return policy;
}

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kUndecided:
      return "undecided";
    case Verdict::kCommit:
      return "commit";
    case Verdict::kAbort:
      return "abort";
  }
  return "unknown";
}

namespace {

// Whether a vote before votes[i] has its type. A type is counted or not
// whatever the vote, so the first vote of a counted type was counted.
bool Repeats(std::span<const CountedVote> votes, size_t i) {
  for (size_t j = 0; j < i; ++j) {
    if (votes[j].voter_type == votes[i].voter_type) return true;
  }
  return false;
}

}  // namespace

Verdict Evaluate(const DeciderPolicy& policy, std::span<const CountedVote> votes) {
  if (policy.kind == DeciderKind::kOnByDefault) return Verdict::kCommit;
  if (policy.kind == DeciderKind::kOffByDefault) return Verdict::kAbort;
  const int64_t listed = static_cast<int64_t>(policy.types.size());
  int64_t approvals = 0;
  int64_t denials = 0;
  // Walk the votes in log order and stop at the first one that decides: a
  // decision is final, so later votes never change it.
  for (size_t i = 0; i < votes.size(); ++i) {
    const CountedVote& vote = votes[i];
    // Defensive against callers that break the REQUIRES: an uncounted or
    // repeated type never influences the decision. The earlier votes are
    // scanned instead of kept in a set: there are at most a few (one per
    // voter type), and this runs on every counted vote of a run.
    if (!policy.Counts(vote.voter_type) || Repeats(votes, i)) continue;
    vote.approve ? ++approvals : ++denials;
    switch (policy.kind) {
      case DeciderKind::kFirstVoter:
        return vote.approve ? Verdict::kCommit : Verdict::kAbort;
      case DeciderKind::kAllOf:
        if (!vote.approve) return Verdict::kAbort;
        if (approvals == listed) return Verdict::kCommit;
        break;
      case DeciderKind::kAnyOf:
        if (vote.approve) return Verdict::kCommit;
        if (denials == listed) return Verdict::kAbort;
        break;
      case DeciderKind::kQuorum:
        if (approvals >= policy.k) return Verdict::kCommit;
        if (listed - denials < policy.k) return Verdict::kAbort;
        break;
      default:
        LOGACT_ASSERT(false && "on/off_by_default handled above");
    }
  }
  return Verdict::kUndecided;
}

bool VoteTally::Add(const DeciderPolicy& policy, const std::string& voter_type, bool approve) {
  if (!policy.Counts(voter_type)) return false;
  for (const CountedVote& vote : votes_) {
    if (vote.voter_type == voter_type) return false;
  }
  // One allocation per tally: at most one vote per listed type is counted
  // (any type when none is listed), instead of growing 1, 2, 4...
  if (votes_.empty()) votes_.reserve(std::max<size_t>(policy.types.size(), 1));
  votes_.push_back(CountedVote{voter_type, approve});
  return true;
}

}  // namespace logact
