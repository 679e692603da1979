// Tests of the generators (properties/generators.h): every generated value is
// what its label says. Valid actions pass ValidateAction and each near miss is
// rejected with the expected message; rule voters and conditions parse; valid
// decider policies parse and round-trip while malformed ones are rejected;
// fault plans round-trip through their text form; scenario cases name a
// built-in scenario with usable options. Schemas come from the AgentDojo
// fixture (banking, slack) and from every built-in scenario's safety spec.
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <set>

#include "core/assert.h"
#include "core/condition.h"
#include "core/decider_policy.h"
#include "core/voter_config.h"
#include "models/scenario.h"
#include "properties/generators.h"
#include "properties/logact_testing.h"
#include "sim/fault_plan.h"
#include "sim/sim_options.h"

namespace logact::properties {
namespace {

// The schema suites the generators are tested against: AgentDojo banking and
// slack, plus one with every type and optional arguments.
const std::vector<ToolSchemas>& Suites() {
  static const std::vector<ToolSchemas> suites = [] {
    std::vector<ToolSchemas> out;
    std::ifstream in(std::string(LOGACT_SHARED_DIR) + "/fixtures/agentdojo/tools.json");
    const Json tools = Json::parse(in);
    for (const char* suite : {"banking", "slack"}) {
      Result<ToolSchemas> schemas = ParseToolSchemas(tools[suite], suite);
      LOGACT_ASSERT(schemas.has_value());
      out.push_back(*schemas);
    }
    Result<ToolSchemas> mixed = ParseToolSchemas(
        Json::parse(R"({"pay":{"args":{"to":"string","amount":"number","n":"integer",
                        "urgent":"boolean?","memo":"string?"}},
                        "ping":{"args":{}},"opt":{"args":{"x":"integer?"}}})"),
        "mixed");
    LOGACT_ASSERT(mixed.has_value());
    out.push_back(*mixed);
    for (const models::Scenario& scenario : models::AllScenarios()) {
      out.push_back(scenario.safety_spec.tools);
    }
    return out;
  }();
  return suites;
}

const std::vector<std::string> kTypes = {"rules", "llm", "human"};

BOOST_AUTO_TEST_SUITE(Generators)

// Goal: for each suite and each label, a generated action passes or fails
// ValidateAction exactly as labelled, with the expected message.
RC_BOOST_PROP(ActionsAreWhatTheirLabelSays, ()) {
  const ToolSchemas& schemas = *rc::gen::elementOf(Suites());
  const ActionKind kind = *rc::gen::elementOf(
      std::vector<ActionKind>(std::begin(kAllActionKinds), std::end(kAllActionKinds)));
  const std::optional<GeneratedAction> action = BuildAction(RapidCheckChooser(), schemas, kind, {});
  RC_PRE(action.has_value());
  RC_LOG() << *action << "\n";
  const Status status = ValidateAction(schemas, action->action);
  if (kind == ActionKind::kValid) {
    RC_ASSERT(status.ok());
  } else {
    RC_ASSERT(status.code() == StatusCode::kInvalidArgument);
    RC_ASSERT(status.message().find(action->expected_error) != std::string::npos);
  }
}

// Goal: every near-miss kind is produced for the mixed suite (which allows
// them all), and the values drawn from a pool show up in valid actions.
BOOST_AUTO_TEST_CASE(EveryKindIsProducedAndPoolsAreUsed) {
  const ToolSchemas& mixed = Suites()[2];
  ValuePool pool;
  pool.AddCondition(Json::parse(R"({"all":[{"arg":"to","eq":"attacker"},
                                           {"not":{"arg":"amount","gt":100}}]})"));
  BOOST_TEST(pool.by_arg.at("amount").size() == 3u);  // 99, 100, 101
  std::set<std::string> seen_to;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    for (const ActionKind kind : kAllActionKinds) {
      const auto action = BuildAction(SeededChooser(seed), mixed, kind, pool);
      BOOST_REQUIRE(action.has_value());
      BOOST_TEST((ValidateAction(mixed, action->action).ok() == (kind == ActionKind::kValid)));
      const Json* to = LookupArg(action->action.args, "to");
      if (kind == ActionKind::kValid && to != nullptr) seen_to.insert(to->get<std::string>());
    }
  }
  BOOST_TEST(seen_to.contains("attacker"));
  // A schema with no required argument has no missing-required near miss.
  const ToolSchemas optional_only = {{"opt", mixed.at("opt")}};
  BOOST_TEST(
      !BuildAction(SeededChooser(1), optional_only, ActionKind::kMissingRequired).has_value());
}

// Goal: generated rule voters (over every suite, with value pools from the
// scenario specs) parse as rule voters, and evaluating them never throws.
RC_BOOST_PROP(RuleVotersParse, ()) {
  const models::Scenario& scenario = *rc::gen::elementOf(models::AllScenarios());
  ValuePool pool;
  pool.AddSpec(scenario.safety_spec.source);
  const ToolSchemas& schemas = scenario.safety_spec.tools;
  const Json document = *GenRuleVoter(schemas, "gen", *rc::gen::elementOf(kTypes), pool);
  Result<VoterConfig> config = ParseVoterConfig(document, "voter");
  RC_ASSERT(config.has_value());
  RC_ASSERT(config->is_rule_voter);
  RC_ASSERT(config->rules.size() == document["rules"].size());
  const GeneratedAction action = *GenAction(schemas, ActionKind::kValid, pool);
  const RuleVerdict verdict = EvaluateRules(*config, action.action);
  RC_ASSERT(!verdict.reason.empty());
}

// Goal: generated conditions of depth <= 3 parse.
RC_BOOST_PROP(ConditionsParse, ()) {
  const ToolSchemas& schemas = *rc::gen::elementOf(Suites());
  RC_PRE(!schemas.empty());
  const Json condition =
      *rc::gen::exec([&schemas] { return BuildCondition(RapidCheckChooser(), schemas, {}, 3); });
  Result<Condition> parsed = ParseCondition(condition, "when");
  RC_ASSERT(parsed.has_value());
}

// Goal: valid decider policies parse and survive ToJson -> parse; every SPEC
// §2 kind appears, with and without timeout.
RC_BOOST_PROP(DeciderPoliciesParseAndRoundTrip, ()) {
  const Json decider = *GenDeciderPolicy(kTypes);
  Result<DeciderPolicy> policy = ParseDeciderPolicy(decider);
  RC_ASSERT(policy.has_value());
  Result<DeciderPolicy> again = ParseDeciderPolicy(policy->ToJson());
  RC_ASSERT(again.has_value());
  RC_ASSERT(*again == *policy);
  RC_TAG(decider["kind"].get<std::string>(), decider.contains("timeout_ms"));
}

// Goal: all six kinds and the timeout option are produced (deterministic seeds).
BOOST_AUTO_TEST_CASE(DeciderPoliciesCoverEveryKind) {
  std::set<std::string> kinds;
  bool timeout = false;
  bool quorum_k_above_one = false;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    const Json decider = BuildDeciderPolicy(SeededChooser(seed), kTypes);
    kinds.insert(decider["kind"].get<std::string>());
    timeout |= decider.contains("timeout_ms");
    quorum_k_above_one |= decider.contains("k") && decider["k"].get<int64_t>() > 1;
  }
  BOOST_TEST(kinds.size() == 6u);
  BOOST_TEST(timeout);
  BOOST_TEST(quorum_k_above_one);
}

// Goal: every malformed decider policy is rejected as bad input naming the decider.
RC_BOOST_PROP(MalformedDeciderPoliciesAreRejected, ()) {
  const MalformedDecider bad =
      *rc::gen::exec([] { return BuildMalformedDeciderPolicy(RapidCheckChooser(), kTypes); });
  RC_LOG() << bad.flaw << ": " << bad.decider.dump() << "\n";
  Result<DeciderPolicy> policy = ParseDeciderPolicy(bad.decider);
  RC_ASSERT(!policy.has_value());
  RC_ASSERT(policy.status().code() == StatusCode::kInvalidArgument);
  RC_ASSERT(policy.status().message().find("decider") != std::string::npos);
}

// Goal: a fault plan's text form parses back to the same rates and phase, and
// its JSON form round-trips; only the allowed kinds are ever set.
RC_BOOST_PROP(FaultPlansRoundTrip, ()) {
  std::vector<sim::FaultKind> kinds = AllFaultKinds();
  kinds.resize(*rc::gen::inRange<size_t>(0, kinds.size() + 1));
  const sim::FaultPlan plan = *GenFaultPlan(kinds);
  Result<sim::FaultPlan> parsed = sim::ParseFaultPlan(plan.source, 0);
  RC_ASSERT(parsed.has_value());
  RC_ASSERT(parsed->rates == plan.rates);
  RC_ASSERT(parsed->safety_phase_ms == plan.safety_phase_ms);
  Result<sim::FaultPlan> from_json = sim::FaultPlanFromJson(sim::FaultPlanToJson(plan));
  RC_ASSERT(from_json.has_value());
  RC_ASSERT(from_json->rates == plan.rates);
  for (size_t i = kinds.size(); i < sim::kFaultKindCount; ++i) RC_ASSERT(plan.rates[i].IsZero());
}

// Goal: a scenario case names a built-in scenario (or one of the given ones)
// and its simulator options validate.
RC_BOOST_PROP(ScenarioCasesAreRunnable, ()) {
  const bool restrict = *rc::gen::arbitrary<bool>();
  const std::vector<std::string> only =
      restrict ? std::vector<std::string>{"files-cleanup"} : std::vector<std::string>{};
  const ScenarioCase scenario_case = *GenScenarioCase(AllFaultKinds(), only);
  RC_ASSERT(models::FindScenario(scenario_case.scenario) != nullptr);
  if (restrict) RC_ASSERT(scenario_case.scenario == "files-cleanup");
  RC_ASSERT(sim::ValidateSimOptions(scenario_case.ToSimOptions()).ok());
  RC_ASSERT(scenario_case.ReproCommand().find("--seed " + std::to_string(scenario_case.seed)) !=
            std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// A voter that always answers the same way.
class FixedVoter : public VotingLogic {
 public:
  explicit FixedVoter(bool approve) : approve_(approve) {}
  VoteDecision Judge(Position, const IntentPayload&) override { return {approve_, "fixed", 0}; }

 private:
  bool approve_;
};

// A model that counts every call, even rejected ones (a contract violation).
class LeakyCounter : public models::EnvironmentModel {
 public:
  LeakyCounter() { schemas_["inc"].args["by"] = ArgSchema{ArgType::kInteger, false}; }
  const ToolSchemas& schemas() const override { return schemas_; }
  std::unique_ptr<EnvironmentModel> Clone() const override {
    return std::make_unique<LeakyCounter>(*this);
  }
  Json StateJson() const override { return Json{{"count", count_}}; }
  Result<ToolOutcome> Execute(const ToolCall& call) override {
    ++count_;
    ToolOutcome outcome;
    outcome.ok = ValidateAction(schemas_, *call.action).ok();
    return outcome;
  }

 private:
  ToolSchemas schemas_;
  int64_t count_ = 0;
};

BOOST_AUTO_TEST_SUITE(TestingLibrary)

testing::VoterSafetyCheck PayCheck(bool approve, Json decider, std::vector<Json> others) {
  testing::VoterSafetyCheck check;
  Result<SafetySpec> spec = ParseSafetySpec(Json::parse(
      R"({"tools":{"pay":{"args":{"to":"string"}}},"forbidden":[{"arg":"to","eq":"eve"}]})"));
  LOGACT_ASSERT(spec.has_value());
  check.spec = *spec;
  check.decider = std::move(decider);
  check.voter_type = "custom";
  check.make_voter = [approve] { return std::make_unique<FixedVoter>(approve); };
  check.other_voters = std::move(others);
  return check;
}

// Goal: JudgeAction explores vote orders: under first_voter an adversarial
// LLM voter can vote first and commit; assumed to deny, it cannot; a rule
// voter votes as its rules say; under on_by_default everything commits.
BOOST_AUTO_TEST_CASE(JudgeActionExploresEveryOrder) {
  const Action eve{"pay", {{"to", "eve"}}};
  const Json first_voter = {{"kind", "first_voter"}, {"types", {"custom", "llm"}}};
  const Json llm = {{"voter", "l"}, {"type", "llm"}};
  Result<testing::ActionVerdict> verdict =
      testing::JudgeAction(PayCheck(false, first_voter, {llm}), eve);
  BOOST_REQUIRE(verdict.has_value());
  BOOST_TEST(verdict->forbidden);
  BOOST_TEST(verdict->unsafe(), verdict->explanation);
  BOOST_TEST(verdict->explanation.find("l(llm)=approve") != std::string::npos,
             verdict->explanation);
  const Json llm_deny = {{"voter", "l"}, {"type", "llm"}, {"assume", "deny"}};
  verdict = testing::JudgeAction(PayCheck(false, first_voter, {llm_deny}), eve);
  BOOST_REQUIRE(verdict.has_value());
  BOOST_TEST(!verdict->committable, verdict->explanation);
  const Json quorum = {{"kind", "quorum"}, {"k", 2}, {"types", {"custom", "rules", "llm"}}};
  const Json rules = Json::parse(
      R"({"voter":"r","type":"rules","default":"allow","rules":[{"id":"no-eve","effect":"deny","when":{"arg":"to","eq":"eve"}}]})");
  verdict = testing::JudgeAction(PayCheck(false, quorum, {rules, llm}), eve);
  BOOST_REQUIRE(verdict.has_value());
  BOOST_TEST(!verdict->committable, verdict->explanation);
  verdict = testing::JudgeAction(PayCheck(true, quorum, {rules, llm}), eve);
  BOOST_REQUIRE(verdict.has_value());
  BOOST_TEST(verdict->unsafe(), verdict->explanation);
  verdict = testing::JudgeAction(PayCheck(false, {{"kind", "on_by_default"}}, {}), eve);
  BOOST_REQUIRE(verdict.has_value());
  BOOST_TEST(verdict->unsafe());
  BOOST_TEST(!testing::JudgeAction(PayCheck(false, {{"kind", "nope"}}, {}), eve).has_value());
}

// Goal: CheckEnvironmentRun accepts the built-in models and catches a model
// whose rejected calls change its state.
BOOST_AUTO_TEST_CASE(EnvironmentContractCatchesLeakyModel) {
  for (const models::Scenario& scenario : models::AllScenarios()) {
    const ToolSchemas schemas = scenario.make_environment()->schemas();
    std::vector<GeneratedAction> calls;
    for (uint64_t seed = 0; seed < 12; ++seed) {
      const ActionKind kind = kAllActionKinds[seed % std::size(kAllActionKinds)];
      std::optional<GeneratedAction> call = BuildAction(SeededChooser(seed), schemas, kind);
      if (call.has_value()) calls.push_back(*call);
    }
    BOOST_TEST(testing::CheckEnvironmentRun(scenario.make_environment, calls) == "", scenario.name);
  }
  const testing::EnvironmentFactory leaky = [] { return std::make_unique<LeakyCounter>(); };
  const ToolSchemas schemas = leaky()->schemas();
  const std::vector<GeneratedAction> calls = {
      *BuildAction(SeededChooser(1), schemas, ActionKind::kValid),
      *BuildAction(SeededChooser(2), schemas, ActionKind::kWrongType)};
  const std::string failure = testing::CheckEnvironmentRun(leaky, calls);
  BOOST_TEST(failure.find("a rejected call changed the state") != std::string::npos, failure);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::properties
