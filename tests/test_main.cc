// The shared Boost.Test entry point of every test executable.
#define BOOST_TEST_MODULE logact_tests
#include <boost/test/unit_test.hpp>
