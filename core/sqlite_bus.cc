// SqliteBus: see core/sqlite_bus.h; the file layout is in docs/sqlite_schema.md.
//
// Why one autocommit INSERT per append: SQLite makes a single statement outside
// an explicit transaction atomic and (in WAL mode with synchronous=FULL)
// durable when it returns, which is exactly the AgentBus promise, with no
// BEGIN/COMMIT round trips. The header columns duplicate fields of the JSON
// payload so that filters run inside SQLite without decoding rows that do not
// match; reads check the copies against the payload, and the checksum against
// the payload bytes, so damage is reported instead of played.
#include "core/sqlite_bus.h"

#include <sqlite3.h>

#include <array>
#include <string>

#include "core/access_control.h"
#include "core/assert.h"
#include "core/entry_codec.h"
#include "core/limits.h"
#include "core/sqlite_schema.h"

namespace logact {
namespace {

// Rows of [start, end) whose type bit is in the mask, at most a limit. A type
// outside the known range is selected whatever the mask, so that a damaged
// type column is reported as corruption instead of silently filtered out.
constexpr const char* kSelectSql =
    "SELECT pos, ts, type, author, payload, checksum FROM logact_entries "
    "WHERE pos >= ?1 AND pos < ?2 AND (((?3 >> type) & 1) = 1 OR type < 0 OR type >= ?5) "
    "ORDER BY pos LIMIT ?4";
constexpr const char* kInsertSql =
    "INSERT INTO logact_entries (pos, ts, type, author, payload, checksum) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kChecksumSql = "SELECT checksum FROM logact_entries WHERE pos = ?1";

// Resets a shared prepared statement on every exit path, so the next call
// finds it ready and no read transaction stays open.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* statement) : statement_(statement) {}
  ~ResetOnExit() { sqlite3_reset(statement_); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite3_stmt* statement_;
};

// Sets a flag for the lifetime of a scope: SqliteBus::scanning_ while
// ForEachEntry steps scan_, whichever way it returns.
class ScopedFlag {
 public:
  explicit ScopedFlag(bool* flag) : flag_(flag) { *flag_ = true; }
  ~ScopedFlag() { *flag_ = false; }
  ScopedFlag(const ScopedFlag&) = delete;
  ScopedFlag& operator=(const ScopedFlag&) = delete;

 private:
  bool* flag_;
};

StatusCode CodeForSqlite(int extended_code) {
  switch (extended_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_READONLY:
    case SQLITE_NOMEM:
    case SQLITE_INTERRUPT:
      return StatusCode::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kCorruption;
    default:
      return StatusCode::kInternal;
  }
}

std::string_view ColumnView(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  if (text == nullptr) return std::string_view();
  return std::string_view(reinterpret_cast<const char*>(text),
                          static_cast<size_t>(sqlite3_column_bytes(statement, column)));
}

std::string ColumnText(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(statement, column)));
}

}  // namespace

SqliteBus::SqliteBus(std::string path, Clock* clock) : path_(std::move(path)), clock_(clock) {
  LOGACT_ASSERT(clock_ != nullptr);
}

SqliteBus::~SqliteBus() {
  // sqlite3_finalize and sqlite3_close_v2 accept null pointers.
  sqlite3_finalize(insert_);
  sqlite3_finalize(select_);
  sqlite3_finalize(exists_);
  sqlite3_finalize(scan_);
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<SqliteBus>> SqliteBus::Open(const std::string& path, Clock* clock,
                                                   SqliteBusOptions options) {
  std::unique_ptr<SqliteBus> bus(new SqliteBus(path, clock));
  LOGACT_TRY(bus->Initialize(options));
  return bus;
}

Status SqliteBus::Error(std::string_view what) const {
  const int code = sqlite3_extended_errcode(db_);
  std::string message = "sqlite bus '" + path_ + "': " + std::string(what) + ": " +
                        sqlite3_errmsg(db_) + " (sqlite code " + std::to_string(code) + ")";
  return Status(CodeForSqlite(code), std::move(message));
}

Status SqliteBus::Initialize(SqliteBusOptions options) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    if (db_ == nullptr) return UnavailableError("sqlite bus '" + path_ + "': out of memory");
    return Error("cannot open");
  }
  sqlite3_extended_result_codes(db_, 1);
  LOGACT_TRY(CheckOrCreateSchema());
  const std::string synchronous = options.synchronous == SqliteBusOptions::Synchronous::kFull
                                      ? "PRAGMA synchronous=FULL"
                                      : "PRAGMA synchronous=NORMAL";
  if (sqlite3_exec(db_, synchronous.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Error("cannot set synchronous mode");
  }
  // Reads through a memory map (writes still go through the WAL): a replay
  // reads every page once, and pread's copy into the page cache was a visible
  // share of it. A build or OS without mmap leaves the size at 0, so the
  // result is ignored: it is only a speed-up.
  const std::string mmap = "PRAGMA mmap_size=" + std::to_string(limits::kSqliteMmapBytes);
  (void)sqlite3_exec(db_, mmap.c_str(), nullptr, nullptr, nullptr);
  LOGACT_TRY(LoadTail());
  return Prepare();
}

namespace {

// Runs `sql` and returns every row as text columns. Used only at open time.
Result<std::vector<std::vector<std::string>>> QueryRows(sqlite3* db, const char* sql,
                                                        const std::string& path) {
  auto fail = [&](std::string_view what) {
    const int code = sqlite3_extended_errcode(db);
    return Status(CodeForSqlite(code), "sqlite bus '" + path + "': " + std::string(what) + ": " +
                                           sqlite3_errmsg(db) + " (sqlite code " +
                                           std::to_string(code) + ")");
  };
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) {
    return fail(std::string("cannot run '") + sql + "'");
  }
  std::vector<std::vector<std::string>> rows;
  int rc;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    std::vector<std::string>& row = rows.emplace_back();
    for (int c = 0; c < sqlite3_column_count(statement); ++c) {
      row.push_back(ColumnText(statement, c));
    }
  }
  Status status;
  if (rc != SQLITE_DONE) status = fail(std::string("cannot run '") + sql + "'");
  sqlite3_finalize(statement);
  if (!status.ok()) return status;
  return rows;
}

// The tables of the file, sorted by name, joined with ", " for messages.
std::string JoinFirstColumn(const std::vector<std::vector<std::string>>& rows) {
  std::string joined;
  for (const auto& row : rows) {
    if (!joined.empty()) joined += ", ";
    joined += row.empty() ? "" : row[0];
  }
  return joined;
}

}  // namespace

Status SqliteBus::CheckOrCreateSchema() {
  // The first statement that reads the file is where SQLite notices that it
  // is not a database at all (SQLITE_NOTADB): report that as corruption.
  Result<std::vector<std::vector<std::string>>> tables = QueryRows(
      db_, "SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name", path_);
  if (!tables.has_value()) {
    return Status(tables.error().code(), "'" + path_ +
                                             "' is not a readable SQLite database (is it a LogAct "
                                             "bus?): " +
                                             tables.error().message());
  }
  LOGACT_ASSIGN_OR_RETURN(auto app_id_rows, QueryRows(db_, "PRAGMA application_id", path_));
  const std::string app_id = app_id_rows.empty() ? "0" : app_id_rows[0][0];
  if (tables->empty() && app_id == "0") {
    // A new (or empty) file: WAL first, as journal_mode cannot change inside a transaction.
    LOGACT_ASSIGN_OR_RETURN(auto mode, QueryRows(db_, "PRAGMA journal_mode=WAL", path_));
    if (mode.empty() || mode[0].empty() || mode[0][0] != "wal") {
      return UnavailableError("sqlite bus '" + path_ + "': cannot enable WAL mode");
    }
    const std::string create =
        "BEGIN IMMEDIATE;PRAGMA application_id=" + std::to_string(sqlite_schema::kApplicationId) +
        ";" + std::string(sqlite_schema::kCreateSql) + "INSERT INTO logact_meta VALUES ('" +
        std::string(sqlite_schema::kMagicKey) + "','" + std::string(sqlite_schema::kMagic) +
        "'),('" + std::string(sqlite_schema::kFormatVersionKey) + "','" +
        std::to_string(sqlite_schema::kFormatVersion) + "');COMMIT;";
    if (sqlite3_exec(db_, create.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      const Status status = Error("cannot create the schema");
      (void)sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return status;
    }
    return Status::Ok();
  }
  if (app_id != std::to_string(sqlite_schema::kApplicationId)) {
    return InvalidArgumentError("'" + path_ +
                                "' is a SQLite database but not a LogAct bus (application_id " +
                                app_id + ", tables: " + JoinFirstColumn(*tables) + ")");
  }
  LOGACT_ASSIGN_OR_RETURN(auto meta,
                          QueryRows(db_, "SELECT key, value FROM logact_meta ORDER BY key", path_));
  std::string magic;
  std::string version;
  for (const auto& row : meta) {
    if (row[0] == sqlite_schema::kMagicKey) magic = row[1];
    if (row[0] == sqlite_schema::kFormatVersionKey) version = row[1];
  }
  if (magic != sqlite_schema::kMagic) {
    return CorruptionError("'" + path_ + "' is a damaged LogAct bus: metadata magic is '" + magic +
                           "'");
  }
  if (version != std::to_string(sqlite_schema::kFormatVersion)) {
    return InvalidArgumentError("'" + path_ + "' has LogAct bus format version '" + version +
                                "'; this build reads version " +
                                std::to_string(sqlite_schema::kFormatVersion));
  }
  LOGACT_ASSIGN_OR_RETURN(auto mode, QueryRows(db_, "PRAGMA journal_mode=WAL", path_));
  if (mode.empty() || mode[0].empty() || mode[0][0] != "wal") {
    return UnavailableError("sqlite bus '" + path_ + "': cannot enable WAL mode");
  }
  return Status::Ok();
}

Status SqliteBus::LoadTail() {
  LOGACT_ASSIGN_OR_RETURN(
      auto rows, QueryRows(db_,
                           "SELECT count(*), coalesce(min(pos), 0), coalesce(max(pos), -1) "
                           "FROM logact_entries",
                           path_));
  LOGACT_ASSERT_EQ(rows.size(), 1u);
  const int64_t count = std::stoll(rows[0][0]);
  const int64_t min_pos = std::stoll(rows[0][1]);
  const int64_t max_pos = std::stoll(rows[0][2]);
  // pos is the primary key, so it is unique: dense iff it spans [0, count).
  if (count > 0 && (min_pos != 0 || max_pos != count - 1)) {
    return CorruptionError("'" + path_ + "' is a damaged LogAct bus: " + std::to_string(count) +
                           " entries at positions " + std::to_string(min_pos) + ".." +
                           std::to_string(max_pos) + " are not dense from 0");
  }
  tail_ = count;
  return Status::Ok();
}

Status SqliteBus::Prepare() {
  const int flags = SQLITE_PREPARE_PERSISTENT;
  if (sqlite3_prepare_v3(db_, kInsertSql, -1, flags, &insert_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v3(db_, kSelectSql, -1, flags, &select_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v3(db_, kChecksumSql, -1, flags, &exists_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v3(db_, kSelectSql, -1, flags, &scan_, nullptr) != SQLITE_OK) {
    return Error("cannot prepare statements");
  }
  return Status::Ok();
}

Result<Position> SqliteBus::Append(Entry&& entry) {
  LOGACT_TRY(CheckAppend(entry));
  const Position pos = tail_;
  entry.pos = pos;
  entry.ts = clock_->NowMs();
  encode_buffer_.clear();
  EncodeEntry(entry, /*kind_field=*/false, &encode_buffer_);
  if (encode_buffer_.size() > limits::kTraceLineBytesMax) {
    return ResourceExhaustedError("entry of " + std::to_string(encode_buffer_.size()) +
                                  " bytes exceeds the limit of " +
                                  std::to_string(limits::kTraceLineBytesMax));
  }
  const uint32_t checksum = Crc32c(encode_buffer_);
  Status failure;
  {
    ResetOnExit reset(insert_);
    sqlite3_bind_int64(insert_, 1, pos);
    sqlite3_bind_int64(insert_, 2, entry.ts);
    sqlite3_bind_int(insert_, 3, static_cast<int>(entry.type));
    sqlite3_bind_text(insert_, 4, entry.author.data(), static_cast<int>(entry.author.size()),
                      SQLITE_STATIC);
    sqlite3_bind_text(insert_, 5, encode_buffer_.data(), static_cast<int>(encode_buffer_.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int64(insert_, 6, checksum);
    if (sqlite3_step(insert_) != SQLITE_DONE)
      failure = Error("append at pos " + std::to_string(pos));
  }
  if (failure.ok()) {
    ++tail_;
    return pos;
  }
  // The INSERT failed, but a failure late in the transaction (an I/O error
  // while committing) may still have stored the row: look before answering.
  const Result<bool> stored = RowExists(pos, checksum);
  if (!stored.has_value()) {
    return UnknownOutcomeError(
        failure.message() + "; and the outcome cannot be read back: " + stored.error().message());
  }
  LOGACT_MAYBE(*stored);
  if (*stored) {
    ++tail_;
    return pos;
  }
  return failure;
}

Result<bool> SqliteBus::RowExists(Position pos, uint32_t checksum) const {
  ResetOnExit reset(exists_);
  sqlite3_bind_int64(exists_, 1, pos);
  const int rc = sqlite3_step(exists_);
  if (rc == SQLITE_DONE) return false;
  if (rc != SQLITE_ROW) return Error("read back pos " + std::to_string(pos));
  // A row with another checksum was written by someone else: ours is not there.
  return static_cast<uint32_t>(sqlite3_column_int64(exists_, 0)) == checksum;
}

Result<Entry> SqliteBus::RowToEntry(sqlite3_stmt* statement) const {
  const Position pos = sqlite3_column_int64(statement, 0);
  const int64_t ts = sqlite3_column_int64(statement, 1);
  const int64_t type = sqlite3_column_int64(statement, 2);
  // Views into SQLite's row buffer, valid until the next step: no copies.
  const std::string_view author = ColumnView(statement, 3);
  const std::string_view payload = ColumnView(statement, 4);
  const int64_t stored = sqlite3_column_int64(statement, 5);
  const uint32_t computed = Crc32c(payload);
  if (stored != static_cast<int64_t>(computed)) {
    return CorruptionError(Where(pos) + ": checksum mismatch (stored " + std::to_string(stored) +
                           ", computed " + std::to_string(computed) + ")");
  }
  Result<Entry> entry = DecodeEntryText(payload);
  if (!entry.has_value()) {
    return CorruptionError(Where(pos) + " does not decode: " + entry.error().message());
  }
  if (entry->pos != pos || entry->ts != ts || static_cast<int64_t>(entry->type) != type ||
      entry->author != author) {
    return CorruptionError(Where(pos) + ": header columns disagree with the payload");
  }
  return entry;
}

std::string SqliteBus::Where(Position pos) const {
  return "'" + path_ + "' entry at pos " + std::to_string(pos);
}

void SqliteBus::BindRange(sqlite3_stmt* statement, Position start, Position end, TypeFilter filter,
                          int64_t limit) const {
  sqlite3_bind_int64(statement, 1, start);
  sqlite3_bind_int64(statement, 2, end);
  sqlite3_bind_int64(statement, 3, filter.mask());
  sqlite3_bind_int64(statement, 4, limit);
  sqlite3_bind_int64(statement, 5, kEntryTypeCount);
}

Result<std::vector<Entry>> SqliteBus::Select(Position start, Position end, TypeFilter filter,
                                             int64_t limit) const {
  std::vector<Entry> out;
  ResetOnExit reset(select_);
  BindRange(select_, start, end, filter, limit);
  int rc;
  while ((rc = sqlite3_step(select_)) == SQLITE_ROW) {
    LOGACT_ASSIGN_OR_RETURN(Entry entry, RowToEntry(select_));
    out.push_back(std::move(entry));
  }
  if (rc != SQLITE_DONE)
    return Error("read [" + std::to_string(start) + ", " + std::to_string(end) + ")");
  return out;
}

Status SqliteBus::ForEachEntry(Position* played, Position end, TypeFilter filter,
                               const std::function<void(const Entry&)>& visit) const {
  LOGACT_ASSERT(played != nullptr);
  if (*played >= end) return Status::Ok();
  LOGACT_TRY(CheckReadRange(*played, end, tail_));
  if (filter.empty()) {
    *played = end;
    return Status::Ok();
  }
  if (scanning_) {
    // A visitor that plays this bus again from inside `visit`: the scan
    // statement is busy until the outer call returns, so read a copy.
    LOGACT_ASSIGN_OR_RETURN(std::vector<Entry> entries, Select(*played, end, filter, -1));
    for (const Entry& entry : entries) visit(entry);
    *played = end;
    return Status::Ok();
  }
  // One statement steps over the whole range (one read transaction, one
  // query plan), instead of a query per page of kPollEntriesMax entries.
  // *played moves only when this returns, as in the paging default.
  ResetOnExit reset(scan_);
  ScopedFlag scanning(&scanning_);
  BindRange(scan_, *played, end, filter, /*limit=*/-1);
  Position next = *played;  // every matching row of [*played, next) was visited
  int rc;
  while ((rc = sqlite3_step(scan_)) == SQLITE_ROW) {
    Result<Entry> entry = RowToEntry(scan_);
    if (!entry.has_value()) {
      *played = sqlite3_column_int64(scan_, 0);  // the damaged row is not played
      return entry.error();
    }
    LOGACT_ASSERT_GE(entry->pos, next);
    visit(*entry);
    next = entry->pos + 1;
  }
  *played = next;
  if (rc != SQLITE_DONE) {
    return Error("read [" + std::to_string(next) + ", " + std::to_string(end) + ")");
  }
  *played = end;
  return Status::Ok();
}

Result<std::vector<Entry>> SqliteBus::Read(Position start, Position end, TypeFilter filter) const {
  LOGACT_TRY(CheckReadRange(start, end, tail_));
  if (filter.empty()) return std::vector<Entry>();
  return Select(start, end, filter, /*limit=*/-1);
}

Result<Page> SqliteBus::Poll(Position start, TypeFilter filter, size_t max) const {
  LOGACT_TRY(CheckPollArguments(start, max, tail_));
  Page page;
  page.next = tail_;
  if (filter.empty()) return page;
  LOGACT_ASSIGN_OR_RETURN(page.entries, Select(start, tail_, filter, static_cast<int64_t>(max)));
  if (page.entries.size() == max) page.next = page.entries.back().pos + 1;
  LOGACT_ASSERT_LE(page.entries.size(), max);
  return page;
}

}  // namespace logact
