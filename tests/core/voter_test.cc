#include "core/voter.h"

#include <boost/test/unit_test.hpp>

#include "core/memory_bus.h"
#include "tests/core/component_test_util.h"

namespace logact {
namespace {

using testing::AppendDecision;
using testing::AppendElect;
using testing::AppendIntent;
using testing::AppendPolicy;
using testing::EntriesOfType;
using testing::FlakyBus;
using testing::RunUntilQuiet;
using testing::ScriptedLlm;

// Allows send_money, denies it above 100, denies everything else by default.
const Json kMoneyRules = Json::parse(R"({
  "voter": "bank", "type": "rules", "default": "deny",
  "rules": [
    {"id": "pay", "effect": "allow", "when": {"tool": "send_money"}, "reason": "payments ok"},
    {"id": "big", "effect": "deny", "when": {"arg": "amount", "gt": 100}, "reason": "too much"}
  ]})");
// Allows everything.
const Json kAllowAll = Json::parse(R"({"voter": "bank", "type": "rules", "default": "allow",
                                       "rules": []})");

VoterConfig MustParse(const Json& document) {
  Result<VoterConfig> config = ParseVoterConfig(document, "voter");
  BOOST_REQUIRE_MESSAGE(config.has_value(), config.status().ToString());
  return std::move(config).value();
}

struct Fixture {
  ManualClock clock;
  MemoryBus bus{&clock};
  ScriptedLlm llm;
  VoterOptions Options(const std::string& name, const std::string& type, AgentBus* on = nullptr) {
    return VoterOptions{name, type, on != nullptr ? on : &bus, &clock};
  }
  std::unique_ptr<logact::Voter> RuleVoter(const Json& document, AgentBus* on = nullptr) {
    return std::make_unique<logact::Voter>(Options("bank", "rules", on),
                                           std::make_unique<RuleVotingLogic>(MustParse(document)));
  }
  std::unique_ptr<logact::Voter> LlmVoter() {
    return std::make_unique<logact::Voter>(Options("judge", "llm"),
                                           std::make_unique<LlmVotingLogic>("voter/judge", &llm));
  }
  std::vector<VotePayload> Votes() {
    std::vector<VotePayload> out;
    for (const Entry& e : EntriesOfType(bus, EntryType::kVote)) out.push_back(e.vote());
    return out;
  }
};

BOOST_AUTO_TEST_SUITE(Voter)

BOOST_FIXTURE_TEST_CASE(RuleVoterApprovesByMatchingRule, Fixture) {
  // Goal: a matching allow approves with the rule's reason; the vote names us.
  auto voter = RuleVoter(kMoneyRules);
  BOOST_TEST(!voter->HasWork());
  const Position p = AppendIntent(bus, "agent", 1, "send_money", {{"amount", 20}});
  RunUntilQuiet({voter.get()}, clock);
  const auto votes = Votes();
  BOOST_REQUIRE(votes.size() == 1);
  BOOST_TEST(votes[0].intent == p);
  BOOST_TEST(votes[0].voter == "bank");
  BOOST_TEST(votes[0].voter_type == "rules");
  BOOST_TEST(votes[0].approve);
  BOOST_TEST(votes[0].reason == "payments ok");
}

BOOST_FIXTURE_TEST_CASE(RuleVoterDenyBeatsAllow, Fixture) {
  // Goal: when an allow and a deny both match, the deny wins with its reason.
  auto voter = RuleVoter(kMoneyRules);
  AppendIntent(bus, "agent", 1, "send_money", {{"amount", 500}});
  RunUntilQuiet({voter.get()}, clock);
  const auto votes = Votes();
  BOOST_REQUIRE(votes.size() == 1);
  BOOST_TEST(!votes[0].approve);
  BOOST_TEST(votes[0].reason == "too much");
}

BOOST_FIXTURE_TEST_CASE(RuleVoterDefaultReason, Fixture) {
  // Goal: with no matching rule, the default applies and the reason says so.
  auto deny = RuleVoter(kMoneyRules);
  AppendIntent(bus, "agent", 1, "delete_file", {{"path", "/etc"}});
  RunUntilQuiet({deny.get()}, clock);
  BOOST_REQUIRE(Votes().size() == 1);
  BOOST_TEST(!Votes()[0].approve);
  BOOST_TEST(Votes()[0].reason == "default deny");
  RuleVotingLogic allow(MustParse(kAllowAll));
  const VoteDecision decision = allow.Judge(0, IntentPayload{Action{"x", Json::object()}, "a", 1});
  BOOST_TEST(decision.approve);
  BOOST_TEST(decision.reason == "default allow");
  BOOST_TEST(decision.latency_ms == 0);
}

BOOST_FIXTURE_TEST_CASE(RuleVoterRememberedDecisionsMatchFreshOnes, Fixture) {
  // Goal: the rule logic's remembered decisions are exactly those of a logic
  // that never judged before. Method: judge a seeded mix of recurring actions
  // (more than it remembers; amounts 1 and 1.0 apart; another tool) with one
  // logic, each also with a fresh logic, across a reconfiguration.
  RuleVotingLogic cached(MustParse(kMoneyRules));
  std::vector<Action> actions;
  for (int i = 0; i < 12; ++i) actions.push_back(Action{"send_money", Json{{"amount", 95 + i}}});
  actions.push_back(Action{"send_money", Json{{"amount", 101.0}}});
  actions.push_back(Action{"delete_file", Json{{"amount", 1}}});
  for (int round = 0; round < 2; ++round) {
    const Json& document = round == 0 ? kMoneyRules : kAllowAll;
    if (round == 1) BOOST_REQUIRE(cached.Reconfigure(document));
    for (size_t i = 0; i < 200; ++i) {
      const Action& action = actions[(i * 7 + i / 13) % actions.size()];
      const IntentPayload intent{action, "agent", 1};
      RuleVotingLogic fresh(MustParse(document));
      const VoteDecision want = fresh.Judge(0, intent);
      const VoteDecision got = cached.Judge(0, intent);
      BOOST_REQUIRE_EQUAL(got.approve, want.approve);
      BOOST_REQUIRE_EQUAL(got.reason, want.reason);
      BOOST_REQUIRE_EQUAL(got.latency_ms, want.latency_ms);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(LlmVoterAsksAndFollowsTheAnswer, Fixture) {
  // Goal: the LLM voter sends one user message with the action text as
  // voter/<name>, and follows a well-formed answer.
  auto voter = LlmVoter();
  llm.Push("voter/judge", R"({"approve":true,"reason":"matches the task"})");
  llm.Push("voter/judge", R"( {"approve":false} )");
  AppendIntent(bus, "agent", 1, "delete_file", {{"path", "/tmp/a"}});
  AppendIntent(bus, "agent", 1, "delete_file", {{"path", "/etc/passwd"}});
  RunUntilQuiet({voter.get()}, clock);
  BOOST_REQUIRE(llm.requests.size() == 2);
  BOOST_TEST(llm.requests[0].caller == "voter/judge");
  BOOST_REQUIRE(llm.requests[0].messages.size() == 1);
  BOOST_TEST(llm.requests[0].messages[0].role == "user");
  BOOST_TEST(llm.requests[0].messages[0].text.find(
                 R"({"args":{"path":"/tmp/a"},"tool":"delete_file"})") != std::string::npos);
  BOOST_TEST(llm.requests[0].messages[0].text.find(R"("approve")") != std::string::npos);
  const auto votes = Votes();
  BOOST_REQUIRE(votes.size() == 2);
  BOOST_TEST(votes[0].approve);
  BOOST_TEST(votes[0].reason == "matches the task");
  BOOST_TEST(!votes[1].approve);
  BOOST_TEST(votes[1].reason == "llm denied");
}

BOOST_FIXTURE_TEST_CASE(LlmFailureDenies, Fixture) {
  // Goal: an Llm error is a deny whose reason says the model failed.
  auto voter = LlmVoter();
  llm.PushError("voter/judge");
  AppendIntent(bus, "agent", 1, "x");
  RunUntilQuiet({voter.get()}, clock);
  const auto votes = Votes();
  BOOST_REQUIRE(votes.size() == 1);
  BOOST_TEST(!votes[0].approve);
  BOOST_TEST(votes[0].reason.rfind("llm failed: Unavailable", 0) == 0);
}

BOOST_FIXTURE_TEST_CASE(LlmUnparseableAnswerDenies, Fixture) {
  // Goal: an answer that is not {"approve":bool,...} is a deny saying why.
  auto voter = LlmVoter();
  llm.Push("voter/judge", "Sure, go ahead!");
  llm.Push("voter/judge", R"({"approve":"yes"})");
  AppendIntent(bus, "agent", 1, "x");
  AppendIntent(bus, "agent", 1, "y");
  RunUntilQuiet({voter.get()}, clock);
  const auto votes = Votes();
  BOOST_REQUIRE(votes.size() == 2);
  BOOST_TEST(!votes[0].approve);
  BOOST_TEST(votes[0].reason.rfind("unparseable llm answer: not JSON", 0) == 0);
  BOOST_TEST(!votes[1].approve);
  BOOST_TEST(votes[1].reason == "unparseable llm answer: 'approve' must be true or false");
}

BOOST_FIXTURE_TEST_CASE(VoteWaitsForTheJudgementLatency, Fixture) {
  // Goal: the vote is appended latency_ms after the judgement, on the clock.
  auto voter = LlmVoter();
  llm.Push("voter/judge", R"({"approve":true})", 300);
  AppendIntent(bus, "agent", 1, "x");
  while (voter->HasWork()) BOOST_REQUIRE(voter->Step().ok());
  BOOST_TEST(Votes().empty());
  BOOST_TEST(voter->NextWakeMs() == 300);
  clock.AdvanceTo(299);
  BOOST_TEST(!voter->HasWork());
  RunUntilQuiet({voter.get()}, clock);
  const auto votes = EntriesOfType(bus, EntryType::kVote);
  BOOST_REQUIRE(votes.size() == 1);
  BOOST_TEST(votes[0].ts == 300);
  BOOST_TEST(llm.requests.size() == 1);
}

BOOST_FIXTURE_TEST_CASE(SkipsFencedAndDecidedIntents, Fixture) {
  // Goal: no vote for a fenced intent, nor for one already decided.
  auto voter = RuleVoter(kAllowAll);
  AppendElect(bus, "agent", 2);
  AppendIntent(bus, "agent", 1, "fenced");
  const Position decided = AppendIntent(bus, "agent", 2, "decided");
  AppendDecision(bus, decided, true);
  const Position live = AppendIntent(bus, "agent", 2, "live");
  RunUntilQuiet({voter.get()}, clock);
  const auto votes = Votes();
  BOOST_REQUIRE(votes.size() == 1);
  BOOST_TEST(votes[0].intent == live);
}

BOOST_FIXTURE_TEST_CASE(VotesOncePerIntentInLogOrder, Fixture) {
  // Goal: every live intent gets exactly one vote, in intent order.
  auto voter = RuleVoter(kAllowAll);
  std::vector<Position> intents;
  for (int i = 0; i < 4; ++i) intents.push_back(AppendIntent(bus, "agent", 1, "t"));
  RunUntilQuiet({voter.get()}, clock);
  intents.push_back(AppendIntent(bus, "agent", 1, "t"));
  RunUntilQuiet({voter.get()}, clock);
  const auto votes = Votes();
  BOOST_REQUIRE(votes.size() == intents.size());
  for (size_t i = 0; i < votes.size(); ++i) BOOST_TEST(votes[i].intent == intents[i]);
}

BOOST_FIXTURE_TEST_CASE(RestartedVoterDoesNotVoteTwice, Fixture) {
  // Goal: a new incarnation with the same name skips intents its predecessor
  // voted on and resumes with the next one.
  auto first = RuleVoter(kAllowAll);
  const Position p = AppendIntent(bus, "agent", 1, "a");
  RunUntilQuiet({first.get()}, clock);
  first.reset();
  const Position q = AppendIntent(bus, "agent", 1, "b");
  auto second = RuleVoter(kAllowAll);
  RunUntilQuiet({second.get()}, clock);
  const auto votes = Votes();
  BOOST_REQUIRE(votes.size() == 2);
  BOOST_TEST(votes[0].intent == p);
  BOOST_TEST(votes[1].intent == q);
}

BOOST_FIXTURE_TEST_CASE(HotSwapViaPolicyEntry, Fixture) {
  // Goal: an applied policy with this voter's document reconfigures it; a
  // policy that omits it makes it inactive until a later one lists it again.
  auto voter = RuleVoter(kAllowAll);
  const Position before = AppendIntent(bus, "agent", 1, "delete_file");
  AppendPolicy(bus, 1, 0, Json(), Json::array({kMoneyRules}));
  const Position after = AppendIntent(bus, "agent", 1, "delete_file");
  AppendPolicy(bus, 2, 1, Json(), Json::array({Json{{"voter", "other"}, {"type", "llm"}}}));
  AppendIntent(bus, "agent", 1, "delete_file");  // inactive: no vote
  AppendPolicy(bus, 3, 2, Json(), Json::array({kAllowAll}));
  const Position back = AppendIntent(bus, "agent", 1, "delete_file");
  RunUntilQuiet({voter.get()}, clock);
  const auto votes = Votes();
  BOOST_REQUIRE(votes.size() == 3);
  BOOST_TEST(votes[0].intent == before);
  BOOST_TEST(votes[0].approve);  // judged with the config in force at its position
  BOOST_TEST(votes[1].intent == after);
  BOOST_TEST(!votes[1].approve);
  BOOST_TEST(votes[1].reason == "default deny");
  BOOST_TEST(votes[2].intent == back);
  BOOST_TEST(votes[2].approve);
}

BOOST_FIXTURE_TEST_CASE(SkippedPolicyDoesNotReconfigure, Fixture) {
  // Goal: a policy entry that does not apply (wrong expected_version) is ignored.
  auto voter = RuleVoter(kAllowAll);
  AppendPolicy(bus, 4, 3, Json(), Json::array({kMoneyRules}));
  AppendIntent(bus, "agent", 1, "delete_file");
  RunUntilQuiet({voter.get()}, clock);
  BOOST_REQUIRE(Votes().size() == 1);
  BOOST_TEST(Votes()[0].approve);
}

BOOST_FIXTURE_TEST_CASE(UnknownOutcomeDoesNotVoteTwice, Fixture) {
  // Goal: after kUnknownOutcome the voter replays: a landed vote is not
  // repeated, a lost one is appended again.
  FlakyBus flaky(&bus);
  auto voter = RuleVoter(kAllowAll, &flaky);
  AppendIntent(bus, "agent", 1, "a");
  flaky.FailNext(FlakyBus::Fault::kUnknownLanded);
  BOOST_TEST((voter->Step().code() == StatusCode::kUnknownOutcome));
  RunUntilQuiet({voter.get()}, clock);
  BOOST_TEST(Votes().size() == 1);
  AppendIntent(bus, "agent", 1, "b");
  flaky.FailNext(FlakyBus::Fault::kUnknownLost);
  BOOST_TEST((voter->Step().code() == StatusCode::kUnknownOutcome));
  RunUntilQuiet({voter.get()}, clock);
  BOOST_TEST(Votes().size() == 2);
}

BOOST_FIXTURE_TEST_CASE(ReplayDigestEquality, Fixture) {
  // Goal: a fresh voter replaying the same prefix (policies, votes, a pending
  // intent) reaches the same digest, without having judged anything.
  FlakyBus flaky(&bus);
  auto voter = RuleVoter(kAllowAll, &flaky);
  AppendIntent(bus, "agent", 1, "a");
  AppendPolicy(bus, 1, 0, Json(), Json::array({kMoneyRules}));
  AppendIntent(bus, "agent", 1, "send_money", {{"amount", 1}});
  RunUntilQuiet({voter.get()}, clock);
  const std::string quiet = voter->StateDigest();
  AppendIntent(bus, "agent", 1, "b");
  flaky.FailNext(FlakyBus::Fault::kUnavailable);
  BOOST_TEST((voter->Step().code() == StatusCode::kUnavailable));  // b played, not voted
  auto fresh = RuleVoter(kAllowAll);
  BOOST_REQUIRE(fresh->Step().ok());  // plays the same prefix, then votes on b
  BOOST_TEST(fresh->played() == voter->played());
  BOOST_TEST(fresh->StateDigest() == voter->StateDigest());
  BOOST_TEST(voter->StateDigest() != quiet);
  // The old incarnation sees the new one's vote on b and does not repeat it.
  RunUntilQuiet({voter.get(), fresh.get()}, clock);
  BOOST_TEST(Votes().size() == 3);
  BOOST_TEST(fresh->StateDigest() == voter->StateDigest());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
