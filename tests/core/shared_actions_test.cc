// core/same_json.h and core/shared_actions.h: a shared action must stand for
// the action looked up exactly (same JSON types, doubles bit for bit), so that
// sharing changes no output; anything not exactly equal gets its own copy.
#include "core/shared_actions.h"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/same_json.h"

namespace logact {
namespace {

BOOST_AUTO_TEST_SUITE(SharedActionsTest)

// Values of different JSON types, or doubles with different bits, are not the
// same (nlohmann's operator== calls 1 and 1.0, 0.0 and -0.0 equal, though they
// dump differently; 5 and 5u dump alike but decode to different types).
BOOST_AUTO_TEST_CASE(SameJsonTellsApartWhatDumpsDifferently) {
  BOOST_CHECK(Json(1) == Json(1.0));
  BOOST_CHECK(!SameJson(Json(1), Json(1.0)));
  BOOST_CHECK(!SameJson(Json(int64_t{5}), Json(uint64_t{5})));
  BOOST_CHECK(Json(0.0) == Json(-0.0));
  BOOST_CHECK(!SameJson(Json(0.0), Json(-0.0)));
  BOOST_CHECK(!SameJson(Json{{"a", 1}}, Json{{"a", 1.0}}));
  BOOST_CHECK(!SameJson(Json::array({1, 2}), Json::array({1, 2, 3})));
  BOOST_CHECK(!SameJson(Json{{"a", 1}}, Json{{"b", 1}}));
  BOOST_CHECK(!SameJson(Json(nullptr), Json(false)));
  BOOST_CHECK(!SameJson(Json("1"), Json(1)));
}

BOOST_AUTO_TEST_CASE(SameJsonAcceptsExactCopies) {
  const Json value =
      Json::parse(R"({"a":[1,-2,3.5,"x",null,true,{"b":18446744073709551615}],"c":-0.0})");
  BOOST_CHECK(SameJson(value, Json::parse(value.dump())));
  BOOST_CHECK(SameJson(Json::object(), Json::object()));
  BOOST_CHECK(SameJson(Json::array(), Json::array()));
}

BOOST_AUTO_TEST_CASE(EqualActionsShareOneCopy) {
  SharedActions shared;
  const Action pay = Action("send_money", Json{{"recipient", "US1"}, {"amount", 100.0}});
  const std::shared_ptr<const Action> first = shared.Get(pay);
  const std::shared_ptr<const Action> again = shared.Get(Action(pay));
  BOOST_CHECK(first == again);
  BOOST_CHECK_EQUAL(first->ToText(), pay.ToText());
}

BOOST_AUTO_TEST_CASE(ActionsThatDumpDifferentlyGetTheirOwnCopy) {
  SharedActions shared;
  const auto integer = shared.Get(Action("send_money", Json{{"amount", 100}}));
  const auto real = shared.Get(Action("send_money", Json{{"amount", 100.0}}));
  const auto other_tool = shared.Get(Action("schedule", Json{{"amount", 100}}));
  BOOST_CHECK(integer != real);
  BOOST_CHECK(integer != other_tool);
  BOOST_CHECK_EQUAL(integer->ToText(), Action("send_money", Json{{"amount", 100}}).ToText());
  BOOST_CHECK_EQUAL(real->ToText(), Action("send_money", Json{{"amount", 100.0}}).ToText());
  BOOST_CHECK(integer->ToText() != real->ToText());
}

// The table is a bound on the look-up, not on correctness: an action pushed
// out by kRemembered newer ones gets a fresh (equal) copy, and copies handed
// out earlier stay valid.
BOOST_AUTO_TEST_CASE(OldestActionIsForgottenPastTheBound) {
  SharedActions shared;
  const auto first = shared.Get(Action("tool", Json{{"i", 0}}));
  for (int i = 1; i <= static_cast<int>(SharedActions::kRemembered); ++i) {
    shared.Get(Action("tool", Json{{"i", i}}));
  }
  const auto renewed = shared.Get(Action("tool", Json{{"i", 0}}));
  BOOST_CHECK(renewed != first);
  BOOST_CHECK_EQUAL(renewed->ToText(), first->ToText());
  const auto recent = shared.Get(Action("tool", Json{{"i", 2}}));
  BOOST_CHECK(recent == shared.Get(Action("tool", Json{{"i", 2}})));
}

// SharedIntents: one copy for exactly equal intents; a different driver,
// epoch, tool or argument type gets its own copy, equal to what was looked up.
BOOST_AUTO_TEST_CASE(EqualIntentsShareOneCopy) {
  SharedIntents shared;
  const IntentPayload pay{Action("send_money", Json{{"amount", 100}}), "agent", 1};
  const auto first = shared.Get(pay);
  BOOST_CHECK(first == shared.Get(IntentPayload(pay)));
  BOOST_CHECK(*first == pay);
  std::vector<IntentPayload> others = {
      {Action("send_money", Json{{"amount", 100.0}}), "agent", 1},
      {Action("send_money", Json{{"amount", 100}}), "other", 1},
      {Action("send_money", Json{{"amount", 100}}), "agent", 2},
      {Action("schedule", Json{{"amount", 100}}), "agent", 1},
  };
  for (const IntentPayload& other : others) {
    const auto copy = shared.Get(other);
    BOOST_CHECK(copy != first);
    BOOST_CHECK(*copy == other);
    BOOST_CHECK_EQUAL(copy->action.ToText(), other.action.ToText());
  }
  BOOST_CHECK(shared.Get(pay) == first);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
