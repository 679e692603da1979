// The fast path of entry decoding: see the header for the contract.
//
// Why it can decline instead of reporting errors: every error message of
// entry decoding is produced by the nlohmann path (core/entry_codec.cc) and
// users and tests depend on those exact words, so the fast path never writes
// one. Declining costs one extra scan on bad input only.
//
// How the result stays identical: the scanner validates what it reads itself
// (structure, strings, integers, literals) as nlohmann's lexer does, and
// every other value (objects, arrays, non-integer numbers) is parsed by
// nlohmann on its exact substring, which yields the same value as inside the
// whole document. Keys are compared after unescaping, and a key seen twice
// declines, so no question of which duplicate wins arises.
#include "core/entry_text_decoder.h"

#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>

#include "core/assert.h"
#include "core/decider_policy.h"
#include "core/json.h"

namespace logact {
namespace {

// ---------------------------------------------------------------- scanning

enum class Kind : uint8_t { kString, kInt, kTrue, kFalse, kNull, kOther };

// One scanned JSON value. kOther is an object, an array or a number that is
// not an int64: nlohmann reads it from `raw` when it is needed.
// No default member initialisers: a decode default-constructs a whole array
// of members, and the scanner sets every field it later reads.
struct Value {
  Kind kind;
  std::string_view raw;  // kString: the bytes between the quotes; else the token
  bool escaped;          // kString: holds a backslash escape
  bool negative;         // kInt: written with '-' (nlohmann stores it signed)
  int64_t integer;       // kInt
};

struct Member {
  std::string_view key;  // the key's text: its bytes, or the scanner's copy when escaped
  Value value;
};

// Members read from one object; an object with more declines. Entries have
// at most 9 known fields and "kind", so only an entry with several unknown
// fields declines.
constexpr size_t kMembersMax = 16;

// Whether `key` is `name`: the length first, then a compare of a constant
// length, which the compiler inlines (a key is compared with several names).
template <size_t N>
bool Is(std::string_view key, const char (&name)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), name, N - 1) == 0;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of the four hex digits at `p`, or -1.
int32_t Hex4(const char* p) {
  int32_t unit = 0;
  for (int i = 0; i < 4; ++i) {
    const int digit = HexDigit(p[i]);
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

// The bytes of `word` (on a little-endian host byte i is bits 8i..8i+7) that need
// a closer look inside a string: '"', '\\', a control character (< 0x20) or a
// non-ASCII byte, as the high bit of each such byte. Exact for "any" and for
// the lowest such byte (a borrow only blurs the bytes above a flagged one),
// so zero lets the scanner skip eight plain bytes at once, and otherwise it
// can jump straight to the first byte to look at.
uint64_t LookBits(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101u;
  constexpr uint64_t kHigh = 0x8080808080808080u;
  const uint64_t quote = word ^ (kOnes * '"');
  const uint64_t backslash = word ^ (kOnes * '\\');
  const uint64_t zero_quote = (quote - kOnes) & ~quote;
  const uint64_t zero_backslash = (backslash - kOnes) & ~backslash;
  const uint64_t control = word - kOnes * 0x20;  // high bit set where byte < 0x20 (or borrow)
  return (zero_quote | zero_backslash | control | word) & kHigh;
}

// A cursor over the text. Every method returns false on anything it does not
// accept; the caller then declines.
class Scanner {
 public:
  Scanner(std::string_view text, size_t depth_max)
      : p_(text.data()), end_(text.data() + text.size()), depth_max_(depth_max) {}

  // Inlined: called around every token, and the call showed in the profile.
  [[gnu::always_inline]] void SkipSpace() {
    // Most calls stop at once on a byte above ' ': one test for those.
    while (p_ < end_ && static_cast<unsigned char>(*p_) <= ' ' && IsSpace(*p_)) ++p_;
  }
  bool AtEnd() const { return p_ == end_; }
  bool Peek(char c) const { return p_ < end_ && *p_ == c; }
  bool Consume(char c) {
    if (!Peek(c)) return false;
    ++p_;
    return true;
  }

  // At '{' opening an object at nesting level `depth`: reads its members.
  bool Object(size_t depth, std::span<Member> members, size_t* count);

 private:
  bool String(std::string_view* raw, bool* escaped);
  bool Escape();
  bool Utf8();
  bool Number(Value* value);
  bool Digits();
  bool Literal(std::string_view word, Kind kind, Value* value);
  bool Composite(size_t depth, std::string_view* raw);
  bool AnyValue(size_t depth, Value* value);

  const char* p_;
  const char* end_;
  size_t depth_max_;
  // Unescaped keys, by member index; allocated for the rare escaped key only,
  // since constructing strings for every member showed in the profile.
  std::unique_ptr<std::array<std::string, kMembersMax>> unescaped_keys_;
};

void Unescape(std::string_view raw, std::string* out);

// At the opening quote. Validates as nlohmann's lexer does: no control
// characters, only JSON escapes, \u surrogates paired, well-formed UTF-8.
bool Scanner::String(std::string_view* raw, bool* escaped) {
  ++p_;
  const char* start = p_;
  *escaped = false;
  for (;;) {
    while (end_ - p_ >= 8) {
      uint64_t word;
      std::memcpy(&word, p_, 8);
      const uint64_t look = LookBits(word);
      if (look != 0) {
        // Skip to the first byte to look at (on a big-endian host the borrows
        // blur the first bytes instead: look from the word's start there).
        if constexpr (std::endian::native == std::endian::little) p_ += std::countr_zero(look) / 8;
        break;
      }
      p_ += 8;
    }
    if (p_ == end_) return false;
    const auto c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      *raw = std::string_view(start, static_cast<size_t>(p_ - start));
      ++p_;
      return true;
    }
    if (c < 0x20) return false;
    if (c == '\\') {
      *escaped = true;
      if (!Escape()) return false;
    } else if (c >= 0x80) {
      if (!Utf8()) return false;
    } else {
      ++p_;
    }
  }
}

// At a backslash.
bool Scanner::Escape() {
  if (end_ - p_ < 2) return false;
  switch (p_[1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
      p_ += 2;
      return true;
    case 'u':
      break;
    default:
      return false;
  }
  if (end_ - p_ < 6) return false;
  const int32_t unit = Hex4(p_ + 2);
  p_ += 6;
  if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) return false;  // a lone low surrogate
  if (unit < 0xD800 || unit > 0xDBFF) return true;
  // A high surrogate must be followed by an escaped low one.
  if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u') return false;
  const int32_t low = Hex4(p_ + 2);
  p_ += 6;
  return low >= 0xDC00 && low <= 0xDFFF;
}

// At a non-ASCII byte: one well-formed UTF-8 sequence (no overlong forms, no
// surrogates, nothing above U+10FFFF), as nlohmann's lexer demands.
bool Scanner::Utf8() {
  const auto* s = reinterpret_cast<const unsigned char*>(p_);
  const unsigned lead = s[0];
  size_t length = 0;
  unsigned low = 0x80;
  unsigned high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return false;
  }
  if (static_cast<size_t>(end_ - p_) < length) return false;
  if (s[1] < low || s[1] > high) return false;
  for (size_t i = 2; i < length; ++i) {
    if (s[i] < 0x80 || s[i] > 0xBF) return false;
  }
  p_ += length;
  return true;
}

bool Scanner::Digits() {
  if (p_ == end_ || !IsDigit(*p_)) return false;
  while (p_ < end_ && IsDigit(*p_)) ++p_;
  return true;
}

// The JSON number grammar; an integer that fits int64 is kInt (as nlohmann
// reads it: non-negative unsigned, negative signed), anything else kOther.
bool Scanner::Number(Value* value) {
  const char* start = p_;
  const bool negative = Consume('-');
  if (p_ == end_) return false;
  uint64_t magnitude = 0;
  bool overflow = false;
  if (*p_ == '0') {
    ++p_;
  } else if (*p_ >= '1' && *p_ <= '9') {
    for (; p_ < end_ && IsDigit(*p_); ++p_) {
      const auto digit = static_cast<uint64_t>(*p_ - '0');
      if (magnitude > (UINT64_MAX - digit) / 10) overflow = true;
      magnitude = magnitude * 10 + digit;
    }
  } else {
    return false;
  }
  bool integer = true;
  if (Consume('.')) {
    integer = false;
    if (!Digits()) return false;
  }
  if (Peek('e') || Peek('E')) {
    ++p_;
    integer = false;
    if (!Consume('+')) Consume('-');
    if (!Digits()) return false;
  }
  value->raw = std::string_view(start, static_cast<size_t>(p_ - start));
  value->negative = negative;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (!integer || overflow || magnitude > limit) {
    value->kind = Kind::kOther;
    return true;
  }
  value->kind = Kind::kInt;
  // Modular conversion (C++20) maps 2^63 to INT64_MIN.
  value->integer = static_cast<int64_t>(negative ? ~magnitude + 1 : magnitude);
  return true;
}

bool Scanner::Literal(std::string_view word, Kind kind, Value* value) {
  if (static_cast<size_t>(end_ - p_) < word.size() ||
      std::memcmp(p_, word.data(), word.size()) != 0) {
    return false;
  }
  value->kind = kind;
  value->raw = std::string_view(p_, word.size());
  p_ += word.size();
  return true;
}

// At '[' or '{' opening a value at nesting level `depth`: finds the matching
// close bracket, skipping strings. The structure inside is not validated
// here: nlohmann parses the substring (or the scan declines).
bool Scanner::Composite(size_t depth, std::string_view* raw) {
  const char* start = p_;
  size_t level = 0;
  while (p_ < end_) {
    const char c = *p_++;
    if (c == '"') {
      while (p_ < end_ && *p_ != '"') {
        if (*p_ == '\\' && end_ - p_ > 1) ++p_;
        ++p_;
      }
      if (p_ == end_) return false;
      ++p_;
    } else if (c == '[' || c == '{') {
      ++level;
      if (depth + level - 1 > depth_max_) return false;
    } else if (c == ']' || c == '}') {
      if (--level == 0) {
        *raw = std::string_view(start, static_cast<size_t>(p_ - start));
        return true;
      }
    }
  }
  return false;
}

bool Scanner::AnyValue(size_t depth, Value* value) {
  if (p_ == end_) return false;
  switch (*p_) {
    case '"':
      value->kind = Kind::kString;
      return String(&value->raw, &value->escaped);
    case '{':
    case '[':
      value->kind = Kind::kOther;
      return Composite(depth, &value->raw);
    case 't':
      return Literal("true", Kind::kTrue, value);
    case 'f':
      return Literal("false", Kind::kFalse, value);
    case 'n':
      return Literal("null", Kind::kNull, value);
    default:
      return Number(value);
  }
}

bool Scanner::Object(size_t depth, std::span<Member> members, size_t* count) {
  LOGACT_ASSERT_LE(members.size(), kMembersMax);  // unescaped_keys_ is indexed by member
  if (depth > depth_max_ || !Consume('{')) return false;
  *count = 0;
  SkipSpace();
  if (Consume('}')) return true;
  for (;;) {
    if (*count == members.size() || !Peek('"')) return false;
    Member& member = members[(*count)++];
    bool escaped = false;
    if (!String(&member.key, &escaped)) return false;
    if (escaped) {
      if (unescaped_keys_ == nullptr) {
        unescaped_keys_ = std::make_unique<std::array<std::string, kMembersMax>>();
      }
      std::string& unescaped = (*unescaped_keys_)[*count - 1];
      Unescape(member.key, &unescaped);
      member.key = unescaped;
    }
    SkipSpace();
    if (!Consume(':')) return false;
    SkipSpace();
    if (!AnyValue(depth + 1, &member.value)) return false;
    SkipSpace();
    if (Consume(',')) {
      SkipSpace();
      continue;
    }
    return Consume('}');
  }
}

// ---------------------------------------------------------------- values

// The text of a string the scanner validated, escapes resolved.
void Unescape(std::string_view raw, std::string* out) {
  out->clear();
  size_t i = 0;
  for (;;) {
    const size_t backslash = raw.find('\\', i);
    if (backslash == std::string_view::npos) {
      out->append(raw.substr(i));
      return;
    }
    out->append(raw.substr(i, backslash - i));
    const char escape = raw[backslash + 1];
    i = backslash + 2;
    switch (escape) {
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        auto code_point = static_cast<uint32_t>(Hex4(raw.data() + i));
        i += 4;
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {  // paired (validated)
          const auto low = static_cast<uint32_t>(Hex4(raw.data() + i + 2));
          i += 6;
          code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
        }
        AppendUtf8(code_point, out);
        break;
      }
      default:  // '"', '\\', '/'
        out->push_back(escape);
    }
  }
}

bool ReadString(const Value& value, std::string* out) {
  if (value.kind != Kind::kString) return false;
  if (value.escaped) {
    Unescape(value.raw, out);
  } else {
    out->assign(value.raw);
  }
  return true;
}

bool ReadInt(const Value& value, int64_t* out) {
  if (value.kind != Kind::kInt) return false;
  *out = value.integer;
  return true;
}

bool ReadBool(const Value& value, bool* out) {
  if (value.kind != Kind::kTrue && value.kind != Kind::kFalse) return false;
  *out = value.kind == Kind::kTrue;
  return true;
}

// An optional boolean: null reads as false, as DecodeEntry's OptionalBool.
bool ReadOptionalBool(const Value& value, bool* out) {
  if (value.kind == Kind::kNull) {
    *out = false;
    return true;
  }
  return ReadBool(value, out);
}

bool ReadJson(const Value& value, Json* out, size_t depth = 0);

// Objects nested deeper than this inside one value are left to nlohmann's
// parser (which does not recurse), so hostile nesting cannot exhaust the stack.
constexpr size_t kBuiltObjectDepthMax = 8;

// An object (Action args, mostly: a few strings and integers) built member by
// member without nlohmann's parser, whose set-up dominated for such small
// objects. A duplicate key or more than kMembersMax members declines, and
// the caller parses the text with nlohmann instead.
bool ReadJsonObject(std::string_view raw, Json* out, size_t depth) {
  if (depth >= kBuiltObjectDepthMax) return false;
  Scanner scanner(raw, std::numeric_limits<size_t>::max());
  std::array<Member, kMembersMax> members;
  size_t count = 0;
  if (!scanner.Object(0, members, &count) || !scanner.AtEnd()) return false;
  // Built in *out (on a decline the caller overwrites it): an Action's args
  // are an empty object already, whose allocation is reused.
  if (!out->is_object() || !out->empty()) *out = Json::object();
  Json& object = *out;
  for (size_t i = 0; i < count; ++i) {
    const Member& member = members[i];
    Json value;
    if (!ReadJson(member.value, &value, depth + 1)) return false;
    if (!object.emplace(std::string(member.key), std::move(value)).second) return false;
  }
  return true;
}

// A number written with a fraction or an exponent (the scanner validated the
// JSON grammar), as the double nlohmann reads: its lexer calls strtod, and
// both strtod and from_chars round correctly to the nearest double. Numbers
// out of range (nlohmann reports an overflow, from_chars an error) and
// integers too large for int64 (nlohmann may store them unsigned) decline.
bool ReadFloat(std::string_view raw, Json* out) {
  if (raw.find_first_of(".eE") == std::string_view::npos) return false;
  double number = 0;
  const auto [end, error] = std::from_chars(raw.data(), raw.data() + raw.size(), number);
  if (error != std::errc() || end != raw.data() + raw.size()) return false;
  *out = number;
  return true;
}

// Any value as the Json nlohmann would build for it.
bool ReadJson(const Value& value, Json* out, size_t depth) {
  switch (value.kind) {
    case Kind::kString: {
      std::string text;
      ReadString(value, &text);
      *out = std::move(text);
      return true;
    }
    case Kind::kInt:
      if (value.negative) {
        *out = value.integer;
      } else {
        *out = static_cast<uint64_t>(value.integer);
      }
      return true;
    case Kind::kTrue:
    case Kind::kFalse:
      *out = value.kind == Kind::kTrue;
      return true;
    case Kind::kNull:
      *out = nullptr;
      return true;
    case Kind::kOther:
      if (value.raw.front() == '{' && ReadJsonObject(value.raw, out, depth)) return true;
      if (ReadFloat(value.raw, out)) return true;
      *out = Json::parse(value.raw, nullptr, /*allow_exceptions=*/false);
      return !out->is_discarded();
  }
  return false;
}

// ---------------------------------------------------------------- entries

// What happened to a member offered to a payload.
enum class Offer : uint8_t { kTaken, kUnknown, kDecline };

Offer Taken(bool ok) { return ok ? Offer::kTaken : Offer::kDecline; }

// The action object {"args":{...},"tool":"..."} (any order, nothing else: the
// nlohmann path ignores other keys, we decline them). `value` is the object
// at nesting level 2, already checked against the depth limit.
bool ReadAction(const Value& value, Action* action) {
  if (value.kind != Kind::kOther || value.raw.front() != '{') return false;
  Scanner scanner(value.raw, std::numeric_limits<size_t>::max());
  std::array<Member, 4> members;
  size_t count = 0;
  if (!scanner.Object(2, members, &count) || !scanner.AtEnd() || count != 2) return false;
  bool args = false;
  bool tool = false;
  for (size_t i = 0; i < count; ++i) {
    const Member& m = members[i];
    if (Is(m.key, "tool") && !tool) {
      tool = ReadString(m.value, &action->tool);
      if (!tool) return false;
    } else if (Is(m.key, "args") && !args) {
      if (m.value.kind != Kind::kOther || m.value.raw.front() != '{') return false;
      args = ReadJson(m.value, &action->args);
      if (!args) return false;
    } else {
      return false;
    }
  }
  return args && tool;
}

// Offers one member to the payload of the entry's type. Each payload field
// sets its bit in *seen (a second sighting declines: duplicate key); the
// caller compares *seen with the required bits.
struct PayloadOffer {
  std::string_view key;
  const Value& value;
  uint32_t* seen;

  Offer Field(uint32_t bit, bool ok) const {
    if ((*seen & bit) != 0) return Offer::kDecline;
    *seen |= bit;
    return Taken(ok);
  }
  Offer operator()(MailPayload& p) const {
    if (Is(key, "from")) return Field(1, ReadString(value, &p.from));
    if (Is(key, "body")) return Field(2, ReadString(value, &p.body));
    return Offer::kUnknown;
  }
  Offer operator()(InferencePayload& p) const {
    if (Is(key, "text")) return Field(1, ReadString(value, &p.text));
    if (Is(key, "tokens")) return Field(2, ReadInt(value, &p.tokens));
    return Offer::kUnknown;
  }
  Offer operator()(IntentPayload& p) const {
    if (Is(key, "action")) return Field(1, ReadAction(value, &p.action));
    if (Is(key, "driver")) return Field(2, ReadString(value, &p.driver));
    if (Is(key, "epoch")) return Field(4, ReadInt(value, &p.epoch));
    return Offer::kUnknown;
  }
  Offer operator()(VotePayload& p) const {
    if (Is(key, "intent")) return Field(1, ReadInt(value, &p.intent));
    if (Is(key, "voter")) return Field(2, ReadString(value, &p.voter));
    if (Is(key, "voter_type")) return Field(4, ReadString(value, &p.voter_type));
    if (Is(key, "approve")) return Field(8, ReadBool(value, &p.approve));
    if (Is(key, "reason")) return Field(16, ReadString(value, &p.reason));
    return Offer::kUnknown;
  }
  Offer operator()(DecisionPayload& p) const {
    if (Is(key, "intent")) return Field(1, ReadInt(value, &p.intent));
    if (Is(key, "reason")) return Field(2, ReadString(value, &p.reason));
    if (Is(key, "timeout")) return Field(4, ReadOptionalBool(value, &p.timeout));
    return Offer::kUnknown;
  }
  Offer operator()(ResultPayload& p) const {
    if (Is(key, "intent")) return Field(1, ReadInt(value, &p.intent));
    if (Is(key, "ok")) return Field(2, ReadBool(value, &p.ok));
    if (Is(key, "output")) return Field(4, ReadString(value, &p.output));
    if (Is(key, "restart")) return Field(8, ReadOptionalBool(value, &p.restart));
    return Offer::kUnknown;
  }
  Offer operator()(ElectPayload& p) const {
    if (Is(key, "driver")) return Field(1, ReadString(value, &p.driver));
    if (Is(key, "epoch")) return Field(2, ReadInt(value, &p.epoch));
    return Offer::kUnknown;
  }
  Offer operator()(PolicyPayload& p) const {
    if (Is(key, "version")) return Field(1, ReadInt(value, &p.version));
    if (Is(key, "expected_version")) return Field(2, ReadInt(value, &p.expected_version));
    if (Is(key, "decider")) return Field(4, ReadJson(value, &p.decider));
    if (Is(key, "voters")) return Field(8, ReadJson(value, &p.voters));
    return Offer::kUnknown;
  }
  Offer operator()(OutputPayload& p) const {
    if (Is(key, "text")) return Field(1, ReadString(value, &p.text));
    return Offer::kUnknown;
  }
};

// Makes *payload a fresh payload of `type`'s alternative, built in place (no
// temporary to move), and returns the bits of its required fields
// (PayloadOffer's bits; optional fields have the higher bits).
uint32_t ResetPayload(EntryType type, Payload* payload) {
  switch (type) {
    case EntryType::kMail:
      payload->emplace<MailPayload>();
      return 0x3;
    case EntryType::kInfIn:
    case EntryType::kInfOut:
      payload->emplace<InferencePayload>();
      return 0x3;
    case EntryType::kIntent:
      payload->emplace<IntentPayload>();
      return 0x7;
    case EntryType::kVote:
      payload->emplace<VotePayload>();
      return 0x1F;
    case EntryType::kCommit:
    case EntryType::kAbort:
      payload->emplace<DecisionPayload>();
      return 0x3;  // timeout is optional
    case EntryType::kResult:
      payload->emplace<ResultPayload>();
      return 0x7;  // restart is optional
    case EntryType::kElect:
      payload->emplace<ElectPayload>();
      return 0x3;
    case EntryType::kPolicy:
      payload->emplace<PolicyPayload>();
      return 0x3;  // decider and voters are optional
    case EntryType::kOutput:
      payload->emplace<OutputPayload>();
      return 0x1;
  }
  LOGACT_ASSERT(false);
  return 0;
}

// Header bits, beside the payload's in a separate word.
constexpr uint32_t kSeenPos = 1;
constexpr uint32_t kSeenTs = 2;
constexpr uint32_t kSeenType = 4;
constexpr uint32_t kSeenAuthor = 8;
constexpr uint32_t kSeenKind = 16;
constexpr uint32_t kHeaderRequired = kSeenPos | kSeenTs | kSeenType | kSeenAuthor;

// The "kind" member: "entry" for a trace record; otherwise any valid value.
bool AcceptKind(const Value& value, const EntryTextDecodeOptions& options) {
  if (options.require_kind_entry) {
    if (value.kind != Kind::kString) return false;
    if (!value.escaped) return value.raw == "entry";
    std::string kind;
    Unescape(value.raw, &kind);
    return kind == "entry";
  }
  if (value.kind != Kind::kOther) return true;  // the scanner validated it
  return Json::accept(value.raw);
}

// Offers one header member. Returns kUnknown for any other key.
Offer OfferHeader(const Member& m, const EntryTextDecodeOptions& options, uint32_t* seen,
                  Entry* entry) {
  uint32_t bit = 0;
  bool ok = false;
  // Dispatched on the key's length first: every member of every entry comes
  // here, and most are payload fields that no header name matches.
  switch (m.key.size()) {
    case 2:
      if (!Is(m.key, "ts")) return Offer::kUnknown;
      bit = kSeenTs;
      ok = ReadInt(m.value, &entry->ts);
      break;
    case 3:
      if (!Is(m.key, "pos")) return Offer::kUnknown;
      bit = kSeenPos;
      ok = ReadInt(m.value, &entry->pos);
      break;
    case 4:
      if (Is(m.key, "type")) {
        bit = kSeenType;
        ok = true;  // read before the members are offered
      } else if (Is(m.key, "kind")) {
        bit = kSeenKind;
        ok = AcceptKind(m.value, options);
      } else {
        return Offer::kUnknown;
      }
      break;
    case 6:
      if (!Is(m.key, "author")) return Offer::kUnknown;
      bit = kSeenAuthor;
      ok = ReadString(m.value, &entry->author);
      break;
    default:
      return Offer::kUnknown;
  }
  if ((*seen & bit) != 0) return Offer::kDecline;
  *seen |= bit;
  return Taken(ok);
}

// The entry type named by the "type" member (a known name), if any.
std::optional<EntryType> FindType(std::span<const Member> members) {
  for (const Member& m : members) {
    if (!Is(m.key, "type")) continue;
    if (m.value.kind != Kind::kString) return std::nullopt;
    std::string name;
    if (m.value.escaped) Unescape(m.value.raw, &name);
    const Result<EntryType> type = ParseEntryType(m.value.escaped ? name : m.value.raw);
    if (!type.has_value()) return std::nullopt;
    return *type;
  }
  return std::nullopt;
}

// An unknown member goes to Entry::extra (a repeated key declines).
bool AddExtra(const Member& m, Json* extra) {
  if (extra->is_null()) {
    *extra = Json::object();
  } else if (extra->contains(m.key)) {
    return false;
  }
  Json value;
  if (!ReadJson(m.value, &value)) return false;
  extra->emplace(std::string(m.key), std::move(value));
  return true;
}

bool DecodeMembers(std::span<const Member> members, const EntryTextDecodeOptions& options,
                   Entry* entry) {
  const std::optional<EntryType> type = FindType(members);
  if (!type.has_value()) return false;
  entry->type = *type;
  const uint32_t payload_required = ResetPayload(*type, &entry->payload);
  entry->extra = Json();
  uint32_t header_seen = 0;
  uint32_t payload_seen = 0;
  for (const Member& m : members) {
    Offer offer = OfferHeader(m, options, &header_seen, entry);
    if (offer == Offer::kUnknown) {
      offer = std::visit(PayloadOffer{m.key, m.value, &payload_seen}, entry->payload);
    }
    if (offer == Offer::kDecline) return false;
    if (offer == Offer::kUnknown && !AddExtra(m, &entry->extra)) return false;
  }
  if ((header_seen & kHeaderRequired) != kHeaderRequired) return false;
  if (options.require_kind_entry && (header_seen & kSeenKind) == 0) return false;
  if ((payload_seen & payload_required) != payload_required) return false;
  if (const auto* policy = std::get_if<PolicyPayload>(&entry->payload);
      policy != nullptr && !policy->decider.is_null()) {
    // The nlohmann path reports a malformed policy; we only know it is one.
    if (!ParseDeciderPolicy(policy->decider, "decider").has_value()) return false;
  }
  LOGACT_ASSERT(PayloadMatchesType(entry->type, entry->payload));
  return true;
}

}  // namespace

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

bool TryDecodeEntryText(std::string_view text, const EntryTextDecodeOptions& options,
                        Entry* entry) {
  LOGACT_ASSERT(entry != nullptr);
  Scanner scanner(text, options.json_depth_max);
  std::array<Member, kMembersMax> members;
  size_t count = 0;
  scanner.SkipSpace();
  if (!scanner.Object(1, members, &count)) return false;
  scanner.SkipSpace();
  if (!scanner.AtEnd()) return false;
  LOGACT_ASSERT_LE(count, members.size());
  return DecodeMembers(std::span<const Member>(members.data(), count), options, entry);
}

}  // namespace logact
