// PolicyState: the versioned policy in force at a point of the log (SPEC §2).
//
// The version in force is 0, with decider on_by_default and no voter
// configuration, until a policy entry applies. An entry applies iff its
// expected_version equals the version in force and version > expected_version;
// otherwise every component skips it (a skipped entry is not an error). Every
// component that plays policy entries holds one PolicyState and feeds it the
// entries in log order, so all of them agree on the policy at every position.
#pragma once

#include <cstdint>

#include "core/decider_policy.h"
#include "core/entry.h"
#include "core/json.h"

namespace logact {

class PolicyState {
 public:
  // Plays one policy entry. Returns true if it applied, false if skipped.
  // A policy entry whose decider JSON is malformed is skipped (the bus rejects
  // such appends, so only a hand-made log can contain one).
  bool Apply(const PolicyPayload& policy);

  int64_t version() const { return version_; }
  const DeciderPolicy& decider() const { return decider_; }
  // The complete voter configuration after the last applied entry that set one
  // (a JSON array), or null if none did.
  const Json& voters() const { return voters_; }

 private:
  int64_t version_ = 0;
  DeciderPolicy decider_;
  Json voters_;
};

}  // namespace logact
