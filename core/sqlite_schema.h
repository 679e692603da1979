// The persisted SQLite schema of the sqlite AgentBus backend
// (core/sqlite_bus.h). Prose specification: docs/sqlite_schema.md.
//
// Every value in this header is written into database files that outlive the
// binary that wrote them: DO NOT CHANGE any of them. A change of layout gets a
// new kFormatVersion and a reader that still understands the old ones.
#pragma once

#include <cstdint>
#include <string_view>

namespace logact::sqlite_schema {

// PRAGMA application_id of every bus database: "LgAc" in ASCII, so `file(1)`
// and a careless opener can tell the file apart. Do not change.
inline constexpr int32_t kApplicationId = 0x4C674163;

// The metadata table: key/value text pairs. Do not change.
inline constexpr std::string_view kMetaTable = "logact_meta";
// Key "magic" holds kMagic: proves the file is a LogAct bus. Do not change.
inline constexpr std::string_view kMagicKey = "magic";
inline constexpr std::string_view kMagic = "logact-agent-bus";
// Key "format_version" holds the decimal layout version. Do not change.
inline constexpr std::string_view kFormatVersionKey = "format_version";
inline constexpr int64_t kFormatVersion = 1;

// The entries table: one row per bus entry. Do not change.
//   pos       INTEGER PRIMARY KEY  the entry's position (dense from 0)
//   ts        INTEGER NOT NULL     the entry's ts (clock milliseconds)
//   type      INTEGER NOT NULL     the EntryType value (core/entry.h, persisted)
//   author    TEXT NOT NULL        "role/name"
//   payload   TEXT NOT NULL        EncodeEntry(entry) (core/entry_codec.h): the whole
//                                  entry, header included; the columns above are a
//                                  copy for filtering and are checked against it
//   checksum  INTEGER NOT NULL     Crc32c(payload bytes), 0 <= checksum < 2^32
inline constexpr std::string_view kEntriesTable = "logact_entries";

// The schema, created in one transaction on an empty file. Do not change.
inline constexpr std::string_view kCreateSql =
    "CREATE TABLE logact_meta ("
    "key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE logact_entries ("
    "pos INTEGER PRIMARY KEY, ts INTEGER NOT NULL, type INTEGER NOT NULL, "
    "author TEXT NOT NULL, payload TEXT NOT NULL, checksum INTEGER NOT NULL);";

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final
// xor 0xFFFFFFFF), the checksum of LevelDB and ext4. Crc32c("123456789") is
// 0xE3069283. Do not change.
inline constexpr uint32_t kCrc32cPolynomial = 0x82F63B78u;
inline constexpr uint32_t kCrc32cCheckValue = 0xE3069283u;

}  // namespace logact::sqlite_schema
