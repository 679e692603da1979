// Storage benchmarks (issue 3, item 9), each beside its baseline in the same run:
//  - SqliteBusAppend/{normal,full}: SqliteBus appends per second, each append its
//    own SQLite transaction; baseline RawSqliteInsert/{normal,full}: raw sqlite3
//    INSERTs of the same bytes (the same encoded payloads, checksums and schema)
//    in the same journal and synchronous mode. Target: bus >= 0.8x raw. Neither
//    side times building its entries or closing the file.
//  - AppendPaired/{normal,full}: the same two loops interleaved in blocks of 25
//    on two files, so both see the same disk; bus_over_raw is the ratio. The
//    figure to quote: separate runs of FULL differ several-fold on a shared disk.
//  - Recovery/N/sqlite:{0,1,2}: a fresh Decider replaying a log of N entries
//    (10k, 100k, 1M) from position 0 until it has played the tail, from memory
//    (0), from SQLite on the connection that wrote the log (1) or after closing
//    and reopening the file, as a restarted process does (2); baseline
//    ScanOnly: polling the same log with the decider's filter and doing nothing
//    (rows still read, checksummed, decoded and checked against their columns).
//    Target: linear in N, >= 1,000,000 entries/s replayed.
// The log has the shape of a bank task: mail, inf_in, inf_out, intent, vote,
// commit, result, output, repeated, after one elect.
// Run: build/bench/bench_storage (add --benchmark_format=json for JSON;
// --benchmark_filter=Paired for the append ratio alone).
//
// Measured 2026-11-27, RelWithDebInfo, 2 shared cores, load 2-6 (other builds):
//  - AppendPaired bus_over_raw: NORMAL 0.97, 1.02, 0.98, 1.00 (17.8k-46.4k
//    appends/s, raw alike); FULL 0.87, 0.99, 1.29, 0.96 (166-2,385 appends/s,
//    the fsync latency of the moment). Target >= 0.8x: met. The bus's own work
//    per append (access check, encoding, CRC, binds) is ~5% of its CPU time
//    (perf); the rest is the INSERT. The 0.72x of the previous session came from
//    the bus side timing the construction of its entries and the close of the
//    file (which checkpoints the WAL), and from separate runs on a shared disk.
//  - Recovery from SQLite, entries per CPU second (entries_per_cpu_s), five
//    runs: sqlite:1 (the writer's connection) 10k 0.80-1.06M, 100k 0.84-1.13M,
//    1M 0.80-1.15M; sqlite:2 (closed and reopened, two runs) 10k 0.94-1.18M,
//    100k 0.87-1.05M, 1M 1.06-1.14M; scan-only 0.77-1.47M alike. Linear (no
//    growth of the cost per entry from 10k to 1M). The 1M/s target is reached
//    in about half the runs: **not reliably met** on this loaded machine (real
//    time is up to 2.5x the CPU time at load 5). Before this session: 10k 498k,
//    100k 505k, 1M 486k, scan-only 1M 541k per CPU second. From memory:
//    19-21M/s at 100k and 1M (46-64M at 10k).
//    Re-measured 2026-11-28 (three runs, base and new binaries alternately,
//    load 3-8), medians per CPU second, sqlite:1 / sqlite:2: before 10k
//    2.76M / 2.68M, 100k 2.52M / 2.44M, 1M 2.21M / 2.53M; after the decoder
//    changes below 10k 3.61M / 3.58M, 100k 3.46M / 3.39M, 1M 3.03M / 3.49M
//    (lowest of the 18 figures 2.43M per CPU second; wall clock 1.13M-3.65M/s). The
//    decoder now reads floats with from_chars (was a nlohmann parse of the
//    token), jumps to the first byte of interest in strings, compares keys
//    by length then a constant-size memcmp, and builds payload and args in
//    place. Now (perf, 100k): sqlite3_step ~47%, decoding ~38%.
//    Where a SQLite replay went before (perf, 100k): decoding the payload ~59% (the
//    single-pass decoder of core/entry_text_decoder.h, nlohmann still parsing
//    each intent's args), sqlite3_step ~28%, column access ~5%, checks and CRC
//    (SSE4.2) ~3%, the decider's play ~3%. Done on the SQLite side: one
//    statement per replay (was a query per 4,096-entry page), rows read through
//    views (no copies), SSE4.2 CRC-32C, reads through a 1 GiB mmap; tried and
//    dropped: filtering types in C++ instead of SQL (slower: every row's
//    columns extracted), a 64 MiB page cache (no gain over mmap).
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/decider.h"
#include "core/entry_codec.h"
#include "core/limits.h"
#include "core/memory_bus.h"
#include "core/sqlite_bus.h"

namespace {
using namespace logact;

std::string TempPath(const std::string& tag) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("logact-bench-" + tag + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

// The i-th entry of a bank-shaped log (8 entries per task, after one elect at 0).
Entry TaskEntry(Position pos) {
  if (pos == 0) return MakeElect("driver/agent", "agent", 1);
  const Position k = (pos - 1) % 8;
  const Position intent = pos - k + 3;
  switch (k) {
    case 0:
      return MakeMail("external/user", "user", "pay the electricity bill of 112.50");
    case 1:
      return MakeInference(EntryType::kInfIn, "driver/agent", "user: pay the bill", 40);
    case 2:
      return MakeInference(EntryType::kInfOut, "driver/agent", "call send_money", 12);
    case 3:
      return MakeIntent("driver/agent",
                        Action{"send_money", Json{{"to", "DE89"}, {"amount", 112.5}}}, "agent", 1);
    case 4:
      return MakeVote("voter/rules", VotePayload{intent, "rules", "rules", true, "allowed"});
    case 5:
      return MakeDecision(EntryType::kCommit, "decider/d0",
                          DecisionPayload{intent, "1 of 1", false});
    case 6:
      return MakeResult("executor/x0", ResultPayload{intent, true, "sent", false});
    default:
      return MakeOutput("driver/agent", "paid");
  }
}

SqliteBusOptions::Synchronous Mode(int64_t full) {
  return full ? SqliteBusOptions::Synchronous::kFull : SqliteBusOptions::Synchronous::kNormal;
}

constexpr int64_t kAppendsNormal = 5000;
constexpr int64_t kAppendsFull = 500;  // one fsync each: keep the run short

void BM_SqliteBusAppend(benchmark::State& state) {
  const int64_t appends = state.range(0) ? kAppendsFull : kAppendsNormal;
  int64_t total = 0;
  for (auto _ : state) {
    // Outside the timing, as for the raw baseline: building the entries (the
    // caller's work) and opening and closing the file (closing the last
    // connection checkpoints the WAL into the database).
    state.PauseTiming();
    std::vector<Entry> entries;
    for (Position i = 0; i < appends; ++i) entries.push_back(TaskEntry(i));
    const std::string path = TempPath("bus");
    ManualClock clock;
    Result<std::unique_ptr<SqliteBus>> opened =
        SqliteBus::Open(path, &clock, {Mode(state.range(0))});
    if (!opened.has_value()) {
      state.SkipWithError(opened.status().ToString().c_str());
      break;
    }
    std::unique_ptr<SqliteBus> bus = std::move(opened).value();
    state.ResumeTiming();
    for (Position i = 0; i < appends; ++i) {
      Result<Position> pos = bus->Append(std::move(entries[static_cast<size_t>(i)]));
      if (!pos.has_value()) state.SkipWithError(pos.status().ToString().c_str());
    }
    state.PauseTiming();
    bus.reset();
    state.ResumeTiming();
    total += appends;
  }
  state.counters["appends_per_s"] = benchmark::Counter(double(total), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SqliteBusAppend)
    ->ArgName("full")
    ->Arg(0)
    ->Arg(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The same schema, pragmas and bytes as SqliteBus, through the raw C API.
void BM_RawSqliteInsert(benchmark::State& state) {
  const int64_t appends = state.range(0) ? kAppendsFull : kAppendsNormal;
  std::vector<Entry> entries;
  std::vector<std::string> payloads;
  for (Position i = 0; i < appends; ++i) {
    entries.push_back(TaskEntry(i));
    entries.back().pos = i;
    payloads.push_back(EncodeEntry(entries.back()));
  }
  int64_t total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = TempPath("raw");
    ManualClock clock;
    {  // create the file with the bus's schema, then close it
      auto bus = SqliteBus::Open(path, &clock, {Mode(state.range(0))});
      if (!bus.has_value()) state.SkipWithError(bus.status().ToString().c_str());
    }
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    sqlite3_exec(db, state.range(0) ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO logact_entries (pos, ts, type, author, payload, checksum) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       -1, &insert, nullptr);
    state.ResumeTiming();
    for (size_t i = 0; i < entries.size(); ++i) {
      sqlite3_bind_int64(insert, 1, static_cast<int64_t>(i));
      sqlite3_bind_int64(insert, 2, 0);
      sqlite3_bind_int(insert, 3, static_cast<int>(entries[i].type));
      sqlite3_bind_text(insert, 4, entries[i].author.data(), int(entries[i].author.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(insert, 5, payloads[i].data(), int(payloads[i].size()), SQLITE_STATIC);
      sqlite3_bind_int64(insert, 6, Crc32c(payloads[i]));
      if (sqlite3_step(insert) != SQLITE_DONE) state.SkipWithError("raw insert failed");
      sqlite3_reset(insert);
    }
    state.PauseTiming();
    sqlite3_finalize(insert);
    sqlite3_close(db);
    state.ResumeTiming();
    total += appends;
  }
  state.counters["appends_per_s"] = benchmark::Counter(double(total), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RawSqliteInsert)
    ->ArgName("full")
    ->Arg(0)
    ->Arg(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The same comparison with both sides interleaved in blocks of kPairBlock
// appends, a bus file and a raw file side by side: on a shared disk the fsync
// latency of FULL swings several-fold within seconds (other processes'
// syncs), so only interleaving gives both sides the same disk. Reports each
// side's rate over its own wall time and bus_over_raw, their ratio.
constexpr int64_t kPairBlock = 25;

void BM_AppendPaired(benchmark::State& state) {
  const bool full = state.range(0) != 0;
  const int64_t appends = full ? kAppendsFull : kAppendsNormal;
  std::vector<Entry> entries;
  std::vector<std::string> payloads;
  for (Position i = 0; i < appends; ++i) {
    entries.push_back(TaskEntry(i));
    Entry stamped = entries.back();
    stamped.pos = i;
    payloads.push_back(EncodeEntry(stamped));
  }
  double bus_seconds = 0;
  double raw_seconds = 0;
  int64_t total = 0;
  for (auto _ : state) {
    const std::string bus_path = TempPath("paired-bus");
    const std::string raw_path = TempPath("paired-raw");
    ManualClock clock;
    auto opened = SqliteBus::Open(bus_path, &clock, {Mode(full)});
    if (!opened.has_value() || !SqliteBus::Open(raw_path, &clock, {Mode(full)}).has_value()) {
      state.SkipWithError("open failed");
      break;
    }
    std::unique_ptr<SqliteBus> bus = std::move(opened).value();
    sqlite3* db = nullptr;
    sqlite3_open(raw_path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    sqlite3_exec(db, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", nullptr,
                 nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO logact_entries (pos, ts, type, author, payload, checksum) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       -1, &insert, nullptr);
    std::vector<Entry> batch = entries;  // Append consumes its entries
    double iteration_seconds = 0;
    for (int64_t begin = 0; begin < appends; begin += kPairBlock) {
      const int64_t end = std::min(appends, begin + kPairBlock);
      auto t0 = std::chrono::steady_clock::now();
      for (int64_t i = begin; i < end; ++i) {
        if (!bus->Append(std::move(batch[size_t(i)])).has_value()) state.SkipWithError("append");
      }
      auto t1 = std::chrono::steady_clock::now();
      for (int64_t i = begin; i < end; ++i) {
        const Entry& entry = entries[size_t(i)];
        const std::string& payload = payloads[size_t(i)];
        sqlite3_bind_int64(insert, 1, i);
        sqlite3_bind_int64(insert, 2, 0);
        sqlite3_bind_int(insert, 3, static_cast<int>(entry.type));
        sqlite3_bind_text(insert, 4, entry.author.data(), int(entry.author.size()), SQLITE_STATIC);
        sqlite3_bind_text(insert, 5, payload.data(), int(payload.size()), SQLITE_STATIC);
        sqlite3_bind_int64(insert, 6, Crc32c(payload));
        if (sqlite3_step(insert) != SQLITE_DONE) state.SkipWithError("raw insert failed");
        sqlite3_reset(insert);
      }
      auto t2 = std::chrono::steady_clock::now();
      bus_seconds += std::chrono::duration<double>(t1 - t0).count();
      raw_seconds += std::chrono::duration<double>(t2 - t1).count();
      iteration_seconds += std::chrono::duration<double>(t2 - t0).count();
    }
    state.SetIterationTime(iteration_seconds);  // both sides; the counters split it
    sqlite3_finalize(insert);
    sqlite3_close(db);
    total += appends;
  }
  state.counters["bus_appends_per_s"] = bus_seconds > 0 ? double(total) / bus_seconds : 0.0;
  state.counters["raw_inserts_per_s"] = raw_seconds > 0 ? double(total) / raw_seconds : 0.0;
  state.counters["bus_over_raw"] = bus_seconds > 0 ? raw_seconds / bus_seconds : 0.0;
}
BENCHMARK(BM_AppendPaired)
    ->ArgName("full")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(3)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// Logs built once per size and backend, reused across iterations.
struct Log {
  ManualClock clock;
  std::unique_ptr<MemoryBus> memory;
  std::unique_ptr<SqliteBus> sqlite;
  AgentBus* bus = nullptr;
};

// Backends of a recovery log: 0 memory, 1 SQLite on the connection that wrote
// it (a component restarting inside a live process; up to ~1,000 pages still
// in the WAL), 2 SQLite closed and opened again (a restarted process: the
// close checkpointed the WAL, so every page comes through the memory map).
Log& LogOf(int64_t entries, int64_t backend) {
  static std::map<std::pair<int64_t, int64_t>, std::unique_ptr<Log>> logs;
  std::unique_ptr<Log>& log = logs[{entries, backend}];
  if (log) return *log;
  log = std::make_unique<Log>();
  const std::string path =
      TempPath("recovery-" + std::to_string(entries) + "-" + std::to_string(backend));
  const SqliteBusOptions options{SqliteBusOptions::Synchronous::kNormal};
  if (backend != 0) {
    log->sqlite = std::move(SqliteBus::Open(path, &log->clock, options)).value();
    log->bus = log->sqlite.get();
  } else {
    log->memory = std::make_unique<MemoryBus>(&log->clock);
    log->memory->Reserve(static_cast<size_t>(entries));
    log->bus = log->memory.get();
  }
  for (Position i = 0; i < entries; ++i) {
    if (!log->bus->Append(TaskEntry(i)).has_value()) std::abort();
  }
  if (backend == 2) {
    log->sqlite.reset();
    log->sqlite = std::move(SqliteBus::Open(path, &log->clock, options)).value();
    log->bus = log->sqlite.get();
  }
  return *log;
}

// Process CPU seconds: under a loaded machine (2 cores shared by several
// builds) real time mostly measures the others, so each recovery figure is
// also given per CPU second.
double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

void SetEntryCounters(benchmark::State& state, int64_t entries, double cpu_seconds) {
  state.counters["entries_per_s"] =
      benchmark::Counter(double(entries), benchmark::Counter::kIsRate);
  state.counters["entries_per_cpu_s"] = cpu_seconds > 0 ? double(entries) / cpu_seconds : 0.0;
}

void BM_Recovery(benchmark::State& state) {
  const int64_t entries = state.range(0);
  Log& log = LogOf(entries, state.range(1));
  int64_t replayed = 0;
  double cpu = 0;
  for (auto _ : state) {
    const double begin = CpuSeconds();
    Decider decider(DeciderOptions{"d0", log.bus, &log.clock});
    while (decider.played() < log.bus->Tail()) {
      if (!decider.Step().ok()) state.SkipWithError("decider step failed");
    }
    benchmark::DoNotOptimize(decider.StateDigest());
    cpu += CpuSeconds() - begin;
    replayed += decider.played();
  }
  SetEntryCounters(state, replayed, cpu);
}
BENCHMARK(BM_Recovery)
    ->ArgNames({"entries", "sqlite"})
    ->Args({10'000, 0})
    ->Args({100'000, 0})
    ->Args({1'000'000, 0})
    ->Args({10'000, 1})
    ->Args({100'000, 1})
    ->Args({1'000'000, 1})
    ->Args({10'000, 2})
    ->Args({100'000, 2})
    ->Args({1'000'000, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Baseline: the decider's polls alone (rows read, checked and decoded), nothing played.
void BM_RecoveryScanOnly(benchmark::State& state) {
  const int64_t entries = state.range(0);
  Log& log = LogOf(entries, state.range(1));
  const TypeFilter filter{EntryType::kIntent, EntryType::kVote,   EntryType::kPolicy,
                          EntryType::kElect,  EntryType::kCommit, EntryType::kAbort};
  int64_t scanned = 0;
  double cpu = 0;
  for (auto _ : state) {
    const double begin = CpuSeconds();
    Position next = 0;
    while (next < log.bus->Tail()) {
      Result<Page> page = log.bus->Poll(next, filter, limits::kPollEntriesMax);
      if (!page.has_value()) state.SkipWithError("poll failed");
      next = page->next;
    }
    cpu += CpuSeconds() - begin;
    scanned += next;
  }
  SetEntryCounters(state, scanned, cpu);
}
BENCHMARK(BM_RecoveryScanOnly)
    ->ArgNames({"entries", "sqlite"})
    ->Args({1'000'000, 0})
    ->Args({10'000, 1})
    ->Args({100'000, 1})
    ->Args({1'000'000, 1})
    ->Args({10'000, 2})
    ->Args({100'000, 2})
    ->Args({1'000'000, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
