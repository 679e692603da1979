// The persisted SQLite schema of `logact swarm` result databases
// (cli/swarm_db.h). Prose specification: docs/swarm_db.md.
//
// Every value in this header is written into database files that outlive the
// binary that wrote them (shards are copied between machines and merged
// later): DO NOT CHANGE any of them. A change of layout gets a new
// kFormatVersion and a reader that still understands the old ones.
#pragma once

#include <cstdint>
#include <string_view>

namespace logact::cli::swarm_schema {

// PRAGMA application_id of every swarm database: "LgSw" in ASCII, so that a
// bus database (core/sqlite_schema.h, "LgAc") or any other SQLite file is told
// apart before a table is read. Do not change.
inline constexpr int32_t kApplicationId = 0x4C675377;

// Key "magic" of the metadata table holds kMagic. Do not change.
inline constexpr std::string_view kMagicKey = "magic";
inline constexpr std::string_view kMagic = "logact-swarm-results";
// Key "format_version" holds the decimal layout version. Do not change.
inline constexpr std::string_view kFormatVersionKey = "format_version";
inline constexpr int64_t kFormatVersion = 1;

// The values of swarm_runs.outcome. Do not change.
inline constexpr std::string_view kOutcomePass = "pass";    // every judged invariant held
inline constexpr std::string_view kOutcomeFail = "fail";    // some invariant was violated
inline constexpr std::string_view kOutcomeError = "error";  // the run returned an error Status
inline constexpr std::string_view kOutcomeCrash = "crash";  // the run's process died (an assert)

// The schema, created in one transaction on an empty file. Do not change.
inline constexpr std::string_view kCreateSql =
    "CREATE TABLE swarm_meta ("
    "  key TEXT PRIMARY KEY NOT NULL,"
    "  value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE swarm_runs ("
    "  scenario TEXT NOT NULL,"
    "  seed INTEGER NOT NULL CHECK (seed >= 0),"
    "  faults TEXT NOT NULL,"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'error', 'crash')),"
    "  violations TEXT NOT NULL,"
    "  signature TEXT NOT NULL,"
    "  component TEXT NOT NULL,"
    "  fault_kinds TEXT NOT NULL,"
    "  entries INTEGER NOT NULL,"
    "  steps INTEGER NOT NULL,"
    "  virtual_time_ms INTEGER NOT NULL,"
    "  wall_time_us INTEGER NOT NULL,"
    "  recovery_paths TEXT NOT NULL,"
    "  message TEXT NOT NULL,"
    "  repro TEXT NOT NULL,"
    "  PRIMARY KEY (scenario, seed, faults)) WITHOUT ROWID;";

// The columns of swarm_runs in schema order (SELECT and INSERT use it). Do not change.
inline constexpr std::string_view kRunColumns =
    "scenario, seed, faults, outcome, violations, signature, component, fault_kinds, entries, "
    "steps, virtual_time_ms, wall_time_us, recovery_paths, message, repro";

}  // namespace logact::cli::swarm_schema
