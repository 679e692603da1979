#include "properties/scenario_options.h"

#include "models/scenario.h"

namespace logact::properties {

CheckOptions ScenarioCheckOptions(const traces::TraceHeader& header,
                                  const SafetySpec* spec_override) {
  CheckOptions options;
  options.spec = spec_override;
  if (!header.scenario.has_value()) return options;
  const models::Scenario* scenario = models::FindScenario(*header.scenario);
  if (scenario == nullptr) return options;  // unknown: not bad input
  // Built-in scenarios live for the whole program, so the pointer stays valid.
  return ScenarioCheckOptions(*scenario, spec_override);
}

CheckOptions ScenarioCheckOptions(const models::Scenario& scenario,
                                  const SafetySpec* spec_override) {
  CheckOptions options;
  options.spec = spec_override != nullptr ? spec_override : &scenario.safety_spec;
  options.make_environment = scenario.make_environment;
  for (const auto* voters : {&scenario.voters, &scenario.standby_voters}) {
    for (const models::VoterSpec& spec : *voters) {
      if (spec.document.contains("voter") && spec.document["voter"].is_string()) {
        options.voter_documents[spec.document["voter"].get<std::string>()] = spec.document;
      }
    }
  }
  return options;
}

OptionsForHeader BuiltinScenarioOptions(const SafetySpec* spec_override) {
  return [spec_override](const traces::TraceHeader& header) {
    return ScenarioCheckOptions(header, spec_override);
  };
}

}  // namespace logact::properties
