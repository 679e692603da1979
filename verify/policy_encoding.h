// SMT encoding of actions, conditions, rule voters and decider policies
// (SPEC §6) with Z3's C++ API. The verifier (verify/policy_verifier.h) builds
// its queries from these pieces.
//
// Action. One integer `tool` indexes the schema's tools (sorted by name). For
// every (tool, argument) pair there is a value variable of the declared type
// (String, Int, Real, Bool) and, for optional arguments, a presence Bool. A
// condition on argument `x` is the disjunction over the tools t that have `x`
// of (tool = t ∧ present ∧ op(value)), so tools that declare `x` with
// different types each get their exact semantics. Integers are bounded to the
// JSON range [-2^63, 2^64-1] (what an action can carry).
//
// Strings. Each byte of a UTF-8 value is one Z3 character with code 0..255:
// literals are built byte by byte (Z3_mk_lstring), `.` is the range 0..255, a
// negated class is its byte complement. So native byte semantics and the SMT
// semantics agree on every byte string. Z3 may still pick characters above
// 255 in a model; the verifier detects that (ByteStrings()) and re-solves.
//
// Text conditions. text_contains/text_matches search the action's compact
// sorted-key JSON; encoding JSON escaping and number printing exactly is not
// done. Each distinct text condition is a free Boolean of the action (the same
// condition has the same value wherever it occurs), i.e. unknown to the
// solver: proofs stay sound (every real behaviour is included) and witnesses
// are confirmed natively before they are reported.
//
// Votes and decisions. Every voter's vote is an expression: a rule voter's
// verdict (a matching deny beats every allow, else an allow, else the
// default), a fresh Bool for an `assume:"unknown"` voter, a constant
// otherwise. The choices the engine leaves open are variables too: which voter
// of a type votes first (only the first vote of a type counts), and for
// first_voter which type votes first. Commits(votes) is the decider's verdict
// under those choices; CanCommit() is "some choice commits", expanded without
// quantifiers (per type: can it approve). Timeouts only add aborts, so they
// never change whether some choice commits; an undecided intent is not
// committed.
//
// Not thread-safe: one z3::context per thread. Z3 exceptions never escape the
// verifier (it catches z3::exception at its boundary).
#pragma once

#include <z3++.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/condition.h"
#include "core/entry.h"
#include "core/safety_spec.h"
#include "core/voter_config.h"
#include "verify/byte_automaton.h"

namespace logact::verify {

// A z3 regex over byte characters for `node` (whole-value semantics).
z3::expr EncodeRegex(z3::context& ctx, const RegexNode& node);
// A Z3 string literal holding `bytes` one character per byte.
z3::expr ByteString(z3::context& ctx, const std::string& bytes);
// Whether `bytes` is well-formed UTF-8 (only such strings can be written as
// JSON, so a model or candidate string that is not is refused).
bool ValidUtf8(const std::string& bytes);

class ActionEncoding {
 public:
  ActionEncoding(z3::context& ctx, const ToolSchemas& schemas);

  // The schema constraints: a known tool, integers within the JSON range.
  z3::expr Valid() const;
  // Every string value of the chosen tool holds only byte characters
  // (`printable`: only 0x20..0x7e, for readable counterexamples).
  z3::expr StringDomain(bool printable) const;
  z3::expr ToolIs(const std::string& tool) const;
  // The tool variable and the tool names it indexes (sorted), so a query can
  // be split per tool by substituting the index (verify/policy_verifier.cc).
  const z3::expr& tool() const { return tool_; }
  const std::vector<std::string>& tool_names() const { return tool_names_; }
  const ToolSchemas& schemas() const { return schemas_; }
  // REQUIRES: the condition's names were checked against the schemas.
  z3::expr Encode(const Condition& condition);
  // Whether some text condition was encoded as unknown.
  bool used_text() const { return !text_vars_.empty(); }
  // Valid implications between the prefix/suffix/contains atoms of one
  // string argument that occur in `query` (contains "invoice-91" implies
  // contains "invoice-9"; prefixes "2010-" and "2020-" exclude each other),
  // each guarded by its tool. Conjoined with a query they change nothing
  // but spare Z3 4.8.12 a regex inclusion it cannot prove (a 10 s time-out
  // on "x ∈ Σ*invoice-91Σ* ∧ x ∉ Σ*invoice-9Σ*"): the conflict becomes
  // propositional. Each lemma follows from the literals alone (substring
  // and prefix relations), see AffixImplies in the .cc.
  z3::expr AffixLemmas(const z3::expr& query) const;
  // Inclusion and disjointness lemmas between the string memberships of one
  // argument that occur in `query` where one of them is a `matches` (the
  // pairs AffixLemmas leaves out), decided natively on byte automata
  // (verify/byte_automaton.h) and cached per pair: [A-Za-z0-9]{11,16}
  // implies [A-Za-z0-9]{9,16}, (urgent|asap)-11.* implies (urgent|asap)-1.*.
  // Valid on byte strings, the only values an action carries, so they are
  // conjoined with the string abstraction only (unsat there proves that no
  // action satisfies `query`), never with a real query.
  z3::expr RegexLemmas(const z3::expr& query) const;
  // `query` with every prefix/suffix/contains/matches membership replaced by
  // a fresh Boolean (the same atom by the same Boolean): an over-approximation
  // without regexes, so "unsat" for it (with AffixLemmas conjoined before)
  // proves `query` unsat in milliseconds; "sat" proves nothing.
  z3::expr AbstractStrings(const z3::expr& query) const;

  // The action a model describes. Errors: kUnknownOutcome-free; kInternal when
  // a value cannot be written as JSON (a non-UTF-8 string, a huge number).
  Result<Action> Extract(const z3::model& model) const;

 private:
  struct ArgVar {
    ArgType type;
    bool optional;
    z3::expr present;  // true for required arguments
    z3::expr value;
    size_t tool;  // index into tool_names_
  };
  // A prefix/suffix/contains (or matches: `literal` is then unused) membership
  // on one string argument.
  struct AffixAtom {
    ArgOp op;
    std::string literal;
    z3::expr atom;
    std::shared_ptr<const ByteNfa> nfa;  // its language; null when too large
  };
  z3::expr EncodeArg(const Condition& condition);
  z3::expr EncodeOp(const Condition& condition, const ArgVar& var);
  void RecordAtom(const ArgVar& var, ArgOp op, const std::string& literal, const z3::expr& atom,
                  const RegexNode* regex = nullptr);
  // How one membership of a string argument relates to another: it implies
  // the other, the two exclude each other, or neither (or not known).
  enum class Relation : uint8_t { kNone, kImplies, kExcludes };
  // The lemmas `relation(a, b, first_of_pair)` gives for every ordered pair
  // of distinct memberships of one argument that occur in `query`, each
  // guarded by its tool (`first_of_pair` is true for one order of each pair:
  // exclusion is symmetric). AffixLemmas and RegexLemmas differ only in the
  // relation.
  template <typename RelationOf>
  z3::expr PairLemmas(const z3::expr& query, RelationOf relation) const;

  z3::context& ctx_;
  const ToolSchemas& schemas_;
  z3::expr tool_;
  std::vector<std::string> tool_names_;                        // index -> name
  std::map<std::string, std::map<std::string, ArgVar>> vars_;  // tool -> arg -> variable
  std::map<std::string, z3::expr> text_vars_;                  // "contains:..." -> Bool
  // Per string variable (its Z3 id, with its tool index): the affix atoms
  // encoded on it, without duplicates (Z3 shares equal terms, so one id each).
  std::map<unsigned, std::pair<size_t, std::vector<AffixAtom>>> affix_atoms_;
  // RegexLemmas' answers per (atom id, atom id), decided once.
  mutable std::map<std::pair<unsigned, unsigned>, Relation> regex_relations_;
};

// The choices left open by the engine, read back from a model.
struct VoteScenario {
  std::map<std::string, bool> unknown_votes;       // voter name -> its vote (assume unknown)
  std::map<std::string, std::string> first_voter;  // type -> the voter whose vote counts
  std::optional<std::string> first_type;           // first_voter: the type voting first
};

class VoterSetEncoding {
 public:
  // `prefix` keeps the variables of two voter sets apart (diff).
  VoterSetEncoding(z3::context& ctx, ActionEncoding& action, const VoterSet& set,
                   const std::string& prefix);

  // The vote of each voter (index into set.voters) on the symbolic action.
  const std::vector<z3::expr>& votes() const { return votes_; }
  // The `when` of rule `rule` of voter `voter` on the symbolic action.
  const z3::expr& RuleMatches(size_t voter, size_t rule) const {
    return rule_matches_.at(voter).at(rule);
  }
  // The verdict of rule voter `voter` with rule `rule` removed.
  z3::expr VerdictWithout(size_t voter, size_t rule) const;
  // votes()[voter] != VerdictWithout(voter, rule), written as a conjunction
  // the solver propagates at once (the rule matches, no other deny rule
  // matches, and the rest of the verdict hinges on it) instead of the XOR of
  // two 200-rule formulas, which Z3's string solver explores far more slowly.
  z3::expr RuleChanges(size_t voter, size_t rule) const;
  // The same with `matches[i]` standing for RuleMatches(voter, i): the
  // verifier passes each rule's match already fixed to one tool and
  // simplified, so the per-tool dead-rule formula is built from small parts
  // instead of substituting into and simplifying the whole 200-rule formula.
  z3::expr RuleChanges(size_t voter, size_t rule, const std::vector<z3::expr>& matches) const;
  // Commits under the open choices, with `votes` as the voters' votes.
  z3::expr Commits(const std::vector<z3::expr>& votes) const;
  z3::expr Commits() const { return Commits(votes_); }
  // Some choice of unknown votes, first voters and order commits.
  z3::expr CanCommit() const;
  // Per counted type with voters: whether it can approve (for CanCommit and
  // for the votes reported with a "useful" counterexample).
  std::map<std::string, z3::expr> CanApprove() const;

  VoteScenario ExtractScenario(const z3::model& model) const;
  // The counted vote of each type with voters under the model's choices.
  std::map<std::string, bool> ExtractVotes(const z3::model& model) const;

 private:
  z3::expr RuleVerdict(const VoterConfig& voter, std::optional<size_t> skip) const;
  z3::expr MatchesOf(const VoterConfig& voter, RuleEffect effect, std::optional<size_t> skip) const;
  z3::expr MatchesOf(const VoterConfig& voter, RuleEffect effect, std::optional<size_t> skip,
                     const std::vector<z3::expr>& matches) const;
  z3::expr CountedVote(const std::string& type, const std::vector<z3::expr>& votes) const;

  z3::context& ctx_;
  const VoterSet& set_;
  std::vector<std::vector<z3::expr>> rule_matches_;  // per voter, per rule: `when`
  std::vector<z3::expr> votes_;
  std::map<std::string, std::vector<size_t>> voters_of_type_;  // counted types with voters
  std::map<std::string, z3::expr> selector_;                   // type with >= 2 voters -> Int
  std::optional<z3::expr> first_;  // first_voter: Int index into counted types
};

// Counted types that have at least one voter, sorted.
std::vector<std::string> CountedTypesWithVoters(const VoterSet& set);

}  // namespace logact::verify
