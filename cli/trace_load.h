// Loading a whole trace file into memory, for the `trace` commands that need
// random access (summary, export). Traces from the simulator can be large;
// `check` streams instead.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "traces/trace_record.h"

namespace logact::cli {

struct LoadedTrace {
  traces::TraceHeader header;
  std::vector<traces::TraceRecord> records;
};

// Errors: kNotFound (no file), kInvalidArgument "<file>: line <N>: field
// '<f>': <why>" for bad input (SPEC §5), kUnavailable (I/O).
Result<LoadedTrace> LoadTrace(const std::string& path);

}  // namespace logact::cli
