// Native replay: builds the counted votes in log order and asks the engine's
// decider. Enumeration in NativeCanCommit covers, per counted type, every vote
// some voter of that type can cast, and every type as the first voter.
#include "verify/policy_native.h"

#include "core/assert.h"

namespace logact::verify {

bool NativeVote(const VoterSet& set, size_t index, const Action& action,
                const VoteScenario& scenario) {
  LOGACT_ASSERT_LT(index, set.voters.size());
  const VoterConfig& voter = set.voters[index];
  if (voter.is_rule_voter) return EvaluateRules(voter, action).approve;
  if (voter.assume == Assumption::kAllow) return true;
  if (voter.assume == Assumption::kDeny) return false;
  auto it = scenario.unknown_votes.find(voter.name);
  return it != scenario.unknown_votes.end() && it->second;
}

namespace {

// The index of the voter whose vote counts for `type` under `scenario`.
size_t CountedVoter(const VoterSet& set, const std::string& type, const VoteScenario& scenario) {
  auto chosen = scenario.first_voter.find(type);
  for (size_t v = 0; v < set.voters.size(); ++v) {
    if (set.voters[v].type != type) continue;
    if (chosen == scenario.first_voter.end() || chosen->second == set.voters[v].name) return v;
  }
  LOGACT_ASSERT(false && "a counted type with voters has a counted voter");
  return 0;
}

// Types in vote order: `first` (if any) then the others by name.
std::vector<std::string> VoteOrder(const std::vector<std::string>& types,
                                   const std::optional<std::string>& first) {
  std::vector<std::string> order;
  if (first.has_value()) order.push_back(*first);
  for (const std::string& type : types) {
    if (type != first) order.push_back(type);
  }
  return order;
}

}  // namespace

Verdict NativeVerdict(const VoterSet& set, const Action& action, const VoteScenario& scenario) {
  std::vector<CountedVote> votes;
  for (const std::string& type : VoteOrder(CountedTypesWithVoters(set), scenario.first_type)) {
    const size_t voter = CountedVoter(set, type, scenario);
    votes.push_back(CountedVote{type, NativeVote(set, voter, action, scenario)});
  }
  return Evaluate(set.decider, votes);
}

std::map<std::string, bool> NativeCountedVotes(const VoterSet& set, const Action& action,
                                               const VoteScenario& scenario) {
  std::map<std::string, bool> votes;
  for (const std::string& type : CountedTypesWithVoters(set)) {
    votes[type] = NativeVote(set, CountedVoter(set, type, scenario), action, scenario);
  }
  return votes;
}

std::map<std::string, bool> NativeCanApprove(const VoterSet& set, const Action& action) {
  std::map<std::string, bool> can;
  for (size_t v = 0; v < set.voters.size(); ++v) {
    const VoterConfig& voter = set.voters[v];
    if (!set.decider.Counts(voter.type)) continue;
    const bool free = !voter.is_rule_voter && voter.assume == Assumption::kUnknown;
    can[voter.type] = can[voter.type] || free || NativeVote(set, v, action, VoteScenario{});
  }
  return can;
}

Result<bool> NativeCanCommit(const VoterSet& set, const Action& action) {
  const std::vector<std::string> types = CountedTypesWithVoters(set);
  if (types.size() > kEnumeratedTypesMax) {
    return ResourceExhaustedError("more than " + std::to_string(kEnumeratedTypesMax) +
                                  " counted voter types to enumerate");
  }
  // Per type: can it approve, can it deny (over its voters and unknown votes).
  std::map<std::string, std::pair<bool, bool>> possible;
  for (size_t v = 0; v < set.voters.size(); ++v) {
    const VoterConfig& voter = set.voters[v];
    if (!set.decider.Counts(voter.type)) continue;
    auto& [approve, deny] = possible[voter.type];
    if (!voter.is_rule_voter && voter.assume == Assumption::kUnknown) {
      approve = deny = true;
      continue;
    }
    const bool vote = NativeVote(set, v, action, VoteScenario{});
    (vote ? approve : deny) = true;
  }
  const size_t combinations = size_t{1} << types.size();
  for (size_t mask = 0; mask < combinations; ++mask) {
    std::vector<CountedVote> votes;
    bool feasible = true;
    for (size_t t = 0; t < types.size(); ++t) {
      const bool approve = (mask >> t) & 1;
      const auto& [can_approve, can_deny] = possible.at(types[t]);
      feasible = feasible && (approve ? can_approve : can_deny);
      votes.push_back(CountedVote{types[t], approve});
    }
    if (!feasible) continue;
    for (size_t first = 0; first < std::max<size_t>(types.size(), 1); ++first) {
      std::vector<CountedVote> ordered;
      if (!votes.empty()) ordered.push_back(votes[first]);
      for (size_t t = 0; t < votes.size(); ++t) {
        if (t != first) ordered.push_back(votes[t]);
      }
      if (Evaluate(set.decider, ordered) == Verdict::kCommit) return true;
    }
  }
  return false;
}

bool AnyHolds(const std::vector<Condition>& conditions, const Action& action) {
  const std::string text = action.ToText();
  for (const Condition& condition : conditions) {
    if (EvaluateCondition(condition, action, text)) return true;
  }
  return false;
}

}  // namespace logact::verify
