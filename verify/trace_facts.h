// TraceFacts: the facts of a trace that the Z3 trace checker (verify/trace_smt.h)
// encodes. Building them is a native pass that *reads* the trace and judges
// no invariant: it copies each record's fields into numbers (interning
// strings, actions and digests), and computes the structural context that
// needs a replay of the log prefix, which SMT would only restate:
//   - which entries are accepted (the LOG-DENSE acceptance rule) — used only
//     to replay the context below; the Z3 side re-derives acceptance itself;
//   - the record each reference lands on (the accepted entry at the named
//     position; Z3 then checks that it is an intent at a smaller position);
//   - for each accepted intent: whether it is fenced (ElectionState) and the
//     decider policy in force at it (PolicyState), as structured facts;
//   - the per-record answers of the two scenario-dependent oracles: whether
//     the safety spec forbids an effect's action (IsForbidden), and the
//     environment model's digest at the last env `state` record.
// Every "first", "earlier", "counted", "agrees" and policy verdict is left to
// Z3 (see docs/z3_trace_check.md).
//
// Determinism: a pure function of the records and options. Thread-safety: a
// value; building one is single-threaded.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/decider_policy.h"
#include "core/entry.h"
#include "properties/checker.h"
#include "traces/trace_record.h"

namespace logact::verify {

// Record kinds as encoded (persisted only inside one query).
enum class FactKind : int { kEntry = 0, kEffect = 1, kState = 2, kOther = 3 };

// One record as numbers. Fields that do not apply to the record's kind or type
// keep their defaults and are not encoded.
struct RecordFacts {
  FactKind kind = FactKind::kOther;
  int64_t line = 0;  // 1-based trace line (the header is line 1)
  // Entries.
  Position pos = kNoPosition;
  int type = -1;             // EntryType as int
  int64_t ts = 0;            // entries and effects
  int role = -1;             // Role as int, -1 if the author is not role/name
  int64_t author_name = -1;  // interned name part of the author
  int64_t named = -1;        // interned intent.driver/elect.driver/vote.voter, -1: none
  bool accepted = false;     // native acceptance (context replay only)
  bool fenced = false;       // accepted intent: fenced by the last counted elect
  // References (vote, commit, abort, result except a marker naming -1, effect).
  bool has_ref = false;
  Position ref = kNoPosition;
  int64_t target = -1;  // record index of the accepted entry at `ref`, -1: none
  // Payload fields.
  bool approve = false;    // vote
  int64_t vote_type = -1;  // vote: interned voter_type
  bool timeout = false;    // abort with "timeout": true
  bool restart = false;    // result
  int64_t version = 0;     // policy
  int64_t expected = 0;    // policy
  int64_t action = -1;     // intent and effect: interned action (JSON equality)
  bool forbidden = false;  // effect: the safety spec forbids its action
};

// The decider policy in force at an intent, with voter types interned.
struct PolicyFacts {
  DeciderKind kind = DeciderKind::kOnByDefault;
  std::vector<int64_t> types;  // listed types (interned), in the policy's order
  bool types_listed = false;
  int64_t k = 0;
  std::optional<int64_t> timeout_ms;
  int64_t version = 0;
  DeciderPolicy policy;  // for messages
};

// One natively accepted intent and the records whose reference lands on it.
struct IntentFacts {
  int64_t record = 0;  // index into TraceFacts::records
  bool fenced = false;
  PolicyFacts policy;
  std::vector<int64_t> decisions;                         // commit/abort records, ascending
  std::map<int64_t, std::vector<int64_t>> votes_by_type;  // type id -> vote records
  std::vector<int64_t> votes;                             // all vote records, ascending
  std::vector<int64_t> results;  // result records (markers included), ascending
  std::vector<int64_t> effects;  // effect records, ascending
};

struct TraceFacts {
  std::vector<RecordFacts> records;
  std::vector<IntentFacts> intents;  // ascending record index
  int64_t effects = 0;               // effect records (EXE-* applicability)
  bool has_spec = false;             // SAFE-SPEC applicability (with effects > 0)
  bool has_environment = false;      // ENV-CONSISTENT: a model exists
  int64_t env_state_record = -1;     // the last env state record, -1: none
  int64_t env_digest = -1;           // interned digest written in that record
  int64_t model_digest = -1;         // interned digest of the model replay there
};

// Builds the facts. `options` are those of the native checker (spec and
// environment); the environment model is created and fed here.
// Never fails on a well-parsed trace.
TraceFacts BuildTraceFacts(const std::vector<traces::TraceRecord>& records,
                           const properties::CheckOptions& options);

}  // namespace logact::verify
