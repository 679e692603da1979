// DEC-UNIQUE, DEC-JUSTIFIED, DEC-POLICY and DRV-FENCE: whether each decision
// is the one the decider had to take. The checker replays exactly what a
// decider replays (PolicyState for the policy in force at the intent,
// VoteTally + Evaluate for the counted votes), so a decision is justified iff
// a correct decider playing the same log prefix could have appended it.
#include <limits>

#include "core/assert.h"
#include "properties/checker_internal.h"
#include "properties/invariant_ids.h"

namespace logact::properties::internal {
namespace {

const char* DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kCommit:
      return "commit";
    case Decision::kAbort:
      return "abort";
    case Decision::kNone:
      break;
  }
  return "none";
}

std::string DescribeDecision(Decision decision, bool timeout) {
  return timeout && decision == Decision::kAbort ? "timeout abort" : DecisionName(decision);
}

}  // namespace

void DecisionInvariants::OnPolicy(const Entry& entry, int64_t line, LogState* log,
                                  Reporter* reporter) {
  const PolicyPayload& policy = entry.policy();
  if (policy.version <= policy.expected_version) {
    reporter->Violate(kDecPolicy, {line},
                      "policy entry at pos " + std::to_string(entry.pos) + " has version " +
                          std::to_string(policy.version) + ", not above its expected_version " +
                          std::to_string(policy.expected_version));
  }
  // A skipped entry (wrong expected_version, or not increasing) changes nothing.
  if (log->policy_state.Apply(policy)) {
    log->policy_in_force = std::make_shared<const DeciderPolicy>(log->policy_state.decider());
  }
}

void DecisionInvariants::OnIntent(IntentState* intent, const LogState& log) {
  intent->policy = log.policy_in_force;
  intent->policy_version = log.policy_state.version();
  // on_by_default and off_by_default decide with no votes at all.
  intent->vote_verdict = Evaluate(*intent->policy, {});
}

void DecisionInvariants::OnVote(IntentState* intent, const VotePayload& vote) {
  // Votes after the decision never change it; votes after the counted ones
  // already decided cannot either (Evaluate stops at the first decisive vote).
  if (intent->decision != Decision::kNone || intent->vote_verdict != Verdict::kUndecided) return;
  if (intent->fenced) return;  // voters and decider ignore fenced intents
  if (intent->tally.Add(*intent->policy, vote.voter_type, vote.approve)) {
    intent->vote_verdict = Evaluate(*intent->policy, intent->tally.votes());
  }
}

bool DecisionInvariants::OnDecision(IntentState* intent, const Entry& entry, int64_t line,
                                    Reporter* reporter) {
  const Decision decision = entry.type == EntryType::kCommit ? Decision::kCommit : Decision::kAbort;
  const bool timeout = decision == Decision::kAbort && entry.decision().timeout;
  if (intent->decision == Decision::kNone) {
    if (!intent->fenced) Judge(*intent, entry, line, reporter);
    intent->decision = decision;
    intent->decision_timeout = timeout;
    intent->decision_line = line;
    // Later votes cannot matter any more: release the voting state.
    intent->policy.reset();
    intent->tally = VoteTally();
  } else if (decision != intent->decision) {
    // A decision conflicting with an earlier timeout abort is void for every reader.
    if (intent->decision_timeout) return false;
    reporter->Violate(kDecUnique, {intent->decision_line, line},
                      "intent " + std::to_string(intent->pos) + " was decided " +
                          DescribeDecision(intent->decision, intent->decision_timeout) +
                          " but a later " + DescribeDecision(decision, timeout) + " at pos " +
                          std::to_string(entry.pos) + " disagrees");
  }
  if (intent->fenced && decision == Decision::kCommit && !intent->fence_reported) {
    intent->fence_reported = true;
    reporter->Violate(kDrvFence, {intent->line, line},
                      "intent " + std::to_string(intent->pos) +
                          " is fenced (its driver and epoch are not those of the last counted "
                          "elect before it) but the commit at pos " +
                          std::to_string(entry.pos) + " commits it");
  }
  return intent->decision_line == line;
}

void DecisionInvariants::Judge(const IntentState& intent, const Entry& entry, int64_t line,
                               Reporter* reporter) {
  LOGACT_ASSERT(intent.policy != nullptr);
  const DeciderPolicy& policy = *intent.policy;
  const Verdict verdict = intent.vote_verdict;
  const bool commit = entry.type == EntryType::kCommit;
  const bool timeout = !commit && entry.decision().timeout;
  std::string why;
  if (timeout) {
    // Saturating: hostile timestamps must not overflow.
    int64_t waited_ms = 0;
    if (__builtin_sub_overflow(entry.ts, intent.ts, &waited_ms)) {
      waited_ms = entry.ts < intent.ts ? std::numeric_limits<int64_t>::min()
                                       : std::numeric_limits<int64_t>::max();
    }
    if (!policy.timeout_ms.has_value()) {
      why = "the policy has no timeout_ms";
    } else if (waited_ms < *policy.timeout_ms) {
      why = "only " + std::to_string(waited_ms) +
            " ms passed since the intent, less than "
            "timeout_ms " +
            std::to_string(*policy.timeout_ms);
    } else if (verdict != Verdict::kUndecided) {
      why = "the votes had already decided " + std::string(VerdictName(verdict));
    }
  } else if (verdict != (commit ? Verdict::kCommit : Verdict::kAbort)) {
    why = verdict == Verdict::kUndecided ? "the votes leave it undecided"
                                         : "the votes decide " + std::string(VerdictName(verdict));
  }
  if (why.empty()) return;
  reporter->Violate(kDecJustified, {intent.line, line},
                    std::string(timeout  ? "timeout abort"
                                : commit ? "commit"
                                         : "abort") +
                        " at pos " + std::to_string(entry.pos) + " of intent " +
                        std::to_string(intent.pos) + " is not justified: under " +
                        DescribePolicy(policy, intent.policy_version) + " with " +
                        DescribeVotes(intent.tally) + " before it, " + why);
}

}  // namespace logact::properties::internal
