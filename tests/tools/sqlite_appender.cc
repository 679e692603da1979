// logact_sqlite_appender: a test-only child process for the SQLite kill test
// (tests/core/sqlite_kill_test.cc, scripts/sqlite_kill_bench.sh).
//
//   logact_sqlite_appender PATH COUNT full|normal
//
// Opens the SqliteBus at PATH and appends COUNT mail entries, the one at
// position p carrying SqliteKillBody(p) (tests/tools/sqlite_kill_body.h), so a
// reader can check every row's exact content without knowing which appends
// were acknowledged. After each acknowledged append it writes "p\n" to stdout
// with one write(2) call (no stdio buffer), so every position the parent reads
// was acknowledged before the child died. Exit 0 when done, 1 on any error
// (the message on stderr). The parent kills it with SIGKILL at random moments.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/sqlite_bus.h"
#include "tests/tools/sqlite_kill_body.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "logact_sqlite_appender: %s\n", message.c_str());
  return 1;
}

bool WriteAll(const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return Fail("usage: logact_sqlite_appender PATH COUNT full|normal");
  const std::string path = argv[1];
  const long count = std::strtol(argv[2], nullptr, 10);
  const std::string mode = argv[3];
  if (count < 0 || (mode != "full" && mode != "normal")) return Fail("bad COUNT or mode");
  logact::SqliteBusOptions options;
  options.synchronous = mode == "full" ? logact::SqliteBusOptions::Synchronous::kFull
                                       : logact::SqliteBusOptions::Synchronous::kNormal;
  logact::ManualClock clock(1'000'000);
  logact::Result<std::unique_ptr<logact::SqliteBus>> bus =
      logact::SqliteBus::Open(path, &clock, options);
  if (!bus.has_value()) return Fail(bus.status().ToString());
  for (long i = 0; i < count; ++i) {
    const logact::Position expected = (*bus)->Tail();
    clock.AdvanceBy(1);
    logact::Result<logact::Position> pos =
        (*bus)->Append(logact::testing::SqliteKillEntry(expected));
    if (!pos.has_value()) return Fail(pos.status().ToString());
    if (*pos != expected) return Fail("append returned " + std::to_string(*pos));
    if (!WriteAll(std::to_string(*pos) + "\n")) return Fail("stdout closed");
  }
  return 0;
}
