// Reading JSON documents given on the command line (specs, policies).
#pragma once

#include <string>

#include "core/json.h"
#include "core/status.h"

namespace logact::cli {

// Reads and parses `path`. Errors: kNotFound (no such file), kInvalidArgument
// "<path>: line L, column C: <what the parser expected>" for malformed JSON.
Result<Json> ReadJsonFile(const std::string& path);

}  // namespace logact::cli

#include "core/safety_spec.h"

namespace logact::cli {
// Reads a safety spec (SPEC §6) from `path`. Errors name the file and the JSON path.
Result<SafetySpec> ReadSafetySpecFile(const std::string& path);
}  // namespace logact::cli
