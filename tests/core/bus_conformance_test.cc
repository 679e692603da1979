// Runs the AgentBus conformance suite (tests/core/bus_conformance.h) against
// the core backends: memory, and SQLite in a fresh temporary file.
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/memory_bus.h"
#include "core/sqlite_bus.h"
#include "tests/core/bus_test_util.h"

namespace logact::conformance {

struct MemoryFixture {
  static constexpr const char* kName = "memory";
  AgentBus& bus() { return bus_; }
  ManualClock& clock() { return clock_; }

 private:
  ManualClock clock_;
  MemoryBus bus_{&clock_};
};

struct SqliteFixture {
  static constexpr const char* kName = "sqlite";
  SqliteFixture() : path_(testing::TempDatabasePath("conformance")) {
    // synchronous=NORMAL keeps the suite fast; durability has its own tests.
    Result<std::unique_ptr<SqliteBus>> bus =
        SqliteBus::Open(path_, &clock_, {SqliteBusOptions::Synchronous::kNormal});
    BOOST_REQUIRE_MESSAGE(bus.has_value(), bus.status().ToString());
    bus_ = std::move(bus).value();
  }
  ~SqliteFixture() {
    bus_.reset();
    testing::RemoveDatabase(path_);
  }
  AgentBus& bus() { return *bus_; }
  ManualClock& clock() { return clock_; }

 private:
  ManualClock clock_;
  std::string path_;
  std::unique_ptr<SqliteBus> bus_;
};

// The registry: one line per backend fixture.
using BusFixtures = boost::mpl::list<MemoryFixture, SqliteFixture>;

}  // namespace logact::conformance

#include "tests/core/bus_conformance.h"  // after BusFixtures, which it runs over
