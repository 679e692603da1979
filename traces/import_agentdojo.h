// The AgentDojo importer: one run record of the AgentDojo benchmark
// (fixtures/agentdojo/runs/<pipeline>/<suite>/<task>/<attack>/<injection>.json)
// becomes one recorded trace (traces/import_run.h gives the mapping).
//
// A run record is {"suite_name","pipeline_name","user_task_id",
// "injection_task_id","attack_type","injections","messages":[...],"error",
// "duration","utility","security"}. Messages are {"role":"system"|"user"|
// "assistant"|"tool","content":...}; content is a string, null, or a list of
// blocks. An assistant message may carry "tool_calls":[{"function","args",
// "id"}]; a tool message carries "tool_call_id", "tool_call" (the call it
// answers) and "error". Only "messages" is required; the metadata is copied
// into the header's "agentdojo" object (the voter bench scores runs with it).
//
// Accepted and flagged: content given as blocks, null tool-call ids (outputs
// are then matched to calls in order), unknown tools (with schemas), empty
// tool names, arguments that are not an object, tool outputs that answer no
// call, calls without output, runs with a non-null "error".
// Bad input: a document that is not an object, "messages" missing or not a
// list, a message without a string "role", content of another JSON type.
#pragma once

#include "core/json.h"
#include "core/status.h"
#include "traces/import_run.h"

namespace logact::traces {

// The header key holding the run's metadata. Persisted: do not change.
inline constexpr char kAgentDojoHeaderKey[] = "agentdojo";

// Errors: kInvalidArgument "<json path>: <why>".
Result<ImportedRun> ImportAgentDojoRun(const Json& run, const ImportOptions& options);

}  // namespace logact::traces
