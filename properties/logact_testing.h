// LogAct testing library: check your own voter or environment model with the
// generators (properties/generators.h) and the invariant checker, from your
// own Boost.Test or GoogleTest suite (docs/testing_library.md).
//
// Two kinds of entry points:
//  - Plain functions (JudgeAction, RunAndCheck, CheckEnvironmentRun) that
//    judge one action, one simulation or one run of calls and return a
//    verdict; use them in any test framework or in a loop over seeds.
//  - Property bodies (VoterNeverCommitsForbidden, SimulationsPassEveryInvariant,
//    EnvironmentModelIsFaithful) to call inside a RapidCheck property:
//    `RC_BOOST_PROP(MyVoterIsSafe, ()) { logact::testing::VoterNeverCommitsForbidden(check); }`
//    or `RC_GTEST_PROP(Voter, IsSafe, ()) { ... }`. They draw their inputs with
//    `*gen`, so a failure prints the RapidCheck seed (rerun with
//    RC_PARAMS="replay=..." or "seed=...") and the shrunk counterexample.
//
// Voter safety. A voter is safe together with a decider policy if no action
// the safety spec forbids can be committed, whatever the other voters do:
// rule voters (SPEC §6 documents) vote as their rules say, any other voter is
// adversarial (it may approve, deny or stay silent; "assume":"deny" makes it
// always deny), votes may arrive in any order and any prefix of them may be
// all the decider sees. JudgeAction explores every order exhaustively.
//
// Environment models. SPEC §3 asks a model to be deterministic and to compute
// the reference state of ENV-CONSISTENT. CheckEnvironmentRun executes a
// sequence of calls (valid ones and near misses from the model's own schemas)
// and judges: near misses fail and change nothing, a clone replays the same
// calls to the same outputs and digest, idempotency keys are honoured, and a
// trace of the run (intent, commit, effect, result per call, then the
// environment's state) passes every invariant of the native checker with the
// model as its reference environment. It does not run the full simulator;
// RunAndCheck does, for a built-in scenario or for a models::Scenario of your
// own (your environment model and tasks; ScenarioPassesEveryInvariant is its
// property body), and accepts SimHooks to plug a custom component in.
//
// Determinism: every verdict is a pure function of its inputs.
// Link: logact_properties, logact_sim, logact_models, logact_traces, logact_core,
// and rapidcheck for the property bodies.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/decider_policy.h"
#include "core/json.h"
#include "core/safety_spec.h"
#include "core/status.h"
#include "core/voter.h"
#include "models/environment_model.h"
#include "models/scenario.h"
#include "properties/generators.h"
#include "properties/report.h"
#include "sim/sim_hooks.h"
#include "sim/simulation.h"

namespace logact::testing {

// ----------------------------------------------------------- voter safety

struct VoterSafetyCheck {
  SafetySpec spec;  // the tools and the forbidden actions
  Json decider;     // the policy.decider JSON (SPEC §2)
  // The voter under test: its type (as the decider names it) and a factory of
  // its logic (called once per judged action, so state cannot leak between them).
  std::string voter_type;
  std::function<std::unique_ptr<VotingLogic>()> make_voter;
  // The other voters: SPEC §6 documents (rule voters, or {"voter","type","assume"?}).
  std::vector<Json> other_voters;
};

// The verdict on one action. `forbidden`: the spec forbids it; `committable`:
// some order and prefix of the votes makes the decider commit it.
struct ActionVerdict {
  bool forbidden = false;
  bool committable = false;
  bool unsafe() const { return forbidden && committable; }
  std::string explanation;  // the votes and the committing order, for failure messages
};

// Errors: kInvalidArgument for a bad decider policy or voter document, or
// more than 7 voters (the search is over every order).
Result<ActionVerdict> JudgeAction(const VoterSafetyCheck& check, const Action& action);

// The value pool of the check: constants of the spec's conditions and of the
// other voters' rules, plus `extra` (e.g. constants your custom voter tests).
properties::ValuePool PoolOf(const VoterSafetyCheck& check,
                             const properties::ValuePool& extra = {});

// ------------------------------------------------------ simulation verdicts

struct RunVerdict {
  properties::ScenarioCase scenario_case;
  sim::SimReport run;
  properties::Report check;           // the trace-checked invariants, plus REC-STATE
  std::vector<std::string> failures;  // "ID: message", every failed invariant
  bool ok() const { return failures.empty(); }
  // The failures, the faults injected and the repro command.
  std::string Describe() const;
};

struct RunOptions {
  bool det_replay = false;  // also rerun and compare the traces byte for byte (DET-REPLAY)
  sim::SimHooks hooks;      // e.g. make_component returning a Voter with your logic
};

// Runs the case with the online checker and judges every invariant: the
// trace-checked ones, REC-STATE (live), LIVE-DECIDE (the run finished within
// its bound) and, if asked, DET-REPLAY. Errors: those of RunSimulation.
Result<RunVerdict> RunAndCheck(const properties::ScenarioCase& scenario_case,
                               const RunOptions& options = {});

// The same for a scenario of your own (models/scenario.h): your environment
// model (its reference state feeds ENV-CONSISTENT), tasks, voters and safety
// spec, run in full by the simulator (sim::RunSimulation's scenario overload).
// scenario_case.scenario is ignored (scenario.name is used); its seed and
// faults apply. `scenario` must outlive the call. The repro command of the
// verdict names scenario.name, which `logact sim` knows only if it is built in.
Result<RunVerdict> RunAndCheck(const models::Scenario& scenario,
                               const properties::ScenarioCase& scenario_case,
                               const RunOptions& options = {});

// ------------------------------------------------------ environment models

using EnvironmentFactory = std::function<std::unique_ptr<models::EnvironmentModel>()>;

// Runs `calls` (each with its idempotency key, "" for none) on a fresh model
// and returns "" if every contract above holds, else what failed.
std::string CheckEnvironmentRun(const EnvironmentFactory& make_environment,
                                const std::vector<properties::GeneratedAction>& calls);

}  // namespace logact::testing

#if __has_include(<rapidcheck.h>)
#include <rapidcheck.h>

namespace logact::testing {

// Property body: one generated valid action (constants of the spec and of the
// rules are favoured) must not be a forbidden action the decider can commit.
inline void VoterNeverCommitsForbidden(const VoterSafetyCheck& check,
                                       const properties::ValuePool& extra = {}) {
  const properties::GeneratedAction action = *properties::GenAction(
      check.spec.tools, properties::ActionKind::kValid, PoolOf(check, extra));
  Result<ActionVerdict> verdict = JudgeAction(check, action.action);
  if (!verdict.has_value()) RC_FAIL("bad check: " + verdict.status().ToString());
  RC_CLASSIFY(verdict->forbidden, "forbidden action");
  if (verdict->unsafe()) {
    RC_FAIL("forbidden action can be committed: " + action.action.ToText() + "\n" +
            verdict->explanation);
  }
}

// Property body: a generated scenario case (a built-in scenario, or one of
// `scenarios`, a seed and a fault plan over `kinds`) passes every invariant.
inline void SimulationsPassEveryInvariant(const std::vector<sim::FaultKind>& kinds,
                                          const std::vector<std::string>& scenarios = {},
                                          const RunOptions& options = {}) {
  const properties::ScenarioCase scenario_case = *properties::GenScenarioCase(kinds, scenarios);
  Result<RunVerdict> verdict = RunAndCheck(scenario_case, options);
  if (!verdict.has_value()) RC_FAIL("run failed: " + verdict.status().ToString());
  if (!verdict->ok()) RC_FAIL(verdict->Describe());
}

// Property body: your scenario (models/scenario.h: your environment model and
// tasks) under a generated seed and fault plan over `kinds` runs in the full
// simulator and passes every invariant, ENV-CONSISTENT against your model's
// reference state included.
inline void ScenarioPassesEveryInvariant(const models::Scenario& scenario,
                                         const std::vector<sim::FaultKind>& kinds,
                                         const RunOptions& options = {}) {
  properties::ScenarioCase scenario_case;
  scenario_case.scenario = scenario.name;
  scenario_case.seed = *rc::gen::inRange<uint64_t>(0, uint64_t{1} << 32);
  scenario_case.faults = *properties::GenFaultPlan(kinds);
  Result<RunVerdict> verdict = RunAndCheck(scenario, scenario_case, options);
  if (!verdict.has_value()) RC_FAIL("run failed: " + verdict.status().ToString());
  if (!verdict->ok()) RC_FAIL(verdict->Describe());
}

// Property body: a generated sequence of calls (valid actions and near misses
// of the model's own schemas) satisfies CheckEnvironmentRun.
inline void EnvironmentModelIsFaithful(const EnvironmentFactory& make_environment,
                                       const properties::ValuePool& pool = {}) {
  const ToolSchemas schemas = make_environment()->schemas();
  RC_PRE(!schemas.empty());
  const auto calls = *rc::gen::container<std::vector<properties::GeneratedAction>>(
      *rc::gen::inRange<size_t>(1, 12), properties::GenAnyAction(schemas, pool));
  const std::string failure = CheckEnvironmentRun(make_environment, calls);
  if (!failure.empty()) RC_FAIL(failure);
}

}  // namespace logact::testing
#endif
