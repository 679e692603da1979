// core/same_json.h and core/shared_actions.h: a shared action must stand for
// the action looked up exactly (same JSON types, doubles bit for bit), so that
// sharing changes no output; anything not exactly equal gets its own copy.
#include "core/shared_actions.h"

#include <bit>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/same_json.h"

namespace logact {
namespace {

// SameJson's first form, through nlohmann's iterators and operator==: the
// reference the faster walk over the underlying containers must agree with.
bool SimpleSameJson(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Json::value_t::object: {
      if (a.size() != b.size()) return false;
      for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
        if (x.key() != y.key() || !SimpleSameJson(*x, *y)) return false;
      }
      return true;
    }
    case Json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!SimpleSameJson(a[i], b[i])) return false;
      }
      return true;
    }
    case Json::value_t::number_float:
      return std::bit_cast<uint64_t>(a.get<double>()) == std::bit_cast<uint64_t>(b.get<double>());
    case Json::value_t::null:
    case Json::value_t::boolean:
    case Json::value_t::string:
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return a == b;
    default:
      return false;
  }
}

// A small JSON value drawn from `seed`: few distinct leaves, so that equal
// and nearly equal values are common.
Json DrawJson(uint64_t* seed, int depth) {
  *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
  const uint64_t r = *seed >> 33;
  switch (r % (depth > 0 ? 10 : 8)) {
    case 0:
      return nullptr;
    case 1:
      return (r >> 8) % 2 == 0;
    case 2:
      return static_cast<int64_t>((r >> 8) % 3) - 1;
    case 3:
      return static_cast<uint64_t>((r >> 8) % 2);
    case 4:
      return ((r >> 8) % 2 == 0) ? 0.0 : -0.0;
    case 5:
      return static_cast<double>((r >> 8) % 2);
    case 6:
      return std::string((r >> 8) % 2 == 0 ? "a" : "b");
    case 7:
      return std::string((r >> 8) % 2 == 0 ? "" : "a");
    case 8: {
      Json array = Json::array();
      for (uint64_t i = 0; i < (r >> 8) % 3; ++i) array.push_back(DrawJson(seed, depth - 1));
      return array;
    }
    default: {
      Json object = Json::object();
      for (uint64_t i = 0; i < (r >> 8) % 3; ++i) {
        object[((r >> (12 + i)) % 2 == 0) ? "x" : "y"] = DrawJson(seed, depth - 1);
      }
      return object;
    }
  }
}

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

// Method: 20,000 seeded pairs of small values (seed printed), compared both
// ways; each value also with its own copy.
BOOST_AUTO_TEST_CASE(SameJsonAgreesWithTheSimpleForm) {
  uint64_t seed = 20261128;
  BOOST_TEST_MESSAGE("seed " << seed);
  int equal = 0;
  for (int i = 0; i < 20000; ++i) {
    const Json a = DrawJson(&seed, 3);
    const Json b = DrawJson(&seed, 3);
    BOOST_REQUIRE_EQUAL(SameJson(a, b), SimpleSameJson(a, b));
    BOOST_REQUIRE_EQUAL(SameJson(b, a), SimpleSameJson(b, a));
    BOOST_REQUIRE(SameJson(a, Json(a)));
    equal += SameJson(a, b) ? 1 : 0;
  }
  BOOST_CHECK_GT(equal, 100);  // equal pairs are exercised too
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
