// FaultInjector: draws the faults of a FaultPlan and records each one.
//
// Fault model (sim/fault_plan.h gives every kind and its opportunity). The
// injector owns one generator per kind, seeded from the stream
// "fault.<kind>", and answers "does kind K fire now?" only in the safety phase
// (virtual time < plan.safety_phase_ms) and only for a non-zero rate, so a
// kind that is off draws nothing and never shifts another kind's schedule.
// Every injected fault becomes a `fault` record {ts, fault, target[, extra]}
// and is counted by kind for the run's report.
//
// The wrappers below put the per-call kinds where they happen. They are named
// for what the caller sees:
//  - FaultyEnvironment (executor side): tool_fail = kUnavailable before the
//    tool ran (no effect); tool_timeout = kUnavailable after it ran (the effect
//    happened, the executor cannot know); tool_slow = a longer duration.
//  - RetryingModel (under the effect recorder): tool_retry = the
//    infrastructure re-sends a keyed call to an idempotent tool; the model
//    must apply it once, which ENV-CONSISTENT checks.
//  - FaultyLlm: llm_failure = kUnavailable (driver retries, voter denies);
//    on driver replies llm_malformed = a cut-off reply, llm_refusal = prose
//    outside the protocol, llm_hallucinated = an action on a tool that does
//    not exist; llm_latency = a slower reply. (llm_injection sets the mock's
//    attack rate; the mock's own rates in MockLlmOptions stay usable too.)
//  - CrashPointBus (one per component incarnation): crash_mid_step = the
//    component dies at an append, before it reaches the bus (decided, nothing
//    on the log) or after (on the log, never acknowledged to the component).
//    A dead incarnation's later appends fail; the simulator drops it after
//    its step and rebuilds it.
// No wrapper branches on anything but the injector's draw.
//
// Storage faults are drawn by the simulated storage bus from its own streams;
// the injector is the bus's StorageFaultGate (sim/simulated_bus.h), so their
// opportunities are counted and scheduled like every other kind's (site: the
// author of the write).
//
// Scheduling choices (sim/fault_schedule.h): the simulator passes each pick
// of its scheduler among several ready components through Choose, which
// records the non-default ones and, when the schedule lists choices, replays
// them instead.
//
// Replay mode (sim/fault_schedule.h): given a schedule, the injector fires at
// the n-th opportunity of a kind at a site iff (kind, site, n) is scheduled,
// and answers Draw from the scheduled fault's draws; the kind streams are then
// not consulted. In
// either mode it records every injected fault as a ScheduledFault
// (recorded()), so a run's faults can be replayed, or replayed in part.
//
// Determinism: every draw comes from the seed's named streams. Thread-safety: none.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/agent_bus.h"
#include "core/assert.h"
#include "core/clock.h"
#include "core/environment.h"
#include "core/json.h"
#include "core/llm.h"
#include "core/memory_bus.h"
#include "models/environment_model.h"
#include "sim/fault_plan.h"
#include "sim/fault_schedule.h"
#include "sim/rng.h"
#include "sim/simulated_bus.h"
#include "traces/trace_record.h"

namespace logact::sim {

class FaultInjector final : public StorageFaultGate {
 public:
  // REQUIRES: clock non-null and outliving the injector. `schedule` non-null:
  // replay mode, firing exactly its schedulable faults (copied).
  // `record_choices`: whether recorded() lists the scheduling choices (else
  // they stay unset; the picks are the same either way).
  FaultInjector(const FaultPlan& plan, const SeedStreams& streams, const Clock* clock,
                std::vector<traces::TraceSink*> sinks, const FaultSchedule* schedule = nullptr,
                bool record_choices = false);

  // True while faults may be injected (the safety phase of a plan with faults).
  bool Active() const;
  // Whether `kind` fires now: one draw from its stream, if Active and its rate
  // is non-zero. `site` names the principal whose call or append is at stake
  // (empty for between-step faults); opportunities are counted per (kind, site).
  bool Fires(FaultKind kind, std::string_view site = {});
  // Uniform in [low, high] from kind's stream (a fault's magnitude). REQUIRES: low <= high.
  int64_t Draw(FaultKind kind, int64_t low, int64_t high);
  // Records an injected fault: a `fault` record and the per-kind count.
  void Record(FaultKind kind, const std::string& target, Json extra = Json());

  // StorageFaultGate: an opportunity of storage kind `kind` at `site`, decided
  // by `drawn` (the bus's stream) in a normal run and by the schedule in replay.
  bool DecideStorageFault(std::string_view kind, std::string_view site, bool drawn) override;
  int64_t StorageMagnitude(std::string_view kind, int64_t drawn, int64_t low,
                           int64_t high) override;

  // The scheduler's pick at a scheduling point with `ready` > 1 components:
  // `drawn` (< ready) unless the schedule lists choices, then the listed pick
  // (clamped to ready - 1) or 0. Records a non-default pick (when recording
  // choices); name it with NameChoice(principal of the stepped component)
  // right after.
  size_t Choose(size_t drawn, size_t ready) {
    // A plain run (neither replaying nor recording choices) only counts the
    // point: the scheduler makes a choice at most iterations.
    if (!replay_choices_ && !recorded_.choices) {
      LOGACT_ASSERT_LT(drawn, ready);
      ++choice_points_;
      return drawn;
    }
    return ChooseSlow(drawn, ready);
  }
  void NameChoice(const std::string& principal) {
    if (recorded_.choices) NameRecordedChoice(principal);
  }

  const FaultPlan& plan() const { return plan_; }
  // Injected faults by kind name.
  const std::map<std::string, int64_t>& injected() const { return injected_; }
  // The clock at the last injected fault (-1: none yet).
  int64_t last_fault_ms() const { return last_fault_ms_; }
  // Every injected fault so far, in order, and the non-default scheduling
  // choices (unset unless record_choices, and once more than
  // limits::kFaultScheduleFaultsMax were made: a benchmark-sized run is not
  // replayed choice by choice), as a schedule that replays them.
  const FaultSchedule& recorded() const { return recorded_; }

 private:
  // One opportunity of (kind, site): fires iff scheduled (replay) or, in a
  // normal run, iff `drawn` (or the kind's stream, when drawn is unset).
  bool Opportunity(FaultKind kind, std::string_view site, std::optional<bool> drawn);
  // Choose and NameChoice when replaying or recording choices.
  size_t ChooseSlow(size_t drawn, size_t ready);
  void NameRecordedChoice(const std::string& principal);
  // Draws that follow a fired opportunity: the scheduled value, or `drawn`.
  int64_t Magnitude(FaultKind kind, int64_t drawn, int64_t low, int64_t high);

  FaultPlan plan_;
  const Clock* clock_;
  std::vector<traces::TraceSink*> sinks_;
  std::vector<Rng> streams_;  // indexed by FaultKind
  std::map<std::string, int64_t> injected_;
  int64_t last_fault_ms_ = -1;
  // Schedule bookkeeping: opportunities seen so far per (kind, site), and, by
  // FaultKind, the fault that fired last and awaits its Record (with its draws).
  std::map<std::pair<int, std::string>, int64_t, std::less<>> opportunities_;
  std::vector<std::optional<ScheduledFault>> pending_;
  FaultSchedule recorded_;
  // Replay mode: (kind, site, opportunity) -> the scheduled fault's draws.
  bool replay_ = false;
  std::map<std::tuple<int, std::string, int64_t>, std::vector<int64_t>> replay_draws_;
  std::vector<const std::vector<int64_t>*> pending_replay_draws_;
  // Scheduling choices: points seen, and in replay (choices listed) point -> pick.
  int64_t choice_points_ = 0;
  bool replay_choices_ = false;
  std::map<int64_t, int64_t> replay_picks_;
};

class FaultyEnvironment final : public ToolEnvironment {
 public:
  // REQUIRES: inner and injector non-null and outliving the wrapper.
  FaultyEnvironment(ToolEnvironment* inner, FaultInjector* injector, std::string executor);
  Result<ToolOutcome> Execute(const ToolCall& call) override;
  std::string StateDigest() const override { return inner_->StateDigest(); }

 private:
  ToolEnvironment* inner_;
  FaultInjector* injector_;
  std::string executor_;
};

class RetryingModel final : public models::EnvironmentModel {
 public:
  // REQUIRES: inner and injector non-null and outliving the wrapper.
  RetryingModel(models::EnvironmentModel* inner, FaultInjector* injector, std::string executor);
  const ToolSchemas& schemas() const override { return inner_->schemas(); }
  std::unique_ptr<models::EnvironmentModel> Clone() const override { return inner_->Clone(); }
  Json StateJson() const override { return inner_->StateJson(); }
  Result<ToolOutcome> Execute(const ToolCall& call) override;

 private:
  models::EnvironmentModel* inner_;
  FaultInjector* injector_;
  std::string executor_;
};

class FaultyLlm final : public Llm {
 public:
  // REQUIRES: inner and injector non-null and outliving the wrapper.
  FaultyLlm(Llm* inner, FaultInjector* injector) : inner_(inner), injector_(injector) {}
  Result<LlmReply> Complete(const LlmRequest& request) override;

 private:
  Llm* inner_;
  FaultInjector* injector_;
};

class CrashPointBus final : public AgentBus {
 public:
  // REQUIRES: inner and injector non-null and outliving the wrapper.
  // `storage` (may be null; then outliving the wrapper): a MemoryBus whose
  // Tail() is always inner's Tail(), as under the simulator's recorder when
  // no storage fault is on. Tail() then reads it directly: every component
  // asks for Tail() at every scheduling round, and the chain of forwarding
  // calls down to the storage was a visible part of a run.
  CrashPointBus(AgentBus* inner, FaultInjector* injector, std::string principal,
                const MemoryBus* storage = nullptr);
  using AgentBus::Append;  // the copying overload
  Result<Position> Append(Entry&& entry) override;
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override {
    return inner_->Read(start, end, filter);
  }
  Position Tail() const override {
    // The qualified call is not virtual: `storage_` is exactly a MemoryBus.
    return storage_ != nullptr ? storage_->MemoryBus::Tail() : inner_->Tail();
  }
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override {
    return inner_->Poll(start, filter, max);
  }
  Status ForEachEntry(Position* played, Position end, TypeFilter filter,
                      const std::function<void(const Entry&)>& visit) const override {
    return inner_->ForEachEntry(played, end, filter, visit);
  }
  std::span<const Entry> StoredRun(Position start, Position end) const override {
    // Like Tail(): what inner would answer, without the forwarding chain.
    return storage_ != nullptr ? storage_->MemoryBus::StoredRun(start, end)
                               : inner_->StoredRun(start, end);
  }
  // True once this incarnation died at an append.
  bool crashed() const { return crashed_; }

 private:
  AgentBus* inner_;
  const MemoryBus* storage_;
  FaultInjector* injector_;
  std::string principal_;
  bool crashed_ = false;
};

}  // namespace logact::sim
