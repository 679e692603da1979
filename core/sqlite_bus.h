// SqliteBus: the durable AgentBus backend, one SQLite database file per agent.
//
// One row per entry (schema: core/sqlite_schema.h, docs/sqlite_schema.md) in
// WAL mode. Each Append is a single INSERT in its own SQLite transaction, so
// a crash leaves either the whole entry or nothing; with the default
// synchronous=FULL an acknowledged append also survives a power loss. Reads
// verify each row's checksum and header columns, so a damaged file is
// reported as kCorruption naming the position, never decoded silently.
// Reads map up to limits::kSqliteMmapBytes of the file into memory (a replay
// reads every page once); as with any mmap, a disk that fails while a page is
// read raises SIGBUS instead of returning kUnavailable: not promised otherwise.
//
// Opening a file that is not a LogAct bus database fails with an error naming
// the file (see Open); reopening a bus resumes at its tail.
//
// Thread-safety: none (see core/agent_bus.h). One SqliteBus per file at a
// time: the tail is cached in memory, so a second writer on the same file is
// not supported (its appends fail with a constraint error rather than
// corrupting the log). Determinism: the Clock is the only input besides the
// calls and the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/agent_bus.h"
#include "core/clock.h"
#include "core/crc32c.h"  // Crc32c, the row checksum

struct sqlite3;
struct sqlite3_stmt;

namespace logact {

struct SqliteBusOptions {
  enum class Synchronous : uint8_t {
    // fsync the WAL on every transaction: an acknowledged append survives a
    // power loss. The default, as SPEC §1 promises durability.
    kFull,
    // fsync only at checkpoints: an acknowledged append survives a process
    // crash but the last few may be lost on a power loss. Several times faster.
    kNormal,
  };
  Synchronous synchronous = Synchronous::kFull;
};

class SqliteBus : public AgentBus {
 public:
  // Opens (creating if needed) the bus database at `path`.
  // REQUIRES: clock != nullptr and outlives the bus. The bus does not own it.
  // Errors, each naming the file:
  //   kInvalidArgument  a SQLite database that is not a LogAct bus (other
  //                     tables, another application id) or a newer format version;
  //   kCorruption       not a SQLite database at all, or a LogAct bus whose
  //                     metadata or positions are damaged (e.g. a gap);
  //   kUnavailable      the file cannot be opened or locked.
  static Result<std::unique_ptr<SqliteBus>> Open(const std::string& path, Clock* clock,
                                                 SqliteBusOptions options = {});
  ~SqliteBus() override;

  SqliteBus(const SqliteBus&) = delete;
  SqliteBus& operator=(const SqliteBus&) = delete;

  // AgentBus. Append additionally fails with kResourceExhausted for an entry
  // whose encoding exceeds limits::kTraceLineBytesMax, kUnavailable when the
  // INSERT failed and the row is provably absent, kUnknownOutcome when that
  // could not be established. Read and Poll fail with kCorruption naming the
  // position of a row that fails its checksum or does not decode.
  using AgentBus::Append;  // the copying overload
  Result<Position> Append(Entry&& entry) override;
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override;
  Position Tail() const override { return tail_; }
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override;
  // One SELECT stepped over the whole range, each row checked (checksum,
  // header columns) and decoded, then visited; no page of copies. On a
  // damaged row *played is that row's position and the error is kCorruption.
  Status ForEachEntry(Position* played, Position end, TypeFilter filter,
                      const std::function<void(const Entry&)>& visit) const override;

  const std::string& path() const { return path_; }

 private:
  SqliteBus(std::string path, Clock* clock);
  Status Initialize(SqliteBusOptions options);
  Status CheckOrCreateSchema();
  Status LoadTail();
  Status Prepare();
  // Rows of [start, end) matching `filter`, at most `limit` (-1: no limit).
  Result<std::vector<Entry>> Select(Position start, Position end, TypeFilter filter,
                                    int64_t limit) const;
  void BindRange(sqlite3_stmt* statement, Position start, Position end, TypeFilter filter,
                 int64_t limit) const;
  // Checks the current row of `statement` and decodes it.
  Result<Entry> RowToEntry(sqlite3_stmt* statement) const;
  // "'<path>' entry at pos N", the start of every row error (built only on errors).
  std::string Where(Position pos) const;
  // Whether our row (same checksum) is at `pos`: settles the outcome of a failed INSERT.
  Result<bool> RowExists(Position pos, uint32_t checksum) const;
  Status Error(std::string_view what) const;

  std::string path_;
  Clock* clock_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* select_ = nullptr;
  sqlite3_stmt* exists_ = nullptr;
  sqlite3_stmt* scan_ = nullptr;   // ForEachEntry's statement (select_ stays free for Poll)
  mutable bool scanning_ = false;  // scan_ is being stepped (ForEachEntry re-entered)
  Position tail_ = 0;
  std::string encode_buffer_;  // reused across appends
};

}  // namespace logact
