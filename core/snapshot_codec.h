// Snapshot codec: the pieces of replicated state that several components
// share (election, policy, intents), encoded as JSON for TakeSnapshot() and
// decoded for Restore() (core/component.h, core/snapshot_store.h).
//
// Encoding is canonical: nlohmann objects keep their keys sorted and
// CompactJson prints no spaces, so equal states give byte-identical
// snapshots on every machine. Decoding never trusts its input: a missing or
// ill-typed field is kCorruption, never an assertion or an exception.
// Persisted only inside one run's SnapshotStore, but keep the field names
// stable anyway: a snapshot written by one build may be read by the next.
#pragma once

#include <string>
#include <string_view>

#include "core/entry.h"
#include "core/fencing.h"
#include "core/json.h"
#include "core/policy_state.h"
#include "core/snapshot_store.h"
#include "core/status.h"

namespace logact::snapshot_codec {

// {"kind":kind, ...fields}: the snapshot of one component kind.
Snapshot Make(std::string_view kind, Json fields, Position played);
// The fields of a snapshot written by Make(kind, ...).
// Errors: kCorruption (not JSON, not an object, another kind).
Result<Json> Open(const Snapshot& snapshot, std::string_view kind);

Json EncodeElection(const ElectionState& election);
// Rebuilds *election by replaying the leader's elect. Errors: kCorruption.
Status DecodeElection(const Json& json, ElectionState* election);

Json EncodePolicy(const PolicyState& policy);
// Rebuilds *policy (REQUIRES: a fresh PolicyState). Errors: kCorruption.
Status DecodePolicy(const Json& json, PolicyState* policy);

Json EncodeIntent(const IntentPayload& intent);
Result<IntentPayload> DecodeIntent(const Json& json);

// Runs `decode` (which may throw nlohmann exceptions on ill-typed fields) and
// turns any exception into kCorruption naming `what`.
template <typename Fn>
Status Guard(std::string_view what, Fn&& decode) {
  try {
    return decode();
  } catch (const std::exception& e) {
    return Status(StatusCode::kCorruption, std::string(what) + " snapshot: " + e.what());
  }
}

}  // namespace logact::snapshot_codec
