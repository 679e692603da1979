// Helpers shared by the libFuzzer targets of fuzz/ (issue 6, item 6).
//
// Each target feeds arbitrary bytes to one parser of untrusted input and
// checks what must hold for every input: no crash, no sanitizer report, no
// leak, no hang, and (where the target says so) a round-trip property; a
// violated property calls FuzzFail, which aborts so libFuzzer saves the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/limits.h"

namespace logact::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Parses JSON the way the CLI's file readers do: no exceptions, and nothing
// nested deeper than the trace reader accepts (later stages recurse).
inline std::optional<Json> ParseBoundedJson(std::string_view text) {
  bool too_deep = false;
  Json parsed = Json::parse(
      text,
      [&too_deep](int depth, Json::parse_event_t, Json&) {
        if (static_cast<size_t>(depth) > limits::kTraceJsonDepthMax) too_deep = true;
        return true;
      },
      /*allow_exceptions=*/false);
  if (too_deep || parsed.is_discarded()) return std::nullopt;
  return parsed;
}

[[noreturn]] inline void FuzzFail(const std::string& what) {
  std::fprintf(stderr, "fuzz property violated: %s\n", what.c_str());
  std::abort();
}

}  // namespace logact::fuzz
