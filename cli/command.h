// The `logact` command line (SPEC §8): one executable, subcommands, `--json`
// machine output, and exit codes 0 (ok), 1 (a property failed), 2 (bad input
// or usage). Only cli/ exits: every library reports errors as Status, and the
// commands here turn a Status into a message and an exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "core/status.h"

namespace logact::cli {

enum ExitCode : int { kExitOk = 0, kExitPropertyFailed = 1, kExitBadInput = 2 };

// Where a subcommand stores the exit code of its run.
using ExitSlot = int*;

// Each subcommand registers itself on the app; its callback runs the command
// and writes the exit code into *exit_code.
void RegisterScenariosCommand(CLI::App& app, ExitSlot exit_code);
void RegisterSimCommand(CLI::App& app, ExitSlot exit_code);
void RegisterCheckCommand(CLI::App& app, ExitSlot exit_code);
void RegisterReplayCommand(CLI::App& app, ExitSlot exit_code);
// `voters validate|diff` (cli/voters_command.cc): creates the `voters` group;
// later commands join it through app.get_subcommand("voters").
void RegisterVotersCommand(CLI::App& app, ExitSlot exit_code);
// `voters bench` (cli/voters_bench_command.cc): joins (or creates) the `voters` group.
void RegisterVotersBenchCommand(CLI::App& app, ExitSlot exit_code);
void RegisterSwarmCommand(CLI::App& app, ExitSlot exit_code);
// `shrink` (cli/shrink_command.cc): minimise a failing run's fault schedule.
void RegisterShrinkCommand(CLI::App& app, ExitSlot exit_code);
// `trace import|summary|export` (cli/trace_command.cc): creates or joins the `trace` group.
void RegisterTraceCommand(CLI::App& app, ExitSlot exit_code);
// `trace html` (cli/trace_html_command.cc): adds itself to the `trace` group,
// creating the group if no command registered it before.
void RegisterTraceHtmlCommand(CLI::App& app, ExitSlot exit_code);

// Prints "logact: <message>" to stderr and returns kExitBadInput (for bad
// input and usage) or the code that `status` maps to.
int ReportError(const Status& status);

}  // namespace logact::cli
