// SQLite durability for real (issue 3 item 6): a child process
// (tests/tools/sqlite_appender.cc) appends to a SqliteBus and reports each
// acknowledged position on a pipe; the parent kills it with SIGKILL at a seeded
// random moment (from before the file exists to mid-stream), then reopens the
// bus and checks that every acknowledged append is present with its exact
// content, no row is torn (every row passes its checksum and decodes), the tail
// covers every acknowledged position and never shrinks, and appending resumes.
// LOGACT_SQLITE_KILL_TRIALS (default 200) and LOGACT_SQLITE_KILL_SEED (default 1)
// override the trial count and seed (scripts/sqlite_kill_bench.sh runs thousands).
// Also: damaged and truncated files give clear errors, never wrong entries.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/sqlite_bus.h"
#include "tests/core/bus_test_util.h"
#include "tests/tools/sqlite_kill_body.h"

extern char** environ;

namespace logact {
namespace {

uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

int64_t EnvOr(const char* name, int64_t fallback) {
  const char* value = std::getenv(name);
  return value == nullptr ? fallback : std::strtoll(value, nullptr, 10);
}

// Runs the appender on `path`, kills it with SIGKILL `delay_us` after the
// spawn (or, with `after_first_ack`, after its first acknowledgement: a slow
// start, as under ASan, must not turn every kill into one before the first
// append), and returns the positions it acknowledged (complete lines only)
// and whether it was killed.
struct ChildRun {
  std::vector<Position> acked;
  bool killed = false;
  int exit_code = 0;
};

ChildRun RunAndKill(const std::string& path, const char* mode, int64_t delay_us,
                    bool after_first_ack) {
  int fds[2];
  BOOST_REQUIRE_EQUAL(::pipe(fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::string binary = LOGACT_SQLITE_APPENDER;
  std::string count = "400";
  std::string path_arg = path;
  std::string mode_arg = mode;
  char* argv[] = {binary.data(), path_arg.data(), count.data(), mode_arg.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  BOOST_REQUIRE_EQUAL(spawned, 0);
  std::string out;
  char buffer[4096];
  ssize_t n;
  if (after_first_ack && (n = ::read(fds[0], buffer, 1)) > 0) out.append(buffer, n);
  std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
  ::kill(pid, SIGKILL);
  while ((n = ::read(fds[0], buffer, sizeof(buffer))) > 0) out.append(buffer, n);
  ::close(fds[0]);
  int status = 0;
  BOOST_REQUIRE_EQUAL(::waitpid(pid, &status, 0), pid);
  ChildRun run;
  run.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  size_t start = 0;
  for (size_t end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
    run.acked.push_back(std::stoll(out.substr(start, end - start)));
  }
  return run;
}

// Reopens the bus and checks rows [*verified, tail): exact content, dense positions.
// Returns the bus's tail.
Position ReopenAndCheck(const std::string& path, const ChildRun& run, Position* verified) {
  ManualClock clock;
  Result<std::unique_ptr<SqliteBus>> bus =
      SqliteBus::Open(path, &clock, {SqliteBusOptions::Synchronous::kNormal});
  BOOST_REQUIRE_MESSAGE(bus.has_value(), bus.status().ToString());
  const Position tail = (*bus)->Tail();
  BOOST_REQUIRE_GE(tail, *verified);  // nothing that was on the log disappears
  for (const Position pos : run.acked) BOOST_REQUIRE_LT(pos, tail);
  const Result<std::vector<Entry>> rows = (*bus)->Read(*verified, tail, TypeFilter::All());
  BOOST_REQUIRE_MESSAGE(rows.has_value(), rows.status().ToString());
  BOOST_REQUIRE_EQUAL(rows->size(), static_cast<size_t>(tail - *verified));
  for (const Entry& e : *rows) {
    const Entry expected = testing::SqliteKillEntry(e.pos);
    BOOST_REQUIRE(e.type == EntryType::kMail);
    BOOST_REQUIRE_EQUAL(e.author, expected.author);
    BOOST_REQUIRE(e.payload == expected.payload);
  }
  *verified = tail;
  return tail;
}

BOOST_AUTO_TEST_SUITE(SqliteKill)

// >= 200 SIGKILLs at seeded moments; after each, every acknowledged append is there, intact.
BOOST_AUTO_TEST_CASE(AcknowledgedAppendsSurviveSigkill) {
  const int64_t trials = EnvOr("LOGACT_SQLITE_KILL_TRIALS", 200);
  uint64_t rng = static_cast<uint64_t>(EnvOr("LOGACT_SQLITE_KILL_SEED", 1));
  BOOST_TEST_MESSAGE("seed " << rng << ", " << trials << " trials");
  std::string path;
  Position verified = 0;
  int64_t killed = 0, acked_total = 0, mid_stream = 0;
  for (int64_t trial = 0; trial < trials; ++trial) {
    if (trial % 50 == 0) {  // a fresh file now and then: kills during creation too
      if (!path.empty()) testing::RemoveDatabase(path);
      path = testing::TempDatabasePath("kill");
      verified = 0;
    }
    const char* mode = trial % 2 == 0 ? "normal" : "full";
    const int64_t delay_us = static_cast<int64_t>(SplitMix(&rng) % 20'000);
    BOOST_TEST_CONTEXT("trial " << trial << " delay " << delay_us << "us mode " << mode) {
      const ChildRun run = RunAndKill(path, mode, delay_us, /*after_first_ack=*/trial % 4 >= 2);
      BOOST_REQUIRE(run.killed || run.exit_code == 0);
      killed += run.killed;
      acked_total += static_cast<int64_t>(run.acked.size());
      mid_stream += run.killed && !run.acked.empty();
      ReopenAndCheck(path, run, &verified);
    }
  }
  BOOST_TEST_MESSAGE(killed << " of " << trials << " children killed, " << mid_stream
                            << " mid-stream, " << acked_total << " acknowledged appends checked");
  BOOST_CHECK_GE(killed * 2, trials);      // most trials really kill the child ...
  BOOST_CHECK_GE(mid_stream * 4, trials);  // ... and many of them after some appends
  // Appending resumes where the log ends, and the whole log reads back intact.
  ManualClock clock;
  Result<std::unique_ptr<SqliteBus>> bus = SqliteBus::Open(path, &clock);
  BOOST_REQUIRE(bus.has_value());
  const Position tail = (*bus)->Tail();
  const Result<Position> pos = (*bus)->Append(testing::SqliteKillEntry(tail));
  BOOST_REQUIRE(pos.has_value());
  BOOST_CHECK_EQUAL(*pos, tail);
  BOOST_CHECK_EQUAL((*bus)->Read(0, tail + 1, TypeFilter::All())->size(), size_t(tail + 1));
  bus->reset();
  testing::RemoveDatabase(path);
}

// Bytes overwritten anywhere in a checkpointed bus file, or a truncated file, give an
// error (kCorruption for damage SQLite or our checksums detect) or correct entries,
// never a wrong entry or a crash.
BOOST_AUTO_TEST_CASE(DamagedFilesGiveClearErrors) {
  const std::string clean = testing::TempDatabasePath("damage-clean");
  {
    ManualClock clock;
    Result<std::unique_ptr<SqliteBus>> bus = SqliteBus::Open(clean, &clock);
    BOOST_REQUIRE(bus.has_value());
    for (Position p = 0; p < 60; ++p) {
      BOOST_REQUIRE((*bus)->Append(testing::SqliteKillEntry(p)).has_value());
    }
  }  // closing the last connection checkpoints the WAL into the file
  std::ifstream in(clean, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_REQUIRE_GT(bytes.size(), 8192u);
  int errors = 0;
  uint64_t rng = 7;
  for (int trial = 0; trial < 40; ++trial) {
    std::string damaged = bytes;
    if (trial < 5) {
      damaged.resize(damaged.size() * (trial + 1) / 7);  // truncated
    } else {
      const size_t at = SplitMix(&rng) % (damaged.size() - 64);
      for (size_t i = 0; i < 64; ++i) damaged[at + i] = static_cast<char>(SplitMix(&rng));
    }
    const std::string path = testing::TempDatabasePath("damaged");
    std::ofstream(path, std::ios::binary) << damaged;
    ManualClock clock;
    Result<std::unique_ptr<SqliteBus>> bus = SqliteBus::Open(path, &clock);
    Status status = bus.status();
    if (bus.has_value()) {
      const Result<std::vector<Entry>> rows = (*bus)->Read(0, (*bus)->Tail(), TypeFilter::All());
      status = rows.status();
      if (rows.has_value()) {
        for (const Entry& e : *rows) {
          BOOST_CHECK_MESSAGE(e.payload == testing::SqliteKillEntry(e.pos).payload,
                              "trial " << trial << ": wrong entry at " << e.pos);
        }
      }
    }
    if (!status.ok()) {
      ++errors;
      BOOST_CHECK_MESSAGE(
          status.code() == StatusCode::kCorruption || status.code() == StatusCode::kInvalidArgument,
          "trial " << trial << ": " << status.ToString());
      BOOST_CHECK_NE(status.message().find(path), std::string::npos);
    }
    if (bus.has_value()) bus->reset();
    testing::RemoveDatabase(path);
  }
  BOOST_TEST_MESSAGE(errors << " of 40 damaged files refused");
  BOOST_CHECK_GE(errors, 10);
  testing::RemoveDatabase(clean);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
