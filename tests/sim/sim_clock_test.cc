// Tests of sim/sim_clock.h: virtual time jumps forward to events, never back,
// and counts the time it skipped.
#include "sim/sim_clock.h"

#include <boost/test/unit_test.hpp>

namespace logact::sim {
namespace {

BOOST_AUTO_TEST_SUITE(SimClockSuite)

// Goal: JumpTo moves to a future event and reports the skipped time; a past
// event moves nothing; step costs (AdvanceBy) are not idle time.
BOOST_AUTO_TEST_CASE(JumpsForwardOnly) {
  SimClock clock;
  BOOST_TEST(clock.NowMs() == 0);
  clock.AdvanceBy(3);
  BOOST_TEST(clock.JumpTo(100) == 97);
  BOOST_TEST(clock.NowMs() == 100);
  BOOST_TEST(clock.JumpTo(50) == 0);
  BOOST_TEST(clock.NowMs() == 100);
  clock.SleepUntilMs(120);  // a component waiting on the clock advances it
  BOOST_TEST(clock.NowMs() == 120);
  BOOST_TEST(clock.idle_ms() == 97);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::sim
