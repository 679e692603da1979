// `logact check FILE [--json] [--spec FILE]`: judges the SPEC §7 invariants
// on a trace file. Exit 0 iff no judged invariant failed, 1 otherwise, 2 on
// bad input (the message names the file, the 1-based line and the field).
#include <iostream>

#include "cli/json_file.h"
#include "cli/command.h"
#include "cli/report_printing.h"
#include "properties/check_trace.h"
#include "properties/scenario_options.h"
#include "traces/trace_reader.h"

namespace logact::cli {
namespace {

struct CheckArgs {
  std::string file;
  std::string spec;
  bool json = false;
};

int PrintBadInput(const CheckArgs& args, const traces::TraceError& error) {
  if (args.json) {
    Json out = {{"ok", false}, {"error", error.ToJson()}};
    std::cout << out.dump() << "\n";
  }
  std::cerr << "logact: " << error.ToStatus().message() << "\n";
  return kExitBadInput;
}

int RunCheck(const CheckArgs& args) {
  std::optional<SafetySpec> spec;
  if (!args.spec.empty()) {
    Result<SafetySpec> loaded = ReadSafetySpecFile(args.spec);
    if (!loaded) return ReportError(loaded.error());
    spec = std::move(loaded).value();
  }
  traces::TraceError error;
  Result<properties::Report> report = properties::CheckTraceFile(
      args.file, properties::BuiltinScenarioOptions(spec ? &*spec : nullptr), &error);
  if (!report) {
    if (report.error().code() == StatusCode::kInvalidArgument && error.line > 0) {
      return PrintBadInput(args, error);
    }
    return ReportError(report.error());
  }
  if (args.json) {
    Json out = report->ToJson();
    out["file"] = args.file;
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "trace: " << args.file << " (" << report->records << " records)\n";
    PrintReport(*report, std::cout);
  }
  return report->ok() ? kExitOk : kExitPropertyFailed;
}

}  // namespace

void RegisterCheckCommand(CLI::App& app, ExitSlot exit_code) {
  auto args = std::make_shared<CheckArgs>();
  auto* cmd = app.add_subcommand("check", "Check the SPEC invariants on a trace file");
  cmd->add_option("file", args->file, "Trace file (JSON Lines)")->required();
  cmd->add_option("--spec", args->spec, "Safety spec JSON for SAFE-SPEC (overrides the scenario's)");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([args, exit_code] { *exit_code = RunCheck(*args); });
}

}  // namespace logact::cli
