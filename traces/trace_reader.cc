#include "traces/trace_reader.h"

#include <cerrno>
#include <cstring>
#include <limits>

#include "core/assert.h"
#include "core/entry_codec.h"
#include "core/entry_text_decoder.h"
#include "core/limits.h"
#include "traces/trace_format.h"

namespace logact::traces {
namespace {

// Bytes read from a file at a time. The buffer grows beyond this only for a
// line that does not fit, up to limits::kTraceLineBytesMax.
constexpr size_t kReadChunkBytes = 1u << 20;

// The fast path's options for a record line: an entry record, nesting within
// the limit that ParseObject enforces (so its error stays the one reported).
constexpr EntryTextDecodeOptions kEntryRecordDecodeOptions = {
    .require_kind_entry = true, .json_depth_max = limits::kTraceJsonDepthMax};

// A field-level problem found while decoding one line.
struct FieldError {
  std::string field;
  std::string message;
};

using JsonObject = Json::object_t;

bool IsBlank(std::string_view line) {
  for (const char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// The number of '[' and '{' bytes in `text`, eight bytes at a time: this runs
// on every line, so it must cost far less than the JSON parse that follows.
size_t CountOpeningBrackets(std::string_view text) {
  constexpr uint64_t kOnes = 0x0101010101010101u;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Fu;
  size_t count = 0;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    // '[' (0x5B) and '{' (0x7B) differ only in bit 0x20: fold both onto 0x7B,
    // then count the bytes that became zero after the xor.
    const uint64_t x = (word | (0x20 * kOnes)) ^ (0x7B * kOnes);
    const uint64_t nonzero = ((x & kLow7) + kLow7) | x;
    // One bit per matching byte at bit 0 of that byte; the multiply sums the
    // eight bytes into the top one (std::popcount is a library call without -mpopcnt).
    const uint64_t matches = (~nonzero & (0x80 * kOnes)) >> 7;
    count += static_cast<size_t>((matches * kOnes) >> 56);
  }
  for (; i < text.size(); ++i) count += (static_cast<unsigned char>(text[i]) | 0x20) == 0x7B;
  return count;
}

// Whether the JSON text nests arrays/objects deeper than `depth_max`. A cheap
// byte scan run before parsing, because later stages (dump, comparison) recurse
// over the value and must not exhaust the stack on a hostile line.
bool NestsDeeperThan(std::string_view text, size_t depth_max) {
  // Fast path: a line with few brackets cannot nest deeply, wherever they are.
  if (CountOpeningBrackets(text) <= depth_max) return false;
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > depth_max) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// Replaces bytes that are not valid UTF-8 (by U+FFFD, as CompactJson does) so
// that a message can be printed and embedded in JSON output.
std::string Printable(std::string text) {
  try {
    return Json::parse(CompactJson(Json(std::move(text)))).get<std::string>();
  } catch (const Json::exception&) {
    return "(unprintable)";
  }
}

std::string TypeName(const Json& value) {
  if (value.is_number_float()) return "a non-integer number";
  return value.type_name();
}

// Parses `line` as one JSON object into *out.
std::optional<FieldError> ParseObject(std::string_view line, Json* out) {
  if (NestsDeeperThan(line, limits::kTraceJsonDepthMax)) {
    return FieldError{
        std::string(kErrorFieldJson),
        "JSON nests deeper than " + std::to_string(limits::kTraceJsonDepthMax) + " levels"};
  }
  *out = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) {
    std::string why = "not valid JSON";
    try {
      const Json ignored = Json::parse(line.begin(), line.end());
    } catch (const Json::exception& e) {
      why = Printable(e.what());
    }
    return FieldError{std::string(kErrorFieldJson), "the line is not one JSON object: " + why};
  }
  if (!out->is_object()) {
    return FieldError{std::string(kErrorFieldJson),
                      "the line is not one JSON object (got " + TypeName(*out) + ")"};
  }
  return std::nullopt;
}

const Json* Find(const JsonObject& object, std::string_view name) {
  const auto it = object.find(name);  // heterogeneous lookup: no key string is built
  return it == object.end() ? nullptr : &it->second;
}

std::optional<FieldError> GetInt(const JsonObject& object, std::string_view name, int64_t* out) {
  const Json* value = Find(object, name);
  if (value == nullptr) return FieldError{std::string(name), "missing required integer field"};
  if (!value->is_number_integer()) {
    return FieldError{std::string(name), "expected an integer, got " + TypeName(*value)};
  }
  if (value->is_number_unsigned() &&
      value->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return FieldError{std::string(name), "integer out of range"};
  }
  *out = value->get<int64_t>();
  return std::nullopt;
}

// Moves the string out of the (owned) parsed object.
std::optional<FieldError> TakeString(JsonObject& object, std::string_view name, std::string* out) {
  const auto it = object.find(name);
  if (it == object.end()) {
    return FieldError{std::string(name), "missing required string field"};
  }
  if (!it->second.is_string()) {
    return FieldError{std::string(name), "expected a string, got " + TypeName(it->second)};
  }
  *out = std::move(it->second.get_ref<std::string&>());
  return std::nullopt;
}

// Moves every field not in `known` (nor "kind") into *extra; null when none.
void TakeExtra(JsonObject& object, std::initializer_list<std::string_view> known, Json* extra) {
  for (auto& [key, value] : object) {
    bool is_known = key == kRecordKindField;
    for (std::string_view name : known) is_known = is_known || key == name;
    if (is_known) continue;
    if (!extra->is_object()) *extra = Json::object();
    (*extra)[key] = std::move(value);
  }
}

#define LOGACT_TRY_FIELD(expr)                             \
  do {                                                     \
    if (std::optional<FieldError> field_error_ = (expr)) { \
      return std::move(*field_error_);                     \
    }                                                      \
  } while (0)

using RecordOrError = std::variant<TraceRecord, FieldError>;

RecordOrError DecodeEffect(JsonObject& object) {
  EffectRecord effect;
  LOGACT_TRY_FIELD(GetInt(object, kFieldTs, &effect.ts));
  LOGACT_TRY_FIELD(GetInt(object, kFieldIntent, &effect.intent));
  LOGACT_TRY_FIELD(TakeString(object, kFieldExecutor, &effect.executor));
  LOGACT_TRY_FIELD(TakeString(object, kFieldTool, &effect.action.tool));
  const auto args = object.find(kFieldArgs);
  if (args == object.end())
    return FieldError{std::string(kFieldArgs), "missing required object field"};
  if (!args->second.is_object()) {
    return FieldError{std::string(kFieldArgs), "expected an object, got " + TypeName(args->second)};
  }
  effect.action.args = std::move(args->second);
  TakeExtra(object, {kFieldTs, kFieldIntent, kFieldExecutor, kFieldTool, kFieldArgs},
            &effect.extra);
  return effect;
}

RecordOrError DecodeFault(JsonObject& object) {
  FaultRecord fault;
  LOGACT_TRY_FIELD(GetInt(object, kFieldTs, &fault.ts));
  LOGACT_TRY_FIELD(TakeString(object, kFieldFault, &fault.fault));
  LOGACT_TRY_FIELD(TakeString(object, kFieldTarget, &fault.target));
  TakeExtra(object, {kFieldTs, kFieldFault, kFieldTarget}, &fault.extra);
  return fault;
}

RecordOrError DecodeRestart(JsonObject& object) {
  RestartRecord restart;
  LOGACT_TRY_FIELD(GetInt(object, kFieldTs, &restart.ts));
  LOGACT_TRY_FIELD(TakeString(object, kFieldTarget, &restart.target));
  LOGACT_TRY_FIELD(GetInt(object, kFieldFromPos, &restart.from_pos));
  TakeExtra(object, {kFieldTs, kFieldTarget, kFieldFromPos}, &restart.extra);
  return restart;
}

RecordOrError DecodeState(JsonObject& object) {
  StateRecord state;
  LOGACT_TRY_FIELD(GetInt(object, kFieldTs, &state.ts));
  LOGACT_TRY_FIELD(TakeString(object, kFieldTarget, &state.target));
  LOGACT_TRY_FIELD(GetInt(object, kFieldPos, &state.pos));
  LOGACT_TRY_FIELD(TakeString(object, kFieldDigest, &state.digest));
  TakeExtra(object, {kFieldTs, kFieldTarget, kFieldPos, kFieldDigest}, &state.extra);
  return state;
}

// Splits DecodeEntry's "field '<name>': <what>" message into its parts.
FieldError EntryError(const Status& status) {
  const std::string& message = status.message();
  constexpr std::string_view kPrefix = "field '";
  if (message.rfind(kPrefix, 0) == 0) {
    const size_t close = message.find("': ", kPrefix.size());
    if (close != std::string::npos) {
      return FieldError{Printable(message.substr(kPrefix.size(), close - kPrefix.size())),
                        Printable(message.substr(close + 3))};
    }
  }
  return FieldError{"(entry)", Printable(message)};
}

RecordOrError DecodeRecord(Json& json) {
  JsonObject& object = json.get_ref<JsonObject&>();
  const Json* kind = Find(object, kRecordKindField);
  if (kind == nullptr) return FieldError{std::string(kRecordKindField), "missing record kind"};
  if (!kind->is_string()) {
    return FieldError{std::string(kRecordKindField), "expected a string, got " + TypeName(*kind)};
  }
  const std::string& name = kind->get_ref<const std::string&>();
  if (name == kKindEntry) {
    Result<Entry> entry = DecodeEntry(std::move(json));
    if (!entry.has_value()) return EntryError(entry.error());
    return std::move(entry).value();
  }
  if (name == kKindEffect) return DecodeEffect(object);
  if (name == kKindFault) return DecodeFault(object);
  if (name == kKindRestart) return DecodeRestart(object);
  if (name == kKindState) return DecodeState(object);
  return FieldError{std::string(kRecordKindField), "unknown record kind '" + Printable(name) + "'"};
}

std::optional<FieldError> DecodeHeaderFields(JsonObject& object, TraceHeader* header) {
  const Json* format = Find(object, kHeaderFormat);
  if (format == nullptr) {
    return FieldError{std::string(kHeaderFormat),
                      "missing: line 1 must be the trace header {\"format\":\"logact-trace\",...}"};
  }
  if (!format->is_string() || format->get_ref<const std::string&>() != kTraceFormatName) {
    return FieldError{std::string(kHeaderFormat), "expected \"logact-trace\""};
  }
  LOGACT_TRY_FIELD(GetInt(object, kHeaderVersion, &header->version));
  if (header->version != kTraceVersion) {
    return FieldError{std::string(kHeaderVersion), "unsupported trace version " +
                                                       std::to_string(header->version) +
                                                       " (this reader supports 1)"};
  }
  if (const Json* seed = Find(object, kHeaderSeed); seed != nullptr && !seed->is_null()) {
    if (!seed->is_number_unsigned()) {
      return FieldError{std::string(kHeaderSeed),
                        "expected an unsigned 64-bit integer or null, got " + TypeName(*seed)};
    }
    header->seed = seed->get<uint64_t>();
  }
  if (const Json* scenario = Find(object, kHeaderScenario);
      scenario != nullptr && !scenario->is_null()) {
    if (!scenario->is_string()) {
      return FieldError{std::string(kHeaderScenario),
                        "expected a string or null, got " + TypeName(*scenario)};
    }
    header->scenario = scenario->get<std::string>();
  }
  // A hand-made trace may omit the source; only the simulator writes "sim".
  header->source = std::string(kSourceRecorded);
  if (const Json* source = Find(object, kHeaderSource); source != nullptr) {
    if (!source->is_string() || (source->get_ref<const std::string&>() != kSourceSim &&
                                 source->get_ref<const std::string&>() != kSourceRecorded)) {
      return FieldError{std::string(kHeaderSource), "expected \"sim\" or \"recorded\""};
    }
    header->source = source->get<std::string>();
  }
  TakeExtra(object, {kHeaderFormat, kHeaderVersion, kHeaderSeed, kHeaderScenario, kHeaderSource},
            &header->extra);
  return std::nullopt;
}

#undef LOGACT_TRY_FIELD

TraceError MakeError(int64_t line, FieldError field_error) {
  return TraceError{"", line, std::move(field_error.field), std::move(field_error.message)};
}

}  // namespace

Status TraceError::ToStatus() const {
  return InvalidArgumentError(file + ": line " + std::to_string(line) + ": field '" + field +
                              "': " + message);
}

Json TraceError::ToJson() const {
  Json json = Json::object();
  json["file"] = Printable(file);
  json["line"] = line;
  json["field"] = Printable(field);
  json["message"] = Printable(message);
  return json;
}

Result<TraceHeader> ParseHeaderLine(std::string_view line, TraceError* error) {
  LOGACT_ASSERT(error != nullptr);
  Json json;
  std::optional<FieldError> field_error = ParseObject(line, &json);
  TraceHeader header;
  if (!field_error) field_error = DecodeHeaderFields(json.get_ref<JsonObject&>(), &header);
  if (field_error) {
    *error = MakeError(1, std::move(*field_error));
    return error->ToStatus();
  }
  return header;
}

Result<TraceRecord> ParseRecordLine(std::string_view line, int64_t line_number, TraceError* error) {
  LOGACT_ASSERT(error != nullptr);
  LOGACT_ASSERT_GT(line_number, 1);
  // Entry records (nearly every line) take the single-pass decoder. It
  // declines everything else, other record kinds and bad input above all, and
  // the JSON tree below handles those and words their errors.
  Entry entry;
  if (TryDecodeEntryText(line, kEntryRecordDecodeOptions, &entry)) {
    return TraceRecord(std::move(entry));
  }
  Json json;
  if (std::optional<FieldError> field_error = ParseObject(line, &json)) {
    *error = MakeError(line_number, std::move(*field_error));
    return error->ToStatus();
  }
  RecordOrError decoded = DecodeRecord(json);
  if (FieldError* field_error = std::get_if<FieldError>(&decoded)) {
    *error = MakeError(line_number, std::move(*field_error));
    return error->ToStatus();
  }
  return std::move(std::get<TraceRecord>(decoded));
}

TraceReader::TraceReader(std::string name, std::FILE* file, std::string text)
    : name_(std::move(name)), file_(file), buffer_(std::move(text)) {
  if (file_ == nullptr) {
    end_ = buffer_.size();
    eof_ = true;
  }
}

TraceReader::~TraceReader() {
  if (file_ != nullptr) std::fclose(file_);
}

Result<std::unique_ptr<TraceReader>> TraceReader::OpenFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    const int error = errno;
    std::string message = "cannot open trace '" + path + "': " + std::strerror(error);
    if (error == ENOENT) return NotFoundError(std::move(message));
    return UnavailableError(std::move(message));
  }
  return std::unique_ptr<TraceReader>(new TraceReader(path, file, std::string()));
}

std::unique_ptr<TraceReader> TraceReader::FromString(std::string text, std::string name) {
  return std::unique_ptr<TraceReader>(new TraceReader(std::move(name), nullptr, std::move(text)));
}

Status TraceReader::Fail(std::string field, std::string message) {
  error_ = TraceError{name_, line_, std::move(field), std::move(message)};
  status_ = error_->ToStatus();
  return status_;
}

// Moves the unread bytes to the front and reads more; grows the buffer when a
// single line fills it.
Status TraceReader::Refill() {
  LOGACT_ASSERT(file_ != nullptr);
  if (begin_ > 0) {
    buffer_.erase(0, begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() - end_ < kReadChunkBytes / 2) {
    buffer_.resize(std::max(buffer_.size() * 2, end_ + kReadChunkBytes));
  }
  const size_t n = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
  end_ += n;
  if (n == 0) {
    if (std::ferror(file_)) {
      status_ = UnavailableError("cannot read trace '" + name_ + "': " + std::strerror(errno));
      return status_;
    }
    eof_ = true;
  }
  return Status::Ok();
}

Result<bool> TraceReader::NextLine(std::string_view* line) {
  size_t scanned = begin_;  // bytes before this are known to hold no '\n'
  for (;;) {
    const void* newline = std::memchr(buffer_.data() + scanned, '\n', end_ - scanned);
    if (newline != nullptr || eof_) {
      const size_t stop =
          newline != nullptr
              ? static_cast<size_t>(static_cast<const char*>(newline) - buffer_.data())
              : end_;
      if (stop == begin_ && newline == nullptr) return false;  // end of input
      ++line_;
      if (stop - begin_ > limits::kTraceLineBytesMax) {
        return Fail(std::string(kErrorFieldLine),
                    "line longer than " + std::to_string(limits::kTraceLineBytesMax) + " bytes");
      }
      *line = std::string_view(buffer_.data() + begin_, stop - begin_);
      begin_ = newline != nullptr ? stop + 1 : stop;
      return true;
    }
    if (end_ - begin_ > limits::kTraceLineBytesMax) {
      ++line_;
      return Fail(std::string(kErrorFieldLine),
                  "line longer than " + std::to_string(limits::kTraceLineBytesMax) + " bytes");
    }
    // Everything up to end_ holds no '\n'; Refill moves the unread bytes to the front.
    scanned = end_ - begin_;
    LOGACT_TRY(Refill());
  }
}

Result<TraceHeader> TraceReader::ReadHeader() {
  LOGACT_ASSERT(!header_read_);
  header_read_ = true;
  std::string_view line;
  LOGACT_ASSIGN_OR_RETURN(const bool has_line, NextLine(&line));
  if (!has_line) {
    line_ = 1;
    return Fail(std::string(kErrorFieldHeader),
                "the trace is empty: line 1 must be the trace header");
  }
  TraceError error;
  Result<TraceHeader> header = ParseHeaderLine(line, &error);
  if (!header.has_value()) return Fail(std::move(error.field), std::move(error.message));
  return header;
}

Result<bool> TraceReader::Next(TraceRecord* record) {
  LOGACT_ASSERT(header_read_);
  if (!status_.ok()) return status_;
  for (;;) {
    std::string_view line;
    LOGACT_ASSIGN_OR_RETURN(const bool has_line, NextLine(&line));
    if (!has_line) return false;  // trailing blank lines are allowed
    if (IsBlank(line)) {
      if (pending_blank_ == 0) pending_blank_ = line_;
      continue;
    }
    if (pending_blank_ != 0) {
      line_ = pending_blank_;
      return Fail(std::string(kErrorFieldLine), "blank line inside the trace");
    }
    TraceError error;
    Result<TraceRecord> parsed = ParseRecordLine(line, line_, &error);
    if (!parsed.has_value()) return Fail(std::move(error.field), std::move(error.message));
    *record = std::move(parsed).value();
    return true;
  }
}

Status ReadTraceInto(TraceReader& reader, TraceSink* sink, TraceError* error) {
  LOGACT_ASSERT(sink != nullptr);
  Result<TraceHeader> header = reader.ReadHeader();
  if (header.has_value()) {
    sink->OnHeader(*header);
    TraceRecord record;
    for (;;) {
      Result<bool> more = reader.Next(&record);
      if (!more.has_value() || !*more) {
        if (!more.has_value() && error != nullptr && reader.error()) *error = *reader.error();
        return more.status();
      }
      sink->OnRecord(record);
    }
  }
  if (error != nullptr && reader.error()) *error = *reader.error();
  return header.status();
}

}  // namespace logact::traces
