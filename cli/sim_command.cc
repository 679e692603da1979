// `logact sim --scenario NAME (--seed N | --seeds A..B) [--faults F] [--det-replay]
// [--trace FILE] [--json]`: runs seeded simulations (faults per sim/fault_plan.h),
// checks every invariant online, and prints a report per seed with the faults
// injected and the recovery paths taken. Exit 0 iff every run passed every judged invariant
// (including LIVE-DECIDE), 1 if one failed (its repro command is printed), 2 on bad input.
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "cli/json_file.h"
#include "cli/report_printing.h"
#include "cli/sim_runner.h"

namespace logact::cli {
namespace {

struct SimArgs {
  std::string scenario;
  std::optional<uint64_t> seed;
  std::string seeds;
  std::string trace;
  int64_t repeats = 1;
  uint64_t steps_max = 1'000'000;
  std::string attack_rate;
  std::string faults = "none";
  bool det_replay = false;
  bool json = false;
  std::string fault_schedule;  // replay mode (sim/fault_schedule.h), one seed only
};

Result<std::pair<uint64_t, uint64_t>> SeedRange(const SimArgs& args) {
  if (args.seed && !args.seeds.empty()) {
    return InvalidArgumentError("--seed and --seeds are exclusive");
  }
  if (args.seed) return std::make_pair(*args.seed, *args.seed);
  if (args.seeds.empty())
    return InvalidArgumentError("one of --seed N or --seeds A..B is required");
  return ParseSeedRange(args.seeds);
}

int RunSim(const SimArgs& args) {
  auto range = SeedRange(args);
  if (!range) return ReportError(range.error());
  const auto [first, last] = *range;
  if (first != last && !args.trace.empty() && args.trace.find("{seed}") == std::string::npos) {
    return ReportError(InvalidArgumentError(
        "--trace must contain {seed} when several seeds run (e.g. out/run-{seed}.jsonl)"));
  }
  sim::SimOptions options;
  options.scenario = args.scenario;
  options.task_repeats = args.repeats;
  options.steps_max = args.steps_max;
  if (!args.attack_rate.empty()) {
    auto rate = ParseRatio(args.attack_rate, "--attack-rate");
    if (!rate) return ReportError(rate.error());
    options.llm.attack_rate = *rate;
  }
  if (!args.fault_schedule.empty()) {
    if (first != last) {
      return ReportError(InvalidArgumentError("--fault-schedule replays one seed: use --seed"));
    }
    auto document = ReadJsonFile(args.fault_schedule);
    if (!document) return ReportError(document.error());
    auto schedule = sim::FaultScheduleFromJson(*document);
    if (!schedule) return ReportError(schedule.error().WithContext(args.fault_schedule));
    options.fault_schedule = *std::move(schedule);
  }
  Json runs = Json::array();
  bool all_ok = true;
  for (uint64_t seed = first;; ++seed) {
    options.seed = seed;
    std::string trace = args.trace;
    if (const size_t at = trace.find("{seed}"); at != std::string::npos) {
      trace.replace(at, 6, std::to_string(seed));
    }
    // "swarm" draws a different plan per seed.
    auto faults = sim::ParseFaultPlan(args.faults, seed);
    if (!faults) return ReportError(faults.error());
    options.faults = *faults;
    std::string text;
    auto outcome = RunCheckedSimulation(options, trace, args.det_replay ? &text : nullptr);
    if (!outcome) return ReportError(outcome.error());
    if (options.fault_schedule) outcome->repro += " --fault-schedule " + args.fault_schedule;
    if (args.det_replay) {
      Status replayed = JudgeDeterminism(options, text, &*outcome);
      if (!replayed.ok()) return ReportError(replayed);
    }
    all_ok = all_ok && outcome->ok();
    if (args.json) {
      runs.push_back(outcome->ToJson());
    } else {
      PrintSimOutcome(*outcome, std::cout);
    }
    if (seed == last) break;
  }
  if (args.json) {
    Json out = first == last ? runs[0] : Json{{"ok", all_ok}, {"runs", runs}};
    std::cout << out.dump() << "\n";
  }
  return all_ok ? kExitOk : kExitPropertyFailed;
}

}  // namespace

void RegisterSimCommand(CLI::App& app, ExitSlot exit_code) {
  auto args = std::make_shared<SimArgs>();
  auto* cmd = app.add_subcommand("sim", "Run seeded simulations of a scenario and check them");
  cmd->add_option("--scenario", args->scenario, "Built-in scenario (see `logact scenarios`)")
      ->required();
  cmd->add_option("--seed", args->seed, "The seed of one run");
  cmd->add_option("--seeds", args->seeds, "An inclusive range of seeds, A..B");
  cmd->add_option("--trace", args->trace,
                  "Write the trace here (atomically); with --seeds, a path containing {seed}");
  cmd->add_option("--repeats", args->repeats, "Run the scenario's tasks this many times")
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000}));
  cmd->add_option("--steps-max", args->steps_max, "Step limit before a run is declared stuck");
  cmd->add_option("--attack-rate", args->attack_rate,
                  "Chance N/D that the mock LLM follows an injection (attack scenarios)");
  cmd->add_option("--faults", args->faults,
                  "Faults of the safety phase: none|light|heavy|swarm, optionally followed by "
                  "kind=rate overrides (e.g. light,crash=0.02,tool_fail=1/20)");
  cmd->add_option("--fault-schedule", args->fault_schedule,
                  "Replay exactly the faults of this schedule file (written by `logact shrink`)");
  cmd->add_flag("--det-replay", args->det_replay,
                "Run each seed twice and demand byte-identical traces (DET-REPLAY)");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([args, exit_code] { *exit_code = RunSim(*args); });
}

}  // namespace logact::cli
