// Reading traces (SPEC §5, docs/trace_format.md): a streaming reader that
// returns the header, then one record at a time with its 1-based line number
// (the header is line 1). It never loads the whole file: memory is bounded by
// the longest line (at most limits::kTraceLineBytesMax).
//
// Bad input (SPEC §5) is a line that is not one JSON object, a missing or
// wrong header, an unknown record kind or entry type, a missing or ill-typed
// required field, or a malformed decider policy. It is reported as
// kInvalidArgument whose message names the file, the line and the field, and
// also as a TraceError value so that `logact check --json` can print
// {"ok":false,"error":{"line":N,"field":"...","message":"..."}}. The reader
// never crashes and never throws on any input, including truncated lines,
// empty files, invalid UTF-8 and deeply nested JSON. Trailing blank lines are
// allowed; a blank line followed by more records is bad input. Reading stops
// at the first bad line.
//
// Thread-safety: a TraceReader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "traces/trace_record.h"

namespace logact::traces {

// Where and why a trace is bad input.
struct TraceError {
  std::string file;     // the path given to OpenFile, or the name given to FromString
  int64_t line = 0;     // 1-based; the header is line 1
  std::string field;    // the field at fault, or "(json)", "(header)", "(line)"
  std::string message;  // what was expected, one sentence
  // kInvalidArgument "<file>: line <N>: field '<field>': <message>".
  Status ToStatus() const;
  // {"file":..,"line":N,"field":"..","message":".."}
  Json ToJson() const;
  friend bool operator==(const TraceError&, const TraceError&) = default;
};

class TraceReader {
 public:
  // Opens `path` for streaming. Errors: kNotFound (no such file),
  // kUnavailable (any other failure to open).
  static Result<std::unique_ptr<TraceReader>> OpenFile(const std::string& path);
  // Reads a trace held in memory; `name` stands for the file in errors.
  static std::unique_ptr<TraceReader> FromString(std::string text, std::string name = "<memory>");

  ~TraceReader();
  TraceReader(const TraceReader&) = delete;
  TraceReader& operator=(const TraceReader&) = delete;

  // Reads and validates line 1. Errors: kInvalidArgument (error() is set),
  // kUnavailable (I/O error). REQUIRES: called once, before Next (asserted).
  Result<TraceHeader> ReadHeader();

  // Reads the next record into *record. Returns true if one was read, false at
  // the end of the trace. Errors: kInvalidArgument (error() is set; every later
  // call returns the same error), kUnavailable (I/O error).
  // REQUIRES: ReadHeader() succeeded (asserted).
  Result<bool> Next(TraceRecord* record);

  // The 1-based line number of the header or record returned last.
  int64_t line() const { return line_; }
  // The bad-input error, once one was returned.
  const std::optional<TraceError>& error() const { return error_; }
  const std::string& name() const { return name_; }

 private:
  TraceReader(std::string name, std::FILE* file, std::string text);
  // Points *line at the next line (without '\n'); false at end of input.
  Result<bool> NextLine(std::string_view* line);
  Status Refill();
  Status Fail(std::string field, std::string message);

  std::string name_;
  std::FILE* file_ = nullptr;  // null when reading from memory
  std::string buffer_;         // [begin_, end_) holds unread bytes
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  int64_t line_ = 0;           // lines consumed so far
  int64_t pending_blank_ = 0;  // first blank line not yet followed by a record (0: none)
  bool header_read_ = false;
  std::optional<TraceError> error_;
  Status status_;  // sticky failure
};

// Parses the header line. On bad input returns kInvalidArgument and sets
// *error (with file empty and line 1). Exposed for `trace import` and tests.
Result<TraceHeader> ParseHeaderLine(std::string_view line, TraceError* error);
// Parses one record line (`line_number` is used in the error).
Result<TraceRecord> ParseRecordLine(std::string_view line, int64_t line_number, TraceError* error);

// Feeds the whole trace to `sink`: OnHeader, then OnRecord for each record.
// Errors: those of ReadHeader/Next; on bad input *error (if non-null) is set.
Status ReadTraceInto(TraceReader& reader, TraceSink* sink, TraceError* error);

}  // namespace logact::traces
