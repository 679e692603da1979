// Writing traces (SPEC §5, docs/trace_format.md): one compact JSON object per
// line, the header first, then every record in the order it happened.
//
// Encoding is deterministic: each record kind has a fixed field order (entries
// use core/entry_codec.h), JSON values inside are written with sorted keys, and
// unknown fields kept in `extra` follow the known ones in sorted order. The
// same records therefore always produce the same bytes, which the determinism
// guarantee (same seed => byte-identical trace) relies on.
//
// Encoding is on the simulator's hot path (million-record traces): it appends
// to a caller-owned string and formats plain strings and integers directly,
// without building an intermediate JSON value.
//
// Thread-safety: the free functions are pure; a TraceWriter is used by one
// thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "traces/atomic_file.h"
#include "traces/trace_record.h"

namespace logact::traces {

// Appends the header line (a JSON object followed by '\n') to *out:
//   {"format":"logact-trace","version":1,"seed":..,"scenario":..,"source":..,<extra>}
// Fields of header.extra that collide with these names are not written.
void EncodeHeader(const TraceHeader& header, std::string* out);

// Appends one record line (a JSON object followed by '\n') to *out. Entries
// are written by EncodeEntry with "kind":"entry" first; the other kinds as
//   effect:  {"kind":"effect","ts","intent","executor","tool","args",<extra>}
//   fault:   {"kind":"fault","ts","fault","target",<extra>}
//   restart: {"kind":"restart","ts","target","from_pos",<extra>}
//   state:   {"kind":"state","ts","target","pos","digest",<extra>}
// REQUIRES: each record's `extra` is null or a JSON object (asserted).
void EncodeRecord(const TraceRecord& record, std::string* out);

// Appends `text` as a JSON string literal (quotes included). Valid UTF-8 is
// written unescaped; invalid bytes become U+FFFD, as in CompactJson.
void AppendJsonString(std::string_view text, std::string* out);

// A TraceSink that encodes what it is fed, either into memory or into a file.
// A file is written atomically: nothing appears under its name until Close()
// succeeds (see traces/atomic_file.h).
class TraceWriter : public TraceSink {
 public:
  // An in-memory writer; text() returns the trace so far.
  TraceWriter() = default;

  // A streaming writer to `path`. Errors as AtomicFileWriter::Open.
  static Result<std::unique_ptr<TraceWriter>> OpenFile(const std::string& path);

  // REQUIRES: OnHeader is called once, before any OnRecord (asserted).
  void OnHeader(const TraceHeader& header) override;
  void OnRecord(const TraceRecord& record) override;
  // Write exactly what OnRecord of the record writes, without the copy.
  void OnEntry(const Entry& entry) override;
  void OnEffect(const EffectView& effect) override;

  // In-memory writers: the encoded trace. File writers: the unflushed tail only.
  const std::string& text() const { return buffer_; }
  // Records written so far (the header excluded).
  uint64_t records() const { return records_; }

  // File writers: flushes, fsyncs and renames the file into place; returns the
  // first write error if any occurred (the file is then not created).
  // In-memory writers: returns OK. REQUIRES: called at most once.
  Status Close();

 private:
  explicit TraceWriter(std::unique_ptr<AtomicFileWriter> file);
  void FlushIfLarge();

  std::unique_ptr<AtomicFileWriter> file_;  // null for in-memory writers
  std::string buffer_;
  Status status_;  // first write error, sticky (OnRecord cannot return one)
  uint64_t records_ = 0;
  bool header_written_ = false;
  bool closed_ = false;
};

}  // namespace logact::traces
