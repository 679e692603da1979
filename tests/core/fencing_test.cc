// Tests of core/fencing.h: which elects count and which intents are fenced.
#include "core/fencing.h"

#include <boost/test/unit_test.hpp>

namespace logact {
namespace {

IntentPayload IntentOf(const std::string& driver, int64_t epoch) {
  return IntentPayload{Action{"noop", Json::object()}, driver, epoch};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ElectionStateTests)

// With no counted elect, nothing is fenced.
BOOST_AUTO_TEST_CASE(NothingFencedBeforeAnyElect) {
  ElectionState state;
  BOOST_CHECK(!state.leader().has_value());
  BOOST_CHECK_EQUAL(state.max_epoch_seen(), 0);
  BOOST_CHECK(!state.IsFenced(IntentOf("a", 0)));
  BOOST_CHECK(!state.IsFenced(IntentOf("b", 42)));
}

// An elect counts only with an epoch above every earlier counted one.
BOOST_AUTO_TEST_CASE(OnlyHigherEpochsCount) {
  ElectionState state;
  BOOST_CHECK(state.Apply(ElectPayload{"a", 3}));
  BOOST_CHECK(!state.Apply(ElectPayload{"b", 3}));  // equal epoch: does not count
  BOOST_CHECK(!state.Apply(ElectPayload{"b", 2}));
  BOOST_CHECK(!state.Apply(ElectPayload{"a", 3}));  // duplicate
  BOOST_REQUIRE(state.leader().has_value());
  BOOST_CHECK_EQUAL(state.leader()->driver, "a");
  BOOST_CHECK_EQUAL(state.max_epoch_seen(), 3);
  BOOST_CHECK(state.Apply(ElectPayload{"b", 4}));
  BOOST_CHECK_EQUAL(state.leader()->driver, "b");
  BOOST_CHECK_EQUAL(state.leader()->epoch, 4);
  BOOST_CHECK_EQUAL(state.max_epoch_seen(), 4);
}

// An intent is fenced iff its (driver, epoch) differs from the last counted elect.
BOOST_AUTO_TEST_CASE(FencedIffDriverOrEpochDiffers) {
  ElectionState state;
  BOOST_CHECK(state.Apply(ElectPayload{"a", 1}));
  BOOST_CHECK(!state.IsFenced(IntentOf("a", 1)));
  BOOST_CHECK(state.IsFenced(IntentOf("a", 0)));
  BOOST_CHECK(state.IsFenced(IntentOf("b", 1)));
  BOOST_CHECK(state.Apply(ElectPayload{"b", 2}));
  BOOST_CHECK(state.IsFenced(IntentOf("a", 1)));  // the old leader is fenced from now on
  BOOST_CHECK(!state.IsFenced(IntentOf("b", 2)));
  // A rejected elect neither changes the leader nor fences the leader's intents.
  BOOST_CHECK(!state.Apply(ElectPayload{"a", 2}));
  BOOST_CHECK(!state.IsFenced(IntentOf("b", 2)));
  BOOST_CHECK(state.IsFenced(IntentOf("a", 2)));
}

// max_epoch_seen covers elects that did not count (none can exceed a counted one,
// but the first elect may have any epoch, including a low one).
BOOST_AUTO_TEST_CASE(MaxEpochSeenTracksEveryElect) {
  ElectionState state;
  BOOST_CHECK(state.Apply(ElectPayload{"a", 0}));  // the first elect always counts
  BOOST_CHECK_EQUAL(state.max_epoch_seen(), 0);
  BOOST_CHECK(!state.IsFenced(IntentOf("a", 0)));
  BOOST_CHECK(state.IsFenced(IntentOf("b", 0)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact
