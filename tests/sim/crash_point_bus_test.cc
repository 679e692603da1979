// Tests of CrashPointBus's direct tail (sim/fault_injector.h): reading the
// tail from the MemoryBus under the recorder answers what the chain of
// forwarding Tail() calls answers, after every kind of append.
#include <memory>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/entry.h"
#include "core/memory_bus.h"
#include "sim/fault_injector.h"
#include "sim/recorder.h"
#include "sim/sim_clock.h"
#include "sim/simulation.h"
#include "traces/trace_writer.h"

namespace logact::sim {
namespace {

BOOST_AUTO_TEST_SUITE(CrashPointBusTail)

// The same appends seen through a direct-tail wrapper, a forwarding one and
// the recorder itself: one tail at every point, refused appends included.
BOOST_AUTO_TEST_CASE(DirectTailIsTheForwardedTail) {
  SimClock clock;
  const std::vector<Action> injected;
  auto memory = std::make_unique<MemoryBus>(&clock);
  const MemoryBus* storage = memory.get();
  RecordingBus recorder(std::move(memory), &clock, {}, &injected);
  FaultInjector injector(FaultPlan{}, SeedStreams(1), &clock, {});
  CrashPointBus direct(&recorder, &injector, "external/alice", storage);
  CrashPointBus forwarding(&recorder, &injector, "external/alice");
  BOOST_TEST(direct.Tail() == 0);
  BOOST_TEST(forwarding.Tail() == 0);
  for (int i = 0; i < 5; ++i) {
    AgentBus* through = i % 2 == 0 ? static_cast<AgentBus*>(&direct) : &forwarding;
    BOOST_TEST(through->Append(MakeMail("external/alice", "alice", "mail")).has_value());
    // An author outside the access control list is refused: the tail stays.
    BOOST_TEST(!through->Append(MakeMail("driver/agent", "alice", "forged")).has_value());
    BOOST_TEST(direct.Tail() == recorder.Tail());
    BOOST_TEST(forwarding.Tail() == recorder.Tail());
  }
  BOOST_TEST(recorder.Tail() == 5);
}

// A wrapped storage turns the direct tail off (the wrapper may answer Tail()
// its own way): the same run, with crashes and restarts, gives the same trace.
BOOST_AUTO_TEST_CASE(WrappedStorageGivesTheSameRun) {
  SimOptions options;
  options.seed = 3;
  Result<FaultPlan> plan = ParseFaultPlan("crash=0.05,crash_mid_step=0.05", options.seed);
  BOOST_TEST_REQUIRE(plan.has_value());
  options.faults = *plan;
  traces::TraceWriter plain;
  Result<SimReport> direct = RunSimulation(options, {&plain});
  BOOST_TEST_REQUIRE(direct.has_value());
  BOOST_TEST(direct->restarts > 0);
  bool wrapped = false;
  SimHooks hooks;
  hooks.wrap_bus = [&wrapped](std::unique_ptr<AgentBus> inner) {
    wrapped = true;
    return inner;  // the same storage, but now the simulator cannot know it
  };
  traces::TraceWriter through_hook;
  Result<SimReport> forwarded = RunSimulation(options, {&through_hook}, hooks);
  BOOST_TEST_REQUIRE(forwarded.has_value());
  BOOST_TEST(wrapped);
  BOOST_TEST(through_hook.text() == plain.text());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::sim
