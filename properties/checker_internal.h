// Internals of the InvariantChecker (properties/checker.h): the state shared by
// the invariant families and the interface of each family. Not a public API.
//
// Data flow for one record: CheckerImpl (checker.cc) numbers it, lets the log
// family accept or reject its position, keeps the shared log state (intents by
// position, the policy in force, the election), resolves intent references
// through the reference family, and hands typed events to the other families.
// Each family judges only its own invariants, so a single defect in a trace is
// reported under a single id wherever SPEC §7 allows it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/decider_policy.h"
#include "core/entry.h"
#include "core/fencing.h"
#include "core/policy_state.h"
#include "core/shared_actions.h"
#include "properties/checker.h"
#include "properties/report.h"
#include "traces/trace_record.h"

namespace logact::properties::internal {

enum class Decision : uint8_t { kNone, kCommit, kAbort };

// Everything the invariants need to know about one intent. Kept for the whole
// trace (a late duplicate may still name it), but the voting state is released
// once the intent is decided.
struct IntentState {
  Position pos = kNoPosition;
  int64_t line = 0;
  int64_t ts = 0;
  bool fenced = false;
  std::shared_ptr<const Action> action;  // never null; from LogState::actions

  // DEC-JUSTIFIED: the policy in force at `pos` and the counted votes before
  // the decision. vote_verdict freezes at the first decided value.
  std::shared_ptr<const DeciderPolicy> policy;  // null once decided
  int64_t policy_version = 0;
  VoteTally tally;
  Verdict vote_verdict = Verdict::kUndecided;

  // The decision (first commit/abort).
  Decision decision = Decision::kNone;
  bool decision_timeout = false;
  int64_t decision_line = 0;
  bool fence_reported = false;  // DRV-FENCE reported once per intent

  // EXE-*: effects so far, and those seen before any decision (judged once
  // the decision arrives, or at the end).
  uint32_t effects = 0;
  int64_t first_effect_line = 0;
  std::vector<int64_t> undecided_effect_lines;
  int64_t marker_line = 0;  // first restart marker naming this intent

  // RES-MATCH.
  int64_t result_line = 0;  // first non-restart result
};

// Collects violations with the per-invariant cap of limits::kViolationsPerInvariantMax.
class Reporter {
 public:
  // `lines` in any order; they are sorted and de-duplicated.
  void Violate(std::string_view invariant, std::vector<int64_t> lines, std::string message);
  size_t count() const { return total_; }
  // Moves the violations into *report, sorted (see report.h).
  void MoveInto(Report* report);

 private:
  std::vector<Violation> violations_;
  std::map<std::string, uint64_t> counts_;
  size_t total_ = 0;
};

// The log as played so far: shared by every family.
struct LogState {
  Position tail = 0;  // one past the largest accepted position
  PolicyState policy_state;
  std::shared_ptr<const DeciderPolicy> policy_in_force;  // never null
  ElectionState election;
  // Intents in position order (accepted positions only increase).
  std::deque<IntentState> intents;
  std::vector<Position> intent_positions;  // parallel to `intents`, ascending
  SharedActions actions;                   // the intents' actions, one copy of each

  LogState();
  IntentState* FindIntent(Position pos);
  IntentState& AddIntent(Position pos);
};

// LOG-DENSE and LOG-ACL.
class LogInvariants {
 public:
  // Judges one entry. Returns false if its position was already used or went
  // back (the entry is then ignored by every other family).
  bool OnEntry(const Entry& entry, int64_t line, Reporter* reporter);

 private:
  void CheckAcl(const Entry& entry, int64_t line, Reporter* reporter);
  Position expected_ = 0;
};

// REF-INTENT, and effects that name a position not yet on the log.
class ReferenceInvariants {
 public:
  // The intent named by entry `entry` (a vote, decision or result) at `line`,
  // or null (reported) if it names no intent at a smaller position.
  IntentState* Resolve(const Entry& entry, Position named, int64_t line, LogState* log,
                       Reporter* reporter);
  // The intent an effect names, or null. An effect naming a position at or
  // beyond the tail is kept until that position is filled (see TakeWaiting).
  IntentState* ResolveEffect(const traces::EffectView& effect, int64_t line, LogState* log,
                             Reporter* reporter);
  // Called for every accepted entry: returns the effects that were waiting for
  // it if it is an intent, and reports them if it is not.
  struct WaitingEffect {
    traces::EffectRecord effect;
    int64_t line = 0;
  };
  std::vector<WaitingEffect> TakeWaiting(const Entry& entry, int64_t line, Reporter* reporter);
  // Reports the effects whose position never appeared.
  void Finish(Reporter* reporter);

 private:
  std::map<Position, std::vector<WaitingEffect>> waiting_;
};

// DEC-UNIQUE, DEC-JUSTIFIED, DEC-POLICY, DRV-FENCE.
class DecisionInvariants {
 public:
  void OnPolicy(const Entry& entry, int64_t line, LogState* log, Reporter* reporter);
  // Captures the policy in force for a new intent.
  void OnIntent(IntentState* intent, const LogState& log);
  void OnVote(IntentState* intent, const VotePayload& vote);
  // Returns true if this is the intent's decision (its first commit/abort);
  // later ones are judged for agreement only.
  bool OnDecision(IntentState* intent, const Entry& entry, int64_t line, Reporter* reporter);

 private:
  void Judge(const IntentState& intent, const Entry& entry, int64_t line, Reporter* reporter);
};

// EXE-VISIBLE, EXE-COMMITTED, EXE-ONCE, EXE-FAITHFUL, RES-MATCH.
class ExecutionInvariants {
 public:
  void OnEffect(IntentState* intent, const traces::EffectView& effect, int64_t line,
                Reporter* reporter);
  // After the intent's decision was set.
  void OnDecided(IntentState* intent, Reporter* reporter);
  void OnResult(IntentState* intent, const ResultPayload& result, int64_t line, Reporter* reporter);
  void Finish(LogState* log, Reporter* reporter);

 private:
  std::vector<Position> with_undecided_effects_;  // ascending
};

// DRV-SERIAL.
class DriverInvariants {
 public:
  void OnIntent(const IntentState& intent, Reporter* reporter);
  // The intent got a result (a restart marker counts) or an abort decision.
  void OnResolved(const IntentState& intent);

 private:
  std::map<Position, int64_t> outstanding_;  // live unresolved intents: pos -> line
};

// SAFE-SPEC and ENV-CONSISTENT.
class SafetyInvariants {
 public:
  explicit SafetyInvariants(CheckOptions options);
  ~SafetyInvariants();
  // `intent_action` (may be null): the shared action of the intent the
  // effect names, kept instead of a copy when it is exactly the effect's.
  void OnEffect(const traces::EffectView& effect,
                const std::shared_ptr<const Action>* intent_action, int64_t line,
                Reporter* reporter);
  void OnState(const traces::StateRecord& state, int64_t line);
  // Judges ENV-CONSISTENT and fills applicability into *report.
  void Finish(int64_t effects, Reporter* reporter, Report* report);

 private:
  // A write to replay on the model. The model is only read at an env state
  // record (its digest), so writes wait until one arrives and are replayed
  // then, in trace order: a trace without one (a run with state_records
  // false) replays nothing. The model is a function of its calls in order
  // (models take no clock), so the digest is the one an eager replay gives.
  struct PendingWrite {
    std::shared_ptr<const Action> action;
    Position intent = kNoPosition;
    std::string idempotency_key;
  };
  void ReplayPending();

  // Whether the spec forbids `action`. A trace repeats a handful of actions,
  // and IsForbidden dumps the action to text and evaluates every condition:
  // the verdicts on the first kVerdictsMax distinct actions are remembered
  // (a bound on memory; any other action is judged anew).
  static constexpr size_t kVerdictsMax = 64;
  bool Forbidden(const Action& action);

  CheckOptions options_;
  std::vector<std::pair<Action, bool>> verdicts_;
  std::unique_ptr<models::EnvironmentModel> environment_;
  std::vector<PendingWrite> pending_;  // writes not replayed yet, in trace order
  int64_t env_state_line_ = 0;         // the last env state record (0: none)
  std::string env_state_digest_;
  std::string model_digest_;  // the model's digest when that record was read
};

// REC-STATE: every component `state` record that follows a `restart` record
// of the same target is compared with the digest of a crash-free core/
// component of that principal that played the trace's entries [0, pos).
// Judged at Finish, when every entry is known; one replica per target is
// advanced through that target's records in position order.
class RecoveryInvariants {
 public:
  // `reload` (may be empty): CheckOptions::reload_entries.
  RecoveryInvariants(std::map<std::string, Json> voter_documents,
                     std::function<Result<std::vector<std::pair<int64_t, Entry>>>()> reload);
  ~RecoveryInvariants();
  // Every accepted entry, in position order, read from `line`.
  void OnEntry(const Entry& entry, int64_t line);
  // The run announced that it records no state (a simulator header with
  // options.state_records false): without a reload function no entry is
  // kept, since REC-STATE has nothing to judge. Should a state record after
  // a restart arrive anyway, REC-STATE is reported not applicable.
  void KeepNoEntries() { keep_no_entries_ = true; }
  void OnRestart(const traces::RestartRecord& restart, int64_t line);
  void OnState(const traces::StateRecord& state, int64_t line);
  // Judges REC-STATE and fills its applicability into *report.
  void Finish(Reporter* reporter, Report* report);

 private:
  struct Judged {
    traces::StateRecord state;
    int64_t line = 0;
    int64_t restart_line = 0;
  };
  // The accepted entries, or with a reload function their lines only.
  bool Entries(std::string* why_not);
  std::map<std::string, Json> voter_documents_;
  std::function<Result<std::vector<std::pair<int64_t, Entry>>>()> reload_;
  std::vector<Entry> entries_;
  std::vector<int64_t> entry_lines_;         // with reload_: the lines of the accepted entries
  std::map<std::string, int64_t> restarts_;  // target -> line of its last restart
  std::vector<Judged> judged_;
  int64_t unknown_config_ = 0;  // state records after a restart of an unknown voter
  bool keep_no_entries_ = false;
};

// Helpers shared by the families' messages.
std::string DescribeVotes(const VoteTally& tally);
std::string DescribePolicy(const DeciderPolicy& policy, int64_t version);

}  // namespace logact::properties::internal
