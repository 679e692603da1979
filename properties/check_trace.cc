#include "properties/check_trace.h"

#include <memory>

namespace logact::properties {

Result<Report> CheckTrace(traces::TraceReader& reader, const OptionsForHeader& options_for_header,
                          traces::TraceError* error) {
  Result<traces::TraceHeader> header = reader.ReadHeader();
  if (!header.has_value()) {
    if (error != nullptr && reader.error()) *error = *reader.error();
    return header.error();
  }
  InvariantChecker checker(options_for_header ? options_for_header(*header) : CheckOptions{});
  checker.OnHeader(*header);
  traces::TraceRecord record;
  for (;;) {
    Result<bool> more = reader.Next(&record);
    if (!more.has_value()) {
      if (error != nullptr && reader.error()) *error = *reader.error();
      return more.error();
    }
    if (!*more) break;
    checker.OnRecord(record);
  }
  return checker.Finish();
}

Result<Report> CheckTraceFile(const std::string& path, const OptionsForHeader& options_for_header,
                              traces::TraceError* error) {
  LOGACT_ASSIGN_OR_RETURN(std::unique_ptr<traces::TraceReader> reader,
                          traces::TraceReader::OpenFile(path));
  return CheckTrace(*reader, options_for_header, error);
}

}  // namespace logact::properties
