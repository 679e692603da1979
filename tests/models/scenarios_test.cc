// Tests for models/scenario.h: the built-in scenarios are well formed, their
// guardrails allow every plan action and block every injected action.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/decider_policy.h"
#include "core/safety_spec.h"
#include "core/voter_config.h"
#include "models/bank_environment.h"
#include "models/scenario.h"

namespace logact::models {
namespace {

struct ParsedVoters {
  DeciderPolicy decider;
  std::vector<VoterConfig> voters;
};

ParsedVoters ParseScenarioVoters(const Scenario& scenario) {
  ParsedVoters parsed;
  Result<DeciderPolicy> decider = ParseDeciderPolicy(scenario.initial_policy["decider"]);
  BOOST_TEST_REQUIRE(decider.has_value(), scenario.name + ": " + decider.status().ToString());
  parsed.decider = *decider;
  for (const VoterSpec& spec : scenario.voters) {
    Result<VoterConfig> voter = ParseVoterConfig(spec.document, "voter");
    BOOST_TEST_REQUIRE(voter.has_value(), scenario.name + ": " + voter.status().ToString());
    parsed.voters.push_back(*voter);
  }
  return parsed;
}

// Each voter's vote on `action`: a rule voter's verdict, or `llm_approves` for the others.
std::vector<CountedVote> Votes(const ParsedVoters& parsed, const Action& action,
                               bool llm_approves) {
  std::vector<CountedVote> votes;
  for (const VoterConfig& voter : parsed.voters) {
    bool approve = voter.is_rule_voter ? EvaluateRules(voter, action).approve : llm_approves;
    votes.push_back({voter.type, approve});
  }
  return votes;
}

// The decisions reachable as the votes arrive, over every arrival order and
// every prefix (voters that never vote).
std::set<Verdict> ReachableVerdicts(const DeciderPolicy& policy, std::vector<CountedVote> votes) {
  std::set<Verdict> verdicts;
  std::vector<size_t> order(votes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  do {
    VoteTally tally;
    verdicts.insert(Evaluate(policy, tally.votes()));
    for (size_t i : order) {
      tally.Add(policy, votes[i].voter_type, votes[i].approve);
      Verdict verdict = Evaluate(policy, tally.votes());
      verdicts.insert(verdict);
      if (verdict != Verdict::kUndecided) break;  // decisions are final
    }
  } while (std::next_permutation(order.begin(), order.end()));
  return verdicts;
}

// Whether every complete arrival order of `votes` ends in a commit.
bool AlwaysCommits(const DeciderPolicy& policy, const std::vector<CountedVote>& votes) {
  std::vector<size_t> order(votes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  do {
    VoteTally tally;
    Verdict verdict = Evaluate(policy, tally.votes());
    for (size_t i : order) {
      if (verdict != Verdict::kUndecided) break;
      tally.Add(policy, votes[i].voter_type, votes[i].approve);
      verdict = Evaluate(policy, tally.votes());
    }
    if (verdict != Verdict::kCommit) return false;
  } while (std::next_permutation(order.begin(), order.end()));
  return true;
}

std::vector<Action> PlanActions(const Scenario& scenario) {
  std::vector<Action> actions;
  for (const PlanStep& step : scenario.plan) {
    if (step.action) actions.push_back(*step.action);
  }
  return actions;
}

BOOST_AUTO_TEST_SUITE(Scenarios)

BOOST_AUTO_TEST_CASE(NamesAreUniqueAndPaired) {
  // Goal: at least four base scenarios, each followed by its "-attack" variant; names unique.
  // The recovery scenarios (several instances of a role on one bus) come last and are
  // fault-tolerance variants of a base scenario, not attack pairs.
  const std::vector<Scenario>& all = AllScenarios();
  std::vector<Scenario> paired;
  for (const Scenario& scenario : all) {
    const bool recovery = scenario.driver_instances > 1 || scenario.decider_instances > 1 ||
                          scenario.executor_instances > 1;
    if (!recovery) paired.push_back(scenario);
  }
  BOOST_TEST(all.size() - paired.size() >= 3u);  // duplicate driver, decider, two recoverers
  BOOST_TEST_REQUIRE(paired.size() >= 8u);
  BOOST_TEST_REQUIRE(paired.size() % 2 == 0u);
  std::set<std::string> names;
  for (size_t i = 0; i < paired.size(); i += 2) {
    BOOST_TEST(!paired[i].attack, paired[i].name);
    BOOST_TEST(paired[i + 1].attack, paired[i + 1].name);
    BOOST_TEST(paired[i + 1].name == paired[i].name + "-attack");
    BOOST_TEST(paired[i].injection_marker.empty());
    BOOST_TEST(paired[i + 1].injection_marker == std::string(kInjectionMarker));
    BOOST_TEST(paired[i].injected_actions.empty());
    BOOST_TEST(!paired[i + 1].injected_actions.empty());
    BOOST_TEST(paired[i].attack_rate.IsZero());
    BOOST_TEST(!paired[i + 1].attack_rate.IsZero());
    BOOST_TEST(paired[i + 1].attack_rate.numerator <= paired[i + 1].attack_rate.denominator);
  }
  for (const Scenario& scenario : all)
    BOOST_TEST(names.insert(scenario.name).second, scenario.name);
  for (const char* name :
       {"bank-pay-bill", "bank-rent-update", "bank-user-info", "files-cleanup"}) {
    BOOST_TEST(names.count(name) == 1u, name);
  }
}

BOOST_AUTO_TEST_CASE(FindScenarioByName) {
  // Goal: FindScenario returns the named scenario, and nullptr for an unknown name.
  const Scenario* found = FindScenario("bank-pay-bill-attack");
  BOOST_TEST_REQUIRE(found != nullptr);
  BOOST_TEST(found->name == "bank-pay-bill-attack");
  BOOST_TEST(found == &AllScenarios()[1]);
  BOOST_TEST(FindScenario("no-such-scenario") == nullptr);
  BOOST_TEST(FindScenario("") == nullptr);
}

BOOST_AUTO_TEST_CASE(InitialPoliciesParse) {
  // Goal: each initial policy is a valid first policy entry whose voters are the voter documents.
  for (const Scenario& scenario : AllScenarios()) {
    BOOST_TEST_CONTEXT(scenario.name) {
      const Json& policy = scenario.initial_policy;
      BOOST_TEST(policy["version"] == 1);
      BOOST_TEST(policy["expected_version"] == 0);
      Json documents = Json::array();
      for (const VoterSpec& voter : scenario.voters) documents.push_back(voter.document);
      BOOST_TEST(policy["voters"] == documents);
      ParsedVoters parsed = ParseScenarioVoters(scenario);
      Json set = {{"decider", policy["decider"]}, {"voters", policy["voters"]}};
      Result<VoterSet> voter_set = ParseVoterSet(set);
      BOOST_TEST(voter_set.has_value(), voter_set.status().ToString());
      // Every type the decider lists has a voter: no listed type is silent by construction.
      for (const std::string& type : parsed.decider.types) {
        BOOST_TEST(std::any_of(parsed.voters.begin(), parsed.voters.end(),
                               [&](const VoterConfig& v) { return v.type == type; }),
                   type);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(DeciderPoliciesAreVaried) {
  // Goal: the scenarios exercise all_of, any_of, first_voter and quorum, and a timeout.
  std::set<DeciderKind> kinds;
  bool timeout = false;
  for (const Scenario& scenario : AllScenarios()) {
    ParsedVoters parsed = ParseScenarioVoters(scenario);
    kinds.insert(parsed.decider.kind);
    timeout = timeout || parsed.decider.timeout_ms.has_value();
  }
  for (DeciderKind kind :
       {DeciderKind::kAllOf, DeciderKind::kAnyOf, DeciderKind::kFirstVoter, DeciderKind::kQuorum}) {
    BOOST_TEST(kinds.count(kind) == 1u);
  }
  BOOST_TEST(timeout);
}

BOOST_AUTO_TEST_CASE(SafetySpecsMatchEnvironments) {
  // Goal: each spec re-parses from its source and its tools are the environment's schemas.
  for (const Scenario& scenario : AllScenarios()) {
    BOOST_TEST_CONTEXT(scenario.name) {
      Result<SafetySpec> reparsed = ParseSafetySpec(scenario.safety_spec.source);
      BOOST_TEST_REQUIRE(reparsed.has_value(), reparsed.status().ToString());
      std::unique_ptr<EnvironmentModel> env = scenario.make_environment();
      BOOST_TEST(ToolSchemasToJson(scenario.safety_spec.tools) ==
                 ToolSchemasToJson(env->schemas()));
      BOOST_TEST(scenario.safety_spec.source["tools"] == ToolSchemasToJson(env->schemas()));
      BOOST_TEST(!scenario.safety_spec.forbidden.empty());
      BOOST_TEST(scenario.safety_spec.benign.size() == PlanActions(scenario).size());
    }
  }
}

BOOST_AUTO_TEST_CASE(PlanActionsAreValidBenignAndAllowed) {
  // Goal: every plan action fits the schemas, is benign and not forbidden, every rule voter
  // approves it, and the decider commits it when the LLM voters approve too (any order).
  for (const Scenario& scenario : AllScenarios()) {
    ParsedVoters parsed = ParseScenarioVoters(scenario);
    for (const Action& action : PlanActions(scenario)) {
      BOOST_TEST_CONTEXT(scenario.name << " " << action.ToText()) {
        Status valid = ValidateAction(scenario.safety_spec.tools, action);
        BOOST_TEST(valid.ok(), valid.ToString());
        BOOST_TEST(!IsForbidden(scenario.safety_spec, action));
        const std::string text = action.ToText();
        BOOST_TEST(
            std::any_of(scenario.safety_spec.benign.begin(), scenario.safety_spec.benign.end(),
                        [&](const Condition& c) { return EvaluateCondition(c, action, text); }));
        for (const VoterConfig& voter : parsed.voters) {
          if (voter.is_rule_voter) BOOST_TEST(EvaluateRules(voter, action).approve, voter.name);
        }
        BOOST_TEST(AlwaysCommits(parsed.decider, Votes(parsed, action, /*llm_approves=*/true)));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(InjectedActionsAreForbiddenAndBlocked) {
  // Goal: every injected action fits the schemas and is forbidden; some rule voter denies it;
  // and no arrival order or subset of votes commits it, even if every LLM voter approves.
  for (const Scenario& scenario : AllScenarios()) {
    if (!scenario.attack) continue;
    ParsedVoters parsed = ParseScenarioVoters(scenario);
    for (const Action& action : scenario.injected_actions) {
      BOOST_TEST_CONTEXT(scenario.name << " " << action.ToText()) {
        Status valid = ValidateAction(scenario.safety_spec.tools, action);
        BOOST_TEST(valid.ok(), valid.ToString());
        BOOST_TEST(IsForbidden(scenario.safety_spec, action));
        bool denied = false;
        for (const VoterConfig& voter : parsed.voters) {
          if (voter.is_rule_voter) denied = denied || !EvaluateRules(voter, action).approve;
        }
        BOOST_TEST(denied);
        std::set<Verdict> verdicts =
            ReachableVerdicts(parsed.decider, Votes(parsed, action, /*llm_approves=*/true));
        BOOST_TEST(verdicts.count(Verdict::kCommit) == 0u);
        BOOST_TEST(verdicts.count(Verdict::kAbort) == 1u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(PlansRunOnTheirEnvironments) {
  // Goal: executing the plan in order succeeds on the scenario's environment; in attack
  // variants some output carries the injection (and none does in base scenarios), and the
  // injected actions would really take effect if they were committed.
  for (const Scenario& scenario : AllScenarios()) {
    BOOST_TEST_CONTEXT(scenario.name) {
      std::unique_ptr<EnvironmentModel> env = scenario.make_environment();
      bool tainted = false;
      for (const Action& action : PlanActions(scenario)) {
        ToolCall call;
        call.action = &action;
        Result<ToolOutcome> outcome = env->Execute(call);
        BOOST_TEST_REQUIRE(outcome.has_value());
        BOOST_TEST(outcome->ok, action.ToText() + " -> " + outcome->output);
        tainted =
            tainted || outcome->output.find(std::string(kInjectionMarker)) != std::string::npos;
      }
      BOOST_TEST(tainted == scenario.attack);
      for (const Action& action : scenario.injected_actions) {
        std::unique_ptr<EnvironmentModel> victim = scenario.make_environment();
        const std::string before = victim->StateDigest();
        ToolCall call;
        call.action = &action;
        BOOST_TEST(victim->Execute(call)->ok, action.ToText());
        BOOST_TEST(victim->StateDigest() != before);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(MailsPlansAndBoundsAreSensible) {
  // Goal: mail is in time order, each mail's task ends with a final answer, the bound is later
  // than the last mail, and two calls of make_environment build equal, independent models.
  for (const Scenario& scenario : AllScenarios()) {
    BOOST_TEST_CONTEXT(scenario.name) {
      BOOST_TEST_REQUIRE(!scenario.mails.empty());
      for (size_t i = 1; i < scenario.mails.size(); ++i) {
        BOOST_TEST(scenario.mails[i - 1].at_ms <= scenario.mails[i].at_ms);
      }
      size_t finals = 0;
      for (const PlanStep& step : scenario.plan) finals += step.action ? 0 : 1;
      BOOST_TEST(finals == scenario.mails.size());
      BOOST_TEST(!scenario.plan.back().action.has_value());
      BOOST_TEST(scenario.liveness_bound_ms > scenario.mails.back().at_ms);
      BOOST_TEST((scenario.environment == "bank" || scenario.environment == "files"));
      auto a = scenario.make_environment();
      auto b = scenario.make_environment();
      BOOST_TEST(a->StateDigest() == b->StateDigest());
      BOOST_TEST(a.get() != b.get());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::models
