// The LLM voter's shortcuts must not change a vote or a prompt: the usual
// answer {"approve":..,"reason":".."} is read without a JSON tree (anything
// else goes through the JSON parser), and an action's text is remembered only
// for an action of exactly the same JSON (1 and 1.0 dump differently).
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "core/voter.h"
#include "tests/core/component_test_util.h"

namespace logact {
namespace {

IntentPayload Intent(const Json& args) {
  IntentPayload intent;
  intent.action.tool = "send_money";
  intent.action.args = args;
  intent.driver = "main";
  intent.epoch = 1;
  return intent;
}

// Judges one intent with the scripted answer `text`.
VoteDecision JudgeWith(const std::string& text) {
  testing::ScriptedLlm llm;
  llm.Push("voter/judge", text);
  LlmVotingLogic logic("voter/judge", &llm);
  return logic.Judge(3, Intent({{"amount", 1}}));
}

BOOST_AUTO_TEST_SUITE(LlmVoterFastPaths)

// Goal: plain answers, escaped or non-ASCII reasons and other shapes all read
// as the JSON parser reads them.
BOOST_AUTO_TEST_CASE(AnswersReadAsJson) {
  struct Case {
    std::string text;
    bool approve;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {R"({"approve":true,"reason":"fine"})", true, "fine"},
      {R"({"approve":false,"reason":"no way"})", false, "no way"},
      {R"({"approve":true,"reason":""})", true, "llm approved"},
      {R"({"approve":false,"reason":""})", false, "llm denied"},
      {R"({"approve":true,"reason":"say \"hi\""})", true, "say \"hi\""},
      {R"({"approve":true,"reason":"\u0041b"})", true, "Ab"},
      {"{\"approve\":true,\"reason\":\"caf\xc3\xa9\"}", true, "caf\xc3\xa9"},
      {R"({ "approve": true, "reason": "spaced" })", true, "spaced"},
      {R"({"approve":true,"reason":"x","extra":1})", true, "x"},
      {R"({"reason":"first","approve":true})", true, "first"},
      {R"({"approve":true})", true, "llm approved"},
  };
  for (const Case& c : cases) {
    const VoteDecision decision = JudgeWith(c.text);
    BOOST_TEST(decision.approve == c.approve, c.text);
    BOOST_TEST(decision.reason == c.reason, c.text);
  }
}

// Goal: texts that only look like the usual answer are unparseable denies.
BOOST_AUTO_TEST_CASE(BrokenAnswersDeny) {
  for (const std::string text :
       {R"({"approve":true,"reason":"})", R"({"approve":yes,"reason":"a"})",
        R"({"approve":true,"reason":"a"}x)"}) {
    const VoteDecision decision = JudgeWith(text);
    BOOST_TEST(!decision.approve, text);
    BOOST_TEST(decision.reason.starts_with("unparseable llm answer"), text);
  }
}

// Goal: the prompt carries each action's own text, 1 and 1.0 and -0.0 apart.
BOOST_AUTO_TEST_CASE(RememberedTextsMatchExactly) {
  testing::ScriptedLlm llm;
  LlmVotingLogic logic("voter/judge", &llm);
  const std::vector<Json> args = {{{"amount", 1}},   {{"amount", 1.0}},  {{"amount", 1}},
                                  {{"amount", 0.0}}, {{"amount", -0.0}}, {{"amount", 1u}}};
  for (size_t i = 0; i < args.size(); ++i) {
    llm.Push("voter/judge", R"({"approve":true,"reason":"ok"})");
    (void)logic.Judge(static_cast<Position>(i), Intent(args[i]));
  }
  BOOST_REQUIRE(llm.requests.size() == args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string expected = Action{"send_money", args[i]}.ToText();
    BOOST_TEST(llm.requests[i].messages.back().text.find(expected) != std::string::npos, expected);
  }
  BOOST_TEST(llm.requests[1].messages.back().text.find("1.0") != std::string::npos);
  BOOST_TEST(llm.requests[4].messages.back().text.find("-0.0") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact
