// One checked simulation run, as `sim`, `replay` (and later `swarm`) need it:
// the simulator feeds the trace writer and the online invariant checker, and
// the outcome joins the run's report, the checker's verdict and LIVE-DECIDE.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "core/random.h"
#include "properties/report.h"
#include "sim/simulation.h"

namespace logact::cli {

struct SimOutcome {
  sim::SimReport run;
  properties::Report check;
  bool live_decide_ok = false;  // LIVE-DECIDE: every intent decided, task done in bound
  std::string live_decide_message;
  std::string trace_path;  // empty if no trace was written
  std::string repro;       // the exact command that reproduces the run
  sim::FaultPlan faults;   // the plan the run used
  // DET-REPLAY, when JudgeDeterminism ran: the rerun gave the same bytes.
  bool det_replay_checked = false;
  bool det_replay_ok = false;
  // REC-STATE and DET-REPLAY failures are violations in `check`.
  bool ok() const { return check.ok() && live_decide_ok; }
  Json ToJson() const;
};

// Runs `options` with the online checker; writes the trace atomically to
// `trace_path` unless it is empty. If `trace_text` is non-null the trace is
// also kept in memory there. Errors: those of RunSimulation and of the file.
Result<SimOutcome> RunCheckedSimulation(const sim::SimOptions& options,
                                        const std::string& trace_path,
                                        std::string* trace_text = nullptr);

// DET-REPLAY: reruns `options` and compares with `trace` (the first run's
// bytes); a difference is a DET-REPLAY violation added to outcome->check.
// Errors: those of RunSimulation.
Status JudgeDeterminism(const sim::SimOptions& options, const std::string& trace,
                        SimOutcome* outcome);

void PrintSimOutcome(const SimOutcome& outcome, std::ostream& out);

// "logact sim --scenario S --seed N [...]": every option that differs from the default.
std::string ReproCommand(const sim::SimOptions& options);

// "A..B" (inclusive, A <= B). Errors: kInvalidArgument.
Result<std::pair<uint64_t, uint64_t>> ParseSeedRange(const std::string& text);
// "N/D" with 0 <= N <= D, D > 0. `flag` names the option in errors.
Result<Ratio> ParseRatio(const std::string& text, const std::string& flag);

}  // namespace logact::cli
