// Native live-rule witnesses: the cheap pre-pass of the dead-rule check.
//
// A rule is live when removing it changes the decider's commit/no-commit
// outcome for some valid action and some choice of the open votes (see
// verify/policy_verifier.h). Proving that needs only one such action, and
// most live rules have an obvious one built from their own constants: the
// rule `recipient eq "DE123"` is live if the action carrying "DE123" (and
// otherwise neutral values) is decided differently with and without it. This
// file proposes such candidate actions from the conditions' constants (each
// eq/in operand, each prefix/suffix/contains literal, a sample string of each
// regex, each numeric bound and its neighbour, an absent optional argument,
// and the negations of these under `not`) and replays every candidate with
// the engine's own code (EvaluateCondition, NativeVerdict): a rule is reported
// live only when the native voters and decider, on a schema-valid action and
// a concrete vote scenario, commit with the rule and not without it or the
// reverse. So the pre-pass is sound by construction; it is incomplete (a rule
// it cannot show live goes to Z3, which proves it dead or finds a witness).
//
// Deterministic: candidates are generated in condition order, scenarios in a
// fixed order, and every container is ordered. Pure functions.
#pragma once

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/condition.h"
#include "core/entry.h"
#include "core/safety_spec.h"
#include "core/voter_config.h"
#include "verify/policy_encoding.h"

namespace logact::verify {

// Schema-valid candidate actions that satisfy (or, under `not`, falsify)
// the leaves of `conditions`, without duplicates, at most `max` of them.
// Each of `bases` (the spec's forbidden and benign conditions) is also
// combined with each condition: a benign payment blocked by a rule needs
// the constants of both.
std::vector<Action> CandidateActions(const std::vector<const Condition*>& conditions,
                                     const std::vector<const Condition*>& bases,
                                     const ToolSchemas& schemas, size_t max);

// Every choice the engine leaves open (unknown votes of counted voters, first
// voter per counted type, first type for first_voter), or nothing when there
// are more than `max` of them.
std::vector<VoteScenario> EnumerateScenarios(const VoterSet& set, size_t max);

struct LiveWitness {
  Action action;
  VoteScenario scenario;
};

// (voter index, rule index) -> a natively confirmed witness that the rule is
// live, for every rule of a rule voter that some action of `candidates` shows
// live. `scenarios` are tried in order (EnumerateScenarios).
std::map<std::pair<size_t, size_t>, LiveWitness> FindLiveWitnesses(
    const VoterSet& set, const std::vector<Action>& candidates,
    const std::vector<VoteScenario>& scenarios);

// A second round for the rules `rules` still without a witness: each rule's
// own partial actions combined with those of each allow rule of the other
// rule voters (under all_of, a default-deny voter must approve for a deny
// rule elsewhere to matter). At most `max` actions are replayed in all.
std::map<std::pair<size_t, size_t>, LiveWitness> FindCombinedWitnesses(
    const VoterSet& set, const ToolSchemas& schemas,
    const std::vector<std::pair<size_t, size_t>>& rules, const std::vector<VoteScenario>& scenarios,
    size_t max);

// Sets of other rules of the same voter that may imply rule `rule` away:
// rules that match every candidate action satisfying `rule` (deny rules for
// a deny rule; any rule for an allow rule), one per set, and for an `any`
// rule one set covering its disjuncts one by one; at most `max` sets (plus
// the disjunct set). Only proposals: the verifier proves `rule ⇒ ∨ set`
// with Z3 before calling `rule` dead.
std::vector<std::vector<size_t>> CoverProposals(const VoterConfig& voter, size_t rule,
                                                const ToolSchemas& schemas, size_t max);

// Whether removing rule `rule` of voter `voter` changes the native decider's
// commit/no-commit outcome on `action` under `scenario` (the replay every
// live-rule witness passes before it is reported).
bool NativelyLive(const VoterSet& set, size_t voter, size_t rule, const Action& action,
                  const VoteScenario& scenario);

}  // namespace logact::verify
