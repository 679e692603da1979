#include "traces/trace_writer.h"

#include <array>
#include <charconv>
#include <initializer_list>

#include "core/assert.h"
#include "core/entry_codec.h"
#include "traces/trace_format.h"

namespace logact::traces {
namespace {

// A file writer hands its buffer to the kernel once it holds this many bytes:
// large enough that write() calls are rare, small enough to stay in cache.
constexpr size_t kFlushBytes = 1u << 20;

void AppendInt(int64_t value, std::string* out) {
  std::array<char, 24> digits;
  const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  LOGACT_ASSERT(ec == std::errc());
  out->append(digits.data(), end);
}

void AppendUint(uint64_t value, std::string* out) {
  std::array<char, 24> digits;
  const auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  LOGACT_ASSERT(ec == std::errc());
  out->append(digits.data(), end);
}

// Appends `,"name":` (or `{"name":` for the first field).
void AppendKey(std::string_view name, bool first, std::string* out) {
  out->push_back(first ? '{' : ',');
  AppendJsonString(name, out);
  out->push_back(':');
}

void AppendIntField(std::string_view name, int64_t value, std::string* out) {
  AppendKey(name, false, out);
  AppendInt(value, out);
}

void AppendStringField(std::string_view name, std::string_view value, std::string* out) {
  AppendKey(name, false, out);
  AppendJsonString(value, out);
}

// Appends the fields of `extra` whose names are not in `known`, then closes the object.
void AppendExtraAndClose(const Json& extra, std::initializer_list<std::string_view> known,
                         std::string* out) {
  LOGACT_ASSERT(extra.is_null() || extra.is_object());
  if (extra.is_object()) {
    for (const auto& [key, value] : extra.items()) {
      bool collides = key == kRecordKindField;
      for (std::string_view name : known) collides = collides || key == name;
      if (collides) continue;
      AppendKey(key, false, out);
      out->append(CompactJson(value));
    }
  }
  out->append("}\n");
}

void AppendKind(std::string_view kind, std::string* out) {
  AppendKey(kRecordKindField, true, out);
  AppendJsonString(kind, out);
}

void EncodeEffect(const EffectView& effect, std::string* out) {
  AppendKind(kKindEffect, out);
  AppendIntField(kFieldTs, effect.ts, out);
  AppendIntField(kFieldIntent, effect.intent, out);
  AppendStringField(kFieldExecutor, effect.executor, out);
  AppendStringField(kFieldTool, effect.action.tool, out);
  AppendKey(kFieldArgs, false, out);
  out->append(CompactJson(effect.action.args));
  AppendExtraAndClose(effect.extra,
                      {kFieldTs, kFieldIntent, kFieldExecutor, kFieldTool, kFieldArgs}, out);
}

void EncodeFault(const FaultRecord& fault, std::string* out) {
  AppendKind(kKindFault, out);
  AppendIntField(kFieldTs, fault.ts, out);
  AppendStringField(kFieldFault, fault.fault, out);
  AppendStringField(kFieldTarget, fault.target, out);
  AppendExtraAndClose(fault.extra, {kFieldTs, kFieldFault, kFieldTarget}, out);
}

void EncodeRestart(const RestartRecord& restart, std::string* out) {
  AppendKind(kKindRestart, out);
  AppendIntField(kFieldTs, restart.ts, out);
  AppendStringField(kFieldTarget, restart.target, out);
  AppendIntField(kFieldFromPos, restart.from_pos, out);
  AppendExtraAndClose(restart.extra, {kFieldTs, kFieldTarget, kFieldFromPos}, out);
}

void EncodeState(const StateRecord& state, std::string* out) {
  AppendKind(kKindState, out);
  AppendIntField(kFieldTs, state.ts, out);
  AppendStringField(kFieldTarget, state.target, out);
  AppendIntField(kFieldPos, state.pos, out);
  AppendStringField(kFieldDigest, state.digest, out);
  AppendExtraAndClose(state.extra, {kFieldTs, kFieldTarget, kFieldPos, kFieldDigest}, out);
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  // Fast path: printable ASCII without quotes or backslashes is written as is.
  // Anything else goes through nlohmann so that escapes and invalid UTF-8 are
  // handled exactly as everywhere else (CompactJson).
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x80 || c == '"' || c == '\\') {
      out->append(CompactJson(Json(std::string(text))));
      return;
    }
  }
  out->push_back('"');
  out->append(text);
  out->push_back('"');
}

void EncodeHeader(const TraceHeader& header, std::string* out) {
  AppendKey(kHeaderFormat, true, out);
  AppendJsonString(kTraceFormatName, out);
  AppendIntField(kHeaderVersion, header.version, out);
  AppendKey(kHeaderSeed, false, out);
  if (header.seed.has_value()) {
    AppendUint(*header.seed, out);
  } else {
    out->append("null");
  }
  AppendKey(kHeaderScenario, false, out);
  if (header.scenario.has_value()) {
    AppendJsonString(*header.scenario, out);
  } else {
    out->append("null");
  }
  AppendStringField(kHeaderSource, header.source, out);
  AppendExtraAndClose(header.extra,
                      {kHeaderFormat, kHeaderVersion, kHeaderSeed, kHeaderScenario, kHeaderSource},
                      out);
}

void EncodeRecord(const TraceRecord& record, std::string* out) {
  if (const Entry* entry = std::get_if<Entry>(&record)) {
    EncodeEntry(*entry, /*kind_field=*/true, out);
    out->push_back('\n');
  } else if (const auto* effect = std::get_if<EffectRecord>(&record)) {
    EncodeEffect(ViewOf(*effect), out);
  } else if (const auto* fault = std::get_if<FaultRecord>(&record)) {
    EncodeFault(*fault, out);
  } else if (const auto* restart = std::get_if<RestartRecord>(&record)) {
    EncodeRestart(*restart, out);
  } else {
    EncodeState(std::get<StateRecord>(record), out);
  }
}

TraceWriter::TraceWriter(std::unique_ptr<AtomicFileWriter> file) : file_(std::move(file)) {
  buffer_.reserve(kFlushBytes + (64u << 10));
}

Result<std::unique_ptr<TraceWriter>> TraceWriter::OpenFile(const std::string& path) {
  LOGACT_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFileWriter> file, AtomicFileWriter::Open(path));
  return std::unique_ptr<TraceWriter>(new TraceWriter(std::move(file)));
}

void TraceWriter::OnHeader(const TraceHeader& header) {
  LOGACT_ASSERT(!header_written_);
  LOGACT_ASSERT(!closed_);
  header_written_ = true;
  EncodeHeader(header, &buffer_);
  FlushIfLarge();
}

void TraceWriter::OnRecord(const TraceRecord& record) {
  LOGACT_ASSERT(header_written_);
  LOGACT_ASSERT(!closed_);
  EncodeRecord(record, &buffer_);
  ++records_;
  FlushIfLarge();
}

void TraceWriter::OnEntry(const Entry& entry) {
  LOGACT_ASSERT(header_written_);
  LOGACT_ASSERT(!closed_);
  // EncodeRecord's entry branch, on the entry itself.
  EncodeEntry(entry, /*kind_field=*/true, &buffer_);
  buffer_.push_back('\n');
  ++records_;
  FlushIfLarge();
}

void TraceWriter::OnEffect(const EffectView& effect) {
  LOGACT_ASSERT(header_written_);
  LOGACT_ASSERT(!closed_);
  EncodeEffect(effect, &buffer_);  // EncodeRecord's effect branch, on the borrowed fields
  ++records_;
  FlushIfLarge();
}

void TraceWriter::FlushIfLarge() {
  if (file_ == nullptr || buffer_.size() < kFlushBytes) return;
  if (status_.ok()) status_ = file_->Append(buffer_);
  buffer_.clear();
}

Status TraceWriter::Close() {
  LOGACT_ASSERT(!closed_);
  closed_ = true;
  if (file_ == nullptr) return Status::Ok();
  if (status_.ok()) status_ = file_->Append(buffer_);
  buffer_.clear();
  if (!status_.ok()) {
    file_.reset();  // abandons the temporary file
    return status_;
  }
  return file_->Commit();
}

}  // namespace logact::traces
