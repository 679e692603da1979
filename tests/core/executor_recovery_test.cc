// Tests of the executor's idempotency keys across a restart (core/executor.h):
// a re-proposal of an action whose outcome a restart marker left unknown
// carries the original key, within its task only.
#include <boost/test/unit_test.hpp>

#include "core/executor.h"
#include "core/memory_bus.h"
#include "tests/core/component_test_util.h"

namespace logact {
namespace {

using testing::AppendDecision;
using testing::AppendIntent;
using testing::MustAppend;
using testing::RecordingEnvironment;
using testing::RunUntilQuiet;

struct RecoveryFixture {
  ManualClock clock;
  MemoryBus bus{&clock};
  RecordingEnvironment env;
  ExecutorOptions Options() { return ExecutorOptions{"x0", &bus, &clock, &env}; }
  const Json pay = Json{{"recipient", "UK1"}, {"amount", 98.7}};
  // p committed and left without a result by a crashed executor: the next
  // executor's marker names it. Returns p.
  Position CommittedThenRestart() {
    const Position p = AppendIntent(bus, "agent", 1, "send_money", pay);
    AppendDecision(bus, p, true);
    logact::Executor rebooted(Options());
    RunUntilQuiet({&rebooted}, clock);  // marker only: p is never run on its own
    BOOST_TEST(env.calls.empty());
    return p;
  }
};

BOOST_AUTO_TEST_SUITE(ExecutorRecovery)

BOOST_FIXTURE_TEST_CASE(ReproposalInheritsTheInterruptedKey, RecoveryFixture) {
  // Goal: after a marker naming p, the re-proposed identical action runs
  // under p's key; another action keeps its own position as key.
  const Position p = CommittedThenRestart();
  logact::Executor executor(Options());
  RunUntilQuiet({&executor}, clock);
  const Position probe = AppendIntent(bus, "agent", 1, "get_most_recent_transactions");
  AppendDecision(bus, probe, true);
  const Position q = AppendIntent(bus, "agent", 1, "send_money", pay);
  AppendDecision(bus, q, true);
  RunUntilQuiet({&executor}, clock);
  BOOST_REQUIRE(env.calls.size() == 2);
  BOOST_TEST(env.calls[0].intent == probe);
  BOOST_TEST(env.calls[0].idempotency_key == std::to_string(probe));
  BOOST_TEST(env.calls[1].intent == q);
  BOOST_TEST(env.calls[1].idempotency_key == std::to_string(p));
}

BOOST_FIXTURE_TEST_CASE(KeyEndsWithTheTaskOrAnOkResult, RecoveryFixture) {
  // Goal: the same action in a later task (after an output), or after the
  // re-submission succeeded, is new work with a new key.
  const Position p = CommittedThenRestart();
  logact::Executor executor(Options());
  RunUntilQuiet({&executor}, clock);
  const Position q = AppendIntent(bus, "agent", 1, "send_money", pay);
  AppendDecision(bus, q, true);
  RunUntilQuiet({&executor}, clock);  // ok result under p's key
  const Position r = AppendIntent(bus, "agent", 1, "send_money", pay);
  AppendDecision(bus, r, true);
  RunUntilQuiet({&executor}, clock);
  BOOST_REQUIRE(env.calls.size() == 2);
  BOOST_TEST(env.calls[0].idempotency_key == std::to_string(p));
  BOOST_TEST(env.calls[1].idempotency_key == std::to_string(r));

  // A second interruption, then the task ends before any re-proposal.
  const Position s = AppendIntent(bus, "agent", 1, "send_money", pay);
  AppendDecision(bus, s, true);
  logact::Executor third(Options());
  RunUntilQuiet({&third}, clock);
  MustAppend(bus, MakeOutput("driver/agent", "done"));
  const Position t = AppendIntent(bus, "agent", 1, "send_money", pay);
  AppendDecision(bus, t, true);
  RunUntilQuiet({&third}, clock);
  BOOST_REQUIRE(env.calls.size() == 3);
  BOOST_TEST(env.calls[2].intent == t);
  BOOST_TEST(env.calls[2].idempotency_key == std::to_string(t));
}

BOOST_FIXTURE_TEST_CASE(InheritedKeysSurviveSnapshotAndReplay, RecoveryFixture) {
  // Goal: the key table is replicated state: a replica restored from a
  // snapshot, and one replayed from 0, derive the same key and digest.
  const Position p = CommittedThenRestart();
  logact::Executor first(Options());
  RunUntilQuiet({&first}, clock);
  std::optional<Snapshot> snapshot = first.TakeSnapshot();
  BOOST_REQUIRE(snapshot.has_value());
  logact::Executor restored(Options());
  BOOST_REQUIRE(restored.Restore(*snapshot).ok());
  BOOST_TEST(restored.StateDigest() == first.StateDigest());
  RunUntilQuiet({&restored}, clock);  // boot: its marker names nothing
  const Position q = AppendIntent(bus, "agent", 1, "send_money", pay);
  AppendDecision(bus, q, true);
  RunUntilQuiet({&restored}, clock);
  BOOST_REQUIRE(env.calls.size() == 1);
  BOOST_TEST(env.calls[0].intent == q);
  BOOST_TEST(env.calls[0].idempotency_key == std::to_string(p));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
