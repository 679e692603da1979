// A user-defined scenario runs in the full simulator (issue 4, item 7, with
// sim::RunSimulation's models::Scenario overload): a scenario that is not
// built in (its own name and environment factory) passes every invariant
// under generated seeds and fault plans through the testing library's
// ScenarioPassesEveryInvariant, and a user environment model that is not
// deterministic (its state leaks a per-instance counter, so the checker's
// reference replay disagrees with the run) is caught by ENV-CONSISTENT,
// which shows that the checker replays the user's model, not a built-in one.
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "models/environment_model.h"
#include "models/scenario.h"
#include "properties/invariant_ids.h"
#include "properties/logact_testing.h"

namespace logact::properties {
namespace {

// The user's copy of a built-in task under a name the simulator does not know.
models::Scenario MakeUserScenario(std::function<std::unique_ptr<models::EnvironmentModel>()> make) {
  const models::Scenario* base = models::FindScenario("bank-pay-bill");
  BOOST_TEST_REQUIRE(base != nullptr);
  models::Scenario scenario = *base;
  scenario.name = "user-bank-pay-bill";
  scenario.make_environment = std::move(make);
  return scenario;
}

std::unique_ptr<models::EnvironmentModel> BuiltinBank() {
  return models::FindScenario("bank-pay-bill")->make_environment();
}

// A model whose state names its instance: two fresh models never agree.
class LeakyModel final : public models::EnvironmentModel {
 public:
  explicit LeakyModel(std::unique_ptr<models::EnvironmentModel> inner)
      : inner_(std::move(inner)), instance_(++instances_) {}
  const ToolSchemas& schemas() const override { return inner_->schemas(); }
  std::unique_ptr<EnvironmentModel> Clone() const override {
    return std::make_unique<LeakyModel>(inner_->Clone());
  }
  Json StateJson() const override {
    Json state = inner_->StateJson();
    state["instance"] = instance_;
    return state;
  }
  Result<ToolOutcome> Execute(const ToolCall& call) override { return inner_->Execute(call); }

 private:
  static inline int64_t instances_ = 0;
  std::unique_ptr<models::EnvironmentModel> inner_;
  int64_t instance_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(UserScenario)

// Goal: the user's scenario, a name the simulator does not know, runs in full
// and passes every invariant under generated seeds and crash/tool/LLM faults.
RC_BOOST_PROP(UserScenarioPassesEveryInvariant, ()) {
  static const models::Scenario scenario = MakeUserScenario(&BuiltinBank);
  testing::ScenarioPassesEveryInvariant(
      scenario,
      {sim::FaultKind::kCrashDriver, sim::FaultKind::kCrashVoter, sim::FaultKind::kCrashDecider,
       sim::FaultKind::kToolFail, sim::FaultKind::kLlmFailure, sim::FaultKind::kAppendFail});
}

// Goal: the run names the user's scenario, and the built-in lookup refuses it.
BOOST_AUTO_TEST_CASE(RunsUnderItsOwnName) {
  const models::Scenario scenario = MakeUserScenario(&BuiltinBank);
  ScenarioCase scenario_case;
  scenario_case.seed = 3;
  Result<testing::RunVerdict> verdict = testing::RunAndCheck(scenario, scenario_case);
  BOOST_TEST_REQUIRE(verdict.has_value(), (verdict ? "" : verdict.status().ToString()));
  BOOST_TEST(verdict->ok(), verdict->Describe());
  BOOST_TEST(verdict->run.scenario == "user-bank-pay-bill");
  BOOST_TEST(verdict->run.effects >= 1);
  scenario_case.scenario = scenario.name;
  BOOST_TEST(!testing::RunAndCheck(scenario_case).has_value());  // not built in
  models::Scenario broken = scenario;
  broken.make_environment = nullptr;
  BOOST_TEST(!testing::RunAndCheck(broken, scenario_case).has_value());
}

// Goal: a nondeterministic user model is caught by ENV-CONSISTENT (the
// checker's reference replay builds a fresh user model).
BOOST_AUTO_TEST_CASE(NondeterministicUserModelIsCaught) {
  const models::Scenario scenario =
      MakeUserScenario([] { return std::make_unique<LeakyModel>(BuiltinBank()); });
  ScenarioCase scenario_case;
  scenario_case.seed = 3;
  Result<testing::RunVerdict> verdict = testing::RunAndCheck(scenario, scenario_case);
  BOOST_TEST_REQUIRE(verdict.has_value(), (verdict ? "" : verdict.status().ToString()));
  BOOST_TEST(!verdict->ok());
  BOOST_TEST(verdict->check.Violated(kEnvConsistent), verdict->Describe());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::properties
