// Tests of core/policy_state.h: versioned, compare-and-set policy changes.
#include "core/policy_state.h"

#include <boost/test/unit_test.hpp>

namespace logact {
namespace {

PolicyPayload Change(int64_t version, int64_t expected, Json decider, Json voters = Json()) {
  return PolicyPayload{version, expected, std::move(decider), std::move(voters)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(PolicyStateTests)

// Before any entry applies: version 0, on_by_default, no voter configuration.
BOOST_AUTO_TEST_CASE(StartsAtVersionZeroOnByDefault) {
  PolicyState state;
  BOOST_CHECK_EQUAL(state.version(), 0);
  BOOST_CHECK(state.decider().kind == DeciderKind::kOnByDefault);
  BOOST_CHECK(state.voters().is_null());
}

// An entry applies iff expected_version matches and version > expected_version.
BOOST_AUTO_TEST_CASE(AppliesOnlyOnMatchingVersion) {
  PolicyState state;
  Json off = {{"kind", "off_by_default"}};
  BOOST_CHECK(!state.Apply(Change(2, 1, off)));  // expected_version is not 0
  BOOST_CHECK(!state.Apply(Change(0, 0, off)));  // version not above expected
  BOOST_CHECK(!state.Apply(Change(-1, 0, off)));
  BOOST_CHECK_EQUAL(state.version(), 0);
  BOOST_CHECK(state.decider().kind == DeciderKind::kOnByDefault);

  BOOST_CHECK(state.Apply(Change(5, 0, off)));  // versions may jump
  BOOST_CHECK_EQUAL(state.version(), 5);
  BOOST_CHECK(state.decider().kind == DeciderKind::kOffByDefault);
  BOOST_CHECK(!state.Apply(Change(6, 0, Json{{"kind", "on_by_default"}})));  // stale
  BOOST_CHECK(state.decider().kind == DeciderKind::kOffByDefault);
  BOOST_CHECK(state.Apply(Change(6, 5, Json{{"kind", "on_by_default"}})));
  BOOST_CHECK_EQUAL(state.version(), 6);
  BOOST_CHECK(state.decider().kind == DeciderKind::kOnByDefault);
}

// A null decider or voters field leaves that part unchanged; both change atomically.
BOOST_AUTO_TEST_CASE(NullFieldsLeavePartsUnchanged) {
  PolicyState state;
  Json voters = Json::array({Json{{"voter", "judge"}, {"type", "llm"}}});
  BOOST_CHECK(state.Apply(Change(1, 0, Json{{"kind", "all_of"}, {"types", {"llm"}}}, voters)));
  BOOST_CHECK(state.decider().kind == DeciderKind::kAllOf);
  BOOST_CHECK_EQUAL(state.voters(), voters);
  BOOST_CHECK(state.Apply(Change(2, 1, Json())));
  BOOST_CHECK_EQUAL(state.version(), 2);
  BOOST_CHECK(state.decider().kind == DeciderKind::kAllOf);
  BOOST_CHECK_EQUAL(state.voters(), voters);
  Json fewer = Json::array();
  BOOST_CHECK(state.Apply(Change(3, 2, Json(), fewer)));
  BOOST_CHECK_EQUAL(state.voters(), fewer);
  BOOST_CHECK(state.decider().kind == DeciderKind::kAllOf);
}

// A malformed decider skips the whole entry: neither version nor voters change.
BOOST_AUTO_TEST_CASE(MalformedDeciderSkipsTheEntry) {
  PolicyState state;
  Json voters = Json::array({Json{{"voter", "judge"}, {"type", "llm"}}});
  BOOST_CHECK(
      !state.Apply(Change(1, 0, Json{{"kind", "quorum"}, {"k", 3}, {"types", {"a"}}}, voters)));
  BOOST_CHECK_EQUAL(state.version(), 0);
  BOOST_CHECK(state.voters().is_null());
  BOOST_CHECK(state.decider().kind == DeciderKind::kOnByDefault);
  BOOST_CHECK(state.Apply(Change(1, 0, Json{{"kind", "off_by_default"}})));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact
