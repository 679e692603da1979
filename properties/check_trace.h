// Checking a recorded trace: the trace reader (traces/trace_reader.h) feeding
// the InvariantChecker (properties/checker.h), as `logact check` does.
//
// The options that need a scenario (the safety spec, the environment model)
// are chosen from the trace's header by a caller-supplied function, so this
// file does not depend on the built-in scenarios (see
// properties/scenario_options.h for the function that uses them).
//
// Thread-safety: the functions hold no shared state.
#pragma once

#include <functional>
#include <string>

#include "core/status.h"
#include "properties/checker.h"
#include "properties/report.h"
#include "traces/trace_reader.h"

namespace logact::properties {

// Chooses the check options once the header is known. An empty function
// means default options (SAFE-SPEC and ENV-CONSISTENT not applicable).
using OptionsForHeader = std::function<CheckOptions(const traces::TraceHeader&)>;

// Reads the whole trace from `reader` and checks it.
// Returns the report (whatever it says). Errors: kInvalidArgument for bad
// input, with *error (if non-null) naming the file, line and field;
// kUnavailable for an I/O error.
Result<Report> CheckTrace(traces::TraceReader& reader, const OptionsForHeader& options_for_header,
                          traces::TraceError* error);

// Opens `path` and checks it. Errors: as CheckTrace, and kNotFound if the
// file does not exist.
Result<Report> CheckTraceFile(const std::string& path, const OptionsForHeader& options_for_header,
                              traces::TraceError* error);

}  // namespace logact::properties
