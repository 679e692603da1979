// Tests of core/sqlite_bus.h beyond the shared conformance suite: durability
// across reopen, refusal of foreign files, and detection of damaged rows.
#include "core/sqlite_bus.h"

#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/limits.h"
#include "core/sqlite_schema.h"
#include "tests/core/bus_test_util.h"

namespace logact {
namespace {

using testing::CodeOf;

// A temporary database path, removed (with its WAL) at the end of the test.
struct TempDb {
  std::string path = testing::TempDatabasePath("sqlite-bus");
  ~TempDb() { testing::RemoveDatabase(path); }
};

std::unique_ptr<SqliteBus> OpenOrDie(const std::string& path, Clock* clock,
                                     SqliteBusOptions options = {}) {
  Result<std::unique_ptr<SqliteBus>> bus = SqliteBus::Open(path, clock, options);
  BOOST_REQUIRE_MESSAGE(bus.has_value(), bus.status().ToString());
  return std::move(bus).value();
}

// Runs SQL on the file behind the bus's back (to build foreign or damaged files).
void RunSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  BOOST_REQUIRE_EQUAL(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error == nullptr ? "" : error;
  sqlite3_free(error);
  sqlite3_close(db);
  BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, sql + ": " + message);
}

std::string QueryOne(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  BOOST_REQUIRE_EQUAL(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  BOOST_REQUIRE_EQUAL(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK);
  std::string value;
  if (sqlite3_step(statement) == SQLITE_ROW) {
    value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return value;
}

// Fills a bus with one entry of each type (mail at 0, output at 10).
void FillOneOfEach(SqliteBus& bus) {
  for (int t = 0; t < kEntryTypeCount; ++t) {
    const EntryType type = testing::TypeAt(t);
    const Result<Position> pos =
        bus.Append(testing::SampleEntry(type, testing::AllowedAuthor(type)));
    BOOST_REQUIRE_MESSAGE(pos.has_value(), pos.status().ToString());
  }
}

BOOST_AUTO_TEST_SUITE(SqliteBusTest)

// The checksum is standard CRC-32C (the check value of the catalogue).
BOOST_AUTO_TEST_CASE(Crc32cMatchesCheckValue) {
  BOOST_CHECK_EQUAL(Crc32c("123456789"), sqlite_schema::kCrc32cCheckValue);
  BOOST_CHECK_EQUAL(Crc32c(""), 0u);
}

// After close and reopen the bus has the same tail and entries, and appends continue there.
BOOST_AUTO_TEST_CASE(ReopenResumesTailAndContent) {
  TempDb db;
  ManualClock clock(50);
  std::vector<Entry> before;
  {
    std::unique_ptr<SqliteBus> bus = OpenOrDie(db.path, &clock);  // synchronous=FULL
    FillOneOfEach(*bus);
    before = *bus->Read(0, bus->Tail(), TypeFilter::All());
  }
  std::unique_ptr<SqliteBus> bus = OpenOrDie(db.path, &clock);
  BOOST_CHECK_EQUAL(bus->Tail(), kEntryTypeCount);
  const Result<std::vector<Entry>> after = bus->Read(0, bus->Tail(), TypeFilter::All());
  BOOST_REQUIRE(after.has_value());
  BOOST_CHECK(*after == before);
  BOOST_CHECK_EQUAL(*bus->Append(MakeElect("driver/b", "b", 9)), kEntryTypeCount);
  BOOST_CHECK_EQUAL(bus->Tail(), kEntryTypeCount + 1);
}

// The file is in WAL mode and carries the application id and metadata of the schema.
BOOST_AUTO_TEST_CASE(WritesTheDocumentedSchema) {
  TempDb db;
  ManualClock clock;
  {
    std::unique_ptr<SqliteBus> bus = OpenOrDie(db.path, &clock);
    BOOST_REQUIRE(bus->Append(MakeMail("external/a", "a", "hi")).has_value());
  }
  BOOST_CHECK_EQUAL(QueryOne(db.path, "PRAGMA journal_mode"), "wal");
  BOOST_CHECK_EQUAL(QueryOne(db.path, "PRAGMA application_id"),
                    std::to_string(sqlite_schema::kApplicationId));
  BOOST_CHECK_EQUAL(QueryOne(db.path, "SELECT value FROM logact_meta WHERE key='magic'"),
                    std::string(sqlite_schema::kMagic));
  BOOST_CHECK_EQUAL(QueryOne(db.path, "SELECT value FROM logact_meta WHERE key='format_version'"),
                    "1");
  const std::string payload = QueryOne(db.path, "SELECT payload FROM logact_entries WHERE pos=0");
  BOOST_CHECK_EQUAL(
      payload, R"({"pos":0,"ts":0,"type":"mail","author":"external/a","from":"a","body":"hi"})");
  BOOST_CHECK_EQUAL(QueryOne(db.path, "SELECT checksum FROM logact_entries WHERE pos=0"),
                    std::to_string(Crc32c(payload)));
  BOOST_CHECK_EQUAL(QueryOne(db.path, "SELECT type FROM logact_entries WHERE pos=0"), "0");
}

// A text file is refused with an error that names the file; the file is left untouched.
BOOST_AUTO_TEST_CASE(RefusesTextFile) {
  TempDb db;
  const std::string text(200, 'x');
  std::ofstream(db.path) << text;
  ManualClock clock;
  const Result<std::unique_ptr<SqliteBus>> bus = SqliteBus::Open(db.path, &clock);
  BOOST_REQUIRE(!bus.has_value());
  BOOST_CHECK_EQUAL(CodeOf(bus), "Corruption");
  BOOST_CHECK_NE(bus.error().message().find(db.path), std::string::npos);
  std::ifstream in(db.path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_CHECK_EQUAL(content, text);
}

// A SQLite database of another application is refused, naming the file and its tables.
BOOST_AUTO_TEST_CASE(RefusesForeignSqliteDatabase) {
  TempDb db;
  RunSql(db.path, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
  ManualClock clock;
  const Result<std::unique_ptr<SqliteBus>> bus = SqliteBus::Open(db.path, &clock);
  BOOST_REQUIRE(!bus.has_value());
  BOOST_CHECK_EQUAL(CodeOf(bus), "InvalidArgument");
  BOOST_CHECK_NE(bus.error().message().find(db.path), std::string::npos);
  BOOST_CHECK_NE(bus.error().message().find("users"), std::string::npos);
  BOOST_CHECK_EQUAL(QueryOne(db.path, "SELECT count(*) FROM sqlite_master"), "1");
}

// A bus of a newer format version or with damaged metadata is refused.
BOOST_AUTO_TEST_CASE(RefusesUnknownFormatVersionAndBadMagic) {
  TempDb db;
  ManualClock clock;
  OpenOrDie(db.path, &clock);
  RunSql(db.path, "UPDATE logact_meta SET value='2' WHERE key='format_version'");
  Result<std::unique_ptr<SqliteBus>> bus = SqliteBus::Open(db.path, &clock);
  BOOST_CHECK_EQUAL(CodeOf(bus), "InvalidArgument");
  BOOST_CHECK(!bus.has_value() && bus.error().message().find("version '2'") != std::string::npos);
  RunSql(db.path,
         "UPDATE logact_meta SET value='1' WHERE key='format_version';"
         "UPDATE logact_meta SET value='nope' WHERE key='magic'");
  bus = SqliteBus::Open(db.path, &clock);
  BOOST_CHECK_EQUAL(CodeOf(bus), "Corruption");
  BOOST_CHECK(!bus.has_value() && bus.error().message().find(db.path) != std::string::npos);
}

// A payload changed on disk fails its checksum: reads that touch it report kCorruption
// naming the position; reads that do not touch it still work.
BOOST_AUTO_TEST_CASE(DetectsCorruptedPayloadByChecksum) {
  TempDb db;
  ManualClock clock;
  std::unique_ptr<SqliteBus> bus = OpenOrDie(db.path, &clock);
  FillOneOfEach(*bus);
  // Still valid JSON with the same header: only the checksum can notice.
  RunSql(db.path, "UPDATE logact_entries SET payload=replace(payload,'think','thank') WHERE pos=2");
  const Result<std::vector<Entry>> all = bus->Read(0, bus->Tail(), TypeFilter::All());
  BOOST_REQUIRE(!all.has_value());
  BOOST_CHECK_EQUAL(CodeOf(all), "Corruption");
  BOOST_CHECK_NE(all.error().message().find("pos 2"), std::string::npos);
  BOOST_CHECK_NE(all.error().message().find("checksum"), std::string::npos);
  BOOST_CHECK_EQUAL(CodeOf(bus->Poll(0, {EntryType::kInfOut}, 4)), "Corruption");
  BOOST_CHECK(bus->Read(0, 2, TypeFilter::All()).has_value());
  BOOST_CHECK(bus->Poll(0, {EntryType::kVote}, 4).has_value());
  // A bus that failed a read still appends and reads elsewhere.
  BOOST_CHECK(bus->Append(MakeElect("driver/c", "c", 1)).has_value());
  BOOST_CHECK(bus->Read(3, bus->Tail(), TypeFilter::All()).has_value());
}

// Header columns that disagree with the payload, or a type column out of range, are
// corruption too, even when a filter would otherwise skip the row.
BOOST_AUTO_TEST_CASE(DetectsHeaderColumnDamage) {
  TempDb db;
  ManualClock clock;
  std::unique_ptr<SqliteBus> bus = OpenOrDie(db.path, &clock);
  FillOneOfEach(*bus);
  RunSql(db.path, "UPDATE logact_entries SET ts=ts+1 WHERE pos=4");
  Result<std::vector<Entry>> read = bus->Read(0, bus->Tail(), TypeFilter::All());
  BOOST_CHECK_EQUAL(CodeOf(read), "Corruption");
  BOOST_CHECK(!read.has_value() && read.error().message().find("pos 4") != std::string::npos);
  RunSql(db.path,
         "UPDATE logact_entries SET ts=ts-1 WHERE pos=4; "
         "UPDATE logact_entries SET type=77 WHERE pos=6");
  read = bus->Read(0, bus->Tail(), {EntryType::kMail});
  BOOST_CHECK_EQUAL(CodeOf(read), "Corruption");
  BOOST_CHECK(!read.has_value() && read.error().message().find("pos 6") != std::string::npos);
}

// A missing row (a gap in positions) is detected when the bus is opened.
BOOST_AUTO_TEST_CASE(DetectsGapOnOpen) {
  TempDb db;
  ManualClock clock;
  FillOneOfEach(*OpenOrDie(db.path, &clock));
  RunSql(db.path, "DELETE FROM logact_entries WHERE pos=3");
  const Result<std::unique_ptr<SqliteBus>> bus = SqliteBus::Open(db.path, &clock);
  BOOST_CHECK_EQUAL(CodeOf(bus), "Corruption");
  BOOST_CHECK(!bus.has_value() && bus.error().message().find("dense") != std::string::npos);
}

// An empty file becomes a bus; a path in a missing directory is a clear kUnavailable.
BOOST_AUTO_TEST_CASE(OpensEmptyFileAndReportsUnopenablePath) {
  TempDb db;
  std::ofstream(db.path).close();
  ManualClock clock;
  std::unique_ptr<SqliteBus> bus = OpenOrDie(db.path, &clock);
  BOOST_CHECK_EQUAL(bus->Tail(), 0);
  const std::string missing = db.path + ".d/none/bus.db";
  const Result<std::unique_ptr<SqliteBus>> bad = SqliteBus::Open(missing, &clock);
  BOOST_CHECK_EQUAL(CodeOf(bad), "Unavailable");
  BOOST_CHECK(!bad.has_value() && bad.error().message().find(missing) != std::string::npos);
}

// An entry larger than the stored-entry limit is refused and leaves no row.
BOOST_AUTO_TEST_CASE(RefusesOversizedEntry) {
  TempDb db;
  ManualClock clock;
  std::unique_ptr<SqliteBus> bus =
      OpenOrDie(db.path, &clock, {SqliteBusOptions::Synchronous::kNormal});
  const Result<Position> pos =
      bus->Append(MakeMail("external/a", "a", std::string(limits::kTraceLineBytesMax, 'y')));
  BOOST_CHECK_EQUAL(CodeOf(pos), "ResourceExhausted");
  BOOST_CHECK_EQUAL(bus->Tail(), 0);
  BOOST_CHECK_EQUAL(QueryOne(db.path, "SELECT count(*) FROM logact_entries"), "0");
}

// ForEachEntry (one statement over the range) visits exactly what Read returns for the
// same range and filter, and leaves *played at the end of the range.
BOOST_AUTO_TEST_CASE(ForEachEntryMatchesRead) {
  TempDb db;
  ManualClock clock;
  std::unique_ptr<SqliteBus> bus = OpenOrDie(db.path, &clock);
  FillOneOfEach(*bus);
  FillOneOfEach(*bus);
  const TypeFilter filter{EntryType::kIntent, EntryType::kVote, EntryType::kMail};
  for (const auto& [start, end] : std::vector<std::pair<Position, Position>>{
           {0, bus->Tail()}, {3, 15}, {5, 5}, {kEntryTypeCount, bus->Tail()}}) {
    std::vector<Entry> visited;
    Position played = start;
    const Status status =
        bus->ForEachEntry(&played, end, filter, [&](const Entry& e) { visited.push_back(e); });
    BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
    BOOST_CHECK_EQUAL(played, end);
    const Result<std::vector<Entry>> read = bus->Read(start, end, filter);
    BOOST_REQUIRE(read.has_value());
    BOOST_CHECK(visited == *read);
  }
  Position played = 0;
  BOOST_CHECK_EQUAL(
      CodeOf(bus->ForEachEntry(&played, bus->Tail() + 1, filter, [](const Entry&) {})),
      "InvalidArgument");
}

// A damaged row stops the scan with kCorruption naming it; the rows before it were
// visited and *played is the damaged row's position, so the caller's state stays a
// function of [0, *played).
BOOST_AUTO_TEST_CASE(ForEachEntryStopsAtDamagedRow) {
  TempDb db;
  ManualClock clock;
  std::unique_ptr<SqliteBus> bus = OpenOrDie(db.path, &clock);
  FillOneOfEach(*bus);
  RunSql(db.path, "UPDATE logact_entries SET payload=replace(payload,'think','thank') WHERE pos=2");
  std::vector<Position> visited;
  Position played = 0;
  const Status status = bus->ForEachEntry(&played, bus->Tail(), TypeFilter::All(),
                                          [&](const Entry& e) { visited.push_back(e.pos); });
  BOOST_CHECK_EQUAL(CodeOf(status), "Corruption");
  BOOST_CHECK_NE(status.message().find("pos 2"), std::string::npos);
  BOOST_CHECK_EQUAL(played, 2);
  BOOST_CHECK(visited == (std::vector<Position>{0, 1}));
}

// A visitor may read the same bus (Poll, Read, and a nested ForEachEntry, which pages)
// without disturbing the scan in progress.
BOOST_AUTO_TEST_CASE(ForEachEntryAllowsReadsFromTheVisitor) {
  TempDb db;
  ManualClock clock;
  std::unique_ptr<SqliteBus> bus = OpenOrDie(db.path, &clock);
  FillOneOfEach(*bus);
  std::vector<Position> outer;
  size_t inner_total = 0;
  Position played = 0;
  const Status status =
      bus->ForEachEntry(&played, bus->Tail(), TypeFilter::All(), [&](const Entry& e) {
        outer.push_back(e.pos);
        BOOST_CHECK(bus->Poll(0, TypeFilter::All(), 2).has_value());
        BOOST_CHECK(bus->Read(0, e.pos + 1, TypeFilter::All()).has_value());
        Position inner = 0;
        BOOST_CHECK(bus->ForEachEntry(&inner, e.pos + 1, TypeFilter::All(),
                                      [&](const Entry&) { ++inner_total; })
                        .ok());
        BOOST_CHECK_EQUAL(inner, e.pos + 1);
      });
  BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
  BOOST_CHECK_EQUAL(outer.size(), static_cast<size_t>(kEntryTypeCount));
  BOOST_CHECK_EQUAL(outer.back(), kEntryTypeCount - 1);
  // Sum over k of (k + 1) entries for k = 0 .. count-1.
  BOOST_CHECK_EQUAL(inner_total, static_cast<size_t>(kEntryTypeCount * (kEntryTypeCount + 1) / 2));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
