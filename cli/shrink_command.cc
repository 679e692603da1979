// `logact shrink (--trace FILE | --scenario NAME --seed N [--faults F] ...)
// [--invariant ID] [--out FILE] [--runs-max N] [--json]`: re-runs a failing
// simulation and minimises its decisions with delta debugging
// (sim/shrinker.h): its faults (storage faults included) and its scheduler's
// non-default choices (each removed one becomes the default, the first ready
// component), until the failure is 1-minimal over the faults: removing any
// single remaining fault makes it disappear. The failure kept is "the run violates
// the target invariant": --invariant, else the first violation the original
// run reports (LIVE-DECIDE counts when nothing else is violated). Writes the
// minimal trace to --out (atomically; its header carries the schedule, so
// `logact replay` reruns it) and the schedule to <out>.schedule.json, and
// prints the minimal faults, the counts, the wall time and the command that
// reproduces the minimal run.
// Exit 0: a minimal failing run was written; 2: bad input, or the run does
// not fail (nothing to shrink); 1 is not used (a failing run is the input).
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "cli/json_file.h"
#include "cli/sim_runner.h"
#include "core/limits.h"
#include "sim/shrinker.h"
#include "sim/sim_options.h"
#include "traces/atomic_file.h"
#include "traces/trace_reader.h"

namespace logact::cli {
namespace {

struct ShrinkArgs {
  std::string trace;
  std::string scenario;
  std::optional<uint64_t> seed;
  std::string faults = "none";
  int64_t repeats = 1;
  uint64_t steps_max = 1'000'000;
  std::string attack_rate;
  std::string invariant;
  std::string out;
  int64_t runs_max = limits::kShrinkRunsMax;
  bool json = false;
};

// The options of the run to shrink: a simulator trace's header, or the flags.
Result<sim::SimOptions> OptionsToShrink(const ShrinkArgs& args) {
  if (!args.trace.empty()) {
    if (!args.scenario.empty() || args.seed) {
      return InvalidArgumentError("--trace and --scenario/--seed are exclusive");
    }
    std::ifstream in(args.trace, std::ios::binary);
    if (!in) return NotFoundError(args.trace + ": cannot open file");
    std::string first_line;
    std::getline(in, first_line);
    auto reader = traces::TraceReader::FromString(first_line, args.trace);
    LOGACT_ASSIGN_OR_RETURN(traces::TraceHeader header, reader->ReadHeader());
    Result<sim::SimOptions> options = sim::SimOptionsFromHeader(header);
    if (!options) return options.error().WithContext(args.trace + ": line 1");
    return options;
  }
  if (args.scenario.empty() || !args.seed) {
    return InvalidArgumentError("give --trace FILE, or --scenario NAME and --seed N");
  }
  sim::SimOptions options;
  options.scenario = args.scenario;
  options.seed = *args.seed;
  options.task_repeats = args.repeats;
  options.steps_max = args.steps_max;
  if (!args.attack_rate.empty()) {
    LOGACT_ASSIGN_OR_RETURN(options.llm.attack_rate, ParseRatio(args.attack_rate, "--attack-rate"));
  }
  LOGACT_ASSIGN_OR_RETURN(options.faults, sim::ParseFaultPlan(args.faults, options.seed));
  return options;
}

// The invariant ids a checked run violates, in report order, LIVE-DECIDE last.
std::vector<std::string> ViolatedInOrder(const SimOutcome& outcome) {
  std::vector<std::string> ids;
  for (const properties::Violation& violation : outcome.check.violations) {
    if (std::find(ids.begin(), ids.end(), violation.invariant) == ids.end()) {
      ids.push_back(violation.invariant);
    }
  }
  if (!outcome.live_decide_ok) ids.push_back("LIVE-DECIDE");
  return ids;
}

// The judge of sim/shrinker.h: a checked run, failing iff it violates
// *target. An empty *target is set from the first run judged (the original).
sim::RunJudge MakeJudge(std::string* target) {
  return [target](const sim::SimOptions& options) -> Result<sim::JudgedRun> {
    LOGACT_ASSIGN_OR_RETURN(SimOutcome outcome, RunCheckedSimulation(options, ""));
    const std::vector<std::string> ids = ViolatedInOrder(outcome);
    if (target->empty() && !ids.empty()) *target = ids.front();
    sim::JudgedRun run;
    run.fails = std::find(ids.begin(), ids.end(), *target) != ids.end();
    run.injected = outcome.run.fault_schedule;
    for (const std::string& id : ids) run.summary += (run.summary.empty() ? "" : " ") + id;
    if (run.summary.empty()) run.summary = "no invariant violated";
    return run;
  };
}

std::string DefaultOut(const ShrinkArgs& args, const sim::SimOptions& options) {
  if (!args.trace.empty()) {
    const size_t dot = args.trace.rfind(".jsonl");
    return (dot == std::string::npos ? args.trace : args.trace.substr(0, dot)) + ".min.jsonl";
  }
  return "shrunk-" + options.scenario + "-" + std::to_string(options.seed) + ".jsonl";
}

struct Written {
  std::string trace;
  std::string schedule;
  std::string repro;   // logact sim ... --fault-schedule FILE
  std::string replay;  // logact replay FILE
  SimOutcome minimal;  // the minimal run, as written
};

Result<Written> WriteMinimal(const sim::FaultShrinkResult& shrunk, const std::string& out) {
  Written written;
  written.trace = out;
  written.schedule = out + ".schedule.json";
  const sim::FaultSchedule& schedule = *shrunk.minimal_options.fault_schedule;
  LOGACT_TRY(traces::WriteFileAtomically(written.schedule,
                                         sim::FaultScheduleToJson(schedule).dump(2) + "\n"));
  LOGACT_ASSIGN_OR_RETURN(written.minimal, RunCheckedSimulation(shrunk.minimal_options, out));
  sim::SimOptions plain = shrunk.minimal_options;
  plain.fault_schedule.reset();
  written.repro = ReproCommand(plain) + " --fault-schedule " + written.schedule;
  written.replay = "logact replay " + out;
  return written;
}

void PrintText(const sim::FaultShrinkResult& shrunk, const Written& written,
               const std::string& target, double seconds) {
  std::cout << "shrink: " << target << " on scenario " << shrunk.minimal_options.scenario
            << ", seed " << shrunk.minimal_options.seed << "\n"
            << "  faults " << shrunk.original.faults.size() << " -> "
            << shrunk.minimal.faults.size() << ", scheduling choices " << shrunk.choices_before
            << " -> " << shrunk.choices_after << ", " << shrunk.runs << " runs, " << seconds
            << " s, " << (shrunk.one_minimal ? "1-minimal" : "NOT proven 1-minimal (run limit)")
            << "\n  minimal run violates: " << shrunk.minimal_run.summary << "\n";
  for (const sim::ScheduledFault& fault : shrunk.minimal.faults) {
    std::cout << "    " << sim::DescribeFault(fault) << "\n";
  }
  if (shrunk.minimal_options.fault_schedule->choices) {
    for (const sim::SchedulingChoice& choice : *shrunk.minimal_options.fault_schedule->choices) {
      std::cout << "    " << sim::DescribeChoice(choice) << "\n";
    }
  }
  std::cout << "  trace: " << written.trace << "\n  schedule: " << written.schedule
            << "\nreproduce with: " << written.repro << "\n   or: " << written.replay << "\n";
}

Json ToJson(const sim::FaultShrinkResult& shrunk, const Written& written, const std::string& target,
            double seconds) {
  return Json{{"ok", true},
              {"invariant", target},
              {"scenario", shrunk.minimal_options.scenario},
              {"seed", shrunk.minimal_options.seed},
              {"faults_before", shrunk.original.faults.size()},
              {"faults_after", shrunk.minimal.faults.size()},
              {"unscheduled_after", shrunk.unscheduled},
              {"choices_before", shrunk.choices_before},
              {"choices_after", shrunk.choices_after},
              {"choices_one_minimal", shrunk.choices_shrunk},
              {"runs", shrunk.runs},
              {"seconds", seconds},
              {"one_minimal", shrunk.one_minimal},
              {"violated", shrunk.minimal_run.summary},
              {"schedule", sim::FaultScheduleToJson(*shrunk.minimal_options.fault_schedule)},
              {"trace", written.trace},
              {"schedule_file", written.schedule},
              {"repro", written.repro},
              {"replay", written.replay}};
}

int RunShrink(const ShrinkArgs& args) {
  Result<sim::SimOptions> options = OptionsToShrink(args);
  if (!options) return ReportError(options.error());
  if (args.runs_max < 4) return ReportError(InvalidArgumentError("--runs-max: must be >= 4"));
  std::string target = args.invariant;
  // Wall time for the report only: the shrink itself never reads a clock.
  const auto start = std::chrono::steady_clock::now();
  Result<sim::FaultShrinkResult> shrunk =
      sim::ShrinkFaultSchedule(*options, MakeJudge(&target), args.runs_max);
  if (!shrunk) return ReportError(shrunk.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string out = args.out.empty() ? DefaultOut(args, *options) : args.out;
  Result<Written> written = WriteMinimal(*shrunk, out);
  if (!written) return ReportError(written.error());
  if (args.json) {
    std::cout << ToJson(*shrunk, *written, target, seconds).dump() << "\n";
  } else {
    PrintText(*shrunk, *written, target, seconds);
  }
  return kExitOk;
}

}  // namespace

void RegisterShrinkCommand(CLI::App& app, ExitSlot exit_code) {
  auto args = std::make_shared<ShrinkArgs>();
  auto* cmd = app.add_subcommand(
      "shrink",
      "Minimise a failing run's faults and scheduling choices (delta debugging) to a 1-minimal "
      "fault schedule");
  cmd->add_option("--trace", args->trace, "A failing trace written by `logact sim`");
  cmd->add_option("--scenario", args->scenario, "Built-in scenario (instead of --trace)");
  cmd->add_option("--seed", args->seed, "The seed of the failing run (with --scenario)");
  cmd->add_option("--faults", args->faults, "Faults of the run, as for `logact sim`");
  cmd->add_option("--repeats", args->repeats, "Task repeats, as for `logact sim`")
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000}));
  cmd->add_option("--steps-max", args->steps_max, "Step limit, as for `logact sim`");
  cmd->add_option("--attack-rate", args->attack_rate, "Attack rate N/D, as for `logact sim`");
  cmd->add_option("--invariant", args->invariant,
                  "The invariant id the shrunk run must still violate (default: the first "
                  "violation of the original run)");
  cmd->add_option("--out", args->out,
                  "Write the minimal trace here (default: <trace>.min.jsonl or "
                  "shrunk-<scenario>-<seed>.jsonl); the schedule goes to <out>.schedule.json");
  cmd->add_option("--runs-max", args->runs_max, "Stop after this many simulation runs")
      ->check(CLI::Range(int64_t{4}, limits::kShrinkRunsMax));
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([args, exit_code] { *exit_code = RunShrink(*args); });
}

}  // namespace logact::cli
