// Generators for property-based tests (issue 4, item 1): actions drawn from a
// tool schema (valid ones and labelled near misses), rule voter documents in
// the SPEC §6 condition language, decider policies of every SPEC §2 kind (and
// labelled malformed ones), fault plans (sim/fault_plan.h) and scenario cases
// (a built-in scenario, a seed and a fault plan).
//
// Like properties/trace_generator.h, every generator is a plain function of a
// Chooser (a source of bounded integers), so the same code serves RapidCheck
// (the rc::Gen wrappers at the end of this header, header-only so that only
// test binaries link RapidCheck; they shrink towards the chooser's `low`) and
// seeded loops (SeededChooser). Determinism: each result is a pure function of
// the chooser's answers and the arguments.
//
// Contracts the tests (tests/properties/generators_test.cc) prove:
//  - a kValid action passes ValidateAction(schemas, action); every near miss
//    fails it with kInvalidArgument and a message containing `expected_error`;
//  - a rule voter document parses with ParseVoterConfig;
//  - a valid decider policy parses with ParseDeciderPolicy and round-trips
//    through DeciderPolicy::ToJson; a malformed one is rejected;
//  - a fault plan's `source` parses (ParseFaultPlan) back to the same rates;
//  - a scenario case names a built-in scenario and its options validate.
//
// Link: generators.cc uses sim/fault_plan.h and sim/sim_options.h, so a binary
// that calls the fault or scenario generators links logact_sim as well.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/entry.h"
#include "core/json.h"
#include "core/safety_spec.h"
#include "properties/trace_generator.h"
#include "sim/fault_plan.h"
#include "sim/sim_options.h"

namespace logact::properties {

// ---------------------------------------------------------------- actions

// What a generated action is with respect to its schemas.
enum class ActionKind : uint8_t {
  kValid,            // passes ValidateAction
  kWrongType,        // one argument has a value of another JSON type
  kMissingRequired,  // one required argument is absent
  kUnknownArgument,  // one argument the tool does not declare
  kUnknownTool,      // a tool name absent from the schemas
};
inline constexpr ActionKind kAllActionKinds[] = {
    ActionKind::kValid, ActionKind::kWrongType, ActionKind::kMissingRequired,
    ActionKind::kUnknownArgument, ActionKind::kUnknownTool};
std::string_view ActionKindName(ActionKind kind);

// Values worth trying per argument name: the constants a spec or a rule
// compares against (eq/ne/in values, numeric bounds and their neighbours,
// prefix/suffix/contains completed to a full string). Without them a random
// string almost never hits `recipient eq "attacker"`. Sorted, deterministic.
struct ValuePool {
  std::map<std::string, std::vector<Json>> by_arg;
  // Adds the constants of one SPEC §6 condition (JSON form; unknown shapes are skipped).
  void AddCondition(const Json& condition);
  // Adds the forbidden and benign conditions of a safety spec's JSON source.
  void AddSpec(const Json& spec_source);
  // Adds the `when` conditions of a rule voter document.
  void AddVoter(const Json& voter_document);
};

struct GeneratedAction {
  Action action;
  ActionKind kind = ActionKind::kValid;
  // For a near miss: a substring of ValidateAction's error message (e.g.
  // "missing required argument 'amount'"); empty for a valid action.
  std::string expected_error;
};
std::ostream& operator<<(std::ostream& out, const GeneratedAction& action);

// An action of `kind` from `schemas`, with argument values drawn from `pool`
// half of the time. Returns nullopt if the schemas offer no such near miss
// (kMissingRequired needs a tool with a required argument, kWrongType one
// with an argument); kValid and kUnknownTool need a non-empty schema map for
// kValid. REQUIRES: for kValid, !schemas.empty().
std::optional<GeneratedAction> BuildAction(const Chooser& choose, const ToolSchemas& schemas,
                                           ActionKind kind, const ValuePool& pool = {});

// --------------------------------------------------------- voter policies

// A rule voter document {"voter","type","default","rules":[...]} whose
// conditions (depth <= 3) name the tools and arguments of `schemas` with
// operators fitting the argument types, plus text and regex conditions.
// REQUIRES: !schemas.empty().
Json BuildRuleVoter(const Chooser& choose, const ToolSchemas& schemas, const std::string& name,
                    const std::string& type, const ValuePool& pool = {});

// One condition of the language (as above), for condition-level tests.
Json BuildCondition(const Chooser& choose, const ToolSchemas& schemas, const ValuePool& pool,
                    int depth_max);

// -------------------------------------------------------- decider policies

// A valid policy.decider of a random kind among all six, with listed types
// drawn from `types` (no repeats), quorum k in [1, len], and timeout_ms on a
// third of them. REQUIRES: !types.empty().
Json BuildDeciderPolicy(const Chooser& choose, const std::vector<std::string>& types);

// A malformed policy.decider (unknown kind, empty or repeated types, k out of
// range, timeout_ms <= 0 or not an integer, missing types, not an object),
// with a label saying which. REQUIRES: !types.empty().
struct MalformedDecider {
  Json decider;
  std::string flaw;
};
MalformedDecider BuildMalformedDeciderPolicy(const Chooser& choose,
                                             const std::vector<std::string>& types);

// ------------------------------------------------------------ fault plans

// Every fault kind, in FaultKind order.
std::vector<sim::FaultKind> AllFaultKinds();

// A plan with a random subset (possibly empty) of `kinds`, each at a rate
// 1/d with d in [2, 200] (per-step kinds: [10, 400]), and the
// safety phase from 10 s to 120 s. Its `source` is the text form
// "kind=1/d,...,safety_phase_ms=N" (or "none"), which ParseFaultPlan maps
// back to the same plan, so the repro command is exact.
sim::FaultPlan BuildFaultPlan(const Chooser& choose, const std::vector<sim::FaultKind>& kinds);

// The text form of a plan's rates and phase (as above).
std::string FaultPlanText(const sim::FaultPlan& plan);

// -------------------------------------------------------------- scenarios

struct ScenarioCase {
  std::string scenario;  // a built-in scenario (models::AllScenarios)
  uint64_t seed = 0;
  sim::FaultPlan faults;
  // The simulator options of this case (defaults otherwise).
  sim::SimOptions ToSimOptions() const;
  // "logact sim --scenario S --seed N [--faults '...']".
  std::string ReproCommand() const;
};
std::ostream& operator<<(std::ostream& out, const ScenarioCase& scenario_case);

// A built-in scenario from `scenarios` (all built-in ones if empty), a seed
// below 2^32, and BuildFaultPlan(kinds).
ScenarioCase BuildScenarioCase(const Chooser& choose, const std::vector<sim::FaultKind>& kinds,
                               const std::vector<std::string>& scenarios = {});

}  // namespace logact::properties

#if __has_include(<rapidcheck.h>)
#include <rapidcheck.h>

namespace logact::properties {

inline rc::Gen<GeneratedAction> GenAction(ToolSchemas schemas, ActionKind kind,
                                          ValuePool pool = {}) {
  return rc::gen::exec([schemas = std::move(schemas), kind, pool = std::move(pool)] {
    std::optional<GeneratedAction> action = BuildAction(RapidCheckChooser(), schemas, kind, pool);
    if (!action.has_value()) throw rc::GenerationFailure("the schemas offer no such action");
    return *action;
  });
}

// Valid actions (half of the time) and near misses of every kind.
inline rc::Gen<GeneratedAction> GenAnyAction(ToolSchemas schemas, ValuePool pool = {}) {
  return rc::gen::exec([schemas = std::move(schemas), pool = std::move(pool)] {
    const Chooser choose = RapidCheckChooser();
    const int64_t pick = choose(0, 7);
    const ActionKind kind = pick < 4 ? ActionKind::kValid : kAllActionKinds[pick - 3];
    std::optional<GeneratedAction> action = BuildAction(choose, schemas, kind, pool);
    if (!action.has_value()) action = BuildAction(choose, schemas, ActionKind::kValid, pool);
    return *action;
  });
}

inline rc::Gen<Json> GenRuleVoter(ToolSchemas schemas, std::string name, std::string type,
                                  ValuePool pool = {}) {
  return rc::gen::exec([schemas = std::move(schemas), name = std::move(name),
                        type = std::move(type), pool = std::move(pool)] {
    return BuildRuleVoter(RapidCheckChooser(), schemas, name, type, pool);
  });
}

inline rc::Gen<Json> GenDeciderPolicy(std::vector<std::string> types) {
  return rc::gen::exec(
      [types = std::move(types)] { return BuildDeciderPolicy(RapidCheckChooser(), types); });
}

inline rc::Gen<sim::FaultPlan> GenFaultPlan(std::vector<sim::FaultKind> kinds) {
  return rc::gen::exec(
      [kinds = std::move(kinds)] { return BuildFaultPlan(RapidCheckChooser(), kinds); });
}

inline rc::Gen<ScenarioCase> GenScenarioCase(std::vector<sim::FaultKind> kinds,
                                             std::vector<std::string> scenarios = {}) {
  return rc::gen::exec([kinds = std::move(kinds), scenarios = std::move(scenarios)] {
    return BuildScenarioCase(RapidCheckChooser(), kinds, scenarios);
  });
}

}  // namespace logact::properties
#endif
