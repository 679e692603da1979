// The text protocol between the driver and the model (persisted in inf_out).
//
// A reply is one JSON object, optionally surrounded by whitespace:
//   {"tool":"send_money","args":{...}}   an action: the driver appends an intent
//   {"final":"text"}                      the task is done: the driver appends an output
// Anything else is malformed: the driver tells the model so (a new inf_in
// starting "error:") and asks again, up to DriverOptions::inference_attempts_max.
// Field names are persisted in traces: do not change them.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "core/entry.h"
#include "core/status.h"

namespace logact {

struct FinalAnswer {
  std::string text;
};

using InferenceOutcome = std::variant<Action, FinalAnswer>;

// Errors: kInvalidArgument saying what is wrong with the reply.
Result<InferenceOutcome> ParseInferenceOutput(std::string_view text);

// The canonical reply texts (what a well-behaved model and the mock LLM write).
std::string FormatActionReply(const Action& action);
std::string FormatFinalReply(std::string_view text);

// The driver's inf_in lines (one per new input since the last inference,
// joined with "\n"). The mock LLM reads them back, so they are persisted
// protocol: do not change them.
//   mail:           "mail from <from>: <body>"
//   result:         "result of intent <p>: ok: <output>" or "... : error: <output>"
//   restart marker: "executor restarted; intent <p> may or may not have run"
//   abort:          "intent <p> was aborted: <reason>"
//   malformed reply: "error: <why>; answer with one JSON object" (first line)
std::string RenderMailLine(const MailPayload& mail);
std::string RenderResultLine(const ResultPayload& result);  // restart markers too
std::string RenderAbortLine(const DecisionPayload& abort);
std::string RenderMalformedLine(std::string_view why);

// A rough token count for a text (whitespace-separated words, at least 1),
// used for inf_in/inf_out `tokens` when the model does not report counts.
int64_t ApproximateTokens(std::string_view text);

}  // namespace logact
