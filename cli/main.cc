// logact: the LogAct Sim command line. See cli/command.h and `logact --help`.
#include <iostream>

#include "cli/command.h"

int main(int argc, char** argv) {
  CLI::App app{"LogAct Sim: deterministic simulation and verification of LogAct agents"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  int exit_code = logact::cli::kExitOk;
  logact::cli::RegisterScenariosCommand(app, &exit_code);
  logact::cli::RegisterSimCommand(app, &exit_code);
  logact::cli::RegisterCheckCommand(app, &exit_code);
  logact::cli::RegisterReplayCommand(app, &exit_code);
  logact::cli::RegisterVotersCommand(app, &exit_code);
  logact::cli::RegisterVotersBenchCommand(app, &exit_code);
  logact::cli::RegisterSwarmCommand(app, &exit_code);
  logact::cli::RegisterShrinkCommand(app, &exit_code);
  logact::cli::RegisterTraceCommand(app, &exit_code);
  // After any command that creates the `trace` group (it joins the group, or creates it).
  logact::cli::RegisterTraceHtmlCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the usage error
    return logact::cli::kExitBadInput;
  }
  return exit_code;
}
