// `logact trace import|summary|export`: bring recorded runs in as traces,
// summarise a trace, and export one as OpenTelemetry spans. `trace html` is
// registered elsewhere on the same group (app.get_subcommand("trace")).
//
// import: --from agentdojo|openai|otel FILE|DIR... --out PATH [--tools FILE].
// Directories are searched recursively for *.json, in sorted order. With one
// input file, PATH is the output file (unless it is an existing directory);
// otherwise PATH is a directory (created if missing) receiving one trace per
// input, named after the input's path below the argument with '/' turned
// into "__" and ".json" into ".jsonl". Every output is written atomically.
// Each flag is printed on stderr as "<file>: <json path>: <message> [kind]"
// (--quiet prints only the totals). Exit 2 if any input is bad input; the
// other inputs are still imported.
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "cli/command.h"
#include "cli/trace_load.h"
#include "cli/trace_summary.h"
#include "traces/atomic_file.h"
#include "traces/import_run.h"
#include "traces/otel_export.h"

namespace logact::cli {
namespace fs = std::filesystem;
namespace {

struct ImportArgs {
  std::string from;
  std::vector<std::string> inputs;
  std::string out;
  std::string tools;
  bool json = false;
  bool quiet = false;
};

struct InputFile {
  std::string path;
  std::string output_name;  // relative name of its trace
};

std::string TraceName(const fs::path& relative) {
  std::string name;
  for (char c : relative.generic_string()) {
    if (c == '/') {
      name += "__";
    } else {
      name += c;
    }
  }
  if (name.size() > 5 && name.ends_with(".json")) name.resize(name.size() - 5);
  return name + ".jsonl";
}

Result<std::vector<InputFile>> CollectInputs(const std::vector<std::string>& args) {
  std::vector<InputFile> files;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::set<fs::path> found;  // sorted: a deterministic order
      for (auto it = fs::recursive_directory_iterator(arg, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file() && it->path().extension() == ".json") found.insert(it->path());
      }
      if (ec) return UnavailableError(arg + ": cannot list directory: " + ec.message());
      for (const fs::path& path : found) {
        files.push_back({path.string(), TraceName(fs::relative(path, arg))});
      }
    } else if (fs::exists(arg, ec)) {
      files.push_back({arg, TraceName(fs::path(arg).filename())});
    } else {
      return NotFoundError(arg + ": no such file or directory");
    }
  }
  if (files.empty()) return InvalidArgumentError("no input files (directories hold no *.json)");
  return files;
}

// Chooses each input's output path; refuses two inputs with one output.
Result<std::vector<std::string>> OutputPaths(const std::vector<InputFile>& files,
                                             const std::string& out) {
  std::error_code ec;
  const bool to_file = files.size() == 1 && !fs::is_directory(out, ec) && !out.ends_with("/");
  if (to_file) return std::vector<std::string>{out};
  fs::create_directories(out, ec);
  if (ec) return UnavailableError(out + ": cannot create directory: " + ec.message());
  std::vector<std::string> paths;
  std::map<std::string, std::string> seen;
  for (const InputFile& file : files) {
    const std::string path = (fs::path(out) / file.output_name).string();
    auto [it, inserted] = seen.emplace(path, file.path);
    if (!inserted) {
      return InvalidArgumentError(file.path + " and " + it->second + " would both be written to " +
                                  path);
    }
    paths.push_back(path);
  }
  return paths;
}

int RunImport(const ImportArgs& args) {
  Result<traces::ImportFormat> format = traces::ParseImportFormat(args.from);
  if (!format) return ReportError(format.error());
  traces::ImportOptions options;
  if (!args.tools.empty()) {
    if (Status s = traces::ReadImportTools(args.tools, &options); !s.ok()) return ReportError(s);
  }
  Result<std::vector<InputFile>> files = CollectInputs(args.inputs);
  if (!files) return ReportError(files.error());
  Result<std::vector<std::string>> outputs = OutputPaths(*files, args.out);
  if (!outputs) return ReportError(outputs.error());
  int exit_code = kExitOk;
  int64_t imported = 0, records = 0, implicit = 0;
  std::map<std::string, int64_t> flags;
  Json errors = Json::array();
  for (size_t i = 0; i < files->size(); ++i) {
    const std::string& input = (*files)[i].path;
    Result<traces::ImportedRun> run = traces::ImportFile(*format, input, options);
    Status written = run ? traces::WriteImportedRun(*run, (*outputs)[i]) : run.error();
    if (!written.ok()) {
      exit_code = ReportError(written);
      errors.push_back({{"file", input}, {"message", written.message()}});
      continue;
    }
    ++imported;
    records += static_cast<int64_t>(run->records.size());
    implicit += run->implicit_commits;
    for (const traces::ImportFlag& flag : run->flags) {
      ++flags[flag.kind];
      if (!args.quiet) {
        std::cerr << "logact: warning: " << input << ": " << flag.path << ": " << flag.message
                  << " [" << flag.kind << "]\n";
      }
    }
  }
  if (args.json) {
    Json out = {{"imported", imported}, {"failed", static_cast<int64_t>(errors.size())},
                {"records", records},   {"implicit_commits", implicit},
                {"flags", flags},       {"errors", errors}};
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "imported " << imported << " of " << files->size() << " runs: " << records
              << " records, " << implicit << " implicit commits";
    for (const auto& [kind, n] : flags) std::cout << ", " << kind << "=" << n;
    std::cout << "\n";
  }
  return exit_code;
}

void RegisterImport(CLI::App& trace, ExitSlot exit_code) {
  auto args = std::make_shared<ImportArgs>();
  auto* cmd = trace.add_subcommand("import", "Import recorded agent runs as traces");
  cmd->add_option("--from", args->from, "Input format: agentdojo, openai or otel")->required();
  cmd->add_option("inputs", args->inputs, "Input files or directories (*.json)")->required();
  cmd->add_option("--out,-o", args->out, "Output trace file, or directory for several")->required();
  cmd->add_option("--tools", args->tools,
                  "Tool schemas (one suite, or AgentDojo tools.json) to flag unknown tools");
  cmd->add_flag("--json", args->json, "Print the totals as one JSON object");
  cmd->add_flag("--quiet,-q", args->quiet, "Do not print each flag");
  cmd->callback([args, exit_code] { *exit_code = RunImport(*args); });
}

void RegisterSummary(CLI::App& trace, ExitSlot exit_code) {
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = trace.add_subcommand("summary", "Entry counts, tokens, decisions, time per stage");
  cmd->add_option("file", *file, "Trace file")->required();
  cmd->add_flag("--json", *json, "Print one JSON object");
  cmd->callback([file, json, exit_code] {
    Result<Json> summary = SummarizeTraceFile(*file);
    if (!summary) {
      *exit_code = ReportError(summary.error());
      return;
    }
    std::cout << (*json ? summary->dump() + "\n" : FormatSummary(*summary));
    *exit_code = kExitOk;
  });
}

void RegisterExport(CLI::App& trace, ExitSlot exit_code) {
  auto file = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto otel = std::make_shared<bool>(false);
  auto* cmd = trace.add_subcommand("export", "Export a trace (OTLP JSON GenAI spans)");
  cmd->add_option("file", *file, "Trace file")->required();
  cmd->add_flag("--otel", *otel, "OTLP JSON with gen_ai.* attributes (the only format)");
  cmd->add_option("-o,--out", *out, "Output file (default: stdout)");
  cmd->callback([file, out, otel, exit_code] {
    if (!*otel) {
      *exit_code = ReportError(InvalidArgumentError("trace export: give --otel"));
      return;
    }
    Result<LoadedTrace> trace = LoadTrace(*file);
    if (!trace) {
      *exit_code = ReportError(trace.error());
      return;
    }
    const std::string text = traces::ExportOtel(trace->header, trace->records).dump() + "\n";
    if (out->empty()) {
      std::cout << text;
    } else if (Status s = traces::WriteFileAtomically(*out, text); !s.ok()) {
      *exit_code = ReportError(s);
      return;
    }
    *exit_code = kExitOk;
  });
}

}  // namespace

void RegisterTraceCommand(CLI::App& app, ExitSlot exit_code) {
  // Another engineer's `trace html` may have created the group first.
  CLI::App* trace = nullptr;
  try {
    trace = app.get_subcommand("trace");
  } catch (const CLI::OptionNotFound&) {
    trace = app.add_subcommand("trace", "Import, summarise, export and view traces");
  }
  trace->require_subcommand(1);
  RegisterImport(*trace, exit_code);
  RegisterSummary(*trace, exit_code);
  RegisterExport(*trace, exit_code);
}

}  // namespace logact::cli
