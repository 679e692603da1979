// Importing recorded agent runs into the trace format (SPEC §5): the part the
// three importers (AgentDojo, OpenAI chat messages, OpenTelemetry GenAI spans)
// share.
//
// An imported run is a trace with header source "recorded". Each importer walks
// its input in order and feeds a RunBuilder, which assigns dense positions and
// maps the conversation onto bus entries:
//   user / system message   -> mail  (author external/user, external/system)
//   model turn               -> inf_in (the new inputs, in the driver's inf_in
//                               lines) then inf_out (the model's message)
//   tool call                -> intent (author driver/agent, epoch 0)
//   tool output              -> commit (decider/implicit), an effect record
//                               (only if the output is not an error: the
//                               tool ran) and the result (executor/agent)
//   final answer             -> output
// Recorded agents ran without voters, so their tool outputs belong to intents
// nobody committed; the builder adds the commit that the default policy
// (on_by_default, SPEC §2) would have made, authored `decider/implicit`, and
// marks the header "implicit_decisions": true. Parallel tool calls of one model
// turn are serialised (intent, commit, result for each call in turn), which is
// how AgentDojo and most frameworks execute them.
//
// Anything unusual that an importer accepts (a null tool-call id, an unknown
// tool, content given as blocks...) is a *flag*: kept on the entry it concerns
// as "import_flags":[kind...], counted in the header's "import_flags", and
// listed in ImportedRun::flags with its JSON path so that the command line can
// print it. Input that cannot be imported at all is an error naming the file,
// the JSON path and the field.
//
// Determinism: importing is a pure function of the input bytes and options.
// Thread-safety: none needed (values and a single-threaded builder).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/entry.h"
#include "core/json.h"
#include "core/safety_spec.h"
#include "core/status.h"
#include "traces/trace_record.h"

namespace logact::traces {

// The principals an imported trace uses. Persisted in imported traces.
inline constexpr char kImportDriver[] = "agent";
inline constexpr char kImportDriverAuthor[] = "driver/agent";
inline constexpr char kImportExecutorAuthor[] = "executor/agent";
inline constexpr char kImportDeciderAuthor[] = "decider/implicit";
inline constexpr char kImportImplicitReason[] =
    "implicit: recorded without voters (default policy on_by_default)";

// Flag kinds. Persisted in imported traces: do not change.
inline constexpr char kFlagContentBlocks[] = "content_blocks";
inline constexpr char kFlagNullToolCallId[] = "null_tool_call_id";
inline constexpr char kFlagUnknownTool[] = "unknown_tool";
inline constexpr char kFlagEmptyToolName[] = "empty_tool_name";
inline constexpr char kFlagUnmatchedToolResult[] = "unmatched_tool_result";
inline constexpr char kFlagToolCallWithoutResult[] = "tool_call_without_result";
inline constexpr char kFlagBadArguments[] = "bad_arguments";
inline constexpr char kFlagRunError[] = "run_error";
inline constexpr char kFlagUnknownRole[] = "unknown_role";
inline constexpr char kFlagMultipleTraces[] = "multiple_trace_ids";

// One accepted oddity of the input.
struct ImportFlag {
  std::string kind;            // one of the kFlag* names
  std::string path;            // JSON path in the input, e.g. "messages[3].tool_calls[0].id"
  std::string message;         // one sentence
  Position pos = kNoPosition;  // the entry it was attached to, if any
};

struct ImportOptions {
  // Tool schemas of the recorded agent (optional): a call to a tool they do
  // not list is flagged unknown_tool. Without schemas no call is flagged.
  std::optional<ToolSchemas> tools;
  // Tool schemas per AgentDojo suite (fixtures/agentdojo/tools.json): a run's
  // `suite_name` selects its schemas, overriding `tools`.
  std::map<std::string, ToolSchemas> suites;
  // The name written into the header's "source_file" and error messages.
  std::string file;
};

struct ImportedRun {
  TraceHeader header;
  std::vector<TraceRecord> records;  // entries at positions 0..n-1
  std::vector<ImportFlag> flags;
  int64_t implicit_commits = 0;
  int64_t effects = 0;
};

// The three input formats of `logact trace import --from`.
enum class ImportFormat : uint8_t { kAgentDojo, kOpenAi, kOtel };
// "agentdojo", "openai", "otel"; kInvalidArgument for anything else.
Result<ImportFormat> ParseImportFormat(std::string_view name);
std::string_view ImportFormatName(ImportFormat format);

// Reads `path` (one JSON document) and imports it. Errors: kNotFound (no
// file), kInvalidArgument "<file>: <json path>: <field>: <why>" (malformed JSON
// gives the line and column), kResourceExhausted (larger than
// limits::kImportFileBytesMax).
Result<ImportedRun> ImportFile(ImportFormat format, const std::string& path,
                               const ImportOptions& options);

// Reads tool schemas for ImportOptions: either one suite's schemas
// ({"tool":{"args":..}}) into *tools, or the AgentDojo tools.json form
// ({"suite":{"tool":..},"note":..}) into *suites. Errors name the file and path.
Status ReadImportTools(const std::string& path, ImportOptions* options);

// Imports an already parsed document (the importers' common entry point).
Result<ImportedRun> ImportJson(ImportFormat format, const Json& document,
                               const ImportOptions& options);

// The trace text (header line and one line per record) of `run`.
std::string EncodeImportedRun(const ImportedRun& run);

// Writes `run` to `path` atomically (traces/atomic_file.h).
Status WriteImportedRun(const ImportedRun& run, const std::string& path);

// The text of a message's content: a string as is; a list of blocks as the
// texts of its text blocks ("text" or "content" fields) joined by "\n" (other
// blocks as compact JSON); null as "". Sets *blocks when given a list.
// Errors: kInvalidArgument naming `path` for any other JSON type.
Result<std::string> ContentText(const Json& content, const std::string& path, bool* blocks);

// Parses JSON embedded in a string field (OpenAI `arguments`, OTel message
// attributes). Returns nullopt if it is not JSON or nests deeper than
// limits::kTraceJsonDepthMax.
std::optional<Json> ParseEmbeddedJson(const std::string& text);

// Builds the records of an imported run in order (see the file comment).
// Every method takes the timestamp (ms) of the event; timestamps are clamped
// to be non-decreasing. REQUIRES: Finish() is called once, last.
class RunBuilder {
 public:
  RunBuilder(std::string importer, const ImportOptions& options);

  void Mail(int64_t ts, const std::string& from, const std::string& body, Json flags = {});
  // A model turn: inf_in with the inputs since the last turn, inf_out `text`.
  // Token counts of nullopt are approximated (and the header says so).
  void ModelTurn(int64_t ts_in, int64_t ts_out, const std::string& text,
                 std::optional<int64_t> tokens_in, std::optional<int64_t> tokens_out);
  // A tool call awaiting its output. `id` may be empty (a null id). Flags
  // for empty and unknown tool names are added here.
  // `ts` is the call's time if recorded (else the output's time is used).
  void ToolCall(const std::string& id, Action action, const std::string& path,
                std::vector<std::string> flags, std::optional<int64_t> ts = std::nullopt);
  // The output of the pending call with `id` (or, for an empty id, of the
  // oldest pending call): emits intent, implicit commit and result.
  // `call_if_unmatched` is the call to synthesise when nothing matches
  // (flagged unmatched_tool_result); when it is null the output is dropped.
  void ToolOutput(int64_t ts, const std::string& id, bool ok, const std::string& output,
                  const std::string& path, const std::optional<Action>& call_if_unmatched);
  void Output(int64_t ts, const std::string& text);
  // Records a flag that concerns the run as a whole (no entry).
  void RunFlag(const std::string& kind, const std::string& path, const std::string& message);
  // Sets a header field (e.g. the AgentDojo metadata).
  void HeaderField(const std::string& key, Json value);
  void SetTimestampsRecorded(bool recorded) { timestamps_recorded_ = recorded; }
  bool HasPendingCalls() const { return !pending_.empty(); }

  ImportedRun Finish();

 private:
  struct PendingCall {
    std::string id;
    Action action;
    std::string path;
    std::vector<std::string> flags;
    std::optional<int64_t> ts;
  };
  Position Append(Entry entry, int64_t ts, const std::vector<std::string>& flags);
  void EmitCall(int64_t ts, const PendingCall& call, bool ok, const std::string& output,
                std::vector<std::string> result_flags);
  void FlushUnansweredCalls();
  void Flag(const std::string& kind, const std::string& path, const std::string& message,
            Position pos);

  ImportedRun run_;
  std::string importer_;
  const ImportOptions& options_;
  std::vector<PendingCall> pending_;
  std::vector<std::string> input_lines_;  // inputs since the last model turn
  int64_t last_ts_ = 0;
  Position next_pos_ = 0;  // entries only: effect records have no position
  bool tokens_approximate_ = false;
  bool timestamps_recorded_ = false;
  bool finished_ = false;
};

}  // namespace logact::traces
