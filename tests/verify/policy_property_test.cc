// Policy verification on generated policies (RapidCheck): every counterexample
// is replayed by the engine's own voters and decider with the same outcome,
// and every "yes" (safe, useful, dead rule) is checked against a pool of
// concrete actions built from the policies' own constants, so a wrong proof
// would show up as a pool action that contradicts it.
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>
#include <boost/test/unit_test.hpp>

#include "tests/verify/policy_test_util.h"

namespace logact::verify {
namespace {

// Schema: tool a {s: string, n: integer, f: boolean?}, b {s: string?, r: number}, c {}.
const Json kTools = Json::parse(R"({
  "a": {"args": {"s": "string", "n": "integer", "f": "boolean?"}},
  "b": {"args": {"s": "string?", "r": "number"}},
  "c": {"args": {}}
})");
const std::vector<std::string> kStrings = {"", "ab", "abc", "EV1", "zz"};
const std::vector<Json> kNumbers = {-1, 0, 1, 2.5, 3};
const std::vector<std::string> kPatterns = {"a.*", "ab?c", "[a-c]+", "EV[0-9]", "(z|ab)*"};

template <typename T>
T Pick(const std::vector<T>& items) {
  return items[*rc::gen::inRange<size_t>(0, items.size())];
}

Json GenArgCondition() {
  switch (*rc::gen::inRange(0, 12)) {
    case 0:
      return {{"arg", "s"}, {"eq", Pick(kStrings)}};
    case 1:
      return {{"arg", "s"}, {"ne", Pick(kStrings)}};
    case 2:
      return {{"arg", "s"}, {"prefix", Pick(kStrings)}};
    case 3:
      return {{"arg", "s"}, {"suffix", Pick(kStrings)}};
    case 4:
      return {{"arg", "s"}, {"contains", Pick(kStrings)}};
    case 5:
      return {{"arg", "s"}, {"matches", Pick(kPatterns)}};
    case 6:
      return {{"arg", "s"}, {"in", {Pick(kStrings), Pick(kStrings)}}};
    case 7:
      return {{"arg", Pick<std::string>({"n", "r"})},
              {Pick<std::string>({"lt", "le", "gt", "ge", "eq", "ne"}), Pick(kNumbers)}};
    case 8:
      return {{"arg", "f"}, {"eq", *rc::gen::arbitrary<bool>()}};
    case 9:
      return {{"arg", Pick<std::string>({"f", "s"})}, {"exists", *rc::gen::arbitrary<bool>()}};
    case 10:
      return {{"arg", "n"}, {"in", {Pick(kNumbers), Pick(kNumbers)}}};
    default:
      return {{"tool", Pick<std::string>({"a", "b", "c"})}};
  }
}

Json GenCondition(int depth) {
  const int choice = *rc::gen::inRange(0, depth > 0 ? 10 : 7);
  if (choice < 7) return GenArgCondition();
  if (choice == 7) return {{"not", GenCondition(depth - 1)}};
  Json children = Json::array();
  for (int i = *rc::gen::inRange(1, 3); i > 0; --i) children.push_back(GenCondition(depth - 1));
  return {{choice == 8 ? "all" : "any", children}};
}

Json GenVoterSet() {
  Json voters = Json::array();
  const int count = *rc::gen::inRange(1, 4);
  for (int v = 0; v < count; ++v) {
    const std::string type = Pick<std::string>({"rules", "rules", "llm", "t2"});
    const std::string name = "v" + std::to_string(v);
    if (type == "llm") {
      voters.push_back({{"voter", name},
                        {"type", type},
                        {"assume", Pick<std::string>({"unknown", "allow", "deny"})}});
      continue;
    }
    Json rules = Json::array();
    for (int r = *rc::gen::inRange(0, 5); r > 0; --r) {
      rules.push_back({{"id", name + "r" + std::to_string(r)},
                       {"effect", *rc::gen::arbitrary<bool>() ? "allow" : "deny"},
                       {"when", GenCondition(2)}});
    }
    voters.push_back({{"voter", name},
                      {"type", type},
                      {"default", *rc::gen::arbitrary<bool>() ? "allow" : "deny"},
                      {"rules", rules}});
  }
  const std::string kind = Pick<std::string>({"on_by_default", "off_by_default", "first_voter",
                                              "first_voter", "all_of", "any_of", "quorum"});
  Json decider = {{"kind", kind}};
  if (kind == "first_voter" && *rc::gen::arbitrary<bool>()) decider["types"] = {"rules"};
  if (kind == "all_of" || kind == "any_of" || kind == "quorum") {
    decider["types"] =
        *rc::gen::arbitrary<bool>() ? Json{"rules", "llm"} : Json{"rules", "llm", "t2"};
  }
  if (kind == "quorum")
    decider["k"] = *rc::gen::inRange<int>(1, static_cast<int>(decider["types"].size()) + 1);
  return {{"decider", decider}, {"voters", voters}};
}

// Every action over the schema whose values come from the constant pools.
std::vector<Action> ActionPool() {
  std::vector<Action> pool;
  pool.push_back(Action{"c", Json::object()});
  for (const std::string& s : kStrings) {
    for (const Json& n : {Json(-1), Json(0), Json(1), Json(3)}) {
      for (int f = 0; f < 3; ++f) {
        Action a{"a", {{"s", s}, {"n", n}}};
        if (f < 2) a.args["f"] = f == 1;
        pool.push_back(a);
      }
    }
  }
  for (const Json& r : kNumbers) {
    pool.push_back(Action{"b", {{"r", r}}});
    for (const std::string& s : kStrings) pool.push_back(Action{"b", {{"s", s}, {"r", r}}});
  }
  return pool;
}

bool CanCommit(const VoterSet& set, const Action& action) {
  Result<bool> can = NativeCanCommit(set, action);
  RC_ASSERT(can.has_value());
  return *can;
}

void CheckAgainstPool(const VoterSet& set, const SafetySpec& spec, const ValidationReport& report) {
  static const std::vector<Action> pool = ActionPool();
  for (const Action& action : pool) {
    if (report.safe.answer == Answer::kYes && IsForbidden(spec, action)) {
      RC_ASSERT(!CanCommit(set, action));
    }
    if (report.useful.answer == Answer::kYes && AnyHolds(spec.benign, action)) {
      RC_ASSERT(CanCommit(set, action));
    }
  }
  for (const RuleRef& dead : report.dead_rules) {
    VoterSet without = set;
    for (VoterConfig& voter : without.voters) {
      if (voter.name != dead.voter) continue;
      std::erase_if(voter.rules, [&](const Rule& rule) { return rule.id == dead.rule; });
    }
    for (const Action& action : pool)
      RC_ASSERT(CanCommit(set, action) == CanCommit(without, action));
  }
}

void CheckWitnesses(const VoterSet& set, const SafetySpec& spec, const ValidationReport& report) {
  if (report.safe.answer == Answer::kNo) {
    const Counterexample& cx = *report.safe.counterexample;
    RC_ASSERT(ValidateAction(spec.tools, cx.action).ok());
    RC_ASSERT(IsForbidden(spec, cx.action));
    RC_ASSERT(NativeVerdict(set, cx.action, cx.scenario) == Verdict::kCommit);
  }
  if (report.useful.answer == Answer::kNo) {
    const Counterexample& cx = *report.useful.counterexample;
    RC_ASSERT(ValidateAction(spec.tools, cx.action).ok());
    RC_ASSERT(AnyHolds(spec.benign, cx.action));
    RC_ASSERT(!CanCommit(set, cx.action));
  }
  // Without text conditions nothing is approximated: every answer is decided.
  RC_ASSERT(report.safe.answer != Answer::kUnknown);
  RC_ASSERT(report.useful.answer != Answer::kUnknown);
  RC_ASSERT(report.undecided_rules.empty());
}

BOOST_AUTO_TEST_SUITE(PolicyProperties)

// Generated policies: witnesses replay natively, proofs hold on the pool.
RC_BOOST_PROP(GeneratedPoliciesAgreeWithTheEngine, ()) {
  const Json set_json = GenVoterSet();
  Json spec_json = {{"tools", kTools}, {"forbidden", Json::array()}, {"benign", Json::array()}};
  for (int i = *rc::gen::inRange(0, 3); i > 0; --i)
    spec_json["forbidden"].push_back(GenCondition(1));
  for (int i = *rc::gen::inRange(0, 3); i > 0; --i) spec_json["benign"].push_back(GenCondition(1));
  RC_TAG(set_json["decider"]["kind"].get<std::string>());
  Result<VoterSet> set = ParseVoterSet(set_json);
  RC_ASSERT(set.has_value());
  Result<SafetySpec> spec = ParseSafetySpec(spec_json);
  RC_ASSERT(spec.has_value());
  Result<ValidationReport> report = Validate(*set, *spec, {});
  if (!report.has_value()) {
    // The only bad input the generator can produce is an overlapping spec.
    RC_ASSERT(report.error().message().starts_with("spec: contradictory"));
    return;
  }
  CheckWitnesses(*set, *spec, *report);
  CheckAgainstPool(*set, *spec, *report);
}

// Generated pairs: diff witnesses replay natively, "no difference" holds on the pool.
RC_BOOST_PROP(GeneratedDiffsAgreeWithTheEngine, ()) {
  const Json spec_json = {{"tools", kTools}};
  Result<SafetySpec> spec = ParseSafetySpec(spec_json);
  RC_ASSERT(spec.has_value());
  Result<VoterSet> old_set = ParseVoterSet(GenVoterSet());
  Result<VoterSet> new_set = ParseVoterSet(GenVoterSet());
  RC_ASSERT(old_set.has_value() && new_set.has_value());
  Result<DiffReport> diff = Diff(*old_set, *new_set, *spec, {});
  RC_ASSERT(diff.has_value());
  auto check = [&](const PropertyAnswer& side, const VoterSet& commits, const VoterSet& other) {
    RC_ASSERT(side.answer != Answer::kUnknown);
    if (side.answer == Answer::kNo) {
      const Counterexample& cx = *side.counterexample;
      RC_ASSERT(NativeVerdict(commits, cx.action, cx.scenario) == Verdict::kCommit);
      RC_ASSERT(!CanCommit(other, cx.action));
      return;
    }
    static const std::vector<Action> pool = ActionPool();
    for (const Action& action : pool)
      RC_ASSERT(!CanCommit(commits, action) || CanCommit(other, action));
  };
  check(diff->old_only, *old_set, *new_set);
  check(diff->new_only, *new_set, *old_set);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::verify
