// Tests of the contract the simulator's scheduler relies on (core/component.h):
// a component's Stopped() and played() change only inside Step() or Restore(),
// so the runner reads them after building, restoring and stepping a component
// and asks no more in between; and a component with entries past played() has
// work, so the runner asks HasWork() only of the engine's components that
// have played up to the tail. Method: every driver and executor (the
// components that stop) is wrapped in a monitor that remembers Stopped() and
// played() after each Step and Restore and compares them at every const call
// the simulator makes, and checks HasWork() against the bus tail; the runs
// cover fencing (two drivers, two recovering executors) and heavy faults
// (crashes, restores from snapshots, duplicates). The wrapped runs must also
// produce byte-identical traces to the plain ones: the monitor observes only,
// and a hook's component is always asked HasWork(), so this also compares the
// runner's shortcut with the full question.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/test/unit_test.hpp>

#include "core/driver.h"
#include "core/executor.h"
#include "sim/simulation.h"
#include "traces/trace_writer.h"

namespace logact::sim {
namespace {

struct MonitorCounts {
  int64_t checks = 0;             // const calls at which Stopped() was compared
  int64_t violations = 0;         // Stopped() differed from its value after the last Step/Restore
  int64_t played_violations = 0;  // likewise played()
  int64_t idle_with_entries = 0;  // HasWork() false although the bus had unplayed entries
  int64_t behind = 0;             // HasWork() calls with unplayed entries on the bus
  int64_t stopped = 0;            // Steps after which a component had stopped
};

// Forwards everything to `inner`; checks that Stopped() and played() only
// change in Step/Restore, and that HasWork() holds while `bus` has entries
// past played().
class StoppedMonitor final : public Component {
 public:
  StoppedMonitor(std::unique_ptr<Component> inner, const AgentBus* bus, MonitorCounts* counts)
      : inner_(std::move(inner)),
        bus_(bus),
        counts_(counts),
        stopped_(inner_->Stopped()),
        played_(inner_->played()) {}
  const std::string& principal() const override { return inner_->principal(); }
  bool HasWork() const override {
    Check();
    const bool has_work = inner_->HasWork();
    if (!inner_->Stopped() && bus_->Tail() > inner_->played()) {
      ++counts_->behind;
      if (!has_work) ++counts_->idle_with_entries;
    }
    return has_work;
  }
  int64_t NextWakeMs() const override {
    Check();
    return inner_->NextWakeMs();
  }
  Status Step() override {
    Check();
    Status status = inner_->Step();
    stopped_ = inner_->Stopped();
    played_ = inner_->played();
    if (stopped_) ++counts_->stopped;
    return status;
  }
  bool Stopped() const override {
    Check();
    return inner_->Stopped();
  }
  std::string StateDigest() const override { return inner_->StateDigest(); }
  Position played() const override { return inner_->played(); }
  std::optional<Snapshot> TakeSnapshot() const override { return inner_->TakeSnapshot(); }
  Status Restore(const Snapshot& snapshot) override {
    Status status = inner_->Restore(snapshot);
    stopped_ = inner_->Stopped();
    played_ = inner_->played();
    return status;
  }

 private:
  void Check() const {
    ++counts_->checks;
    if (inner_->Stopped() != stopped_) ++counts_->violations;
    if (inner_->played() != played_) ++counts_->played_violations;
  }

  std::unique_ptr<Component> inner_;
  const AgentBus* bus_;
  MonitorCounts* counts_;
  bool stopped_;
  Position played_;
};

SimHooks MonitorHooks(MonitorCounts* counts) {
  SimHooks hooks;
  hooks.make_component = [counts](const ComponentRecipe& recipe) -> std::unique_ptr<Component> {
    std::unique_ptr<Component> inner;
    if (recipe.role == "driver") {
      DriverOptions options;
      options.name = recipe.name;
      options.bus = recipe.bus;
      options.clock = recipe.clock;
      options.llm = recipe.llm;
      inner = std::make_unique<Driver>(std::move(options));
    } else if (recipe.role == "executor") {
      ExecutorOptions options;
      options.name = recipe.name;
      options.bus = recipe.bus;
      options.clock = recipe.clock;
      options.environment = recipe.environment;
      inner = std::make_unique<Executor>(std::move(options));
    } else {
      return nullptr;  // voters and deciders never stop (the base class's Stopped)
    }
    return std::make_unique<StoppedMonitor>(std::move(inner), recipe.bus, counts);
  };
  return hooks;
}

std::string Trace(const SimOptions& options, const SimHooks& hooks) {
  traces::TraceWriter writer;
  Result<SimReport> report = RunSimulation(options, {&writer}, hooks);
  BOOST_REQUIRE_MESSAGE(report.has_value(), options.scenario << " seed " << options.seed << ": "
                                                             << report.status().ToString());
  return writer.text();
}

BOOST_AUTO_TEST_SUITE(StoppedCache)

// Goal: drivers and executors change Stopped() and played() only in
// Step/Restore and have work whenever entries are past played(), through
// fencing and heavy faults, and monitoring them changes no byte of the trace.
BOOST_AUTO_TEST_CASE(StoppedChangesOnlyInStepOrRestore) {
  MonitorCounts counts;
  const SimHooks hooks = MonitorHooks(&counts);
  for (const char* scenario : {"bank-pay-bill-duplicate-driver", "bank-pay-bill-two-recoverers",
                               "bank-pay-bill", "files-cleanup"}) {
    for (const char* faults : {"none", "heavy", "swarm"}) {
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        BOOST_TEST_MESSAGE(scenario << " seed " << seed << " faults " << faults);
        SimOptions options;
        options.scenario = scenario;
        options.seed = seed;
        Result<FaultPlan> plan = ParseFaultPlan(faults, seed);
        BOOST_REQUIRE(plan.has_value());
        options.faults = *plan;
        const int64_t violations = counts.violations;
        const int64_t played_violations = counts.played_violations;
        const int64_t idle_with_entries = counts.idle_with_entries;
        const std::string monitored = Trace(options, hooks);
        BOOST_TEST(counts.violations == violations, scenario << " seed " << seed << " " << faults);
        BOOST_TEST(counts.played_violations == played_violations,
                   scenario << " seed " << seed << " " << faults);
        BOOST_TEST(counts.idle_with_entries == idle_with_entries,
                   scenario << " seed " << seed << " " << faults);
        BOOST_TEST(monitored == Trace(options, SimHooks{}),
                   scenario << " seed " << seed << " " << faults);
      }
    }
  }
  BOOST_TEST(counts.checks > 0);
  BOOST_TEST(counts.stopped > 0);  // fencing happened: the contract was exercised
  BOOST_TEST(counts.violations == 0);
  BOOST_TEST(counts.behind > 0);  // the tail rule was exercised
  BOOST_TEST(counts.played_violations == 0);
  BOOST_TEST(counts.idle_with_entries == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::sim
