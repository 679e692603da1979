// Fuzz target: the trace reader and the native checker on arbitrary bytes.
// Property: reading never crashes; bad input is a kInvalidArgument naming a
// line within the input; a trace the reader accepts is checked without crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "properties/check_trace.h"
#include "properties/scenario_options.h"
#include "traces/trace_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace logact;
  const std::string text(fuzz::AsText(data, size));
  auto reader = traces::TraceReader::FromString(text, "fuzz.jsonl");
  traces::TraceError error;
  Result<properties::Report> report =
      properties::CheckTrace(*reader, properties::BuiltinScenarioOptions(nullptr), &error);
  if (!report.has_value()) {
    if (report.error().code() != StatusCode::kInvalidArgument) {
      fuzz::FuzzFail("unexpected status " + report.error().ToString());
    }
    if (error.line < 1) fuzz::FuzzFail("bad input without a line: " + report.error().ToString());
  }
  return 0;
}
