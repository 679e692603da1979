// The stable ids of the invariants of SPEC §7, and the exact reading of each
// that the native checker (properties/checker.h) implements. The ids are
// persisted (reports, SQLite results of `swarm`, tests): do not change them.
//
// Terms. "Live" means not fenced (core/fencing.h). "The decision" of an intent
// is its first commit/abort entry. A record "names" an intent through its
// `intent` field. Lines are 1-based trace lines (the header is line 1).
//
// LOG-DENSE   Entry i (in file order) has pos i. An entry whose pos is larger
//             than expected (a gap) is reported and then accepted; one whose pos
//             is not larger than an earlier one (a duplicate or a step back) is
//             reported and ignored by every other invariant except LOG-ACL.
// LOG-ACL     The author parses as role/name, the role may append the type
//             (core/access_control.h RoleMayAppend), and the name equals
//             intent.driver, elect.driver and vote.voter. A violating entry is
//             still played by the other invariants (it is on the log).
// REF-INTENT  Every vote, commit, abort, result and effect names the position of
//             an intent entry, smaller than the naming entry's pos (effects:
//             an intent already on the log, or one that appears later, which
//             EXE-VISIBLE then judges). Exception: a restart marker naming -1.
//             A record with a bad reference is otherwise ignored.
// DEC-UNIQUE  Every later commit/abort of an intent agrees with its decision,
//             unless the decision is a timeout abort (the later one is then
//             void for every reader, including the EXE-* invariants).
// DEC-JUSTIFIED For each live intent, its decision equals Evaluate() of the
//             policy in force at the intent's position (PolicyState, skipped
//             policy entries ignored) over the counted votes before the
//             decision (first vote per voter type, unlisted types ignored). A
//             timeout abort is justified iff that policy has timeout_ms, the
//             abort's ts - the intent's ts >= timeout_ms, and the counted votes
//             had not already decided. A commit's `timeout` flag is ignored.
//             Decisions of fenced intents are not judged (DRV-FENCE is).
// DEC-POLICY  No policy entry has version <= expected_version.
// EXE-VISIBLE An effect of an intent whose decision is a commit comes after the
//             intent and after that commit.
// EXE-COMMITTED No effect for a fenced intent, for an intent whose decision is an
//             abort, or for an intent that has no decision by the end of the trace.
// EXE-ONCE    At most one effect per intent; no effect for p after a restart
//             marker naming p.
// EXE-FAITHFUL Every effect's tool and args equal its intent's action (JSON
//             equality: 1 equals 1.0).
// RES-MATCH   A non-restart result names an intent whose decision, at the
//             result, is a commit; at most one non-restart result per intent.
// DRV-FENCE   No fenced intent is committed (a commit that is void because of
//             an earlier timeout abort does not count).
// DRV-SERIAL  When a live intent is appended, every earlier live intent has a
//             result (a restart marker naming it counts) or an abort decision.
// REC-STATE   Every component `state` record after a `restart` record of the
//             same target carries the digest of a crash-free core/ component
//             of that principal that played the trace's entries [0, pos).
//             Not applicable without such a record, or when every such record
//             names a voter whose document is unknown (unknown scenario).
// ENV-CONSISTENT The digest of the last `state` record with target "env" equals
//             the digest of a fresh environment model fed the actions of the
//             effects before it, in trace order (effects of tools whose schema
//             says they do not write are skipped). Not applicable without an
//             environment model (unknown scenario) or without such a record.
// SAFE-SPEC   No effect's action is forbidden by the safety spec (IsForbidden).
//             Not applicable without a spec, or when the trace has no effects.
// LIVE-DECIDE, DET-REPLAY  Judged by `sim`, `swarm` and `replay`, never by `check`.
//
// EXE-VISIBLE, EXE-COMMITTED, EXE-ONCE and EXE-FAITHFUL are not applicable when
// the trace has no effect records.
#pragma once

#include <array>
#include <string_view>

namespace logact::properties {

// Persisted: do not change.
inline constexpr std::string_view kLogDense = "LOG-DENSE";
inline constexpr std::string_view kLogAcl = "LOG-ACL";
inline constexpr std::string_view kRefIntent = "REF-INTENT";
inline constexpr std::string_view kDecUnique = "DEC-UNIQUE";
inline constexpr std::string_view kDecJustified = "DEC-JUSTIFIED";
inline constexpr std::string_view kDecPolicy = "DEC-POLICY";
inline constexpr std::string_view kExeVisible = "EXE-VISIBLE";
inline constexpr std::string_view kExeCommitted = "EXE-COMMITTED";
inline constexpr std::string_view kExeOnce = "EXE-ONCE";
inline constexpr std::string_view kExeFaithful = "EXE-FAITHFUL";
inline constexpr std::string_view kResMatch = "RES-MATCH";
inline constexpr std::string_view kDrvFence = "DRV-FENCE";
inline constexpr std::string_view kDrvSerial = "DRV-SERIAL";
inline constexpr std::string_view kRecState = "REC-STATE";
inline constexpr std::string_view kEnvConsistent = "ENV-CONSISTENT";
inline constexpr std::string_view kSafeSpec = "SAFE-SPEC";
inline constexpr std::string_view kLiveDecide = "LIVE-DECIDE";
inline constexpr std::string_view kDetReplay = "DET-REPLAY";

// Every invariant of SPEC §7, in the order of its table.
inline constexpr std::array<std::string_view, 18> kAllInvariants = {
    kLogDense,   kLogAcl,       kRefIntent,     kDecUnique,   kDecJustified, kDecPolicy,
    kExeVisible, kExeCommitted, kExeOnce,       kExeFaithful, kResMatch,     kDrvFence,
    kDrvSerial,  kRecState,     kEnvConsistent, kSafeSpec,    kLiveDecide,   kDetReplay};

// The invariants the trace checker judges when their inputs are present.
inline constexpr std::array<std::string_view, 15> kTraceCheckedInvariants = {
    kLogDense,  kLogAcl,     kRefIntent,    kDecUnique,     kDecJustified,
    kDecPolicy, kExeVisible, kExeCommitted, kExeOnce,       kExeFaithful,
    kResMatch,  kDrvFence,   kDrvSerial,    kEnvConsistent, kSafeSpec};

// The invariants `check` never judges: always listed as not applicable.
inline constexpr std::array<std::string_view, 3> kNotJudgedByCheck = {kRecState, kLiveDecide,
                                                                      kDetReplay};

static_assert(kTraceCheckedInvariants.size() + kNotJudgedByCheck.size() == kAllInvariants.size());

// The index of `id` in kAllInvariants, or -1 if it is not an invariant id.
constexpr int InvariantIndex(std::string_view id) {
  for (size_t i = 0; i < kAllInvariants.size(); ++i) {
    if (kAllInvariants[i] == id) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace logact::properties
