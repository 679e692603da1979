// Tool schemas and safety specs (SPEC §6): which actions exist, which are
// forbidden, which are benign.
//
// A schema maps each tool to its arguments with types string, integer,
// number, boolean, a trailing '?' marking an optional one (the format of one
// suite in fixtures/agentdojo/tools.json; extra keys such as "writes" are kept).
// The actions considered are exactly those the schemas allow.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/condition.h"
#include "core/entry.h"
#include "core/json.h"
#include "core/status.h"

namespace logact {

enum class ArgType : uint8_t { kString, kInteger, kNumber, kBoolean };
std::string_view ArgTypeName(ArgType type);
// True if `value` is of `type` (integers are numbers; booleans are not).
bool HasArgType(const Json& value, ArgType type);

struct ArgSchema {
  ArgType type = ArgType::kString;
  bool optional = false;
};

struct ToolSchema {
  std::map<std::string, ArgSchema> args;  // sorted: deterministic iteration
  bool writes = true;       // changes the environment
  bool idempotent = false;  // accepts an idempotency key
};

using ToolSchemas = std::map<std::string, ToolSchema>;

// Parses {"tool":{"args":{name:type},...},...}. Errors name the path.
Result<ToolSchemas> ParseToolSchemas(const Json& json, const std::string& path);

// OK if `action` is allowed by `schemas` (known tool, required args present,
// no unknown args, values of the declared types; an integer is a number).
// Errors: kInvalidArgument saying which argument is wrong.
Status ValidateAction(const ToolSchemas& schemas, const Action& action);

struct SafetySpec {
  ToolSchemas tools;
  std::vector<Condition> forbidden;
  std::vector<Condition> benign;
  Json source;
};

// Parses {"tools":..,"forbidden":[..],"benign":[..]}. Conditions are checked
// against the schemas: an `arg` on no tool's argument or a `tool` naming an
// unknown tool is bad input.
Result<SafetySpec> ParseSafetySpec(const Json& json);

// True if some forbidden condition matches the action.
bool IsForbidden(const SafetySpec& spec, const Action& action);

}  // namespace logact
