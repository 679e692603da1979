#include "traces/import_run.h"

#include <fstream>
#include <sstream>

#include "core/assert.h"
#include "core/inference_format.h"
#include "core/limits.h"
#include "traces/atomic_file.h"
#include "traces/import_agentdojo.h"
#include "traces/import_openai.h"
#include "traces/import_otel.h"
#include "traces/trace_format.h"
#include "traces/trace_writer.h"

namespace logact::traces {
namespace {

// Parses `text`, refusing nesting deeper than the trace reader accepts: later
// stages (dump, comparison) recurse over the value.
Result<Json> ParseBounded(const std::string& text, const std::string& file) {
  size_t depth_max = 0;
  try {
    Json document = Json::parse(text, [&depth_max](int depth, Json::parse_event_t, Json&) {
      if (static_cast<size_t>(depth) > depth_max) depth_max = static_cast<size_t>(depth);
      return true;
    });
    if (depth_max > limits::kTraceJsonDepthMax) {
      return InvalidArgumentError(file + ": JSON nested deeper than " +
                                  std::to_string(limits::kTraceJsonDepthMax) + " levels");
    }
    return document;
  } catch (const Json::exception& e) {
    const auto* parse_error = dynamic_cast<const Json::parse_error*>(&e);
    const size_t byte = parse_error != nullptr && parse_error->byte > 0 ? parse_error->byte - 1 : 0;
    const auto [line, column] = LineAndColumn(text, byte);
    std::string what = e.what();
    const size_t at = what.find("syntax error");
    if (at != std::string::npos) what = what.substr(at);
    return InvalidArgumentError(file + ": line " + std::to_string(line) + ", column " +
                                std::to_string(column) + ": not valid JSON: " + what);
  }
}

}  // namespace

Result<ImportFormat> ParseImportFormat(std::string_view name) {
  if (name == "agentdojo") return ImportFormat::kAgentDojo;
  if (name == "openai") return ImportFormat::kOpenAi;
  if (name == "otel") return ImportFormat::kOtel;
  return InvalidArgumentError("unknown import format '" + std::string(name) +
                              "' (expected agentdojo, openai or otel)");
}

std::string_view ImportFormatName(ImportFormat format) {
  switch (format) {
    case ImportFormat::kAgentDojo:
      return "agentdojo";
    case ImportFormat::kOpenAi:
      return "openai";
    case ImportFormat::kOtel:
      return "otel";
  }
  return "?";
}

Result<ImportedRun> ImportJson(ImportFormat format, const Json& document,
                               const ImportOptions& options) {
  Result<ImportedRun> run = [&]() -> Result<ImportedRun> {
    switch (format) {
      case ImportFormat::kAgentDojo:
        return ImportAgentDojoRun(document, options);
      case ImportFormat::kOpenAi:
        return ImportOpenAiMessages(document, options);
      case ImportFormat::kOtel:
        return ImportOtelSpans(document, options);
    }
    return InternalError("unknown import format");
  }();
  if (!run && !options.file.empty()) return run.error().WithContext(options.file);
  return run;
}

Result<ImportedRun> ImportFile(ImportFormat format, const std::string& path,
                               const ImportOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot open file");
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > limits::kImportFileBytesMax) {
      return ResourceExhaustedError(path + ": larger than " +
                                    std::to_string(limits::kImportFileBytesMax) + " bytes");
    }
  }
  LOGACT_ASSIGN_OR_RETURN(Json document, ParseBounded(text, path));
  ImportOptions with_file = options;
  with_file.file = path;
  return ImportJson(format, document, with_file);
}

std::optional<Json> ParseEmbeddedJson(const std::string& text) {
  bool too_deep = false;
  Json parsed = Json::parse(
      text,
      [&too_deep](int depth, Json::parse_event_t, Json&) {
        if (static_cast<size_t>(depth) > limits::kTraceJsonDepthMax) too_deep = true;
        return !too_deep;
      },
      /*allow_exceptions=*/false);
  if (too_deep || parsed.is_discarded()) return std::nullopt;
  return parsed;
}

std::string EncodeImportedRun(const ImportedRun& run) {
  std::string out;
  EncodeHeader(run.header, &out);
  for (const TraceRecord& record : run.records) EncodeRecord(record, &out);
  return out;
}

Status WriteImportedRun(const ImportedRun& run, const std::string& path) {
  return WriteFileAtomically(path, EncodeImportedRun(run));
}

Result<std::string> ContentText(const Json& content, const std::string& path, bool* blocks) {
  if (content.is_null()) return std::string();
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) {
    return InvalidArgumentError(path + ": must be a string, a list of blocks or null");
  }
  if (blocks != nullptr) *blocks = true;
  std::string text;
  for (size_t i = 0; i < content.size(); ++i) {
    const Json& block = content[i];
    std::string piece;
    if (block.is_string()) {
      piece = block.get<std::string>();
    } else if (block.is_object() && block.contains("text") && block["text"].is_string()) {
      piece = block["text"].get<std::string>();
    } else if (block.is_object() && block.contains("content") && block["content"].is_string()) {
      piece = block["content"].get<std::string>();
    } else if (block.is_object()) {
      piece = CompactJson(block);  // images, files: kept verbatim
    } else {
      return InvalidArgumentError(path + "[" + std::to_string(i) +
                                  "]: a content block must be an object or a string");
    }
    if (!text.empty()) text += "\n";
    text += piece;
  }
  return text;
}

RunBuilder::RunBuilder(std::string importer, const ImportOptions& options)
    : importer_(std::move(importer)), options_(options) {
  run_.header.source = std::string(kSourceRecorded);
  run_.header.extra = Json::object();
  run_.header.extra["importer"] = importer_;
  if (!options_.file.empty()) run_.header.extra["source_file"] = options_.file;
}

Position RunBuilder::Append(Entry entry, int64_t ts, const std::vector<std::string>& flags) {
  LOGACT_ASSERT(!finished_);
  last_ts_ = std::max(last_ts_, ts);
  entry.pos = next_pos_++;
  entry.ts = last_ts_;
  if (!flags.empty()) entry.extra = Json{{"import_flags", flags}};
  const Position pos = entry.pos;
  run_.records.emplace_back(std::move(entry));
  return pos;
}

void RunBuilder::Flag(const std::string& kind, const std::string& path, const std::string& message,
                      Position pos) {
  run_.flags.push_back(ImportFlag{kind, path, message, pos});
}

void RunBuilder::Mail(int64_t ts, const std::string& from, const std::string& body, Json flags) {
  std::vector<std::string> kinds;
  if (flags.is_array()) kinds = flags.get<std::vector<std::string>>();
  Entry mail = MakeMail("external/" + from, from, body);
  input_lines_.push_back(RenderMailLine(mail.mail()));
  Append(std::move(mail), ts, kinds);
}

void RunBuilder::ModelTurn(int64_t ts_in, int64_t ts_out, const std::string& text,
                           std::optional<int64_t> tokens_in, std::optional<int64_t> tokens_out) {
  FlushUnansweredCalls();
  std::string input;
  for (const std::string& line : input_lines_) {
    if (!input.empty()) input += "\n";
    input += line;
  }
  input_lines_.clear();
  if (!tokens_in || !tokens_out) tokens_approximate_ = true;
  const int64_t in_tokens = tokens_in.value_or(ApproximateTokens(input));
  const int64_t out_tokens = tokens_out.value_or(ApproximateTokens(text));
  Append(MakeInference(EntryType::kInfIn, kImportDriverAuthor, input, in_tokens), ts_in, {});
  Append(MakeInference(EntryType::kInfOut, kImportDriverAuthor, text, out_tokens), ts_out, {});
}

void RunBuilder::ToolCall(const std::string& id, Action action, const std::string& path,
                          std::vector<std::string> flags, std::optional<int64_t> ts) {
  if (action.tool.empty()) flags.push_back(kFlagEmptyToolName);
  if (!action.tool.empty() && options_.tools && options_.tools->count(action.tool) == 0) {
    flags.push_back(kFlagUnknownTool);
  }
  pending_.push_back(PendingCall{id, std::move(action), path, std::move(flags), ts});
}

void RunBuilder::EmitCall(int64_t ts, const PendingCall& call, bool ok, const std::string& output,
                          std::vector<std::string> result_flags) {
  const int64_t ts_call = call.ts.value_or(ts);
  const Position intent =
      Append(MakeIntent(kImportDriverAuthor, call.action, kImportDriver, 0), ts_call, call.flags);
  for (const std::string& kind : call.flags) {
    std::string message = kind == kFlagEmptyToolName ? "tool call with an empty tool name"
                          : kind == kFlagUnknownTool
                              ? "call to unknown tool '" + call.action.tool + "'"
                          : kind == kFlagNullToolCallId ? "tool call id is null"
                          : kind == kFlagBadArguments   ? "arguments are not a JSON object"
                                                        : kind;
    Flag(kind, call.path, message, intent);
  }
  Append(MakeDecision(EntryType::kCommit, kImportDeciderAuthor,
                      DecisionPayload{intent, kImportImplicitReason, false}),
         ts_call, {});
  ++run_.implicit_commits;
  if (ok) {
    // A tool that answered without error ran against the environment: that is
    // an effect, which makes EXE-* and SAFE-SPEC (check --spec) applicable.
    run_.records.emplace_back(
        EffectRecord{last_ts_, intent, kImportExecutorAuthor, call.action, {}});
    ++run_.effects;
  }
  ResultPayload result{intent, ok, output, false};
  input_lines_.push_back(RenderResultLine(result));
  Append(MakeResult(kImportExecutorAuthor, std::move(result)), ts, result_flags);
}

void RunBuilder::ToolOutput(int64_t ts, const std::string& id, bool ok, const std::string& output,
                            const std::string& path,
                            const std::optional<Action>& call_if_unmatched) {
  auto match = pending_.end();
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (id.empty() ? true : it->id == id) {
      match = it;
      break;
    }
  }
  for (auto it = pending_.begin(); match == pending_.end() && it != pending_.end(); ++it) {
    if (it->id.empty()) match = it;  // a call recorded with a null id answers any output
  }
  if (match != pending_.end()) {
    PendingCall call = std::move(*match);
    pending_.erase(match);
    std::vector<std::string> result_flags;
    if (id.empty() || call.id.empty()) result_flags.push_back(kFlagNullToolCallId);
    EmitCall(ts, call, ok, output, std::move(result_flags));
    return;
  }
  if (!call_if_unmatched) {
    Flag(kFlagUnmatchedToolResult, path, "tool output matches no tool call; dropped", -1);
    return;
  }
  PendingCall call{id, *call_if_unmatched, path, {}, std::nullopt};
  if (call.action.tool.empty()) call.flags.push_back(kFlagEmptyToolName);
  EmitCall(ts, call, ok, output, {kFlagUnmatchedToolResult});
  Flag(kFlagUnmatchedToolResult, path,
       "tool output matches no earlier tool call; its intent was rebuilt from the output",
       next_pos_ - 1);
}

void RunBuilder::FlushUnansweredCalls() {
  // A call whose output never came (the run ended or the framework dropped
  // it) still was an intent; it stays undecided, as nothing executed it.
  for (const PendingCall& call : pending_) {
    std::vector<std::string> flags = call.flags;
    flags.push_back(kFlagToolCallWithoutResult);
    const Position pos =
        Append(MakeIntent(kImportDriverAuthor, call.action, kImportDriver, 0), last_ts_, flags);
    for (const std::string& kind : flags) {
      Flag(kind, call.path,
           kind == kFlagToolCallWithoutResult ? "tool call has no tool output" : kind, pos);
    }
  }
  pending_.clear();
}

void RunBuilder::Output(int64_t ts, const std::string& text) {
  FlushUnansweredCalls();
  Append(MakeOutput(kImportDriverAuthor, text), ts, {});
}

void RunBuilder::RunFlag(const std::string& kind, const std::string& path,
                         const std::string& message) {
  Flag(kind, path, message, kNoPosition);
}

void RunBuilder::HeaderField(const std::string& key, Json value) {
  run_.header.extra[key] = std::move(value);
}

ImportedRun RunBuilder::Finish() {
  LOGACT_ASSERT(!finished_);
  FlushUnansweredCalls();
  finished_ = true;
  Json& extra = run_.header.extra;
  extra["implicit_decisions"] = run_.implicit_commits > 0;
  // Effects are inferred: one per tool output without error.
  extra["effects"] = "inferred";
  extra["tokens"] = tokens_approximate_ ? "approximate" : "recorded";
  extra["timestamps"] = timestamps_recorded_ ? "recorded" : "absent";
  std::map<std::string, int64_t> counts;
  for (const ImportFlag& flag : run_.flags) ++counts[flag.kind];
  extra["import_flags"] = counts;
  return std::move(run_);
}

}  // namespace logact::traces

namespace logact::traces {

Status ReadImportTools(const std::string& path, ImportOptions* options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot open file");
  std::ostringstream contents;
  contents << in.rdbuf();
  LOGACT_ASSIGN_OR_RETURN(Json document, ParseBounded(contents.str(), path));
  if (!document.is_object()) return InvalidArgumentError(path + ": must be a JSON object");
  // One suite's schemas: every value is a tool object with "args".
  bool single_suite = !document.empty();
  for (const auto& [name, value] : document.items()) {
    if (!value.is_object() || !value.contains("args")) single_suite = false;
  }
  if (single_suite) {
    Result<ToolSchemas> tools = ParseToolSchemas(document, "tools");
    if (!tools) return tools.error().WithContext(path);
    options->tools = std::move(tools).value();
    return Status::Ok();
  }
  for (const auto& [suite, value] : document.items()) {
    if (!value.is_object()) continue;  // "note" and other comments
    Result<ToolSchemas> tools = ParseToolSchemas(value, suite);
    if (!tools) return tools.error().WithContext(path);
    options->suites[suite] = std::move(tools).value();
  }
  return Status::Ok();
}

}  // namespace logact::traces
