// Fuzz target for one importer (traces/import_run.h), chosen at compile time
// by LOGACT_FUZZ_IMPORT_FORMAT ("agentdojo", "openai" or "otel"): arbitrary
// JSON imported, then the written trace read back.
// Properties: no crash; an import either fails with kInvalidArgument or
// yields a trace that the trace reader accepts as valid input (what
// `logact trace import` writes, `logact check` must be able to read).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "traces/import_run.h"
#include "traces/trace_reader.h"

namespace {
class NullSink : public logact::traces::TraceSink {
 public:
  void OnHeader(const logact::traces::TraceHeader&) override {}
  void OnRecord(const logact::traces::TraceRecord&) override {}
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace logact;
  static const traces::ImportFormat kFormat =
      traces::ParseImportFormat(LOGACT_FUZZ_IMPORT_FORMAT).value();
  std::optional<Json> json = fuzz::ParseBoundedJson(fuzz::AsText(data, size));
  if (!json) return 0;
  traces::ImportOptions options;
  options.file = "fuzz.json";
  Result<traces::ImportedRun> run = traces::ImportJson(kFormat, *json, options);
  if (!run.has_value()) {
    if (run.error().code() != StatusCode::kInvalidArgument &&
        run.error().code() != StatusCode::kResourceExhausted) {
      fuzz::FuzzFail("unexpected status " + run.error().ToString());
    }
    return 0;
  }
  const std::string text = traces::EncodeImportedRun(*run);
  auto reader = traces::TraceReader::FromString(text, "imported.jsonl");
  traces::TraceError error;
  NullSink sink;
  Status read = traces::ReadTraceInto(*reader, &sink, &error);
  if (!read.ok()) fuzz::FuzzFail("imported trace is not readable: " + read.ToString());
  return 0;
}
