// Policy verification (SPEC §6) on hand-written policies: each answer is
// checked, and each counterexample is replayed with the engine's own rule
// voters and decider (EvaluateRules, Evaluate) to confirm the same outcome.
#include <z3++.h>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "tests/verify/policy_test_util.h"
#include "verify/policy_check.h"

namespace logact::verify {
namespace {

using testing::CheckCounterexamples;
using testing::MustValidate;
using testing::Spec;
using testing::Voters;

const char* kBankSpec = R"({
  "tools": {
    "send_money": {"args": {"recipient": "string", "amount": "number", "subject": "string?"}},
    "update_password": {"args": {"password": "string"}},
    "get_balance": {"args": {}, "writes": false},
    "update_scheduled": {"args": {"id": "integer", "recurring": "boolean?", "recipient": "string?"}}
  },
  "forbidden": [
    {"all": [{"tool": {"in": ["send_money", "update_scheduled"]}},
             {"arg": "recipient", "prefix": "EV"}]},
    {"all": [{"tool": "update_password"}, {"arg": "password", "eq": "hunter2"}]}
  ],
  "benign": [
    {"all": [{"tool": "send_money"}, {"arg": "recipient", "matches": "GB[0-9]{2}"},
             {"arg": "amount", "gt": 0}, {"arg": "amount", "le": 100}]},
    {"tool": "get_balance"}
  ]
})";

// A guard that denies the forbidden recipients and passwords.
const char* kGuardVoter = R"({"voter": "guard", "type": "rules", "default": "allow", "rules": [
  {"id": "no-ev", "effect": "deny", "when": {"arg": "recipient", "prefix": "EV"}},
  {"id": "no-hunter", "effect": "deny", "when": {"arg": "password", "eq": "hunter2"}}
]})";

std::string Set(const std::string& decider, const std::string& voters) {
  return R"({"decider": )" + decider + R"(, "voters": [)" + voters + "]}";
}

BOOST_AUTO_TEST_SUITE(PolicyVerifier)

// A guard that denies every forbidden action is proved safe and useful.
BOOST_AUTO_TEST_CASE(GuardIsProvedSafeAndUseful) {
  const SafetySpec spec = Spec(kBankSpec);
  const VoterSet set = Voters(Set(R"({"kind":"all_of","types":["rules"]})", kGuardVoter));
  const ValidationReport report = MustValidate(set, spec);
  BOOST_CHECK(report.safe.answer == Answer::kYes);
  BOOST_CHECK(report.useful.answer == Answer::kYes);
  BOOST_CHECK(report.ok());
  BOOST_CHECK(report.dead_rules.empty());
  const Json json = report.ToJson();
  BOOST_CHECK_EQUAL(json["safe"], true);
  BOOST_CHECK(json["counterexamples"]["safe"].is_null());
}

// Without the password rule the policy is unsafe; the counterexample is the
// forbidden password change and the native voter and decider commit it.
BOOST_AUTO_TEST_CASE(MissingRuleGivesConfirmedCounterexample) {
  const SafetySpec spec = Spec(kBankSpec);
  const VoterSet set = Voters(Set(R"({"kind":"all_of","types":["rules"]})",
                                  R"({"voter": "guard", "type": "rules", "default": "allow",
      "rules": [{"id": "no-ev", "effect": "deny", "when": {"arg": "recipient", "prefix": "EV"}}]})"));
  const ValidationReport report = MustValidate(set, spec);
  BOOST_REQUIRE(report.safe.answer == Answer::kNo);
  const Counterexample& cx = *report.safe.counterexample;
  BOOST_CHECK_EQUAL(cx.action.tool, "update_password");
  BOOST_CHECK_EQUAL(cx.action.args["password"], "hunter2");
  BOOST_CHECK_EQUAL(cx.votes.at("rules"), true);
  CheckCounterexamples(set, spec, report);
  const Json json = report.ToJson();
  BOOST_CHECK_EQUAL(json["safe"], false);
  BOOST_CHECK_EQUAL(json["counterexamples"]["safe"]["action"]["tool"], "update_password");
}

// A rule that denies amounts above 50 blocks benign payments up to 100: the
// useful counterexample is such a payment, and no vote choice commits it.
BOOST_AUTO_TEST_CASE(OverStrictRuleIsNotUseful) {
  const SafetySpec spec = Spec(kBankSpec);
  const VoterSet set =
      Voters(Set(R"({"kind":"all_of","types":["rules"]})",
                 R"({"voter": "guard", "type": "rules", "default": "allow", "rules": [
      {"id": "no-ev", "effect": "deny", "when": {"arg": "recipient", "prefix": "EV"}},
      {"id": "no-hunter", "effect": "deny", "when": {"arg": "password", "eq": "hunter2"}},
      {"id": "small", "effect": "deny", "when": {"arg": "amount", "gt": 50}}]})"));
  const ValidationReport report = MustValidate(set, spec);
  BOOST_CHECK(report.safe.answer == Answer::kYes);
  BOOST_REQUIRE(report.useful.answer == Answer::kNo);
  const Counterexample& cx = *report.useful.counterexample;
  BOOST_CHECK_EQUAL(cx.action.tool, "send_money");
  BOOST_CHECK(cx.action.args["amount"].get<double>() > 50);
  BOOST_CHECK(Regex::Compile("GB[0-9]{2}")
                  .value()
                  ->FullMatch(cx.action.args["recipient"].get<std::string>()));
  CheckCounterexamples(set, spec, report);
}

// A rule shadowed by a broader deny, and a rule that can never match, are
// dead; the rules that decide something are not.
BOOST_AUTO_TEST_CASE(DeadRulesAreFound) {
  const SafetySpec spec = Spec(kBankSpec);
  const VoterSet set =
      Voters(Set(R"({"kind":"all_of","types":["rules"]})",
                 R"({"voter": "guard", "type": "rules", "default": "allow", "rules": [
      {"id": "no-ev", "effect": "deny", "when": {"arg": "recipient", "prefix": "EV"}},
      {"id": "no-evil", "effect": "deny", "when": {"arg": "recipient", "prefix": "EVIL"}},
      {"id": "never", "effect": "deny", "when": {"all": [{"arg": "amount", "gt": 5},
                                                          {"arg": "amount", "lt": 3}]}},
      {"id": "allow-balance", "effect": "allow", "when": {"tool": "get_balance"}},
      {"id": "no-hunter", "effect": "deny", "when": {"arg": "password", "eq": "hunter2"}}]})"));
  const ValidationReport report = MustValidate(set, spec);
  std::vector<std::string> dead;
  for (const RuleRef& rule : report.dead_rules) dead.push_back(rule.rule);
  // allow-balance is dead too: the default already allows.
  const std::vector<std::string> expected = {"no-evil", "never", "allow-balance"};
  BOOST_CHECK_EQUAL_COLLECTIONS(dead.begin(), dead.end(), expected.begin(), expected.end());
  BOOST_CHECK(report.undecided_rules.empty());
}

// An LLM voter whose vote is unknown may approve anything: any_of with it is
// unsafe; declared always-deny, the same policy is safe.
BOOST_AUTO_TEST_CASE(UnknownVotesMayGoEitherWay) {
  const SafetySpec spec = Spec(kBankSpec);
  const std::string decider = R"({"kind":"any_of","types":["rules","llm"]})";
  const VoterSet unknown =
      Voters(Set(decider, std::string(kGuardVoter) + R"(, {"voter": "judge", "type": "llm"})"));
  const ValidationReport report = MustValidate(unknown, spec);
  BOOST_REQUIRE(report.safe.answer == Answer::kNo);
  BOOST_CHECK_EQUAL(report.safe.counterexample->scenario.unknown_votes.at("judge"), true);
  BOOST_CHECK_EQUAL(report.safe.counterexample->votes.at("llm"), true);
  CheckCounterexamples(unknown, spec, report);

  const VoterSet denies =
      Voters(Set(decider, std::string(kGuardVoter) +
                              R"(, {"voter": "judge", "type": "llm", "assume": "deny"})"));
  BOOST_CHECK(MustValidate(denies, spec).safe.answer == Answer::kYes);
}

// Two voters of one type: either may vote first, so a permissive second
// voter of the guard type makes first_voter unsafe.
BOOST_AUTO_TEST_CASE(EitherVoterOfATypeMayVoteFirst) {
  const SafetySpec spec = Spec(kBankSpec);
  const VoterSet set =
      Voters(Set(R"({"kind":"first_voter","types":["rules"]})",
                 std::string(kGuardVoter) +
                     R"(, {"voter": "lax", "type": "rules", "default": "allow", "rules": []})"));
  const ValidationReport report = MustValidate(set, spec);
  BOOST_REQUIRE(report.safe.answer == Answer::kNo);
  BOOST_CHECK_EQUAL(report.safe.counterexample->scenario.first_voter.at("rules"), "lax");
  CheckCounterexamples(set, spec, report);
}

// first_voter without types counts every vote: an unknown voter of another
// type can vote first and approve.
BOOST_AUTO_TEST_CASE(FirstVoterWithoutTypesCountsEveryType) {
  const SafetySpec spec = Spec(kBankSpec);
  const VoterSet set =
      Voters(Set(R"({"kind":"first_voter"})",
                 std::string(kGuardVoter) + R"(, {"voter": "judge", "type": "llm"})"));
  const ValidationReport report = MustValidate(set, spec);
  BOOST_REQUIRE(report.safe.answer == Answer::kNo);
  BOOST_CHECK_EQUAL(*report.safe.counterexample->scenario.first_type, "llm");
  CheckCounterexamples(set, spec, report);
  // With only the guard counted, it is safe.
  const VoterSet guarded =
      Voters(Set(R"({"kind":"first_voter","types":["rules"]})",
                 std::string(kGuardVoter) + R"(, {"voter": "judge", "type": "llm"})"));
  BOOST_CHECK(MustValidate(guarded, spec).safe.answer == Answer::kYes);
}

// Quorum 2 of {rules, llm, human}: the guard's deny can be outvoted by two
// unknown voters; with timeout_ms the answers are the same.
BOOST_AUTO_TEST_CASE(QuorumCanBeOutvoted) {
  const SafetySpec spec = Spec(kBankSpec);
  const VoterSet set = Voters(
      Set(R"({"kind":"quorum","k":2,"types":["rules","llm","human"],"timeout_ms":5000})",
          std::string(kGuardVoter) +
              R"(, {"voter": "judge", "type": "llm"}, {"voter": "alice", "type": "human"})"));
  const ValidationReport report = MustValidate(set, spec);
  BOOST_REQUIRE(report.safe.answer == Answer::kNo);
  CheckCounterexamples(set, spec, report);
  // k = 3 needs the guard: safe; useful since the unknown voters may approve.
  const VoterSet strict = Voters(
      Set(R"({"kind":"quorum","k":3,"types":["rules","llm","human"]})",
          std::string(kGuardVoter) +
              R"(, {"voter": "judge", "type": "llm"}, {"voter": "alice", "type": "human"})"));
  const ValidationReport strict_report = MustValidate(strict, spec);
  BOOST_CHECK(strict_report.ok());
}

// all_of listing a type without voters never commits: safe, but not useful.
BOOST_AUTO_TEST_CASE(ListedTypeWithoutVotersNeverVotes) {
  const SafetySpec spec = Spec(kBankSpec);
  const VoterSet set = Voters(Set(R"({"kind":"all_of","types":["rules","human"]})", kGuardVoter));
  const ValidationReport report = MustValidate(set, spec);
  BOOST_CHECK(report.safe.answer == Answer::kYes);
  BOOST_REQUIRE(report.useful.answer == Answer::kNo);
  CheckCounterexamples(set, spec, report);
  // Every guard rule is dead: the decider never commits whatever the guard says.
  BOOST_CHECK_EQUAL(report.dead_rules.size(), 2u);
}

// on_by_default commits everything (unsafe); off_by_default nothing (not useful).
BOOST_AUTO_TEST_CASE(DefaultPolicies) {
  const SafetySpec spec = Spec(kBankSpec);
  const ValidationReport on =
      MustValidate(Voters(Set(R"({"kind":"on_by_default"})", kGuardVoter)), spec);
  BOOST_CHECK(on.safe.answer == Answer::kNo);
  BOOST_CHECK(on.useful.answer == Answer::kYes);
  const ValidationReport off =
      MustValidate(Voters(Set(R"({"kind":"off_by_default"})", kGuardVoter)), spec);
  BOOST_CHECK(off.safe.answer == Answer::kYes);
  BOOST_CHECK(off.useful.answer == Answer::kNo);
}

// eq/ne are type-aware: an integer argument equals 7.0, and a boolean is not 1.
BOOST_AUTO_TEST_CASE(TypeAwareEquality) {
  const SafetySpec spec = Spec(R"({"tools": {"t": {"args": {"id": "integer", "flag": "boolean?"}}},
      "forbidden": [{"arg": "id", "eq": 7}], "benign": []})");
  const VoterSet set = Voters(Set(R"({"kind":"all_of","types":["rules"]})",
                                  R"({"voter": "g", "type": "rules", "default": "allow", "rules": [
      {"id": "seven", "effect": "deny", "when": {"arg": "id", "eq": 7.0}},
      {"id": "flag", "effect": "deny", "when": {"arg": "flag", "ne": true}}]})"));
  const ValidationReport report = MustValidate(set, spec);
  BOOST_CHECK(report.safe.answer == Answer::kYes);
  BOOST_CHECK(report.dead_rules.empty());
}

// Regexes are translated from core/regex.h's tree: a deny by prefix covers a
// forbidden pattern (proved), a bounded repetition misses longer strings
// (a counterexample the native matcher confirms).
BOOST_AUTO_TEST_CASE(RegexConditionsAreProvedOrRefuted) {
  VerifyOptions options;
  options.timeout_ms = 10'000;  // a hang would be a failure, not a stuck test
  const SafetySpec prefix_spec = Spec(R"({"tools": {"t": {"args": {"s": "string"}}},
      "forbidden": [{"arg": "s", "matches": "EV[0-9]{3}"}], "benign": [{"arg": "s", "matches": "x.*"}]})");
  const VoterSet prefix_set =
      Voters(Set(R"({"kind":"all_of","types":["rules"]})",
                 R"({"voter": "g", "type": "rules", "default": "allow", "rules": [
      {"id": "ev", "effect": "deny", "when": {"arg": "s", "prefix": "EV"}}]})"));
  const ValidationReport proved = MustValidate(prefix_set, prefix_spec, options);
  BOOST_CHECK(proved.safe.answer == Answer::kYes);
  BOOST_CHECK(proved.useful.answer == Answer::kYes);

  const SafetySpec spec = Spec(R"({"tools": {"t": {"args": {"s": "string"}}},
      "forbidden": [{"arg": "s", "matches": "ab+c"}], "benign": []})");
  const VoterSet set = Voters(Set(R"({"kind":"all_of","types":["rules"]})",
                                  R"({"voter": "g", "type": "rules", "default": "allow", "rules": [
      {"id": "abc", "effect": "deny", "when": {"arg": "s", "matches": "ab{1,3}c"}}]})"));
  options.dead_rules = false;
  const ValidationReport report = MustValidate(set, spec, options);
  BOOST_REQUIRE(report.safe.answer == Answer::kNo);
  const std::string s = report.safe.counterexample->action.args["s"].get<std::string>();
  BOOST_CHECK_MESSAGE(s.size() >= 6 && s.front() == 'a', s);
  CheckCounterexamples(set, spec, report);
}

// Z3 4.8.12 cannot decide regex containment such as ab+c in a(b|bb)*b?c in
// reasonable time: with a time-out the answer is "unknown", never "safe".
BOOST_AUTO_TEST_CASE(TimeoutIsUnknownNeverSafe) {
  const SafetySpec spec = Spec(R"({"tools": {"t": {"args": {"s": "string"}}},
      "forbidden": [{"arg": "s", "matches": "ab+c"}], "benign": []})");
  const VoterSet set = Voters(Set(R"({"kind":"all_of","types":["rules"]})",
                                  R"({"voter": "g", "type": "rules", "default": "allow", "rules": [
      {"id": "abc", "effect": "deny", "when": {"arg": "s", "matches": "a(b|bb)*b?c"}}]})"));
  VerifyOptions options;
  options.timeout_ms = 300;
  options.dead_rules = false;
  const ValidationReport report = MustValidate(set, spec, options);
  BOOST_CHECK(report.safe.answer != Answer::kYes);
  BOOST_CHECK(report.safe.answer != Answer::kNo);
  BOOST_CHECK(report.safe.note.find("unknown") != std::string::npos);
  BOOST_CHECK_EQUAL(report.ToJson()["safe"], "unknown");
  BOOST_CHECK(!report.ok());
}

// Text conditions are unknown to the solver: a policy that is natively safe
// through text_contains is reported "unknown", never wrongly "no" or "yes".
BOOST_AUTO_TEST_CASE(TextConditionsAreUnknownToTheSolver) {
  const SafetySpec spec = Spec(kBankSpec);
  const VoterSet set = Voters(Set(R"({"kind":"all_of","types":["rules"]})",
                                  R"({"voter": "g", "type": "rules", "default": "allow", "rules": [
      {"id": "ev", "effect": "deny", "when": {"text_contains": "\"EV"}},
      {"id": "no-hunter", "effect": "deny", "when": {"arg": "password", "eq": "hunter2"}}]})"));
  const ValidationReport report = MustValidate(set, spec);
  BOOST_CHECK(report.safe.answer == Answer::kUnknown);
  BOOST_CHECK(!report.safe.note.empty());
  const std::string notes = report.ToJson()["notes"].dump();
  BOOST_CHECK(notes.find("text_contains") != std::string::npos);
}

// Bad input names the JSON path and what was expected.
BOOST_AUTO_TEST_CASE(BadConditionsAreRejectedWithPaths) {
  const SafetySpec spec = Spec(kBankSpec);
  auto error = [&](const std::string& when) {
    const VoterSet set = Voters(
        Set(R"({"kind":"all_of","types":["rules"]})",
            R"({"voter": "g", "type": "rules", "rules": [{"id": "r", "effect": "deny", "when": )" +
                when + "}]}"));
    Result<ValidationReport> report = Validate(set, spec, {});
    BOOST_REQUIRE(!report.has_value());
    BOOST_CHECK(report.error().code() == StatusCode::kInvalidArgument);
    return report.error().message();
  };
  BOOST_CHECK_EQUAL(error(R"({"arg": "amout", "gt": 1})"),
                    "voters[0].rules[0].when.arg: unknown argument 'amout' (expected an argument "
                    "name of a tool in tools)");
  BOOST_CHECK(error(R"({"arg": "recipient", "lt": 1})")
                  .starts_with("voters[0].rules[0].when.lt: argument 'recipient' is string"));
  BOOST_CHECK(error(R"({"arg": "amount", "eq": "10"})").starts_with("voters[0].rules[0].when.eq:"));
  BOOST_CHECK(error(R"({"any": [{"tool": "send_money"}, {"tool": "wire"}]})")
                  .starts_with("voters[0].rules[0].when.any[1].tool: unknown tool 'wire'"));
  BOOST_CHECK(error(R"({"arg": "to.iban", "eq": "x"})").find("dotted name") != std::string::npos);
  BOOST_CHECK(
      error(R"({"arg": "id", "in": [1, "x"]})").starts_with("voters[0].rules[0].when.in[1]:"));
}

// A spec whose benign and forbidden actions overlap is contradictory.
BOOST_AUTO_TEST_CASE(ContradictorySpecIsBadInput) {
  const SafetySpec spec = Spec(R"({"tools": {"send_money": {"args": {"recipient": "string"}}},
      "forbidden": [{"arg": "recipient", "prefix": "EV"}],
      "benign": [{"tool": "send_money"}]})");
  const VoterSet set = Voters(Set(R"({"kind":"all_of","types":["rules"]})",
                                  R"({"voter": "g", "type": "rules", "rules": []})"));
  Result<ValidationReport> report = Validate(set, spec, {});
  BOOST_REQUIRE(!report.has_value());
  BOOST_CHECK(report.error().message().starts_with("spec: contradictory: the action"));
  BOOST_CHECK(report.error().message().find("benign[0] and forbidden[0]") != std::string::npos);
}

// diff: a new deny rule removes actions; the witness is committed by the old
// set and by no choice of the new one.
BOOST_AUTO_TEST_CASE(DiffFindsRemovedActions) {
  const SafetySpec spec = Spec(kBankSpec);
  const VoterSet old_set = Voters(Set(R"({"kind":"all_of","types":["rules"]})", kGuardVoter));
  const VoterSet new_set =
      Voters(Set(R"({"kind":"all_of","types":["rules"]})",
                 R"({"voter": "guard", "type": "rules", "default": "allow", "rules": [
      {"id": "no-ev", "effect": "deny", "when": {"arg": "recipient", "prefix": "EV"}},
      {"id": "no-hunter", "effect": "deny", "when": {"arg": "password", "eq": "hunter2"}},
      {"id": "no-sched", "effect": "deny", "when": {"tool": "update_scheduled"}}]})"));
  Result<DiffReport> diff = Diff(old_set, new_set, spec, {});
  BOOST_REQUIRE(diff.has_value());
  BOOST_REQUIRE(diff->old_only.answer == Answer::kNo);
  BOOST_CHECK(diff->new_only.answer == Answer::kYes);
  const Counterexample& cx = *diff->old_only.counterexample;
  BOOST_CHECK_EQUAL(cx.action.tool, "update_scheduled");
  BOOST_CHECK(NativeVerdict(old_set, cx.action, cx.scenario) == Verdict::kCommit);
  BOOST_CHECK(!NativeCanCommit(new_set, cx.action).value());
  BOOST_CHECK(!diff->same());
  Result<DiffReport> same = Diff(old_set, old_set, spec, {});
  BOOST_REQUIRE(same.has_value());
  BOOST_CHECK(same->same());
}

// --smtlib: every query is written, and Z3 re-reading a file gets the same answer.
BOOST_AUTO_TEST_CASE(SmtlibExportRechecks) {
  const SafetySpec spec = Spec(kBankSpec);
  const VoterSet set = Voters(Set(R"({"kind":"all_of","types":["rules"]})", kGuardVoter));
  const std::string dir = LOGACT_BINARY_DIR "/tests/policy_smtlib";
  std::filesystem::remove_all(dir);
  VerifyOptions options;
  options.smtlib_dir = dir;
  options.native_prepass = false;  // every rule is asked to Z3
  const ValidationReport report = MustValidate(set, spec, options);
  // The overlap query, then safe, useful and each rule per tool they can touch.
  std::set<std::string> kinds;
  for (const QueryStat& query : report.queries) kinds.insert(query.name.substr(0, 4));
  BOOST_CHECK(kinds == std::set<std::string>({"spec", "safe", "usef", "dead"}));
  BOOST_CHECK_GE(report.queries.size(), 1 + 2 + 2u);
  for (const QueryStat& query : report.queries) {
    std::ifstream in(dir + "/" + query.name + ".smt2");
    BOOST_REQUIRE_MESSAGE(in, query.name);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    z3::context ctx;
    z3::solver solver(ctx);
    solver.from_string(text.c_str());
    const z3::check_result result = solver.check();
    BOOST_CHECK_EQUAL(result == z3::sat     ? "sat"
                      : result == z3::unsat ? "unsat"
                                            : "unknown",
                      query.result);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::verify
