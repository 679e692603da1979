// Candidate generation and native replay for live-rule witnesses. A
// condition is turned into a short list of "partial actions" (a set of tools
// and some argument values) that satisfy it (positive) or falsify it
// (negative); leaves propose values from their own constants and keep only
// the values the native evaluator agrees with. Partial actions are completed
// with neutral values per tool and filtered by the schema.
#include "verify/policy_witness.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "core/assert.h"
#include "verify/policy_native.h"

namespace logact::verify {
namespace {

// Per node, at most this many partial actions survive (keeps `all` of
// several `any` from multiplying without bound).
constexpr size_t kPartialsMax = 12;
// Per leaf, at most this many values per polarity.
constexpr size_t kValuesMax = 3;
// Second round: at most this many combined actions per rule (a dead rule
// tries them all, so this bounds its cost).
constexpr size_t kCombinedPerRuleMax = 256;

struct ArgValue {
  enum class Kind : uint8_t { kValue, kAbsent, kPresent };
  Kind kind = Kind::kValue;
  Json value;
  friend bool operator==(const ArgValue&, const ArgValue&) = default;
};

struct Partial {
  std::optional<std::set<std::string>> tools;  // nullopt: any tool
  std::map<std::string, ArgValue> args;
};

// Both partials at once. Two values for one argument (amount > 0 and
// amount <= 100 propose 1 and 100) give two merges, one with each value: one
// of them often satisfies both leaves, and the native replay decides anyway.
std::vector<Partial> Merge(const Partial& a, const Partial& b) {
  Partial out = a;
  if (b.tools.has_value()) {
    if (!out.tools.has_value()) {
      out.tools = b.tools;
    } else {
      std::set<std::string> both;
      for (const std::string& tool : *b.tools) {
        if (out.tools->contains(tool)) both.insert(tool);
      }
      if (both.empty()) return {};
      out.tools = std::move(both);
    }
  }
  std::vector<std::string> conflicts;
  for (const auto& [name, value] : b.args) {
    auto [it, inserted] = out.args.emplace(name, value);
    if (!inserted && !(it->second == value)) conflicts.push_back(name);
  }
  if (conflicts.empty()) return {out};
  Partial other = out;
  for (const std::string& name : conflicts) other.args[name] = b.args.at(name);
  return {out, other};
}

// Every combination of one partial from each list (up to kPartialsMax).
std::vector<Partial> Product(const std::vector<std::vector<Partial>>& lists) {
  std::vector<Partial> current = {Partial{}};
  for (const std::vector<Partial>& list : lists) {
    std::vector<Partial> next;
    for (const Partial& left : current) {
      for (const Partial& right : list) {
        for (Partial& merged : Merge(left, right)) {
          if (next.size() < kPartialsMax) next.push_back(std::move(merged));
        }
      }
    }
    current = std::move(next);
  }
  return current;
}

std::vector<Partial> Concat(const std::vector<std::vector<Partial>>& lists) {
  std::vector<Partial> out;
  for (const std::vector<Partial>& list : lists) {
    for (const Partial& partial : list) {
      if (out.size() < kPartialsMax) out.push_back(partial);
    }
  }
  return out;
}

Json Integral(double value) {
  if (std::fabs(value) < 9.0e15) return Json(static_cast<int64_t>(value));
  return Json(value);
}

// A byte of the class (or outside it when negated), readable ones first.
std::optional<char> ClassByte(const RegexNode& node) {
  auto member = [&](unsigned c) {
    bool in = false;
    for (const auto& [lo, hi] : node.ranges) in = in || (c >= lo && c <= hi);
    return in != node.negated;
  };
  for (unsigned c : {'a', 'A', '0', '_', '-', '.'}) {
    if (member(c)) return static_cast<char>(c);
  }
  for (unsigned c = 0x20; c < 0x7f; ++c) {
    if (member(c)) return static_cast<char>(c);
  }
  for (unsigned c = 0; c < 256; ++c) {
    if (member(c)) return static_cast<char>(c);
  }
  return std::nullopt;
}

// A string the regex node matches; `variant` picks other alternatives and one
// more repetition, so two variants usually differ.
std::string RegexSample(const RegexNode& node, size_t variant) {
  switch (node.kind) {
    case RegexNode::Kind::kEmpty:
      return "";
    case RegexNode::Kind::kLiteral:
      return node.bytes;
    case RegexNode::Kind::kAny:
      return "a";
    case RegexNode::Kind::kClass:
      return std::string(1, ClassByte(node).value_or('a'));
    case RegexNode::Kind::kConcat: {
      std::string out;
      for (const RegexNode& child : node.children) out += RegexSample(child, variant);
      return out;
    }
    case RegexNode::Kind::kAlt:
      if (node.children.empty()) return "";
      return RegexSample(node.children[variant % node.children.size()], variant);
    case RegexNode::Kind::kRepeat: {
      if (node.children.empty()) return "";
      int count = node.min;
      if (variant > 0 && (node.max < 0 || node.max > node.min)) ++count;
      // Variant 2 takes the longest bounded repetition (".{0,7}" gives 7
      // bytes), so a cover proposal "r ⊆ .{0,6}" is refuted natively instead
      // of by a sat string query.
      if (variant == 2) count = node.max < 0 ? node.min + 2 : std::min(node.max, 64);
      std::string out;
      for (int i = 0; i < count; ++i) out += RegexSample(node.children[0], variant);
      return out;
    }
  }
  return "";
}

Json Different(const Json& value) {
  if (value.is_string()) return value.get<std::string>() + "_";
  if (value.is_boolean()) return !value.get<bool>();
  if (value.is_number()) return Integral(std::floor(value.get<double>()) + 1);
  return "_";
}

// Values worth trying for an argument leaf: its constants and neighbours.
std::vector<Json> Proposals(const Condition& leaf) {
  std::vector<Json> out;
  const Json& operand = leaf.value;
  switch (leaf.op) {
    case ArgOp::kEq:
    case ArgOp::kNe:
      out = {operand, Different(operand)};
      break;
    case ArgOp::kIn:
      for (const Json& item : operand) out.push_back(item);
      if (!operand.empty()) out.push_back(Different(operand[0]));
      break;
    case ArgOp::kLt:
    case ArgOp::kLe:
    case ArgOp::kGt:
    case ArgOp::kGe: {
      const double bound = operand.get<double>();
      out = {Integral(std::floor(bound)), Integral(std::ceil(bound)),
             Integral(std::floor(bound) + 1), Integral(std::ceil(bound) - 1), operand};
      break;
    }
    case ArgOp::kPrefix:
      out = {operand, operand.get<std::string>() + "_"};
      break;
    case ArgOp::kSuffix:
      out = {operand, "_" + operand.get<std::string>()};
      break;
    case ArgOp::kContains:
      out = {operand, "_" + operand.get<std::string>() + "_"};
      break;
    case ArgOp::kMatches:
      out = {RegexSample(leaf.regex->root(), 0), RegexSample(leaf.regex->root(), 1),
             RegexSample(leaf.regex->root(), 2)};
      break;
    case ArgOp::kExists:
      break;
  }
  for (const char* neutral : {"", "_", "a", "0"}) out.push_back(neutral);
  out.push_back(0);
  out.push_back(-1);
  out.push_back(true);
  out.push_back(false);
  return out;
}

std::vector<Partial> ArgLeaf(const Condition& leaf, bool positive) {
  std::vector<Partial> out;
  auto single = [&](ArgValue value) {
    Partial partial;
    partial.args.emplace(leaf.arg, std::move(value));
    out.push_back(std::move(partial));
  };
  if (leaf.op == ArgOp::kExists) {
    const bool present = leaf.value.get<bool>() == positive;
    single(ArgValue{present ? ArgValue::Kind::kPresent : ArgValue::Kind::kAbsent, nullptr});
    return out;
  }
  // Dotted names reach nested objects the schemas cannot declare: no proposal.
  if (leaf.arg.find('.') != std::string::npos) return {Partial{}};
  std::set<std::string> seen;
  for (const Json& value : Proposals(leaf)) {
    if (out.size() >= kValuesMax) break;
    Action probe{"", Json::object({{leaf.arg, value}})};
    if (EvaluateCondition(leaf, probe, "") != positive) continue;
    if (!seen.insert(value.dump()).second) continue;
    single(ArgValue{ArgValue::Kind::kValue, value});
  }
  // A comparison on an absent argument is false.
  if (!positive) single(ArgValue{ArgValue::Kind::kAbsent, nullptr});
  return out;
}

std::vector<Partial> Generate(const Condition& condition, bool positive,
                              const ToolSchemas& schemas) {
  switch (condition.kind) {
    case Condition::Kind::kTool: {
      Partial partial;
      partial.tools.emplace();
      for (const auto& [name, schema] : schemas) {
        const bool listed = std::find(condition.tools.begin(), condition.tools.end(), name) !=
                            condition.tools.end();
        if (listed == positive) partial.tools->insert(name);
      }
      if (partial.tools->empty()) return {};
      return {partial};
    }
    case Condition::Kind::kArg:
      return ArgLeaf(condition, positive);
    case Condition::Kind::kTextContains:
    case Condition::Kind::kTextMatches:
      return {Partial{}};  // not proposed; the native replay decides
    case Condition::Kind::kAll:
    case Condition::Kind::kAny: {
      std::vector<std::vector<Partial>> lists;
      for (const Condition& child : condition.children)
        lists.push_back(Generate(child, positive, schemas));
      // all+ and any- need every child; all- and any+ need one.
      const bool every = (condition.kind == Condition::Kind::kAll) == positive;
      return every ? Product(lists) : Concat(lists);
    }
    case Condition::Kind::kNot:
      LOGACT_ASSERT_EQ(condition.children.size(), 1u);
      return Generate(condition.children[0], !positive, schemas);
  }
  return {};
}

Json Neutral(ArgType type) {
  switch (type) {
    case ArgType::kString:
      return "";
    case ArgType::kInteger:
    case ArgType::kNumber:
      return 0;
    case ArgType::kBoolean:
      return false;
  }
  return nullptr;
}

// The action of `tool` the partial describes, if the schema allows it; the
// optional arguments it leaves open are absent, or present and neutral.
std::optional<Action> Complete(const Partial& partial, const std::string& tool,
                               const ToolSchema& schema, bool optional_present) {
  Action action{tool, Json::object()};
  for (const auto& [name, value] : partial.args) {
    if (!schema.args.contains(name) && value.kind != ArgValue::Kind::kAbsent) return std::nullopt;
  }
  for (const auto& [name, arg] : schema.args) {
    auto it = partial.args.find(name);
    if (it == partial.args.end()) {
      if (!arg.optional || optional_present) action.args[name] = Neutral(arg.type);
      continue;
    }
    const ArgValue& value = it->second;
    if (value.kind == ArgValue::Kind::kAbsent) {
      if (!arg.optional) return std::nullopt;
      continue;
    }
    if (value.kind == ArgValue::Kind::kPresent) {
      action.args[name] = Neutral(arg.type);
      continue;
    }
    if (!HasArgType(value.value, arg.type)) return std::nullopt;
    if (value.value.is_string() && !ValidUtf8(value.value.get<std::string>())) return std::nullopt;
    action.args[name] = value.value;
  }
  return action;
}

}  // namespace

std::vector<Action> CandidateActions(const std::vector<const Condition*>& conditions,
                                     const std::vector<const Condition*>& bases,
                                     const ToolSchemas& schemas, size_t max) {
  std::vector<Action> out;
  std::set<std::string> seen;
  auto add = [&](const Partial& partial) {
    for (const auto& [tool, schema] : schemas) {
      if (out.size() >= max) return;
      if (partial.tools.has_value() && !partial.tools->contains(tool)) continue;
      for (bool optional_present : {false, true}) {
        std::optional<Action> action = Complete(partial, tool, schema, optional_present);
        if (!action.has_value() || !ValidateAction(schemas, *action).ok()) continue;
        if (out.size() < max && seen.insert(action->ToText()).second) {
          out.push_back(std::move(*action));
        }
      }
    }
  };
  add(Partial{});  // the all-neutral action of every tool
  std::vector<std::vector<Partial>> base_partials;
  for (const Condition* base : bases) {
    base_partials.push_back(Generate(*base, true, schemas));
    for (const Partial& partial : base_partials.back()) add(partial);
  }
  for (const Condition* condition : conditions) {
    const std::vector<Partial> partials = Generate(*condition, true, schemas);
    for (const Partial& partial : partials) add(partial);
    for (const std::vector<Partial>& base : base_partials) {
      for (const Partial& partial : Product({base, partials})) add(partial);
    }
  }
  return out;
}

std::vector<VoteScenario> EnumerateScenarios(const VoterSet& set, size_t max) {
  std::vector<VoteScenario> out = {VoteScenario{}};
  auto expand = [&](const std::function<void(VoteScenario&, size_t)>& apply, size_t choices) {
    std::vector<VoteScenario> next;
    for (const VoteScenario& scenario : out) {
      for (size_t i = 0; i < choices; ++i) {
        if (next.size() >= max) return false;
        next.push_back(scenario);
        apply(next.back(), i);
      }
    }
    out = std::move(next);
    return true;
  };
  for (const VoterConfig& voter : set.voters) {
    if (voter.is_rule_voter || voter.assume != Assumption::kUnknown) continue;
    if (!set.decider.Counts(voter.type)) continue;
    auto vote = [&](VoteScenario& s, size_t i) { s.unknown_votes[voter.name] = i == 1; };
    if (!expand(vote, 2)) return {};
  }
  const std::vector<std::string> types = CountedTypesWithVoters(set);
  for (const std::string& type : types) {
    std::vector<std::string> names;
    for (const VoterConfig& voter : set.voters) {
      if (voter.type == type) names.push_back(voter.name);
    }
    if (names.size() < 2) continue;
    auto first = [&](VoteScenario& s, size_t i) { s.first_voter[type] = names[i]; };
    if (!expand(first, names.size())) return {};
  }
  if (set.decider.kind == DeciderKind::kFirstVoter && !types.empty()) {
    auto first = [&](VoteScenario& s, size_t i) { s.first_type = types[i]; };
    if (!expand(first, types.size())) return {};
  }
  return out;
}

namespace {

bool Commits(const VoterSet& set, const Action& action, const VoteScenario& scenario) {
  return NativeVerdict(set, action, scenario) == Verdict::kCommit;
}

// NativelyLive on a scratch copy of the set: the rule is taken out and put back.
bool LiveOnScratch(VoterSet& scratch, size_t voter, size_t rule, const Action& action,
                   const VoteScenario& scenario) {
  const bool with = Commits(scratch, action, scenario);
  std::vector<Rule>& rules = scratch.voters[voter].rules;
  Rule removed = std::move(rules[rule]);
  rules.erase(rules.begin() + static_cast<long>(rule));
  const bool without = Commits(scratch, action, scenario);
  rules.insert(rules.begin() + static_cast<long>(rule), std::move(removed));
  return with != without;
}

// Whether the rule's removal flips voter `voter`'s verdict on the action,
// from the rules' match results (verdict = no deny ∧ (some allow ∨ default)).
bool FlipsVerdict(const VoterConfig& voter, const std::vector<bool>& matches, size_t rule) {
  if (!matches[rule]) return false;
  size_t denies = 0;
  size_t allows = 0;
  for (size_t r = 0; r < matches.size(); ++r) {
    if (matches[r]) ++(voter.rules[r].effect == RuleEffect::kDeny ? denies : allows);
  }
  if (voter.rules[rule].effect == RuleEffect::kDeny) {
    return denies == 1 && (allows > 0 || voter.default_allow);
  }
  return denies == 0 && allows == 1 && !voter.default_allow;
}

}  // namespace

bool NativelyLive(const VoterSet& set, size_t voter, size_t rule, const Action& action,
                  const VoteScenario& scenario) {
  LOGACT_ASSERT_LT(voter, set.voters.size());
  LOGACT_ASSERT_LT(rule, set.voters[voter].rules.size());
  VoterSet scratch = set;
  return LiveOnScratch(scratch, voter, rule, action, scenario);
}

std::map<std::pair<size_t, size_t>, LiveWitness> FindLiveWitnesses(
    const VoterSet& set, const std::vector<Action>& candidates,
    const std::vector<VoteScenario>& scenarios) {
  std::map<std::pair<size_t, size_t>, LiveWitness> live;
  VoterSet scratch = set;
  for (const Action& action : candidates) {
    const std::string text = action.ToText();
    for (size_t v = 0; v < set.voters.size(); ++v) {
      const VoterConfig& voter = set.voters[v];
      if (!voter.is_rule_voter || !set.decider.Counts(voter.type)) continue;
      std::vector<bool> matches(voter.rules.size());
      for (size_t r = 0; r < voter.rules.size(); ++r)
        matches[r] = EvaluateCondition(voter.rules[r].when, action, text);
      for (size_t r = 0; r < voter.rules.size(); ++r) {
        if (live.contains({v, r}) || !FlipsVerdict(voter, matches, r)) continue;
        for (const VoteScenario& scenario : scenarios) {
          if (LiveOnScratch(scratch, v, r, action, scenario)) {
            live.emplace(std::make_pair(v, r), LiveWitness{action, scenario});
            break;
          }
        }
      }
    }
  }
  return live;
}

namespace {

// The actions a partial describes, per tool, that the schema allows.
std::vector<Action> Actions(const Partial& partial, const ToolSchemas& schemas) {
  std::vector<Action> out;
  for (const auto& [tool, schema] : schemas) {
    if (partial.tools.has_value() && !partial.tools->contains(tool)) continue;
    for (bool optional_present : {false, true}) {
      std::optional<Action> action = Complete(partial, tool, schema, optional_present);
      if (action.has_value() && ValidateAction(schemas, *action).ok()) {
        out.push_back(std::move(*action));
      }
    }
  }
  return out;
}

// Whether some scenario shows rule r of voter v live on `action` (checking
// the cheap verdict flip of voter v first).
std::optional<VoteScenario> LiveScenario(VoterSet& scratch, size_t v, size_t r,
                                         const Action& action,
                                         const std::vector<VoteScenario>& scenarios) {
  const VoterConfig& voter = scratch.voters[v];
  const std::string text = action.ToText();
  std::vector<bool> matches(voter.rules.size());
  for (size_t i = 0; i < voter.rules.size(); ++i)
    matches[i] = EvaluateCondition(voter.rules[i].when, action, text);
  if (!FlipsVerdict(voter, matches, r)) return std::nullopt;
  for (const VoteScenario& scenario : scenarios) {
    if (LiveOnScratch(scratch, v, r, action, scenario)) return scenario;
  }
  return std::nullopt;
}

}  // namespace

std::map<std::pair<size_t, size_t>, LiveWitness> FindCombinedWitnesses(
    const VoterSet& set, const ToolSchemas& schemas,
    const std::vector<std::pair<size_t, size_t>>& rules, const std::vector<VoteScenario>& scenarios,
    size_t max) {
  std::map<std::pair<size_t, size_t>, LiveWitness> live;
  // Allow-rule partials per voter.
  std::vector<std::vector<Partial>> helpers(set.voters.size());
  for (size_t w = 0; w < set.voters.size(); ++w) {
    for (const Rule& rule : set.voters[w].rules) {
      if (rule.effect != RuleEffect::kAllow) continue;
      for (Partial& partial : Generate(rule.when, true, schemas))
        helpers[w].push_back(std::move(partial));
    }
  }
  VoterSet scratch = set;
  size_t tried = 0;
  for (const auto& [v, r] : rules) {
    const size_t budget = std::min(max, tried + kCombinedPerRuleMax);
    const std::vector<Partial> own = Generate(set.voters[v].rules[r].when, true, schemas);
    bool found = false;
    for (size_t w = 0; w < set.voters.size() && !found; ++w) {
      if (w == v) continue;
      for (const Partial& helper : helpers[w]) {
        if (found || tried >= budget) break;
        for (const Partial& partial : Product({own, {helper}})) {
          if (found) break;
          for (const Action& action : Actions(partial, schemas)) {
            if (++tried > budget) break;
            if (std::optional<VoteScenario> scenario =
                    LiveScenario(scratch, v, r, action, scenarios)) {
              live.emplace(std::make_pair(v, r), LiveWitness{action, *scenario});
              found = true;
              break;
            }
          }
        }
      }
    }
  }
  return live;
}

namespace {

// Bytes a rule's own samples tend to lack (RegexSample picks 'a' first): a
// digit, an uppercase letter, punctuation, a space.
constexpr char kMutationBytes[] = {'0', 'A', '!', ' '};

// `action` and variants of it with one string argument changed: its last
// byte replaced by, or the value prefixed with, each of kMutationBytes (the
// length-preserving one keeps `.{0,7}` matching). Only schema-valid ones.
std::vector<Action> Mutations(const Action& action, const ToolSchemas& schemas) {
  std::vector<Action> out = {action};
  for (const auto& [name, value] : action.args.items()) {
    if (!value.is_string()) continue;
    const std::string text = value.get<std::string>();
    for (char byte : kMutationBytes) {
      std::vector<std::string> variants = {std::string(1, byte) + text};
      if (!text.empty()) variants.push_back(text.substr(0, text.size() - 1) + byte);
      for (const std::string& variant : variants) {
        Action mutated = action;
        mutated.args[name] = variant;
        if (ValidUtf8(variant) && ValidateAction(schemas, mutated).ok()) out.push_back(mutated);
      }
    }
  }
  return out;
}

// Rules of `voter` other than `rule`, usable to cover it, that match every
// candidate satisfying `condition` (none when no candidate satisfies it).
// The candidates' mutations are tried too: one that satisfies `condition`
// and not another rule is a concrete action refuting that rule as a cover,
// which saves a (sat, often slow) string query per wrong proposal.
std::vector<size_t> Covering(const VoterConfig& voter, size_t rule, const Condition& condition,
                             const ToolSchemas& schemas, size_t max) {
  std::vector<bool> covers(voter.rules.size(), true);
  bool any = false;
  for (const Partial& partial : Generate(condition, true, schemas)) {
    for (const Action& candidate : Actions(partial, schemas)) {
      for (const Action& action : Mutations(candidate, schemas)) {
        const std::string text = action.ToText();
        if (!EvaluateCondition(condition, action, text)) continue;
        any = true;
        for (size_t r = 0; r < voter.rules.size(); ++r) {
          if (covers[r]) covers[r] = EvaluateCondition(voter.rules[r].when, action, text);
        }
      }
    }
  }
  std::vector<size_t> out;
  const bool allow = voter.rules[rule].effect == RuleEffect::kAllow;
  for (size_t r = 0; r < voter.rules.size() && any && out.size() < max; ++r) {
    const bool usable = allow || voter.rules[r].effect == RuleEffect::kDeny;
    if (r != rule && covers[r] && usable) out.push_back(r);
  }
  return out;
}

}  // namespace

std::vector<std::vector<size_t>> CoverProposals(const VoterConfig& voter, size_t rule,
                                                const ToolSchemas& schemas, size_t max) {
  LOGACT_ASSERT_LT(rule, voter.rules.size());
  const Condition& when = voter.rules[rule].when;
  std::vector<std::vector<size_t>> out;
  for (size_t other : Covering(voter, rule, when, schemas, max)) out.push_back({other});
  // An `any` rule may be covered disjunct by disjunct by different rules.
  if (when.kind == Condition::Kind::kAny && out.size() < max) {
    std::set<size_t> together;
    for (const Condition& child : when.children) {
      const std::vector<size_t> covering = Covering(voter, rule, child, schemas, 1);
      if (covering.empty()) return out;
      together.insert(covering[0]);
    }
    if (together.size() > 1) out.emplace_back(together.begin(), together.end());
  }
  return out;
}

}  // namespace logact::verify
