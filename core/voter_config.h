// Voter documents and voter sets (SPEC §6): the configuration of the voters.
//
// A rule voter is {"voter","type","default","rules":[{id,effect,when,reason}]};
// any document with a `rules` array is a rule voter whatever its type, and
// `default` defaults to deny. Other voters are {"voter","type","assume"?}.
// A voter set is {"decider":<policy>,"voters":[<voter>...]}.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/condition.h"
#include "core/decider_policy.h"
#include "core/entry.h"
#include "core/json.h"
#include "core/status.h"

namespace logact {

enum class RuleEffect : uint8_t { kAllow, kDeny };

struct Rule {
  std::string id;
  RuleEffect effect = RuleEffect::kDeny;
  Condition when;
  std::string reason;
};

// How the verifier and the voter bench treat a voter that is not a rule voter.
enum class Assumption : uint8_t { kUnknown, kAllow, kDeny };

struct VoterConfig {
  std::string name;  // "voter"
  std::string type;  // the voter type the decider names
  bool is_rule_voter = false;
  bool default_allow = false;  // rule voters: the verdict when no rule matches
  std::vector<Rule> rules;     // rule voters only
  Assumption assume = Assumption::kUnknown;  // non-rule voters only
  Json source;                               // the document as given
};

// Parses one voter document. Errors: kInvalidArgument "<path>.<field>: ...".
Result<VoterConfig> ParseVoterConfig(const Json& json, const std::string& path);

// The outcome of a rule voter on one action.
struct RuleVerdict {
  bool approve = false;
  std::vector<std::string> matched_rule_ids;  // every matching rule, in document order
  std::string reason;  // the first matching deny's reason, else first allow's, else "default"
};
// REQUIRES: config.is_rule_voter.
RuleVerdict EvaluateRules(const VoterConfig& config, const Action& action);

struct VoterSet {
  DeciderPolicy decider;
  std::vector<VoterConfig> voters;
};
// Errors: kInvalidArgument naming the JSON path; voter names must be unique.
Result<VoterSet> ParseVoterSet(const Json& json);

}  // namespace logact
