// Tests of the trace writer: every record kind survives a write/read round
// trip (unknown fields included), encoding is byte-stable, and files are
// written atomically.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "traces/atomic_file.h"
#include "traces/trace_reader.h"
#include "traces/trace_writer.h"

namespace logact::traces {
namespace {

Entry At(Entry entry, Position pos, int64_t ts) {
  entry.pos = pos;
  entry.ts = ts;
  return entry;
}

// One record of every kind and every entry type, with the optional fields set.
std::vector<TraceRecord> EveryRecord() {
  std::vector<TraceRecord> records;
  PolicyPayload policy{
      1, 0, Json::parse(R"({"kind":"quorum","k":2,"types":["a","b","c"],"timeout_ms":500})"),
      Json::parse(R"([{"voter":"r","type":"a"}])")};
  records.push_back(At(MakePolicy("admin/root", policy), 0, 0));
  records.push_back(At(MakeElect("driver/agent", "agent", 3), 1, 1));
  records.push_back(At(MakeMail("external/alice", "alice", "tidy \"/tmp\"\n\tnow é ✓"), 2, 2));
  records.push_back(At(MakeInference(EntryType::kInfIn, "driver/agent", "in", 4), 3, 3));
  records.push_back(At(MakeInference(EntryType::kInfOut, "driver/agent", "out", 5), 4, 4));
  Action action{"send_money", Json::parse(R"({"amount":12.5,"to":{"iban":"DE1"},"n":1})")};
  records.push_back(At(MakeIntent("driver/agent", action, "agent", 3), 5, 5));
  records.push_back(At(MakeVote("voter/r", VotePayload{5, "r", "a", true, "ok"}), 6, 6));
  records.push_back(
      At(MakeDecision(EntryType::kCommit, "decider/d", DecisionPayload{5, "q", false}), 7, 7));
  records.push_back(
      At(MakeDecision(EntryType::kAbort, "decider/d", DecisionPayload{5, "t", true}), 8, 8));
  records.push_back(At(MakeResult("executor/x", ResultPayload{5, true, "done", false}), 9, 9));
  records.push_back(At(MakeResult("executor/x", ResultPayload{-1, false, "", true}), 10, 10));
  records.push_back(At(MakeOutput("driver/agent", "final"), 11, 11));
  Entry with_extra = At(MakeMail("external/bob", "bob", "x"), 12, 12);
  with_extra.extra = Json::parse(R"({"zeta":[1,2],"alpha":{"b":1,"a":2}})");
  records.push_back(with_extra);
  records.push_back(EffectRecord{13, 5, "executor/x", action, Json()});
  records.push_back(
      EffectRecord{14, 5, "executor/x", action, Json::parse(R"({"idempotency_key":"k1"})")});
  records.push_back(FaultRecord{15, "crash", "driver/agent", Json::parse(R"({"mid_step":true})")});
  records.push_back(RestartRecord{16, "decider/d", 4, Json()});
  records.push_back(StateRecord{17, "env", 12, "00ff00ff00ff00ff", Json()});
  records.push_back(StateRecord{18, "voter/r", 12, "abc", Json::parse(R"({"note":"x"})")});
  return records;
}

TraceHeader SampleHeader() {
  TraceHeader header;
  header.seed = std::numeric_limits<uint64_t>::max();
  header.scenario = "bank-transfer";
  header.source = "sim";
  header.extra = Json::parse(R"({"options":{"crash_rate":"1/100"}})");
  return header;
}

BOOST_AUTO_TEST_SUITE(TraceWriter_)

// Goal: every record kind and entry type reads back equal to what was written.
BOOST_AUTO_TEST_CASE(RoundTripsEveryRecordKind) {
  TraceWriter writer;
  writer.OnHeader(SampleHeader());
  const std::vector<TraceRecord> records = EveryRecord();
  for (const TraceRecord& record : records) writer.OnRecord(record);
  BOOST_TEST(writer.records() == records.size());
  BOOST_TEST(writer.Close().ok());

  auto reader = TraceReader::FromString(writer.text());
  Result<TraceHeader> header = reader->ReadHeader();
  BOOST_REQUIRE(header.has_value());
  BOOST_TEST((*header == SampleHeader()));
  TraceRecord record;
  size_t i = 0;
  while (reader->Next(&record).value()) {
    BOOST_REQUIRE(i < records.size());
    BOOST_TEST_INFO("record " << i);
    BOOST_TEST((record == records[i]));
    ++i;
  }
  BOOST_TEST(i == records.size());
}

// Goal: encoding is one line per record and byte-stable: re-encoding what was read gives the same
// bytes.
BOOST_AUTO_TEST_CASE(EncodingIsCanonical) {
  std::string first;
  EncodeHeader(SampleHeader(), &first);
  for (const TraceRecord& record : EveryRecord()) EncodeRecord(record, &first);
  size_t newlines = 0;
  for (char c : first) newlines += c == '\n';
  BOOST_TEST(newlines == EveryRecord().size() + 1);

  auto reader = TraceReader::FromString(first);
  std::string second;
  EncodeHeader(reader->ReadHeader().value(), &second);
  TraceRecord record;
  while (reader->Next(&record).value()) EncodeRecord(record, &second);
  BOOST_TEST(first == second);
}

// Goal: the fixed field order of docs/trace_format.md, with unknown fields after the known ones.
BOOST_AUTO_TEST_CASE(FixedFieldOrder) {
  std::string out;
  EncodeRecord(EffectRecord{5, 2, "executor/x", Action{"put", Json::parse(R"({"b":1,"a":"x"})")},
                            Json::parse(R"({"idempotency_key":"k"})")},
               &out);
  BOOST_TEST(
      out ==
      R"({"kind":"effect","ts":5,"intent":2,"executor":"executor/x","tool":"put","args":{"a":"x","b":1},"idempotency_key":"k"})"
      "\n");
  out.clear();
  TraceHeader header;
  EncodeHeader(header, &out);
  BOOST_TEST(out ==
             R"({"format":"logact-trace","version":1,"seed":null,"scenario":null,"source":"sim"})"
             "\n");
  out.clear();
  EncodeRecord(At(MakeElect("driver/a", "a", 1), 0, 3), &out);
  BOOST_TEST(out.rfind(R"({"kind":"entry","pos":0,"ts":3,"type":"elect")", 0) == 0);
  // Extra fields that collide with known ones are not written twice.
  out.clear();
  EncodeRecord(FaultRecord{1, "crash", "x", Json::parse(R"({"kind":"bad","ts":9})")}, &out);
  BOOST_TEST(out == R"({"kind":"fault","ts":1,"fault":"crash","target":"x"})"
                    "\n");
}

// Goal: strings are escaped exactly as nlohmann escapes them, and invalid UTF-8 is replaced.
BOOST_AUTO_TEST_CASE(StringsEscapeLikeNlohmann) {
  for (const std::string& text : {std::string("plain"), std::string("q\"b\\s\n\x01"),
                                  std::string("é✓"), std::string("bad\xff")}) {
    std::string out;
    AppendJsonString(text, &out);
    BOOST_TEST(out == CompactJson(Json(text)));
  }
}

// Goal: a file writer creates the file only on Close, atomically, with the same bytes as memory.
BOOST_AUTO_TEST_CASE(FileWriterIsAtomic) {
  const auto dir = std::filesystem::temp_directory_path() / "logact_trace_writer_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "run.jsonl").string();
  TraceWriter memory;
  auto file = TraceWriter::OpenFile(path);
  BOOST_REQUIRE(file.has_value());
  memory.OnHeader(SampleHeader());
  (*file)->OnHeader(SampleHeader());
  // Enough records to pass the 1 MiB flush threshold several times.
  for (int i = 0; i < 1000; ++i) {
    for (const TraceRecord& record : EveryRecord()) {
      memory.OnRecord(record);
      (*file)->OnRecord(record);
    }
  }
  BOOST_TEST(!std::filesystem::exists(path));  // nothing visible before Close
  BOOST_TEST((*file)->Close().ok());
  BOOST_TEST(memory.Close().ok());
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  BOOST_TEST(contents.str() == memory.text());
  // Only the final file remains: the temporary one was renamed.
  BOOST_TEST(std::distance(std::filesystem::directory_iterator(dir),
                           std::filesystem::directory_iterator()) == 1);
  std::filesystem::remove_all(dir);
}

// Goal: an abandoned atomic file leaves nothing behind and a missing directory is kNotFound.
BOOST_AUTO_TEST_CASE(AtomicFileAbandonAndErrors) {
  const auto dir = std::filesystem::temp_directory_path() / "logact_atomic_file_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "out.json").string();
  {
    auto writer = AtomicFileWriter::Open(path);
    BOOST_REQUIRE(writer.has_value());
    BOOST_TEST((*writer)->Append("partial").ok());
  }  // destroyed without Commit
  BOOST_TEST(std::filesystem::is_empty(dir));
  BOOST_TEST(WriteFileAtomically(path, "old").ok());
  BOOST_TEST(WriteFileAtomically(path, "new").ok());
  std::ifstream in(path);
  std::string text;
  in >> text;
  BOOST_TEST(text == "new");
  const auto missing = AtomicFileWriter::Open((dir / "no_such_dir" / "x").string());
  BOOST_TEST(!missing.has_value());
  BOOST_TEST(static_cast<int>(missing.error().code()) == static_cast<int>(StatusCode::kNotFound));
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::traces
