// Voter documents and voter sets: strict parsing and rule evaluation.
//
// Rule voters are parsed strictly (an unknown field is more likely a typo that
// silently changes the policy than an extension). Other voters may carry
// fields for their own kind (an LLM voter's prompt, say); those are kept in
// `source` and not interpreted here.
#include "core/voter_config.h"

#include <algorithm>
#include <map>

#include "core/assert.h"
#include "core/limits.h"

namespace logact {
namespace {

Result<std::string> RequireString(const Json& json, const std::string& key,
                                  const std::string& path) {
  auto it = json.find(key);
  if (it == json.end()) return InvalidArgumentError(path + "." + key + ": missing");
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    return InvalidArgumentError(path + "." + key + ": expected a non-empty string");
  }
  return it->get<std::string>();
}

// Parses "allow"/"deny" into *allow.
Status ParseAllowDeny(const Json& json, const std::string& path, bool* allow) {
  if (json.is_string() && json.get_ref<const std::string&>() == "allow") {
    *allow = true;
    return Status::Ok();
  }
  if (json.is_string() && json.get_ref<const std::string&>() == "deny") {
    *allow = false;
    return Status::Ok();
  }
  return InvalidArgumentError(path + ": expected \"allow\" or \"deny\", got " + CompactJson(json));
}

Result<Rule> ParseRule(const Json& json, const std::string& path) {
  if (!json.is_object()) {
    return InvalidArgumentError(path + ": expected a rule object {id, effect, when, reason}");
  }
  for (auto it = json.begin(); it != json.end(); ++it) {
    const std::string& key = it.key();
    if (key != "id" && key != "effect" && key != "when" && key != "reason") {
      return InvalidArgumentError(
          path + "." + key + ": unexpected field in a rule (expected id, effect, when, reason)");
    }
  }
  Rule rule;
  LOGACT_ASSIGN_OR_RETURN(rule.id, RequireString(json, "id", path));
  auto effect = json.find("effect");
  if (effect == json.end()) return InvalidArgumentError(path + ".effect: missing");
  bool allow = false;
  LOGACT_TRY(ParseAllowDeny(*effect, path + ".effect", &allow));
  rule.effect = allow ? RuleEffect::kAllow : RuleEffect::kDeny;
  auto when = json.find("when");
  if (when == json.end()) return InvalidArgumentError(path + ".when: missing");
  LOGACT_ASSIGN_OR_RETURN(rule.when, ParseCondition(*when, path + ".when"));
  auto reason = json.find("reason");
  if (reason != json.end()) {
    if (!reason->is_string()) return InvalidArgumentError(path + ".reason: expected a string");
    rule.reason = reason->get<std::string>();
  }
  return rule;
}

Status ParseRuleVoter(const Json& json, const std::string& path, VoterConfig* config) {
  for (auto it = json.begin(); it != json.end(); ++it) {
    const std::string& key = it.key();
    if (key == "assume") {
      return InvalidArgumentError(path +
                                  ".assume: only voters without rules declare an assumption");
    }
    if (key != "voter" && key != "type" && key != "default" && key != "rules" &&
        key != "description") {
      return InvalidArgumentError(path + "." + key +
                                  ": unexpected field in a rule voter (expected voter, type, "
                                  "default, rules, description)");
    }
  }
  config->is_rule_voter = true;
  auto default_it = json.find("default");
  if (default_it != json.end()) {
    LOGACT_TRY(ParseAllowDeny(*default_it, path + ".default", &config->default_allow));
  }
  const Json& rules = json["rules"];
  if (!rules.is_array()) return InvalidArgumentError(path + ".rules: expected an array of rules");
  if (rules.size() > limits::kRulesPerVoterMax) {
    return InvalidArgumentError(path + ".rules: more than " +
                                std::to_string(limits::kRulesPerVoterMax) +
                                " rules (limits::kRulesPerVoterMax)");
  }
  std::map<std::string, size_t> ids;  // id -> index of its first rule
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string rule_path = path + ".rules[" + std::to_string(i) + "]";
    LOGACT_ASSIGN_OR_RETURN(Rule rule, ParseRule(rules[i], rule_path));
    auto [it, inserted] = ids.emplace(rule.id, i);
    if (!inserted) {
      return InvalidArgumentError(rule_path + ".id: duplicate rule id '" + rule.id + "' (also " +
                                  path + ".rules[" + std::to_string(it->second) + "])");
    }
    config->rules.push_back(std::move(rule));
  }
  return Status::Ok();
}

Status ParseOtherVoter(const Json& json, const std::string& path, VoterConfig* config) {
  if (json.contains("default")) {
    return InvalidArgumentError(
        path + ".default: only rule voters have a default (is \"rules\" missing?)");
  }
  auto assume = json.find("assume");
  if (assume == json.end()) return Status::Ok();
  const std::string value = assume->is_string() ? assume->get<std::string>() : "";
  if (value == "allow") {
    config->assume = Assumption::kAllow;
  } else if (value == "deny") {
    config->assume = Assumption::kDeny;
  } else if (value == "unknown") {
    config->assume = Assumption::kUnknown;
  } else {
    return InvalidArgumentError(
        path + ".assume: expected \"allow\", \"deny\" or \"unknown\", got " + CompactJson(*assume));
  }
  return Status::Ok();
}

}  // namespace

Result<VoterConfig> ParseVoterConfig(const Json& json, const std::string& path) {
  if (!json.is_object()) {
    return InvalidArgumentError(path + ": expected a voter object {\"voter\",\"type\",...}");
  }
  VoterConfig config;
  LOGACT_ASSIGN_OR_RETURN(config.name, RequireString(json, "voter", path));
  LOGACT_ASSIGN_OR_RETURN(config.type, RequireString(json, "type", path));
  auto description = json.find("description");
  if (description != json.end() && !description->is_string()) {
    return InvalidArgumentError(path + ".description: expected a string");
  }
  if (json.contains("rules")) {
    LOGACT_TRY(ParseRuleVoter(json, path, &config));
  } else {
    LOGACT_TRY(ParseOtherVoter(json, path, &config));
  }
  config.source = json;
  return config;
}

namespace {
// Whether `condition` reads the action's text (text_contains, text_matches).
bool ReadsText(const Condition& condition) {
  if (condition.kind == Condition::Kind::kTextContains ||
      condition.kind == Condition::Kind::kTextMatches) {
    return true;
  }
  return std::any_of(condition.children.begin(), condition.children.end(), ReadsText);
}
}  // namespace

RuleVerdict EvaluateRules(const VoterConfig& config, const Action& action) {
  LOGACT_ASSERT(config.is_rule_voter);
  // The action's text is a JSON dump, the costliest part of a vote: it is
  // built only for voters whose rules read it (no other condition does).
  const bool reads_text = std::any_of(config.rules.begin(), config.rules.end(),
                                      [](const Rule& rule) { return ReadsText(rule.when); });
  const std::string text = reads_text ? action.ToText() : std::string();
  RuleVerdict verdict;
  const Rule* first_deny = nullptr;
  const Rule* first_allow = nullptr;
  // Every rule is evaluated (not just up to the first deny) so that the
  // verdict lists every matching rule, which the voter bench reports.
  for (const Rule& rule : config.rules) {
    if (!EvaluateCondition(rule.when, action, text)) continue;
    verdict.matched_rule_ids.push_back(rule.id);
    if (rule.effect == RuleEffect::kDeny && first_deny == nullptr) first_deny = &rule;
    if (rule.effect == RuleEffect::kAllow && first_allow == nullptr) first_allow = &rule;
  }
  if (first_deny != nullptr) {
    verdict.approve = false;
    verdict.reason = first_deny->reason;
  } else if (first_allow != nullptr) {
    verdict.approve = true;
    verdict.reason = first_allow->reason;
  } else {
    verdict.approve = config.default_allow;
    verdict.reason = "default";
  }
  return verdict;
}

Result<VoterSet> ParseVoterSet(const Json& json) {
  if (!json.is_object()) {
    return InvalidArgumentError("voter set: expected an object {\"decider\":..,\"voters\":[..]}");
  }
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (it.key() != "decider" && it.key() != "voters") {
      return InvalidArgumentError(it.key() +
                                  ": unexpected field in a voter set (expected decider, voters)");
    }
  }
  auto decider = json.find("decider");
  if (decider == json.end()) return InvalidArgumentError("decider: missing");
  VoterSet set;
  LOGACT_ASSIGN_OR_RETURN(set.decider, ParseDeciderPolicy(*decider, "decider"));
  auto voters = json.find("voters");
  if (voters == json.end()) return InvalidArgumentError("voters: missing");
  if (!voters->is_array()) return InvalidArgumentError("voters: expected an array of voters");
  if (voters->size() > limits::kVotersMax) {
    return InvalidArgumentError("voters: more than " + std::to_string(limits::kVotersMax) +
                                " voters (limits::kVotersMax)");
  }
  std::map<std::string, size_t> names;  // name -> index of its first voter
  for (size_t i = 0; i < voters->size(); ++i) {
    const std::string path = "voters[" + std::to_string(i) + "]";
    LOGACT_ASSIGN_OR_RETURN(VoterConfig voter, ParseVoterConfig((*voters)[i], path));
    auto [it, inserted] = names.emplace(voter.name, i);
    if (!inserted) {
      return InvalidArgumentError(path + ".voter: duplicate voter name '" + voter.name +
                                  "' (also voters[" + std::to_string(it->second) + "])");
    }
    set.voters.push_back(std::move(voter));
  }
  return set;
}

}  // namespace logact
