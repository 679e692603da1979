// `logact scenarios`: lists the built-in scenarios.
#include <iostream>

#include "cli/command.h"
#include "core/json.h"
#include "models/scenario.h"

namespace logact::cli {

void RegisterScenariosCommand(CLI::App& app, ExitSlot exit_code) {
  auto* cmd = app.add_subcommand("scenarios", "List the built-in scenarios");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print one JSON object");
  cmd->callback([json, exit_code] {
    const auto& all = models::AllScenarios();
    if (*json) {
      Json out = Json::array();
      for (const auto& s : all) {
        out.push_back({{"name", s.name},
                       {"environment", s.environment},
                       {"attack", s.attack},
                       {"description", s.description},
                       {"decider", s.initial_policy.value("decider", Json())}});
      }
      std::cout << Json{{"scenarios", out}}.dump(2) << "\n";
    } else {
      for (const auto& s : all) {
        std::cout << s.name << "\t" << s.environment << "\t" << s.description << "\n";
      }
    }
    *exit_code = kExitOk;
  });
}

}  // namespace logact::cli
