#include "traces/import_agentdojo.h"

#include <string>

namespace logact::traces {
namespace {

std::string Path(size_t index) { return "messages[" + std::to_string(index) + "]"; }

// The "tool_call"-shaped object {"function","args","id"} as a call. Arguments
// that are not an object become {} and add a bad_arguments flag.
Result<Action> ParseCall(const Json& call, const std::string& path,
                         std::vector<std::string>* flags) {
  if (!call.is_object()) return InvalidArgumentError(path + ": must be an object");
  Action action;
  const auto function = call.find("function");
  // A missing or null name is accepted as empty (RunBuilder flags it).
  if (function != call.end() && function->is_string()) {
    action.tool = function->get<std::string>();
  } else if (function != call.end() && !function->is_null()) {
    return InvalidArgumentError(path + ".function: must be a string or null");
  }
  const auto args = call.find("args");
  if (args != call.end() && args->is_object()) {
    action.args = *args;
  } else if (args != call.end() && !args->is_null()) {
    flags->push_back(kFlagBadArguments);
  }
  return action;
}

Result<std::string> CallId(const Json& holder, const char* key, const std::string& path) {
  const auto id = holder.find(key);
  if (id == holder.end() || id->is_null()) return std::string();
  if (id->is_string()) return id->get<std::string>();
  if (id->is_number_integer()) return std::to_string(id->get<int64_t>());
  return InvalidArgumentError(path + "." + key + ": must be a string or null");
}

Status ImportAssistant(const Json& message, const std::string& path, bool last_answer,
                       RunBuilder* builder) {
  bool blocks = false;
  LOGACT_ASSIGN_OR_RETURN(
      std::string text, ContentText(message.value("content", Json()), path + ".content", &blocks));
  if (blocks) builder->RunFlag(kFlagContentBlocks, path + ".content", "content given as blocks");
  Json turn = Json::object();
  turn["content"] = text;
  const Json calls = message.value("tool_calls", Json());
  if (!calls.is_null() && !calls.is_array()) {
    return InvalidArgumentError(path + ".tool_calls: must be a list or null");
  }
  if (calls.is_array() && !calls.empty()) turn["tool_calls"] = calls;
  builder->ModelTurn(0, 0, CompactJson(turn), std::nullopt, std::nullopt);
  if (calls.is_array()) {
    for (size_t i = 0; i < calls.size(); ++i) {
      const std::string call_path = path + ".tool_calls[" + std::to_string(i) + "]";
      std::vector<std::string> flags;
      LOGACT_ASSIGN_OR_RETURN(Action action, ParseCall(calls[i], call_path, &flags));
      LOGACT_ASSIGN_OR_RETURN(std::string id, CallId(calls[i], "id", call_path));
      if (id.empty()) flags.push_back(kFlagNullToolCallId);
      builder->ToolCall(id, std::move(action), call_path, std::move(flags));
    }
  }
  if (last_answer && (!calls.is_array() || calls.empty())) builder->Output(0, text);
  return Status::Ok();
}

Status ImportTool(const Json& message, const std::string& path, RunBuilder* builder) {
  bool blocks = false;
  LOGACT_ASSIGN_OR_RETURN(
      std::string text, ContentText(message.value("content", Json()), path + ".content", &blocks));
  if (blocks) builder->RunFlag(kFlagContentBlocks, path + ".content", "content given as blocks");
  LOGACT_ASSIGN_OR_RETURN(std::string id, CallId(message, "tool_call_id", path));
  const Json error = message.value("error", Json());
  const bool ok = error.is_null();
  std::string output = text;
  if (!ok) output = error.is_string() ? error.get<std::string>() : CompactJson(error);
  std::optional<Action> call;
  const auto recorded_call = message.find("tool_call");
  if (recorded_call != message.end() && recorded_call->is_object()) {
    std::vector<std::string> ignored;
    Result<Action> parsed = ParseCall(*recorded_call, path + ".tool_call", &ignored);
    if (parsed) call = std::move(parsed).value();
  }
  builder->ToolOutput(0, id, ok, output, path, call);
  return Status::Ok();
}

// The position of the last assistant message: its text is the final answer.
size_t LastAssistant(const Json& messages) {
  size_t last = messages.size();
  for (size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].is_object() && messages[i].value("role", Json()) == "assistant") last = i;
  }
  return last;
}

void CopyMetadata(const Json& run, RunBuilder* builder) {
  Json meta = Json::object();
  for (const char* key : {"suite_name", "pipeline_name", "user_task_id", "injection_task_id",
                          "attack_type", "utility", "security", "error", "duration"}) {
    const auto it = run.find(key);
    meta[key] = it == run.end() ? Json() : *it;
  }
  builder->HeaderField(kAgentDojoHeaderKey, meta);
  const Json& error = meta["error"];
  if (!error.is_null()) {
    builder->RunFlag(kFlagRunError, "error",
                     "the run ended with an error: " +
                         (error.is_string() ? error.get<std::string>() : CompactJson(error)));
  }
}

}  // namespace

Result<ImportedRun> ImportAgentDojoRun(const Json& run, const ImportOptions& options) {
  if (!run.is_object()) return InvalidArgumentError("(document): must be a JSON object");
  const auto messages = run.find("messages");
  if (messages == run.end()) return InvalidArgumentError("messages: missing");
  if (!messages->is_array()) return InvalidArgumentError("messages: must be a list");
  ImportOptions suite_options = options;
  const Json suite = run.value("suite_name", Json());
  if (suite.is_string() && options.suites.count(suite.get<std::string>()) > 0) {
    suite_options.tools = options.suites.at(suite.get<std::string>());
  }
  RunBuilder builder("agentdojo", suite_options);
  CopyMetadata(run, &builder);
  const size_t last_assistant = LastAssistant(*messages);
  for (size_t i = 0; i < messages->size(); ++i) {
    const Json& message = (*messages)[i];
    const std::string path = Path(i);
    if (!message.is_object()) return InvalidArgumentError(path + ": must be an object");
    const auto role = message.find("role");
    if (role == message.end()) return InvalidArgumentError(path + ".role: missing");
    if (!role->is_string()) return InvalidArgumentError(path + ".role: must be a string");
    const std::string name = role->get<std::string>();
    if (name == "assistant") {
      LOGACT_TRY(ImportAssistant(message, path, i == last_assistant, &builder));
    } else if (name == "tool") {
      LOGACT_TRY(ImportTool(message, path, &builder));
    } else if (name == "user" || name == "system") {
      bool blocks = false;
      LOGACT_ASSIGN_OR_RETURN(std::string text, ContentText(message.value("content", Json()),
                                                            path + ".content", &blocks));
      if (blocks) builder.RunFlag(kFlagContentBlocks, path + ".content", "content given as blocks");
      builder.Mail(0, name, text, blocks ? Json::array({kFlagContentBlocks}) : Json());
    } else {
      builder.RunFlag(kFlagUnknownRole, path + ".role", "unknown role '" + name + "'; skipped");
    }
  }
  return builder.Finish();
}

}  // namespace logact::traces
