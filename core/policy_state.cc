// PolicyState: versioned policy changes, applied with compare-and-set
// semantics so that every replica agrees on the policy at every position.
#include "core/policy_state.h"

#include "core/assert.h"

namespace logact {

bool PolicyState::Apply(const PolicyPayload& policy) {
  // Compare-and-set on the version: a stale or replayed change is skipped by
  // every component alike, which is what keeps them in agreement.
  if (policy.expected_version != version_ || policy.version <= policy.expected_version) {
    return false;
  }
  // Parse before changing anything: the change is atomic (decider and voters
  // together), so a malformed decider skips the whole entry.
  DeciderPolicy decider = decider_;
  if (!policy.decider.is_null()) {
    Result<DeciderPolicy> parsed = ParseDeciderPolicy(policy.decider);
    if (!parsed.has_value()) return false;
    decider = std::move(parsed).value();
  }
  decider_ = std::move(decider);
  if (!policy.voters.is_null()) voters_ = policy.voters;
  version_ = policy.version;
  LOGACT_ASSERT_GT(version_, policy.expected_version);
  return true;
}

}  // namespace logact
