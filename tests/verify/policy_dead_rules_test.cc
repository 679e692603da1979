// Dead-rule detection with the native pre-pass (verify/policy_witness.h): a
// policy with known dead and live rules gets exactly those reported, every
// live rule's witness is replayed natively, and the answers are the same with
// the pre-pass off (every rule asked to Z3).
#include <boost/test/unit_test.hpp>
#include <set>

#include "tests/verify/policy_test_util.h"
#include "verify/policy_witness.h"

namespace logact::verify {
namespace {

using testing::MustValidate;
using testing::Spec;
using testing::Voters;

const char* kSpec = R"({
  "tools": {
    "send_money": {"args": {"recipient": "string", "amount": "number", "subject": "string?"}},
    "update_password": {"args": {"password": "string"}},
    "get_balance": {"args": {}, "writes": false},
    "update_scheduled": {"args": {"id": "integer", "recurring": "boolean?", "recipient": "string?"}}
  },
  "forbidden": [{"all": [{"tool": "update_password"}, {"arg": "password", "eq": "hunter2"}]}],
  "benign": [{"tool": "get_balance"}]
})";

// Dead: "bigger" (subsumed by "big"), "empty-range" (contradicting bounds),
// "noop-allow" (an allow rule under default allow), "aa-code" (subsumed by
// "code"), "late-id" (subsumed by "any-id"). The others are live; "code" needs
// a string outside "aa-code", which the candidates (its regex sample "AA000"
// matches both) do not propose, so Z3 finds it.
const char* kPolicy =
    R"({"decider": {"kind": "all_of", "types": ["rules", "limits", "llm"]}, "voters": [
  {"voter": "guard", "type": "rules", "default": "allow", "rules": [
    {"id": "no-hunter", "effect": "deny", "when": {"arg": "password", "eq": "hunter2"}},
    {"id": "big", "effect": "deny", "when": {"all": [{"tool": "send_money"},
                                                     {"arg": "amount", "gt": 100}]}},
    {"id": "bigger", "effect": "deny", "when": {"all": [{"tool": "send_money"},
                                                        {"arg": "amount", "gt": 500}]}},
    {"id": "empty-range", "effect": "deny", "when": {"all": [{"arg": "amount", "gt": 10},
                                                             {"arg": "amount", "lt": 5}]}},
    {"id": "noop-allow", "effect": "allow", "when": {"tool": "get_balance"}},
    {"id": "code", "effect": "deny", "when": {"arg": "recipient", "matches": "[A-Z]{2}[0-9]{3}"}},
    {"id": "aa-code", "effect": "deny", "when": {"arg": "recipient", "matches": "AA[0-9]{3}"}},
    {"id": "any-id", "effect": "deny", "when": {"all": [{"tool": "update_scheduled"},
                                                        {"arg": "id", "ge": 7}]}},
    {"id": "late-id", "effect": "deny", "when": {"all": [{"arg": "id", "ge": 70},
                                                         {"arg": "recurring", "exists": true}]}},
    {"id": "no-subject", "effect": "deny", "when": {"all": [{"tool": "send_money"},
                                                            {"arg": "subject", "exists": false}]}}
  ]},
  {"voter": "limits", "type": "limits", "default": "deny", "rules": [
    {"id": "balance", "effect": "allow", "when": {"tool": "get_balance"}},
    {"id": "small", "effect": "allow", "when": {"arg": "amount", "le": 1000}},
    {"id": "passwords", "effect": "allow", "when": {"tool": "update_password"}},
    {"id": "schedule", "effect": "allow", "when": {"tool": "update_scheduled"}},
    {"id": "odd-date", "effect": "deny", "when": {"arg": "subject", "prefix": "19"}}
  ]},
  {"voter": "judge", "type": "llm"}
]})";

std::set<std::string> Names(const std::vector<RuleRef>& rules) {
  std::set<std::string> out;
  for (const RuleRef& rule : rules) out.insert(rule.voter + "/" + rule.rule);
  return out;
}

size_t IndexOf(const VoterSet& set, const RuleRef& ref, size_t* rule) {
  for (size_t v = 0; v < set.voters.size(); ++v) {
    for (size_t r = 0; r < set.voters[v].rules.size(); ++r) {
      if (set.voters[v].name == ref.voter && set.voters[v].rules[r].id == ref.rule) {
        *rule = r;
        return v;
      }
    }
  }
  BOOST_FAIL("no rule " + ref.voter + "/" + ref.rule);
  return 0;
}

// A live rule's witness, replayed through the engine's own voters and decider,
// commits with the rule and not without it (or the reverse).
void CheckReplaysNatively(const VoterSet& set, const LiveRule& live) {
  size_t r = 0;
  const size_t v = IndexOf(set, live.rule, &r);
  BOOST_CHECK_MESSAGE(NativelyLive(set, v, r, live.action, live.scenario),
                      live.rule.rule + " on " + live.action.ToText());
}

void CheckKnownRules(const VerifyOptions& options) {
  const SafetySpec spec = Spec(kSpec);
  const VoterSet set = Voters(kPolicy);
  const ValidationReport report = MustValidate(set, spec, options);
  const std::set<std::string> dead = {"guard/bigger", "guard/empty-range", "guard/noop-allow",
                                      "guard/aa-code", "guard/late-id"};
  BOOST_CHECK(Names(report.dead_rules) == dead);
  BOOST_CHECK(report.undecided_rules.empty());
  BOOST_CHECK_EQUAL(report.live_rules.size(), 15u - dead.size());
  for (const LiveRule& live : report.live_rules) {
    BOOST_CHECK(!dead.contains(live.rule.voter + "/" + live.rule.rule));
    BOOST_CHECK_MESSAGE(ValidateAction(spec.tools, live.action).ok(), live.action.ToText());
    CheckReplaysNatively(set, live);
  }
}

BOOST_AUTO_TEST_SUITE(PolicyDeadRules)

// With the native pre-pass: exactly the known dead rules, live ones re-checked natively.
BOOST_AUTO_TEST_CASE(KnownDeadAndLiveRulesWithPrepass) { CheckKnownRules(VerifyOptions{}); }

// Without it every rule is asked to Z3; the answers are the same.
BOOST_AUTO_TEST_CASE(KnownDeadAndLiveRulesWithoutPrepass) {
  VerifyOptions options;
  options.native_prepass = false;
  CheckKnownRules(options);
}

// The pre-pass decides the easy live rules without a query and leaves the
// rest to Z3: "code" is shown live by a Z3 model, dead rules never natively.
BOOST_AUTO_TEST_CASE(PrepassSplitsTheWork) {
  const ValidationReport report = MustValidate(Voters(kPolicy), Spec(kSpec));
  std::map<std::string, std::string> by;
  for (const LiveRule& live : report.live_rules) by[live.rule.rule] = live.by;
  BOOST_CHECK_EQUAL(by["big"], "native");
  BOOST_CHECK_EQUAL(by["no-hunter"], "native");
  BOOST_CHECK_EQUAL(by["code"], "z3");
  BOOST_CHECK_EQUAL(
      report.timings.live_native + report.timings.rules_to_z3 + report.timings.dead_simplified,
      report.timings.rules);
  BOOST_CHECK_GT(report.timings.live_native, 5u);
  const Json json = report.ToJson();
  BOOST_CHECK_EQUAL(json["live_rules"].size(), report.live_rules.size());
  BOOST_CHECK_EQUAL(json["timings"]["rules"], 15);
}

// Candidates satisfy the leaves they come from and respect the schemas.
BOOST_AUTO_TEST_CASE(CandidatesFollowTheConditions) {
  const SafetySpec spec = Spec(kSpec);
  const Condition when =
      ParseCondition(Json::parse(R"({"all": [{"tool": "send_money"}, {"arg": "amount", "gt": 100},
                                             {"not": {"arg": "subject", "exists": true}}]})"),
                     "when")
          .value();
  const std::vector<Action> candidates = CandidateActions({&when}, {}, spec.tools, 100);
  bool found = false;
  for (const Action& action : candidates) {
    BOOST_CHECK(ValidateAction(spec.tools, action).ok());
    found = found || EvaluateCondition(when, action, action.ToText());
  }
  BOOST_CHECK(found);
  BOOST_CHECK_LE(CandidateActions({&when}, {}, spec.tools, 3).size(), 3u);
}

// Scenarios cover unknown votes and first voters; too many give none.
BOOST_AUTO_TEST_CASE(ScenariosAreEnumerated) {
  const VoterSet set = Voters(R"({"decider": {"kind": "first_voter"}, "voters": [
    {"voter": "a", "type": "llm"}, {"voter": "b", "type": "llm"}, {"voter": "c", "type": "x"}]})");
  // 2^3 unknown votes x 2 first voters of llm x 2 first types.
  BOOST_CHECK_EQUAL(EnumerateScenarios(set, 1000).size(), 32u);
  BOOST_CHECK(EnumerateScenarios(set, 10).empty());
}

// Regex inclusion through `.*`: "either" is dead because "(urgent|asap)-11.*"
// lies inside "(urgent|asap)-1.*" (every "-11" string starts with "-1") and
// its date disjunct is the rule "y2020" (which "either" makes dead in turn:
// rules are removed one at a time); "a" and "aa" lie inside "a-any", which
// is live only on a string
// that starts with "a", is not "a" and does not start with "aa" (e.g. "ab"),
// which no candidate proposes, so Z3 must find it. Z3 4.8.12 timed out on
// both (reported undecided) while `.*` was a star of the byte range.
BOOST_AUTO_TEST_CASE(DotStarInclusionIsDecided) {
  const SafetySpec spec = Spec(R"({"tools": {
    "send_money": {"args": {"subject": "string", "date": "string"}}},
    "forbidden": [], "benign": []})");
  const VoterSet set = Voters(R"({"decider": {"kind": "all_of", "types": ["rules"]}, "voters": [
    {"voter": "guard", "type": "rules", "default": "allow", "rules": [
      {"id": "urgent-1", "effect": "deny", "when": {"arg": "subject", "matches": "(urgent|asap)-1.*"}},
      {"id": "y2020", "effect": "deny", "when": {"arg": "date", "prefix": "2020-"}},
      {"id": "either", "effect": "deny", "when": {"any": [
        {"arg": "subject", "matches": "(urgent|asap)-11.*"}, {"arg": "date", "prefix": "2020-"}]}},
      {"id": "a", "effect": "deny", "when": {"arg": "subject", "eq": "a"}},
      {"id": "aa", "effect": "deny", "when": {"arg": "subject", "matches": "aa.*"}},
      {"id": "a-any", "effect": "deny", "when": {"arg": "subject", "matches": "a.*"}}
    ]}]})");
  for (bool prepass : {true, false}) {
    VerifyOptions options;
    options.native_prepass = prepass;
    options.timeout_ms = 5'000;
    const ValidationReport report = MustValidate(set, spec, options);
    BOOST_CHECK(Names(report.dead_rules) ==
                std::set<std::string>({"guard/either", "guard/y2020", "guard/a", "guard/aa"}));
    BOOST_CHECK(report.undecided_rules.empty());
    for (const LiveRule& live : report.live_rules) {
      CheckReplaysNatively(set, live);
      if (live.rule.rule != "a-any") continue;
      const std::string subject = live.action.args["subject"].get<std::string>();
      BOOST_CHECK(subject.size() >= 2 && subject[0] == 'a' && subject[1] != 'a');
      if (prepass) BOOST_CHECK_EQUAL(live.by, "z3");
    }
  }
}

// Affix inclusion, also on an optional argument: "invoice-91" is dead (every
// subject containing "invoice-91" contains "invoice-9"), decided by the string
// abstraction with its lemmas, which Z3's string solver alone left undecided
// after a time-out; "d2020" is dead under the prefix "20"; "invoice-9",
// "d2010" (excluded from "d2020"'s strings, not from "20"'s) and "20" are
// live, each with a natively replayed witness.
BOOST_AUTO_TEST_CASE(AffixInclusionIsDecidedByTheAbstraction) {
  const SafetySpec spec = Spec(R"({"tools": {
    "send_money": {"args": {"subject": "string", "date": "string"}},
    "update": {"args": {"id": "integer", "subject": "string?", "date": "string?"}}},
    "forbidden": [], "benign": []})");
  const VoterSet set = Voters(R"({"decider": {"kind": "all_of", "types": ["rules"]}, "voters": [
    {"voter": "guard", "type": "rules", "default": "allow", "rules": [
      {"id": "invoice-9", "effect": "deny", "when": {"arg": "subject", "contains": "invoice-9"}},
      {"id": "invoice-91", "effect": "deny", "when": {"arg": "subject", "contains": "invoice-91"}},
      {"id": "20", "effect": "deny", "when": {"all": [{"arg": "date", "prefix": "20"},
                                                      {"arg": "subject", "suffix": "x"}]}},
      {"id": "d2020", "effect": "deny", "when": {"all": [{"arg": "date", "prefix": "2020-"},
                                                         {"arg": "subject", "suffix": "-x"}]}},
      {"id": "d2010", "effect": "deny", "when": {"all": [{"arg": "date", "prefix": "2010-"},
                                                         {"not": {"arg": "subject", "suffix": "x"}}]}}
    ]}]})");
  for (bool prepass : {true, false}) {
    VerifyOptions options;
    options.native_prepass = prepass;
    options.timeout_ms = 3'000;
    const ValidationReport report = MustValidate(set, spec, options);
    BOOST_CHECK(Names(report.dead_rules) ==
                std::set<std::string>({"guard/invoice-91", "guard/d2020"}));
    BOOST_CHECK(report.undecided_rules.empty());
    BOOST_CHECK_EQUAL(report.live_rules.size(), 3u);
    for (const LiveRule& live : report.live_rules) {
      CheckReplaysNatively(set, live);
    }
    // invoice-91 is refuted on the abstraction: no real string query about it.
    bool refuted = false;
    for (const QueryStat& query : report.queries) {
      const bool about = query.name.find("invoice-91") != std::string::npos;
      if (about && query.name.rfind("abstract.", 0) == 0)
        refuted = refuted || query.result == "unsat";
      BOOST_CHECK_MESSAGE(!about || query.name.rfind("abstract.", 0) == 0, query.name);
    }
    BOOST_CHECK(refuted);
  }
}

// A wrong cover proposal is refuted natively: every sample of ".{0,7}" lacks
// a digit, so "no digit" matched them all and was asked to Z3 (sat, slow);
// the mutated candidates ("0" for the last byte) refute it, while ".{0,9}"
// stays proposed and proves "short" dead with no query about "nodigit".
BOOST_AUTO_TEST_CASE(WrongCoverProposalIsRefutedNatively) {
  const SafetySpec spec = Spec(R"({"tools": {
    "update_password": {"args": {"password": "string"}}}, "forbidden": [], "benign": []})");
  const VoterSet set = Voters(R"({"decider": {"kind": "all_of", "types": ["rules"]}, "voters": [
    {"voter": "guard", "type": "rules", "default": "allow", "rules": [
      {"id": "nodigit", "effect": "deny",
       "when": {"not": {"arg": "password", "matches": ".*[0-9].*"}}},
      {"id": "short", "effect": "deny", "when": {"arg": "password", "matches": ".{0,7}"}},
      {"id": "long", "effect": "deny", "when": {"arg": "password", "matches": ".{0,9}"}}
    ]}]})");
  const std::vector<std::vector<size_t>> proposals =
      CoverProposals(set.voters[0], 1, spec.tools, 2);
  BOOST_CHECK(proposals == std::vector<std::vector<size_t>>({{2}}));
  const ValidationReport report = MustValidate(set, spec, VerifyOptions{});
  BOOST_CHECK(Names(report.dead_rules) == std::set<std::string>({"guard/short"}));
  BOOST_CHECK(report.undecided_rules.empty());
  for (const QueryStat& query : report.queries)
    BOOST_CHECK_MESSAGE(query.name.find("short.nodigit") == std::string::npos, query.name);
}

// A cover that is a regex inclusion ([A-Za-z0-9]{11,16} within
// [A-Za-z0-9]{9,16}, urgent-11.* within urgent-1.*) is proved on the string
// abstraction with the byte-automaton lemmas: no real string query is asked,
// and the live rules' witnesses still replay natively.
BOOST_AUTO_TEST_CASE(RegexInclusionCoverIsDecidedOnTheAbstraction) {
  const SafetySpec spec = Spec(R"({"tools": {
    "update_password": {"args": {"password": "string"}},
    "send_money": {"args": {"subject": "string"}}}, "forbidden": [], "benign": []})");
  const VoterSet set = Voters(R"({"decider": {"kind": "all_of", "types": ["rules"]}, "voters": [
    {"voter": "guard", "type": "rules", "default": "allow", "rules": [
      {"id": "long", "effect": "deny", "when": {"arg": "password", "matches": "[A-Za-z0-9]{11,16}"}},
      {"id": "short", "effect": "deny", "when": {"arg": "password", "matches": "[A-Za-z0-9]{9,16}"}},
      {"id": "u11", "effect": "deny", "when": {"arg": "subject", "matches": "(urgent|asap)-11.*"}},
      {"id": "u1", "effect": "deny", "when": {"arg": "subject", "matches": "(urgent|asap)-1.*"}}
    ]}]})");
  const ValidationReport report = MustValidate(set, spec, VerifyOptions{});
  BOOST_CHECK(Names(report.dead_rules) == std::set<std::string>({"guard/long", "guard/u11"}));
  BOOST_CHECK(report.undecided_rules.empty());
  for (const LiveRule& live : report.live_rules) CheckReplaysNatively(set, live);
  for (const QueryStat& query : report.queries) {
    const bool real_cover = query.name.starts_with("cover.") || query.name.starts_with("dead.");
    BOOST_CHECK_MESSAGE(!real_cover, query.name);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::verify
