// Tests of FaultInjector::Choose (sim/fault_injector.h): the inline path of a
// plain run (neither replaying nor recording choices) picks exactly what the
// recording path picks, and counts the same scheduling points, so a run's
// recorded choices (taken by the recording path) replay in a plain one.
// Method: the same seeded sequence of (drawn, ready) goes to a plain injector
// and a recording one; then a replaying injector gets the recorded choices.
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "sim/fault_injector.h"
#include "sim/fault_plan.h"
#include "sim/rng.h"
#include "sim/sim_clock.h"

namespace logact::sim {
namespace {

BOOST_AUTO_TEST_SUITE(FaultInjectorChoose)

// Goal: plain and recording injectors pick the same; the recorded choices are
// exactly the non-default picks, at their points, and replay to the same picks.
BOOST_AUTO_TEST_CASE(PlainPathPicksAsTheRecordingPath) {
  constexpr uint64_t kSeed = 20261128;
  BOOST_TEST_MESSAGE("seed " << kSeed);
  SimClock clock;
  const SeedStreams streams(kSeed);
  const FaultPlan plan;
  FaultInjector plain(plan, streams, &clock, {});
  FaultInjector recording(plan, streams, &clock, {}, nullptr, /*record_choices=*/true);
  Rng draws(streams.Stream("test.choose"));
  std::vector<size_t> picks;
  std::vector<SchedulingChoice> expected;
  for (int64_t point = 0; point < 2000; ++point) {
    const size_t ready = 2 + static_cast<size_t>(draws.Uniform(5));
    const size_t drawn = static_cast<size_t>(draws.Uniform(ready));
    const size_t pick = plain.Choose(drawn, ready);
    plain.NameChoice("plain");
    BOOST_TEST(pick == drawn);
    BOOST_TEST(recording.Choose(drawn, ready) == pick);
    recording.NameChoice("component " + std::to_string(pick));
    picks.push_back(pick);
    if (pick != 0) {
      SchedulingChoice choice;
      choice.point = point;
      choice.pick = static_cast<int64_t>(pick);
      choice.target = "component " + std::to_string(pick);
      expected.push_back(choice);
    }
    clock.AdvanceBy(1);
  }
  BOOST_TEST(!plain.recorded().choices.has_value());
  BOOST_REQUIRE(recording.recorded().choices.has_value());
  const std::vector<SchedulingChoice>& recorded = *recording.recorded().choices;
  BOOST_REQUIRE(recorded.size() == expected.size());
  for (size_t i = 0; i < recorded.size(); ++i) {
    BOOST_TEST(recorded[i].point == expected[i].point);
    BOOST_TEST(recorded[i].pick == expected[i].pick);
    BOOST_TEST(recorded[i].target == expected[i].target);
  }
  // Replaying the recorded choices with other draws gives the same picks.
  FaultInjector replay(plan, streams, &clock, {}, &recording.recorded());
  for (size_t point = 0; point < picks.size(); ++point) {
    BOOST_TEST(replay.Choose(0, 7) == picks[point]);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::sim
