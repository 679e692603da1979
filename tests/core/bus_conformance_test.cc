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
  Result<Position> Append(Entry&& entry) override { return inner_.Append(std::move(entry)); }
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

namespace logact::conformance {

BOOST_AUTO_TEST_SUITE(MemoryBusStoredRun)

// MemoryBus hands out its entries in place, a chunk (1024 entries) at a time:
// the fast path that PlayLog takes in the simulator is really taken.
BOOST_AUTO_TEST_CASE(RunsReachTheEndOrTheChunkBoundary) {
  MemoryFixture f;
  AppendCycle(f, 2100);
  const MemoryBus& bus = static_cast<const MemoryBus&>(f.bus());
  struct Case {
    Position start, end;
    size_t size;
  };
  for (const Case& c :
       {Case{0, 0, 0}, Case{0, 1, 1}, Case{0, 2100, 1024}, Case{1000, 2000, 24},
        Case{1023, 1024, 1}, Case{1024, 2000, 976}, Case{2048, 2100, 52}, Case{2100, 2100, 0}}) {
    const std::span<const Entry> run = bus.StoredRun(c.start, c.end);
    BOOST_CHECK_EQUAL(run.size(), c.size);
    if (!run.empty()) {
      BOOST_CHECK_EQUAL(run.front().pos, c.start);
      BOOST_CHECK_EQUAL(run.back().pos, c.start + static_cast<Position>(c.size) - 1);
    }
  }
}

// The AgentBus default: no entries in memory, so readers use ForEachEntry.
BOOST_AUTO_TEST_CASE(WrappersWithoutStoredRunReturnNone) {
  PollOnlyFixture f;
  AppendCycle(f, 10);
  BOOST_CHECK(f.bus().StoredRun(0, 10).empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::conformance
