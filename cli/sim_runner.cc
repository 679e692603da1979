#include "cli/sim_runner.h"

#include <algorithm>
#include <charconv>
#include <memory>

#include "cli/report_printing.h"
#include "properties/checker.h"
#include "properties/invariant_ids.h"
#include "properties/scenario_options.h"
#include "sim/sim_options.h"
#include "traces/trace_writer.h"

namespace logact::cli {
namespace {

// LIVE-DECIDE (SPEC §7): in the liveness phase every live intent is decided
// and the task ends within the stated virtual-time bound.
void JudgeLiveness(SimOutcome* outcome) {
  const sim::SimReport& run = outcome->run;
  if (!run.finished) {
    outcome->live_decide_ok = false;
    outcome->live_decide_message = "the run did not finish: " + run.liveness_failure;
  } else if (!run.within_liveness_bound) {
    outcome->live_decide_ok = false;
    outcome->live_decide_message = "the task finished after " +
                                   std::to_string(run.virtual_time_ms) +
                                   " virtual ms, beyond the scenario's liveness bound";
  } else {
    outcome->live_decide_ok = true;
    outcome->live_decide_message = "every intent decided and the task finished in bound";
  }
}

// REC-STATE (SPEC §7), judged live by the simulator: each restarted
// component's digest once caught up equals a crash-free replica's.
void JudgeRecState(SimOutcome* outcome) {
  const sim::SimReport& run = outcome->run;
  if (run.rec_state_checks == 0) return;  // no restart caught up: stays not applicable
  properties::Report& check = outcome->check;
  const std::string id(properties::kRecState);
  std::erase(check.not_applicable, id);
  check.not_applicable_reasons.erase(id);
  if (std::find(check.checked.begin(), check.checked.end(), id) == check.checked.end()) {
    check.checked.push_back(id);
  }
  for (const std::string& failure : run.rec_state_failures) {
    properties::Violation violation;
    violation.invariant = id;
    violation.message = "state after restart differs from a crash-free replay: " + failure;
    check.violations.push_back(std::move(violation));
    ++check.violation_counts[id];
  }
}

Result<uint64_t> ParseU64(const std::string& text, const std::string& what) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) {
    return InvalidArgumentError(what + ": expected a non-negative integer, got '" + text + "'");
  }
  return value;
}

}  // namespace

Result<SimOutcome> RunCheckedSimulation(const sim::SimOptions& options,
                                        const std::string& trace_path, std::string* trace_text) {
  SimOutcome outcome;
  properties::InvariantChecker checker(
      properties::ScenarioCheckOptions(sim::SimHeader(options), nullptr));
  std::vector<traces::TraceSink*> sinks = {&checker};
  std::unique_ptr<traces::TraceWriter> file;
  if (!trace_path.empty()) {
    LOGACT_ASSIGN_OR_RETURN(file, traces::TraceWriter::OpenFile(trace_path));
    sinks.push_back(file.get());
  }
  traces::TraceWriter memory;
  if (trace_text != nullptr) sinks.push_back(&memory);
  LOGACT_ASSIGN_OR_RETURN(outcome.run, sim::RunSimulation(options, sinks));
  if (file) {
    LOGACT_TRY(file->Close().WithContext(trace_path));
    outcome.trace_path = trace_path;
  }
  if (trace_text != nullptr) *trace_text = memory.text();
  outcome.check = checker.Finish();
  JudgeLiveness(&outcome);
  JudgeRecState(&outcome);
  outcome.faults = options.faults;
  outcome.repro = ReproCommand(options);
  return outcome;
}

Json SimOutcome::ToJson() const {
  Json out;
  out["ok"] = ok();
  out["seed"] = run.seed;
  out["scenario"] = run.scenario;
  if (!trace_path.empty()) out["trace"] = trace_path;
  out["run"] = {{"steps", run.steps},
                {"virtual_time_ms", run.virtual_time_ms},
                {"entries", run.entries},
                {"inferences", run.inferences},
                {"intents", run.intents},
                {"votes", run.votes},
                {"commits", run.commits},
                {"aborts", run.aborts},
                {"timeout_aborts", run.timeout_aborts},
                {"results", run.results},
                {"effects", run.effects},
                {"outputs", run.outputs},
                {"injected_intents", run.injected_intents},
                {"injected_aborted", run.injected_aborted},
                {"injected_effects", run.injected_effects},
                {"forbidden_effects", run.forbidden_effects},
                {"prompt_tokens", run.llm.prompt_tokens},
                {"completion_tokens", run.llm.completion_tokens},
                {"finished", run.finished},
                {"env_digest", run.env_digest},
                {"restarts", run.restarts},
                {"rec_state_checks", run.rec_state_checks}};
  out["faults"] = {{"plan", sim::FaultPlanToJson(faults)},
                   {"injected", run.faults_injected},
                   {"recovery_paths", run.recovery_paths}};
  if (det_replay_checked) out["det_replay"] = {{"ok", det_replay_ok}};
  out["check"] = check.ToJson();
  out["live_decide"] = {{"ok", live_decide_ok}, {"message", live_decide_message}};
  out["repro"] = repro;
  return out;
}

void PrintSimOutcome(const SimOutcome& outcome, std::ostream& out) {
  const sim::SimReport& run = outcome.run;
  out << "scenario " << run.scenario << ", seed " << run.seed << "\n";
  out << "  " << run.steps << " steps, " << run.virtual_time_ms << " virtual ms, " << run.entries
      << " entries, " << run.inferences << " inferences (" << run.llm.prompt_tokens << " prompt + "
      << run.llm.completion_tokens << " completion tokens)\n";
  out << "  " << run.intents << " intents: " << run.commits << " committed, " << run.aborts
      << " aborted (" << run.timeout_aborts << " by timeout); " << run.effects << " executed, "
      << run.outputs << " final outputs\n";
  if (run.injected_intents > 0 || run.forbidden_effects > 0) {
    out << "  injected actions: " << run.injected_intents << " proposed, " << run.injected_aborted
        << " blocked, " << run.injected_effects << " executed; " << run.forbidden_effects
        << " forbidden effects\n";
  }
  if (!run.faults_injected.empty() || !outcome.faults.IsNone()) {
    out << "  faults (" << outcome.faults.source << "):";
    for (const auto& [kind, count] : run.faults_injected) out << " " << kind << "=" << count;
    out << "\n  recovery paths:";
    for (const auto& [path, count] : run.recovery_paths) out << " " << path << "=" << count;
    out << "\n  " << run.restarts << " restarts, " << run.rec_state_checks
        << " caught up and compared with a crash-free replay\n";
  }
  if (!outcome.trace_path.empty()) out << "  trace: " << outcome.trace_path << "\n";
  out << "  LIVE-DECIDE: " << (outcome.live_decide_ok ? "ok" : "FAILED") << ": "
      << outcome.live_decide_message << "\n";
  PrintReport(outcome.check, out);
  if (!outcome.ok()) out << "reproduce with: " << outcome.repro << "\n";
}

std::string ReproCommand(const sim::SimOptions& options) {
  const sim::SimOptions defaults;
  std::string command =
      "logact sim --scenario " + options.scenario + " --seed " + std::to_string(options.seed);
  if (options.task_repeats != defaults.task_repeats) {
    command += " --repeats " + std::to_string(options.task_repeats);
  }
  if (options.steps_max != defaults.steps_max) {
    command += " --steps-max " + std::to_string(options.steps_max);
  }
  if (!options.faults.IsNone()) command += " --faults '" + options.faults.source + "'";
  if (options.llm.attack_rate) {
    command += " --attack-rate " + std::to_string(options.llm.attack_rate->numerator) + "/" +
               std::to_string(options.llm.attack_rate->denominator);
  }
  return command;
}

Status JudgeDeterminism(const sim::SimOptions& options, const std::string& trace,
                        SimOutcome* outcome) {
  traces::TraceWriter again;
  LOGACT_TRY(sim::RunSimulation(options, {&again}).status());
  outcome->det_replay_checked = true;
  outcome->det_replay_ok = again.text() == trace;
  const std::string id(properties::kDetReplay);
  std::erase(outcome->check.not_applicable, id);
  outcome->check.not_applicable_reasons.erase(id);
  if (std::find(outcome->check.checked.begin(), outcome->check.checked.end(), id) ==
      outcome->check.checked.end()) {
    outcome->check.checked.push_back(id);
  }
  if (!outcome->det_replay_ok) {
    properties::Violation violation;
    violation.invariant = std::string(properties::kDetReplay);
    violation.message = "rerunning the seed produced a different trace";
    ++outcome->check.violation_counts[violation.invariant];
    outcome->check.violations.push_back(std::move(violation));
  }
  return Status::Ok();
}

Result<std::pair<uint64_t, uint64_t>> ParseSeedRange(const std::string& text) {
  const size_t dots = text.find("..");
  if (dots == std::string::npos) {
    return InvalidArgumentError("--seeds: expected A..B, got '" + text + "'");
  }
  LOGACT_ASSIGN_OR_RETURN(uint64_t first, ParseU64(text.substr(0, dots), "--seeds"));
  LOGACT_ASSIGN_OR_RETURN(uint64_t last, ParseU64(text.substr(dots + 2), "--seeds"));
  if (first > last) return InvalidArgumentError("--seeds: A must not exceed B in '" + text + "'");
  return std::make_pair(first, last);
}

Result<Ratio> ParseRatio(const std::string& text, const std::string& flag) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) {
    return InvalidArgumentError(flag + ": expected N/D, got '" + text + "'");
  }
  LOGACT_ASSIGN_OR_RETURN(uint64_t n, ParseU64(text.substr(0, slash), flag));
  LOGACT_ASSIGN_OR_RETURN(uint64_t d, ParseU64(text.substr(slash + 1), flag));
  if (d == 0 || n > d) {
    return InvalidArgumentError(flag + ": need 0 <= N <= D and D > 0, got '" + text + "'");
  }
  return Ratio{n, d};
}

}  // namespace logact::cli
