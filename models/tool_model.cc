#include "models/tool_model.h"

#include <limits>
#include <utility>

#include "core/assert.h"
#include "core/safety_spec.h"

namespace logact::models {
namespace {

// The cost of a call to a tool the model does not have: the tool runtime
// rejects it before doing any work.
constexpr int64_t kUnknownToolCostMs = 1;

}  // namespace

Result<ToolOutcome> ToolModel::Execute(const ToolCall& call) {
  LOGACT_ASSERT(call.action != nullptr);
  const Action& action = *call.action;
  auto schema = schemas().find(action.tool);
  const int64_t cost_ms = schema == schemas().end() ? kUnknownToolCostMs : CostMs(action.tool);
  LOGACT_ASSERT_GT(cost_ms, int64_t{0});

  if (Status valid = ValidateAction(schemas(), action); !valid.ok()) {
    ToolOutcome outcome = Failed(valid.message());
    outcome.duration_ms = cost_ms;
    return outcome;
  }
  LOGACT_ASSERT(schema != schemas().end());
  const bool keyed = schema->second.idempotent && !call.idempotency_key.empty();
  if (keyed) {
    auto earlier = outcomes_by_key_.find(call.idempotency_key);
    if (earlier != outcomes_by_key_.end()) {
      // Not applied again: the caller sees exactly what the first call returned.
      return earlier->second;
    }
  }
  ToolOutcome outcome = Apply(action);
  outcome.duration_ms = cost_ms;
  // Only applied calls are remembered: a failed call changed nothing, so
  // retrying it under the same key is safe and may succeed.
  if (keyed && outcome.ok) outcomes_by_key_.emplace(call.idempotency_key, outcome);
  return outcome;
}

ToolOutcome ToolModel::Succeeded(const Json& result) {
  ToolOutcome outcome;
  outcome.ok = true;
  outcome.output = CompactJson(result);
  return outcome;
}

namespace {

// The CompactJson of {field: message}. A message of printable ASCII without
// '"' or '\\' needs no escaping and is written directly (failed calls and
// payments are common in long runs); anything else goes through the JSON writer.
std::string OneFieldObject(std::string_view field, const std::string& message) {
  if (IsPlainJsonString(message)) {
    std::string text;
    text.reserve(field.size() + message.size() + 7);
    text.append("{\"").append(field).append("\":\"").append(message).append("\"}");
    return text;
  }
  return CompactJson(Json{{std::string(field), message}});
}

}  // namespace

ToolOutcome ToolModel::SucceededMessage(const std::string& message) {
  ToolOutcome outcome;
  outcome.ok = true;
  outcome.output = OneFieldObject("message", message);
  return outcome;
}

ToolOutcome ToolModel::Failed(const std::string& message) {
  ToolOutcome outcome;
  outcome.ok = false;
  outcome.output = OneFieldObject("error", message);
  return outcome;
}

ToolSchemas ParseEmbeddedSchemas(std::string_view json_text) {
  Json json = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  LOGACT_ASSERT(json.is_object());
  Result<ToolSchemas> schemas = ParseToolSchemas(json, "tools");
  if (!schemas.has_value()) AssertFail(__FILE__, __LINE__, schemas.error().ToString());
  return std::move(schemas).value();
}

std::optional<std::string> StringArg(const Json& args, const std::string& name) {
  auto it = args.find(name);
  if (it == args.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

const std::string* StringArgRef(const Json& args, const std::string& name) {
  auto it = args.find(name);
  if (it == args.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

std::optional<double> NumberArg(const Json& args, const std::string& name) {
  auto it = args.find(name);
  if (it == args.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<int64_t> IntegerArg(const Json& args, const std::string& name) {
  auto it = args.find(name);
  if (it == args.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    const uint64_t value = it->get<uint64_t>();
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(value);
  }
  if (!it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

std::optional<bool> BooleanArg(const Json& args, const std::string& name) {
  auto it = args.find(name);
  if (it == args.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

}  // namespace logact::models
