// The OpenAI chat-completions importer: a conversation in the message format
// of the chat-completions API becomes one recorded trace (traces/import_run.h
// gives the mapping).
//
// Accepted documents: a list of messages; or an object with "messages" (a
// request body), optionally with the response's "choices":[{"message":..}]
// appended as the last turn. Messages are {"role","content",...}: "system"
// and "developer" become mail from system, "user" mail from user, "assistant"
// a model turn whose "tool_calls":[{"id","type":"function","function":
// {"name","arguments"}}] carry `arguments` as a JSON *string*, and "tool"
// ({"tool_call_id","content"}) the output of the call it names. Content is a
// string, null or a list of parts ({"type":"text","text"}).
//
// Flagged: arguments that are not a JSON object string (kept as {}), null
// call ids, unknown or empty tool names, parts content, outputs that answer
// no call, calls without output, unknown roles (skipped). A tool output is
// ok unless its content starts with "Error" or "error" (the API has no
// error field; the heuristic is written in the entry's output as is).
#pragma once

#include "core/json.h"
#include "core/status.h"
#include "traces/import_run.h"

namespace logact::traces {

// Errors: kInvalidArgument "<json path>: <why>".
Result<ImportedRun> ImportOpenAiMessages(const Json& document, const ImportOptions& options);

}  // namespace logact::traces
