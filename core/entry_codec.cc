// The entry codec: one serialisation for SQLite rows and trace lines.
//
// Encoding builds the JSON text by hand because the simulator encodes every
// entry it appends (trace writer, SQLite backend) and a round trip through a
// nlohmann::json tree per entry would dominate that cost. The output is
// byte-identical to what nlohmann would produce for the same object with the
// fields in our fixed order: strings are escaped exactly as nlohmann escapes
// them (ASCII by hand, anything non-ASCII handed to nlohmann so invalid UTF-8
// is replaced the same way), and JSON values (action args, policies) are
// dumped by nlohmann with sorted keys.
//
// Decoding is strict about the fields it knows and lenient about the rest:
// unknown fields are kept in Entry::extra so a recorded trace survives a round
// trip, and every error names the field, because `logact check` reports the
// field of bad input to the user.
#include "core/entry_codec.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>

#include "core/assert.h"
#include "core/decider_policy.h"
#include "core/entry_text_decoder.h"
#include "core/limits.h"

namespace logact {
namespace {

// ---------------------------------------------------------------- encoding

// Appends the compact JSON of `value` (sorted keys, no spaces, invalid UTF-8
// replaced): the bytes of CompactJson, written straight into *out instead of
// through a temporary string.
void AppendJson(const Json& value, std::string* out) {
  nlohmann::detail::serializer<Json> serializer(
      nlohmann::detail::output_adapter<char, std::string>(*out), ' ',
      Json::error_handler_t::replace);
  serializer.dump(value, /*pretty_print=*/false, /*ensure_ascii=*/false, /*indent_step=*/0);
}

// Appends `s` as a JSON string literal, escaped as nlohmann::json escapes it
// with ensure_ascii=false. Runs of plain characters are copied in one append.
void AppendString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t start = out->size();
  out->push_back('"');
  size_t run = 0;  // first character not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) continue;
    if (c >= 0x80) {
      // Non-ASCII: let nlohmann validate the UTF-8 and replace invalid bytes,
      // so our bytes equal CompactJson's for every input.
      out->resize(start);
      AppendJson(Json(s), out);
      return;
    }
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out->append(escape, sizeof(escape));
      }
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendInt(int64_t value, std::string* out) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  LOGACT_ASSERT(ec == std::errc());
  out->append(buffer, end);
}

// Appends ,"name": — every payload field follows at least the header.
void AppendKey(std::string_view name, std::string* out) {
  // One size change instead of four appends: keys are most of the bytes written.
  const size_t at = out->size();
  out->resize(at + name.size() + 4);
  char* p = out->data() + at;
  *p++ = ',';
  *p++ = '"';
  std::memcpy(p, name.data(), name.size());
  p += name.size();
  *p++ = '"';
  *p = ':';
}

void AppendStringField(std::string_view name, std::string_view value, std::string* out) {
  AppendKey(name, out);
  AppendString(value, out);
}
void AppendIntField(std::string_view name, int64_t value, std::string* out) {
  AppendKey(name, out);
  AppendInt(value, out);
}
void AppendBoolField(std::string_view name, bool value, std::string* out) {
  AppendKey(name, out);
  out->append(value ? "true" : "false");
}
void AppendJsonField(std::string_view name, const Json& value, std::string* out) {
  AppendKey(name, out);
  AppendJson(value, out);
}

// The payload field names of each type, in encoding order. A decoder treats
// every other name (besides the header and "kind") as unknown.
constexpr std::array<std::string_view, 5> kHeaderFields = {"kind", "pos", "ts", "type", "author"};

struct PayloadFieldVisitor {
  std::string* out;

  void operator()(const MailPayload& p) const {
    AppendStringField("from", p.from, out);
    AppendStringField("body", p.body, out);
  }
  void operator()(const InferencePayload& p) const {
    AppendStringField("text", p.text, out);
    AppendIntField("tokens", p.tokens, out);
  }
  void operator()(const IntentPayload& p) const {
    // The action object with sorted keys: {"args":{...},"tool":"..."}.
    AppendKey("action", out);
    out->append("{\"args\":");
    AppendJson(p.action.args, out);
    out->append(",\"tool\":");
    AppendString(p.action.tool, out);
    out->push_back('}');
    AppendStringField("driver", p.driver, out);
    AppendIntField("epoch", p.epoch, out);
  }
  void operator()(const VotePayload& p) const {
    AppendIntField("intent", p.intent, out);
    AppendStringField("voter", p.voter, out);
    AppendStringField("voter_type", p.voter_type, out);
    AppendBoolField("approve", p.approve, out);
    AppendStringField("reason", p.reason, out);
  }
  void operator()(const DecisionPayload& p) const {
    AppendIntField("intent", p.intent, out);
    AppendStringField("reason", p.reason, out);
    if (p.timeout) AppendBoolField("timeout", true, out);
  }
  void operator()(const ResultPayload& p) const {
    AppendIntField("intent", p.intent, out);
    AppendBoolField("ok", p.ok, out);
    AppendStringField("output", p.output, out);
    if (p.restart) AppendBoolField("restart", true, out);
  }
  void operator()(const ElectPayload& p) const {
    AppendStringField("driver", p.driver, out);
    AppendIntField("epoch", p.epoch, out);
  }
  void operator()(const PolicyPayload& p) const {
    AppendIntField("version", p.version, out);
    AppendIntField("expected_version", p.expected_version, out);
    if (!p.decider.is_null()) AppendJsonField("decider", p.decider, out);
    if (!p.voters.is_null()) AppendJsonField("voters", p.voters, out);
  }
  void operator()(const OutputPayload& p) const { AppendStringField("text", p.text, out); }
};

// The payload field names that `type` may carry (optional ones included).
std::span<const std::string_view> PayloadFields(EntryType type) {
  static constexpr std::array<std::string_view, 2> kMail = {"from", "body"};
  static constexpr std::array<std::string_view, 2> kInference = {"text", "tokens"};
  static constexpr std::array<std::string_view, 3> kIntent = {"action", "driver", "epoch"};
  static constexpr std::array<std::string_view, 5> kVote = {"intent", "voter", "voter_type",
                                                            "approve", "reason"};
  static constexpr std::array<std::string_view, 3> kDecision = {"intent", "reason", "timeout"};
  static constexpr std::array<std::string_view, 4> kResult = {"intent", "ok", "output", "restart"};
  static constexpr std::array<std::string_view, 2> kElect = {"driver", "epoch"};
  static constexpr std::array<std::string_view, 4> kPolicy = {"version", "expected_version",
                                                              "decider", "voters"};
  static constexpr std::array<std::string_view, 1> kOutput = {"text"};
  switch (type) {
    case EntryType::kMail:
      return kMail;
    case EntryType::kInfIn:
    case EntryType::kInfOut:
      return kInference;
    case EntryType::kIntent:
      return kIntent;
    case EntryType::kVote:
      return kVote;
    case EntryType::kCommit:
    case EntryType::kAbort:
      return kDecision;
    case EntryType::kResult:
      return kResult;
    case EntryType::kElect:
      return kElect;
    case EntryType::kPolicy:
      return kPolicy;
    case EntryType::kOutput:
      return kOutput;
  }
  LOGACT_ASSERT(false);
  return {};
}

bool IsKnownField(EntryType type, std::string_view name) {
  for (std::string_view f : kHeaderFields) {
    if (f == name) return true;
  }
  for (std::string_view f : PayloadFields(type)) {
    if (f == name) return true;
  }
  return false;
}

}  // namespace

void EncodeEntry(const Entry& entry, bool kind_field, std::string* out) {
  LOGACT_ASSERT(PayloadMatchesType(entry.type, entry.payload));
  const size_t start = out->size();
  out->append(kind_field ? "{\"kind\":\"entry\",\"pos\":" : "{\"pos\":");
  AppendInt(entry.pos, out);
  AppendIntField("ts", entry.ts, out);
  AppendKey("type", out);
  out->push_back('"');
  out->append(EntryTypeName(entry.type));  // type names are plain ASCII
  out->push_back('"');
  AppendStringField("author", entry.author, out);
  std::visit(PayloadFieldVisitor{out}, entry.payload);
  if (entry.extra.is_object()) {
    // A known name in `extra` would produce a duplicate key; it can only come
    // from a caller that filled `extra` by hand, and the typed field wins.
    for (const auto& [key, value] : entry.extra.items()) {
      if (IsKnownField(entry.type, key)) continue;
      out->push_back(',');
      AppendString(key, out);
      out->push_back(':');
      AppendJson(value, out);
    }
  }
  out->push_back('}');
  LOGACT_ASSERT_LT(start, out->size());
}

std::string EncodeEntry(const Entry& entry) {
  std::string out;
  out.reserve(160);
  EncodeEntry(entry, /*kind_field=*/false, &out);
  return out;
}

namespace {

// ---------------------------------------------------------------- decoding

Status FieldError(std::string_view name, std::string_view message) {
  std::string m = "field '";
  m += name;
  m += "': ";
  m += message;
  return InvalidArgumentError(std::move(m));
}

Status TypeError(std::string_view name, std::string_view expected, const Json& got) {
  std::string m = "expected ";
  m += expected;
  m += ", got ";
  m += got.type_name();
  return FieldError(name, m);
}

// Looks up a required field of `object`. Errors name the field and the type.
Result<const Json*> Required(const Json& object, std::string_view name, EntryType type) {
  const auto it = object.find(name);
  if (it == object.end()) {
    return FieldError(
        name, "missing (required by entry type '" + std::string(EntryTypeName(type)) + "')");
  }
  return &*it;
}

Result<int64_t> AsInt(const Json& value, std::string_view name) {
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return FieldError(name, "integer out of range");
    }
    return static_cast<int64_t>(u);
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  return TypeError(name, "an integer", value);
}

Result<std::string> AsString(const Json& value, std::string_view name) {
  if (!value.is_string()) return TypeError(name, "a string", value);
  return value.get<std::string>();
}

// The string of `value`, moved out when `take` (the caller owns the tree).
Result<std::string> TakeString(Json& value, std::string_view name, bool take) {
  if (!value.is_string()) return TypeError(name, "a string", value);
  if (take) return std::move(value.get_ref<std::string&>());
  return value.get_ref<const std::string&>();
}

Result<bool> AsBool(const Json& value, std::string_view name) {
  if (!value.is_boolean()) return TypeError(name, "a boolean", value);
  return value.get<bool>();
}

// Reads the named fields of one entry, remembering the type for messages.
// With `take`, strings and JSON values are moved out of the object instead of
// copied (DecodeEntry(Json&&): the trace reader owns each parsed line); the
// object is then left with empty values and must not be read again.
class FieldReader {
 public:
  FieldReader(Json& object, EntryType type, bool take)
      : object_(object), type_(type), take_(take) {}

  Result<int64_t> Int(std::string_view name) const {
    LOGACT_ASSIGN_OR_RETURN(const Json* v, Required(object_, name, type_));
    return AsInt(*v, name);
  }
  Result<std::string> String(std::string_view name) const {
    LOGACT_ASSIGN_OR_RETURN(const Json* v, Required(object_, name, type_));
    return TakeString(const_cast<Json&>(*v), name, take_);
  }
  Result<bool> Bool(std::string_view name) const {
    LOGACT_ASSIGN_OR_RETURN(const Json* v, Required(object_, name, type_));
    return AsBool(*v, name);
  }
  // An optional boolean: false when absent (or null).
  Result<bool> OptionalBool(std::string_view name) const {
    const auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) return false;
    return AsBool(*it, name);
  }
  // An optional JSON value: null when absent.
  Json Optional(std::string_view name) const {
    const auto it = object_.find(name);
    if (it == object_.end()) return Json();
    return take_ ? std::move(*it) : *it;
  }
  EntryType type() const { return type_; }
  bool take() const { return take_; }
  Json& object() const { return object_; }

 private:
  Json& object_;
  EntryType type_;
  bool take_;
};

Result<Action> DecodeAction(const FieldReader& reader) {
  LOGACT_ASSIGN_OR_RETURN(const Json* found, Required(reader.object(), "action", reader.type()));
  Json* value = const_cast<Json*>(found);  // the reader's object is ours to move from
  if (!value->is_object()) return TypeError("action", "an object", *value);
  Action action;
  const auto tool = value->find("tool");
  if (tool == value->end()) return FieldError("action.tool", "missing");
  LOGACT_ASSIGN_OR_RETURN(action.tool, TakeString(*tool, "action.tool", reader.take()));
  const auto args = value->find("args");
  if (args == value->end()) return FieldError("action.args", "missing");
  if (!args->is_object()) return TypeError("action.args", "an object", *args);
  action.args = reader.take() ? std::move(*args) : *args;
  return action;
}

Result<Payload> DecodePolicy(const FieldReader& r) {
  PolicyPayload p;
  LOGACT_ASSIGN_OR_RETURN(p.version, r.Int("version"));
  LOGACT_ASSIGN_OR_RETURN(p.expected_version, r.Int("expected_version"));
  p.decider = r.Optional("decider");
  p.voters = r.Optional("voters");
  if (!p.decider.is_null()) {
    const Result<DeciderPolicy> parsed = ParseDeciderPolicy(p.decider, "decider");
    if (!parsed.has_value()) return FieldError("decider", parsed.error().message());
  }
  return Payload(std::move(p));
}

Result<Payload> DecodePayload(const FieldReader& r) {
  const EntryType type = r.type();
  switch (type) {
    case EntryType::kMail: {
      MailPayload p;
      LOGACT_ASSIGN_OR_RETURN(p.from, r.String("from"));
      LOGACT_ASSIGN_OR_RETURN(p.body, r.String("body"));
      return Payload(std::move(p));
    }
    case EntryType::kInfIn:
    case EntryType::kInfOut: {
      InferencePayload p;
      LOGACT_ASSIGN_OR_RETURN(p.text, r.String("text"));
      LOGACT_ASSIGN_OR_RETURN(p.tokens, r.Int("tokens"));
      return Payload(std::move(p));
    }
    case EntryType::kIntent: {
      IntentPayload p;
      LOGACT_ASSIGN_OR_RETURN(p.action, DecodeAction(r));
      LOGACT_ASSIGN_OR_RETURN(p.driver, r.String("driver"));
      LOGACT_ASSIGN_OR_RETURN(p.epoch, r.Int("epoch"));
      return Payload(std::move(p));
    }
    case EntryType::kVote: {
      VotePayload p;
      LOGACT_ASSIGN_OR_RETURN(p.intent, r.Int("intent"));
      LOGACT_ASSIGN_OR_RETURN(p.voter, r.String("voter"));
      LOGACT_ASSIGN_OR_RETURN(p.voter_type, r.String("voter_type"));
      LOGACT_ASSIGN_OR_RETURN(p.approve, r.Bool("approve"));
      LOGACT_ASSIGN_OR_RETURN(p.reason, r.String("reason"));
      return Payload(std::move(p));
    }
    case EntryType::kCommit:
    case EntryType::kAbort: {
      DecisionPayload p;
      LOGACT_ASSIGN_OR_RETURN(p.intent, r.Int("intent"));
      LOGACT_ASSIGN_OR_RETURN(p.reason, r.String("reason"));
      LOGACT_ASSIGN_OR_RETURN(p.timeout, r.OptionalBool("timeout"));
      return Payload(std::move(p));
    }
    case EntryType::kResult: {
      ResultPayload p;
      LOGACT_ASSIGN_OR_RETURN(p.intent, r.Int("intent"));
      LOGACT_ASSIGN_OR_RETURN(p.ok, r.Bool("ok"));
      LOGACT_ASSIGN_OR_RETURN(p.output, r.String("output"));
      LOGACT_ASSIGN_OR_RETURN(p.restart, r.OptionalBool("restart"));
      return Payload(std::move(p));
    }
    case EntryType::kElect: {
      ElectPayload p;
      LOGACT_ASSIGN_OR_RETURN(p.driver, r.String("driver"));
      LOGACT_ASSIGN_OR_RETURN(p.epoch, r.Int("epoch"));
      return Payload(std::move(p));
    }
    case EntryType::kPolicy:
      return DecodePolicy(r);
    case EntryType::kOutput: {
      OutputPayload p;
      LOGACT_ASSIGN_OR_RETURN(p.text, r.String("text"));
      return Payload(std::move(p));
    }
  }
  return InternalError("unhandled entry type");
}

Result<int64_t> HeaderInt(const Json& object, std::string_view name) {
  const auto it = object.find(name);
  if (it == object.end()) return FieldError(name, "missing");
  return AsInt(*it, name);
}

// Every field that is neither header, "kind", nor a payload field of `type`.
Json CollectExtra(Json& object, EntryType type, bool take) {
  Json extra;  // null when there is nothing unknown
  for (auto& [key, value] : object.get_ref<Json::object_t&>()) {
    if (IsKnownField(type, key)) continue;
    if (extra.is_null()) extra = Json::object();
    extra[key] = take ? std::move(value) : value;
  }
  return extra;
}

// Both DecodeEntry overloads. With `take` false nothing in `object` is
// modified (the const overload casts its argument to share this code).
Result<Entry> DecodeEntryImpl(Json& object, bool take) {
  if (!object.is_object()) return TypeError("(entry)", "an object", object);
  Entry entry;
  // The header first, in field order; the type decides which payload fields are required.
  LOGACT_ASSIGN_OR_RETURN(entry.pos, HeaderInt(object, "pos"));
  LOGACT_ASSIGN_OR_RETURN(entry.ts, HeaderInt(object, "ts"));
  const auto type_value = object.find("type");
  if (type_value == object.end()) return FieldError("type", "missing");
  LOGACT_ASSIGN_OR_RETURN(const std::string type_name, AsString(*type_value, "type"));
  const Result<EntryType> type = ParseEntryType(type_name);
  if (!type.has_value()) return FieldError("type", "unknown entry type '" + type_name + "'");
  entry.type = *type;
  const FieldReader reader(object, entry.type, take);
  LOGACT_ASSIGN_OR_RETURN(entry.author, reader.String("author"));
  LOGACT_ASSIGN_OR_RETURN(entry.payload, DecodePayload(reader));
  entry.extra = CollectExtra(object, entry.type, take);
  LOGACT_ASSERT(PayloadMatchesType(entry.type, entry.payload));
  return entry;
}

}  // namespace

Result<Entry> DecodeEntry(const Json& object) {
  return DecodeEntryImpl(const_cast<Json&>(object), /*take=*/false);
}

Result<Entry> DecodeEntry(Json&& object) { return DecodeEntryImpl(object, /*take=*/true); }

Result<Entry> DecodeEntryText(std::string_view text) {
  if (text.size() > limits::kTraceLineBytesMax) {
    return FieldError("(json)", "entry of " + std::to_string(text.size()) +
                                    " bytes exceeds the limit of " +
                                    std::to_string(limits::kTraceLineBytesMax));
  }
  // The single-pass decoder handles every well-formed entry; anything else
  // (bad input above all) takes the nlohmann path, which words the errors.
  Entry entry;
  if (TryDecodeEntryText(text, EntryTextDecodeOptions{}, &entry)) return entry;
  Json object;
  try {
    object = Json::parse(text);
  } catch (const Json::exception& e) {
    return FieldError("(json)", e.what());
  }
  return DecodeEntry(std::move(object));
}

}  // namespace logact
