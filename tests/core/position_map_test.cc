// core/position_map.h: a PositionMap must behave as the std::map it replaces
// (same contents in the same order after the same operations), so that the
// components' digests and snapshots do not change.
#include "core/position_map.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <vector>

#include "core/random.h"

namespace logact {
namespace {

// A seeded SplitMix64 stream (the test needs no named simulator stream).
class TestRandom : public Random {
 public:
  explicit TestRandom(uint64_t seed) : state_(seed) {}
  uint64_t NextU64() override {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

BOOST_AUTO_TEST_SUITE(PositionMapTest)

// Method: 20,000 seeded operations (emplace mostly at the end as in log order,
// sometimes anywhere; erase by position and by iterator; find, count, at),
// each applied to a PositionMap and a std::map; contents and answers must agree.
BOOST_AUTO_TEST_CASE(MatchesStdMap) {
  TestRandom random(20261128);
  BOOST_TEST_MESSAGE("seed 20261128");
  PositionMap<int> fast;
  std::map<Position, int> simple;
  Position next = 0;
  for (int step = 0; step < 20000; ++step) {
    const int op = static_cast<int>(random.UniformInRange(0, 9));
    const Position any = random.UniformInRange(0, next + 2);
    const int value = static_cast<int>(random.UniformInRange(0, 1000));
    if (op <= 3) {
      next += random.UniformInRange(1, 3);
      BOOST_REQUIRE_EQUAL(fast.emplace(next, value), simple.emplace(next, value).second);
    } else if (op == 4) {
      BOOST_REQUIRE_EQUAL(fast.emplace(any, value), simple.emplace(any, value).second);
    } else if (op <= 6) {
      BOOST_REQUIRE_EQUAL(fast.erase(any), simple.erase(any));
    } else if (op == 7 && !simple.empty()) {
      fast.erase(fast.begin());
      simple.erase(simple.begin());
    } else {
      BOOST_REQUIRE_EQUAL(fast.count(any), simple.count(any));
      BOOST_REQUIRE_EQUAL(fast.find(any) == fast.end(), simple.find(any) == simple.end());
      if (simple.count(any) == 1) BOOST_REQUIRE_EQUAL(fast.at(any), simple.at(any));
    }
    BOOST_REQUIRE_EQUAL(fast.size(), simple.size());
    BOOST_REQUIRE_EQUAL(fast.empty(), simple.empty());
    if (step % 97 == 0 || fast.size() < 4) {
      std::vector<std::pair<Position, int>> a(fast.begin(), fast.end());
      std::vector<std::pair<Position, int>> b(simple.begin(), simple.end());
      BOOST_REQUIRE(a == b);
    }
  }
}

// emplace keeps the first value of a position, as std::map::emplace does.
BOOST_AUTO_TEST_CASE(EmplaceKeepsTheFirstValue) {
  PositionMap<int> map;
  BOOST_CHECK(map.emplace(5, 1));
  BOOST_CHECK(map.emplace(2, 2));
  BOOST_CHECK(!map.emplace(5, 3));
  BOOST_CHECK(!map.emplace(2, 4));
  BOOST_CHECK_EQUAL(map.at(5), 1);
  BOOST_CHECK_EQUAL(map.at(2), 2);
  BOOST_CHECK_EQUAL(map.begin()->first, 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
