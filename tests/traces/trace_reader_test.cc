// Tests of the streaming trace reader: every kind of bad input of SPEC §5 is
// reported with the right line and field, hostile input never crashes, and
// files are read in bounded chunks.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/limits.h"
#include "traces/trace_format.h"
#include "traces/trace_reader.h"

namespace logact::traces {
namespace {

const std::string kHeader =
    R"({"format":"logact-trace","version":1,"seed":7,"scenario":null,"source":"sim"})";
const std::string kMail =
    R"({"kind":"entry","pos":0,"ts":1,"type":"mail","author":"external/alice","from":"alice","body":"hi"})";
const std::string kElect =
    R"({"kind":"entry","pos":1,"ts":2,"type":"elect","author":"driver/agent","driver":"agent","epoch":1})";

struct ReadOutcome {
  int records = 0;
  Status status;
  std::optional<TraceError> error;
};

// Reads a whole in-memory trace; returns how many records were read and the final status.
ReadOutcome ReadAll(std::string text) {
  auto reader = TraceReader::FromString(std::move(text), "t.jsonl");
  ReadOutcome outcome;
  Result<TraceHeader> header = reader->ReadHeader();
  if (!header.has_value()) {
    outcome.status = header.error();
    outcome.error = reader->error();
    return outcome;
  }
  TraceRecord record;
  for (;;) {
    Result<bool> more = reader->Next(&record);
    if (!more.has_value()) {
      outcome.status = more.error();
      outcome.error = reader->error();
      return outcome;
    }
    if (!*more) return outcome;
    ++outcome.records;
  }
}

// Asserts that `text` is bad input at `line`, naming `field`.
void ExpectBad(const std::string& text, int64_t line, const std::string& field) {
  const ReadOutcome outcome = ReadAll(text);
  BOOST_TEST_INFO("trace: " << text.substr(0, 300));
  BOOST_TEST(static_cast<int>(outcome.status.code()) ==
             static_cast<int>(StatusCode::kInvalidArgument));
  BOOST_REQUIRE(outcome.error.has_value());
  BOOST_TEST(outcome.error->line == line);
  BOOST_TEST(outcome.error->field == field);
  BOOST_TEST(outcome.error->file == "t.jsonl");
  BOOST_TEST(!outcome.error->message.empty());
  // The status message names the file, the line and the field.
  BOOST_TEST(outcome.status.message().find("line " + std::to_string(line)) != std::string::npos);
  BOOST_TEST(outcome.status.message().find("'" + field + "'") != std::string::npos);
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

BOOST_AUTO_TEST_SUITE(TraceReader_)

// Goal: a well-formed trace yields its header and every record, in order.
BOOST_AUTO_TEST_CASE(ReadsHeaderAndRecords) {
  auto reader = TraceReader::FromString(Lines({kHeader, kMail, kElect}));
  Result<TraceHeader> header = reader->ReadHeader();
  BOOST_REQUIRE(header.has_value());
  BOOST_TEST(reader->line() == 1);
  BOOST_TEST(header->seed.value() == 7u);
  BOOST_TEST(!header->scenario.has_value());
  BOOST_TEST(header->source == "sim");
  TraceRecord record;
  BOOST_TEST(reader->Next(&record).value());
  BOOST_TEST(reader->line() == 2);
  BOOST_TEST(std::get<Entry>(record).mail().body == "hi");
  BOOST_TEST(reader->Next(&record).value());
  BOOST_TEST(reader->line() == 3);
  BOOST_TEST(std::get<Entry>(record).elect().epoch == 1);
  BOOST_TEST(!reader->Next(&record).value());
}

// Goal: lines that are not exactly one JSON object are bad input at their line, field "(json)".
BOOST_AUTO_TEST_CASE(NotOneJsonObjectIsBadInput) {
  ExpectBad(Lines({kHeader, kMail, "not json"}), 3, "(json)");
  ExpectBad(Lines({kHeader, "[1,2]"}), 2, "(json)");
  ExpectBad(Lines({kHeader, "42"}), 2, "(json)");
  ExpectBad(Lines({kHeader, kMail + kMail}), 2, "(json)");
  ExpectBad(Lines({"[]", kMail}), 1, "(json)");
}

// Goal: a missing or wrong header is bad input on line 1 naming the header field.
BOOST_AUTO_TEST_CASE(MissingOrWrongHeaderIsBadInput) {
  ExpectBad("", 1, "(header)");
  ExpectBad(Lines({kMail, kElect}), 1, "format");
  ExpectBad(Lines({R"({"format":"other","version":1})"}), 1, "format");
  ExpectBad(Lines({R"({"format":"logact-trace","version":2})"}), 1, "version");
  ExpectBad(Lines({R"({"format":"logact-trace"})"}), 1, "version");
  ExpectBad(Lines({R"({"format":"logact-trace","version":"1"})"}), 1, "version");
  ExpectBad(Lines({R"({"format":"logact-trace","version":1,"seed":-1})"}), 1, "seed");
  ExpectBad(Lines({R"({"format":"logact-trace","version":1,"scenario":3})"}), 1, "scenario");
  ExpectBad(Lines({R"({"format":"logact-trace","version":1,"source":"live"})"}), 1, "source");
}

// Goal: a header with only the required fields is accepted; absent optional ones read as null.
BOOST_AUTO_TEST_CASE(MinimalHeaderIsAccepted) {
  const ReadOutcome outcome = ReadAll(Lines({R"({"format":"logact-trace","version":1})", kMail}));
  BOOST_TEST(outcome.status.ok());
  BOOST_TEST(outcome.records == 1);
}

// Goal: unknown record kinds and entry types are bad input naming "kind" and "type".
BOOST_AUTO_TEST_CASE(UnknownKindOrTypeIsBadInput) {
  ExpectBad(Lines({kHeader, R"({"kind":"bogus","ts":1})"}), 2, "kind");
  ExpectBad(Lines({kHeader, R"({"ts":1})"}), 2, "kind");
  ExpectBad(Lines({kHeader, R"({"kind":7})"}), 2, "kind");
  ExpectBad(Lines({kHeader, kMail,
                   R"({"kind":"entry","pos":1,"ts":1,"type":"gossip","author":"driver/a"})"}),
            3, "type");
}

// Goal: missing and ill-typed required fields name the field, for entries and other records.
BOOST_AUTO_TEST_CASE(MissingOrIllTypedFieldIsBadInput) {
  ExpectBad(
      Lines(
          {kHeader,
           R"({"kind":"entry","ts":1,"type":"mail","author":"external/a","from":"a","body":"b"})"}),
      2, "pos");
  ExpectBad(
      Lines(
          {kHeader, kMail,
           R"({"kind":"entry","pos":1,"ts":"four","type":"mail","author":"external/a","from":"a","body":"b"})"}),
      3, "ts");
  ExpectBad(
      Lines(
          {kHeader,
           R"({"kind":"entry","pos":0,"ts":1,"type":"vote","author":"voter/v","intent":0,"voter":"v","voter_type":"rules","approve":"yes","reason":""})"}),
      2, "approve");
  ExpectBad(
      Lines({kHeader, R"({"kind":"effect","ts":1,"executor":"executor/x","tool":"t","args":{}})"}),
      2, "intent");
  ExpectBad(
      Lines(
          {kHeader,
           R"({"kind":"effect","ts":1,"intent":0,"executor":"executor/x","tool":"t","args":[]})"}),
      2, "args");
  ExpectBad(
      Lines(
          {kHeader,
           R"({"kind":"effect","ts":1.5,"intent":0,"executor":"executor/x","tool":"t","args":{}})"}),
      2, "ts");
  ExpectBad(Lines({kHeader, R"({"kind":"fault","ts":1,"target":"driver"})"}), 2, "fault");
  ExpectBad(Lines({kHeader, R"({"kind":"restart","ts":1,"target":"driver","from_pos":"0"})"}), 2,
            "from_pos");
  ExpectBad(Lines({kHeader, R"({"kind":"state","ts":1,"target":"env","pos":3})"}), 2, "digest");
  ExpectBad(
      Lines({kHeader,
             R"({"kind":"state","ts":1,"target":"env","pos":18446744073709551615,"digest":"x"})"}),
      2, "pos");
}

// Goal: a malformed decider policy inside a policy entry is bad input naming "decider".
BOOST_AUTO_TEST_CASE(MalformedDeciderPolicyIsBadInput) {
  ExpectBad(
      Lines(
          {kHeader,
           R"({"kind":"entry","pos":0,"ts":0,"type":"policy","author":"admin/root","version":1,"expected_version":0,"decider":{"kind":"quorum","k":3,"types":["a","b"]}})"}),
      2, "decider");
  ExpectBad(
      Lines(
          {kHeader,
           R"({"kind":"entry","pos":0,"ts":0,"type":"policy","author":"admin/root","version":1,"expected_version":0,"decider":{"kind":"most_of"}})"}),
      2, "decider");
}

// Goal: a truncated last line (a crash mid-write) is bad input at that line.
BOOST_AUTO_TEST_CASE(TruncatedLastLineIsBadInput) {
  const std::string truncated = kElect.substr(0, kElect.size() / 2);
  ExpectBad(kHeader + "\n" + kMail + "\n" + truncated, 3, "(json)");
}

// Goal: blank lines are allowed at the end only; a blank line inside the trace is bad input.
BOOST_AUTO_TEST_CASE(BlankLinesOnlyAtTheEnd) {
  ReadOutcome outcome = ReadAll(Lines({kHeader, kMail, "", "  ", ""}));
  BOOST_TEST(outcome.status.ok());
  BOOST_TEST(outcome.records == 1);
  outcome = ReadAll(kHeader + "\n" + kMail);  // no final newline
  BOOST_TEST(outcome.status.ok());
  BOOST_TEST(outcome.records == 1);
  ExpectBad(Lines({kHeader, kMail, "", kElect}), 3, "(line)");
}

// Goal: CRLF line endings are accepted (the '\r' is JSON whitespace).
BOOST_AUTO_TEST_CASE(CrLfIsAccepted) {
  const ReadOutcome outcome = ReadAll(kHeader + "\r\n" + kMail + "\r\n" + kElect + "\r\n");
  BOOST_TEST(outcome.status.ok());
  BOOST_TEST(outcome.records == 2);
}

// Goal: invalid UTF-8 anywhere is bad input with a printable message, never a crash.
BOOST_AUTO_TEST_CASE(InvalidUtf8IsBadInputNotACrash) {
  std::string bad_string = kMail;
  bad_string.replace(bad_string.find("hi"), 2, "\xff\xfe\xc3");
  ExpectBad(Lines({kHeader, bad_string}), 2, "(json)");
  ExpectBad(Lines({kHeader, "\x80\x81\x82"}), 2, "(json)");
  ExpectBad("\xef\xbb\xbf\xff" + kHeader + "\n", 1, "(json)");
  const ReadOutcome outcome = ReadAll(Lines({kHeader, "{\"kind\":\"\xff\"}"}));
  BOOST_REQUIRE(outcome.error.has_value());
  // The error renders as JSON (invalid bytes replaced), as the CLI prints it.
  BOOST_TEST(!CompactJson(outcome.error->ToJson()).empty());
}

// Goal: deeply nested JSON is rejected before any recursive processing can exhaust the stack.
BOOST_AUTO_TEST_CASE(DeepNestingIsBadInput) {
  const size_t depth = 100000;
  const std::string deep =
      R"({"kind":"effect","ts":1,"intent":0,"executor":"executor/x","tool":"t","args":{"a":)" +
      std::string(depth, '[') + std::string(depth, ']') + "}}";
  ExpectBad(Lines({kHeader, deep}), 2, "(json)");
  // The limit is exact: the record and its args are two levels, plus the arrays.
  const auto nested = [](size_t arrays) {
    return R"({"kind":"effect","ts":1,"intent":0,"executor":"executor/x","tool":"t","args":{"a":)" +
           std::string(arrays, '[') + std::string(arrays, ']') + "}}";
  };
  BOOST_TEST(ReadAll(Lines({kHeader, nested(limits::kTraceJsonDepthMax - 2)})).status.ok());
  ExpectBad(Lines({kHeader, nested(limits::kTraceJsonDepthMax - 1)}), 2, "(json)");
  // Brackets inside strings do not count as nesting.
  const std::string in_string =
      R"({"kind":"fault","ts":1,"fault":")" + std::string(1000, '[') + R"(","target":"x"})";
  BOOST_TEST(ReadAll(Lines({kHeader, in_string})).status.ok());
}

// Goal: a line longer than limits::kTraceLineBytesMax is bad input, from memory and from a file.
BOOST_AUTO_TEST_CASE(OverlongLineIsBadInput) {
  const std::string huge = R"({"kind":"fault","ts":1,"fault":")" +
                           std::string(limits::kTraceLineBytesMax, 'x') + R"(","target":"x"})";
  ExpectBad(Lines({kHeader, kMail, huge}), 3, "(line)");
  const std::string path =
      (std::filesystem::temp_directory_path() / "logact_trace_reader_huge.jsonl").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << Lines({kHeader, kMail, huge});
  }
  auto reader = TraceReader::OpenFile(path);
  BOOST_REQUIRE(reader.has_value());
  BOOST_REQUIRE((*reader)->ReadHeader().has_value());
  TraceRecord record;
  BOOST_TEST((*reader)->Next(&record).value());
  BOOST_TEST(!(*reader)->Next(&record).has_value());
  BOOST_REQUIRE((*reader)->error().has_value());
  BOOST_TEST((*reader)->error()->line == 3);
  BOOST_TEST((*reader)->error()->field == "(line)");
  std::filesystem::remove(path);
}

// Goal: after bad input, every later call returns the same error.
BOOST_AUTO_TEST_CASE(ErrorIsSticky) {
  auto reader = TraceReader::FromString(Lines({kHeader, "oops", kMail}));
  BOOST_REQUIRE(reader->ReadHeader().has_value());
  TraceRecord record;
  const Result<bool> first = reader->Next(&record);
  const Result<bool> second = reader->Next(&record);
  BOOST_TEST(!first.has_value());
  BOOST_TEST(!second.has_value());
  BOOST_TEST((first.error() == second.error()));
}

// Goal: files are streamed in chunks, including lines that straddle chunk
// boundaries; a 0-byte file and a missing file are reported properly.
BOOST_AUTO_TEST_CASE(ReadsLargeFilesAcrossChunks) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "logact_trace_reader_large.jsonl").string();
  const int records = 30000;
  {
    std::ofstream out(path, std::ios::binary);
    out << kHeader << "\n";
    for (int i = 0; i < records; ++i) {
      // Varying lengths so that line ends fall everywhere relative to the chunk size.
      out << R"({"kind":"fault","ts":)" << i << R"(,"fault":")" << std::string(i % 97, 'f')
          << R"(","target":"driver"})"
          << "\n";
    }
  }
  auto reader = TraceReader::OpenFile(path);
  BOOST_REQUIRE(reader.has_value());
  BOOST_REQUIRE((*reader)->ReadHeader().has_value());
  TraceRecord record;
  int read = 0;
  while ((*reader)->Next(&record).value()) {
    const auto& fault = std::get<FaultRecord>(record);
    BOOST_REQUIRE(fault.ts == read);
    BOOST_REQUIRE(fault.fault.size() == static_cast<size_t>(read % 97));
    BOOST_REQUIRE((*reader)->line() == read + 2);
    ++read;
  }
  BOOST_TEST(read == records);
  { std::ofstream truncate(path, std::ios::binary | std::ios::trunc); }
  auto empty = TraceReader::OpenFile(path);
  BOOST_REQUIRE(empty.has_value());
  BOOST_TEST(!(*empty)->ReadHeader().has_value());
  BOOST_TEST((*empty)->error()->line == 1);
  BOOST_TEST((*empty)->error()->field == "(header)");
  std::filesystem::remove(path);
  const auto missing = TraceReader::OpenFile(path);
  BOOST_TEST(!missing.has_value());
  BOOST_TEST(static_cast<int>(missing.error().code()) == static_cast<int>(StatusCode::kNotFound));
}

// Goal: ReadTraceInto feeds a sink the header and every record, and reports bad input.
BOOST_AUTO_TEST_CASE(ReadTraceIntoFeedsSink) {
  struct CountingSink : TraceSink {
    int headers = 0;
    int records = 0;
    void OnHeader(const TraceHeader&) override { ++headers; }
    void OnRecord(const TraceRecord&) override { ++records; }
  };
  CountingSink sink;
  auto reader = TraceReader::FromString(Lines({kHeader, kMail, kElect}));
  BOOST_TEST(ReadTraceInto(*reader, &sink, nullptr).ok());
  BOOST_TEST(sink.headers == 1);
  BOOST_TEST(sink.records == 2);
  CountingSink bad_sink;
  TraceError error;
  auto bad = TraceReader::FromString(Lines({kHeader, kMail, "{"}), "bad.jsonl");
  BOOST_TEST(!ReadTraceInto(*bad, &bad_sink, &error).ok());
  BOOST_TEST(bad_sink.records == 1);
  BOOST_TEST(error.line == 3);
  BOOST_TEST(error.file == "bad.jsonl");
  BOOST_TEST(error.ToJson()["line"] == 3);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::traces
