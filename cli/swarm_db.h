// SwarmDb: the SQLite file where `logact swarm` records one row per checked
// seed (layout: docs/swarm_db.md, constants: cli/swarm_schema.h).
//
// A row is keyed by (scenario, seed, faults). Writing a key that exists
// replaces the row (a rerun of the same seed is the newer truth); merging a
// key that exists keeps it if the rows agree on everything but the wall time
// and refuses the whole merge otherwise, so shard databases can be merged in
// any order, any number of times, with the same result.
//
// Thread-safety: none; one SwarmDb is used from one thread (the swarm writes
// every row from its parent thread, in seed order).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace logact::cli {

// The outcome of one seed, as stored. Fields mirror the swarm_runs columns.
struct SwarmRow {
  std::string scenario;
  uint64_t seed = 0;                     // <= INT64_MAX (SQLite integers are signed)
  std::string faults;                    // the --faults argument ("none" when absent)
  std::string outcome;                   // swarm_schema::kOutcome*
  std::vector<std::string> violations;   // violated invariant ids, in SPEC §7 order
  std::string signature;                 // empty iff outcome is "pass"
  std::string component;                 // the role the first violation implicates
  std::vector<std::string> fault_kinds;  // injected fault kinds, sorted, unique
  int64_t entries = 0;
  int64_t steps = 0;
  int64_t virtual_time_ms = 0;
  int64_t wall_time_us = 0;                       // display only: never compared, never merged on
  std::map<std::string, int64_t> recovery_paths;  // path name -> times it ran (> 0)
  std::string message;  // the first violation's message, or the error / crash reason
  std::string repro;    // the exact `logact sim` command that reproduces the seed

  bool passed() const { return violations.empty() && signature.empty(); }
  // Equality on every field but wall_time_us: what "same result" means.
  bool SameResult(const SwarmRow& other) const;
  Json ToJson() const;
  // The inverse of ToJson (the swarm's worker processes send rows as JSON lines).
  // Errors: kInvalidArgument naming the field.
  static Result<SwarmRow> FromJson(const Json& json);
};

class SwarmDb {
 public:
  // Opens `path`. With `create`, a missing or empty file gets the schema;
  // without, the file must exist and is opened read-only (merge inputs).
  // Errors: kNotFound (no such file, without `create`); kInvalidArgument for
  // a file that is not a swarm database (another SQLite file, a damaged or
  // foreign file, a newer format version); kUnavailable when the file cannot
  // be opened or written.
  static Result<std::unique_ptr<SwarmDb>> Open(const std::string& path, bool create = true);
  ~SwarmDb();
  SwarmDb(const SwarmDb&) = delete;
  SwarmDb& operator=(const SwarmDb&) = delete;

  // Inserts or replaces rows in one transaction. Errors: kUnavailable.
  Status Write(const std::vector<SwarmRow>& rows);

  // Every row, ordered by (scenario, faults, seed). Errors: kCorruption for a
  // row that does not parse, kUnavailable.
  Result<std::vector<SwarmRow>> ReadAll() const;

  // Adds the rows of `others` (already read) that are missing here; keeps a
  // row that exists with the same result. Errors: kInvalidArgument naming the
  // first key whose results conflict (nothing is written then), kUnavailable.
  // `added` (optional) receives the number of rows inserted.
  Status Merge(const std::vector<SwarmRow>& others, int64_t* added);

  const std::string& path() const { return path_; }

 private:
  SwarmDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Exec(const std::string& sql) const;
  Status InitializeOrValidate(bool create);
  Status InsertLocked(const SwarmRow& row, bool replace);

  sqlite3* db_;
  std::string path_;
};

}  // namespace logact::cli
