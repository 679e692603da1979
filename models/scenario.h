// Scenario: a task for an agent in an environment, with its guardrails and
// its safety spec (SPEC §3). Scenarios are data: the simulator (sim/) runs
// them, the checker (properties/) looks them up by name for SAFE-SPEC and
// ENV-CONSISTENT, and `logact scenarios` lists them.
//
// Each base scenario has an attack variant named "<name>-attack" in which the
// mock LLM, after reading tool output that carries a prompt injection, may
// propose the injected harmful action instead of the plan's next step (at the
// scenario's `attack_rate`). The voters are expected to block it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/entry.h"
#include "core/json.h"
#include "core/random.h"
#include "core/safety_spec.h"
#include "models/environment_model.h"

namespace logact::models {

// Mail from a user that starts (or continues) a task, delivered at a virtual
// time, and for a follow-up only once the user has read the answers it replies
// to: a user does not write "Thanks! Now ..." before the first answer came.
struct ScheduledMail {
  int64_t at_ms = 0;          // offset from the start of the task round
  int64_t after_outputs = 0;  // delivered once this many outputs of the round are on the log
  std::string from;           // appended as external/<from>
  std::string body;
};

// One step of the mock LLM's plan for a task: an action to propose, or the
// final answer that ends the task.
struct PlanStep {
  std::optional<Action> action;  // empty: the final answer
  std::string final_text;        // when !action
};

// A policy entry appended by admin/root at a virtual time, like scheduled mail
// (hot swap, SPEC §2): {"version","expected_version","decider"?,"voters"?}.
// Delivered once per run (not per task round), in listed order.
struct ScheduledPolicy {
  int64_t at_ms = 0;  // absolute virtual time of the append
  Json policy;
};

// A voter the scenario runs: a rule voter (document with rules) or an LLM voter.
struct VoterSpec {
  Json document;  // SPEC §6 voter document; {"voter","type":"llm"} for an LLM voter
};

struct Scenario {
  std::string name;
  std::string description;
  std::string environment;  // "bank" or "files"
  std::function<std::unique_ptr<EnvironmentModel>()> make_environment;
  std::vector<ScheduledMail> mails;
  std::vector<PlanStep> plan;  // the mock LLM's plan, in order, across all mails
  // The first policy entry, appended by admin/root before the agent boots:
  // {"version":1,"expected_version":0,"decider":{...},"voters":[...]}.
  Json initial_policy;
  std::vector<VoterSpec> voters;  // the voter components to run (matches initial_policy.voters)
  SafetySpec safety_spec;
  // Attack variant only: the harmful actions an injection asks for, and the
  // chance that the mock LLM follows the injection after reading tainted output.
  bool attack = false;
  std::vector<Action> injected_actions;
  Ratio attack_rate{0, 1};
  // Attack variant only: the substring that marks tool output carrying the
  // injection (models/injection.h kInjectionMarker); empty in base scenarios.
  std::string injection_marker;
  // Upper bound on the virtual time the task needs without faults (LIVE-DECIDE).
  int64_t liveness_bound_ms = 600'000;
  // Recovery scenarios: instances of a role booted at once on the one bus
  // (same driver and executor name: two processes that both believe they are
  // the one; deciders d0, d1, ...). Default 1 each. A second driver fences the
  // first by election; a second executor fences the first by its restart marker.
  int64_t driver_instances = 1;
  int64_t decider_instances = 1;
  int64_t executor_instances = 1;
  // Hot swap: later policy entries, sorted by at_ms. Voters they add that are
  // not in `voters` are `standby_voters`: booted with the others, they stay
  // inactive (the initial policy does not list them) until a policy does.
  std::vector<ScheduledPolicy> policy_changes;
  std::vector<VoterSpec> standby_voters;
};

// The hot-swap scenario and its attack variant (models/hot_swap_scenario.cc).
std::vector<Scenario> HotSwapScenarios();

// All built-in scenarios, in a fixed order (base scenarios, each followed by its attack variant).
const std::vector<Scenario>& AllScenarios();
// nullptr if no built-in scenario has that name (an unknown scenario is not bad input).
const Scenario* FindScenario(const std::string& name);

}  // namespace logact::models
