// Tool schemas and safety specs: strict parsing, action validation, and a
// check that every condition of a spec names tools and arguments that exist.
//
// The name check matters because a condition on a misspelled argument is
// simply never true: a "forbidden" rule with a typo would forbid nothing and
// the verifier would report the spec as safe.
#include "core/safety_spec.h"

#include <array>
#include <utility>

#include "core/assert.h"

namespace logact {
namespace {

constexpr std::array<std::pair<ArgType, std::string_view>, 4> kTypeNames = {{
    {ArgType::kString, "string"},
    {ArgType::kInteger, "integer"},
    {ArgType::kNumber, "number"},
    {ArgType::kBoolean, "boolean"},
}};

Result<ArgSchema> ParseArgSchema(const Json& json, const std::string& path) {
  const std::string expected =
      ": expected one of string, integer, number, boolean (a trailing '?' marks an optional "
      "argument), got ";
  if (!json.is_string()) return InvalidArgumentError(path + expected + CompactJson(json));
  std::string_view name = json.get_ref<const std::string&>();
  ArgSchema schema;
  if (name.ends_with('?')) {
    schema.optional = true;
    name.remove_suffix(1);
  }
  for (const auto& [type, type_name] : kTypeNames) {
    if (type_name == name) {
      schema.type = type;
      return schema;
    }
  }
  return InvalidArgumentError(path + expected + CompactJson(json));
}

Status ParseOptionalBool(const Json& json, const std::string& key, const std::string& path,
                         bool* out) {
  auto it = json.find(key);
  if (it == json.end()) return Status::Ok();
  if (!it->is_boolean()) return InvalidArgumentError(path + "." + key + ": expected true or false");
  *out = it->get<bool>();
  return Status::Ok();
}

Result<ToolSchema> ParseToolSchema(const Json& json, const std::string& path) {
  if (!json.is_object()) return InvalidArgumentError(path + ": expected an object {\"args\":{..}}");
  for (auto it = json.begin(); it != json.end(); ++it) {
    const std::string& key = it.key();
    if (key != "args" && key != "writes" && key != "idempotent" && key != "description") {
      return InvalidArgumentError(path + "." + key +
                                  ": unexpected field (expected args, writes, idempotent, "
                                  "description)");
    }
  }
  auto args = json.find("args");
  if (args == json.end()) return InvalidArgumentError(path + ".args: missing");
  if (!args->is_object()) {
    return InvalidArgumentError(path + ".args: expected an object {name: type}");
  }
  ToolSchema schema;
  for (auto it = args->begin(); it != args->end(); ++it) {
    const std::string arg_path = path + ".args." + it.key();
    // Dots would make an argument name ambiguous with a dotted path into a
    // nested object (SPEC §6), so schema names never contain one.
    if (it.key().empty() || it.key().find('.') != std::string::npos) {
      return InvalidArgumentError(arg_path + ": argument names must be non-empty without '.'");
    }
    LOGACT_ASSIGN_OR_RETURN(schema.args[it.key()], ParseArgSchema(it.value(), arg_path));
  }
  LOGACT_TRY(ParseOptionalBool(json, "writes", path, &schema.writes));
  LOGACT_TRY(ParseOptionalBool(json, "idempotent", path, &schema.idempotent));
  auto description = json.find("description");
  if (description != json.end() && !description->is_string()) {
    return InvalidArgumentError(path + ".description: expected a string");
  }
  return schema;
}

}  // namespace

bool HasArgType(const Json& value, ArgType type) {
  switch (type) {
    case ArgType::kString:
      return value.is_string();
    case ArgType::kInteger:
      return value.is_number_integer();
    case ArgType::kNumber:
      return value.is_number();  // integers included; booleans are not numbers
    case ArgType::kBoolean:
      return value.is_boolean();
  }
  return false;
}

namespace {

bool AnyToolHasArg(const ToolSchemas& schemas, const std::string& arg) {
  for (const auto& [name, tool] : schemas) {
    if (tool.args.contains(arg)) return true;
  }
  return false;
}

// Checks that one tool or arg condition, parsed from `json` at `path`, names
// only known tools and arguments, with the same paths as ParseCondition's messages.
Status CheckNamesOfLeaf(const Condition& leaf, const Json& json, const ToolSchemas& schemas,
                        const std::string& path) {
  if (leaf.kind == Condition::Kind::kArg) {
    if (AnyToolHasArg(schemas, leaf.arg)) return Status::Ok();
    return InvalidArgumentError(path + ".arg: unknown argument '" + leaf.arg +
                                "' (no tool in tools has it)");
  }
  const bool single = json["tool"].is_string();
  for (size_t i = 0; i < leaf.tools.size(); ++i) {
    if (schemas.contains(leaf.tools[i])) continue;
    const std::string where =
        single ? path + ".tool" : path + ".tool.in[" + std::to_string(i) + "]";
    return InvalidArgumentError(where + ": unknown tool '" + leaf.tools[i] + "' (not in tools)");
  }
  return Status::Ok();
}

Result<std::vector<Condition>> ParseConditionList(const Json& json, const std::string& key,
                                                  const ToolSchemas& schemas) {
  std::vector<Condition> conditions;
  auto it = json.find(key);
  if (it == json.end()) return conditions;
  if (!it->is_array()) return InvalidArgumentError(key + ": expected an array of conditions");
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string path = key + "[" + std::to_string(i) + "]";
    LOGACT_ASSIGN_OR_RETURN(Condition condition, ParseCondition((*it)[i], path));
    LOGACT_TRY(ForEachNamingLeaf(
        condition, (*it)[i], path,
        [&schemas](const Condition& leaf, const Json& leaf_json, const std::string& leaf_path) {
          return CheckNamesOfLeaf(leaf, leaf_json, schemas, leaf_path);
        }));
    conditions.push_back(std::move(condition));
  }
  return conditions;
}

}  // namespace

std::string_view ArgTypeName(ArgType type) {
  for (const auto& [value, name] : kTypeNames) {
    if (value == type) return name;
  }
  return "unknown";
}

Result<ToolSchemas> ParseToolSchemas(const Json& json, const std::string& path) {
  if (!json.is_object()) {
    return InvalidArgumentError(path + ": expected an object {tool: {\"args\":{..}}}");
  }
  ToolSchemas schemas;
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (it.key().empty()) return InvalidArgumentError(path + ": a tool name is empty");
    LOGACT_ASSIGN_OR_RETURN(schemas[it.key()], ParseToolSchema(it.value(), path + "." + it.key()));
  }
  return schemas;
}

Status ValidateAction(const ToolSchemas& schemas, const Action& action) {
  auto tool = schemas.find(action.tool);
  if (tool == schemas.end()) return InvalidArgumentError("unknown tool '" + action.tool + "'");
  // Built only for an error: every tool call of a run is validated.
  auto prefix = [&action] { return "tool '" + action.tool + "': "; };
  if (!action.args.is_object()) return InvalidArgumentError(prefix() + "args must be an object");
  for (auto it = action.args.begin(); it != action.args.end(); ++it) {
    auto arg = tool->second.args.find(it.key());
    if (arg == tool->second.args.end()) {
      return InvalidArgumentError(prefix() + "unknown argument '" + it.key() + "'");
    }
    if (!HasArgType(it.value(), arg->second.type)) {
      return InvalidArgumentError(prefix() + "argument '" + it.key() + "': expected " +
                                  std::string(ArgTypeName(arg->second.type)) + ", got " +
                                  CompactJson(it.value()));
    }
  }
  for (const auto& [name, arg] : tool->second.args) {
    if (!arg.optional && !action.args.contains(name)) {
      return InvalidArgumentError(prefix() + "missing required argument '" + name + "'");
    }
  }
  return Status::Ok();
}

Result<SafetySpec> ParseSafetySpec(const Json& json) {
  if (!json.is_object()) {
    return InvalidArgumentError(
        "safety spec: expected an object {\"tools\":..,\"forbidden\":[..],\"benign\":[..]}");
  }
  for (auto it = json.begin(); it != json.end(); ++it) {
    const std::string& key = it.key();
    if (key != "tools" && key != "forbidden" && key != "benign" && key != "description") {
      return InvalidArgumentError(key +
                                  ": unexpected field in a safety spec (expected tools, "
                                  "forbidden, benign, description)");
    }
  }
  auto tools = json.find("tools");
  if (tools == json.end()) return InvalidArgumentError("tools: missing");
  SafetySpec spec;
  LOGACT_ASSIGN_OR_RETURN(spec.tools, ParseToolSchemas(*tools, "tools"));
  LOGACT_ASSIGN_OR_RETURN(spec.forbidden, ParseConditionList(json, "forbidden", spec.tools));
  LOGACT_ASSIGN_OR_RETURN(spec.benign, ParseConditionList(json, "benign", spec.tools));
  spec.source = json;
  return spec;
}

bool IsForbidden(const SafetySpec& spec, const Action& action) {
  const std::string text = action.ToText();
  for (const Condition& condition : spec.forbidden) {
    if (EvaluateCondition(condition, action, text)) return true;
  }
  return false;
}

}  // namespace logact
