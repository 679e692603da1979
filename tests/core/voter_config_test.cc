// Tests of core/voter_config.h: voter documents, rule evaluation and voter sets.
#include "core/voter_config.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "core/limits.h"

namespace logact {
namespace {

VoterConfig MustParse(const std::string& text) {
  Result<VoterConfig> config = ParseVoterConfig(Json::parse(text), "voters[0]");
  BOOST_REQUIRE_MESSAGE(config.has_value(), text + " -> " + config.status().ToString());
  return config.value();
}

void ExpectVoterError(const Json& json, const std::string& needle) {
  Result<VoterConfig> config = ParseVoterConfig(json, "voters[0]");
  BOOST_REQUIRE_MESSAGE(!config.has_value(), CompactJson(json) + " parsed but should not");
  BOOST_CHECK(config.error().code() == StatusCode::kInvalidArgument);
  BOOST_CHECK_MESSAGE(
      config.error().message().find(needle) != std::string::npos,
      CompactJson(json) + " -> '" + config.error().message() + "' lacks '" + needle + "'");
}

void ExpectSetError(const std::string& text, const std::string& needle) {
  Result<VoterSet> set = ParseVoterSet(Json::parse(text));
  BOOST_REQUIRE_MESSAGE(!set.has_value(), text + " parsed but should not");
  BOOST_CHECK(set.error().code() == StatusCode::kInvalidArgument);
  BOOST_CHECK_MESSAGE(set.error().message().find(needle) != std::string::npos,
                      text + " -> '" + set.error().message() + "' lacks '" + needle + "'");
}

constexpr const char* kBankVoter = R"({
  "voter": "bank_rules", "type": "rules", "default": "allow",
  "rules": [
    {"id": "big", "effect": "deny", "when": {"all": [{"tool": "send_money"},
        {"arg": "amount", "gt": 1000}]}, "reason": "large transfer"},
    {"id": "known", "effect": "allow", "when": {"arg": "recipient", "prefix": "DE"},
     "reason": "known bank"},
    {"id": "pw", "effect": "deny", "when": {"tool": "update_password"}, "reason": "no passwords"}
  ]})";

Action Send(const std::string& recipient, double amount) {
  return Action{"send_money", Json{{"recipient", recipient}, {"amount", amount}}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(VoterConfigTests)

// A rule voter parses with its rules, effects and default.
BOOST_AUTO_TEST_CASE(ParsesRuleVoter) {
  VoterConfig config = MustParse(kBankVoter);
  BOOST_CHECK_EQUAL(config.name, "bank_rules");
  BOOST_CHECK_EQUAL(config.type, "rules");
  BOOST_CHECK(config.is_rule_voter);
  BOOST_CHECK(config.default_allow);
  BOOST_REQUIRE_EQUAL(config.rules.size(), 3u);
  BOOST_CHECK_EQUAL(config.rules[0].id, "big");
  BOOST_CHECK(config.rules[0].effect == RuleEffect::kDeny);
  BOOST_CHECK(config.rules[1].effect == RuleEffect::kAllow);
  BOOST_CHECK_EQUAL(config.rules[1].reason, "known bank");
  BOOST_CHECK(config.rules[0].when.kind == Condition::Kind::kAll);
  BOOST_CHECK_EQUAL(config.source, Json::parse(kBankVoter));
}

// `default` defaults to deny; any document with `rules` is a rule voter whatever its type.
BOOST_AUTO_TEST_CASE(DefaultIsDenyAndRulesMakeARuleVoter) {
  VoterConfig config = MustParse(R"({"voter":"v","type":"llm","rules":[]})");
  BOOST_CHECK(config.is_rule_voter);
  BOOST_CHECK(!config.default_allow);
  RuleVerdict verdict = EvaluateRules(config, Send("DE1", 1));
  BOOST_CHECK(!verdict.approve);
  BOOST_CHECK_EQUAL(verdict.reason, "default");
  BOOST_CHECK(verdict.matched_rule_ids.empty());
  BOOST_CHECK(MustParse(R"({"voter":"v","type":"t","default":"deny","rules":[]})").is_rule_voter);
}

// Non-rule voters: `assume` is allow, deny or unknown (the default); own fields are kept.
BOOST_AUTO_TEST_CASE(ParsesNonRuleVoters) {
  VoterConfig llm = MustParse(R"({"voter":"judge","type":"llm"})");
  BOOST_CHECK(!llm.is_rule_voter);
  BOOST_CHECK(llm.assume == Assumption::kUnknown);
  BOOST_CHECK(MustParse(R"({"voter":"j","type":"llm","assume":"allow"})").assume ==
              Assumption::kAllow);
  BOOST_CHECK(MustParse(R"({"voter":"j","type":"llm","assume":"deny"})").assume ==
              Assumption::kDeny);
  BOOST_CHECK(MustParse(R"({"voter":"j","type":"llm","assume":"unknown"})").assume ==
              Assumption::kUnknown);
  VoterConfig prompt = MustParse(R"({"voter":"j","type":"llm","prompt":"be careful"})");
  BOOST_CHECK_EQUAL(prompt.source["prompt"], "be careful");
}

// A matching deny beats every matching allow; no match gives the default.
BOOST_AUTO_TEST_CASE(DenyBeatsAllowAndDefaultApplies) {
  VoterConfig config = MustParse(kBankVoter);
  RuleVerdict big_known = EvaluateRules(config, Send("DE89", 5000));
  BOOST_CHECK(!big_known.approve);
  BOOST_CHECK_EQUAL(big_known.reason, "large transfer");
  BOOST_CHECK((big_known.matched_rule_ids == std::vector<std::string>{"big", "known"}));
  RuleVerdict small_known = EvaluateRules(config, Send("DE89", 10));
  BOOST_CHECK(small_known.approve);
  BOOST_CHECK_EQUAL(small_known.reason, "known bank");
  RuleVerdict other = EvaluateRules(config, Send("FR12", 10));
  BOOST_CHECK(other.approve);  // default allow
  BOOST_CHECK_EQUAL(other.reason, "default");
  RuleVerdict password = EvaluateRules(config, Action{"update_password", Json{{"password", "x"}}});
  BOOST_CHECK(!password.approve);
  BOOST_CHECK_EQUAL(password.reason, "no passwords");
  // The reason is the first matching deny's, in document order.
  VoterConfig two_denies = MustParse(R"({"voter":"v","type":"rules","default":"allow","rules":[
      {"id":"a","effect":"allow","when":{"tool":"t"},"reason":"ok"},
      {"id":"b","effect":"deny","when":{"tool":"t"},"reason":"first"},
      {"id":"c","effect":"deny","when":{"tool":"t"},"reason":"second"}]})");
  RuleVerdict verdict = EvaluateRules(two_denies, Action{"t", Json::object()});
  BOOST_CHECK(!verdict.approve);
  BOOST_CHECK_EQUAL(verdict.reason, "first");
  BOOST_CHECK_EQUAL(verdict.matched_rule_ids.size(), 3u);
}

// Malformed voter documents name the JSON path and what was expected.
BOOST_AUTO_TEST_CASE(MalformedVotersNameThePath) {
  ExpectVoterError(Json::array(), "voters[0]: expected a voter object");
  ExpectVoterError(Json::parse(R"({"type":"llm"})"), "voters[0].voter: missing");
  ExpectVoterError(Json::parse(R"({"voter":"","type":"llm"})"),
                   "voters[0].voter: expected a non-empty string");
  ExpectVoterError(Json::parse(R"({"voter":"v"})"), "voters[0].type: missing");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":7})"),
                   "voters[0].type: expected a non-empty");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"llm","description":1})"),
                   "voters[0].description: expected a string");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"llm","assume":"maybe"})"),
                   "voters[0].assume: expected \"allow\", \"deny\" or \"unknown\", got \"maybe\"");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"llm","assume":true})"),
                   "voters[0].assume: expected");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"llm","default":"allow"})"),
                   "voters[0].default: only rule voters have a default");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"r","rules":[],"assume":"allow"})"),
                   "voters[0].assume: only voters without rules");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"r","rules":[],"prompt":"x"})"),
                   "voters[0].prompt: unexpected field in a rule voter");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"r","rules":{}})"),
                   "voters[0].rules: expected an array of rules");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"r","rules":[],"default":"maybe"})"),
                   "voters[0].default: expected \"allow\" or \"deny\", got \"maybe\"");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"r","rules":[1]})"),
                   "voters[0].rules[0]: expected a rule object");
  ExpectVoterError(
      Json::parse(R"({"voter":"v","type":"r","rules":[{"effect":"deny","when":{"tool":"t"}}]})"),
      "voters[0].rules[0].id: missing");
  ExpectVoterError(
      Json::parse(R"({"voter":"v","type":"r","rules":[{"id":"a","when":{"tool":"t"}}]})"),
      "voters[0].rules[0].effect: missing");
  ExpectVoterError(
      Json::parse(
          R"({"voter":"v","type":"r","rules":[{"id":"a","effect":"block","when":{"tool":"t"}}]})"),
      "voters[0].rules[0].effect: expected \"allow\" or \"deny\"");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"r","rules":[{"id":"a","effect":"deny"}]})"),
                   "voters[0].rules[0].when: missing");
  ExpectVoterError(
      Json::parse(
          R"({"voter":"v","type":"r","rules":[{"id":"a","effect":"deny","when":{"tool":1}}]})"),
      "voters[0].rules[0].when.tool: expected a tool name");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"r","rules":[
                     {"id":"a","effect":"deny","when":{"tool":"t"},"reason":5}]})"),
                   "voters[0].rules[0].reason: expected a string");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"r","rules":[
                     {"id":"a","effect":"deny","when":{"tool":"t"},"note":""}]})"),
                   "voters[0].rules[0].note: unexpected field in a rule");
  ExpectVoterError(Json::parse(R"({"voter":"v","type":"r","rules":[
                     {"id":"a","effect":"deny","when":{"tool":"t"}},
                     {"id":"b","effect":"deny","when":{"tool":"t"}},
                     {"id":"a","effect":"allow","when":{"tool":"u"}}]})"),
                   "voters[0].rules[2].id: duplicate rule id 'a' (also voters[0].rules[0])");
}

// The number of rules is bounded by limits::kRulesPerVoterMax.
BOOST_AUTO_TEST_CASE(RuleCountLimit) {
  Json voter = {{"voter", "v"}, {"type", "rules"}, {"rules", Json::array()}};
  for (size_t i = 0; i < limits::kRulesPerVoterMax + 1; ++i) {
    voter["rules"].push_back(
        Json{{"id", "r" + std::to_string(i)}, {"effect", "deny"}, {"when", {{"tool", "t"}}}});
  }
  ExpectVoterError(voter, "voters[0].rules: more than 10000 rules");
  voter["rules"].erase(voter["rules"].size() - 1);
  BOOST_CHECK(ParseVoterConfig(voter, "v").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(VoterSetTests)

// A voter set pairs a decider policy with its voters.
BOOST_AUTO_TEST_CASE(ParsesVoterSet) {
  Result<VoterSet> set = ParseVoterSet(Json::parse(
      R"({"decider":{"kind":"all_of","types":["rules","llm"]},
          "voters":[{"voter":"r","type":"rules","rules":[]},{"voter":"j","type":"llm"}]})"));
  BOOST_REQUIRE_MESSAGE(set.has_value(), set.status().ToString());
  BOOST_CHECK(set->decider.kind == DeciderKind::kAllOf);
  BOOST_REQUIRE_EQUAL(set->voters.size(), 2u);
  BOOST_CHECK(set->voters[0].is_rule_voter);
  BOOST_CHECK(!set->voters[1].is_rule_voter);
  // Two voters of one type are allowed; a listed type with no voter is allowed.
  BOOST_CHECK(ParseVoterSet(Json::parse(R"({"decider":{"kind":"any_of","types":["a","b"]},
      "voters":[{"voter":"x","type":"a"},{"voter":"y","type":"a"}]})"))
                  .has_value());
  BOOST_CHECK(ParseVoterSet(Json::parse(R"({"decider":{"kind":"on_by_default"},"voters":[]})"))
                  .has_value());
}

// Malformed voter sets name the JSON path.
BOOST_AUTO_TEST_CASE(MalformedVoterSetsNameThePath) {
  ExpectSetError(R"([])", "voter set: expected an object");
  ExpectSetError(R"({"voters":[]})", "decider: missing");
  ExpectSetError(R"({"decider":{"kind":"on_by_default"}})", "voters: missing");
  ExpectSetError(R"({"decider":{"kind":"nope"},"voters":[]})", "decider.kind: unknown kind");
  ExpectSetError(R"({"decider":{"kind":"on_by_default"},"voters":{}})",
                 "voters: expected an array of voters");
  ExpectSetError(R"({"decider":{"kind":"on_by_default"},"voters":[],"spec":{}})",
                 "spec: unexpected field in a voter set");
  ExpectSetError(R"({"decider":{"kind":"on_by_default"},"voters":[{"voter":"a","type":"t"},
                   {"voter":"b","type":"t","assume":"no"}]})",
                 "voters[1].assume: expected");
  ExpectSetError(R"({"decider":{"kind":"on_by_default"},"voters":[{"voter":"a","type":"t"},
                   {"voter":"b","type":"t"},{"voter":"a","type":"u"}]})",
                 "voters[2].voter: duplicate voter name 'a' (also voters[0])");
  Json many = {{"decider", {{"kind", "on_by_default"}}}, {"voters", Json::array()}};
  for (size_t i = 0; i < limits::kVotersMax + 1; ++i) {
    many["voters"].push_back(Json{{"voter", "v" + std::to_string(i)}, {"type", "t"}});
  }
  Result<VoterSet> too_many = ParseVoterSet(many);
  BOOST_REQUIRE(!too_many.has_value());
  BOOST_CHECK(too_many.error().message().find("voters: more than 64 voters") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact
