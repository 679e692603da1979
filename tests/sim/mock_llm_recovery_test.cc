// Tests of the mock LLM's executor recovery (sim/mock_llm.h): after a restart
// marker it probes the environment, then re-proposes or skips the step.
#include <deque>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/inference_format.h"
#include "core/limits.h"
#include "models/bank_environment.h"
#include "models/scenario.h"
#include "sim/mock_llm.h"

namespace logact::sim {
namespace {

LlmMessage User(std::string text) { return LlmMessage{"user", std::move(text)}; }
LlmMessage Assistant(std::string text) { return LlmMessage{"assistant", std::move(text)}; }

std::string Reply(MockLlm& llm, const std::vector<LlmMessage>& messages) {
  Result<LlmReply> reply = llm.Complete(
      LlmRequest{"driver/agent", std::deque<LlmMessage>(messages.begin(), messages.end())});
  BOOST_REQUIRE_MESSAGE(reply.has_value(), reply.status().ToString());
  return reply->text;
}

std::string Line(Position intent, bool ok, const std::string& output, bool restart = false) {
  return RenderResultLine(ResultPayload{intent, ok, output, restart});
}

const models::Scenario& PayBill() {
  const models::Scenario* scenario = models::FindScenario("bank-pay-bill");
  BOOST_REQUIRE(scenario != nullptr);
  BOOST_REQUIRE(scenario->plan.size() == 3);
  return *scenario;
}

std::string PlanText(size_t index) {
  const models::PlanStep& step = PayBill().plan.at(index);
  return step.action ? FormatActionReply(*step.action) : FormatFinalReply(step.final_text);
}

// The conversation up to the restart marker that interrupts the payment.
std::vector<LlmMessage> InterruptedPayment() {
  return {User("mail from emma: pay the bill"), Assistant(PlanText(0)),
          User(Line(3, true, "\"the bill\"")), Assistant(PlanText(1)),
          User(Line(7, false, "executor restarted", /*restart=*/true))};
}

// What the probe reads from a bank where the payment did (or did not) happen.
std::string ProbeOutput(bool paid) {
  models::BankEnvironment bank;
  const Action pay = *PayBill().plan[1].action;
  if (paid) BOOST_REQUIRE(bank.Execute(ToolCall{&pay, 7, ""})->ok);
  const Action probe{"get_most_recent_transactions", Json::object()};
  Result<ToolOutcome> read = bank.Execute(ToolCall{&probe, 9, ""});
  BOOST_REQUIRE(read.has_value() && read->ok);
  return read->output;
}

const std::string kProbeText = "{\"args\":{},\"tool\":\"get_most_recent_transactions\"}";

BOOST_AUTO_TEST_SUITE(MockLlmRecovery)

// Goal: a restart marker naming the payment makes the next reply the
// read-only probe, not the payment.
BOOST_AUTO_TEST_CASE(RestartMarkerLeadsToTheProbe) {
  MockLlm llm(&PayBill(), SeedStreams(1), MockLlmOptions{});
  BOOST_TEST(Reply(llm, InterruptedPayment()) == kProbeText);
}

// Goal: a probe that shows the payment skips it (the final answer comes next);
// one that does not re-proposes it; each decision is counted once.
BOOST_AUTO_TEST_CASE(ProbeDecidesSkipOrRepropose) {
  for (bool paid : {true, false}) {
    MockLlm llm(&PayBill(), SeedStreams(1), MockLlmOptions{});
    std::vector<LlmMessage> conversation = InterruptedPayment();
    BOOST_REQUIRE(Reply(llm, conversation) == kProbeText);
    conversation.push_back(Assistant(kProbeText));
    conversation.push_back(User(Line(9, true, ProbeOutput(paid))));
    BOOST_TEST(Reply(llm, conversation) == (paid ? PlanText(2) : PlanText(1)));
    BOOST_TEST(Reply(llm, conversation) == (paid ? PlanText(2) : PlanText(1)));  // asked again
    BOOST_TEST(llm.stats().probe_skipped == (paid ? 1 : 0));
    BOOST_TEST(llm.stats().probe_reproposed == (paid ? 0 : 1));
  }
}

// Goal: a probe that is interrupted, fails or is aborted is asked again;
// after limits::kRecoveryProbeAttemptsMax failures or aborts (interruptions
// do not count) the step is re-proposed.
BOOST_AUTO_TEST_CASE(UnansweredProbesEndInARepropose) {
  MockLlm llm(&PayBill(), SeedStreams(1), MockLlmOptions{});
  std::vector<LlmMessage> conversation = InterruptedPayment();
  const std::vector<std::string> failures = {
      Line(9, false, "tool unavailable: tool call timed out; its effect is unknown"),
      Line(11, false, "executor restarted", /*restart=*/true),
      Line(13, false, "executor restarted", /*restart=*/true),
      RenderAbortLine(DecisionPayload{15, "denied", false}),
      Line(17, true, "\"not the probe's shape\"")};
  static_assert(limits::kRecoveryProbeAttemptsMax == 3, "three counted failures above");
  for (size_t i = 0; i < failures.size(); ++i) {
    BOOST_TEST(Reply(llm, conversation) == kProbeText);
    conversation.push_back(Assistant(kProbeText));
    conversation.push_back(User(failures[i]));
  }
  BOOST_TEST(Reply(llm, conversation) == PlanText(1));
  BOOST_TEST(llm.stats().probe_reproposed == 1);
}

// Goal: a payment already made earlier in the conversation (a previous round)
// is not mistaken for the interrupted one: the probe counts records.
BOOST_AUTO_TEST_CASE(EarlierIdenticalPaymentIsCounted) {
  MockLlm llm(&PayBill(), SeedStreams(1), MockLlmOptions{});
  std::vector<LlmMessage> conversation = {
      User("mail from emma: pay the bill"),
      Assistant(PlanText(0)),
      User(Line(3, true, "\"the bill\"")),
      Assistant(PlanText(1)),
      User(Line(7, true, "{\"message\":\"sent\"}")),
      Assistant(PlanText(2)),
      User("mail from emma: pay it again"),
      Assistant(PlanText(0)),
      User(Line(13, true, "\"the bill\"")),
      Assistant(PlanText(1)),
      User(Line(17, false, "executor restarted", /*restart=*/true))};
  BOOST_REQUIRE(Reply(llm, conversation) == kProbeText);
  conversation.push_back(Assistant(kProbeText));
  // The world shows one payment: the first round's. The second did not happen.
  conversation.push_back(User(Line(19, true, ProbeOutput(/*paid=*/true))));
  BOOST_TEST(Reply(llm, conversation) == PlanText(1));
  BOOST_TEST(llm.stats().probe_reproposed == 1);
}

// Goal: an interrupted read has no probe: it is simply proposed again.
BOOST_AUTO_TEST_CASE(InterruptedReadIsReproposed) {
  MockLlm llm(&PayBill(), SeedStreams(1), MockLlmOptions{});
  const std::vector<LlmMessage> conversation = {
      User("mail from emma: pay the bill"), Assistant(PlanText(0)),
      User(Line(3, false, "executor restarted", /*restart=*/true))};
  BOOST_TEST(Reply(llm, conversation) == PlanText(0));
  BOOST_TEST(llm.stats().probe_reproposed == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::sim
