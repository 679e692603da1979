// `logact voters bench --policy P --runs DIR|FILE... [--spec S] [--suite N]
// [--json]`: measures a voter set on recorded AgentDojo runs (cli/voters_bench.h).
// Exit 0 on success, 2 on bad input (policy, spec or a run file).
#include <iostream>

#include "cli/command.h"
#include "cli/json_file.h"
#include "cli/voters_bench.h"

namespace logact::cli {
namespace {

struct BenchArgs {
  std::string policy;
  std::vector<std::string> runs;
  std::string spec;
  std::string suite;
  bool json = false;
};

int RunBenchCommand(const BenchArgs& args) {
  BenchOptions options;
  Result<Json> policy = ReadJsonFile(args.policy);
  if (!policy) return ReportError(policy.error());
  Result<VoterSet> voters = ParseVoterSet(*policy);
  if (!voters) return ReportError(voters.error().WithContext(args.policy));
  options.voters = std::move(voters).value();
  if (!args.spec.empty()) {
    Result<SafetySpec> spec = ReadSafetySpecFile(args.spec);
    if (!spec) return ReportError(spec.error());
    options.spec = std::move(spec).value();
  }
  options.suite = args.suite;
  Result<std::vector<std::string>> files = CollectRunFiles(args.runs);
  if (!files) return ReportError(files.error());
  Result<BenchReport> report = RunBench(options, *files);
  if (!report) return ReportError(report.error());
  if (args.json) {
    std::cout << report->ToJson().dump() << "\n";
  } else {
    std::cout << FormatBenchReport(*report);
  }
  return kExitOk;
}

}  // namespace

void RegisterVotersBenchCommand(CLI::App& app, ExitSlot exit_code) {
  CLI::App* voters = nullptr;
  try {
    voters = app.get_subcommand("voters");
  } catch (const CLI::OptionNotFound&) {
    voters = app.add_subcommand("voters", "Voter policy verification (Z3) and measurement");
    voters->require_subcommand(1);
  }
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = voters->add_subcommand(
      "bench", "Replay recorded runs' intents through a voter set: attack success and utility");
  cmd->add_option("--policy", args->policy, "Voter set JSON {decider, voters}")->required();
  cmd->add_option("--runs", args->runs, "AgentDojo run files or directories")->required();
  cmd->add_option("--spec", args->spec,
                  "Safety spec: an attack counts as stopped only before its first forbidden call");
  cmd->add_option("--suite", args->suite, "Count only runs of this suite (e.g. banking)");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([args, exit_code] { *exit_code = RunBenchCommand(*args); });
}

}  // namespace logact::cli
