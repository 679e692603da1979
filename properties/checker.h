// InvariantChecker: the native checker of the SPEC §7 invariants.
//
// It is a TraceSink fed one record at a time, so the same code checks a live
// simulation (the simulator feeds it every record as it happens) and a recorded
// trace (traces/trace_reader.h feeds it the file). Finish() then returns the
// Report. The exact reading of each invariant is documented in
// properties/invariant_ids.h; each family lives in its own file:
//   log_invariants.cc        LOG-DENSE, LOG-ACL
//   reference_invariants.cc  REF-INTENT
//   decision_invariants.cc   DEC-UNIQUE, DEC-JUSTIFIED, DEC-POLICY, DRV-FENCE
//   execution_invariants.cc  EXE-VISIBLE, EXE-COMMITTED, EXE-ONCE, EXE-FAITHFUL, RES-MATCH
//   driver_invariants.cc     DRV-SERIAL
//   safety_invariants.cc     SAFE-SPEC, ENV-CONSISTENT
//   recovery_invariants.cc   REC-STATE (replays the trace's entries through
//                            crash-free core/ components; judged at Finish)
// LIVE-DECIDE and DET-REPLAY are not judged here and are always listed as not
// applicable.
//
// Lines: the violation report names 1-based trace lines. The checker numbers
// records itself (the header is line 1, the k-th record line k+1), which is
// the file's numbering because the reader accepts no blank line between
// records; for a live run it is the line the record will have in the trace.
//
// Cost: work per record is O(log intents) with no allocation for most
// records; per-intent state is kept by position, and the vote tallies and
// policy of an intent are released once it is decided.
//
// Determinism: the report is a pure function of the options and the records.
// Thread-safety: one thread at a time.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "core/json.h"
#include "core/safety_spec.h"
#include "models/environment_model.h"
#include "properties/report.h"
#include "traces/trace_record.h"

namespace logact::properties {

namespace internal {
class CheckerImpl;
}  // namespace internal

// The inputs of the invariants that need a scenario (SAFE-SPEC, ENV-CONSISTENT).
// Both are optional: a missing one makes its invariant not applicable.
struct CheckOptions {
  // The safety spec of SAFE-SPEC (from the scenario or `check --spec`).
  // Default null: SAFE-SPEC is not applicable. Not owned; must outlive the checker.
  const SafetySpec* spec = nullptr;
  // Makes a fresh environment model in the scenario's initial state, fed the
  // effects' actions for ENV-CONSISTENT. Default empty: not applicable.
  // Called at most once, when the checker is constructed.
  std::function<std::unique_ptr<models::EnvironmentModel>()> make_environment;
  // REC-STATE: the voter documents of the scenario (SPEC §6), by voter name,
  // to rebuild a crash-free voter. Drivers, deciders and executors need no
  // configuration. Default empty: state records of voters are not judged.
  std::map<std::string, Json> voter_documents;
  // REC-STATE's crash-free replicas replay the trace's entries. By default the
  // checker keeps a copy of every accepted entry, since it cannot know whether
  // a restart follows; on a million-record trace the copies cost as much as
  // every other invariant together. When set, it keeps none and calls this at
  // Finish, only if a state record after a restart is to be judged, for every
  // entry record of the trace with its line number (header = line 1, one line
  // per record, as the checker counts). CheckTraceFile re-reads its file.
  std::function<Result<std::vector<std::pair<int64_t, Entry>>>()> reload_entries;
};

class InvariantChecker : public traces::TraceSink {
 public:
  explicit InvariantChecker(CheckOptions options = {});
  ~InvariantChecker() override;
  InvariantChecker(const InvariantChecker&) = delete;
  InvariantChecker& operator=(const InvariantChecker&) = delete;

  // Optional (a live run may skip it); at most once, before any record. A
  // simulator header whose options say state_records false tells the
  // checker that no state record will come: without reload_entries it then
  // keeps no copy of the entries for REC-STATE (not applicable should a
  // state record after a restart arrive anyway).
  void OnHeader(const traces::TraceHeader& header) override;
  // REQUIRES: Finish() has not been called (asserted).
  void OnRecord(const traces::TraceRecord& record) override;
  // Judges an entry record exactly as OnRecord would, reading it in place.
  // REQUIRES: Finish() has not been called (asserted).
  void OnEntry(const Entry& entry) override;
  // Likewise for an effect record.
  // REQUIRES: Finish() has not been called (asserted).
  void OnEffect(const traces::EffectView& effect) override;

  // Ends the trace: judges what needed the whole trace and returns the report.
  // REQUIRES: called once (asserted).
  Report Finish();

  // The violations found so far (online checking: a simulator may stop at the
  // first one). Deferred judgements (effects of undecided intents, dangling
  // references, ENV-CONSISTENT) are only made by Finish().
  size_t violations_so_far() const;

 private:
  std::unique_ptr<internal::CheckerImpl> impl_;
};

}  // namespace logact::properties
