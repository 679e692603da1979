#include "core/inference_format.h"

#include <array>
#include <exception>

#include "core/assert.h"
#include "core/json.h"
#include "core/limits.h"

namespace logact {
namespace {

// Parses `text` as one JSON value. nlohmann throws; the exception stops here.
Result<Json> ParseJsonText(std::string_view text) {
  if (text.size() > limits::kTraceLineBytesMax) {
    return InvalidArgumentError("reply is longer than " +
                                std::to_string(limits::kTraceLineBytesMax) + " bytes");
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("reply is not JSON: ") + e.what());
  }
}

Result<InferenceOutcome> ParseAction(const Json& object) {
  for (const auto& [key, value] : object.items()) {
    if (key != "tool" && key != "args") {
      return InvalidArgumentError("unexpected field '" + key + "' next to 'tool'");
    }
  }
  const Json& tool = object.at("tool");
  if (!tool.is_string() || tool.get<std::string>().empty()) {
    return InvalidArgumentError("'tool' must be a non-empty string");
  }
  Action action;
  action.tool = tool.get<std::string>();
  if (object.contains("args")) {
    if (!object.at("args").is_object()) return InvalidArgumentError("'args' must be an object");
    action.args = object.at("args");
  }
  return InferenceOutcome(std::move(action));
}

Result<InferenceOutcome> ParseFinal(const Json& object) {
  if (object.size() != 1) return InvalidArgumentError("'final' must be the only field");
  const Json& final_text = object.at("final");
  if (!final_text.is_string()) return InvalidArgumentError("'final' must be a string");
  return InferenceOutcome(FinalAnswer{final_text.get<std::string>()});
}

}  // namespace

Result<InferenceOutcome> ParseInferenceOutput(std::string_view text) {
  LOGACT_ASSIGN_OR_RETURN(Json json, ParseJsonText(text));
  if (!json.is_object()) return InvalidArgumentError("reply must be one JSON object");
  const bool has_tool = json.contains("tool");
  const bool has_final = json.contains("final");
  if (has_tool && has_final) return InvalidArgumentError("reply has both 'tool' and 'final'");
  if (has_tool) return ParseAction(json);
  if (has_final) return ParseFinal(json);
  return InvalidArgumentError("reply has neither 'tool' nor 'final'");
}

std::string FormatActionReply(const Action& action) { return action.ToText(); }

std::string FormatFinalReply(std::string_view text) {
  Json json = Json::object();
  json["final"] = std::string(text);
  return CompactJson(json);
}

std::string RenderMailLine(const MailPayload& mail) {
  return "mail from " + mail.from + ": " + mail.body;
}

std::string RenderResultLine(const ResultPayload& result) {
  LOGACT_ASSERT(result.restart || result.intent >= 0);
  const std::string p = std::to_string(result.intent);
  if (result.restart) return "executor restarted; intent " + p + " may or may not have run";
  return "result of intent " + p + ": " + (result.ok ? "ok: " : "error: ") + result.output;
}

std::string RenderAbortLine(const DecisionPayload& abort) {
  return "intent " + std::to_string(abort.intent) + " was aborted: " + abort.reason;
}

std::string RenderMalformedLine(std::string_view why) {
  return "error: " + std::string(why) + "; answer with one JSON object";
}

namespace {
// The whitespace that separates words: ' ', '\n', '\t', '\r', '\f', '\v'.
constexpr std::array<bool, 256> kSpaceBytes = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : {' ', '\n', '\t', '\r', '\f', '\v'}) table[c] = true;
  return table;
}();
}  // namespace

int64_t ApproximateTokens(std::string_view text) {
  // Counts the starts of words; a table and no branch, since every prompt,
  // reply and input of a run is counted (this was a hot loop).
  int64_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = kSpaceBytes[static_cast<unsigned char>(c)];
    words += static_cast<int64_t>(!space && !in_word);
    in_word = !space;
  }
  return words > 0 ? words : 1;
}

}  // namespace logact
