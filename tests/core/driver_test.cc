#include "core/driver.h"

#include <boost/test/unit_test.hpp>

#include "core/memory_bus.h"
#include "tests/core/component_test_util.h"

namespace logact {
namespace {

using testing::AllEntries;
using testing::AppendElect;
using testing::AppendIntent;
using testing::AppendMail;
using testing::AppendResult;
using testing::EntriesOfType;
using testing::FlakyBus;
using testing::RunUntilQuiet;
using testing::ScriptedLlm;

constexpr const char* kCaller = "driver/agent";

struct Fixture {
  ManualClock clock;
  MemoryBus bus{&clock};
  ScriptedLlm llm;
  DriverOptions Options(const std::string& name = "agent", AgentBus* on = nullptr) {
    DriverOptions options;
    options.name = name;
    options.bus = on != nullptr ? on : &bus;
    options.clock = &clock;
    options.llm = &llm;
    return options;
  }
  std::string Action(const std::string& tool, Json args = Json::object()) {
    return FormatActionReply(logact::Action{tool, std::move(args)});
  }
};

BOOST_AUTO_TEST_SUITE(Driver)

BOOST_FIXTURE_TEST_CASE(ConstructionDoesNotAppendAndBootElectsAboveEverySeenEpoch, Fixture) {
  // Goal: construction is silent; the first Step elects with max epoch seen + 1.
  AppendElect(bus, "agent", 3);
  AppendElect(bus, "other", 5);
  AppendElect(bus, "stale", 2);  // not counted, but below the max anyway
  logact::Driver driver(Options());
  BOOST_TEST(bus.Tail() == 3);
  BOOST_TEST(driver.HasWork());
  BOOST_TEST(driver.Step().ok());
  const Entry elect = AllEntries(bus).back();
  BOOST_TEST((elect.type == EntryType::kElect));
  BOOST_TEST(elect.elect().driver == "agent");
  BOOST_TEST(elect.elect().epoch == 6);
  BOOST_TEST(driver.epoch() == 0);  // not played yet
  BOOST_TEST(driver.Step().ok());
  BOOST_TEST(driver.epoch() == 6);
  BOOST_TEST(!driver.HasWork());
  BOOST_TEST(!driver.Stopped());
}

BOOST_FIXTURE_TEST_CASE(MailBecomesInferenceThenIntent, Fixture) {
  // Goal: mail -> inf_in (rendered line) -> Llm -> inf_out -> intent with our epoch.
  logact::Driver driver(Options());
  AppendMail(bus, "alice", "tidy /tmp");
  llm.Push(kCaller, Action("delete_file", {{"path", "/tmp/a"}}));
  RunUntilQuiet({&driver}, clock);
  const auto in = EntriesOfType(bus, EntryType::kInfIn);
  BOOST_REQUIRE(in.size() == 1);
  BOOST_TEST(in[0].inference().text == "mail from alice: tidy /tmp");
  BOOST_TEST(in[0].inference().tokens == 5);
  BOOST_REQUIRE(llm.requests.size() == 1);
  BOOST_TEST(llm.requests[0].caller == kCaller);
  BOOST_REQUIRE(llm.requests[0].messages.size() == 1);
  BOOST_TEST(llm.requests[0].messages[0].role == "user");
  BOOST_TEST(llm.requests[0].messages[0].text == "mail from alice: tidy /tmp");
  const auto intents = EntriesOfType(bus, EntryType::kIntent);
  BOOST_REQUIRE(intents.size() == 1);
  BOOST_TEST(intents[0].intent().action.tool == "delete_file");
  BOOST_TEST(intents[0].intent().action.args == (Json{{"path", "/tmp/a"}}));
  BOOST_TEST(intents[0].intent().driver == "agent");
  BOOST_TEST(intents[0].intent().epoch == 1);
}

BOOST_FIXTURE_TEST_CASE(FinalReplyAppendsOutput, Fixture) {
  // Goal: a {"final":...} reply becomes an output entry and the driver goes idle.
  logact::Driver driver(Options());
  AppendMail(bus, "alice", "say hi");
  llm.Push(kCaller, FormatFinalReply("hi alice"));
  RunUntilQuiet({&driver}, clock);
  const auto outputs = EntriesOfType(bus, EntryType::kOutput);
  BOOST_REQUIRE(outputs.size() == 1);
  BOOST_TEST(outputs[0].output().text == "hi alice");
  BOOST_TEST((EntriesOfType(bus, EntryType::kIntent).empty()));
  BOOST_TEST(!driver.HasWork());
}

BOOST_FIXTURE_TEST_CASE(WaitsForLlmLatencyOnTheClock, Fixture) {
  // Goal: the inf_out is appended only once the reply's latency has passed.
  logact::Driver driver(Options());
  AppendMail(bus, "alice", "go");
  llm.Push(kCaller, FormatFinalReply("done"), 700);
  while (driver.HasWork()) BOOST_REQUIRE(driver.Step().ok());
  BOOST_TEST(llm.requests.size() == 1);
  BOOST_TEST((EntriesOfType(bus, EntryType::kInfOut).empty()));
  BOOST_TEST(driver.NextWakeMs() == 700);
  clock.AdvanceTo(699);
  BOOST_TEST(!driver.HasWork());
  clock.AdvanceTo(700);
  BOOST_TEST(driver.HasWork());
  RunUntilQuiet({&driver}, clock);
  const auto out = EntriesOfType(bus, EntryType::kInfOut);
  BOOST_REQUIRE(out.size() == 1);
  BOOST_TEST(out[0].ts == 700);
  BOOST_TEST(llm.requests.size() == 1);
}

BOOST_FIXTURE_TEST_CASE(TokensComeFromTheReplyOrAreApproximated, Fixture) {
  // Goal: inf_out tokens = completion_tokens when reported, else the word count.
  struct CountingLlm : Llm {
    Result<LlmReply> Complete(const LlmRequest&) override {
      LlmReply r;
      r.text = FormatFinalReply("a b c");
      r.completion_tokens = ++calls == 1 ? 42 : 0;
      return r;
    }
    int calls = 0;
  } counting;
  DriverOptions options = Options();
  options.llm = &counting;
  logact::Driver driver(options);
  AppendMail(bus, "alice", "one");
  RunUntilQuiet({&driver}, clock);
  AppendMail(bus, "alice", "two");
  RunUntilQuiet({&driver}, clock);
  const auto out = EntriesOfType(bus, EntryType::kInfOut);
  BOOST_REQUIRE(out.size() == 2);
  BOOST_TEST(out[0].inference().tokens == 42);
  BOOST_TEST(out[1].inference().tokens == ApproximateTokens(out[1].inference().text));
}

BOOST_FIXTURE_TEST_CASE(MessagesCarryTheTokenCountOnlyOfTheDriversOwnInputs, Fixture) {
  // Goal: LlmMessage::tokens is set only to ApproximateTokens(text), and only
  // for the inf_in this instance appended (AppendInput, and Act's "error:"
  // input); a hand-made inf_in (its logged count is not trusted), replies and
  // the turns a new instance replays are -1 (the model counts them).
  testing::MustAppend(bus, MakeInference(EntryType::kInfIn, "driver/agent", "hand made", 99));
  AppendMail(bus, "alice", "task one");
  llm.Push(kCaller, "not json at all");
  llm.Push(kCaller, Action("step1"));
  llm.Push(kCaller, FormatFinalReply("done"));
  logact::Driver driver(Options());
  RunUntilQuiet({&driver}, clock);
  AppendResult(bus, EntriesOfType(bus, EntryType::kIntent).at(0).pos, true, "did  step1 \n ok");
  RunUntilQuiet({&driver}, clock);
  BOOST_REQUIRE(llm.requests.size() == 3);
  const std::deque<LlmMessage>& last = llm.requests.back().messages;
  BOOST_REQUIRE(last.size() == 6);
  int64_t counted = 0;
  for (const LlmRequest& request : llm.requests) {
    for (const LlmMessage& message : request.messages) {
      if (message.tokens < 0) continue;
      BOOST_TEST(message.role == "user");
      BOOST_TEST(message.tokens == ApproximateTokens(message.text));
      ++counted;
    }
  }
  BOOST_TEST(counted > 0);
  BOOST_TEST(last[0].text == "hand made");
  BOOST_TEST(last[0].tokens == -1);
  BOOST_TEST(last[1].tokens == ApproximateTokens(last[1].text));  // the mail
  BOOST_TEST(last[2].tokens == -1);                               // the malformed reply
  BOOST_TEST(last[3].text.starts_with("error: "));
  BOOST_TEST(last[3].tokens == ApproximateTokens(last[3].text));
  BOOST_TEST(last[4].tokens == -1);
  BOOST_TEST(last[5].tokens == ApproximateTokens(last[5].text));  // the result
  // A new instance replays the same turns without counts; equal messages.
  ScriptedLlm other_llm;
  other_llm.Push(kCaller, FormatFinalReply("again"));
  DriverOptions options = Options();
  options.llm = &other_llm;
  logact::Driver replayer(options);
  AppendMail(bus, "bob", "task two");
  RunUntilQuiet({&replayer}, clock);
  BOOST_REQUIRE(other_llm.requests.size() == 1);
  const std::deque<LlmMessage>& replayed = other_llm.requests[0].messages;
  BOOST_REQUIRE(replayed.size() == 8);  // and the reply "done", then bob's mail
  for (size_t i = 0; i < last.size(); ++i) {
    BOOST_TEST((replayed[i] == last[i]));
    BOOST_TEST(replayed[i].tokens == -1);
  }
  BOOST_TEST(replayed.back().tokens == ApproximateTokens(replayed.back().text));
}

BOOST_FIXTURE_TEST_CASE(OneIntentInFlight, Fixture) {
  // Goal: no new inference (hence no new intent) until the intent has a result.
  logact::Driver driver(Options());
  AppendMail(bus, "alice", "task");
  llm.Push(kCaller, Action("step1"));
  llm.Push(kCaller, Action("step2"));
  RunUntilQuiet({&driver}, clock);
  auto intents = EntriesOfType(bus, EntryType::kIntent);
  BOOST_REQUIRE(intents.size() == 1);
  AppendMail(bus, "bob", "hurry up");
  RunUntilQuiet({&driver}, clock);
  BOOST_TEST(llm.requests.size() == 1);
  BOOST_TEST((EntriesOfType(bus, EntryType::kIntent).size() == 1));
  BOOST_TEST(!driver.HasWork());
  AppendResult(bus, intents[0].pos, true, "did step1");
  RunUntilQuiet({&driver}, clock);
  BOOST_TEST(llm.requests.size() == 2);
  intents = EntriesOfType(bus, EntryType::kIntent);
  BOOST_REQUIRE(intents.size() == 2);
  BOOST_TEST(intents[1].intent().action.tool == "step2");
}

BOOST_FIXTURE_TEST_CASE(BuffersMailWhileIntentInFlight, Fixture) {
  // Goal: mail that arrives while an intent is in flight reaches the next inf_in,
  // in log order, together with the result.
  logact::Driver driver(Options());
  AppendMail(bus, "alice", "task");
  llm.Push(kCaller, Action("step1"));
  llm.Push(kCaller, FormatFinalReply("ok"));
  RunUntilQuiet({&driver}, clock);
  const Position intent = EntriesOfType(bus, EntryType::kIntent).at(0).pos;
  AppendMail(bus, "bob", "first");
  AppendMail(bus, "carol", "second");
  AppendResult(bus, intent, false, "disk full");
  RunUntilQuiet({&driver}, clock);
  const auto in = EntriesOfType(bus, EntryType::kInfIn);
  BOOST_REQUIRE(in.size() == 2);
  BOOST_TEST(in[1].inference().text ==
             "mail from bob: first\nmail from carol: second\n"
             "result of intent " +
                 std::to_string(intent) + ": error: disk full");
}

BOOST_FIXTURE_TEST_CASE(AbortAndRestartMarkerAreReportedToTheModel, Fixture) {
  // Goal: an abort and a restart marker each end the intent in flight and are
  // rendered as their documented lines; a marker naming -1 is not an input.
  logact::Driver driver(Options());
  AppendMail(bus, "alice", "task");
  llm.Push(kCaller, Action("a"));
  llm.Push(kCaller, Action("b"));
  llm.Push(kCaller, FormatFinalReply("done"));
  RunUntilQuiet({&driver}, clock);
  const Position first = EntriesOfType(bus, EntryType::kIntent).at(0).pos;
  testing::MustAppend(bus, MakeDecision(EntryType::kAbort, "decider/d0",
                                        DecisionPayload{first, "all_of: rules denied: no", true}));
  RunUntilQuiet({&driver}, clock);
  const Position second = EntriesOfType(bus, EntryType::kIntent).at(1).pos;
  AppendResult(bus, -1, false, "executor restarted", true);  // nothing for the model
  RunUntilQuiet({&driver}, clock);
  BOOST_TEST(llm.requests.size() == 2);
  AppendResult(bus, second, false, "executor restarted", true);
  RunUntilQuiet({&driver}, clock);
  const auto in = EntriesOfType(bus, EntryType::kInfIn);
  BOOST_REQUIRE(in.size() == 3);
  BOOST_TEST(in[1].inference().text ==
             "intent " + std::to_string(first) + " was aborted: all_of: rules denied: no");
  BOOST_TEST(in[2].inference().text ==
             "executor restarted; intent " + std::to_string(second) + " may or may not have run");
  BOOST_TEST((EntriesOfType(bus, EntryType::kOutput).size() == 1));
}

BOOST_FIXTURE_TEST_CASE(AbortAfterCommitIsIgnored, Fixture) {
  // Goal: only the first decision counts: an abort after a commit does not end
  // the intent in flight (its result will).
  logact::Driver driver(Options());
  AppendMail(bus, "alice", "task");
  llm.Push(kCaller, Action("a"));
  RunUntilQuiet({&driver}, clock);
  const Position intent = EntriesOfType(bus, EntryType::kIntent).at(0).pos;
  testing::AppendDecision(bus, intent, true);
  testing::AppendDecision(bus, intent, false);
  RunUntilQuiet({&driver}, clock);
  BOOST_TEST((EntriesOfType(bus, EntryType::kInfIn).size() == 1));
  BOOST_TEST(llm.requests.size() == 1);
}

BOOST_FIXTURE_TEST_CASE(ConversationIsTheWholeLog, Fixture) {
  // Goal: each request carries every inf_in (user) and inf_out (assistant) so far.
  logact::Driver driver(Options());
  AppendMail(bus, "alice", "task");
  llm.Push(kCaller, Action("a"));
  llm.Push(kCaller, FormatFinalReply("done"));
  RunUntilQuiet({&driver}, clock);
  AppendResult(bus, EntriesOfType(bus, EntryType::kIntent).at(0).pos, true, "fine");
  RunUntilQuiet({&driver}, clock);
  BOOST_REQUIRE(llm.requests.size() == 2);
  const auto& messages = llm.requests[1].messages;
  BOOST_REQUIRE(messages.size() == 3);
  BOOST_TEST(messages[0].role == "user");
  BOOST_TEST(messages[1].role == "assistant");
  BOOST_TEST(messages[1].text == Action("a"));
  BOOST_TEST(messages[2].role == "user");
  BOOST_TEST(messages[2].text.find(": ok: fine") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(ReplayDoesNotCallLlm, Fixture) {
  // Goal: a driver that crashed after inf_out is replaced by one that appends
  // the logged reply's intent itself, without asking the Llm again.
  auto first = std::make_unique<logact::Driver>(Options());
  AppendMail(bus, "alice", "task");
  llm.Push(kCaller, Action("delete_file", {{"path", "/tmp/x"}}));
  while (EntriesOfType(bus, EntryType::kInfOut).empty()) BOOST_REQUIRE(first->Step().ok());
  BOOST_TEST((EntriesOfType(bus, EntryType::kIntent).empty()));
  first.reset();  // crash between inf_out and intent
  logact::Driver second(Options());
  RunUntilQuiet({&second}, clock);
  BOOST_TEST(llm.requests.size() == 1);
  const auto intents = EntriesOfType(bus, EntryType::kIntent);
  BOOST_REQUIRE(intents.size() == 1);
  BOOST_TEST(intents[0].intent().action.tool == "delete_file");
  BOOST_TEST(intents[0].intent().epoch == 2);
  BOOST_TEST((EntriesOfType(bus, EntryType::kInfIn).size() == 1));
}

BOOST_FIXTURE_TEST_CASE(RestartWithUnansweredInferenceAsksAgain, Fixture) {
  // Goal: an inf_in without inf_out (crash during the Llm call) is answered by
  // the next driver, with the whole logged conversation and no new inf_in.
  auto first = std::make_unique<logact::Driver>(Options());
  AppendMail(bus, "alice", "task");
  llm.Push(kCaller, FormatFinalReply("never logged"), 500);
  while (first->HasWork()) BOOST_REQUIRE(first->Step().ok());
  BOOST_TEST(llm.requests.size() == 1);
  first.reset();  // crash while waiting for the reply's latency
  llm.Push(kCaller, FormatFinalReply("done"));
  logact::Driver second(Options());
  RunUntilQuiet({&second}, clock);
  BOOST_TEST(llm.requests.size() == 2);
  BOOST_TEST(llm.requests[1].messages == llm.requests[0].messages);
  BOOST_TEST((EntriesOfType(bus, EntryType::kInfIn).size() == 1));
  BOOST_REQUIRE(EntriesOfType(bus, EntryType::kOutput).size() == 1);
  BOOST_TEST((EntriesOfType(bus, EntryType::kOutput)[0].output().text == "done"));
}

BOOST_FIXTURE_TEST_CASE(FencedDriverStops, Fixture) {
  // Goal: a driver that sees a counted elect of another driver stops for good
  // and drops the reply it was waiting for.
  logact::Driver old_driver(Options());
  RunUntilQuiet({&old_driver}, clock);
  BOOST_TEST(old_driver.epoch() == 1);
  AppendMail(bus, "alice", "task");
  llm.Push(kCaller, Action("a"), 100);
  while (old_driver.HasWork()) BOOST_REQUIRE(old_driver.Step().ok());
  BOOST_TEST(llm.requests.size() == 1);  // waiting for the latency
  logact::Driver new_driver(Options("agent2"));
  BOOST_REQUIRE(new_driver.Step().ok());  // elect epoch 2
  clock.AdvanceTo(100);
  BOOST_TEST(old_driver.HasWork());
  BOOST_REQUIRE(old_driver.Step().ok());
  BOOST_TEST(old_driver.Stopped());
  BOOST_TEST(!old_driver.HasWork());
  const Position tail = bus.Tail();
  AppendMail(bus, "alice", "more");
  BOOST_REQUIRE(old_driver.Step().ok());
  BOOST_TEST(bus.Tail() == tail + 1);
  for (const Entry& e : AllEntries(bus)) BOOST_TEST((e.type != EntryType::kInfOut));
}

BOOST_FIXTURE_TEST_CASE(ElectLosingTheRaceStops, Fixture) {
  // Goal: if a higher epoch lands between our replay and our elect, our elect
  // does not count and we stop instead of acting under a fenced epoch.
  FlakyBus flaky(&bus);
  logact::Driver driver(Options("agent", &flaky));
  flaky.InsertBeforeNext(MakeElect("driver/rival", "rival", 5));
  BOOST_REQUIRE(driver.Step().ok());  // replayed an empty log: asks for epoch 1
  BOOST_TEST(AllEntries(bus).back().elect().epoch == 1);
  BOOST_REQUIRE(driver.Step().ok());
  BOOST_TEST(driver.Stopped());
  BOOST_TEST(driver.epoch() == 0);
  AppendMail(bus, "alice", "task");
  BOOST_TEST(!driver.HasWork());
}

BOOST_FIXTURE_TEST_CASE(LaterElectFencesEarlierDriver, Fixture) {
  // Goal: of two drivers booting one after the other, the later epoch wins.
  logact::Driver a(Options("a"));
  logact::Driver b(Options("b"));
  BOOST_REQUIRE(a.Step().ok());  // a: elect 1
  BOOST_REQUIRE(b.Step().ok());  // b: saw 1, elect 2
  BOOST_REQUIRE(a.Step().ok());  // a: plays its 1 then b's 2
  BOOST_TEST(a.Stopped());
  BOOST_REQUIRE(b.Step().ok());
  BOOST_TEST(!b.Stopped());
  BOOST_TEST(b.epoch() == 2);
}

BOOST_FIXTURE_TEST_CASE(MalformedOutputRetries, Fixture) {
  // Goal: a malformed reply is logged, answered with an "error:" inf_in, and the
  // model is asked again; its next good reply is acted on.
  logact::Driver driver(Options());
  AppendMail(bus, "alice", "task");
  llm.Push(kCaller, "I will delete the file now");
  llm.Push(kCaller, Action("delete_file"));
  RunUntilQuiet({&driver}, clock);
  const auto in = EntriesOfType(bus, EntryType::kInfIn);
  BOOST_REQUIRE(in.size() == 2);
  BOOST_TEST(in[1].inference().text.rfind("error: reply is not JSON", 0) == 0);
  BOOST_TEST(in[1].inference().text.find("; answer with one JSON object") != std::string::npos);
  BOOST_TEST((EntriesOfType(bus, EntryType::kInfOut).size() == 2));
  BOOST_TEST((EntriesOfType(bus, EntryType::kIntent).size() == 1));
  BOOST_TEST(llm.requests.size() == 2);
  BOOST_TEST(llm.requests[1].messages.size() == 3);
}

BOOST_FIXTURE_TEST_CASE(MalformedOutputGivesUpAfterMaxAttempts, Fixture) {
  // Goal: the retry loop is bounded: after inference_attempts_max malformed
  // replies the driver appends an output saying it gave up.
  DriverOptions options = Options();
  options.inference_attempts_max = 3;
  logact::Driver driver(options);
  AppendMail(bus, "alice", "task");
  for (int i = 0; i < 5; ++i) llm.Push(kCaller, "[1,2]");
  RunUntilQuiet({&driver}, clock);
  BOOST_TEST(llm.requests.size() == 3);
  const auto outputs = EntriesOfType(bus, EntryType::kOutput);
  BOOST_REQUIRE(outputs.size() == 1);
  BOOST_TEST(outputs[0].output().text.rfind("gave up after 3 failed inferences", 0) == 0);
  BOOST_TEST(!driver.HasWork());
}

BOOST_FIXTURE_TEST_CASE(LlmErrorRetriesAfterBackoff, Fixture) {
  // Goal: an Llm error is retried once the backoff has passed on the clock;
  // nothing is appended for the failed call.
  DriverOptions options = Options();
  options.llm_retry_backoff_ms = 250;
  logact::Driver driver(options);
  AppendMail(bus, "alice", "task");
  llm.PushError(kCaller);
  llm.Push(kCaller, FormatFinalReply("done"));
  while (driver.HasWork()) BOOST_REQUIRE(driver.Step().ok());
  BOOST_TEST(llm.requests.size() == 1);
  BOOST_TEST(driver.NextWakeMs() == 250);
  BOOST_TEST((EntriesOfType(bus, EntryType::kInfOut).empty()));
  RunUntilQuiet({&driver}, clock);
  BOOST_TEST(llm.requests.size() == 2);
  BOOST_TEST(clock.NowMs() == 250);
  BOOST_TEST((EntriesOfType(bus, EntryType::kOutput).size() == 1));
}

BOOST_FIXTURE_TEST_CASE(LlmErrorsGiveUpAfterMaxAttempts, Fixture) {
  // Goal: an Llm that keeps failing makes the driver give up with an output.
  DriverOptions options = Options();
  options.inference_attempts_max = 4;
  logact::Driver driver(options);
  AppendMail(bus, "alice", "task");  // the script is empty: every call fails
  RunUntilQuiet({&driver}, clock);
  BOOST_TEST(llm.requests.size() == 4);
  const auto outputs = EntriesOfType(bus, EntryType::kOutput);
  BOOST_REQUIRE(outputs.size() == 1);
  BOOST_TEST(outputs[0].output().text.find("gave up after 4 failed inferences") == 0);
  BOOST_TEST(!driver.HasWork());
}

BOOST_FIXTURE_TEST_CASE(UnknownOutcomeNeverDuplicatesIntent, Fixture) {
  // Goal: an intent append with an unknown outcome is re-appended only if the
  // replay shows it is not on the log.
  FlakyBus flaky(&bus);
  logact::Driver driver(Options("agent", &flaky));
  AppendMail(bus, "alice", "task");
  llm.Push(kCaller, Action("a"));
  while (EntriesOfType(bus, EntryType::kInfOut).empty()) BOOST_REQUIRE(driver.Step().ok());
  flaky.FailNext(FlakyBus::Fault::kUnknownLanded);
  BOOST_TEST((driver.Step().code() == StatusCode::kUnknownOutcome));
  BOOST_TEST((EntriesOfType(bus, EntryType::kIntent).size() == 1));
  RunUntilQuiet({&driver}, clock);
  BOOST_TEST((EntriesOfType(bus, EntryType::kIntent).size() == 1));

  AppendResult(bus, EntriesOfType(bus, EntryType::kIntent)[0].pos, true, "ok");
  llm.Push(kCaller, Action("b"));
  while (EntriesOfType(bus, EntryType::kInfOut).size() < 2) BOOST_REQUIRE(driver.Step().ok());
  flaky.FailNext(FlakyBus::Fault::kUnknownLost);
  BOOST_TEST((driver.Step().code() == StatusCode::kUnknownOutcome));
  BOOST_TEST((EntriesOfType(bus, EntryType::kIntent).size() == 1));
  RunUntilQuiet({&driver}, clock);
  const auto intents = EntriesOfType(bus, EntryType::kIntent);
  BOOST_REQUIRE(intents.size() == 2);
  BOOST_TEST(intents[1].intent().action.tool == "b");
  BOOST_TEST(llm.requests.size() == 2);
}

BOOST_FIXTURE_TEST_CASE(UnknownOutcomeElectIsFoundOnReplay, Fixture) {
  // Goal: an elect that landed despite kUnknownOutcome is recognised, not repeated.
  FlakyBus flaky(&bus);
  logact::Driver driver(Options("agent", &flaky));
  flaky.FailNext(FlakyBus::Fault::kUnknownLanded);
  BOOST_TEST((driver.Step().code() == StatusCode::kUnknownOutcome));
  RunUntilQuiet({&driver}, clock);
  BOOST_TEST((EntriesOfType(bus, EntryType::kElect).size() == 1));
  BOOST_TEST(driver.epoch() == 1);
  flaky.FailNext(FlakyBus::Fault::kUnavailable);
  logact::Driver next(Options("agent", &flaky));
  BOOST_TEST((next.Step().code() == StatusCode::kUnavailable));
  RunUntilQuiet({&next}, clock);
  BOOST_TEST((EntriesOfType(bus, EntryType::kElect).size() == 2));
  BOOST_TEST(next.epoch() == 2);
}

BOOST_FIXTURE_TEST_CASE(ReplayDigestEquality, Fixture) {
  // Goal: a fresh driver that replays the same prefix reaches the same digest,
  // at every quiet point of a run with buffered mail and a pending inference.
  logact::Driver driver(Options());
  AppendMail(bus, "alice", "task");
  llm.Push(kCaller, Action("a"));
  llm.Push(kCaller, "garbage");
  RunUntilQuiet({&driver}, clock);
  AppendMail(bus, "bob", "buffered");
  RunUntilQuiet({&driver}, clock);
  auto check = [&] {
    logact::Driver fresh(Options());
    BOOST_REQUIRE(fresh.Step().ok());  // plays to the old tail, then elects
    BOOST_TEST(fresh.played() == driver.played());
    BOOST_TEST(fresh.StateDigest() == driver.StateDigest());
    BOOST_TEST(fresh.StateDigest().size() == 16u);
  };
  check();
  const std::string before = driver.StateDigest();
  AppendResult(bus, EntriesOfType(bus, EntryType::kIntent)[0].pos, true, "ok");
  // The fresh drivers' elects fence `driver`; replay is what matters here.
  BOOST_REQUIRE(driver.Step().ok());
  BOOST_TEST(driver.StateDigest() != before);
  logact::Driver fresh(Options());
  BOOST_REQUIRE(fresh.Step().ok());
  BOOST_TEST(fresh.played() == driver.played());
  BOOST_TEST(fresh.StateDigest() == driver.StateDigest());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
