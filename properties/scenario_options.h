// Check options from the built-in scenarios (models/scenario.h): the trace
// header names the scenario; its safety spec feeds SAFE-SPEC and its
// environment ENV-CONSISTENT. An unknown or null scenario is not bad input
// (SPEC §7): both invariants are then not applicable, unless `check --spec`
// supplies a safety spec, which makes SAFE-SPEC applicable.
//
// Thread-safety: the scenarios are immutable after first use.
#pragma once

#include "core/safety_spec.h"
#include "models/scenario.h"
#include "properties/check_trace.h"
#include "properties/checker.h"
#include "traces/trace_record.h"

namespace logact::properties {

// Options for the scenario `header.scenario` names. `spec_override` (from
// --spec), if non-null, replaces the scenario's safety spec.
// REQUIRES: *spec_override outlives every checker built from the result.
CheckOptions ScenarioCheckOptions(const traces::TraceHeader& header,
                                  const SafetySpec* spec_override);

// Options for `scenario` itself (a built-in one or a user's, models/scenario.h).
// REQUIRES: scenario (and *spec_override) outlive every checker built from the result.
CheckOptions ScenarioCheckOptions(const models::Scenario& scenario,
                                  const SafetySpec* spec_override);

// ScenarioCheckOptions as an OptionsForHeader for CheckTrace/CheckTraceFile.
OptionsForHeader BuiltinScenarioOptions(const SafetySpec* spec_override);

}  // namespace logact::properties
