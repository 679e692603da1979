// Conditions: a strict parser for the SPEC §6 forms and their evaluation.
//
// The parser accepts exactly the documented shapes, because verify/ gives
// every accepted condition one meaning in SMT; a shape guessed at here would
// be a place where the native voter and the verifier could disagree. Number
// comparisons are exact (no rounding through double), for the same reason.
#include "core/condition.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <compare>
#include <utility>

#include "core/assert.h"
#include "core/limits.h"

namespace logact {
namespace {

constexpr std::array<std::pair<ArgOp, std::string_view>, 12> kOpNames = {{
    {ArgOp::kEq, "eq"},
    {ArgOp::kNe, "ne"},
    {ArgOp::kLt, "lt"},
    {ArgOp::kLe, "le"},
    {ArgOp::kGt, "gt"},
    {ArgOp::kGe, "ge"},
    {ArgOp::kIn, "in"},
    {ArgOp::kPrefix, "prefix"},
    {ArgOp::kSuffix, "suffix"},
    {ArgOp::kContains, "contains"},
    {ArgOp::kMatches, "matches"},
    {ArgOp::kExists, "exists"},
}};

constexpr std::array<std::string_view, 7> kForms = {
    "tool", "arg", "text_contains", "text_matches", "all", "any", "not"};
constexpr std::string_view kFormList = "tool, arg, text_contains, text_matches, all, any or not";
constexpr std::string_view kOpList =
    "eq, ne, lt, le, gt, ge, in, prefix, suffix, contains, matches or exists";

bool IsScalar(const Json& json) {
  return json.is_string() || json.is_number() || json.is_boolean();
}

Result<Condition> ParseAt(const Json& json, const std::string& path, size_t depth);

// Rejects every key of `json` other than `form` (one-key forms).
Status OnlyKey(const Json& json, const std::string& form, const std::string& path) {
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (it.key() != form) {
      return InvalidArgumentError(path + "." + it.key() + ": unexpected field in a '" + form +
                                  "' condition");
    }
  }
  return Status::Ok();
}

Result<Condition> ParseTool(const Json& json, const std::string& path) {
  LOGACT_TRY(OnlyKey(json, "tool", path));
  Condition condition;
  condition.kind = Condition::Kind::kTool;
  const Json& tool = json["tool"];
  const std::string tool_path = path + ".tool";
  if (tool.is_string() && !tool.get_ref<const std::string&>().empty()) {
    condition.tools.push_back(tool.get<std::string>());
    return condition;
  }
  if (!tool.is_object() || tool.size() != 1 || !tool.contains("in")) {
    return InvalidArgumentError(tool_path + ": expected a tool name or {\"in\":[tool names...]}");
  }
  const Json& list = tool["in"];
  if (!list.is_array()) return InvalidArgumentError(tool_path + ".in: expected an array");
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string() || list[i].get_ref<const std::string&>().empty()) {
      return InvalidArgumentError(tool_path + ".in[" + std::to_string(i) +
                                  "]: expected a non-empty tool name");
    }
    condition.tools.push_back(list[i].get<std::string>());
  }
  return condition;
}

// Checks the operand of `op`; `op_path` names it in messages.
Status CheckOperand(ArgOp op, const Json& value, const std::string& op_path) {
  switch (op) {
    case ArgOp::kEq:
    case ArgOp::kNe:
      if (IsScalar(value)) return Status::Ok();
      return InvalidArgumentError(op_path + ": expected a string, number or boolean");
    case ArgOp::kLt:
    case ArgOp::kLe:
    case ArgOp::kGt:
    case ArgOp::kGe:
      if (value.is_number()) return Status::Ok();
      return InvalidArgumentError(op_path + ": expected a number");
    case ArgOp::kIn:
      if (!value.is_array()) return InvalidArgumentError(op_path + ": expected an array");
      for (size_t i = 0; i < value.size(); ++i) {
        if (!IsScalar(value[i])) {
          return InvalidArgumentError(op_path + "[" + std::to_string(i) +
                                      "]: expected a string, number or boolean");
        }
      }
      return Status::Ok();
    case ArgOp::kPrefix:
    case ArgOp::kSuffix:
    case ArgOp::kContains:
    case ArgOp::kMatches:
      if (value.is_string()) return Status::Ok();
      return InvalidArgumentError(op_path + ": expected a string");
    case ArgOp::kExists:
      if (value.is_boolean()) return Status::Ok();
      return InvalidArgumentError(op_path + ": expected true or false");
  }
  return InternalError(op_path + ": unhandled operator");
}

Status CheckArgName(const Json& name, const std::string& path) {
  if (!name.is_string() || name.get_ref<const std::string&>().empty()) {
    return InvalidArgumentError(path + ".arg: expected a non-empty argument name");
  }
  const std::string& dotted = name.get_ref<const std::string&>();
  if (dotted.front() == '.' || dotted.back() == '.' || dotted.find("..") != std::string::npos) {
    return InvalidArgumentError(path + ".arg: '" + dotted +
                                "' has an empty segment (expected names joined by single dots)");
  }
  return Status::Ok();
}

Result<Condition> ParseArg(const Json& json, const std::string& path) {
  LOGACT_TRY(CheckArgName(json["arg"], path));
  Condition condition;
  condition.kind = Condition::Kind::kArg;
  condition.arg = json["arg"].get<std::string>();
  std::string found;  // the operator already seen, for the "more than one" message
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (it.key() == "arg") continue;
    auto op = std::find_if(kOpNames.begin(), kOpNames.end(),
                           [&](const auto& entry) { return entry.second == it.key(); });
    if (op == kOpNames.end()) {
      return InvalidArgumentError(path + "." + it.key() + ": unknown operator (expected " +
                                  std::string(kOpList) + ")");
    }
    if (!found.empty()) {
      return InvalidArgumentError(path + ": more than one operator ('" + found + "' and '" +
                                  it.key() + "'); combine conditions with all/any");
    }
    found = it.key();
    LOGACT_TRY(CheckOperand(op->first, it.value(), path + "." + it.key()));
    condition.op = op->first;
    condition.value = it.value();
  }
  if (found.empty()) {
    return InvalidArgumentError(path + ": expected exactly one operator among " +
                                std::string(kOpList));
  }
  if (condition.op == ArgOp::kMatches) {
    condition.text = condition.value.get<std::string>();
    Result<std::shared_ptr<const Regex>> regex = Regex::Compile(condition.text);
    if (!regex.has_value()) return regex.error().WithContext(path + ".matches");
    condition.regex = std::move(regex).value();
  }
  return condition;
}

Result<Condition> ParseText(const Json& json, const std::string& form, const std::string& path) {
  LOGACT_TRY(OnlyKey(json, form, path));
  const Json& value = json[form];
  if (!value.is_string()) return InvalidArgumentError(path + "." + form + ": expected a string");
  Condition condition;
  condition.text = value.get<std::string>();
  if (form == "text_contains") {
    condition.kind = Condition::Kind::kTextContains;
    return condition;
  }
  condition.kind = Condition::Kind::kTextMatches;
  Result<std::shared_ptr<const Regex>> regex = Regex::Compile(condition.text);
  if (!regex.has_value()) return regex.error().WithContext(path + "." + form);
  condition.regex = std::move(regex).value();
  return condition;
}

Result<Condition> ParseCompound(const Json& json, const std::string& form, const std::string& path,
                                size_t depth) {
  LOGACT_TRY(OnlyKey(json, form, path));
  const std::string child_path = path + "." + form;
  if (depth + 1 > limits::kConditionDepthMax) {
    return InvalidArgumentError(child_path + ": conditions nested deeper than " +
                                std::to_string(limits::kConditionDepthMax) +
                                " (limits::kConditionDepthMax)");
  }
  Condition condition;
  const Json& value = json[form];
  if (form == "not") {
    condition.kind = Condition::Kind::kNot;
    LOGACT_ASSIGN_OR_RETURN(Condition child, ParseAt(value, child_path, depth + 1));
    condition.children.push_back(std::move(child));
    return condition;
  }
  condition.kind = form == "all" ? Condition::Kind::kAll : Condition::Kind::kAny;
  if (!value.is_array()) {
    return InvalidArgumentError(child_path + ": expected an array of conditions");
  }
  for (size_t i = 0; i < value.size(); ++i) {
    LOGACT_ASSIGN_OR_RETURN(
        Condition child, ParseAt(value[i], child_path + "[" + std::to_string(i) + "]", depth + 1));
    condition.children.push_back(std::move(child));
  }
  return condition;
}

Result<Condition> ParseAt(const Json& json, const std::string& path, size_t depth) {
  if (!json.is_object()) {
    return InvalidArgumentError(path + ": expected a condition object with one of " +
                                std::string(kFormList));
  }
  std::vector<std::string> forms;
  for (std::string_view form : kForms) {
    if (json.contains(form)) forms.emplace_back(form);
  }
  if (forms.empty()) {
    if (json.empty()) {
      return InvalidArgumentError(path + ": empty condition (expected one of " +
                                  std::string(kFormList) + ")");
    }
    return InvalidArgumentError(path + "." + json.begin().key() +
                                ": unknown condition field (expected one of " +
                                std::string(kFormList) + ")");
  }
  if (forms.size() > 1) {
    return InvalidArgumentError(path + ": mixes '" + forms[0] + "' and '" + forms[1] +
                                "' (one form per condition; combine them with all/any)");
  }
  const std::string& form = forms[0];
  if (form == "tool") return ParseTool(json, path);
  if (form == "arg") return ParseArg(json, path);
  if (form == "text_contains" || form == "text_matches") return ParseText(json, form, path);
  return ParseCompound(json, form, path, depth);
}

// Exact comparison of two JSON numbers (integers of either sign and doubles):
// no rounding, so 2^53+1 != 2^53 as it would be through double. Unordered
// only for a NaN, which JSON text cannot hold but a built Json can.
std::partial_ordering CompareNumbers(const Json& a, const Json& b) {
  LOGACT_ASSERT(a.is_number() && b.is_number());
  auto as_int = [](const Json& j) -> __int128 {
    return j.is_number_unsigned() ? static_cast<__int128>(j.get<uint64_t>())
                                  : static_cast<__int128>(j.get<int64_t>());
  };
  if (!a.is_number_float() && !b.is_number_float()) return as_int(a) <=> as_int(b);
  if (a.is_number_float() && b.is_number_float()) return a.get<double>() <=> b.get<double>();
  const bool a_is_int = !a.is_number_float();
  const __int128 i = as_int(a_is_int ? a : b);
  const double d = (a_is_int ? b : a).get<double>();
  std::partial_ordering order = std::partial_ordering::unordered;  // i compared with d
  // |i| < 2^64, so a double beyond 1e30 is ordered by its sign alone;
  // otherwise its integer part is exact in __int128.
  if (std::isnan(d)) {
    return std::partial_ordering::unordered;
  } else if (d >= 1e30) {
    order = std::partial_ordering::less;
  } else if (d <= -1e30) {
    order = std::partial_ordering::greater;
  } else {
    const double whole = std::trunc(d);
    const __int128 t = static_cast<__int128>(whole);
    order = i != t ? (i <=> t) : (whole <=> d);
  }
  return a_is_int ? order : 0 <=> order;
}

// Type-aware equality: numbers by value (1 == 1.0), booleans only with
// booleans (true != 1), strings bytewise, other values structurally.
bool JsonEqual(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return CompareNumbers(a, b) == 0;
  if (a.is_number() || b.is_number()) return false;
  return a == b;
}

bool EvaluateArg(const Condition& condition, const Json* value) {
  if (condition.op == ArgOp::kExists) return (value != nullptr) == condition.value.get<bool>();
  if (value == nullptr) return false;
  const Json& operand = condition.value;
  switch (condition.op) {
    case ArgOp::kEq:
      return JsonEqual(*value, operand);
    case ArgOp::kNe:
      return !JsonEqual(*value, operand);
    case ArgOp::kLt:
      return value->is_number() && CompareNumbers(*value, operand) < 0;
    case ArgOp::kLe:
      return value->is_number() && CompareNumbers(*value, operand) <= 0;
    case ArgOp::kGt:
      return value->is_number() && CompareNumbers(*value, operand) > 0;
    case ArgOp::kGe:
      return value->is_number() && CompareNumbers(*value, operand) >= 0;
    case ArgOp::kIn:
      return std::any_of(operand.begin(), operand.end(),
                         [&](const Json& item) { return JsonEqual(*value, item); });
    default:
      break;
  }
  if (!value->is_string()) return false;
  const std::string& text = value->get_ref<const std::string&>();
  const std::string& needle = operand.get_ref<const std::string&>();
  switch (condition.op) {
    case ArgOp::kPrefix:
      return text.starts_with(needle);
    case ArgOp::kSuffix:
      return text.ends_with(needle);
    case ArgOp::kContains:
      return text.find(needle) != std::string::npos;
    case ArgOp::kMatches:
      LOGACT_ASSERT(condition.regex != nullptr);
      return condition.regex->FullMatch(text);
    default:
      LOGACT_ASSERT(false && "operator handled above");
      return false;
  }
}

}  // namespace

std::string_view ArgOpName(ArgOp op) {
  for (const auto& [value, name] : kOpNames) {
    if (value == op) return name;
  }
  return "unknown";
}

Result<Condition> ParseCondition(const Json& json, const std::string& path) {
  return ParseAt(json, path, 0);
}

const Json* LookupArg(const Json& args, const std::string& dotted_name) {
  const Json* current = &args;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted_name.find('.', start);
    const std::string key = dotted_name.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!current->is_object()) return nullptr;
    auto it = current->find(key);
    if (it == current->end()) return nullptr;
    current = &*it;
    if (dot == std::string::npos) return current;
    start = dot + 1;
  }
}

bool EvaluateCondition(const Condition& condition, const Action& action,
                       const std::string& action_text) {
  switch (condition.kind) {
    case Condition::Kind::kTool:
      return std::find(condition.tools.begin(), condition.tools.end(), action.tool) !=
             condition.tools.end();
    case Condition::Kind::kArg:
      return EvaluateArg(condition, LookupArg(action.args, condition.arg));
    case Condition::Kind::kTextContains:
      return action_text.find(condition.text) != std::string::npos;
    case Condition::Kind::kTextMatches:
      LOGACT_ASSERT(condition.regex != nullptr);
      return condition.regex->PartialMatch(action_text);
    case Condition::Kind::kAll:
      return std::all_of(
          condition.children.begin(), condition.children.end(),
          [&](const Condition& c) { return EvaluateCondition(c, action, action_text); });
    case Condition::Kind::kAny:
      return std::any_of(
          condition.children.begin(), condition.children.end(),
          [&](const Condition& c) { return EvaluateCondition(c, action, action_text); });
    case Condition::Kind::kNot:
      LOGACT_ASSERT_EQ(condition.children.size(), 1u);
      return !EvaluateCondition(condition.children[0], action, action_text);
  }
  return false;
}

Status ForEachNamingLeaf(const Condition& condition, const Json& json, const std::string& path,
                         const ConditionLeafCheck& check) {
  switch (condition.kind) {
    case Condition::Kind::kTool:
    case Condition::Kind::kArg:
      return check(condition, json, path);
    case Condition::Kind::kTextContains:
    case Condition::Kind::kTextMatches:
      return Status::Ok();
    case Condition::Kind::kNot:
      LOGACT_ASSERT_EQ(condition.children.size(), 1u);
      return ForEachNamingLeaf(condition.children[0], json["not"], path + ".not", check);
    case Condition::Kind::kAll:
    case Condition::Kind::kAny: {
      const std::string form = condition.kind == Condition::Kind::kAll ? "all" : "any";
      const Json& items = json[form];
      LOGACT_ASSERT_EQ(items.size(), condition.children.size());
      for (size_t i = 0; i < condition.children.size(); ++i) {
        LOGACT_TRY(ForEachNamingLeaf(condition.children[i], items[i],
                                     path + "." + form + "[" + std::to_string(i) + "]", check));
      }
      return Status::Ok();
    }
  }
  return InternalError(path + ": unhandled condition kind");
}

}  // namespace logact
