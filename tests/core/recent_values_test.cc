// core/recent_values.h: remembers the last N distinct keys, replacing the oldest first.
#include "core/recent_values.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace logact {
namespace {

BOOST_AUTO_TEST_SUITE(RecentValuesTest)

// Up to N keys are kept; the (N+1)-th replaces the oldest, the next one the second oldest.
BOOST_AUTO_TEST_CASE(ReplacesOldestFirst) {
  RecentValues<std::string, int, 3> recent;
  const auto find = [&](const std::string& key) {
    return recent.Find([&](const std::string& seen) { return seen == key; });
  };
  BOOST_CHECK(find("a") == nullptr);
  BOOST_CHECK_EQUAL(recent.Remember("a", 1), 1);
  recent.Remember("b", 2);
  recent.Remember("c", 3);
  BOOST_REQUIRE(find("a") != nullptr);
  BOOST_CHECK_EQUAL(*find("a"), 1);
  BOOST_CHECK_EQUAL(recent.Remember("d", 4), 4);  // replaces "a"
  BOOST_CHECK(find("a") == nullptr);
  BOOST_CHECK_EQUAL(*find("b"), 2);
  BOOST_CHECK_EQUAL(*find("d"), 4);
  recent.Remember("e", 5);  // replaces "b"
  BOOST_CHECK(find("b") == nullptr);
  BOOST_CHECK_EQUAL(*find("c"), 3);
  BOOST_CHECK_EQUAL(*find("e"), 5);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
