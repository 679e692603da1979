// `logact trace summary`: what a trace contains and where its time went.
//
// The summary counts records by kind and entries by type, sums the tokens of
// inf_in/inf_out, counts decisions (the first commit/abort of each intent;
// timeout aborts apart) and votes, and splits time into the stages of the
// LogAct paper's overhead figure, in trace milliseconds:
//   inferring  inf_in -> the same driver's next inf_out
//   voting     intent -> the last vote before the intent's decision
//   deciding   that last vote (the intent itself if no vote came) -> decision
//   executing  the first commit -> the intent's first result
// Each stage reports count, total, mean and max. Recorded traces whose header
// says "timestamps":"absent" have all stages at zero (the summary says so).
//
// Determinism: a pure function of the trace; ordered maps only.
#pragma once

#include <string>

#include "core/json.h"
#include "core/status.h"

namespace logact::cli {

// Reads the trace at `path` and summarises it as a JSON object:
// {"file","header":{..},"records","kinds":{..},"entries":{type:n},
//  "tokens":{"in","out"},"decisions":{"commits","aborts","timeouts","undecided"},
//  "votes":{"approve","deny"},"stages":{stage:{"count","total_ms","mean_ms","max_ms"}},
//  "duration_ms"}.
// Errors: as the trace reader (kInvalidArgument naming file, line, field;
// kNotFound).
Result<Json> SummarizeTraceFile(const std::string& path);

// The summary as a human-readable table.
std::string FormatSummary(const Json& summary);

}  // namespace logact::cli
