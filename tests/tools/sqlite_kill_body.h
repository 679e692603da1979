// The entry the SQLite kill test's appender writes at each position: shared by
// the child (tests/tools/sqlite_appender.cc) and the checking parent
// (tests/core/sqlite_kill_test.cc), so the parent knows the exact content of
// every row, acknowledged or not. Sizes vary from a few bytes to ~6 KiB so
// that some entries span several SQLite pages (a torn multi-page row would be
// caught by the row checksum).
#pragma once

#include <string>

#include "core/entry.h"

namespace logact::testing {

inline std::string SqliteKillBody(Position pos) {
  std::string body = "entry " + std::to_string(pos) + " ";
  const size_t extra = static_cast<size_t>((pos * 2654435761u) % 6000u);
  for (size_t i = 0; i < extra; ++i) body.push_back(static_cast<char>('a' + (pos + i) % 26));
  return body;
}

inline Entry SqliteKillEntry(Position pos) {
  return MakeMail("external/appender", "appender", SqliteKillBody(pos));
}

}  // namespace logact::testing
