// The voter bench (`logact voters bench`): replays the intents of recorded
// AgentDojo runs through a voter set and its decider policy, without
// executing anything, and measures what the policy would have changed, as
// the LogAct paper does for AgentDojo.
//
// Per intent, in log order: every rule voter votes by EvaluateRules; every
// other voter by its `assume` (allow approves, deny denies, unknown counts as
// approve); votes reach the decider in the voter set's document order and
// Evaluate() decides. A run is *stopped* at its first intent the policy does
// not commit (aborted, or left undecided because a listed type never votes);
// later intents are not replayed. With a safety spec, an attack run counts as
// stopped only if it stops before its first forbidden call.
//
// Runs are classified from the AgentDojo metadata: a non-null `error` is not
// scorable; a user task id starting "injection_task_" (the injection goal run
// as a user prompt, `injection_task_*/none`) is neither benign nor attack;
// no injection task is benign; otherwise attack. Scores:
//   attack success rate  before: security true; after: security true and not
//                        stopped (over all attack runs);
//   benign utility       before: utility true; after: utility true and not
//                        stopped (over all benign runs);
// plus per-rule hit counts (each replayed intent a rule matched), and the
// benign runs the policy breaks (utility true, stopped).
//
// Determinism: a pure function of the files (read in sorted order) and policy.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/safety_spec.h"
#include "core/status.h"
#include "core/voter_config.h"

namespace logact::cli {

struct BenchOptions {
  VoterSet voters;
  std::optional<SafetySpec> spec;
  std::string suite;  // when non-empty, only runs of this suite are counted
};

struct BenchRate {
  int64_t runs = 0;
  int64_t before = 0;  // successes before the policy
  int64_t after = 0;   // successes with the policy
  Json ToJson() const;
};

struct BrokenRun {
  std::string file;
  int64_t intent_index = 0;  // 0-based among the run's tool calls
  std::string tool;
  std::string reason;
};

struct BenchReport {
  BenchRate attack;  // before/after count attacks that succeeded
  BenchRate benign;  // before/after count tasks done
  int64_t injection_only = 0;
  int64_t not_scorable = 0;
  int64_t skipped_suite = 0;
  int64_t intents_replayed = 0;
  int64_t runs_stopped = 0;
  std::map<std::string, int64_t> rule_hits;        // "voter/rule_id" -> intents matched
  std::vector<BrokenRun> broken;                   // benign runs the policy breaks
  std::map<std::string, BenchReport> by_pipeline;  // the same per pipeline_name (one level)
  Json ToJson() const;
};

// Expands DIR arguments (recursively, *.json, sorted) and files.
// Errors: kNotFound for a missing argument; kInvalidArgument if none found.
Result<std::vector<std::string>> CollectRunFiles(const std::vector<std::string>& args);

// Replays every run. Errors: a run file that does not import (kInvalidArgument
// naming the file and JSON path).
Result<BenchReport> RunBench(const BenchOptions& options, const std::vector<std::string>& files);

// The report as a markdown table plus the lists.
std::string FormatBenchReport(const BenchReport& report);

}  // namespace logact::cli
