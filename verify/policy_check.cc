// Name and type checks of conditions against tool schemas. The JSON is walked
// alongside the parsed tree so that messages carry the parser's paths.
#include "verify/policy_check.h"

#include <set>

#include "core/assert.h"

namespace logact::verify {
namespace {

// The schema types an argument name has across all tools.
std::set<ArgType> TypesOf(const ToolSchemas& schemas, const std::string& arg) {
  std::set<ArgType> types;
  for (const auto& [name, tool] : schemas) {
    auto it = tool.args.find(arg);
    if (it != tool.args.end()) types.insert(it->second.type);
  }
  return types;
}

bool IsNumeric(ArgType type) { return type == ArgType::kInteger || type == ArgType::kNumber; }

// Whether a value of JSON type `operand`'s can ever equal an argument of `type`.
bool OperandFits(const Json& operand, ArgType type) {
  if (operand.is_string()) return type == ArgType::kString;
  if (operand.is_boolean()) return type == ArgType::kBoolean;
  if (operand.is_number()) return IsNumeric(type);
  return false;
}

bool AnyFits(const Json& operand, const std::set<ArgType>& types) {
  for (ArgType type : types) {
    if (OperandFits(operand, type)) return true;
  }
  return false;
}

std::string TypeList(const std::set<ArgType>& types) {
  std::string out;
  for (ArgType type : types) {
    if (!out.empty()) out += " or ";
    out += ArgTypeName(type);
  }
  return out;
}

Status CheckArg(const Condition& condition, const ToolSchemas& schemas, const std::string& path) {
  const std::set<ArgType> types = TypesOf(schemas, condition.arg);
  if (types.empty()) {
    if (condition.arg.find('.') != std::string::npos) {
      return InvalidArgumentError(path + ".arg: '" + condition.arg +
                                  "' is a dotted name, which reaches a nested object, but no "
                                  "schema argument is an object (expected an argument name of "
                                  "a tool in tools)");
    }
    return InvalidArgumentError(path + ".arg: unknown argument '" + condition.arg +
                                "' (expected an argument name of a tool in tools)");
  }
  const std::string op_path = path + "." + std::string(ArgOpName(condition.op));
  const std::string has = "argument '" + condition.arg + "' is " + TypeList(types);
  switch (condition.op) {
    case ArgOp::kExists:
      return Status::Ok();
    case ArgOp::kLt:
    case ArgOp::kLe:
    case ArgOp::kGt:
    case ArgOp::kGe:
      if (types.contains(ArgType::kInteger) || types.contains(ArgType::kNumber)) {
        return Status::Ok();
      }
      return InvalidArgumentError(op_path + ": " + has + ", but this comparison expects an " +
                                  "integer or number argument");
    case ArgOp::kPrefix:
    case ArgOp::kSuffix:
    case ArgOp::kContains:
    case ArgOp::kMatches:
      if (types.contains(ArgType::kString)) return Status::Ok();
      return InvalidArgumentError(op_path + ": " + has + ", but this operator expects a string " +
                                  "argument");
    case ArgOp::kEq:
    case ArgOp::kNe:
      if (AnyFits(condition.value, types)) return Status::Ok();
      return InvalidArgumentError(op_path + ": " + has + ", but the operand " +
                                  CompactJson(condition.value) + " can never equal it (expected " +
                                  "a value of the argument's type)");
    case ArgOp::kIn:
      for (size_t i = 0; i < condition.value.size(); ++i) {
        if (AnyFits(condition.value[i], types)) continue;
        return InvalidArgumentError(op_path + "[" + std::to_string(i) + "]: " + has + ", but " +
                                    CompactJson(condition.value[i]) +
                                    " can never equal it (expected a value of the argument's "
                                    "type)");
      }
      return Status::Ok();
  }
  return InternalError(op_path + ": unhandled operator");
}

}  // namespace

Status CheckConditionAgainstSchemas(const Condition& condition, const Json& json,
                                    const ToolSchemas& schemas, const std::string& path) {
  return ForEachNamingLeaf(
      condition, json, path,
      [&schemas](const Condition& leaf, const Json& leaf_json, const std::string& leaf_path) {
        if (leaf.kind == Condition::Kind::kArg) return CheckArg(leaf, schemas, leaf_path);
        const bool single =
            leaf_json.is_object() && leaf_json.contains("tool") && leaf_json["tool"].is_string();
        for (size_t i = 0; i < leaf.tools.size(); ++i) {
          if (schemas.contains(leaf.tools[i])) continue;
          const std::string where =
              single ? leaf_path + ".tool" : leaf_path + ".tool.in[" + std::to_string(i) + "]";
          return InvalidArgumentError(where + ": unknown tool '" + leaf.tools[i] +
                                      "' (expected a tool of the spec's tools)");
        }
        return Status::Ok();
      });
}

Status CheckVoterSetAgainstSchemas(const VoterSet& set, const ToolSchemas& schemas) {
  for (size_t v = 0; v < set.voters.size(); ++v) {
    const VoterConfig& voter = set.voters[v];
    if (!voter.is_rule_voter) continue;
    const Json& rules = voter.source["rules"];
    LOGACT_ASSERT_EQ(rules.size(), voter.rules.size());
    for (size_t r = 0; r < voter.rules.size(); ++r) {
      const std::string path =
          "voters[" + std::to_string(v) + "].rules[" + std::to_string(r) + "].when";
      LOGACT_TRY(
          CheckConditionAgainstSchemas(voter.rules[r].when, rules[r]["when"], schemas, path));
    }
  }
  return Status::Ok();
}

Status CheckSpecTypes(const SafetySpec& spec) {
  for (const char* key : {"forbidden", "benign"}) {
    const std::vector<Condition>& list =
        std::string(key) == "forbidden" ? spec.forbidden : spec.benign;
    for (size_t i = 0; i < list.size(); ++i) {
      LOGACT_TRY(CheckConditionAgainstSchemas(list[i], spec.source[key][i], spec.tools,
                                              std::string(key) + "[" + std::to_string(i) + "]"));
    }
  }
  return Status::Ok();
}

}  // namespace logact::verify
