#include "traces/otel_export.h"

#include <algorithm>
#include <map>

#include "traces/import_run.h"
#include "traces/trace_writer.h"

namespace logact::traces {
namespace {

uint64_t Fnv1a(std::string_view text, uint64_t seed) {
  uint64_t hash = 14695981039346656037ull ^ seed;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string Hex(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[static_cast<size_t>(i)] = kDigits[value & 15];
  return out;
}

// OTLP AnyValue encodings (64-bit integers as strings, per the protobuf JSON mapping).
Json Attr(const std::string& key, const Json& value) {
  Json any;
  if (value.is_boolean()) {
    any = {{"boolValue", value}};
  } else if (value.is_number_integer()) {
    any = {{"intValue", std::to_string(value.get<int64_t>())}};
  } else if (value.is_number()) {
    any = {{"doubleValue", value}};
  } else if (value.is_string()) {
    any = {{"stringValue", value}};
  } else {
    any = {{"stringValue", CompactJson(value)}};
  }
  return {{"key", key}, {"value", any}};
}

class SpanBuilder {
 public:
  SpanBuilder(const TraceHeader& header) {
    std::string text;
    EncodeHeader(header, &text);
    trace_id_ = Hex(Fnv1a(text, 1)) + Hex(Fnv1a(text, 2));
    start_ns_ =
        header.extra.is_object() && header.extra.value("start_unix_ms", Json()).is_number_integer()
            ? header.extra["start_unix_ms"].get<int64_t>() * 1'000'000
            : 0;
  }
  std::string SpanId(const std::string& what) const { return Hex(Fnv1a(trace_id_ + what, 3)); }

  Json Span(const std::string& id, const std::string& parent, const std::string& name,
            int64_t begin_ms, int64_t end_ms, Json attributes, std::optional<std::string> error) {
    Json span = {
        {"traceId", trace_id_},
        {"spanId", id},
        {"name", name},
        {"kind", 1},  // SPAN_KIND_INTERNAL
        {"startTimeUnixNano", std::to_string(start_ns_ + begin_ms * 1'000'000)},
        {"endTimeUnixNano", std::to_string(start_ns_ + std::max(begin_ms, end_ms) * 1'000'000)},
        {"attributes", std::move(attributes)}};
    if (!parent.empty()) span["parentSpanId"] = parent;
    span["status"] = error ? Json{{"code", 2}, {"message", *error}} : Json{{"code", 1}};
    return span;
  }

 private:
  std::string trace_id_;
  int64_t start_ns_ = 0;
};

struct IntentInfo {
  const Entry* intent = nullptr;
  const Entry* decision = nullptr;
  const Entry* result = nullptr;
  std::vector<const Entry*> votes;
};

// GenAI messages of one role each: {"role","parts":[{"type":"text","content"}]}.
Json TextMessages(const std::vector<std::pair<std::string, std::string>>& messages) {
  Json out = Json::array();
  for (const auto& [role, text] : messages) {
    out.push_back(
        {{"role", role}, {"parts", Json::array({{{"type", "text"}, {"content", text}}})}});
  }
  return out;
}

void ExportTool(SpanBuilder& spans, const std::string& root, const IntentInfo& info, Json* out) {
  const Entry& intent = *info.intent;
  const std::string call_id = "intent-" + std::to_string(intent.pos);
  const std::string id = spans.SpanId(call_id);
  int64_t end_ms = intent.ts;
  std::optional<std::string> error;
  std::string decision = "none";
  if (info.decision != nullptr) {
    end_ms = info.decision->ts;
    decision = info.decision->type == EntryType::kCommit ? "commit"
               : info.decision->decision().timeout       ? "timeout"
                                                         : "abort";
    if (decision != "commit")
      error = "intent " + decision + "ed: " + info.decision->decision().reason;
  }
  Json attrs = Json::array(
      {Attr("gen_ai.operation.name", "execute_tool"),
       Attr("gen_ai.tool.name", intent.intent().action.tool), Attr("gen_ai.tool.call.id", call_id),
       Attr("gen_ai.tool.call.arguments", CompactJson(intent.intent().action.args)),
       Attr("logact.intent.pos", intent.pos), Attr("logact.driver", intent.author),
       Attr("logact.decision", decision)});
  if (info.result != nullptr) {
    end_ms = info.result->ts;
    attrs.push_back(Attr("gen_ai.tool.call.result", info.result->result().output));
    attrs.push_back(Attr("logact.result.pos", info.result->pos));
    if (!info.result->result().ok && !error) error = info.result->result().output;
  }
  out->push_back(spans.Span(id, root, "execute_tool " + intent.intent().action.tool, intent.ts,
                            end_ms, std::move(attrs), error));
  for (const Entry* vote : info.votes) {
    const VotePayload& v = vote->vote();
    Json vattrs = Json::array(
        {Attr("gen_ai.operation.name", "apply_guardrail"), Attr("gen_ai.guardian.name", v.voter),
         Attr("gen_ai.guardian.id", vote->author), Attr("gen_ai.security.target.type", "tool_call"),
         Attr("gen_ai.security.target.id", call_id),
         Attr("gen_ai.security.decision.type", v.approve ? "allow" : "deny"),
         Attr("gen_ai.security.decision.reason", v.reason), Attr("logact.voter_type", v.voter_type),
         Attr("logact.vote.pos", vote->pos)});
    out->push_back(spans.Span(spans.SpanId("vote-" + std::to_string(vote->pos)), id,
                              "apply_guardrail " + v.voter, intent.ts, vote->ts, std::move(vattrs),
                              std::nullopt));
  }
}

// First pass: what happened to each intent (its decision, result and votes).
std::map<Position, IntentInfo> CollectIntents(const std::vector<TraceRecord>& records) {
  std::map<Position, IntentInfo> intents;
  for (const TraceRecord& record : records) {
    const Entry* entry = std::get_if<Entry>(&record);
    if (entry == nullptr) continue;
    if (entry->type == EntryType::kIntent) {
      intents[entry->pos].intent = entry;
      continue;
    }
    Position target = kNoPosition;
    if (entry->type == EntryType::kVote) target = entry->vote().intent;
    if (entry->type == EntryType::kCommit || entry->type == EntryType::kAbort) {
      target = entry->decision().intent;
    }
    if (entry->type == EntryType::kResult) target = entry->result().intent;
    auto it = intents.find(target);
    if (it == intents.end()) continue;
    IntentInfo& info = it->second;
    if (entry->type == EntryType::kVote) {
      info.votes.push_back(entry);
    } else if (entry->type == EntryType::kResult) {
      if (info.result == nullptr && !entry->result().restart) info.result = entry;
    } else if (info.decision == nullptr) {
      info.decision = entry;
    }
  }
  return intents;
}

// The output messages of a chat span: the final answer if the turn ended the
// task (so an importer finds it), the inf_out text verbatim if it already is
// GenAI messages (an imported OTel trace), else the text as one message.
std::string OutputMessages(const Entry& out, const std::optional<std::string>& answer) {
  if (answer) return CompactJson(TextMessages({{"assistant", *answer}}));
  std::optional<Json> parsed = ParseEmbeddedJson(out.inference().text);
  if (parsed && parsed->is_array()) return out.inference().text;
  return CompactJson(TextMessages({{"assistant", out.inference().text}}));
}

Json ChatSpan(SpanBuilder& spans, const std::string& root, const Entry& in, const Entry& out,
              const std::vector<std::pair<std::string, std::string>>& mail,
              const std::optional<std::string>& answer) {
  Json attrs = Json::array({Attr("gen_ai.operation.name", "chat"),
                            Attr("gen_ai.usage.input_tokens", in.inference().tokens),
                            Attr("gen_ai.usage.output_tokens", out.inference().tokens),
                            Attr("gen_ai.input.messages", CompactJson(TextMessages(mail))),
                            Attr("gen_ai.output.messages", OutputMessages(out, answer)),
                            Attr("logact.inf_in.pos", in.pos), Attr("logact.inf_out.pos", out.pos),
                            Attr("logact.inf_in.text", in.inference().text),
                            Attr("logact.inf_out.text", out.inference().text)});
  return spans.Span(spans.SpanId("chat-" + std::to_string(out.pos)), root, "chat", in.ts, out.ts,
                    std::move(attrs), std::nullopt);
}

// The output text if the next driver step after records[i] is an output.
std::optional<std::string> AnswerAfter(const std::vector<TraceRecord>& records, size_t i) {
  for (size_t j = i + 1; j < records.size(); ++j) {
    const Entry* entry = std::get_if<Entry>(&records[j]);
    if (entry == nullptr) continue;
    if (entry->type == EntryType::kOutput) return entry->output().text;
    if (entry->type == EntryType::kIntent || entry->type == EntryType::kInfIn) break;
  }
  return std::nullopt;
}

}  // namespace

Json ExportOtel(const TraceHeader& header, const std::vector<TraceRecord>& records) {
  SpanBuilder spans(header);
  const std::string root = spans.SpanId("root");
  const std::map<Position, IntentInfo> intents = CollectIntents(records);
  // Second pass: spans in record order, so that a reader sorting by start
  // time with ties in document order sees the run's order.
  Json out = Json::array();
  std::map<std::string, const Entry*> open_inference;
  std::vector<std::pair<std::string, std::string>> mail;  // (role, text)
  std::string driver;
  int64_t first_ms = 0, last_ms = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const int64_t ts = std::visit([](const auto& r) { return r.ts; }, records[i]);
    first_ms = i == 0 ? ts : std::min(first_ms, ts);
    last_ms = i == 0 ? ts : std::max(last_ms, ts);
    const Entry* entry = std::get_if<Entry>(&records[i]);
    if (entry == nullptr) continue;
    if (entry->type == EntryType::kMail) {
      mail.emplace_back(entry->mail().from == "system" ? "system" : "user", entry->mail().body);
    }
    if (entry->type == EntryType::kInfIn) open_inference[entry->author] = entry;
    if (entry->type == EntryType::kInfOut) {
      auto open = open_inference.find(entry->author);
      if (open == open_inference.end()) continue;
      out.push_back(ChatSpan(spans, root, *open->second, *entry, mail, AnswerAfter(records, i)));
      open_inference.erase(open);
    }
    if (entry->type == EntryType::kIntent) {
      if (driver.empty()) driver = entry->intent().driver;
      ExportTool(spans, root, intents.at(entry->pos), &out);
    }
  }
  Json root_attrs = Json::array({Attr("gen_ai.operation.name", "invoke_agent"),
                                 Attr("gen_ai.agent.name", driver.empty() ? "agent" : driver),
                                 Attr("logact.source", header.source)});
  if (header.scenario) root_attrs.push_back(Attr("logact.scenario", *header.scenario));
  if (header.seed) root_attrs.push_back(Attr("logact.seed", std::to_string(*header.seed)));
  out.insert(out.begin(), spans.Span(root, "", "invoke_agent", first_ms, last_ms,
                                     std::move(root_attrs), std::nullopt));
  Json resource = {{"attributes", Json::array({Attr("service.name", "logact-sim")})}};
  Json scope = {{"scope", {{"name", "logact-sim"}}}, {"spans", std::move(out)}};
  return {{"resourceSpans",
           Json::array({{{"resource", resource}, {"scopeSpans", Json::array({scope})}}})}};
}

}  // namespace logact::traces
