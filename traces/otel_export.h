// Exporting a trace as OpenTelemetry spans (OTLP JSON, GenAI semantic
// conventions), so that recorded and simulated runs open in any tracing UI.
//
// One trace id per trace; spans:
//   invoke_agent   the whole run (first to last record), the root;
//   chat           each inf_in -> the same driver's next inf_out, with
//                  gen_ai.usage.input_tokens/output_tokens, the mail so far
//                  as gen_ai.input.messages and the inf_out text as
//                  gen_ai.output.messages (so `trace import --from otel`
//                  reads the export back);
//   execute_tool   each intent -> its first result (or its decision if it
//                  was never executed), with gen_ai.tool.name,
//                  gen_ai.tool.call.id ("intent-<pos>"), .arguments, .result;
//                  status ERROR when aborted or the result is not ok;
//   apply_guardrail each vote, a child of its intent's execute_tool span
//                  (the proposed GenAI guardrail span: gen_ai.guardian.name,
//                  gen_ai.security.decision.type allow|deny,
//                  gen_ai.security.decision.reason, target type tool_call).
// LogAct-specific facts are logact.* attributes (positions, decision, voter
// type, authors). Trace ms become Unix nanoseconds from epoch 0 plus the
// header's "start_unix_ms" if any.
//
// Determinism: ids are hashes of the header and the record positions, so the
// same trace always exports to the same bytes.
#pragma once

#include <vector>

#include "core/json.h"
#include "traces/trace_record.h"

namespace logact::traces {

// The OTLP JSON document {"resourceSpans":[...]} for the trace.
Json ExportOtel(const TraceHeader& header, const std::vector<TraceRecord>& records);

}  // namespace logact::traces
