// `logact swarm --scenario NAME|all --seeds A..B [--faults F] [--shard i/n]
//  [--jobs K] --db FILE [--json]` runs and checks every seed of the range (of
// the shard: seeds with seed % n == i), records one row per run in FILE
// (docs/swarm_db.md), shows progress on stderr, and prints a summary grouped
// by failure signature with each group's first repro command, and the
// recovery paths the seeds reached.
// `logact swarm merge OUT IN...` adds the rows of shard databases to OUT.
// Exit 0 iff every run (or every merged row) passed, 1 if one failed, 2 on bad
// input (including conflicting results for one seed in a merge).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "cli/sim_runner.h"
#include "cli/swarm_db.h"
#include "cli/swarm_runner.h"
#include "models/scenario.h"

namespace logact::cli {
namespace {

struct SwarmArgs {
  std::string scenario;
  std::string seeds;
  std::string faults = "none";
  std::string shard = "0/1";
  int jobs = 1;
  std::string db;
  bool json = false;
};

struct MergeArgs {
  std::string out;
  std::vector<std::string> inputs;
  bool json = false;
};

// Progress on stderr: a redrawn bar on a terminal, a plain line per tenth otherwise.
class ProgressReporter {
 public:
  ProgressReporter() : tty_(isatty(STDERR_FILENO) == 1), start_(Clock::now()) {}

  void Update(const SwarmRow& row, int64_t done, int64_t total) {
    if (!row.passed()) ++failed_;
    const auto now = Clock::now();
    if (tty_) {
      if (done != total && now - last_draw_ < std::chrono::milliseconds(100)) return;
      last_draw_ = now;
      DrawBar(done, total, now);
      if (done == total) std::cerr << "\n";
      return;
    }
    const int64_t tenth = total >= 10 ? total / 10 : 1;
    if (done % tenth == 0 || done == total) {
      std::cerr << "swarm: " << done << "/" << total << " runs, " << failed_ << " failed\n";
    }
  }

 private:
  using Clock = std::chrono::steady_clock;

  void DrawBar(int64_t done, int64_t total, Clock::time_point now) {
    constexpr int kWidth = 30;
    const int filled = total == 0 ? kWidth : static_cast<int>(done * kWidth / total);
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
    std::ostringstream line;
    line << "\r[" << std::string(static_cast<size_t>(filled), '#')
         << std::string(static_cast<size_t>(kWidth - filled), '.') << "] " << done << "/" << total
         << "  " << failed_ << " failed  " << std::fixed << std::setprecision(0) << rate
         << " runs/s  ETA " << eta << " s   ";
    std::cerr << line.str() << std::flush;
  }

  bool tty_;
  Clock::time_point start_;
  Clock::time_point last_draw_{};
  int64_t failed_ = 0;
};

Result<SwarmConfig> ConfigFromArgs(const SwarmArgs& args) {
  SwarmConfig config;
  if (args.scenario.empty()) return InvalidArgumentError("--scenario is required (NAME or all)");
  if (args.seeds.empty()) return InvalidArgumentError("--seeds A..B is required");
  if (args.db.empty()) return InvalidArgumentError("--db FILE is required");
  if (args.scenario == "all") {
    for (const models::Scenario& scenario : models::AllScenarios()) {
      config.scenarios.push_back(scenario.name);
    }
  } else {
    config.scenarios.push_back(args.scenario);
  }
  LOGACT_ASSIGN_OR_RETURN(auto range, ParseSeedRange(args.seeds));
  config.first_seed = range.first;
  config.last_seed = range.second;
  LOGACT_ASSIGN_OR_RETURN(Ratio shard, ParseRatio(args.shard, "--shard"));
  if (shard.numerator >= shard.denominator) {
    return InvalidArgumentError("--shard: need i < n in i/n, got '" + args.shard + "'");
  }
  config.shard_index = shard.numerator;
  config.shard_count = shard.denominator;
  config.faults = args.faults;
  config.jobs = args.jobs;
  LOGACT_TRY(ValidateSwarmConfig(config));
  return config;
}

void PrintOutcome(const SwarmSummary& summary, const std::string& db, bool json) {
  if (json) {
    Json out = summary.ToJson();
    out["db"] = db;
    std::cout << out.dump() << "\n";
  } else {
    summary.Print(std::cout);
    std::cout << "results: " << db << "\n";
  }
}

int RunSwarmCommand(const SwarmArgs& args) {
  Result<SwarmConfig> config = ConfigFromArgs(args);
  if (!config) return ReportError(config.error());
  Result<std::unique_ptr<SwarmDb>> db = SwarmDb::Open(args.db);
  if (!db) return ReportError(db.error());
  SwarmSummary summary;
  ProgressReporter progress;
  Status ran = RunSwarm(*config, db->get(), &summary,
                        [&progress](const SwarmRow& row, int64_t done, int64_t total) {
                          progress.Update(row, done, total);
                        });
  if (!ran.ok()) return ReportError(ran);
  PrintOutcome(summary, args.db, args.json);
  return summary.failed() == 0 ? kExitOk : kExitPropertyFailed;
}

int RunMergeCommand(const MergeArgs& args) {
  // Read every input first: a bad input leaves OUT untouched.
  std::vector<SwarmRow> rows;
  for (const std::string& input : args.inputs) {
    Result<std::unique_ptr<SwarmDb>> db = SwarmDb::Open(input, /*create=*/false);
    if (!db) return ReportError(db.error());
    Result<std::vector<SwarmRow>> read = (*db)->ReadAll();
    if (!read) return ReportError(read.error());
    rows.insert(rows.end(), read->begin(), read->end());
  }
  Result<std::unique_ptr<SwarmDb>> out = SwarmDb::Open(args.out);
  if (!out) return ReportError(out.error());
  int64_t added = 0;
  if (Status merged = (*out)->Merge(rows, &added); !merged.ok()) return ReportError(merged);
  Result<std::vector<SwarmRow>> all = (*out)->ReadAll();
  if (!all) return ReportError(all.error());
  SwarmSummary summary;
  for (const SwarmRow& row : *all) summary.Add(row);
  if (!args.json) {
    std::cout << "merged " << args.inputs.size() << " database(s) into " << args.out << ": "
              << added << " new row(s), " << all->size() << " in all\n";
  }
  PrintOutcome(summary, args.out, args.json);
  return summary.failed() == 0 ? kExitOk : kExitPropertyFailed;
}

}  // namespace

void RegisterSwarmCommand(CLI::App& app, ExitSlot exit_code) {
  auto args = std::make_shared<SwarmArgs>();
  auto* cmd = app.add_subcommand(
      "swarm", "Run and check many seeds, record them in SQLite, summarise failures");
  cmd->add_option("--scenario", args->scenario, "Built-in scenario, or `all`");
  cmd->add_option("--seeds", args->seeds, "An inclusive range of seeds, A..B");
  cmd->add_option("--faults", args->faults, "Fault preset, `swarm`, or a spec kind=rate,...");
  cmd->add_option("--shard", args->shard,
                  "Run only the seeds with seed % n == i (i/n, for batch schedulers)");
  cmd->add_option("--jobs", args->jobs, "Seeds run at a time (worker processes)");
  cmd->add_option("--db", args->db, "The SQLite results database (created if missing)");
  cmd->add_flag("--json", args->json, "Print the summary as one JSON object");

  auto merge_args = std::make_shared<MergeArgs>();
  auto* merge =
      cmd->add_subcommand("merge", "Combine shard databases: logact swarm merge OUT IN...");
  merge->add_option("out", merge_args->out, "The merged database (created if missing)")->required();
  merge->add_option("inputs", merge_args->inputs, "Shard databases")->required();
  merge->add_flag("--json", merge_args->json, "Print the summary as one JSON object");
  merge->callback([merge_args, exit_code] { *exit_code = RunMergeCommand(*merge_args); });
  cmd->require_subcommand(0, 1);
  cmd->callback([args, cmd, merge, exit_code] {
    if (merge->parsed()) return;  // the merge callback ran
    static_cast<void>(cmd);
    *exit_code = RunSwarmCommand(*args);
  });
}

}  // namespace logact::cli
