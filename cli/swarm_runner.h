// The swarm: many seeds of one or every scenario, each run and checked
// (cli/sim_runner.h RunCheckedSimulation: online invariant checker plus
// LIVE-DECIDE), recorded as one SwarmRow per (scenario, seed) in a SwarmDb,
// and summarised by failure signature and recovery path.
//
// Work items are (scenario, seed) pairs, scenario-major, seeds ascending,
// restricted to the shard: seed % shard_count == shard_index. They run in
// `jobs` worker processes (fork), one item in flight per worker, so a run
// that aborts on an assertion kills only its worker: the item is recorded as
// a "crash" row and a new worker takes the remaining items. The parent
// receives rows as JSON lines, and writes them to the database in work-item
// order from its one thread, so the database content is a pure function of
// the configuration apart from the wall times.
//
// Thread-safety: RunSwarm forks; call it from a single-threaded process.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "cli/swarm_db.h"
#include "core/json.h"
#include "core/status.h"

namespace logact::cli {

struct SwarmConfig {
  std::vector<std::string> scenarios;  // built-in scenario names, in run order
  uint64_t first_seed = 0;             // inclusive
  uint64_t last_seed = 0;              // inclusive, >= first_seed
  std::string faults = "none";         // the --faults argument
  uint64_t shard_index = 0;            // this shard: seeds with seed % count == index
  uint64_t shard_count = 1;
  int jobs = 1;  // worker processes, >= 1
};

// OK if the configuration is usable. Errors: kInvalidArgument naming the
// flag (unknown scenario, bad range, shard, jobs, faults).
Status ValidateSwarmConfig(const SwarmConfig& config);

// Runs one seed of one scenario in this process and turns its outcome into a
// row (wall time included). An error of the run itself becomes an "error"
// row, never a Status: the swarm goes on.
SwarmRow RunSwarmSeed(const std::string& scenario, uint64_t seed, const std::string& faults);

// The failure signature and implicated component of a failing outcome:
// "<first violated invariant> <component> [<fault kinds>]". Pure.
std::string SwarmSignature(const std::string& invariant, const std::string& component,
                           const std::vector<std::string>& fault_kinds);
// The fault kinds a failure's signature names: those injected in the
// violation's window of the trace (`involved_lines`, the violation's record
// lines; empty for LIVE-DECIDE) that hit the implicated component (a role:
// driver, voter, decider, executor) or the storage; for any other component
// every fault in the window. Under heavy faults a run injects a dozen kinds;
// naming them all made every failing seed its own group. It is a heuristic:
// `logact shrink` gives the minimal fault set. Lines that are not JSON are
// skipped (the trace comes from our own writer). Sorted, unique.
std::vector<std::string> ImplicatedFaultKinds(const std::string& trace_text,
                                              const std::vector<int64_t>& involved_lines,
                                              const std::string& component);
// The role a violation implicates: the first principal's role named in the
// message, else the one the invariant's family belongs to. Pure.
std::string ImplicatedComponent(const std::string& invariant, const std::string& message);

// Every recovery path the simulator can report, so a summary lists the ones
// no seed reached with a count of 0.
std::vector<std::string> KnownRecoveryPaths();

// Accumulates rows into the end-of-swarm summary.
class SwarmSummary {
 public:
  void Add(const SwarmRow& row);
  int64_t seeds() const { return seeds_; }
  int64_t passed() const { return passed_; }
  int64_t failed() const { return seeds_ - passed_; }
  Json ToJson() const;
  void Print(std::ostream& out) const;

 private:
  struct Group {
    int64_t count = 0;
    std::string invariant;
    std::string component;
    std::vector<std::string> fault_kinds;
    uint64_t first_seed = 0;
    std::string first_scenario;
    std::string repro;  // of the first (smallest) seed
  };
  int64_t seeds_ = 0;
  int64_t passed_ = 0;
  int64_t entries_ = 0;
  int64_t wall_time_us_ = 0;
  std::map<std::string, Group> groups_;  // by signature
  std::map<std::string, int64_t> recovery_paths_;
  std::set<std::string> scenarios_;
};

// Called after each row is written, with the rows done and the total.
using SwarmProgress = std::function<void(const SwarmRow& row, int64_t done, int64_t total)>;

// Runs every work item of `config`, writes each row to `db` (in work-item
// order, batched in transactions) and adds it to `summary`.
// Errors: kInvalidArgument (bad config), kUnavailable (fork, pipe or the db).
Status RunSwarm(const SwarmConfig& config, SwarmDb* db, SwarmSummary* summary,
                const SwarmProgress& progress);

// The work items of a configuration, counted without enumerating them.
int64_t SwarmItemCount(const SwarmConfig& config);

}  // namespace logact::cli
