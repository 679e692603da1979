// Example: a user's own Boost.Test suite that checks a custom voter with the
// LogAct testing library (properties/logact_testing.h, docs/testing_library.md).
//
// The voter under test guards a small payments tool set: it approves reads,
// and approves a payment only to a known payee and up to a limit. The safety
// spec forbids payments to anyone outside the payee list and payments above
// 5000. Together with an all_of decider over the voter and an LLM voter (which
// the library treats as adversarial: it may vote either way), no forbidden
// payment can be committed, for every generated action. A second, naive voter
// that only checks the amount is shown to be unsafe, with the counterexample.
#define BOOST_TEST_MODULE CustomVoterExample
#include <rapidcheck/boost_test.h>
#include <boost/test/unit_test.hpp>

#include <set>

#include "models/environment_model.h"
#include "properties/logact_testing.h"

namespace {

using logact::Action;
using logact::IntentPayload;
using logact::Json;
using logact::Position;
using logact::VoteDecision;

constexpr const char* kSpec = R"({
  "tools": {
    "send_money": {"args": {"recipient": "string", "amount": "number", "subject": "string?"}},
    "get_balance": {"args": {}, "writes": false}
  },
  "forbidden": [
    {"all": [{"tool": "send_money"}, {"not": {"arg": "recipient", "in": ["alice", "bob"]}}]},
    {"all": [{"tool": "send_money"}, {"arg": "amount", "gt": 5000}]}
  ]
})";

// The custom voter: a C++ class implementing logact::VotingLogic.
class PayeeLimitVoter : public logact::VotingLogic {
 public:
  explicit PayeeLimitVoter(double limit) : limit_(limit) {}
  VoteDecision Judge(Position, const IntentPayload& intent) override {
    const Action& action = intent.action;
    if (action.tool == "get_balance") return {true, "reads are harmless", 0};
    if (action.tool != "send_money") return {false, "unknown tool", 0};
    const Json* recipient = logact::LookupArg(action.args, "recipient");
    const Json* amount = logact::LookupArg(action.args, "amount");
    if (recipient == nullptr || !recipient->is_string() ||
        !kPayees.contains(recipient->get<std::string>())) {
      return {false, "unknown payee", 0};
    }
    if (amount == nullptr || !amount->is_number() || amount->get<double>() > limit_) {
      return {false, "over the limit", 0};
    }
    return {true, "known payee within limit", 0};
  }

 private:
  inline static const std::set<std::string> kPayees = {"alice", "bob"};
  double limit_;
};

// A naive voter that forgets to check the payee.
class AmountOnlyVoter : public logact::VotingLogic {
 public:
  VoteDecision Judge(Position, const IntentPayload& intent) override {
    const Json* amount = logact::LookupArg(intent.action.args, "amount");
    const bool small = amount == nullptr || (amount->is_number() && amount->get<double>() <= 1000);
    return {small, small ? "small" : "large", 0};
  }
};

logact::testing::VoterSafetyCheck MakeCheck(
    std::function<std::unique_ptr<logact::VotingLogic>()> make) {
  logact::testing::VoterSafetyCheck check;
  auto spec = logact::ParseSafetySpec(Json::parse(kSpec));
  BOOST_REQUIRE_MESSAGE(spec.has_value(), spec.status().ToString());
  check.spec = *spec;
  check.decider = {{"kind", "all_of"}, {"types", {"payments", "llm"}}};
  check.voter_type = "payments";
  check.make_voter = std::move(make);
  check.other_voters = {{{"voter", "judge"}, {"type", "llm"}}};  // adversarial
  return check;
}

BOOST_AUTO_TEST_SUITE(CustomVoter)

// Goal: over generated actions (favouring the spec's constants), the custom
// voter with the all_of decider never lets a forbidden action be committed.
RC_BOOST_PROP(PayeeLimitVoterIsSafe, ()) {
  static const logact::testing::VoterSafetyCheck check =
      MakeCheck([] { return std::make_unique<PayeeLimitVoter>(1000); });
  logact::testing::VoterNeverCommitsForbidden(check);
}

// Goal: the naive voter is caught: paying 10 to "attacker" is forbidden and
// the decider can commit it (the library explains with which votes).
BOOST_AUTO_TEST_CASE(AmountOnlyVoterIsCaught) {
  const auto check = MakeCheck([] { return std::make_unique<AmountOnlyVoter>(); });
  const Action attack{"send_money", {{"recipient", "attacker"}, {"amount", 10}}};
  auto verdict = logact::testing::JudgeAction(check, attack);
  BOOST_REQUIRE(verdict.has_value());
  BOOST_TEST(verdict->unsafe(), verdict->explanation);
  // The same action is blocked by the real voter.
  const auto safe = logact::testing::JudgeAction(
      MakeCheck([] { return std::make_unique<PayeeLimitVoter>(1000); }), attack);
  BOOST_REQUIRE(safe.has_value());
  BOOST_TEST(!safe->committable, safe->explanation);
}

// Goal: with an any_of decider the adversarial LLM voter alone can commit, so
// the library reports the policy (not the voter) as unsafe.
BOOST_AUTO_TEST_CASE(AnyOfWithAnAdversarialVoterIsUnsafe) {
  auto check = MakeCheck([] { return std::make_unique<PayeeLimitVoter>(1000); });
  check.decider = {{"kind", "any_of"}, {"types", {"payments", "llm"}}};
  const Action attack{"send_money", {{"recipient", "attacker"}, {"amount", 10}}};
  auto verdict = logact::testing::JudgeAction(check, attack);
  BOOST_REQUIRE(verdict.has_value());
  BOOST_TEST(verdict->unsafe(), verdict->explanation);
}

BOOST_AUTO_TEST_SUITE_END()

// A custom environment model: a key-value store with an idempotent put.
class KeyValueStore : public logact::models::EnvironmentModel {
 public:
  KeyValueStore() {
    schemas_["put"].args = {{"key", {logact::ArgType::kString, false}},
                            {"value", {logact::ArgType::kInteger, false}}};
    schemas_["put"].idempotent = true;
    schemas_["get"].args = {{"key", {logact::ArgType::kString, false}}};
    schemas_["get"].writes = false;
  }
  const logact::ToolSchemas& schemas() const override { return schemas_; }
  std::unique_ptr<EnvironmentModel> Clone() const override {
    return std::make_unique<KeyValueStore>(*this);
  }
  Json StateJson() const override { return Json(data_); }
  logact::Result<logact::ToolOutcome> Execute(const logact::ToolCall& call) override {
    logact::ToolOutcome outcome;
    if (!logact::ValidateAction(schemas_, *call.action).ok()) {
      outcome.output = R"({"error":"bad call"})";
      return outcome;
    }
    const std::string key = call.action->args["key"].get<std::string>();
    if (!call.idempotency_key.empty() && seen_.count(call.idempotency_key) == 1) {
      return seen_[call.idempotency_key];
    }
    outcome.ok = true;
    if (call.action->tool == "put") data_[key] = call.action->args["value"].get<int64_t>();
    outcome.output = data_.count(key) == 1 ? std::to_string(data_[key]) : "null";
    if (!call.idempotency_key.empty()) seen_[call.idempotency_key] = outcome;
    return outcome;
  }

 private:
  logact::ToolSchemas schemas_;
  std::map<std::string, int64_t> data_;
  std::map<std::string, logact::ToolOutcome> seen_;
};

BOOST_AUTO_TEST_SUITE(CustomEnvironment)

// Goal: the key-value model is deterministic, rejects near misses without
// changing state, honours idempotency keys, and a run of its calls passes the
// invariant checker with the model as the ENV-CONSISTENT reference.
RC_BOOST_PROP(KeyValueStoreIsFaithful, ()) {
  logact::testing::EnvironmentModelIsFaithful([] { return std::make_unique<KeyValueStore>(); });
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
