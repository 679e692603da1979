// Engine properties (issue 4, item 3): for a random built-in scenario, seed
// and fault plan, the simulation passes every invariant: the trace-checked
// ones, REC-STATE, LIVE-DECIDE and (on a subset) DET-REPLAY. Counts are
// bounded so that the file runs in seconds; heavier runs go through
// `logact swarm`. The fault kinds are those the engine survives today
// (kPassingKinds below); the others are listed with the reason.
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>

#include "properties/generators.h"
#include "properties/logact_testing.h"

namespace logact::properties {
namespace {

// Runs `testable` as a RapidCheck property with at most `cases` successful
// cases (fewer if RC_PARAMS asks for fewer), keeping RC_PARAMS' seed, so CI
// stays reproducible and bounded; a failure fails the Boost test with the
// seed and the shrunk counterexample, like RC_BOOST_PROP.
template <typename Testable>
void CheckBounded(Testable&& testable, int cases) {
  const auto& test_case = boost::unit_test::framework::current_test_case();
  rc::detail::TestMetadata metadata;
  metadata.id = test_case.full_name();
  metadata.description = test_case.p_name;
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = std::min(params.maxSuccess, cases);
  const auto result = rc::detail::checkProperty(
      rc::detail::toProperty(std::forward<Testable>(testable)), metadata, params);
  BOOST_CHECK(true);
  if (!result.template is<rc::detail::SuccessResult>()) {
    std::ostringstream message;
    message << "\nseed " << params.seed << " (rerun with RC_PARAMS=\"seed=" << params.seed
            << "\")\n";
    rc::detail::printResultMessage(result, message);
    BOOST_FAIL(message.str());
  }
}

// The fault kinds whose runs pass every invariant today: all but clock_jump.
// clock_jump (1/40 per step) leaves files-cleanup and files-cleanup-attack
// stuck in about 6% of seeds: LIVE-DECIDE "stuck: nothing is ready and no
// timer is set; pending: outputs 1/2" (see KnownClockJumpLivenessFailure).
std::vector<sim::FaultKind> PassingKinds() {
  std::vector<sim::FaultKind> kinds = AllFaultKinds();
  std::erase(kinds, sim::FaultKind::kClockJump);
  return kinds;
}
const std::vector<sim::FaultKind> kPassingKinds = PassingKinds();

BOOST_AUTO_TEST_SUITE(EngineProperties)

// Goal: fault-free runs of every scenario with random seeds pass every invariant.
BOOST_AUTO_TEST_CASE(FaultFreeRunsPass) {
  CheckBounded([] { testing::SimulationsPassEveryInvariant({}); }, 20);
}

// Goal: runs under random plans of the passing fault kinds pass every invariant.
BOOST_AUTO_TEST_CASE(FaultyRunsPass) {
  CheckBounded([] { testing::SimulationsPassEveryInvariant(kPassingKinds); }, 100);
}

// Goal: a faulty run reproduces byte for byte (DET-REPLAY).
BOOST_AUTO_TEST_CASE(FaultyRunsReplay) {
  testing::RunOptions options;
  options.det_replay = true;
  CheckBounded([&options] { testing::SimulationsPassEveryInvariant(kPassingKinds, {}, options); },
               25);
}

BOOST_AUTO_TEST_SUITE_END()

// Failures these properties found in the engine, kept as disabled repros.
BOOST_AUTO_TEST_SUITE(KnownEngineBugs)

// Goal: record the failure found by this property under clock jumps, as a
// repro for the engine's owners. Disabled until it is fixed (run it with
// --run_test=KnownEngineBugs): it fails today.
BOOST_AUTO_TEST_CASE(KnownClockJumpLivenessFailure, *boost::unit_test::disabled()) {
  ScenarioCase scenario_case;
  scenario_case.scenario = "files-cleanup";
  scenario_case.seed = 1703865447;
  Result<sim::FaultPlan> faults = sim::ParseFaultPlan("clock_jump=1/40", 0);
  BOOST_REQUIRE(faults.has_value());
  scenario_case.faults = *faults;
  Result<testing::RunVerdict> verdict = testing::RunAndCheck(scenario_case);
  BOOST_REQUIRE(verdict.has_value());
  BOOST_TEST(verdict->ok(), verdict->Describe());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::properties
