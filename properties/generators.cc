// Chooser-driven generators of actions, voter and decider policies, fault
// plans and scenario cases (see properties/generators.h).
#include "properties/generators.h"

#include <algorithm>
#include <iterator>

#include "core/assert.h"
#include "models/scenario.h"

namespace logact::properties {
namespace {

const char* const kStrings[] = {"",          "a",      "alice", "bob",    "attacker",
                                "US00 1234", "/tmp/x", "x.y@z", "ünïcode"};

int64_t Last(size_t size) { return static_cast<int64_t>(size) - 1; }

template <typename T>
const T& PickFrom(const Chooser& choose, const std::vector<T>& from) {
  LOGACT_ASSERT(!from.empty());
  return from[static_cast<size_t>(choose(0, Last(from.size())))];
}

// A value of `type`, from the pool for `arg` half of the time.
Json ValueOf(const Chooser& choose, ArgType type, const std::string& arg, const ValuePool& pool) {
  const auto found = pool.by_arg.find(arg);
  if (found != pool.by_arg.end() && choose(0, 1) == 1) {
    std::vector<Json> fitting;
    std::copy_if(found->second.begin(), found->second.end(), std::back_inserter(fitting),
                 [type](const Json& value) { return HasArgType(value, type); });
    if (!fitting.empty()) return PickFrom(choose, fitting);
  }
  switch (type) {
    case ArgType::kString:
      return kStrings[choose(0, static_cast<int64_t>(std::size(kStrings)) - 1)];
    case ArgType::kInteger:
      return choose(0, 3) == 0 ? choose(-5, 5) : choose(0, 10'000);
    case ArgType::kNumber:
      return choose(0, 1) == 0 ? Json(choose(0, 10'000))
                               : Json(static_cast<double>(choose(0, 2000)) / 4);
    case ArgType::kBoolean:
      return choose(0, 1) == 1;
  }
  return nullptr;
}

// A value that is not of `type` (integers are numbers, so a number gets a string).
Json WrongValue(const Chooser& choose, ArgType type) {
  switch (type) {
    case ArgType::kString:
      return choose(0, 1) == 0 ? Json(7) : Json(true);
    case ArgType::kInteger:
      return choose(0, 2) == 0 ? Json(1.5) : choose(0, 1) == 0 ? Json("1") : Json(false);
    case ArgType::kNumber:
      return choose(0, 1) == 0 ? Json("2.5") : Json(nullptr);
    case ArgType::kBoolean:
      return choose(0, 1) == 0 ? Json(1) : Json("true");
  }
  return nullptr;
}

// Valid args of `tool`: every required argument, each optional one half of the time.
Json ValidArgs(const Chooser& choose, const ToolSchema& tool, const ValuePool& pool) {
  Json args = Json::object();
  for (const auto& [name, arg] : tool.args) {
    if (arg.optional && choose(0, 1) == 0) continue;
    args[name] = ValueOf(choose, arg.type, name, pool);
  }
  return args;
}

// The tools of `schemas` whose arguments satisfy `want`.
template <typename Predicate>
std::vector<std::string> ToolsWhere(const ToolSchemas& schemas, Predicate want) {
  std::vector<std::string> names;
  for (const auto& [name, tool] : schemas) {
    if (want(tool)) names.push_back(name);
  }
  return names;
}

std::string Quoted(const std::string& name) { return "'" + name + "'"; }

}  // namespace

std::string_view ActionKindName(ActionKind kind) {
  switch (kind) {
    case ActionKind::kValid:
      return "valid";
    case ActionKind::kWrongType:
      return "wrong_type";
    case ActionKind::kMissingRequired:
      return "missing_required";
    case ActionKind::kUnknownArgument:
      return "unknown_argument";
    case ActionKind::kUnknownTool:
      return "unknown_tool";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& out, const GeneratedAction& action) {
  return out << ActionKindName(action.kind) << " " << action.action.ToText()
             << (action.expected_error.empty() ? ""
                                               : " (expects \"" + action.expected_error + "\")");
}

void ValuePool::AddCondition(const Json& condition) {
  if (!condition.is_object()) return;
  for (const char* group : {"all", "any"}) {
    const auto it = condition.find(group);
    if (it != condition.end() && it->is_array()) {
      for (const Json& child : *it) AddCondition(child);
    }
  }
  if (const auto it = condition.find("not"); it != condition.end()) AddCondition(*it);
  const auto arg_it = condition.find("arg");
  if (arg_it == condition.end() || !arg_it->is_string()) return;
  std::vector<Json>& values = by_arg[arg_it->get<std::string>()];
  for (auto it = condition.begin(); it != condition.end(); ++it) {
    const std::string& op = it.key();
    const Json& operand = it.value();
    if (op == "eq" || op == "ne") {
      values.push_back(operand);
    } else if (op == "in" && operand.is_array()) {
      values.insert(values.end(), operand.begin(), operand.end());
    } else if ((op == "lt" || op == "le" || op == "gt" || op == "ge") && operand.is_number()) {
      values.push_back(operand);
      if (operand.is_number_integer()) {
        values.push_back(operand.get<int64_t>() - 1);
        values.push_back(operand.get<int64_t>() + 1);
      } else {
        values.push_back(operand.get<double>() - 0.5);
        values.push_back(operand.get<double>() + 0.5);
      }
    } else if (op == "prefix" && operand.is_string()) {
      values.push_back(operand.get<std::string>() + "x");
    } else if (op == "suffix" && operand.is_string()) {
      values.push_back("x" + operand.get<std::string>());
    } else if (op == "contains" && operand.is_string()) {
      values.push_back("a" + operand.get<std::string>() + "b");
    }
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

void ValuePool::AddSpec(const Json& spec_source) {
  if (!spec_source.is_object()) return;
  for (const char* list : {"forbidden", "benign"}) {
    const auto it = spec_source.find(list);
    if (it == spec_source.end() || !it->is_array()) continue;
    for (const Json& condition : *it) AddCondition(condition);
  }
}

void ValuePool::AddVoter(const Json& voter_document) {
  if (!voter_document.is_object()) return;
  const auto rules = voter_document.find("rules");
  if (rules == voter_document.end() || !rules->is_array()) return;
  for (const Json& rule : *rules) {
    if (rule.is_object() && rule.contains("when")) AddCondition(rule["when"]);
  }
}

std::optional<GeneratedAction> BuildAction(const Chooser& choose, const ToolSchemas& schemas,
                                           ActionKind kind, const ValuePool& pool) {
  GeneratedAction out;
  out.kind = kind;
  if (kind == ActionKind::kUnknownTool) {
    std::string name = "no_such_tool";
    while (schemas.contains(name)) name += "_";
    out.action = Action{name, Json::object()};
    out.expected_error = "unknown tool " + Quoted(name);
    return out;
  }
  std::vector<std::string> tools;
  if (kind == ActionKind::kMissingRequired) {
    tools = ToolsWhere(schemas, [](const ToolSchema& tool) {
      return std::any_of(tool.args.begin(), tool.args.end(),
                         [](const auto& arg) { return !arg.second.optional; });
    });
  } else if (kind == ActionKind::kWrongType) {
    tools = ToolsWhere(schemas, [](const ToolSchema& tool) { return !tool.args.empty(); });
  } else {
    tools = ToolsWhere(schemas, [](const ToolSchema&) { return true; });
  }
  if (tools.empty()) return std::nullopt;
  const std::string& name = PickFrom(choose, tools);
  const ToolSchema& tool = schemas.at(name);
  out.action = Action{name, ValidArgs(choose, tool, pool)};
  const std::string prefix = "tool " + Quoted(name) + ": ";
  if (kind == ActionKind::kMissingRequired) {
    std::vector<std::string> required;
    for (const auto& [arg, schema] : tool.args) {
      if (!schema.optional) required.push_back(arg);
    }
    const std::string& drop = PickFrom(choose, required);
    out.action.args.erase(drop);
    out.expected_error = prefix + "missing required argument " + Quoted(drop);
  } else if (kind == ActionKind::kWrongType) {
    std::vector<std::string> names;
    for (const auto& [arg, schema] : tool.args) names.push_back(arg);
    const std::string& arg = PickFrom(choose, names);
    out.action.args[arg] = WrongValue(choose, tool.args.at(arg).type);
    out.expected_error = prefix + "argument " + Quoted(arg) + ": expected " +
                         std::string(ArgTypeName(tool.args.at(arg).type));
  } else if (kind == ActionKind::kUnknownArgument) {
    std::string extra = "zz_extra";
    while (tool.args.contains(extra)) extra += "_";
    out.action.args[extra] = ValueOf(choose, ArgType::kString, extra, pool);
    out.expected_error = prefix + "unknown argument " + Quoted(extra);
  }
  return out;
}

namespace {

// An `arg` condition on `arg` of type `type`, with an operator that fits it.
Json ArgCondition(const Chooser& choose, const std::string& arg, ArgType type,
                  const ValuePool& pool) {
  const Json value = ValueOf(choose, type, arg, pool);
  const int64_t pick = choose(0, 3);
  if (pick == 0) return {{"arg", arg}, {"exists", choose(0, 1) == 1}};
  if (pick == 1) return {{"arg", arg}, {choose(0, 1) == 0 ? "eq" : "ne", value}};
  if (pick == 2) {
    return {{"arg", arg}, {"in", Json::array({value, ValueOf(choose, type, arg, pool)})}};
  }
  if (type == ArgType::kInteger || type == ArgType::kNumber) {
    static const char* kOps[] = {"lt", "le", "gt", "ge"};
    return {{"arg", arg}, {kOps[choose(0, 3)], value}};
  }
  if (type == ArgType::kString) {
    const std::string text = value.get<std::string>().substr(0, 3);
    static const char* kOps[] = {"prefix", "suffix", "contains"};
    const int64_t op = choose(0, 3);
    if (op == 3)
      return {{"arg", arg}, {"matches", "[a-z]*" + std::string(choose(0, 1) ? "" : ".*")}};
    return {{"arg", arg}, {kOps[op], text}};
  }
  return {{"arg", arg}, {"eq", value}};
}

}  // namespace

Json BuildCondition(const Chooser& choose, const ToolSchemas& schemas, const ValuePool& pool,
                    int depth_max) {
  LOGACT_ASSERT(!schemas.empty());
  const int64_t pick = choose(0, depth_max > 0 ? 7 : 4);
  std::vector<std::string> tools;
  for (const auto& [name, tool] : schemas) tools.push_back(name);
  const std::string& tool_name = PickFrom(choose, tools);
  const ToolSchema& tool = schemas.at(tool_name);
  if (pick == 0) return {{"tool", tool_name}};
  if (pick == 1) return {{"tool", {{"in", Json::array({tool_name, PickFrom(choose, tools)})}}}};
  if (pick == 2 && !tool.args.empty()) {
    std::vector<std::string> args;
    for (const auto& [name, arg] : tool.args) args.push_back(name);
    const std::string& arg = PickFrom(choose, args);
    return ArgCondition(choose, arg, tool.args.at(arg).type, pool);
  }
  if (pick <= 3) return {{"text_contains", tool_name.substr(0, 4)}};
  if (pick == 4) return {{"text_matches", tool_name.substr(0, 2) + "[a-z_]*"}};
  if (pick == 5) return {{"not", BuildCondition(choose, schemas, pool, depth_max - 1)}};
  Json children = Json::array();
  const int64_t count = choose(1, 3);
  for (int64_t i = 0; i < count; ++i) {
    children.push_back(BuildCondition(choose, schemas, pool, depth_max - 1));
  }
  return {{pick == 6 ? "all" : "any", children}};
}

Json BuildRuleVoter(const Chooser& choose, const ToolSchemas& schemas, const std::string& name,
                    const std::string& type, const ValuePool& pool) {
  Json rules = Json::array();
  const int64_t count = choose(0, 4);
  for (int64_t i = 0; i < count; ++i) {
    rules.push_back({{"id", "r" + std::to_string(i + 1)},
                     {"effect", choose(0, 1) == 0 ? "deny" : "allow"},
                     {"when", BuildCondition(choose, schemas, pool, 3)},
                     {"reason", "generated rule " + std::to_string(i + 1)}});
  }
  Json voter = {{"voter", name}, {"type", type}, {"rules", rules}};
  const int64_t default_pick = choose(0, 2);
  if (default_pick != 2) voter["default"] = default_pick == 0 ? "deny" : "allow";
  return voter;
}

namespace {

std::vector<std::string> DistinctTypes(const Chooser& choose,
                                       const std::vector<std::string>& from) {
  std::vector<std::string> types = from;
  for (size_t i = types.size(); i > 1; --i) {
    std::swap(types[i - 1], types[static_cast<size_t>(choose(0, static_cast<int64_t>(i) - 1))]);
  }
  types.resize(static_cast<size_t>(choose(1, static_cast<int64_t>(types.size()))));
  return types;
}

}  // namespace

Json BuildDeciderPolicy(const Chooser& choose, const std::vector<std::string>& types) {
  LOGACT_ASSERT(!types.empty());
  static const char* kKinds[] = {"on_by_default", "off_by_default", "first_voter",
                                 "all_of",        "any_of",         "quorum"};
  const int64_t kind = choose(0, 5);
  Json decider = {{"kind", kKinds[kind]}};
  if (kind >= 2 && !(kind == 2 && choose(0, 1) == 0)) {
    const std::vector<std::string> listed = DistinctTypes(choose, types);
    decider["types"] = listed;
    if (kind == 5) decider["k"] = choose(1, static_cast<int64_t>(listed.size()));
  }
  if (choose(0, 2) == 0) decider["timeout_ms"] = choose(1, 60'000);
  return decider;
}

MalformedDecider BuildMalformedDeciderPolicy(const Chooser& choose,
                                             const std::vector<std::string>& types) {
  LOGACT_ASSERT(!types.empty());
  const std::vector<std::string> listed = DistinctTypes(choose, types);
  const int64_t count = static_cast<int64_t>(listed.size());
  switch (choose(0, 8)) {
    case 0:
      return {{{"kind", "majority"}, {"types", listed}}, "unknown kind"};
    case 1:
      return {{{"kind", choose(0, 1) == 0 ? "all_of" : "any_of"}, {"types", Json::array()}},
              "empty types"};
    case 2: {
      std::vector<std::string> repeated = listed;
      repeated.push_back(listed.front());
      return {{{"kind", "all_of"}, {"types", repeated}}, "repeated type"};
    }
    case 3:
      return {{{"kind", "quorum"}, {"types", listed}, {"k", choose(0, 1) == 0 ? 0 : count + 1}},
              "k out of range"};
    case 4:
      return {{{"kind", "on_by_default"}, {"timeout_ms", -choose(0, 5)}}, "timeout_ms <= 0"};
    case 5:
      return {{{"kind", "off_by_default"}, {"timeout_ms", "10"}}, "timeout_ms not an integer"};
    case 6:
      return {{{"kind", choose(0, 1) == 0 ? "all_of" : "quorum"}, {"k", 1}}, "missing types"};
    case 7:
      return {Json::array({"all_of"}), "not an object"};
    default:
      return {{{"types", listed}}, "missing kind"};
  }
}

std::vector<sim::FaultKind> AllFaultKinds() {
  std::vector<sim::FaultKind> kinds;
  for (size_t i = 0; i < sim::kFaultKindCount; ++i) kinds.push_back(static_cast<sim::FaultKind>(i));
  return kinds;
}

std::string FaultPlanText(const sim::FaultPlan& plan) {
  std::string text;
  for (size_t i = 0; i < sim::kFaultKindCount; ++i) {
    const Ratio& rate = plan.rates[i];
    if (rate.IsZero()) continue;
    if (!text.empty()) text += ",";
    text += std::string(sim::FaultKindName(static_cast<sim::FaultKind>(i))) + "=" +
            std::to_string(rate.numerator) + "/" + std::to_string(rate.denominator);
  }
  if (text.empty()) return "none";
  return text + ",safety_phase_ms=" + std::to_string(plan.safety_phase_ms);
}

sim::FaultPlan BuildFaultPlan(const Chooser& choose, const std::vector<sim::FaultKind>& kinds) {
  sim::FaultPlan plan;
  for (const sim::FaultKind kind : kinds) {
    // Each kind is kept a third of the time. The chooser shrinks towards low
    // answers, so low means "dropped" and "rarest": a shrunk plan has few faults.
    if (choose(0, 2) != 2) continue;
    // Per-step kinds get an opportunity every few ms of virtual time, the
    // others once per call or append: the ranges give both a few faults per run.
    const bool per_step = kind <= sim::FaultKind::kDuplicateDecider ||
                          kind == sim::FaultKind::kPolicyChange ||
                          kind == sim::FaultKind::kClockJump;
    const uint64_t denominator =
        static_cast<uint64_t>(per_step ? 400 - choose(0, 390) : 200 - choose(0, 198));
    plan.set_rate(kind, Ratio{1, denominator});
  }
  plan.safety_phase_ms = choose(10, 120) * 1000;
  plan.source = FaultPlanText(plan);
  if (plan.IsNone()) plan.safety_phase_ms = sim::FaultPlan{}.safety_phase_ms;
  return plan;
}

sim::SimOptions ScenarioCase::ToSimOptions() const {
  sim::SimOptions options;
  options.scenario = scenario;
  options.seed = seed;
  options.faults = faults;
  return options;
}

std::string ScenarioCase::ReproCommand() const {
  std::string command = "logact sim --scenario " + scenario + " --seed " + std::to_string(seed);
  if (!faults.IsNone()) command += " --faults '" + FaultPlanText(faults) + "'";
  return command;
}

std::ostream& operator<<(std::ostream& out, const ScenarioCase& scenario_case) {
  return out << scenario_case.ReproCommand();
}

ScenarioCase BuildScenarioCase(const Chooser& choose, const std::vector<sim::FaultKind>& kinds,
                               const std::vector<std::string>& scenarios) {
  ScenarioCase out;
  if (scenarios.empty()) {
    const std::vector<models::Scenario>& all = models::AllScenarios();
    out.scenario = all[static_cast<size_t>(choose(0, Last(all.size())))].name;
  } else {
    out.scenario = PickFrom(choose, scenarios);
  }
  out.seed = static_cast<uint64_t>(choose(0, (int64_t{1} << 32) - 1));
  out.faults = BuildFaultPlan(choose, kinds);
  return out;
}

}  // namespace logact::properties
