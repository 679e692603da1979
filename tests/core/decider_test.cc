#include "core/decider.h"

#include <boost/test/unit_test.hpp>

#include "core/memory_bus.h"
#include "tests/core/component_test_util.h"

namespace logact {
namespace {

using testing::AppendDecision;
using testing::AppendElect;
using testing::AppendIntent;
using testing::AppendMail;
using testing::AppendPolicy;
using testing::AppendVote;
using testing::EntriesOfType;
using testing::FlakyBus;
using testing::RunUntilQuiet;

struct Fixture {
  ManualClock clock;
  MemoryBus bus{&clock};
  int64_t version = 0;
  DeciderOptions Options(const std::string& name = "d0", AgentBus* on = nullptr) {
    return DeciderOptions{name, on != nullptr ? on : &bus, &clock};
  }
  void Policy(Json decider) {
    AppendPolicy(bus, version + 1, version, std::move(decider));
    ++version;
  }
  std::vector<Entry> Decisions() {
    std::vector<Entry> out;
    for (Entry& e : testing::AllEntries(bus)) {
      if (e.type == EntryType::kCommit || e.type == EntryType::kAbort) out.push_back(e);
    }
    return out;
  }
  // Runs the decider until quiet, then returns the decisions on the log.
  std::vector<Entry> Run(logact::Decider& decider) {
    RunUntilQuiet({&decider}, clock);
    return Decisions();
  }
};

const Json kAllOf = {{"kind", "all_of"}, {"types", {"rules", "llm"}}};

BOOST_AUTO_TEST_SUITE(Decider)

BOOST_FIXTURE_TEST_CASE(OnByDefaultCommitsWithoutVotes, Fixture) {
  // Goal: before any policy applies, every live intent is committed at once.
  logact::Decider decider(Options());
  BOOST_TEST(!decider.HasWork());
  const Position p = AppendIntent(bus, "agent", 1, "ls");
  const auto decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 1);
  BOOST_TEST((decisions[0].type == EntryType::kCommit));
  BOOST_TEST(decisions[0].decision().intent == p);
  BOOST_TEST(decisions[0].decision().reason == "on_by_default: committed without votes");
  BOOST_TEST(decisions[0].author == "decider/d0");
}

BOOST_FIXTURE_TEST_CASE(OffByDefaultAbortsWithoutVotes, Fixture) {
  // Goal: off_by_default aborts every intent without waiting for votes.
  Policy({{"kind", "off_by_default"}});
  AppendIntent(bus, "agent", 1, "ls");
  logact::Decider decider(Options());
  const auto decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 1);
  BOOST_TEST((decisions[0].type == EntryType::kAbort));
  BOOST_TEST(!decisions[0].decision().timeout);
}

BOOST_FIXTURE_TEST_CASE(AllOfCommitsOnceEveryTypeApproved, Fixture) {
  // Goal: all_of waits for every listed type, then commits with a reason naming them.
  Policy(kAllOf);
  const Position p = AppendIntent(bus, "agent", 1, "ls");
  logact::Decider decider(Options());
  AppendVote(bus, "fs", "rules", p, true);
  BOOST_TEST(Run(decider).empty());
  AppendVote(bus, "judge", "llm", p, true);
  const auto decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 1);
  BOOST_TEST((decisions[0].type == EntryType::kCommit));
  BOOST_TEST(decisions[0].decision().reason == "all_of: rules and llm approved");
}

BOOST_FIXTURE_TEST_CASE(AllOfAbortsOnFirstDeny, Fixture) {
  // Goal: the first deny of a listed type aborts without waiting for the rest.
  Policy(kAllOf);
  const Position p = AppendIntent(bus, "agent", 1, "rm");
  AppendVote(bus, "fs", "rules", p, false, "system file");
  logact::Decider decider(Options());
  const auto decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 1);
  BOOST_TEST((decisions[0].type == EntryType::kAbort));
  BOOST_TEST(decisions[0].decision().reason == "all_of: rules denied: system file");
  AppendVote(bus, "judge", "llm", p, true);  // too late: decisions are final
  BOOST_TEST(Run(decider).size() == 1);
}

BOOST_FIXTURE_TEST_CASE(AnyOfCommitsOnFirstApproveAndAbortsWhenAllDenied, Fixture) {
  // Goal: any_of is a boolean OR of the listed types.
  Policy({{"kind", "any_of"}, {"types", {"rules", "llm"}}});
  const Position p = AppendIntent(bus, "agent", 1, "a");
  const Position q = AppendIntent(bus, "agent", 1, "b");
  AppendVote(bus, "fs", "rules", p, false);
  AppendVote(bus, "judge", "llm", p, true);
  AppendVote(bus, "fs", "rules", q, false);
  logact::Decider decider(Options());
  auto decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 1);
  BOOST_TEST((decisions[0].type == EntryType::kCommit));
  BOOST_TEST(decisions[0].decision().intent == p);
  BOOST_TEST(decisions[0].decision().reason == "any_of: llm approved");
  AppendVote(bus, "judge", "llm", q, false);
  decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 2);
  BOOST_TEST((decisions[1].type == EntryType::kAbort));
  BOOST_TEST(decisions[1].decision().intent == q);
  BOOST_TEST(decisions[1].decision().reason == "any_of: rules and llm denied");
}

BOOST_FIXTURE_TEST_CASE(QuorumCommitsAtKAndAbortsWhenUnreachable, Fixture) {
  // Goal: quorum k of n commits at k approvals and aborts once k cannot be reached.
  Policy({{"kind", "quorum"}, {"k", 2}, {"types", {"a", "b", "c"}}});
  const Position p = AppendIntent(bus, "agent", 1, "x");
  const Position q = AppendIntent(bus, "agent", 1, "y");
  AppendVote(bus, "va", "a", p, true);
  AppendVote(bus, "vb", "b", p, false);
  AppendVote(bus, "va", "a", q, false);
  logact::Decider decider(Options());
  BOOST_TEST(Run(decider).empty());
  AppendVote(bus, "vc", "c", p, true);
  AppendVote(bus, "vb", "b", q, false);
  const auto decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 2);
  BOOST_TEST(decisions[0].decision().intent == p);
  BOOST_TEST((decisions[0].type == EntryType::kCommit));
  BOOST_TEST(decisions[1].decision().intent == q);
  BOOST_TEST((decisions[1].type == EntryType::kAbort));
}

BOOST_FIXTURE_TEST_CASE(FirstVoterWithoutTypesCountsEveryVote, Fixture) {
  // Goal: first_voter without types lets the first vote of any type decide.
  Policy({{"kind", "first_voter"}});
  const Position p = AppendIntent(bus, "agent", 1, "x");
  AppendVote(bus, "custom", "anything", p, false, "nope");
  AppendVote(bus, "judge", "llm", p, true);
  logact::Decider decider(Options());
  const auto decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 1);
  BOOST_TEST((decisions[0].type == EntryType::kAbort));
  BOOST_TEST(decisions[0].decision().reason == "first_voter: anything denied: nope");
}

BOOST_FIXTURE_TEST_CASE(OnlyFirstVotePerTypeCounts, Fixture) {
  // Goal: a second vote of the same type (another voter, or a repeat) is
  // ignored, and so are votes of types the policy does not list.
  Policy(kAllOf);
  const Position p = AppendIntent(bus, "agent", 1, "x");
  AppendVote(bus, "fs1", "rules", p, true);
  AppendVote(bus, "fs2", "rules", p, false, "second rules voter");
  AppendVote(bus, "custom", "other", p, false, "unlisted type");
  AppendVote(bus, "judge", "llm", p, true);
  logact::Decider decider(Options());
  const auto decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 1);
  BOOST_TEST((decisions[0].type == EntryType::kCommit));
}

BOOST_FIXTURE_TEST_CASE(PolicyAtIntentPositionDecides, Fixture) {
  // Goal: an intent is judged by the policy in force at its position, even when
  // a new policy applies before its votes arrive; later intents use the new one.
  Policy({{"kind", "all_of"}, {"types", {"rules"}}});
  const Position p = AppendIntent(bus, "agent", 1, "x");
  Policy({{"kind", "off_by_default"}});
  const Position q = AppendIntent(bus, "agent", 1, "y");
  logact::Decider decider(Options());
  auto decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 1);
  BOOST_TEST(decisions[0].decision().intent == q);
  BOOST_TEST((decisions[0].type == EntryType::kAbort));
  AppendVote(bus, "fs", "rules", p, true);
  decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 2);
  BOOST_TEST(decisions[1].decision().intent == p);
  BOOST_TEST((decisions[1].type == EntryType::kCommit));
}

BOOST_FIXTURE_TEST_CASE(SkippedPolicyEntryChangesNothing, Fixture) {
  // Goal: a policy whose expected_version is not the version in force is skipped.
  AppendPolicy(bus, 5, 3, {{"kind", "off_by_default"}});
  AppendIntent(bus, "agent", 1, "x");
  logact::Decider decider(Options());
  const auto decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 1);
  BOOST_TEST((decisions[0].type == EntryType::kCommit));
}

BOOST_FIXTURE_TEST_CASE(TimeoutAbort, Fixture) {
  // Goal: an intent still undecided timeout_ms after its ts is aborted with
  // timeout:true, not a millisecond earlier.
  clock.AdvanceTo(1000);
  Policy({{"kind", "all_of"}, {"types", {"rules"}}, {"timeout_ms", 500}});
  const Position p = AppendIntent(bus, "agent", 1, "x");
  logact::Decider decider(Options());
  BOOST_REQUIRE(decider.Step().ok());
  BOOST_TEST(!decider.HasWork());
  BOOST_TEST(decider.NextWakeMs() == 1500);
  clock.AdvanceTo(1499);
  BOOST_TEST(!decider.HasWork());
  BOOST_TEST(Decisions().empty());
  clock.AdvanceTo(1500);
  BOOST_TEST(decider.HasWork());
  BOOST_REQUIRE(decider.Step().ok());
  const auto decisions = Decisions();
  BOOST_REQUIRE(decisions.size() == 1);
  BOOST_TEST((decisions[0].type == EntryType::kAbort));
  BOOST_TEST(decisions[0].decision().intent == p);
  BOOST_TEST(decisions[0].decision().timeout);
  BOOST_TEST(decisions[0].decision().reason == "all_of: timeout: undecided after 500 ms");
  AppendVote(bus, "fs", "rules", p, true);
  BOOST_TEST(Run(decider).size() == 1);
}

BOOST_FIXTURE_TEST_CASE(VotesBeforeTheTimeoutDecide, Fixture) {
  // Goal: when the votes already force a decision, the timeout does not apply.
  Policy({{"kind", "all_of"}, {"types", {"rules"}}, {"timeout_ms", 10}});
  const Position p = AppendIntent(bus, "agent", 1, "x");
  AppendVote(bus, "fs", "rules", p, true);
  clock.AdvanceTo(50);
  logact::Decider decider(Options());
  const auto decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 1);
  BOOST_TEST((decisions[0].type == EntryType::kCommit));
  BOOST_TEST(!decisions[0].decision().timeout);
}

BOOST_FIXTURE_TEST_CASE(DuplicateDeciderDoesNotDecideTwice, Fixture) {
  // Goal: a second decider that plays a decision already on the log never
  // appends another, even one it would have reached differently (a timeout).
  Policy({{"kind", "all_of"}, {"types", {"rules"}}, {"timeout_ms", 100}});
  const Position p = AppendIntent(bus, "agent", 1, "x");
  const Position q = AppendIntent(bus, "agent", 1, "y");
  logact::Decider first(Options("d0"));
  logact::Decider second(Options("d1"));
  BOOST_REQUIRE(first.Step().ok());
  BOOST_REQUIRE(second.Step().ok());
  AppendVote(bus, "fs", "rules", p, true);
  BOOST_REQUIRE(first.Step().ok());  // commits p
  clock.AdvanceTo(100);
  BOOST_REQUIRE(first.Step().ok());  // timeout-aborts q
  RunUntilQuiet({&first, &second}, clock);
  const auto decisions = Decisions();
  BOOST_REQUIRE(decisions.size() == 2);
  BOOST_TEST(decisions[0].decision().intent == p);
  BOOST_TEST(decisions[1].decision().intent == q);
  BOOST_TEST(decisions[1].decision().timeout);
  AppendVote(bus, "fs", "rules", q, true);  // would commit q: ignored by both
  RunUntilQuiet({&first, &second}, clock);
  BOOST_TEST(Decisions().size() == 2);
  BOOST_TEST(first.StateDigest() == second.StateDigest());
}

BOOST_FIXTURE_TEST_CASE(IgnoresFencedIntentsAndVotesForUnknownIntents, Fixture) {
  // Goal: a fenced intent is never decided, and votes naming a fenced intent or
  // a position that is not an intent change nothing.
  AppendElect(bus, "agent", 1);
  AppendElect(bus, "agent", 2);
  const Position fenced = AppendIntent(bus, "agent", 1, "x");
  const Position mail = AppendMail(bus, "alice", "hello");
  Policy({{"kind", "first_voter"}});
  AppendVote(bus, "fs", "rules", fenced, true);
  AppendVote(bus, "fs", "rules", mail, true);
  logact::Decider decider(Options());
  BOOST_TEST(Run(decider).empty());
  const Position live = AppendIntent(bus, "agent", 2, "y");
  AppendVote(bus, "fs", "rules", live, true);
  const auto decisions = Run(decider);
  BOOST_REQUIRE(decisions.size() == 1);
  BOOST_TEST(decisions[0].decision().intent == live);
}

BOOST_FIXTURE_TEST_CASE(UnknownOutcomeIsReadBeforeRetrying, Fixture) {
  // Goal: after kUnknownOutcome the decider replays first: a decision that
  // landed is not repeated, one that was lost is appended again.
  FlakyBus flaky(&bus);
  logact::Decider decider(Options("d0", &flaky));
  AppendIntent(bus, "agent", 1, "x");
  flaky.FailNext(FlakyBus::Fault::kUnknownLanded);
  BOOST_TEST((decider.Step().code() == StatusCode::kUnknownOutcome));
  RunUntilQuiet({&decider}, clock);
  BOOST_TEST(Decisions().size() == 1);
  AppendIntent(bus, "agent", 1, "y");
  flaky.FailNext(FlakyBus::Fault::kUnknownLost);
  BOOST_TEST((decider.Step().code() == StatusCode::kUnknownOutcome));
  BOOST_TEST(Decisions().size() == 1);
  RunUntilQuiet({&decider}, clock);
  BOOST_TEST(Decisions().size() == 2);
}

BOOST_FIXTURE_TEST_CASE(ReplayDigestEquality, Fixture) {
  // Goal: a fresh decider that replays the same prefix (policies, votes,
  // decisions, a pending intent) reaches the same digest.
  Policy(kAllOf);
  const Position p = AppendIntent(bus, "agent", 1, "x");
  AppendVote(bus, "fs", "rules", p, true);
  AppendVote(bus, "judge", "llm", p, true);
  Policy({{"kind", "quorum"}, {"k", 1}, {"types", {"rules"}}});
  const Position q = AppendIntent(bus, "agent", 1, "y");
  AppendVote(bus, "judge", "llm", q, true);  // unlisted: q stays pending
  logact::Decider decider(Options());
  Run(decider);
  BOOST_TEST(Decisions().size() == 1);
  // Restart: the replica plays everything, including its predecessor's commit.
  logact::Decider fresh(Options());
  BOOST_REQUIRE(fresh.Step().ok());
  BOOST_TEST(fresh.played() == decider.played());
  BOOST_TEST(fresh.StateDigest() == decider.StateDigest());
  BOOST_TEST(Decisions().size() == 1);
  // Both replicas then decide q identically and stay equal, at a new digest.
  const std::string before = decider.StateDigest();
  AppendVote(bus, "fs", "rules", q, false);
  RunUntilQuiet({&decider, &fresh}, clock);
  BOOST_TEST(Decisions().size() == 2);
  BOOST_TEST(fresh.StateDigest() == decider.StateDigest());
  BOOST_TEST(decider.StateDigest() != before);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
