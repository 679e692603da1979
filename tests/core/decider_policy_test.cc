// Tests of core/decider_policy.h: parsing policy.decider and evaluating votes.
#include "core/decider_policy.h"

#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <vector>

namespace logact {
namespace {

DeciderPolicy MustParse(const std::string& text) {
  Result<DeciderPolicy> policy = ParseDeciderPolicy(Json::parse(text));
  BOOST_REQUIRE_MESSAGE(policy.has_value(), text + " -> " + policy.status().ToString());
  return policy.value();
}

// Expects parsing `text` to fail with kInvalidArgument and a message containing `needle`.
void ExpectError(const std::string& text, const std::string& needle) {
  Result<DeciderPolicy> policy = ParseDeciderPolicy(Json::parse(text));
  BOOST_REQUIRE_MESSAGE(!policy.has_value(), text + " parsed but should not");
  BOOST_CHECK(policy.error().code() == StatusCode::kInvalidArgument);
  BOOST_CHECK_MESSAGE(policy.error().message().find(needle) != std::string::npos,
                      text + " -> '" + policy.error().message() + "' lacks '" + needle + "'");
}

Verdict Eval(const DeciderPolicy& policy, std::vector<CountedVote> votes) {
  return Evaluate(policy, votes);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(DeciderPolicyParse)

// Every kind of SPEC §2 parses, and ToJson round-trips to an equal policy.
BOOST_AUTO_TEST_CASE(EveryKindParsesAndRoundTrips) {
  const std::vector<std::string> texts = {
      R"({"kind":"on_by_default"})",
      R"({"kind":"off_by_default","timeout_ms":5})",
      R"({"kind":"first_voter"})",
      R"({"kind":"first_voter","types":["llm","rules"]})",
      R"({"kind":"all_of","types":["a","b"],"timeout_ms":1000})",
      R"({"kind":"any_of","types":["a"]})",
      R"({"kind":"quorum","k":2,"types":["a","b","c"]})",
  };
  for (const std::string& text : texts) {
    DeciderPolicy policy = MustParse(text);
    BOOST_CHECK_EQUAL(CompactJson(policy.ToJson()), CompactJson(Json::parse(text)));
    DeciderPolicy again = MustParse(CompactJson(policy.ToJson()));
    BOOST_CHECK(again == policy);
  }
  DeciderPolicy quorum = MustParse(R"({"kind":"quorum","k":2,"types":["a","b","c"]})");
  BOOST_CHECK(quorum.kind == DeciderKind::kQuorum);
  BOOST_CHECK_EQUAL(quorum.k, 2);
  BOOST_CHECK(!quorum.timeout_ms.has_value());
  BOOST_CHECK_EQUAL(*MustParse(R"({"kind":"all_of","types":["a"],"timeout_ms":7})").timeout_ms, 7);
}

// Each malformed shape is bad input whose message names the JSON path.
BOOST_AUTO_TEST_CASE(MalformedPoliciesNameThePath) {
  ExpectError(R"([1])", "decider: expected an object");
  ExpectError(R"("on_by_default")", "decider: expected an object");
  ExpectError(R"({})", "decider.kind: missing");
  ExpectError(R"({"kind":3})", "decider.kind: expected a string");
  ExpectError(R"({"kind":"majority"})", "decider.kind: unknown kind 'majority'");
  ExpectError(R"({"kind":"on_by_default","types":["a"]})", "decider.types: unexpected field");
  ExpectError(R"({"kind":"all_of","types":["a"],"k":1})", "decider.k: unexpected field");
  ExpectError(R"({"kind":"all_of","types":["a"],"extra":1})", "decider.extra: unexpected field");
  ExpectError(R"({"kind":"all_of"})", "decider.types: missing");
  ExpectError(R"({"kind":"any_of","types":"a"})", "decider.types: expected an array");
  ExpectError(R"({"kind":"any_of","types":[]})", "decider.types: must list at least one");
  ExpectError(R"({"kind":"first_voter","types":[]})", "decider.types: must list at least one");
  ExpectError(R"({"kind":"any_of","types":["a",1]})", "decider.types[1]: expected a non-empty");
  ExpectError(R"({"kind":"any_of","types":[""]})", "decider.types[0]: expected a non-empty");
  ExpectError(R"({"kind":"any_of","types":["a","b","a"]})", "decider.types[2]: voter type 'a'");
  ExpectError(R"({"kind":"quorum","types":["a"]})", "decider.k: missing");
  ExpectError(R"({"kind":"quorum","k":"1","types":["a"]})", "decider.k: expected an integer");
  ExpectError(R"({"kind":"quorum","k":1.0,"types":["a"]})", "decider.k: expected an integer");
  ExpectError(R"({"kind":"quorum","k":0,"types":["a","b"]})",
              "decider.k: must be between 1 and the number of types (2)");
  ExpectError(R"({"kind":"quorum","k":3,"types":["a","b"]})", "decider.k: must be between 1");
  ExpectError(R"({"kind":"quorum","k":-1,"types":["a","b"]})", "decider.k: must be between 1");
  ExpectError(R"({"kind":"quorum","k":18446744073709551615,"types":["a"]})",
              "decider.k: must be between 1");
  ExpectError(R"({"kind":"quorum","k":2})", "decider.types: missing");
  ExpectError(R"({"kind":"on_by_default","timeout_ms":0})", "decider.timeout_ms: must be");
  ExpectError(R"({"kind":"on_by_default","timeout_ms":-5})", "decider.timeout_ms: must be");
  ExpectError(R"({"kind":"on_by_default","timeout_ms":1.5})", "decider.timeout_ms: expected an");
  ExpectError(R"({"kind":"on_by_default","timeout_ms":"9"})", "decider.timeout_ms: expected an");
  ExpectError(R"({"kind":"on_by_default","timeout_ms":18446744073709551615})",
              "decider.timeout_ms: must be");
}

// The caller's path prefixes every message, and the type list is bounded.
BOOST_AUTO_TEST_CASE(PathPrefixAndTypeLimit) {
  Result<DeciderPolicy> bad = ParseDeciderPolicy(Json::parse(R"({"kind":"x"})"), "line 3: decider");
  BOOST_REQUIRE(!bad.has_value());
  BOOST_CHECK(bad.error().message().starts_with("line 3: decider.kind:"));
  Json many = {{"kind", "any_of"}, {"types", Json::array()}};
  for (int i = 0; i < 65; ++i) many["types"].push_back("t" + std::to_string(i));
  Result<DeciderPolicy> too_many = ParseDeciderPolicy(many);
  BOOST_REQUIRE(!too_many.has_value());
  BOOST_CHECK(too_many.error().message().find("kVotersMax") != std::string::npos);
}

// Counts: listed types only; first_voter without types counts every vote.
BOOST_AUTO_TEST_CASE(CountsListedTypes) {
  BOOST_CHECK(!MustParse(R"({"kind":"on_by_default"})").Counts("a"));
  BOOST_CHECK(!MustParse(R"({"kind":"off_by_default"})").Counts("a"));
  BOOST_CHECK(MustParse(R"({"kind":"first_voter"})").Counts("anything"));
  DeciderPolicy listed = MustParse(R"({"kind":"first_voter","types":["a"]})");
  BOOST_CHECK(listed.Counts("a"));
  BOOST_CHECK(!listed.Counts("b"));
  DeciderPolicy all_of = MustParse(R"({"kind":"all_of","types":["a","b"]})");
  BOOST_CHECK(all_of.Counts("b"));
  BOOST_CHECK(!all_of.Counts("c"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(DeciderPolicyEvaluate)

// on/off_by_default decide without votes.
BOOST_AUTO_TEST_CASE(DefaultsDecideWithoutVotes) {
  BOOST_CHECK(Eval(MustParse(R"({"kind":"on_by_default"})"), {}) == Verdict::kCommit);
  BOOST_CHECK(Eval(MustParse(R"({"kind":"off_by_default"})"), {}) == Verdict::kAbort);
  BOOST_CHECK(Eval(DeciderPolicy{}, {}) == Verdict::kCommit);  // the policy before any applies
  BOOST_CHECK_EQUAL(VerdictName(Verdict::kUndecided), "undecided");
  BOOST_CHECK_EQUAL(VerdictName(Verdict::kCommit), "commit");
  BOOST_CHECK_EQUAL(VerdictName(Verdict::kAbort), "abort");
}

// first_voter: the first counted vote decides, either way.
BOOST_AUTO_TEST_CASE(FirstVoterFirstCountedVoteDecides) {
  DeciderPolicy any = MustParse(R"({"kind":"first_voter"})");
  BOOST_CHECK(Eval(any, {}) == Verdict::kUndecided);
  BOOST_CHECK(Eval(any, {{"x", true}, {"y", false}}) == Verdict::kCommit);
  BOOST_CHECK(Eval(any, {{"x", false}, {"y", true}}) == Verdict::kAbort);
  DeciderPolicy listed = MustParse(R"({"kind":"first_voter","types":["b"]})");
  BOOST_CHECK(Eval(listed, {{"a", true}}) == Verdict::kUndecided);  // uncounted type ignored
  BOOST_CHECK(Eval(listed, {{"a", true}, {"b", false}}) == Verdict::kAbort);
}

// all_of: abort on the first deny of a listed type; commit once all approved.
BOOST_AUTO_TEST_CASE(AllOfAbortsOnFirstDenyCommitsOnAllApprove) {
  DeciderPolicy policy = MustParse(R"({"kind":"all_of","types":["a","b","c"]})");
  BOOST_CHECK(Eval(policy, {{"a", true}, {"b", true}}) == Verdict::kUndecided);
  BOOST_CHECK(Eval(policy, {{"a", true}, {"b", true}, {"c", true}}) == Verdict::kCommit);
  BOOST_CHECK(Eval(policy, {{"b", false}}) == Verdict::kAbort);
  BOOST_CHECK(Eval(policy, {{"a", true}, {"c", false}, {"b", true}}) == Verdict::kAbort);
  // A vote of an unlisted type never decides.
  BOOST_CHECK(Eval(policy, {{"z", false}, {"a", true}}) == Verdict::kUndecided);
  // A repeated type counts once: the second approval of `a` is not `b`'s.
  BOOST_CHECK(Eval(MustParse(R"({"kind":"all_of","types":["a","b"]})"),
                   {{"a", true}, {"a", true}}) == Verdict::kUndecided);
}

// any_of: commit on the first approve; abort once every listed type denied.
BOOST_AUTO_TEST_CASE(AnyOfCommitsOnFirstApproveAbortsWhenAllDeny) {
  DeciderPolicy policy = MustParse(R"({"kind":"any_of","types":["a","b"]})");
  BOOST_CHECK(Eval(policy, {{"a", false}}) == Verdict::kUndecided);
  BOOST_CHECK(Eval(policy, {{"a", false}, {"b", true}}) == Verdict::kCommit);
  BOOST_CHECK(Eval(policy, {{"b", true}, {"a", false}}) == Verdict::kCommit);
  BOOST_CHECK(Eval(policy, {{"a", false}, {"b", false}}) == Verdict::kAbort);
  BOOST_CHECK(Eval(policy, {{"a", false}, {"a", false}}) == Verdict::kUndecided);
}

// quorum: commit at K approvals; abort as soon as K can no longer be reached.
BOOST_AUTO_TEST_CASE(QuorumCommitsAtKAbortsWhenUnreachable) {
  DeciderPolicy policy = MustParse(R"({"kind":"quorum","k":2,"types":["a","b","c"]})");
  BOOST_CHECK(Eval(policy, {{"a", true}}) == Verdict::kUndecided);
  BOOST_CHECK(Eval(policy, {{"a", true}, {"b", false}}) == Verdict::kUndecided);
  BOOST_CHECK(Eval(policy, {{"a", true}, {"b", false}, {"c", true}}) == Verdict::kCommit);
  BOOST_CHECK(Eval(policy, {{"a", false}, {"b", false}}) == Verdict::kAbort);
  BOOST_CHECK(Eval(policy, {{"a", true}, {"c", true}, {"b", false}}) == Verdict::kCommit);
  DeciderPolicy unanimous = MustParse(R"({"kind":"quorum","k":3,"types":["a","b","c"]})");
  BOOST_CHECK(Eval(unanimous, {{"a", true}, {"b", false}}) == Verdict::kAbort);
  DeciderPolicy one = MustParse(R"({"kind":"quorum","k":1,"types":["a","b"]})");
  BOOST_CHECK(Eval(one, {{"a", false}}) == Verdict::kUndecided);
  BOOST_CHECK(Eval(one, {{"a", false}, {"b", true}}) == Verdict::kCommit);
}

// The first decisive vote fixes the verdict: later votes are never consulted.
BOOST_AUTO_TEST_CASE(LaterVotesNeverChangeTheVerdict) {
  DeciderPolicy policy = MustParse(R"({"kind":"all_of","types":["a","b"]})");
  BOOST_CHECK(Eval(policy, {{"a", false}, {"b", true}}) == Verdict::kAbort);
  DeciderPolicy any = MustParse(R"({"kind":"any_of","types":["a","b"]})");
  BOOST_CHECK(Eval(any, {{"a", true}, {"b", false}}) == Verdict::kCommit);
}

// Evaluate skips repeated types by scanning the earlier votes; the simple form
// keeps the counted types seen in a set. Every sequence of up to 5 votes over
// types {a, b, c, z} (z never counted), each approving or denying, gets the
// same verdict from both under every policy kind.
BOOST_AUTO_TEST_CASE(MatchesTheFormWithASetOfSeenTypes) {
  const auto simple = [](const DeciderPolicy& policy, const std::vector<CountedVote>& votes) {
    const std::vector<CountedVote> none;
    if (policy.kind == DeciderKind::kOnByDefault || policy.kind == DeciderKind::kOffByDefault) {
      return Evaluate(policy, none);
    }
    std::set<std::string> seen;
    std::vector<CountedVote> firsts;  // the first vote of each counted type, in order
    for (const CountedVote& vote : votes) {
      if (policy.Counts(vote.voter_type) && seen.insert(vote.voter_type).second) {
        firsts.push_back(vote);
      }
    }
    return Evaluate(policy, firsts);  // no repeats: the scan finds none
  };
  const std::vector<std::string> texts = {
      R"({"kind":"on_by_default"})",
      R"({"kind":"off_by_default"})",
      R"({"kind":"first_voter","types":["a","b","c"]})",
      R"({"kind":"all_of","types":["a","b","c"]})",
      R"({"kind":"any_of","types":["a","b","c"]})",
      R"({"kind":"quorum","k":2,"types":["a","b","c"]})",
  };
  const std::vector<std::string> types = {"a", "b", "c", "z"};
  int64_t compared = 0;
  for (const std::string& text : texts) {
    const DeciderPolicy policy = MustParse(text);
    for (size_t length = 0; length <= 5; ++length) {
      size_t combinations = 1;
      for (size_t i = 0; i < length; ++i) combinations *= types.size() * 2;
      for (size_t code = 0; code < combinations; ++code) {
        std::vector<CountedVote> votes;
        for (size_t i = 0, rest = code; i < length; ++i, rest /= types.size() * 2) {
          const size_t digit = rest % (types.size() * 2);
          votes.push_back(CountedVote{types[digit / 2], digit % 2 == 0});
        }
        BOOST_CHECK(Evaluate(policy, votes) == simple(policy, votes));
        ++compared;
      }
    }
  }
  BOOST_TEST(compared > 100000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(VoteTallyTests)

// The tally keeps the first vote of each counted type, in order.
BOOST_AUTO_TEST_CASE(KeepsFirstVotePerCountedType) {
  DeciderPolicy policy = MustParse(R"({"kind":"all_of","types":["a","b"]})");
  VoteTally tally;
  BOOST_CHECK(tally.Add(policy, "a", false));
  BOOST_CHECK(!tally.Add(policy, "a", true));  // second vote of a type
  BOOST_CHECK(!tally.Add(policy, "z", true));  // type not listed
  BOOST_CHECK(tally.Add(policy, "b", true));
  BOOST_REQUIRE_EQUAL(tally.votes().size(), 2u);
  BOOST_CHECK_EQUAL(tally.votes()[0].voter_type, "a");
  BOOST_CHECK(!tally.votes()[0].approve);
  BOOST_CHECK_EQUAL(tally.votes()[1].voter_type, "b");
  BOOST_CHECK(Evaluate(policy, tally.votes()) == Verdict::kAbort);
  VoteTally none;
  BOOST_CHECK(!none.Add(MustParse(R"({"kind":"on_by_default"})"), "a", true));
  BOOST_CHECK(none.votes().empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact
