// Tests of core/entry_codec.h: the one JSON form of a bus entry.
#include "core/entry_codec.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <string>
#include <vector>

namespace logact {
namespace {

// One entry of every type, with every optional field set somewhere.
std::vector<Entry> SampleEntries() {
  std::vector<Entry> entries;
  entries.push_back(MakeMail("external/alice", "alice", "tidy /tmp"));
  entries.push_back(MakeInference(EntryType::kInfIn, "driver/agent", "alice: tidy /tmp", 4));
  entries.push_back(MakeInference(EntryType::kInfOut, "driver/agent", "delete a.log", 5));
  entries.push_back(MakeIntent("driver/agent",
                               Action{"delete_file", Json{{"path", "/tmp/a.log"}, {"force", true}}},
                               "agent", 3));
  entries.push_back(MakeVote("voter/rules1", VotePayload{5, "rules1", "rules", true, "tmp file"}));
  entries.push_back(
      MakeDecision(EntryType::kCommit, "decider/d0", DecisionPayload{5, "ok", false}));
  entries.push_back(
      MakeDecision(EntryType::kAbort, "decider/d0", DecisionPayload{6, "late", true}));
  entries.push_back(MakeResult("executor/x0", ResultPayload{5, true, "deleted", false}));
  entries.push_back(MakeResult("executor/x0", ResultPayload{-1, false, "", true}));
  entries.push_back(MakeElect("driver/agent", "agent", 7));
  entries.push_back(MakePolicy(
      "admin/root", PolicyPayload{2, 1, Json{{"kind", "all_of"}, {"types", {"rules", "llm"}}},
                                  Json::array({Json{{"voter", "judge"}, {"type", "llm"}}})}));
  entries.push_back(MakePolicy("admin/root", PolicyPayload{3, 2, Json(), Json()}));
  entries.push_back(MakeOutput("driver/agent", "done"));
  for (size_t i = 0; i < entries.size(); ++i) {
    entries[i].pos = static_cast<Position>(i);
    entries[i].ts = 1000 + static_cast<int64_t>(i);
  }
  return entries;
}

Status DecodeError(const std::string& text) {
  const Result<Entry> r = DecodeEntryText(text);
  BOOST_REQUIRE_MESSAGE(!r.has_value(), "decoded unexpectedly: " + text);
  return r.error();
}

BOOST_AUTO_TEST_SUITE(EntryCodec)

// Every payload type survives encode -> decode unchanged, in both record forms.
BOOST_AUTO_TEST_CASE(RoundTripsEveryPayloadType) {
  for (const Entry& entry : SampleEntries()) {
    const std::string text = EncodeEntry(entry);
    const Result<Entry> decoded = DecodeEntryText(text);
    BOOST_REQUIRE_MESSAGE(decoded.has_value(), text + " -> " + decoded.status().ToString());
    BOOST_CHECK_MESSAGE(*decoded == entry, text);
    std::string with_kind;
    EncodeEntry(entry, /*kind_field=*/true, &with_kind);
    BOOST_CHECK_EQUAL(with_kind.rfind("{\"kind\":\"entry\",\"pos\":", 0), 0u);
    const Result<Entry> decoded_kind = DecodeEntryText(with_kind);
    BOOST_REQUIRE(decoded_kind.has_value());
    BOOST_CHECK(*decoded_kind == entry);  // "kind" is not kept in extra
    BOOST_CHECK_EQUAL(EncodeEntry(*decoded), text);
  }
}

// The field order is fixed: header, then payload fields in SPEC §5 order, optionals only when set.
BOOST_AUTO_TEST_CASE(EncodesFixedFieldOrder) {
  const std::vector<Entry> e = SampleEntries();
  BOOST_CHECK_EQUAL(EncodeEntry(e[3]),
                    R"({"pos":3,"ts":1003,"type":"intent","author":"driver/agent",)"
                    R"("action":{"args":{"force":true,"path":"/tmp/a.log"},"tool":"delete_file"},)"
                    R"("driver":"agent","epoch":3})");
  BOOST_CHECK_EQUAL(EncodeEntry(e[5]),
                    R"({"pos":5,"ts":1005,"type":"commit","author":"decider/d0",)"
                    R"("intent":5,"reason":"ok"})");
  BOOST_CHECK_EQUAL(EncodeEntry(e[6]), R"({"pos":6,"ts":1006,"type":"abort","author":"decider/d0",)"
                                       R"("intent":6,"reason":"late","timeout":true})");
  BOOST_CHECK_EQUAL(EncodeEntry(e[8]),
                    R"({"pos":8,"ts":1008,"type":"result","author":"executor/x0",)"
                    R"("intent":-1,"ok":false,"output":"","restart":true})");
  BOOST_CHECK_EQUAL(EncodeEntry(e[11]),
                    R"({"pos":11,"ts":1011,"type":"policy","author":"admin/root",)"
                    R"("version":3,"expected_version":2})");
  BOOST_CHECK_EQUAL(EncodeEntry(e[4]),
                    R"({"pos":4,"ts":1004,"type":"vote","author":"voter/rules1","intent":5,)"
                    R"("voter":"rules1","voter_type":"rules","approve":true,"reason":"tmp file"})");
}

// Strings are escaped byte-for-byte as nlohmann::json escapes them (control characters,
// quotes, unicode, invalid UTF-8 replaced), so the text is valid JSON and deterministic.
BOOST_AUTO_TEST_CASE(EscapesStringsLikeNlohmann) {
  const std::vector<std::string> samples = {"plain",
                                            "quote\" backslash\\ slash/",
                                            std::string("nul\0x", 5),
                                            "\b\f\n\r\t\x01\x1f\x7f",
                                            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                                            "bad \xff\xfe utf8",
                                            ""};
  for (const std::string& s : samples) {
    Entry entry = MakeOutput("driver/agent", s);
    entry.pos = 0;
    const std::string text = EncodeEntry(entry);
    const std::string expected = R"({"pos":0,"ts":0,"type":"output","author":"driver/agent",)"
                                 R"("text":)" +
                                 CompactJson(Json(s)) + "}";
    BOOST_CHECK_EQUAL(text, expected);
    BOOST_CHECK(DecodeEntryText(text).has_value());
  }
}

// Unicode text round-trips exactly.
BOOST_AUTO_TEST_CASE(RoundTripsUnicode) {
  Entry entry =
      MakeMail("external/z\xc3\xbc", "z\xc3\xbc", "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80\n");
  const Result<Entry> decoded = DecodeEntryText(EncodeEntry(entry));
  BOOST_REQUIRE(decoded.has_value());
  BOOST_CHECK(*decoded == entry);
}

// Unknown fields are kept in `extra` and re-encoded after the payload; "kind" is dropped.
BOOST_AUTO_TEST_CASE(PreservesUnknownFields) {
  const std::string text =
      R"({"kind":"entry","pos":2,"ts":4,"type":"mail","author":"external/alice","from":"alice",)"
      R"("zeta":[1,2],"body":"hi","alpha":{"b":1,"a":null}})";
  const Result<Entry> decoded = DecodeEntryText(text);
  BOOST_REQUIRE(decoded.has_value());
  BOOST_CHECK_EQUAL(decoded->extra,
                    (Json{{"zeta", {1, 2}}, {"alpha", {{"b", 1}, {"a", nullptr}}}}));
  BOOST_CHECK_EQUAL(EncodeEntry(*decoded),
                    R"({"pos":2,"ts":4,"type":"mail","author":"external/alice","from":"alice",)"
                    R"("body":"hi","alpha":{"a":null,"b":1},"zeta":[1,2]})");
  // An entry without unknown fields has a null extra, so it compares equal to a built one.
  const Result<Entry> plain = DecodeEntryText(EncodeEntry(MakeOutput("driver/a", "x")));
  BOOST_REQUIRE(plain.has_value());
  BOOST_CHECK(plain->extra.is_null());
}

// An extra field that collides with a known name cannot produce a duplicate key.
BOOST_AUTO_TEST_CASE(ExtraNeverDuplicatesKnownFields) {
  Entry entry = MakeOutput("driver/a", "real");
  entry.extra = Json{{"text", "shadow"}, {"pos", 9}, {"kind", "x"}, {"note", 1}};
  BOOST_CHECK_EQUAL(
      EncodeEntry(entry),
      R"({"pos":-1,"ts":0,"type":"output","author":"driver/a","text":"real","note":1})");
}

// Ill-typed fields give the exact message the trace checker shows to the user.
BOOST_AUTO_TEST_CASE(ReportsIllTypedFields) {
  const std::string head = R"({"pos":2,"type":"mail","author":"external/a","from":"a","body":"b",)";
  BOOST_CHECK_EQUAL(DecodeError(head + R"("ts":"four"})").message(),
                    "field 'ts': expected an integer, got string");
  BOOST_CHECK_EQUAL(DecodeError(head + R"("ts":1.5})").message(),
                    "field 'ts': expected an integer, got number");
  BOOST_CHECK_EQUAL(DecodeError(head + R"("ts":18446744073709551615})").message(),
                    "field 'ts': integer out of range");
  BOOST_CHECK_EQUAL(
      DecodeError(R"({"pos":0,"ts":0,"type":"vote","author":"voter/v","intent":1,"voter":"v",)"
                  R"("voter_type":"t","approve":1,"reason":""})")
          .message(),
      "field 'approve': expected a boolean, got number");
  BOOST_CHECK_EQUAL(DecodeError(R"({"pos":0,"ts":0,"type":7,"author":"a/b"})").message(),
                    "field 'type': expected a string, got number");
  BOOST_CHECK_EQUAL(DecodeError(R"({"pos":0,"ts":0,"type":"gossip","author":"a/b"})").message(),
                    "field 'type': unknown entry type 'gossip'");
  BOOST_CHECK_EQUAL(
      DecodeError(R"({"pos":0,"ts":0,"type":"intent","author":"driver/a","driver":"a",)"
                  R"("epoch":1,"action":{"tool":"t","args":[]}})")
          .message(),
      "field 'action.args': expected an object, got array");
  BOOST_CHECK_EQUAL(DecodeError("[1]").message(), "field '(entry)': expected an object, got array");
  const Status bad_json = DecodeError("{\"pos\":");
  BOOST_CHECK_EQUAL(StatusCodeName(bad_json.code()), "InvalidArgument");
  BOOST_CHECK_EQUAL(bad_json.message().rfind("field '(json)': ", 0), 0u);
}

// Every required payload field of every type is reported when missing.
BOOST_AUTO_TEST_CASE(ReportsEachMissingRequiredField) {
  const std::vector<std::string> optional = {"timeout", "restart", "decider", "voters"};
  for (const Entry& entry : SampleEntries()) {
    const Json full = Json::parse(EncodeEntry(entry));
    for (const auto& [key, value] : full.items()) {
      if (std::find(optional.begin(), optional.end(), key) != optional.end()) continue;
      Json missing = full;
      missing.erase(key);
      const Result<Entry> r = DecodeEntry(missing);
      BOOST_REQUIRE_MESSAGE(!r.has_value(), "decoded without " + key + ": " + missing.dump());
      BOOST_CHECK_EQUAL(StatusCodeName(r.error().code()), "InvalidArgument");
      BOOST_CHECK_MESSAGE(r.error().message().rfind("field '" + key + "': missing", 0) == 0,
                          r.error().message());
    }
  }
}

// A malformed decider policy is bad input reported under field 'decider'.
BOOST_AUTO_TEST_CASE(RejectsMalformedDeciderPolicy) {
  const std::string head =
      R"({"pos":0,"ts":0,"type":"policy","author":"admin/root","version":1,"expected_version":0,)";
  for (const char* decider : {R"("decider":{"kind":"quorum","k":3,"types":["a"]}})",
                              R"("decider":{"kind":"maybe"}})", R"("decider":"all_of"})"}) {
    const Status s = DecodeError(head + std::string(decider));
    BOOST_CHECK_EQUAL(StatusCodeName(s.code()), "InvalidArgument");
    BOOST_CHECK_MESSAGE(s.message().rfind("field 'decider': ", 0) == 0, s.message());
  }
  const Result<Entry> ok = DecodeEntryText(head + R"("decider":{"kind":"on_by_default"}})");
  BOOST_CHECK_MESSAGE(ok.has_value(), ok.status().ToString());
}

// The shared example traces decode; re-encoding is stable; bad-field line 4 names 'ts'.
BOOST_AUTO_TEST_CASE(DecodesSharedExampleTraces) {
  const std::string dir = std::string(LOGACT_SHARED_DIR) + "/examples/traces/";
  std::ifstream ok_trace(dir + "ok-all-of.jsonl");
  BOOST_REQUIRE(ok_trace.good());
  std::string line;
  int entries = 0;
  while (std::getline(ok_trace, line)) {
    const Json record = Json::parse(line);
    if (record.value("kind", "") != "entry") continue;
    const Result<Entry> entry = DecodeEntry(record);
    BOOST_REQUIRE_MESSAGE(entry.has_value(), line + " -> " + entry.status().ToString());
    BOOST_CHECK(entry->extra.is_null());
    const Result<Entry> again = DecodeEntryText(EncodeEntry(*entry));
    BOOST_REQUIRE(again.has_value());
    BOOST_CHECK(*again == *entry);
    ++entries;
  }
  BOOST_CHECK_EQUAL(entries, 18);
  std::ifstream bad_trace(dir + "bad-field.jsonl");
  for (int i = 0; i < 4; ++i) BOOST_REQUIRE(std::getline(bad_trace, line));
  BOOST_CHECK_EQUAL(DecodeError(line).message(), "field 'ts': expected an integer, got string");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
