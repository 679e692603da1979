// Tests of core/entry_text_decoder.h: the single-pass decoder must give
// exactly what the nlohmann path gives (the same Entry, with the same JSON
// number types), and decline everything else so that DecodeEntryText's
// errors keep their exact words. Method: a differential check of every text
// against the reference path (nlohmann DOM parse + DecodeEntry), on hand
// cases, on the shared example traces, and on RapidCheck-generated entries
// written in varied JSON (field order, whitespace, escapes, number forms,
// duplicates, dropped fields, ill-typed values) and then corrupted byte-wise.
#include "core/entry_text_decoder.h"

#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <bit>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "core/entry_codec.h"
#include "core/limits.h"
#include "core/same_json.h"

namespace logact {
namespace {

// The nlohmann path, as DecodeEntryText ran it before the fast path existed.
Result<Entry> Reference(std::string_view text) {
  Json object;
  try {
    object = Json::parse(text);
  } catch (const Json::exception& e) {
    return InvalidArgumentError(std::string("field '(json)': ") + e.what());
  }
  return DecodeEntry(std::move(object));
}

bool SameEntry(const Entry& a, const Entry& b) {
  if (!(a == b) || !SameJson(a.extra, b.extra)) return false;
  if (a.type == EntryType::kIntent) return SameJson(a.intent().action.args, b.intent().action.args);
  if (a.type == EntryType::kPolicy) {
    return SameJson(a.policy().decider, b.policy().decider) &&
           SameJson(a.policy().voters, b.policy().voters);
  }
  return true;
}

// What one text did on both paths; `fast` says whether the fast path took it.
struct Outcome {
  bool agree = false;
  bool fast = false;
  std::string why;
};

Outcome Compare(std::string_view text, const EntryTextDecodeOptions& options = {}) {
  Outcome outcome;
  const Result<Entry> reference = Reference(text);
  const Result<Entry> decoded = DecodeEntryText(text);
  Entry fast;
  outcome.fast = TryDecodeEntryText(text, options, &fast);
  if (reference.has_value()) {
    outcome.agree = decoded.has_value() && SameEntry(*decoded, *reference) &&
                    (!outcome.fast || SameEntry(fast, *reference));
    if (!outcome.agree) outcome.why = "decoded differently";
  } else {
    outcome.agree = !decoded.has_value() && !outcome.fast &&
                    decoded.error().message() == reference.error().message() &&
                    decoded.error().code() == reference.error().code();
    if (!outcome.agree) {
      outcome.why = "error differs: want '" + reference.error().message() + "' got " +
                    (decoded.has_value() ? "a value" : "'" + decoded.error().message() + "'") +
                    (outcome.fast ? " (fast path took it)" : "");
    }
  }
  return outcome;
}

void CheckAgrees(std::string_view text, bool want_fast) {
  const Outcome outcome = Compare(text);
  BOOST_CHECK_MESSAGE(outcome.agree, std::string(text) + ": " + outcome.why);
  BOOST_CHECK_MESSAGE(
      outcome.fast == want_fast,
      std::string(text) + (want_fast ? ": fast path declined" : ": fast path took"));
}

// ---------------------------------------------------------------- generated texts

// Code points of every class the scanner treats differently.
rc::Gen<uint32_t> GenCodePoint() {
  return rc::gen::weightedOneOf<uint32_t>({
      {8, rc::gen::inRange<uint32_t>(0x20, 0x7F)},
      {1, rc::gen::inRange<uint32_t>(0, 0x20)},
      {1, rc::gen::element<uint32_t>('"', '\\', '/', 0x7F)},
      {1, rc::gen::inRange<uint32_t>(0x80, 0xD800)},
      {1, rc::gen::inRange<uint32_t>(0xE000, 0x110000)},
  });
}

rc::Gen<std::string> GenText() {
  return rc::gen::map(
      rc::gen::resize(12, rc::gen::container<std::vector<uint32_t>>(GenCodePoint())),
      [](const std::vector<uint32_t>& code_points) {
        std::string text;
        for (const uint32_t c : code_points) AppendUtf8(c, &text);
        return text;
      });
}

rc::Gen<int64_t> GenInt() {
  return rc::gen::weightedOneOf<int64_t>({
      {4, rc::gen::inRange<int64_t>(-3, 1000)},
      {1, rc::gen::element<int64_t>(std::numeric_limits<int64_t>::min(),
                                    std::numeric_limits<int64_t>::max(), 0, -1)},
      {1, rc::gen::arbitrary<int64_t>()},
  });
}

// A JSON value for args, policies and unknown fields: scalars of every type
// (signed, unsigned, float) and shallow containers. Drawn inside the property
// (no rc::Gen<Json>: RapidCheck brace-initialises values, which nlohmann
// reads as arrays).
Json DrawScalar() {
  switch (*rc::gen::inRange(0, 6)) {
    case 0:
      return Json(*GenText());
    case 1:
      return Json(*GenInt());
    case 2:
      return Json(*rc::gen::arbitrary<uint64_t>());
    case 3:
      return Json(*rc::gen::element(1.5, -0.25, 1e300, 0.0));
    case 4:
      return Json(*rc::gen::arbitrary<bool>());
    default:
      return Json();
  }
}

Json DrawObject() {
  Json object = Json::object();
  const int size = *rc::gen::inRange(0, 4);
  for (int i = 0; i < size; ++i) object[*GenText()] = DrawScalar();
  if (size > 0) object["list"] = Json::array({DrawScalar(), Json::object()});
  return object;
}

// An entry of a random type with random field values.
Entry GenEntry() {
  const auto type = static_cast<EntryType>(*rc::gen::inRange(0, kEntryTypeCount));
  const std::string author = *GenText();
  Entry entry;
  switch (type) {
    case EntryType::kMail:
      entry = MakeMail(author, *GenText(), *GenText());
      break;
    case EntryType::kInfIn:
    case EntryType::kInfOut:
      entry = MakeInference(type, author, *GenText(), *GenInt());
      break;
    case EntryType::kIntent:
      entry = MakeIntent(author, Action{*GenText(), DrawObject()}, *GenText(), *GenInt());
      break;
    case EntryType::kVote:
      entry = MakeVote(author, VotePayload{*GenInt(), *GenText(), *GenText(),
                                           *rc::gen::arbitrary<bool>(), *GenText()});
      break;
    case EntryType::kCommit:
    case EntryType::kAbort:
      entry = MakeDecision(type, author,
                           DecisionPayload{*GenInt(), *GenText(), *rc::gen::arbitrary<bool>()});
      break;
    case EntryType::kResult:
      entry = MakeResult(author, ResultPayload{*GenInt(), *rc::gen::arbitrary<bool>(), *GenText(),
                                               *rc::gen::arbitrary<bool>()});
      break;
    case EntryType::kElect:
      entry = MakeElect(author, *GenText(), *GenInt());
      break;
    case EntryType::kPolicy: {
      // Not rc::gen::element: it would brace-initialise one Json array of all choices.
      std::vector<Json> deciders(5);
      deciders[1] = Json::parse(R"({"kind":"on_by_default"})");
      deciders[2] = Json::parse(R"({"kind":"any_of","types":["a"]})");
      deciders[3] = Json::parse(R"({"kind":"quorum","k":2,"types":["a","b"]})");
      deciders[4] = Json::parse(R"({"kind":"bogus"})");
      const Json decider = deciders[*rc::gen::inRange<size_t>(0, deciders.size())];
      const Json voters = *rc::gen::arbitrary<bool>() ? DrawObject() : Json();
      entry = MakePolicy(author, PolicyPayload{*GenInt(), *GenInt(), decider, voters});
      break;
    }
    case EntryType::kOutput:
      entry = MakeOutput(author, *GenText());
      break;
  }
  entry.pos = *GenInt();
  entry.ts = *GenInt();
  if (*rc::gen::inRange(0, 4) == 0) entry.extra = DrawObject();
  return entry;
}

// Writes JSON with choices drawn from a tape: whitespace between tokens and
// escapes (short, \u in either case, surrogate pairs).
class VariedWriter {
 public:
  explicit VariedWriter(std::vector<uint8_t> tape) : tape_(std::move(tape)) {}

  void Space() {
    static constexpr const char* kSpaces[] = {" ", "\t", "\n", "\r", "  \r\n"};
    if (Draw() % 4 == 0) out_ += kSpaces[Draw() % 5];
  }
  void String(std::string_view utf8) {
    // nlohmann decodes our UTF-8 into code points; re-escaping works on them.
    const std::u32string code_points = CodePoints(utf8);
    out_ += '"';
    for (const char32_t c : code_points) Char(static_cast<uint32_t>(c));
    out_ += '"';
  }
  void Value(const Json& value) {
    Space();
    if (value.is_object()) {
      out_ += '{';
      bool first = true;
      for (const auto& [key, member] : value.items()) {
        if (!first) out_ += ',';
        first = false;
        Space();
        String(key);
        Space();
        out_ += ':';
        Value(member);
      }
      Space();
      out_ += '}';
    } else if (value.is_array()) {
      out_ += '[';
      for (size_t i = 0; i < value.size(); ++i) {
        if (i > 0) out_ += ',';
        Value(value[i]);
      }
      Space();
      out_ += ']';
    } else if (value.is_string()) {
      String(value.get_ref<const std::string&>());
    } else {
      out_ += value.dump();
    }
    Space();
  }
  std::string& out() { return out_; }
  uint8_t Draw() { return tape_.empty() ? 0 : tape_[next_++ % tape_.size()]; }

 private:
  static std::u32string CodePoints(std::string_view utf8) {
    std::u32string out;
    for (size_t i = 0; i < utf8.size();) {
      const auto lead = static_cast<unsigned char>(utf8[i]);
      const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      uint32_t c = length == 1 ? lead : lead & (0x7F >> length);
      for (size_t k = 1; k < length; ++k) c = (c << 6) | (utf8[i + k] & 0x3F);
      out.push_back(c);
      i += length;
    }
    return out;
  }
  void Escape(uint32_t unit) {
    char buffer[8];
    std::snprintf(buffer, sizeof(buffer), Draw() % 2 ? "\\u%04x" : "\\u%04X", unit);
    out_ += buffer;
  }
  void Char(uint32_t c) {
    const uint8_t choice = Draw() % 8;  // 0: as is (an empty tape writes plain text)
    if (choice == 1) {
      if (c >= 0x10000) {
        Escape(0xD800 + ((c - 0x10000) >> 10));
        Escape(0xDC00 + ((c - 0x10000) & 0x3FF));
      } else {
        Escape(c);
      }
      return;
    }
    static constexpr std::string_view kShort = "\"\"\\\\//\bb\ff\nn\rr\tt";
    for (size_t i = 0; i < kShort.size(); i += 2) {
      if (static_cast<uint32_t>(kShort[i]) == c &&
          (choice == 2 || c < 0x20 || c == '"' || c == '\\')) {
        out_ += '\\';
        out_ += kShort[i + 1];
        return;
      }
    }
    if (c < 0x20) return Escape(c);
    AppendUtf8(c, &out_);
  }

  std::vector<uint8_t> tape_;
  size_t next_ = 0;
  std::string out_;
};

// The members of `entry`'s encoding, re-ordered, re-spaced and re-escaped.
std::string Reformat(const Entry& entry, VariedWriter& writer) {
  std::string encoded;
  EncodeEntry(entry, writer.Draw() % 2 == 0, &encoded);
  const Json object = Json::parse(encoded);
  std::vector<std::pair<std::string, Json>> members;
  for (const auto& [key, value] : object.items()) members.emplace_back(key, value);
  for (size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[writer.Draw() % i]);
  writer.Space();
  writer.out() += '{';
  for (size_t i = 0; i < members.size(); ++i) {
    if (i > 0) writer.out() += ',';
    writer.Space();
    writer.String(members[i].first);
    writer.Space();
    writer.out() += ':';
    writer.Value(members[i].second);
  }
  writer.out() += '}';
  writer.Space();
  return writer.out();
}

// The text with a few structural or semantic changes: a member dropped,
// repeated, re-typed or added, or bytes deleted, inserted or replaced.
std::string Corrupt(std::string text) {
  static constexpr std::string_view kBytes = "\"\\{}[],: 0-.eu\x80\xc3\xed\xff\n\x01tfn";
  const int changes = *rc::gen::inRange(1, 4);
  for (int i = 0; i < changes && !text.empty(); ++i) {
    const size_t at = *rc::gen::inRange<size_t>(0, text.size());
    const char byte = kBytes[*rc::gen::inRange<size_t>(0, kBytes.size())];
    switch (*rc::gen::inRange(0, 6)) {
      case 0:
        text.erase(at, 1);
        break;
      case 1:
        text.insert(at, 1, byte);
        break;
      case 2:
        text[at] = byte;
        break;
      case 3:
        text.resize(at);
        break;
      default: {
        // Insert a member after the opening brace: a duplicate or a re-typed field.
        const std::string key =
            *rc::gen::element<std::string>("pos", "ts", "type", "author", "kind", "text", "intent",
                                           "approve", "decider", "action", "timeout", "x");
        const std::string value = *rc::gen::element<std::string>(
            "1", "-1", "1.0", "\"mail\"", "\"output\"", "null", "true", "{}", "[]",
            "{\"kind\":\"on_by_default\"}", "9223372036854775808", "\"entry\"");
        const size_t brace = text.find('{');
        if (brace != std::string::npos) text.insert(brace + 1, "\"" + key + "\":" + value + ",");
      }
    }
  }
  return text;
}

const std::string kHead = R"({"pos":3,"ts":9,"type":"mail","author":"external/a",)";

BOOST_AUTO_TEST_SUITE(EntryTextDecoder)

// Encoded entries of every type take the fast path and decode as before.
BOOST_AUTO_TEST_CASE(TakesEveryEncodedEntryType) {
  std::vector<Entry> entries = {
      MakeMail("external/alice", "alice", "tidy /tmp"),
      MakeInference(EntryType::kInfIn, "driver/agent", "alice: tidy", 4),
      MakeInference(EntryType::kInfOut, "driver/agent", "delete a.log", 5),
      MakeIntent("driver/agent", Action{"pay", Json{{"amount", -5}, {"to", "x"}, {"n", 1.5}}},
                 "agent", 3),
      MakeVote("voter/r", VotePayload{5, "r", "rules", true, "ok"}),
      MakeDecision(EntryType::kCommit, "decider/d0", DecisionPayload{5, "ok", false}),
      MakeDecision(EntryType::kAbort, "decider/d0", DecisionPayload{6, "late", true}),
      MakeResult("executor/x0", ResultPayload{5, true, "done", false}),
      MakeResult("executor/x0", ResultPayload{-1, false, "", true}),  // restart marker
      MakeElect("driver/agent", "agent", 7),
      MakePolicy("admin/root",
                 PolicyPayload{2, 1, Json{{"kind", "quorum"}, {"k", 1}, {"types", {"rules"}}},
                               Json::array({Json{{"voter", "j"}, {"type", "llm"}}})}),
      MakePolicy("admin/root", PolicyPayload{3, 2, Json(), Json()}),
      MakeOutput("driver/agent", "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ \n\t\x01"),
  };
  entries.back().extra = Json{{"note", {1, 2}}, {"neg", -3}, {"big", 18446744073709551615u}};
  for (size_t i = 0; i < entries.size(); ++i) {
    entries[i].pos = static_cast<Position>(i);
    entries[i].ts = std::numeric_limits<int64_t>::max() - static_cast<int64_t>(i);
    for (const bool kind : {false, true}) {
      std::string text;
      EncodeEntry(entries[i], kind, &text);
      CheckAgrees(text, true);
      Entry fast;
      BOOST_REQUIRE(TryDecodeEntryText(text, {}, &fast));
      // == here: a built Json holds 1 as signed, a parsed one as unsigned.
      BOOST_CHECK_MESSAGE(fast == entries[i], text);
      BOOST_CHECK_EQUAL(TryDecodeEntryText(text, {.require_kind_entry = true}, &fast), kind);
    }
  }
}

// Escapes of every kind, \u with surrogate pairs, raw UTF-8 and whitespace are
// read as nlohmann reads them; anything invalid falls back to its error.
BOOST_AUTO_TEST_CASE(MatchesStringsAndWhitespace) {
  for (const char* body : {R"("a\"b\\c\/d\b\f\n\r\t")", R"("\u0000\u001f\u00e9\u20AC\uD83D\uDE00")",
                           "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", R"("")",
                           R"("\ud800\udc00\uDBFF\uDFFF")"}) {
    CheckAgrees(kHead + R"("from":"f","body":)" + body + "}", true);
  }
  // Whitespace everywhere JSON allows it.
  CheckAgrees(
      " \t\r\n{ \"pos\" :3 ,\"ts\"\n:\r9,\t\"type\" : \"mail\" , \"author\":\"e/a\" ,"
      "\"from\":\"f\" , \"body\" : \"b\" } \n\r\t",
      true);
  // Each of these is invalid: the nlohmann path reports it.
  for (const char* body : {R"("\ud800")", R"("\udc00")", R"("\ud800\u0041")", R"("\x")",
                           R"("\u12")", R"("\u12G4")", "\"a\x01\"", "\"\xc3\"", "\"\xc0\x80\"",
                           "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xff\"", "\"open"}) {
    CheckAgrees(kHead + R"("from":"f","body":)" + body + "}", false);
  }
  // Outside the object only whitespace may follow; a byte order mark is nlohmann's to judge.
  CheckAgrees(kHead + R"("from":"f","body":"b"} x)", false);
  CheckAgrees(kHead + R"("from":"f","body":"b"}})", false);
  CheckAgrees("\xEF\xBB\xBF" + kHead + R"("from":"f","body":"b"})", false);
}

// Integers at the int64 limits are taken; beyond them, floats, and malformed
// numbers get the nlohmann path's error, word for word.
BOOST_AUTO_TEST_CASE(MatchesNumbersAtTheLimits) {
  for (const char* ts : {"9223372036854775807", "-9223372036854775808", "0", "-0", "-1"}) {
    CheckAgrees(kHead + R"("from":"f","body":"b","ts2":1,"tsx":)" + ts + "}", true);
    const std::string text =
        R"({"pos":1,"ts":)" + std::string(ts) + R"(,"type":"output","author":"d/a","text":"t"})";
    CheckAgrees(text, true);
  }
  for (const char* ts : {"9223372036854775808", "18446744073709551615", "18446744073709551616",
                         "-9223372036854775809", "1.0", "1e2", "1E+2", "-0.0", "01", "-", "1.",
                         ".5", "1e", "+1", "0x10", "1.5e-3", "99999999999999999999999"}) {
    CheckAgrees(
        R"({"pos":1,"ts":)" + std::string(ts) + R"(,"type":"output","author":"d/a","text":"t"})",
        false);
  }
  // The same forms in an unknown field are values nlohmann keeps in extra.
  for (const char* value : {"1.0", "1e2", "-0.0", "18446744073709551615", "1e400",
                            "-9223372036854775809", "99999999999999999999999", "[]", "{}",
                            R"([1,{"a":[null,true,false,"x"]}])", "01", "1.", "[1,]", "{\"a\"}"}) {
    const Outcome outcome = Compare(kHead + R"("from":"f","body":"b","x":)" + value + "}");
    BOOST_CHECK_MESSAGE(outcome.agree, std::string(value) + ": " + outcome.why);
  }
}

// Numbers with a fraction or an exponent are read by the fast path itself
// (from_chars, not nlohmann's strtod): bit for bit the same double, including
// hard roundings, subnormals and the limits, and the nlohmann path's words
// for overflow. In an action's args (the common case) and in extra.
BOOST_AUTO_TEST_CASE(MatchesFloatsBitForBit) {
  const std::string intent_head =
      R"({"pos":4,"ts":0,"type":"intent","author":"driver/agent","action":{"args":{"amount":)";
  const std::string intent_tail =
      R"(,"to":"DE89"},"tool":"send_money"},"driver":"agent","epoch":1})";
  for (const char* value : {"112.5",
                            "0.1",
                            "-0.0",
                            "0.0",
                            "-0e0",
                            "1e0",
                            "1E-7",
                            "1.5e+300",
                            "0.30000000000000004",
                            "2.2250738585072011e-308",
                            "2.2250738585072014e-308",
                            "4.9e-324",
                            "5e-324",
                            "2.4703282292062327e-324",
                            "2.4703282292062328e-324",
                            "1e-400",
                            "-1e-400",
                            "1.7976931348623157e308",
                            "1.7976931348623158e308",
                            "1.7976931348623159e308",
                            "1e309",
                            "-1e309",
                            "9007199254740993.0",
                            "123456789012345678901234567890.5",
                            "1.00000000000000011102230246251565404236316680908203125",
                            "1.00000000000000011102230246251565404236316680908203126",
                            "1.",
                            "1.e5",
                            ".5",
                            "1e",
                            "1e+",
                            "-.5",
                            "00.5",
                            "1.5.5",
                            "1e5e5"}) {
    const std::string in_args = intent_head + value + intent_tail;
    Outcome outcome = Compare(in_args);
    BOOST_CHECK_MESSAGE(outcome.agree, in_args + ": " + outcome.why);
    const std::string in_extra = kHead + R"("from":"f","body":"b","x":)" + value + "}";
    outcome = Compare(in_extra);
    BOOST_CHECK_MESSAGE(outcome.agree, in_extra + ": " + outcome.why);
  }
  // The fast path takes them (the point of reading them itself).
  CheckAgrees(intent_head + "112.5" + intent_tail, true);
  CheckAgrees(intent_head + "2.4703282292062328e-324" + intent_tail, true);
}

// Any finite double, written as EncodeEntry does and in printf's forms with
// every precision, decodes to the double nlohmann reads.
RC_BOOST_PROP(AgreesOnGeneratedFloats, ()) {
  const auto bits = *rc::gen::arbitrary<uint64_t>();
  const auto number = std::bit_cast<double>(bits);
  RC_PRE(std::isfinite(number));
  const int precision = *rc::gen::inRange(0, 25);
  const char* format = *rc::gen::element("%.*e", "%.*g", "%.*E", "%.*f");
  std::vector<char> buffer(400);
  std::snprintf(buffer.data(), buffer.size(), format, precision, number);
  for (const std::string& value : {Json(number).dump(), std::string(buffer.data())}) {
    const Outcome outcome = Compare(kHead + R"("from":"f","body":"b","x":)" + value + "}");
    RC_ASSERT(outcome.agree);
    const Outcome in_args =
        Compare(R"({"pos":4,"ts":0,"type":"intent","author":"d/a","action":{"args":{"n":)" + value +
                R"(},"tool":"t"},"driver":"a","epoch":1})");
    RC_ASSERT(in_args.agree);
  }
}

// Field order, missing and extra fields, duplicates and "kind" agree with the
// nlohmann path (which keeps the last of duplicate keys).
BOOST_AUTO_TEST_CASE(MatchesFieldSetsAndDuplicates) {
  CheckAgrees(R"({"body":"b","from":"f","author":"e/a","type":"mail","ts":9,"pos":3})", true);
  CheckAgrees(
      R"({"kind":{"any":[1]},"pos":3,"ts":9,"type":"mail","author":"e/a","from":"f","body":"b"})",
      true);
  CheckAgrees(
      R"({"kind":{"bad":},"pos":3,"ts":9,"type":"mail","author":"e/a","from":"f","body":"b"})",
      false);
  // A payload field of another type is an unknown field of this one.
  CheckAgrees(kHead + R"("from":"f","body":"b","tokens":3,"text":"t","action":{}})", true);
  CheckAgrees(kHead + R"("from":"f","body":"b","body":"c"})", false);
  CheckAgrees(kHead + R"("from":"f","body":"b","x":1,"x":2})", false);
  CheckAgrees(R"({"pos":3,"pos":4,"ts":9,"type":"mail","author":"e/a","from":"f","body":"b"})",
              false);
  CheckAgrees(R"({"pos":3,"ts":9,"type":"mail","type":"output","author":"e/a","text":"t"})", false);
  CheckAgrees(kHead + R"("from":"f"})", false);
  CheckAgrees(R"({"ts":9,"type":"mail","author":"e/a","from":"f","body":"b"})", false);
  CheckAgrees(R"({"pos":3,"ts":9,"type":"Mail","author":"e/a","from":"f","body":"b"})", false);
  // Escaped keys and names are read after unescaping, duplicates included.
  CheckAgrees(R"({"pos":3,"ts":9,"type":"m\u0061il","author":"e/a","from":"f","body":"b"})", true);
  CheckAgrees(R"({"p\u006fs":3,"ts":9,"type":"mail","author":"e/a","from":"f","body":"b"})", true);
  CheckAgrees(R"({"p\u006fs":3,"pos":4,"ts":9,"type":"mail","author":"e/a","from":"f","body":"b"})",
              false);
  CheckAgrees(kHead + R"("from":"f","body":"b","\u00e9":1,"\u00e9":2})", false);
  CheckAgrees(kHead + R"("from":"f","body":"b","\u00e9":1,"\u00c9":2})", true);
  // Many unknown fields: beyond the scanner's member array it declines, still agreeing.
  std::string many = kHead + R"("from":"f","body":"b")";
  for (int i = 0; i < 20; ++i) many += ",\"x" + std::to_string(i) + "\":" + std::to_string(i);
  CheckAgrees(many + "}", false);
  CheckAgrees(kHead + R"("from":"f","body":"b","x":1,"y":2})", true);
  CheckAgrees(R"({})", false);
  CheckAgrees(R"([])", false);
  CheckAgrees(R"("entry")", false);
  CheckAgrees("", false);
  // Optional booleans may be null; the intent's action must be exactly {args, tool}.
  const std::string commit = R"({"pos":1,"ts":2,"type":"commit","author":"decider/d","intent":0,)";
  CheckAgrees(commit + R"("reason":"r","timeout":null})", true);
  CheckAgrees(commit + R"("reason":"r","timeout":0})", false);
  const std::string intent = R"({"pos":1,"ts":2,"type":"intent","author":"driver/d","driver":"d",)"
                             R"("epoch":1,"action":)";
  CheckAgrees(intent + R"({"tool":"t","args":{"a":[1,{"b":null}]}}})", true);
  CheckAgrees(intent + R"({"tool":"t","args":{},"more":1}})", false);
  CheckAgrees(intent + R"({"tool":"t","args":[]}})", false);
  CheckAgrees(intent + R"({"tool":"t","tool":"u","args":{}}})", false);
  CheckAgrees(intent + R"({"tool":"t"}})", false);
  CheckAgrees(intent + R"([1]})", false);
  // Policies: a malformed decider is nlohmann's path's error; voters are any value.
  const std::string policy = R"({"pos":1,"ts":2,"type":"policy","author":"admin/r","version":1,)"
                             R"("expected_version":0)";
  CheckAgrees(policy + R"(,"decider":null,"voters":"anything"})", true);
  CheckAgrees(policy + R"(,"decider":{"kind":"maybe"}})", false);
  CheckAgrees(policy + R"(,"decider":{"kind":"timeout_ms","ms":10,"then":"abort"}})",
              Compare(policy + R"(,"decider":{"kind":"timeout_ms","ms":10,"then":"abort"}})").fast);
}

// The depth option declines lines nesting deeper than the trace reader allows.
BOOST_AUTO_TEST_CASE(DeclinesBeyondTheDepthLimit) {
  const std::string text = kHead + R"("from":"f","body":"b","x":[[[1]]]})";  // depth 4
  Entry entry;
  BOOST_CHECK(TryDecodeEntryText(text, {.json_depth_max = 4}, &entry));
  BOOST_CHECK(!TryDecodeEntryText(text, {.json_depth_max = 3}, &entry));
  BOOST_CHECK(!TryDecodeEntryText(text, {.json_depth_max = 0}, &entry));
}

// Every line of every shared example trace agrees with the nlohmann path.
BOOST_AUTO_TEST_CASE(AgreesOnSharedExampleTraces) {
  const std::string dir = std::string(LOGACT_SHARED_DIR) + "/examples/traces";
  int lines = 0;
  int fast = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    if (file.path().extension() != ".jsonl") continue;
    std::ifstream in(file.path());
    std::string line;
    while (std::getline(in, line)) {
      const Outcome outcome = Compare(line);
      BOOST_CHECK_MESSAGE(outcome.agree, file.path().string() + ": " + line + ": " + outcome.why);
      ++lines;
      fast += outcome.fast ? 1 : 0;
    }
  }
  BOOST_CHECK_GT(lines, 50);
  BOOST_CHECK_GT(fast, 40);  // the entry lines; headers, effects and bad lines decline
}

// Generated entries in varied JSON: reformatting keeps the fast path and the
// result; corruption of any kind still agrees with the nlohmann path.
RC_BOOST_PROP(AgreesOnGeneratedTexts, ()) {
  const Entry entry = GenEntry();
  const std::string encoded = EncodeEntry(entry);
  const Outcome plain = Compare(encoded);
  RC_LOG() << encoded << "\n";
  RC_ASSERT(plain.agree);
  RC_ASSERT(plain.fast == (entry.type != EntryType::kPolicy || Reference(encoded).has_value()));
  VariedWriter writer(*rc::gen::arbitrary<std::vector<uint8_t>>());
  const std::string varied = Reformat(entry, writer);
  const Outcome reformatted = Compare(varied);
  RC_LOG() << varied << ": " << reformatted.why << "\n";
  RC_ASSERT(reformatted.agree);
  RC_ASSERT(reformatted.fast == plain.fast);
  const std::string corrupted = Corrupt(varied);
  const Outcome outcome = Compare(corrupted);
  RC_LOG() << corrupted << ": " << outcome.why << "\n";
  RC_ASSERT(outcome.agree);
  RC_CLASSIFY(outcome.fast, "corrupted text still an entry");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
