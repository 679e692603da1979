// The OpenTelemetry importer: GenAI spans (semantic conventions gen_ai.*) in
// OTLP JSON become one recorded trace (traces/import_run.h gives the mapping).
//
// The document is an OTLP export {"resourceSpans":[{"scopeSpans":[{"spans":
// [...]}]}]}. Spans are taken in start-time order (ties in document order);
// each span's operation is its "gen_ai.operation.name" attribute, else the
// first word of its name:
//   chat / text_completion / generate_content -> a model turn, tokens from
//       gen_ai.usage.input_tokens / output_tokens; user messages of
//       gen_ai.input.messages not seen before become mail; the text of
//       gen_ai.output.messages is the inf_out text;
//   execute_tool -> intent (gen_ai.tool.name, gen_ai.tool.call.arguments as a
//       JSON string or object, gen_ai.tool.call.id), implicit commit at the
//       span's start, result at its end (ok unless status.code is ERROR,
//       output gen_ai.tool.call.result, else status.message);
//   anything else (invoke_agent, HTTP spans...) is skipped.
// The last model turn's text, if no tool call follows it, is the output.
// Timestamps are milliseconds since the earliest span start. Spans of several
// trace ids are imported together and flagged multiple_trace_ids.
// Attribute values are OTLP AnyValue objects ({"stringValue"}, {"intValue"}
// as a string or number, {"doubleValue"}, {"boolValue"}, {"arrayValue"}).
#pragma once

#include "core/json.h"
#include "core/status.h"
#include "traces/import_run.h"

namespace logact::traces {

// Errors: kInvalidArgument "<json path>: <why>".
Result<ImportedRun> ImportOtelSpans(const Json& document, const ImportOptions& options);

// An OTLP AnyValue as plain JSON (the inverse of the exporter's encoding).
// Errors: kInvalidArgument naming `path`.
Result<Json> OtelAnyValue(const Json& value, const std::string& path);

}  // namespace logact::traces
