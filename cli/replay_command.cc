// `logact replay FILE [--json]`: re-runs the scenario, seed and options in a
// simulator trace's header and confirms that the rerun produces the identical
// trace (DET-REPLAY), or names the first differing line with both versions.
// Exit 0 identical, 1 different, 2 bad input (not a simulator trace, bad header).
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "cli/sim_runner.h"
#include "sim/sim_options.h"
#include "traces/trace_reader.h"

namespace logact::cli {
namespace {

struct ReplayArgs {
  std::string file;
  bool json = false;
};

struct FirstDifference {
  int64_t line = 0;  // 1-based; 0 if identical
  std::string recorded;
  std::string replayed;
};

// Splits off line `*offset` of `text` (without '\n'); "(end of trace)" past the end.
std::string NextLine(const std::string& text, size_t* offset) {
  if (*offset >= text.size()) return "(end of trace)";
  size_t end = text.find('\n', *offset);
  if (end == std::string::npos) end = text.size();
  std::string line = text.substr(*offset, end - *offset);
  *offset = end + 1;
  return line;
}

FirstDifference Compare(const std::string& recorded, const std::string& replayed) {
  FirstDifference diff;
  if (recorded == replayed) return diff;
  size_t a = 0;
  size_t b = 0;
  for (int64_t line = 1;; ++line) {
    std::string left = NextLine(recorded, &a);
    std::string right = NextLine(replayed, &b);
    if (left != right) return FirstDifference{line, std::move(left), std::move(right)};
  }
}

int RunReplay(const ReplayArgs& args) {
  std::ifstream in(args.file, std::ios::binary);
  if (!in) return ReportError(NotFoundError(args.file + ": cannot open file"));
  std::ostringstream contents;
  contents << in.rdbuf();
  const std::string recorded = contents.str();

  auto reader = traces::TraceReader::FromString(recorded.substr(0, recorded.find('\n')),
                                                args.file);
  Result<traces::TraceHeader> header = reader->ReadHeader();
  if (!header) return ReportError(header.error());
  Result<sim::SimOptions> options = sim::SimOptionsFromHeader(*header);
  if (!options) return ReportError(options.error().WithContext(args.file + ": line 1"));

  std::string replayed;
  auto outcome = RunCheckedSimulation(*options, "", &replayed);
  if (!outcome) return ReportError(outcome.error());
  const FirstDifference diff = Compare(recorded, replayed);
  if (args.json) {
    Json out = {{"identical", diff.line == 0}, {"file", args.file}, {"repro", outcome->repro}};
    if (diff.line != 0) {
      out["line"] = diff.line;
      out["recorded"] = diff.recorded;
      out["replayed"] = diff.replayed;
    }
    std::cout << out.dump() << "\n";
  } else if (diff.line == 0) {
    std::cout << "DET-REPLAY: ok: " << outcome->repro << " reproduces " << args.file
              << " byte for byte\n";
  } else {
    std::cout << "DET-REPLAY: FAILED: first difference at line " << diff.line << "\n"
              << "  recorded: " << diff.recorded << "\n"
              << "  replayed: " << diff.replayed << "\n";
  }
  return diff.line == 0 ? kExitOk : kExitPropertyFailed;
}

}  // namespace

void RegisterReplayCommand(CLI::App& app, ExitSlot exit_code) {
  auto args = std::make_shared<ReplayArgs>();
  auto* cmd = app.add_subcommand(
      "replay", "Re-run a simulator trace's seed and confirm an identical trace");
  cmd->alias("repro");
  cmd->add_option("file", args->file, "A trace written by `logact sim`")->required();
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->callback([args, exit_code] { *exit_code = RunReplay(*args); });
}

}  // namespace logact::cli
