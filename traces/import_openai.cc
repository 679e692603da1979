#include "traces/import_openai.h"

#include <string>

namespace logact::traces {
namespace {

// The arguments string of a call as an object; anything else is flagged.
Json ParseArguments(const Json& arguments, std::vector<std::string>* flags) {
  if (arguments.is_object()) return arguments;  // some SDKs log them parsed
  if (arguments.is_string()) {
    std::optional<Json> parsed = ParseEmbeddedJson(arguments.get<std::string>());
    if (parsed && parsed->is_object()) return *parsed;
    if (arguments.get<std::string>().empty()) return Json::object();
  } else if (arguments.is_null()) {
    return Json::object();
  }
  flags->push_back(kFlagBadArguments);
  return Json::object();
}

Status ImportCalls(const Json& calls, const std::string& path, RunBuilder* builder) {
  for (size_t i = 0; i < calls.size(); ++i) {
    const std::string call_path = path + "[" + std::to_string(i) + "]";
    const Json& call = calls[i];
    if (!call.is_object()) return InvalidArgumentError(call_path + ": must be an object");
    const Json function = call.value("function", Json::object());
    if (!function.is_object()) {
      return InvalidArgumentError(call_path + ".function: must be an object");
    }
    std::vector<std::string> flags;
    Action action;
    const Json name = function.value("name", Json());
    if (name.is_string()) {
      action.tool = name.get<std::string>();
    } else if (!name.is_null()) {
      return InvalidArgumentError(call_path + ".function.name: must be a string");
    }
    action.args = ParseArguments(function.value("arguments", Json()), &flags);
    const Json id = call.value("id", Json());
    if (!id.is_null() && !id.is_string()) {
      return InvalidArgumentError(call_path + ".id: must be a string or null");
    }
    if (id.is_null()) flags.push_back(kFlagNullToolCallId);
    builder->ToolCall(id.is_string() ? id.get<std::string>() : "", std::move(action), call_path,
                      std::move(flags));
  }
  return Status::Ok();
}

Status ImportMessage(const Json& message, const std::string& path, bool last, RunBuilder* builder) {
  if (!message.is_object()) return InvalidArgumentError(path + ": must be an object");
  const Json role = message.value("role", Json());
  if (role.is_null()) return InvalidArgumentError(path + ".role: missing");
  if (!role.is_string()) return InvalidArgumentError(path + ".role: must be a string");
  bool blocks = false;
  LOGACT_ASSIGN_OR_RETURN(
      std::string text, ContentText(message.value("content", Json()), path + ".content", &blocks));
  if (blocks) builder->RunFlag(kFlagContentBlocks, path + ".content", "content given as parts");
  const std::string name = role.get<std::string>();
  if (name == "system" || name == "developer" || name == "user") {
    builder->Mail(0, name == "user" ? "user" : "system", text,
                  blocks ? Json::array({kFlagContentBlocks}) : Json());
  } else if (name == "assistant") {
    const Json calls = message.value("tool_calls", Json());
    if (!calls.is_null() && !calls.is_array()) {
      return InvalidArgumentError(path + ".tool_calls: must be a list or null");
    }
    Json turn = Json::object();
    turn["content"] = text;
    if (calls.is_array() && !calls.empty()) turn["tool_calls"] = calls;
    builder->ModelTurn(0, 0, CompactJson(turn), std::nullopt, std::nullopt);
    if (calls.is_array()) LOGACT_TRY(ImportCalls(calls, path + ".tool_calls", builder));
    if (last && (!calls.is_array() || calls.empty())) builder->Output(0, text);
  } else if (name == "tool") {
    const Json id = message.value("tool_call_id", Json());
    if (!id.is_null() && !id.is_string()) {
      return InvalidArgumentError(path + ".tool_call_id: must be a string or null");
    }
    const bool ok = text.rfind("Error", 0) != 0 && text.rfind("error", 0) != 0;
    builder->ToolOutput(0, id.is_string() ? id.get<std::string>() : "", ok, text, path,
                        std::nullopt);
  } else {
    builder->RunFlag(kFlagUnknownRole, path + ".role", "unknown role '" + name + "'; skipped");
  }
  return Status::Ok();
}

}  // namespace

Result<ImportedRun> ImportOpenAiMessages(const Json& document, const ImportOptions& options) {
  // Gather the messages with their JSON paths.
  std::vector<std::pair<const Json*, std::string>> messages;
  if (document.is_array()) {
    for (size_t i = 0; i < document.size(); ++i) {
      messages.emplace_back(&document[i], "[" + std::to_string(i) + "]");
    }
  } else if (document.is_object()) {
    const auto list = document.find("messages");
    if (list == document.end()) return InvalidArgumentError("messages: missing");
    if (!list->is_array()) return InvalidArgumentError("messages: must be a list");
    for (size_t i = 0; i < list->size(); ++i) {
      messages.emplace_back(&(*list)[i], "messages[" + std::to_string(i) + "]");
    }
    const auto choices = document.find("choices");
    if (choices != document.end()) {
      if (!choices->is_array() || choices->empty() || !(*choices)[0].is_object() ||
          !(*choices)[0].contains("message")) {
        return InvalidArgumentError("choices: must be a list whose first item has a message");
      }
      messages.emplace_back(&(*choices)[0]["message"], "choices[0].message");
    }
  } else {
    return InvalidArgumentError("(document): must be a list of messages or an object");
  }
  size_t last_assistant = messages.size();
  for (size_t i = 0; i < messages.size(); ++i) {
    const Json& m = *messages[i].first;
    if (m.is_object() && m.value("role", Json()) == "assistant") last_assistant = i;
  }
  RunBuilder builder("openai", options);
  if (document.is_object() && document.contains("model")) {
    builder.HeaderField("model", document["model"]);
  }
  for (size_t i = 0; i < messages.size(); ++i) {
    LOGACT_TRY(
        ImportMessage(*messages[i].first, messages[i].second, i == last_assistant, &builder));
  }
  return builder.Finish();
}

}  // namespace logact::traces
