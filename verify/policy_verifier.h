// Voter policy verification (SPEC §6): safe, useful, dead rules, diff.
//
// Each property is one satisfiability query over the encoding of
// verify/policy_encoding.h, asked for a witness of its violation:
//  - safe:   ∃ action, choices: valid ∧ forbidden ∧ Commits      (unsat = safe)
//  - useful: ∃ action: valid ∧ benign ∧ ¬CanCommit               (unsat = useful)
//  - dead rule r of voter v: ∃ action, choices: the decider's commit/no-commit
//            outcome differs with and without r                  (unsat = dead)
//  - diff:   ∃ action, choices: Commits_A ∧ ¬CanCommit_B, and symmetrically.
// "Choices" are the unknown votes, which voter of a type votes first and, for
// first_voter, which type votes first; "committed" means some such choice
// commits (a timeout only adds aborts). Before these, the spec itself is
// checked: if some action is both forbidden and benign, no voter set can be
// safe and useful, and the spec is rejected as contradictory (bad input).
//
// Every witness is confirmed natively (verify/policy_native.h) before it is
// reported. A witness the engine does not reproduce, a Z3 `unknown` (e.g. the
// timeout) or a model that cannot be written as JSON makes the answer
// kUnknown with a note: never "safe" or "useful" without a proof.
//
// Not thread-safe (one Z3 context per call). Z3 exceptions become kInternal.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/limits.h"
#include "core/safety_spec.h"
#include "core/status.h"
#include "core/voter_config.h"
#include "verify/policy_encoding.h"

namespace logact::verify {

struct VerifyOptions {
  // Z3 time-out per query, in milliseconds; 0 = none. A time-out answers kUnknown.
  // Bounded by default: Z3 4.8.12's string solver can run without end on some
  // regex queries (a generated policy hung a property test for 16 minutes).
  int64_t timeout_ms = limits::kPolicyQueryTimeoutMsDefault;
  // If non-empty, each query is written there as SMT-LIB 2 (<query name>.smt2).
  std::string smtlib_dir;
  // Dead-rule queries (one per rule) can be skipped.
  bool dead_rules = true;
  // Show live rules natively first (verify/policy_witness.h); off, every rule
  // goes to Z3 (the tests compare both ways).
  bool native_prepass = true;
  // Record each query's SMT-LIB size (costs a print per query).
  bool measure_sizes = false;
};

enum class Answer : uint8_t { kYes, kNo, kUnknown };
// JSON of an answer: true, false or "unknown".
Json AnswerJson(Answer answer);

struct Counterexample {
  Action action;
  std::map<std::string, bool> votes;  // the counted vote of each type with voters
  VoteScenario scenario;              // the choices behind `votes`
  // {"action":{"tool","args"},"votes":{..}} plus "unknown_votes", "first_voter",
  // "first_type" when the scenario has them.
  Json ToJson() const;
};

struct PropertyAnswer {
  Answer answer = Answer::kUnknown;
  std::optional<Counterexample> counterexample;  // when answer == kNo
  std::string note;                              // why kUnknown
};

struct QueryStat {
  std::string name;
  std::string result;  // "sat", "unsat", "unknown"
  double ms = 0;
  size_t assertions = 0;
  size_t smt2_bytes = 0;  // when measured
};

struct RuleRef {
  std::string voter;
  std::string rule;
};

// A rule shown live: removing it changes the native decider's commit outcome
// on `action` under `scenario` (always replayed natively before it is reported).
struct LiveRule {
  RuleRef rule;
  Action action;
  VoteScenario scenario;
  std::string by;  // "native" (pre-pass candidate) or "z3" (a model)
};

// Where the time of a validation went (CPU-independent wall milliseconds) and
// how the dead-rule question of each rule was decided.
struct ValidationTimings {
  double safe_ms = 0;
  double useful_ms = 0;
  double dead_ms = 0;          // pre-pass and Z3 queries
  double native_ms = 0;        // the native pre-pass alone
  size_t candidates = 0;       // candidate actions replayed natively
  size_t rules = 0;            // rules of rule voters
  size_t live_native = 0;      // live by a native candidate, no query
  size_t dead_simplified = 0;  // dead: every per-tool query simplifies to false
  size_t dead_covered = 0;     // dead: proved implied by another rule (small queries)
  size_t dead_abstract = 0;    // dead: refuted with strings abstracted (affix lemmas)
  size_t rules_to_z3 = 0;      // rules that needed at least one query
  size_t dead_queries = 0;     // per-tool dead-rule queries sent to Z3
};

struct ValidationReport {
  PropertyAnswer safe;
  PropertyAnswer useful;
  std::vector<RuleRef> dead_rules;
  std::vector<RuleRef> undecided_rules;  // neither proved dead nor confirmed live
  std::vector<LiveRule> live_rules;      // every other rule, with its witness
  ValidationTimings timings;
  std::vector<std::string> notes;
  std::vector<QueryStat> queries;
  bool ok() const { return safe.answer == Answer::kYes && useful.answer == Answer::kYes; }
  // SPEC §8 fields plus "dead_rules_detail", "undecided_rules", "live_rules"
  // ([{"voter","rule","by","witness"}]), "timings", "notes", "queries".
  Json ToJson() const;
};

// REQUIRES: nothing; the voter set is checked against spec.tools here.
// Errors: kInvalidArgument for a voter condition naming an unknown tool or
// argument or comparing with a mismatched type (path "voters[i].rules[j]..."),
// or a contradictory spec ("spec: contradictory: ..."); kInternal when Z3 fails;
// kInvalidArgument when smtlib_dir cannot be written.
Result<ValidationReport> Validate(const VoterSet& set, const SafetySpec& spec,
                                  const VerifyOptions& options);

struct DiffReport {
  PropertyAnswer old_only;  // kNo: an action the old set commits and the new cannot
  PropertyAnswer new_only;
  std::vector<std::string> notes;
  std::vector<QueryStat> queries;
  bool same() const { return old_only.answer == Answer::kYes && new_only.answer == Answer::kYes; }
  // {"same":..,"old_only":{"answer":..,"counterexample":..},"new_only":..}
  Json ToJson() const;
};

// Errors as Validate (the spec's forbidden/benign are not used).
Result<DiffReport> Diff(const VoterSet& old_set, const VoterSet& new_set, const SafetySpec& spec,
                        const VerifyOptions& options);

}  // namespace logact::verify
