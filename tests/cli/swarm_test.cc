// Tests of `logact swarm` (cli/swarm_command.cc) and its parts: the results
// database (cli/swarm_db.h), the work plan and summary (cli/swarm_runner.h).
// The end-to-end cases run the `logact` executable as a user or a batch
// scheduler does, then read the database it wrote with SwarmDb.
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/swarm_db.h"
#include "cli/swarm_runner.h"
#include "cli/swarm_schema.h"

namespace logact::cli {
namespace {

namespace fs = std::filesystem;

struct Shell {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

fs::path Scratch(const std::string& name) {
  const fs::path dir = fs::path(LOGACT_BINARY_DIR) / "test-scratch" / ("swarm-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string Logact() { return std::string(LOGACT_BINARY_DIR) + "/cli/logact"; }

// Runs a /bin/sh command line in `dir`, capturing stdout and stderr.
Shell Run(const fs::path& dir, const std::string& command) {
  const std::string line = "cd '" + dir.string() + "' && " + command + " >stdout.txt 2>stderr.txt";
  Shell result;
  const int status = std::system(line.c_str());
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = Slurp(dir / "stdout.txt");
  result.err = Slurp(dir / "stderr.txt");
  return result;
}

std::vector<SwarmRow> ReadRows(const fs::path& db) {
  auto opened = SwarmDb::Open(db.string(), /*create=*/false);
  BOOST_TEST_REQUIRE(opened.has_value(), (opened ? "" : opened.error().ToString()));
  auto rows = (*opened)->ReadAll();
  BOOST_TEST_REQUIRE(rows.has_value(), (rows ? "" : rows.error().ToString()));
  return *rows;
}

// Same rows, in the same order, equal on everything but the wall time.
void RequireSameResults(const std::vector<SwarmRow>& a, const std::vector<SwarmRow>& b) {
  BOOST_TEST_REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    BOOST_TEST(a[i].SameResult(b[i]),
               "row " << i << ": " << a[i].ToJson().dump() << " vs " << b[i].ToJson().dump());
  }
}

SwarmRow FailingRow(uint64_t seed, const std::string& invariant) {
  SwarmRow row;
  row.scenario = "bank-pay-bill";
  row.seed = seed;
  row.faults = "none";
  row.outcome = std::string(swarm_schema::kOutcomeFail);
  row.violations = {invariant};
  row.component = ImplicatedComponent(invariant, "");
  row.fault_kinds = {"crash"};
  row.signature = SwarmSignature(invariant, row.component, row.fault_kinds);
  row.repro = "logact sim --scenario bank-pay-bill --seed " + std::to_string(seed);
  row.recovery_paths = {{"executor_restart", 1}};
  return row;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Swarm)

// A small swarm writes one passing row per seed with its repro, and prints the summary.
BOOST_AUTO_TEST_CASE(SmallSwarmWritesDbAndSummary) {
  const fs::path dir = Scratch("small");
  Shell run = Run(dir, Logact() + " swarm --scenario bank-pay-bill --seeds 3..14 --db r.sqlite");
  BOOST_TEST_REQUIRE(run.exit_code == 0, run.out << run.err);
  BOOST_TEST(run.out.find("swarm: 12 runs (1 scenario): 12 passed, 0 failed") != std::string::npos,
             run.out);
  BOOST_TEST(run.out.find("recovery paths") != std::string::npos);
  BOOST_TEST(run.err.find("swarm: 12/12 runs, 0 failed") != std::string::npos, run.err);
  const std::vector<SwarmRow> rows = ReadRows(dir / "r.sqlite");
  BOOST_TEST_REQUIRE(rows.size() == 12u);
  for (size_t i = 0; i < rows.size(); ++i) {
    BOOST_TEST(rows[i].seed == 3 + i);
    BOOST_TEST(rows[i].outcome == "pass");
    BOOST_TEST(rows[i].passed());
    BOOST_TEST(rows[i].entries > 0);
    BOOST_TEST(rows[i].virtual_time_ms > 0);
    BOOST_TEST(rows[i].repro ==
               "logact sim --scenario bank-pay-bill --seed " + std::to_string(3 + i));
  }
  // --json prints the same counts as one object.
  Shell json = Run(dir, Logact() +
                            " swarm --scenario bank-pay-bill --seeds 3..5 --db r.sqlite "
                            "--json");
  BOOST_TEST_REQUIRE(json.exit_code == 0, json.err);
  const Json summary = Json::parse(json.out);
  BOOST_TEST(summary["ok"].get<bool>());
  BOOST_TEST(summary["seeds"].get<int64_t>() == 3);
  BOOST_TEST(summary["failed"].get<int64_t>() == 0);
  BOOST_TEST(ReadRows(dir / "r.sqlite").size() == 12u);  // a rerun replaces, never duplicates
}

// Three shards merged hold exactly the rows of the unsharded run with 2 jobs;
// merging a shard again adds nothing.
BOOST_AUTO_TEST_CASE(ShardsMergedEqualUnshardedRun) {
  const fs::path dir = Scratch("shards");
  const std::string common = Logact() + " swarm --scenario all --seeds 5..16 ";
  Shell whole = Run(dir, common + "--jobs 2 --db whole.sqlite");
  BOOST_TEST_REQUIRE(whole.exit_code == 0, whole.err);
  for (int i = 0; i < 3; ++i) {
    const std::string shard = std::to_string(i);
    Shell part = Run(dir, common + "--shard " + shard + "/3 --db s" + shard + ".sqlite");
    BOOST_TEST_REQUIRE(part.exit_code == 0, part.err);
    for (const SwarmRow& row : ReadRows(dir / ("s" + shard + ".sqlite"))) {
      BOOST_TEST(row.seed % 3 == static_cast<uint64_t>(i));
    }
  }
  Shell merge = Run(dir, Logact() + " swarm merge merged.sqlite s0.sqlite s1.sqlite s2.sqlite");
  BOOST_TEST_REQUIRE(merge.exit_code == 0, merge.err);
  const std::string rows = std::to_string(ReadRows(dir / "whole.sqlite").size());
  BOOST_TEST(merge.out.find(rows + " new row(s), " + rows + " in all") != std::string::npos,
             merge.out);
  RequireSameResults(ReadRows(dir / "whole.sqlite"), ReadRows(dir / "merged.sqlite"));
  Shell again = Run(dir, Logact() + " swarm merge merged.sqlite s1.sqlite whole.sqlite");
  BOOST_TEST_REQUIRE(again.exit_code == 0, again.err);
  BOOST_TEST(again.out.find("0 new row(s), " + rows + " in all") != std::string::npos, again.out);
}

// The README's batch path: GNU parallel runs four shards, merge gives the unsharded rows.
BOOST_AUTO_TEST_CASE(GnuParallelShardsMergeToUnshardedRun) {
  const fs::path dir = Scratch("parallel");
  BOOST_TEST_REQUIRE(std::system("parallel --version >/dev/null 2>&1") == 0,
                     "GNU parallel is not installed");
  const std::string args = " swarm --scenario bank-rent-update --seeds 0..29";
  Shell parallel = Run(dir, "parallel --halt now,fail=1 " + Logact() + args +
                                " --shard {}/4 --db s{}.sqlite ::: 0 1 2 3");
  BOOST_TEST_REQUIRE(parallel.exit_code == 0, parallel.out << parallel.err);
  Shell merge = Run(dir, Logact() +
                             " swarm merge all.sqlite s0.sqlite s1.sqlite s2.sqlite "
                             "s3.sqlite --json");
  BOOST_TEST_REQUIRE(merge.exit_code == 0, merge.err);
  BOOST_TEST(Json::parse(merge.out)["seeds"].get<int64_t>() == 30);
  Shell whole = Run(dir, Logact() + args + " --db whole.sqlite");
  BOOST_TEST_REQUIRE(whole.exit_code == 0, whole.err);
  RequireSameResults(ReadRows(dir / "whole.sqlite"), ReadRows(dir / "all.sqlite"));
}

// Bad input exits 2 with a message, and writes no database.
BOOST_AUTO_TEST_CASE(BadInputExitsTwo) {
  const fs::path dir = Scratch("bad");
  std::ofstream(dir / "foreign.sqlite") << "not a database at all, just some text\n";
  const std::string swarm = Logact() + " swarm ";
  for (const std::string& args :
       {std::string("--scenario no-such --seeds 0..3 --db x.sqlite"),
        std::string("--scenario bank-pay-bill --seeds 5..1 --db x.sqlite"),
        std::string("--scenario bank-pay-bill --seeds 0..x --db x.sqlite"),
        std::string("--scenario bank-pay-bill --seeds 0..3 --shard 4/4 --db x.sqlite"),
        std::string("--scenario bank-pay-bill --seeds 0..3 --shard 1 --db x.sqlite"),
        std::string("--scenario bank-pay-bill --seeds 0..3 --jobs 0 --db x.sqlite"),
        std::string("--scenario bank-pay-bill --seeds 0..3"),
        std::string("--seeds 0..3 --db x.sqlite"),
        std::string("--scenario bank-pay-bill --seeds 0..3 --db foreign.sqlite"),
        std::string("merge x.sqlite missing.sqlite"), std::string("merge x.sqlite foreign.sqlite"),
        std::string("merge x.sqlite")}) {
    Shell run = Run(dir, swarm + args);
    BOOST_TEST(run.exit_code == 2, args << ": exit " << run.exit_code << " " << run.err);
    BOOST_TEST(!run.err.empty(), args);
  }
  BOOST_TEST(!fs::exists(dir / "x.sqlite"));
  BOOST_TEST(Slurp(dir / "foreign.sqlite") == "not a database at all, just some text\n");
}

// Merging two databases that disagree on one seed is refused and leaves OUT unchanged.
BOOST_AUTO_TEST_CASE(MergeRefusesConflictingResults) {
  const fs::path dir = Scratch("conflict");
  {
    auto a = SwarmDb::Open((dir / "a.sqlite").string());
    BOOST_TEST_REQUIRE(a.has_value());
    BOOST_TEST_REQUIRE(
        (*a)->Write({FailingRow(1, "DEC-JUSTIFIED"), FailingRow(2, "EXE-ONCE")}).ok());
    auto b = SwarmDb::Open((dir / "b.sqlite").string());
    BOOST_TEST_REQUIRE(b.has_value());
    SwarmRow same = FailingRow(1, "DEC-JUSTIFIED");
    same.wall_time_us = 12345;  // wall time never conflicts
    BOOST_TEST_REQUIRE((*b)->Write({same, FailingRow(2, "DRV-FENCE")}).ok());
  }
  Shell first = Run(dir, Logact() + " swarm merge out.sqlite a.sqlite");
  BOOST_TEST_REQUIRE(first.exit_code == 1, first.err);  // the merged rows fail
  Shell conflict = Run(dir, Logact() + " swarm merge out.sqlite b.sqlite");
  BOOST_TEST(conflict.exit_code == 2);
  BOOST_TEST(conflict.err.find("conflicting results") != std::string::npos, conflict.err);
  BOOST_TEST(conflict.err.find("seed 2") != std::string::npos, conflict.err);
  const std::vector<SwarmRow> rows = ReadRows(dir / "out.sqlite");
  BOOST_TEST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[1].violations == std::vector<std::string>{"EXE-ONCE"});
}

// A thousand failures of one bug read as one group with the first seed's repro;
// every known recovery path is listed, reached or not.
BOOST_AUTO_TEST_CASE(SummaryGroupsFailuresBySignature) {
  SwarmSummary summary;
  for (uint64_t seed = 100; seed < 1100; ++seed) summary.Add(FailingRow(seed, "EXE-ONCE"));
  summary.Add(FailingRow(7, "DRV-FENCE"));
  SwarmRow pass;
  pass.scenario = "bank-pay-bill";
  pass.outcome = "pass";
  summary.Add(pass);
  const Json json = summary.ToJson();
  BOOST_TEST(json["seeds"].get<int64_t>() == 1002);
  BOOST_TEST(json["failed"].get<int64_t>() == 1001);
  BOOST_TEST_REQUIRE(json["signatures"].size() == 2u);
  const Json& top = json["signatures"][0];
  BOOST_TEST(top["signature"].get<std::string>() == "EXE-ONCE executor [crash]");
  BOOST_TEST(top["count"].get<int64_t>() == 1000);
  BOOST_TEST(top["first_seed"].get<uint64_t>() == 100u);
  BOOST_TEST(top["repro"].get<std::string>() == "logact sim --scenario bank-pay-bill --seed 100");
  BOOST_TEST(json["signatures"][1]["signature"].get<std::string>() == "DRV-FENCE driver [crash]");
  BOOST_TEST(json["recovery_paths"]["executor_restart"].get<int64_t>() == 1001);
  for (const std::string& path : KnownRecoveryPaths()) {
    BOOST_TEST(json["recovery_paths"].contains(path), path);
  }
  std::ostringstream printed;
  summary.Print(printed);
  BOOST_TEST(printed.str().find("    1000  EXE-ONCE executor [crash]") != std::string::npos,
             printed.str());
}

// A signature names the fault kinds around the violation that hit the
// implicated component or the storage, not every kind the run injected.
BOOST_AUTO_TEST_CASE(SignatureNamesTheFaultsAroundTheViolation) {
  const std::string trace =
      R"({"kind":"header","version":1})"
      "\n"  // 1
      R"({"kind":"fault","ts":1,"fault":"crash_decider","target":"decider/d0"})"
      "\n"  // 2
      R"({"kind":"entry","pos":0,"ts":2,"type":"intent"})"
      "\n"  // 3
      R"({"kind":"fault","ts":3,"fault":"crash_voter","target":"voter/v"})"
      "\n"  // 4
      R"({"kind":"fault","ts":3,"fault":"tool_slow","target":"executor/x0"})"
      "\n"  // 5
      R"({"kind":"fault","ts":4,"fault":"lost_unacked","target":"storage"})"
      "\n"  // 6
      R"({"kind":"entry","pos":1,"ts":5,"type":"result"})"
      "\n"  // 7
      R"({"kind":"fault","ts":6,"fault":"crash_executor","target":"executor/x0"})"
      "\n"  // 8
      R"({"kind":"entry","pos":2,"ts":7,"type":"result"})"
      "\n"  // 9
      R"({"kind":"fault","ts":8,"fault":"torn_write","target":"storage"})"
      "\n"  // 10
      R"({"kind":"entry","pos":3,"ts":9,"type":"commit"})"
      "\n";  // 11
  // The window runs from after line 3 (the entry before line 7) to line 9.
  BOOST_TEST(ImplicatedFaultKinds(trace, {7, 9}, "executor") ==
                 (std::vector<std::string>{"crash_executor", "lost_unacked", "tool_slow"}),
             boost::test_tools::per_element());
  // A component that is not a role keeps every kind in the window.
  BOOST_TEST(ImplicatedFaultKinds(trace, {7, 9}, "bus").size() == 4u);
  // No involved lines (a stalled run): the window after the second-to-last entry.
  BOOST_TEST(
      ImplicatedFaultKinds(trace, {}, "liveness") == (std::vector<std::string>{"torn_write"}),
      boost::test_tools::per_element());
  // A line that is not JSON is skipped, never fatal.
  BOOST_TEST(ImplicatedFaultKinds("not json\n" + trace, {8, 10}, "executor").size() == 3u);
}

// Shards partition any seed range, whatever its first seed.
BOOST_AUTO_TEST_CASE(ShardsPartitionTheRange) {
  SwarmConfig config;
  config.scenarios = {"bank-pay-bill", "files-cleanup"};
  for (uint64_t first : {0u, 1u, 5u, 7u}) {
    for (uint64_t count : {1u, 2u, 4u, 7u}) {
      config.first_seed = first;
      config.last_seed = first + 9;
      config.shard_count = count;
      int64_t total = 0;
      for (uint64_t i = 0; i < count; ++i) {
        config.shard_index = i;
        total += SwarmItemCount(config);
      }
      BOOST_TEST(total == 20, "first " << first << ", " << count << " shards");
    }
  }
}

// The component a violation implicates: the invariant's family, or the principal it names.
BOOST_AUTO_TEST_CASE(ImplicatedComponentFollowsInvariantFamily) {
  BOOST_TEST(ImplicatedComponent("DEC-UNIQUE", "voter/v1 voted") == "decider");
  BOOST_TEST(ImplicatedComponent("EXE-ONCE", "") == "executor");
  BOOST_TEST(ImplicatedComponent("DRV-SERIAL", "") == "driver");
  BOOST_TEST(ImplicatedComponent("LOG-DENSE", "") == "bus");
  BOOST_TEST(ImplicatedComponent("REC-STATE", "decider/d0 restarted at 12") == "decider");
  BOOST_TEST(ImplicatedComponent("LIVE-DECIDE", "pending: executor/x0 has work") == "executor");
  BOOST_TEST(ImplicatedComponent("LIVE-DECIDE", "stuck") == "liveness");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::cli
