#include "cli/trace_load.h"

#include "traces/trace_reader.h"

namespace logact::cli {

Result<LoadedTrace> LoadTrace(const std::string& path) {
  LOGACT_ASSIGN_OR_RETURN(std::unique_ptr<traces::TraceReader> reader,
                          traces::TraceReader::OpenFile(path));
  LoadedTrace trace;
  Result<traces::TraceHeader> header = reader->ReadHeader();
  if (!header) {
    return reader->error() ? reader->error()->ToStatus() : header.error();
  }
  trace.header = std::move(header).value();
  traces::TraceRecord record;
  while (true) {
    Result<bool> more = reader->Next(&record);
    if (!more) return reader->error() ? reader->error()->ToStatus() : more.error();
    if (!*more) break;
    trace.records.push_back(std::move(record));
  }
  return trace;
}

}  // namespace logact::cli
