// The whole engine on one bus: driver, a rule voter, an LLM voter, a decider
// and an executor stepped round-robin, as the simulator and a deployment do.
#include <boost/test/unit_test.hpp>

#include "core/decider.h"
#include "core/driver.h"
#include "core/executor.h"
#include "core/memory_bus.h"
#include "core/voter.h"
#include "tests/core/component_test_util.h"

namespace logact {
namespace {

using testing::AppendMail;
using testing::AppendPolicy;
using testing::EntriesOfType;
using testing::RecordingEnvironment;
using testing::RunUntilQuiet;
using testing::ScriptedLlm;

const Json kRules = Json::parse(R"({
  "voter": "fs-rules", "type": "rules", "default": "deny",
  "rules": [{"id": "tmp", "effect": "allow", "when": {"arg": "path", "prefix": "/tmp/"},
             "reason": "tmp file"}]})");
const Json kJudge = {{"voter", "judge"}, {"type", "llm"}};

struct EngineFixture {
  ManualClock clock;
  MemoryBus bus{&clock};
  ScriptedLlm llm;
  RecordingEnvironment env;
  std::unique_ptr<logact::Driver> driver;
  std::unique_ptr<logact::Voter> rules;
  std::unique_ptr<logact::Voter> judge;
  std::unique_ptr<logact::Decider> decider;
  std::unique_ptr<logact::Executor> executor;

  EngineFixture() {
    AppendPolicy(bus, 1, 0, {{"kind", "all_of"}, {"types", {"rules", "llm"}}},
                 Json::array({kRules, kJudge}));
    env.duration_ms = 40;
    driver = MakeDriver();
    rules = MakeRules();
    judge = MakeJudge();
    decider = MakeDecider();
    executor = MakeExecutor();
  }
  std::unique_ptr<logact::Driver> MakeDriver() {
    DriverOptions options;
    options.bus = &bus;
    options.clock = &clock;
    options.llm = &llm;
    return std::make_unique<logact::Driver>(options);
  }
  std::unique_ptr<logact::Voter> MakeRules() {
    // Constructed deny-all: the policy entry at position 0 configures it.
    VoterConfig deny_all;
    deny_all.name = "fs-rules";
    deny_all.type = "rules";
    deny_all.is_rule_voter = true;
    return std::make_unique<logact::Voter>(VoterOptions{"fs-rules", "rules", &bus, &clock},
                                           std::make_unique<RuleVotingLogic>(deny_all));
  }
  std::unique_ptr<logact::Voter> MakeJudge() {
    return std::make_unique<logact::Voter>(VoterOptions{"judge", "llm", &bus, &clock},
                                           std::make_unique<LlmVotingLogic>("voter/judge", &llm));
  }
  std::unique_ptr<logact::Decider> MakeDecider() {
    return std::make_unique<logact::Decider>(DeciderOptions{"d0", &bus, &clock});
  }
  std::unique_ptr<logact::Executor> MakeExecutor() {
    return std::make_unique<logact::Executor>(ExecutorOptions{"x0", &bus, &clock, &env});
  }
  std::vector<Component*> All() {
    return {driver.get(), rules.get(), judge.get(), decider.get(), executor.get()};
  }
  void Run() { RunUntilQuiet(All(), clock); }
  void DriverSays(const std::string& reply) { llm.Push("driver/agent", reply, 500); }
  void JudgeSays(bool approve) {
    llm.Push("voter/judge",
             approve ? R"({"approve":true,"reason":"on task"})"
                     : R"({"approve":false,"reason":"off task"})",
             200);
  }
  static std::string Delete(const std::string& path) {
    return FormatActionReply(Action{"delete_file", Json{{"path", path}}});
  }

  // A fresh replica of `original` must reach its digest after playing the same
  // prefix. The original first catches up with entries earlier replicas appended.
  void ExpectReplayEqual(Component& original, Component& fresh) {
    while (original.played() < bus.Tail()) BOOST_REQUIRE(original.Step().ok());
    BOOST_REQUIRE(fresh.Step().ok());
    BOOST_TEST(fresh.played() == original.played());
    BOOST_CHECK_MESSAGE(fresh.StateDigest() == original.StateDigest(),
                        original.principal() << " replays to a different digest");
  }
  void ExpectEveryReplayEqual() {
    auto fresh_rules = MakeRules();
    auto fresh_judge = MakeJudge();
    auto fresh_decider = MakeDecider();
    auto fresh_executor = MakeExecutor();
    auto fresh_driver = MakeDriver();
    const size_t llm_calls = llm.requests.size();
    ExpectReplayEqual(*rules, *fresh_rules);
    ExpectReplayEqual(*judge, *fresh_judge);
    ExpectReplayEqual(*decider, *fresh_decider);
    ExpectReplayEqual(*executor, *fresh_executor);
    ExpectReplayEqual(*driver, *fresh_driver);
    BOOST_TEST(llm.requests.size() == llm_calls);  // replay never asks the model
  }
};

BOOST_AUTO_TEST_SUITE(Engine)

BOOST_FIXTURE_TEST_CASE(ThreeStepTaskReachesItsOutput, EngineFixture) {
  // Goal: mail -> three intents, each voted by both voters, committed, executed
  // in order, reported back -> final output; every component replays to the
  // same digest afterwards.
  AppendMail(bus, "alice", "tidy /tmp");
  for (const char* path : {"/tmp/a.log", "/tmp/b.log", "/tmp/c.log"}) {
    DriverSays(Delete(path));
    JudgeSays(true);
  }
  DriverSays(FormatFinalReply("/tmp tidied"));
  Run();

  const auto outputs = EntriesOfType(bus, EntryType::kOutput);
  BOOST_REQUIRE(outputs.size() == 1);
  BOOST_TEST(outputs[0].output().text == "/tmp tidied");
  BOOST_REQUIRE(env.calls.size() == 3);
  BOOST_TEST(env.calls[0].action.args["path"] == "/tmp/a.log");
  BOOST_TEST(env.calls[1].action.args["path"] == "/tmp/b.log");
  BOOST_TEST(env.calls[2].action.args["path"] == "/tmp/c.log");
  const auto intents = EntriesOfType(bus, EntryType::kIntent);
  BOOST_REQUIRE(intents.size() == 3);
  BOOST_TEST((EntriesOfType(bus, EntryType::kVote).size() == 6));
  const auto commits = EntriesOfType(bus, EntryType::kCommit);
  BOOST_REQUIRE(commits.size() == 3);
  BOOST_TEST(commits[0].decision().reason.find("all_of: ") == 0);
  BOOST_TEST((EntriesOfType(bus, EntryType::kAbort).empty()));
  size_t ok_results = 0;
  for (const Entry& e : EntriesOfType(bus, EntryType::kResult)) ok_results += e.result().ok;
  BOOST_TEST(ok_results == 3u);
  // Serial: each intent comes after the previous one's result.
  for (size_t i = 0; i + 1 < intents.size(); ++i) {
    bool resolved = false;
    for (const Entry& e : EntriesOfType(bus, EntryType::kResult)) {
      resolved |= e.result().intent == intents[i].pos && e.pos < intents[i + 1].pos;
    }
    BOOST_TEST(resolved);
  }
  BOOST_TEST(llm.CallsBy("driver/agent") == 4u);
  BOOST_TEST(llm.CallsBy("voter/judge") == 3u);
  BOOST_TEST(clock.NowMs() >= 4 * 500 + 3 * 200 + 3 * 40);
  ExpectEveryReplayEqual();
}

BOOST_FIXTURE_TEST_CASE(DeniedStepIsAbortedAndTheModelIsTold, EngineFixture) {
  // Goal: a forbidden action is denied by the rule voter, aborted by the
  // decider, never executed, and the abort reaches the model, which finishes.
  AppendMail(bus, "alice", "clean up");
  DriverSays(Delete("/etc/passwd"));
  JudgeSays(true);
  DriverSays(FormatFinalReply("refused to touch /etc"));
  Run();
  BOOST_TEST(env.calls.empty());
  const auto aborts = EntriesOfType(bus, EntryType::kAbort);
  BOOST_REQUIRE(aborts.size() == 1);
  BOOST_TEST(aborts[0].decision().reason == "all_of: rules denied: default deny");
  const auto in = EntriesOfType(bus, EntryType::kInfIn);
  BOOST_REQUIRE(in.size() == 2);
  BOOST_TEST(in[1].inference().text.find("was aborted: all_of: rules denied") != std::string::npos);
  const auto outputs = EntriesOfType(bus, EntryType::kOutput);
  BOOST_REQUIRE(outputs.size() == 1);
  BOOST_TEST(outputs[0].output().text == "refused to touch /etc");
  ExpectEveryReplayEqual();
}

BOOST_FIXTURE_TEST_CASE(ComponentsRestartedMidTaskFinishIt, EngineFixture) {
  // Goal: crash and restart every component after the first intent is
  // proposed; the replacements replay, resume and finish the task without
  // executing anything twice.
  AppendMail(bus, "alice", "tidy /tmp");
  DriverSays(Delete("/tmp/a.log"));
  JudgeSays(true);  // answered to the judge that crashes while waiting for it
  JudgeSays(true);  // the restarted judge asks again
  DriverSays(Delete("/tmp/b.log"));
  JudgeSays(true);
  DriverSays(FormatFinalReply("done"));
  while (EntriesOfType(bus, EntryType::kIntent).empty()) {
    for (Component* c : All()) {
      if (c->HasWork()) BOOST_REQUIRE(c->Step().ok());
    }
    clock.AdvanceBy(100);
  }
  driver = MakeDriver();
  rules = MakeRules();
  judge = MakeJudge();
  decider = MakeDecider();
  executor = MakeExecutor();
  Run();
  BOOST_REQUIRE(EntriesOfType(bus, EntryType::kOutput).size() == 1);
  BOOST_TEST((EntriesOfType(bus, EntryType::kOutput)[0].output().text == "done"));
  BOOST_TEST(env.calls.size() == 2);
  BOOST_TEST(llm.CallsBy("voter/judge") == 3u);
  BOOST_TEST(EntriesOfType(bus, EntryType::kAbort).empty());
  BOOST_TEST((EntriesOfType(bus, EntryType::kElect).size() == 2));
  ExpectEveryReplayEqual();
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
