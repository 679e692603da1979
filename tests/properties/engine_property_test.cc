// Engine properties (issue 4, item 3): for a random built-in scenario, seed
// and fault plan, the simulation passes every invariant: the trace-checked
// ones, REC-STATE, LIVE-DECIDE and (on a subset) DET-REPLAY. Counts are
// bounded so that the file runs in seconds; heavier runs go through
// `logact swarm`. Every fault kind is drawn.
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
  const bool passed = result.template is<rc::detail::SuccessResult>();
  std::ostringstream message;
  if (!passed) {
    message << "\nseed " << params.seed << " (rerun with RC_PARAMS=\"seed=" << params.seed
            << "\")\n";
    rc::detail::printResultMessage(result, message);
  }
  BOOST_TEST(passed, message.str());
}

// Every fault kind. clock_jump was left out while it stalled files-cleanup
// (see FollowUpMailAfterClockJumps below, fixed in 1bcfc74).
const std::vector<sim::FaultKind> kPassingKinds = AllFaultKinds();

BOOST_AUTO_TEST_SUITE(EngineProperties)

// Goal: fault-free runs of every scenario with random seeds pass every invariant.
BOOST_AUTO_TEST_CASE(FaultFreeRunsPass) {
  CheckBounded([] { testing::SimulationsPassEveryInvariant({}); }, 20);
}

// Goal: runs under random plans of every fault kind pass every invariant.
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

// Failures these properties found, kept as regression tests once fixed.
BOOST_AUTO_TEST_SUITE(EngineRegressions)

// Goal: under clock jumps files-cleanup's follow-up mail arrived while task 1
// was still running, the mock LLM finished task 1, and the driver never
// inferred again (LIVE-DECIDE: outputs 1/2). The follow-up now waits for the
// answer it replies to; the seed the property found passes every invariant.
BOOST_AUTO_TEST_CASE(FollowUpMailAfterClockJumps) {
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
