#include "core/executor.h"

#include <boost/test/unit_test.hpp>

#include "core/memory_bus.h"
#include "tests/core/component_test_util.h"

namespace logact {
namespace {

using testing::AppendDecision;
using testing::AppendElect;
using testing::AppendIntent;
using testing::AppendResult;
using testing::EntriesOfType;
using testing::FlakyBus;
using testing::RecordingEnvironment;
using testing::RunUntilQuiet;

struct Fixture {
  ManualClock clock;
  MemoryBus bus{&clock};
  RecordingEnvironment env;
  ExecutorOptions Options(const std::string& name = "x0", AgentBus* on = nullptr) {
    return ExecutorOptions{name, on != nullptr ? on : &bus, &clock, &env};
  }
  std::vector<ResultPayload> Results() {
    std::vector<ResultPayload> out;
    for (const Entry& e : EntriesOfType(bus, EntryType::kResult)) out.push_back(e.result());
    return out;
  }
  // Results that are not restart markers.
  std::vector<ResultPayload> ToolResults() {
    std::vector<ResultPayload> out;
    for (const ResultPayload& r : Results()) {
      if (!r.restart) out.push_back(r);
    }
    return out;
  }
};

BOOST_AUTO_TEST_SUITE(Executor)

BOOST_FIXTURE_TEST_CASE(BootAppendsRestartMarkerWithNothingPending, Fixture) {
  // Goal: construction is silent; the first Step appends the marker naming -1.
  logact::Executor executor(Options());
  BOOST_TEST(bus.Tail() == 0);
  BOOST_TEST(executor.HasWork());
  RunUntilQuiet({&executor}, clock);
  const auto results = Results();
  BOOST_REQUIRE(results.size() == 1);
  BOOST_TEST(results[0].intent == -1);
  BOOST_TEST(results[0].restart);
  BOOST_TEST(!results[0].ok);
  BOOST_TEST(results[0].output == "executor restarted");
  BOOST_TEST(!executor.HasWork());
}

BOOST_FIXTURE_TEST_CASE(ExecutesCommittedIntentOnceWithItsKey, Fixture) {
  // Goal: a committed live intent runs once, with the intent position as
  // idempotency key, and its result follows.
  logact::Executor executor(Options());
  RunUntilQuiet({&executor}, clock);  // boot
  const Position p = AppendIntent(bus, "agent", 1, "send_money", {{"amount", 5}});
  AppendDecision(bus, p, true);
  RunUntilQuiet({&executor}, clock);
  BOOST_REQUIRE(env.calls.size() == 1);
  BOOST_TEST(env.calls[0].action.tool == "send_money");
  BOOST_TEST(env.calls[0].action.args == (Json{{"amount", 5}}));
  BOOST_TEST(env.calls[0].intent == p);
  BOOST_TEST(env.calls[0].idempotency_key == std::to_string(p));
  const auto results = ToolResults();
  BOOST_REQUIRE(results.size() == 1);
  BOOST_TEST(results[0].intent == p);
  BOOST_TEST(results[0].ok);
  BOOST_TEST(results[0].output == "send_money done");
}

BOOST_FIXTURE_TEST_CASE(WaitsForToolDurationBeforeTheResult, Fixture) {
  // Goal: the result is appended duration_ms after the call, on the clock.
  env.duration_ms = 300;
  logact::Executor executor(Options());
  RunUntilQuiet({&executor}, clock);  // boot
  const Position p = AppendIntent(bus, "agent", 1, "slow");
  AppendDecision(bus, p, true);
  while (executor.HasWork()) BOOST_REQUIRE(executor.Step().ok());
  BOOST_TEST(env.calls.size() == 1);
  BOOST_TEST(ToolResults().empty());
  BOOST_TEST(executor.NextWakeMs() == 300);
  RunUntilQuiet({&executor}, clock);
  const auto results = EntriesOfType(bus, EntryType::kResult);
  BOOST_REQUIRE(results.size() == 2);
  BOOST_TEST(results[1].ts == 300);
  BOOST_TEST(env.calls.size() == 1);
}

BOOST_FIXTURE_TEST_CASE(ExecutesInLogOrder, Fixture) {
  // Goal: committed intents run in intent order, whatever the commit order.
  const Position p = AppendIntent(bus, "agent", 1, "first");
  const Position q = AppendIntent(bus, "agent", 1, "second");
  AppendDecision(bus, q, true);
  AppendDecision(bus, p, true);
  logact::Executor executor(Options());
  BOOST_REQUIRE(executor.Step().ok());  // boot marker; names q, the last pending
  RunUntilQuiet({&executor}, clock);
  // q was named by the marker: it may have run before a crash, so never again.
  BOOST_REQUIRE(env.calls.size() == 1);
  BOOST_TEST(env.calls[0].intent == p);
  const Position r = AppendIntent(bus, "agent", 1, "third");
  const Position s = AppendIntent(bus, "agent", 1, "fourth");
  AppendDecision(bus, s, true);
  AppendDecision(bus, r, true);
  RunUntilQuiet({&executor}, clock);
  BOOST_REQUIRE(env.calls.size() == 3);
  BOOST_TEST(env.calls[1].intent == r);
  BOOST_TEST(env.calls[2].intent == s);
}

BOOST_FIXTURE_TEST_CASE(DuplicateCommitIgnored, Fixture) {
  // Goal: two commits (duplicate deciders) still execute the intent once.
  logact::Executor executor(Options());
  RunUntilQuiet({&executor}, clock);
  const Position p = AppendIntent(bus, "agent", 1, "pay");
  AppendDecision(bus, p, true, "d0");
  AppendDecision(bus, p, true, "d1");
  RunUntilQuiet({&executor}, clock);
  AppendDecision(bus, p, true, "d2");  // after the result, too
  RunUntilQuiet({&executor}, clock);
  BOOST_TEST(env.calls.size() == 1);
  BOOST_TEST(ToolResults().size() == 1);
}

BOOST_FIXTURE_TEST_CASE(NeverExecutesAborted, Fixture) {
  // Goal: an intent whose first decision is an abort never runs, even if a
  // conflicting commit follows (a timeout abort wins for every reader).
  logact::Executor executor(Options());
  const Position p = AppendIntent(bus, "agent", 1, "rm");
  AppendDecision(bus, p, false);
  AppendDecision(bus, p, true);
  RunUntilQuiet({&executor}, clock);
  BOOST_TEST(env.calls.empty());
  BOOST_TEST(ToolResults().empty());
}

BOOST_FIXTURE_TEST_CASE(NeverExecutesUncommittedOrFenced, Fixture) {
  // Goal: no commit, no execution; a fenced intent is void even when committed.
  AppendElect(bus, "agent", 1);
  const Position undecided = AppendIntent(bus, "agent", 1, "wait");
  AppendElect(bus, "agent", 2);
  const Position fenced = AppendIntent(bus, "agent", 1, "stale");
  AppendDecision(bus, fenced, true);
  logact::Executor executor(Options());
  RunUntilQuiet({&executor}, clock);
  BOOST_TEST(env.calls.empty());
  AppendDecision(bus, undecided, true);  // live: appended before the new elect
  RunUntilQuiet({&executor}, clock);
  BOOST_REQUIRE(env.calls.size() == 1);
  BOOST_TEST(env.calls[0].intent == undecided);
}

BOOST_FIXTURE_TEST_CASE(RestartMarkerNamesPendingIntent, Fixture) {
  // Goal: an executor that crashed mid-call is replaced by one whose marker
  // names the pending intent and which never runs it.
  env.duration_ms = 100;
  auto first = std::make_unique<logact::Executor>(Options());
  RunUntilQuiet({first.get()}, clock);  // boot
  const Position p = AppendIntent(bus, "agent", 1, "transfer");
  AppendDecision(bus, p, true);
  while (first->HasWork()) BOOST_REQUIRE(first->Step().ok());
  BOOST_TEST(env.calls.size() == 1);
  first.reset();  // crash before the result
  logact::Executor second(Options());
  RunUntilQuiet({&second}, clock);
  const auto results = Results();
  BOOST_REQUIRE(results.size() == 2);
  BOOST_TEST(results[1].restart);
  BOOST_TEST(results[1].intent == p);
  BOOST_TEST(env.calls.size() == 1);
  AppendDecision(bus, p, true, "d1");  // a late duplicate commit changes nothing
  RunUntilQuiet({&second}, clock);
  BOOST_TEST(env.calls.size() == 1);
}

BOOST_FIXTURE_TEST_CASE(OldInstanceFencedByNewMarker, Fixture) {
  // Goal: once a newer executor's marker is on the log, the old instance stops
  // for good, dropping a pending result; only the new one executes.
  env.duration_ms = 50;
  logact::Executor old_executor(Options());
  RunUntilQuiet({&old_executor}, clock);
  const Position p = AppendIntent(bus, "agent", 1, "a");
  AppendDecision(bus, p, true);
  BOOST_REQUIRE(old_executor.Step().ok());  // runs p; waits 50 ms
  BOOST_TEST(env.calls.size() == 1);
  logact::Executor new_executor(Options());
  BOOST_REQUIRE(new_executor.Step().ok());  // marker naming p
  clock.AdvanceTo(50);
  BOOST_REQUIRE(old_executor.Step().ok());
  BOOST_TEST(old_executor.Stopped());
  BOOST_TEST(!old_executor.HasWork());
  BOOST_TEST(ToolResults().empty());
  const Position q = AppendIntent(bus, "agent", 1, "b");
  AppendDecision(bus, q, true);
  RunUntilQuiet({&old_executor, &new_executor}, clock);
  BOOST_REQUIRE(env.calls.size() == 2);
  BOOST_TEST(env.calls[1].intent == q);
  const auto results = ToolResults();
  BOOST_REQUIRE(results.size() == 1);
  BOOST_TEST(results[0].intent == q);
  BOOST_TEST(!new_executor.Stopped());
}

BOOST_FIXTURE_TEST_CASE(ToolUnavailableIsReportedNotRetried, Fixture) {
  // Goal: an infrastructure failure becomes a failed result, never a retry.
  env.unavailable.insert("flaky");
  env.failing.insert("broken");
  logact::Executor executor(Options());
  RunUntilQuiet({&executor}, clock);  // boot
  const Position p = AppendIntent(bus, "agent", 1, "flaky");
  AppendDecision(bus, p, true);
  const Position q = AppendIntent(bus, "agent", 1, "broken");
  AppendDecision(bus, q, true);
  RunUntilQuiet({&executor}, clock);
  BOOST_TEST(env.calls.size() == 2);
  const auto results = ToolResults();
  BOOST_REQUIRE(results.size() == 2);
  BOOST_TEST(!results[0].ok);
  BOOST_TEST(results[0].output == "tool unavailable: tool timed out");
  BOOST_TEST(!results[1].ok);
  BOOST_TEST(results[1].output == "broken failed");
}

BOOST_FIXTURE_TEST_CASE(UnknownOutcomeResultIsNeitherRepeatedNorReexecuted, Fixture) {
  // Goal: after an unknown outcome the executor reads the log: a landed result
  // is not repeated; a lost one is appended again without running the tool again.
  FlakyBus flaky(&bus);
  logact::Executor executor(Options("x0", &flaky));
  RunUntilQuiet({&executor}, clock);
  const Position p = AppendIntent(bus, "agent", 1, "a");
  AppendDecision(bus, p, true);
  flaky.FailNext(FlakyBus::Fault::kUnknownLanded);
  BOOST_TEST((executor.Step().code() == StatusCode::kUnknownOutcome));
  RunUntilQuiet({&executor}, clock);
  BOOST_TEST(ToolResults().size() == 1);
  const Position q = AppendIntent(bus, "agent", 1, "b");
  AppendDecision(bus, q, true);
  flaky.FailNext(FlakyBus::Fault::kUnknownLost);
  BOOST_TEST((executor.Step().code() == StatusCode::kUnknownOutcome));
  flaky.FailNext(FlakyBus::Fault::kUnavailable);
  BOOST_TEST((executor.Step().code() == StatusCode::kUnavailable));
  RunUntilQuiet({&executor}, clock);
  BOOST_TEST(ToolResults().size() == 2);
  BOOST_TEST(env.calls.size() == 2);
}

BOOST_FIXTURE_TEST_CASE(UnknownOutcomeMarkerIsNotClaimedFromATwin, Fixture) {
  // Goal: two instances with one principal (two recoverers): the one whose
  // marker append was lost never claims the twin's identical marker, so the
  // committed intent runs once (before, both claimed it and both executed).
  FlakyBus flaky(&bus);
  logact::Executor first(Options("x0", &flaky));
  logact::Executor twin(Options("x0"));
  flaky.FailNext(FlakyBus::Fault::kUnknownLost);
  BOOST_TEST((first.Step().code() == StatusCode::kUnknownOutcome));
  BOOST_TEST(twin.Step().ok());  // the twin's identical marker lands
  RunUntilQuiet({&first, &twin}, clock);
  // The first instance appended a fresh marker of its own, which fences the twin.
  BOOST_TEST(Results().size() == 2);
  BOOST_TEST(twin.Stopped());
  BOOST_TEST(!first.Stopped());
  const Position p = AppendIntent(bus, "agent", 1, "a");
  AppendDecision(bus, p, true);
  RunUntilQuiet({&first, &twin}, clock);
  BOOST_TEST(ToolResults().size() == 1);
  BOOST_TEST(env.calls.size() == 1);
}

BOOST_FIXTURE_TEST_CASE(ReplayDigestEquality, Fixture) {
  // Goal: a fresh executor replaying the same prefix (intents, decisions,
  // results, markers) reaches the same digest, which moves with the log.
  logact::Executor executor(Options());
  const Position p = AppendIntent(bus, "agent", 1, "a");
  AppendDecision(bus, p, true);
  const Position q = AppendIntent(bus, "agent", 1, "b");
  AppendDecision(bus, q, false);
  RunUntilQuiet({&executor}, clock);
  const Position r = AppendIntent(bus, "agent", 1, "c");  // undecided
  BOOST_REQUIRE(executor.Step().ok());
  const std::string before = executor.StateDigest();
  logact::Executor fresh(Options("x1"));
  BOOST_REQUIRE(fresh.Step().ok());  // plays the same prefix, then its marker
  BOOST_TEST(fresh.played() == executor.played());
  BOOST_TEST(fresh.StateDigest() == executor.StateDigest());
  AppendDecision(bus, r, true);
  BOOST_REQUIRE(executor.Step().ok());  // fenced by the fresh marker
  BOOST_REQUIRE(fresh.Step().ok());
  BOOST_TEST(fresh.played() == executor.played());
  BOOST_TEST(fresh.StateDigest() == executor.StateDigest());
  BOOST_TEST(fresh.StateDigest() != before);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
