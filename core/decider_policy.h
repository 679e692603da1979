// Decider policies (SPEC §2): how votes turn into a commit or an abort.
//
// A policy is parsed once from the JSON of `policy.decider` and is then a
// value. Evaluate() is a pure function of the policy and the counted votes in
// log order; the Decider component and the trace checker both call it, so a
// decision is justified iff it is what Evaluate returns for the votes that
// preceded it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace logact {

enum class DeciderKind : uint8_t { kOnByDefault, kOffByDefault, kFirstVoter, kAllOf, kAnyOf, kQuorum };

struct DeciderPolicy {
  DeciderKind kind = DeciderKind::kOnByDefault;
  // Listed voter types; for first_voter, empty with types_listed=false means
  // "every vote counts".
  std::vector<std::string> types;
  bool types_listed = false;
  int64_t k = 0;                      // quorum only: 1 <= k <= types.size()
  std::optional<int64_t> timeout_ms;  // > 0 when present

  // Whether a vote of `voter_type` counts under this policy (listed, or
  // first_voter without a list). on/off_by_default count no votes.
  bool Counts(const std::string& voter_type) const;
  Json ToJson() const;
  friend bool operator==(const DeciderPolicy&, const DeciderPolicy&) = default;
};

// Parses the JSON of policy.decider. Errors: kInvalidArgument naming the JSON
// path (e.g. "decider.k: must be between 1 and the number of types (2)").
// `path` prefixes the names in messages ("decider" by default).
Result<DeciderPolicy> ParseDeciderPolicy(const Json& json, const std::string& path = "decider");

enum class Verdict : uint8_t { kUndecided, kCommit, kAbort };
std::string_view VerdictName(Verdict verdict);

struct CountedVote {
  std::string voter_type;
  bool approve = false;
};

// The decision that the counted votes (REQUIRES: in log order, at most one per
// voter type, each counted by policy.Counts) force under `policy`, ignoring
// timeouts. on_by_default commits and off_by_default aborts with no votes.
Verdict Evaluate(const DeciderPolicy& policy, std::span<const CountedVote> votes);

// Keeps the first vote of each voter type that `policy` counts, in order.
class VoteTally {
 public:
  // Returns true if the vote was counted (first of its type and counted by policy).
  bool Add(const DeciderPolicy& policy, const std::string& voter_type, bool approve);
  const std::vector<CountedVote>& votes() const { return votes_; }

 private:
  std::vector<CountedVote> votes_;
};

}  // namespace logact
