#include "properties/check_trace.h"

#include <memory>
#include <utility>
#include <variant>
#include <vector>

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

namespace {

// Every entry record of the trace at `path` with its line number (header = 1,
// one line per record, as InvariantChecker counts): REC-STATE's replay input,
// read again instead of kept in memory through the whole check.
Result<std::vector<std::pair<int64_t, Entry>>> ReadEntries(const std::string& path) {
  LOGACT_ASSIGN_OR_RETURN(std::unique_ptr<traces::TraceReader> reader,
                          traces::TraceReader::OpenFile(path));
  LOGACT_TRY(reader->ReadHeader().status());
  std::vector<std::pair<int64_t, Entry>> entries;
  traces::TraceRecord record;
  for (int64_t line = 2;; ++line) {
    LOGACT_ASSIGN_OR_RETURN(bool more, reader->Next(&record));
    if (!more) return entries;
    if (Entry* entry = std::get_if<Entry>(&record)) entries.emplace_back(line, std::move(*entry));
  }
}

}  // namespace

Result<Report> CheckTraceFile(const std::string& path, const OptionsForHeader& options_for_header,
                              traces::TraceError* error) {
  LOGACT_ASSIGN_OR_RETURN(std::unique_ptr<traces::TraceReader> reader,
                          traces::TraceReader::OpenFile(path));
  OptionsForHeader with_reload = [&](const traces::TraceHeader& header) {
    CheckOptions options = options_for_header ? options_for_header(header) : CheckOptions{};
    options.reload_entries = [path] { return ReadEntries(path); };
    return options;
  };
  return CheckTrace(*reader, with_reload, error);
}

}  // namespace logact::properties
