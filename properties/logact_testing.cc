// The plain functions of the testing library (see properties/logact_testing.h).
#include "properties/logact_testing.h"

#include <algorithm>

#include "core/assert.h"
#include "core/voter_config.h"
#include "properties/checker.h"
#include "properties/invariant_ids.h"
#include "properties/scenario_options.h"
#include "traces/trace_writer.h"

namespace logact::testing {
namespace {

// The search over vote orders is exhaustive: 7 voters with two possible votes
// each is at most 7! * 2^7 ~ 645k sequences, well under a second.
constexpr size_t kJudgedVotersMax = 7;

// One voter's possible votes on the judged action.
struct PossibleVotes {
  std::string name;
  std::string type;
  std::vector<bool> votes;  // one element if determined, {true, false} if unknown
};

// Depth-first over every order of the remaining voters and each of their
// possible votes; true (with the committing sequence in *path) if some
// prefix makes the policy commit.
bool CanCommit(const DeciderPolicy& policy, const std::vector<PossibleVotes>& voters,
               std::vector<bool>* used, VoteTally tally, std::vector<std::string>* path) {
  for (size_t i = 0; i < voters.size(); ++i) {
    if ((*used)[i]) continue;
    for (const bool approve : voters[i].votes) {
      VoteTally next = tally;
      const bool counted = next.Add(policy, voters[i].type, approve);
      path->push_back(voters[i].name + "(" + voters[i].type +
                      ")=" + (approve ? "approve" : "deny"));
      const Verdict verdict = counted ? Evaluate(policy, next.votes()) : Verdict::kUndecided;
      if (verdict == Verdict::kCommit) return true;
      if (verdict == Verdict::kUndecided) {
        (*used)[i] = true;
        if (CanCommit(policy, voters, used, next, path)) return true;
        (*used)[i] = false;
      }
      path->pop_back();
    }
  }
  return false;
}

void AddCheckFailures(const properties::Report& report, std::vector<std::string>* failures) {
  for (const properties::Violation& violation : report.violations) {
    std::string lines;
    for (const int64_t line : violation.lines) lines += " " + std::to_string(line);
    failures->push_back(violation.invariant + ": " + violation.message + " (lines" + lines + ")");
  }
}

}  // namespace

Result<ActionVerdict> JudgeAction(const VoterSafetyCheck& check, const Action& action) {
  LOGACT_ASSIGN_OR_RETURN(const DeciderPolicy policy, ParseDeciderPolicy(check.decider));
  if (check.other_voters.size() + 1 > kJudgedVotersMax) {
    return InvalidArgumentError("at most " + std::to_string(kJudgedVotersMax) + " voters");
  }
  if (!check.make_voter) return InvalidArgumentError("make_voter: missing");
  std::vector<PossibleVotes> voters;
  const VoteDecision mine = check.make_voter()->Judge(1, IntentPayload{action, "agent", 0});
  voters.push_back({"under-test", check.voter_type, {mine.approve}});
  for (size_t i = 0; i < check.other_voters.size(); ++i) {
    LOGACT_ASSIGN_OR_RETURN(
        const VoterConfig config,
        ParseVoterConfig(check.other_voters[i], "other_voters[" + std::to_string(i) + "]"));
    PossibleVotes possible{config.name, config.type, {true, false}};
    if (config.is_rule_voter) {
      possible.votes = {EvaluateRules(config, action).approve};
    } else if (config.assume == Assumption::kAllow) {
      possible.votes = {true};
    } else if (config.assume == Assumption::kDeny) {
      possible.votes = {false};
    }
    voters.push_back(std::move(possible));
  }
  ActionVerdict verdict;
  verdict.forbidden = IsForbidden(check.spec, action);
  std::vector<std::string> path;
  if (Evaluate(policy, {}) == Verdict::kCommit) {
    verdict.committable = true;  // on_by_default: committed before any vote
  } else {
    std::vector<bool> used(voters.size(), false);
    verdict.committable = CanCommit(policy, voters, &used, VoteTally(), &path);
  }
  verdict.explanation = "under-test voted " + std::string(mine.approve ? "approve" : "deny") +
                        " (" + mine.reason + "); decider " + check.decider.dump() + "; ";
  if (!verdict.committable) {
    verdict.explanation += "no order of votes commits";
  } else {
    verdict.explanation += "committed after votes:";
    for (const std::string& vote : path) verdict.explanation += " " + vote;
    if (path.empty()) verdict.explanation += " (none)";
  }
  return verdict;
}

properties::ValuePool PoolOf(const VoterSafetyCheck& check, const properties::ValuePool& extra) {
  properties::ValuePool pool = extra;
  pool.AddSpec(check.spec.source);
  for (const Json& voter : check.other_voters) pool.AddVoter(voter);
  return pool;
}

std::string RunVerdict::Describe() const {
  std::string text = ok() ? "every invariant holds" : "invariants failed:";
  for (const std::string& failure : failures) text += "\n  " + failure;
  text += "\n  faults injected:";
  for (const auto& [kind, count] : run.faults_injected) {
    text += " " + kind + "=" + std::to_string(count);
  }
  text += "\n  reproduce with: " + scenario_case.ReproCommand();
  return text;
}

Result<RunVerdict> RunAndCheck(const properties::ScenarioCase& scenario_case,
                               const RunOptions& options) {
  const models::Scenario* scenario = models::FindScenario(scenario_case.scenario);
  if (scenario == nullptr) {
    return NotFoundError("unknown scenario '" + scenario_case.scenario + "'");
  }
  return RunAndCheck(*scenario, scenario_case, options);
}

Result<RunVerdict> RunAndCheck(const models::Scenario& scenario,
                               const properties::ScenarioCase& scenario_case,
                               const RunOptions& options) {
  sim::SimOptions sim_options = scenario_case.ToSimOptions();
  sim_options.scenario = scenario.name;
  RunVerdict verdict;
  verdict.scenario_case = scenario_case;
  verdict.scenario_case.scenario = scenario.name;
  properties::InvariantChecker checker(properties::ScenarioCheckOptions(scenario, nullptr));
  traces::TraceWriter writer;
  std::vector<traces::TraceSink*> sinks = {&checker};
  if (options.det_replay) sinks.push_back(&writer);
  LOGACT_ASSIGN_OR_RETURN(verdict.run,
                          sim::RunSimulation(sim_options, scenario, sinks, options.hooks));
  verdict.check = checker.Finish();
  AddCheckFailures(verdict.check, &verdict.failures);
  for (const std::string& failure : verdict.run.rec_state_failures) {
    verdict.failures.push_back(std::string(properties::kRecState) + ": " + failure);
  }
  if (!verdict.run.finished) {
    verdict.failures.push_back(std::string(properties::kLiveDecide) +
                               ": the run did not finish: " + verdict.run.liveness_failure);
  } else if (!verdict.run.within_liveness_bound) {
    verdict.failures.push_back(std::string(properties::kLiveDecide) +
                               ": the task finished beyond the scenario's liveness bound");
  }
  if (options.det_replay) {
    traces::TraceWriter again;
    LOGACT_TRY(sim::RunSimulation(sim_options, scenario, {&again}, options.hooks).status());
    if (again.text() != writer.text()) {
      verdict.failures.push_back(std::string(properties::kDetReplay) +
                                 ": rerunning the seed produced a different trace");
    }
  }
  return verdict;
}

namespace {

// Executes one call; "" or what broke the model's contract.
std::string ExecuteChecked(models::EnvironmentModel* model, const properties::GeneratedAction& call,
                           const std::string& key, ToolOutcome* outcome) {
  const std::string before = model->StateDigest();
  Result<ToolOutcome> result = model->Execute(ToolCall{&call.action, 1, key});
  if (!result.has_value()) {
    return "Execute returned an error (a model must report failures as outcomes): " +
           result.status().ToString();
  }
  *outcome = *result;
  if (call.kind != properties::ActionKind::kValid) {
    if (outcome->ok) return "a " + std::string(ActionKindName(call.kind)) + " call succeeded";
    if (model->StateDigest() != before) return "a rejected call changed the state";
  }
  return "";
}

// The trace of the calls as an engine would record them, checked with the
// model as the reference environment of ENV-CONSISTENT.
std::string CheckTraceOfRun(const EnvironmentFactory& make_environment,
                            const std::vector<properties::GeneratedAction>& calls,
                            const std::string& final_digest) {
  properties::CheckOptions options;
  options.make_environment = make_environment;
  properties::InvariantChecker checker(options);
  Position pos = 0;
  int64_t ts = 0;
  auto append = [&](Entry entry) {
    entry.pos = pos++;
    entry.ts = ++ts;
    checker.OnRecord(entry);
  };
  for (const properties::GeneratedAction& call : calls) {
    const Position intent = pos;
    append(MakeIntent("driver/agent", call.action, "agent", 0));
    append(MakeDecision(EntryType::kCommit, "decider/d0", {intent, "test", false}));
    checker.OnRecord(traces::EffectRecord{++ts, intent, "executor/x0", call.action, Json()});
    append(MakeResult("executor/x0", {intent, true, "", false}));
  }
  checker.OnRecord(traces::StateRecord{++ts, "env", pos, final_digest, Json()});
  const properties::Report report = checker.Finish();
  if (!report.ok()) return "the invariant checker failed on the run: " + report.ToJson().dump();
  const auto& checked = report.checked;
  if (std::find(checked.begin(), checked.end(), std::string(properties::kEnvConsistent)) ==
      checked.end()) {
    return "ENV-CONSISTENT was not judged";
  }
  return "";
}

}  // namespace

std::string CheckEnvironmentRun(const EnvironmentFactory& make_environment,
                                const std::vector<properties::GeneratedAction>& calls) {
  std::unique_ptr<models::EnvironmentModel> model = make_environment();
  std::unique_ptr<models::EnvironmentModel> replica = make_environment();
  std::unique_ptr<models::EnvironmentModel> clone;
  const size_t clone_at = calls.size() / 2;
  for (size_t i = 0; i < calls.size(); ++i) {
    const properties::GeneratedAction& call = calls[i];
    if (i == clone_at) {
      clone = model->Clone();
      if (clone->StateDigest() != model->StateDigest()) return "a clone has another digest";
    }
    const auto tool = model->schemas().find(call.action.tool);
    const bool keyed = tool != model->schemas().end() && tool->second.idempotent &&
                       call.kind == properties::ActionKind::kValid;
    const std::string key = keyed ? "key-" + std::to_string(i) : "";
    ToolOutcome outcome;
    ToolOutcome again;
    std::string failure = ExecuteChecked(model.get(), call, key, &outcome);
    if (failure.empty()) failure = ExecuteChecked(replica.get(), call, key, &again);
    if (failure.empty() && clone != nullptr) {
      ToolOutcome cloned;
      failure = ExecuteChecked(clone.get(), call, key, &cloned);
      if (failure.empty() && cloned.output != outcome.output)
        failure = "a clone answered otherwise";
    }
    if (failure.empty() && (again.ok != outcome.ok || again.output != outcome.output)) {
      failure = "two fresh models answered the same call differently";
    }
    if (failure.empty() && keyed && outcome.ok) {
      const std::string digest = model->StateDigest();
      ToolOutcome retry;
      failure = ExecuteChecked(model.get(), call, key, &retry);
      if (failure.empty() && (model->StateDigest() != digest || retry.output != outcome.output)) {
        failure = "a retry with the same idempotency key was applied again";
      }
    }
    if (!failure.empty())
      return "call " + std::to_string(i) + " (" + call.action.ToText() + "): " + failure;
  }
  if (replica->StateDigest() != model->StateDigest()) return "two fresh models diverged";
  if (clone != nullptr && clone->StateDigest() != model->StateDigest()) {
    return "a clone fed the same calls diverged";
  }
  return CheckTraceOfRun(make_environment, calls, model->StateDigest());
}

}  // namespace logact::testing
