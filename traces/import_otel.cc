#include "traces/import_otel.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace logact::traces {
namespace {

struct Span {
  std::string path;
  std::string trace_id;
  std::string operation;
  uint64_t start_ns = 0;
  uint64_t end_ns = 0;
  bool error = false;
  std::string status_message;
  std::map<std::string, Json> attributes;
  size_t order = 0;  // document order, breaks start-time ties

  const Json* Attribute(const std::string& key) const {
    const auto it = attributes.find(key);
    return it == attributes.end() ? nullptr : &it->second;
  }
  std::string StringAttribute(const std::string& key) const {
    const Json* value = Attribute(key);
    if (value == nullptr || value->is_null()) return "";
    return value->is_string() ? value->get<std::string>() : CompactJson(*value);
  }
  std::optional<int64_t> IntAttribute(const std::string& key) const {
    const Json* value = Attribute(key);
    if (value == nullptr || !value->is_number_integer()) return std::nullopt;
    return value->get<int64_t>();
  }
};

// OTLP JSON writes 64-bit integers as strings (protobuf JSON mapping) but
// producers also write numbers.
Result<uint64_t> ParseNanos(const Json& value, const std::string& path) {
  if (value.is_null()) return uint64_t{0};
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer() && value.get<int64_t>() >= 0) {
    return static_cast<uint64_t>(value.get<int64_t>());
  }
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (!text.empty() && text.size() <= 20 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      try {
        return static_cast<uint64_t>(std::stoull(text));
      } catch (const std::exception&) {
        // out of range: reported below
      }
    }
  }
  return InvalidArgumentError(path + ": must be a non-negative integer (nanoseconds)");
}

bool IsModelOperation(const std::string& op) {
  return op == "chat" || op == "text_completion" || op == "generate_content";
}

Result<Span> ParseSpan(const Json& json, const std::string& path, size_t order) {
  if (!json.is_object()) return InvalidArgumentError(path + ": must be an object");
  Span span;
  span.path = path;
  span.order = order;
  const Json trace_id = json.value("traceId", Json(""));
  span.trace_id = trace_id.is_string() ? trace_id.get<std::string>() : CompactJson(trace_id);
  LOGACT_ASSIGN_OR_RETURN(span.start_ns, ParseNanos(json.value("startTimeUnixNano", Json()),
                                                    path + ".startTimeUnixNano"));
  LOGACT_ASSIGN_OR_RETURN(
      span.end_ns, ParseNanos(json.value("endTimeUnixNano", Json()), path + ".endTimeUnixNano"));
  span.end_ns = std::max(span.end_ns, span.start_ns);
  const Json attributes = json.value("attributes", Json::array());
  if (!attributes.is_array()) return InvalidArgumentError(path + ".attributes: must be a list");
  for (size_t i = 0; i < attributes.size(); ++i) {
    const std::string attribute_path = path + ".attributes[" + std::to_string(i) + "]";
    const Json& attribute = attributes[i];
    if (!attribute.is_object() || !attribute.contains("key") || !attribute["key"].is_string()) {
      return InvalidArgumentError(attribute_path + ".key: missing or not a string");
    }
    LOGACT_ASSIGN_OR_RETURN(
        Json value, OtelAnyValue(attribute.value("value", Json()), attribute_path + ".value"));
    span.attributes[attribute["key"].get<std::string>()] = std::move(value);
  }
  const Json status = json.value("status", Json::object());
  if (status.is_object()) {
    const Json code = status.value("code", Json());
    span.error = code == 2 || code == "STATUS_CODE_ERROR" || code == "2";
    const Json message = status.value("message", Json());
    if (message.is_string()) span.status_message = message.get<std::string>();
  }
  span.operation = span.StringAttribute("gen_ai.operation.name");
  if (span.operation.empty()) {
    const Json name = json.value("name", Json(""));
    const std::string text = name.is_string() ? name.get<std::string>() : "";
    span.operation = text.substr(0, text.find(' '));
  }
  return span;
}

Result<std::vector<Span>> CollectSpans(const Json& document) {
  if (!document.is_object()) return InvalidArgumentError("(document): must be a JSON object");
  const auto resources = document.find("resourceSpans");
  if (resources == document.end()) return InvalidArgumentError("resourceSpans: missing");
  if (!resources->is_array()) return InvalidArgumentError("resourceSpans: must be a list");
  std::vector<Span> spans;
  for (size_t r = 0; r < resources->size(); ++r) {
    const std::string rpath = "resourceSpans[" + std::to_string(r) + "]";
    const Json& resource = (*resources)[r];
    if (!resource.is_object()) return InvalidArgumentError(rpath + ": must be an object");
    const Json scopes = resource.value("scopeSpans", Json::array());
    if (!scopes.is_array()) return InvalidArgumentError(rpath + ".scopeSpans: must be a list");
    for (size_t s = 0; s < scopes.size(); ++s) {
      const std::string spath = rpath + ".scopeSpans[" + std::to_string(s) + "]";
      if (!scopes[s].is_object()) return InvalidArgumentError(spath + ": must be an object");
      const Json list = scopes[s].value("spans", Json::array());
      if (!list.is_array()) return InvalidArgumentError(spath + ".spans: must be a list");
      for (size_t i = 0; i < list.size(); ++i) {
        LOGACT_ASSIGN_OR_RETURN(
            Span span,
            ParseSpan(list[i], spath + ".spans[" + std::to_string(i) + "]", spans.size()));
        spans.push_back(std::move(span));
      }
    }
  }
  std::stable_sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.start_ns != b.start_ns ? a.start_ns < b.start_ns : a.order < b.order;
  });
  return spans;
}

// The text parts of one GenAI message ({"role","parts":[..]} or {"role","content"}).
std::string MessageText(const Json& message) {
  if (!message.is_object()) return "";
  std::string text;
  const Json parts = message.value("parts", Json());
  if (parts.is_array()) {
    for (const Json& part : parts) {
      if (!part.is_object() || part.value("type", Json()) != "text") continue;
      const Json content = part.value("content", Json());
      if (!content.is_string()) continue;
      if (!text.empty()) text += "\n";
      text += content.get<std::string>();
    }
    return text;
  }
  const Json content = message.value("content", Json());
  if (content.is_string()) return content.get<std::string>();
  Result<std::string> joined = ContentText(content, "", nullptr);
  return joined ? *joined : "";
}

// The messages of a gen_ai.*.messages attribute (a JSON string or a list).
Json Messages(const Span& span, const std::string& key) {
  const Json* value = span.Attribute(key);
  if (value == nullptr) return Json::array();
  if (value->is_array()) return *value;
  if (value->is_string()) {
    std::optional<Json> parsed = ParseEmbeddedJson(value->get<std::string>());
    if (parsed && parsed->is_array()) return *parsed;
  }
  return Json::array();
}

}  // namespace

Result<Json> OtelAnyValue(const Json& value, const std::string& path) {
  if (value.is_null()) return Json();
  if (!value.is_object()) return InvalidArgumentError(path + ": must be an AnyValue object");
  if (value.empty()) return Json();
  if (value.contains("stringValue")) return value["stringValue"];
  if (value.contains("boolValue")) return value["boolValue"];
  if (value.contains("doubleValue")) return value["doubleValue"];
  if (value.contains("intValue")) {
    const Json& number = value["intValue"];
    if (number.is_number_integer()) return number;
    if (number.is_string()) {
      try {
        size_t used = 0;
        const int64_t parsed = std::stoll(number.get<std::string>(), &used);
        if (used == number.get<std::string>().size()) return Json(parsed);
      } catch (const std::exception&) {
        // reported below
      }
    }
    return InvalidArgumentError(path + ".intValue: must be an integer");
  }
  if (value.contains("arrayValue")) {
    const Json values = value["arrayValue"].value("values", Json::array());
    if (!values.is_array()) return InvalidArgumentError(path + ".arrayValue.values: not a list");
    Json out = Json::array();
    for (size_t i = 0; i < values.size(); ++i) {
      LOGACT_ASSIGN_OR_RETURN(Json item, OtelAnyValue(values[i], path + ".arrayValue.values[" +
                                                                     std::to_string(i) + "]"));
      out.push_back(std::move(item));
    }
    return out;
  }
  if (value.contains("kvlistValue") || value.contains("bytesValue")) {
    return Json(CompactJson(value));  // kept verbatim; no GenAI attribute uses them
  }
  return InvalidArgumentError(path + ": unknown AnyValue kind");
}

namespace {

void ImportModelSpan(const Span& span, uint64_t origin_ns, size_t* users_seen, bool final_turn,
                     RunBuilder* builder) {
  const int64_t ts_in = static_cast<int64_t>((span.start_ns - origin_ns) / 1'000'000);
  const int64_t ts_out = static_cast<int64_t>((span.end_ns - origin_ns) / 1'000'000);
  const Json inputs = Messages(span, "gen_ai.input.messages");
  size_t users = 0;
  for (const Json& message : inputs) {
    if (!message.is_object() || message.value("role", Json()) != "user") continue;
    if (++users > *users_seen) builder->Mail(ts_in, "user", MessageText(message));
  }
  *users_seen = std::max(*users_seen, users);
  // A LogAct export keeps the original inf_out text; prefer it.
  std::string text = span.StringAttribute("logact.inf_out.text");
  if (text.empty()) text = span.StringAttribute("gen_ai.output.messages");
  if (text.empty()) text = span.StringAttribute("gen_ai.completion");
  builder->ModelTurn(ts_in, ts_out, text, span.IntAttribute("gen_ai.usage.input_tokens"),
                     span.IntAttribute("gen_ai.usage.output_tokens"));
  if (!final_turn) return;
  std::string answer;
  for (const Json& message : Messages(span, "gen_ai.output.messages")) {
    const std::string piece = MessageText(message);
    if (piece.empty()) continue;
    if (!answer.empty()) answer += "\n";
    answer += piece;
  }
  builder->Output(ts_out, answer);
}

void ImportToolSpan(const Span& span, uint64_t origin_ns, RunBuilder* builder) {
  const int64_t ts_start = static_cast<int64_t>((span.start_ns - origin_ns) / 1'000'000);
  const int64_t ts_end = static_cast<int64_t>((span.end_ns - origin_ns) / 1'000'000);
  std::vector<std::string> flags;
  Action action;
  action.tool = span.StringAttribute("gen_ai.tool.name");
  const Json* arguments = span.Attribute("gen_ai.tool.call.arguments");
  if (arguments != nullptr && arguments->is_object()) {
    action.args = *arguments;
  } else if (arguments != nullptr && arguments->is_string()) {
    std::optional<Json> parsed = ParseEmbeddedJson(arguments->get<std::string>());
    if (parsed && parsed->is_object()) {
      action.args = *parsed;
    } else {
      flags.push_back(kFlagBadArguments);
    }
  } else if (arguments != nullptr && !arguments->is_null()) {
    flags.push_back(kFlagBadArguments);
  }
  std::string id = span.StringAttribute("gen_ai.tool.call.id");
  if (id.empty()) id = span.path;  // unique, so the output below answers this call
  builder->ToolCall(id, action, span.path, std::move(flags), ts_start);
  std::string output = span.StringAttribute("gen_ai.tool.call.result");
  if (output.empty() && span.error) output = span.status_message;
  if (output.empty() && span.error) output = span.StringAttribute("error.type");
  builder->ToolOutput(ts_end, id, !span.error, output, span.path, std::nullopt);
}

}  // namespace

Result<ImportedRun> ImportOtelSpans(const Json& document, const ImportOptions& options) {
  LOGACT_ASSIGN_OR_RETURN(std::vector<Span> spans, CollectSpans(document));
  RunBuilder builder("otel", options);
  builder.SetTimestampsRecorded(true);
  const uint64_t origin_ns = spans.empty() ? 0 : spans.front().start_ns;
  std::set<std::string> trace_ids;
  size_t last_model = spans.size();
  size_t last_tool = spans.size();
  for (size_t i = 0; i < spans.size(); ++i) {
    trace_ids.insert(spans[i].trace_id);
    if (IsModelOperation(spans[i].operation)) last_model = i;
    if (spans[i].operation == "execute_tool") last_tool = i;
  }
  if (trace_ids.size() > 1) {
    builder.RunFlag(kFlagMultipleTraces, "resourceSpans",
                    std::to_string(trace_ids.size()) + " trace ids imported as one run");
  }
  const bool has_final =
      last_model < spans.size() && (last_tool == spans.size() || last_tool < last_model);
  size_t users_seen = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    if (IsModelOperation(spans[i].operation)) {
      ImportModelSpan(spans[i], origin_ns, &users_seen, has_final && i == last_model, &builder);
    } else if (spans[i].operation == "execute_tool") {
      ImportToolSpan(spans[i], origin_ns, &builder);
    }
  }
  return builder.Finish();
}

}  // namespace logact::traces
