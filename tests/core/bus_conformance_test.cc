// Runs the AgentBus conformance suite (tests/core/bus_conformance.h) against
// the core backends: memory, the AgentBus default ForEachEntry (a wrapper that
// forwards only the pure virtuals), and SQLite in a fresh temporary file.
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

// MemoryBus behind a wrapper that forwards everything except ForEachEntry, so
// the suite also runs the AgentBus default (paging through Poll) that
// wrappers and future backends inherit.
class PollOnlyBus final : public AgentBus {
 public:
  explicit PollOnlyBus(Clock* clock) : inner_(clock) {}
  Result<Position> Append(Entry entry) override { return inner_.Append(std::move(entry)); }
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override {
    return inner_.Read(start, end, filter);
  }
  Position Tail() const override { return inner_.Tail(); }
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override {
    return inner_.Poll(start, filter, max);
  }

 private:
  MemoryBus inner_;
};

struct PollOnlyFixture {
  static constexpr const char* kName = "poll-only wrapper (default ForEachEntry)";
  AgentBus& bus() { return bus_; }
  ManualClock& clock() { return clock_; }

 private:
  ManualClock clock_;
  PollOnlyBus bus_{&clock_};
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
using BusFixtures = boost::mpl::list<MemoryFixture, PollOnlyFixture, SqliteFixture>;

}  // namespace logact::conformance

#include "tests/core/bus_conformance.h"  // after BusFixtures, which it runs over
