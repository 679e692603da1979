// Native replay of the verifier's answers: the engine's own rule evaluation
// (core/voter_config EvaluateRules) and decider (core/decider_policy Evaluate)
// run on a concrete action and a concrete choice of the open vote choices.
//
// The verifier confirms every witness with these functions before reporting
// it, so an imprecision of the SMT encoding (text conditions treated as
// unknown, a real number that is not a double) becomes an "unknown" answer,
// never a wrong counterexample. Tests use them to check the counterexamples
// independently. Pure functions of their arguments.
#pragma once

#include <map>
#include <string>

#include "core/entry.h"
#include "core/status.h"
#include "core/voter_config.h"
#include "verify/policy_encoding.h"

namespace logact::verify {

// The vote of set.voters[index] on `action` under `scenario` (rule voters:
// EvaluateRules; assume allow/deny: fixed; assume unknown: the scenario's
// vote, deny when the scenario has none).
bool NativeVote(const VoterSet& set, size_t index, const Action& action,
                const VoteScenario& scenario);

// The decider's verdict for `action` when the voters vote as `scenario` says:
// per counted type the scenario's first voter (else the type's first voter in
// the document), the scenario's first type first, the other types in name
// order. Undecided counts as not committed.
Verdict NativeVerdict(const VoterSet& set, const Action& action, const VoteScenario& scenario);

// Whether some choice of unknown votes, first voter per type and first type
// commits `action`, by enumeration. Errors: kResourceExhausted when more than
// kEnumeratedTypesMax counted types would have to be enumerated.
inline constexpr size_t kEnumeratedTypesMax = 12;
Result<bool> NativeCanCommit(const VoterSet& set, const Action& action);

// The counted vote of each counted type with voters, as NativeVerdict counts
// them under `scenario` (the "votes" of a counterexample).
std::map<std::string, bool> NativeCountedVotes(const VoterSet& set, const Action& action,
                                               const VoteScenario& scenario);

// Per counted type with voters: whether some voter of the type can approve
// `action` (an unknown vote can), as NativeCanCommit enumerates them.
std::map<std::string, bool> NativeCanApprove(const VoterSet& set, const Action& action);

// Whether some condition of `conditions` holds for `action`.
bool AnyHolds(const std::vector<Condition>& conditions, const Action& action);

}  // namespace logact::verify
