// `logact trace html FILE -o OUT.html [--json]`: renders a trace as one
// self-contained HTML page (cli/trace_html.h). Exit 0 when the page was
// written (violations are shown, not judged: `logact check` judges), 2 on
// bad input (the page is still written, up to the bad line) or an I/O error.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/trace_html.h"
#include "core/json.h"
#include "traces/atomic_file.h"

namespace logact::cli {
namespace {

struct TraceHtmlArgs {
  std::string file;
  std::string out;
  size_t records_max = limits::kTraceHtmlRecordsMax;
  bool json = false;
};

int RunTraceHtml(const TraceHtmlArgs& args) {
  TraceHtmlOptions options;
  options.records_max = args.records_max;
  TraceHtmlStats stats;
  Result<std::string> page = RenderTraceHtml(args.file, options, &stats);
  if (!page.has_value()) return ReportError(page.error());
  Status written = traces::WriteFileAtomically(args.out, *page);
  if (!written.ok()) return ReportError(written);
  if (args.json) {
    Json out = {{"file", args.file},
                {"out", args.out},
                {"records", stats.records_total},
                {"records_shown", stats.records_shown},
                {"violations", stats.violations},
                {"highlighted", stats.highlighted}};
    if (!stats.bad_input.empty()) out["bad_input"] = stats.bad_input;
    std::cout << out.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
  } else {
    std::cout << "wrote " << args.out << ": " << stats.records_shown << " of "
              << stats.records_total << " records, " << stats.violations << " violations ("
              << stats.highlighted << " records highlighted)\n";
  }
  if (!stats.bad_input.empty()) {
    std::cerr << "logact: " << stats.bad_input << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

// The `trace` group, whoever registers first (cli/trace_command.cc may too).
CLI::App* TraceGroup(CLI::App& app) {
  std::vector<CLI::App*> found =
      app.get_subcommands([](CLI::App* sub) { return sub->get_name() == "trace"; });
  if (!found.empty()) return found.front();
  CLI::App* trace =
      app.add_subcommand("trace", "Import, convert, summarise, export and view traces");
  trace->require_subcommand(1);
  return trace;
}

}  // namespace

void RegisterTraceHtmlCommand(CLI::App& app, ExitSlot exit_code) {
  auto args = std::make_shared<TraceHtmlArgs>();
  CLI::App* cmd = TraceGroup(app)->add_subcommand(
      "html", "Render a trace as one self-contained HTML timeline (violations highlighted)");
  cmd->add_option("file", args->file, "Trace file (JSON Lines)")->required();
  cmd->add_option("-o,--out", args->out, "Output HTML file")->required();
  cmd->add_option("--records-max", args->records_max, "Records drawn (the rest are counted)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "Print a JSON summary");
  cmd->callback([args, exit_code] { *exit_code = RunTraceHtml(*args); });
}

}  // namespace logact::cli
