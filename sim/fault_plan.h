// FaultPlan: which faults a simulation injects, and how often (SPEC §4).
//
// Fault model. Every fault kind of SPEC §4 has its own rate, an integer ratio
// (core/random.h), and its own random stream "fault.<kind>" (sim/rng.h), so
// that turning one kind on or changing its rate never changes when the others
// fire. A rate is the chance per opportunity of the kind:
//  - crash_driver, crash_voter, crash_decider, crash_executor: per scheduler
//    step, the chance that one live component of that role crashes before the
//    step (it is dropped and rebuilt: restart from a snapshot or from 0).
//  - crash_mid_step: per append by a component, the chance that it crashes
//    right there: half the time before the append reaches the bus (the
//    component decided but nothing is on the log), half the time after (the
//    entry is on the log but the component never learns its position).
//  - duplicate_driver, duplicate_decider: per step, the chance that a second
//    instance of the role starts on the same bus (bounded by
//    limits::kSimDuplicatesMax per run).
//  - tool_fail (the tool infrastructure fails before the tool runs),
//    tool_timeout (the tool ran, the executor sees a timeout: effect unknown to
//    it), tool_slow (the call takes up to kToolSlowMsMax longer), tool_retry
//    (the infrastructure re-sends an idempotent-keyed call: applied once iff
//    the environment honours the key): per tool call.
//  - llm_latency (a call takes up to kLlmSlowMsMax longer), llm_malformed,
//    llm_hallucinated, llm_injection (the attack rate of attack scenarios),
//    llm_refusal, llm_failure: per LLM call (sim/fault_injector.h FaultyLlm;
//    llm_injection sets the attack rate of the mock LLM, sim/mock_llm.h).
//  - policy_change (admin re-applies the policy in force under a new version),
//    clock_jump (the virtual clock jumps up to kClockJumpMsMax ahead): per step.
//  - append_fail, append_delay, append_timeout, torn_write, lost_unacked:
//    storage faults of the simulated storage bus, per append.
// Recovery stays possible because every fault either leaves the log as the
// single source of truth (crashes, duplicates, storage faults the simulated
// bus repairs) or is an outcome the engine must already handle (tool and LLM
// failures). Faults are injected only in the safety phase (virtual time
// < safety_phase_ms); the liveness phase after it runs fault-free so that
// LIVE-DECIDE can demand that every task ends.
//
// Text form (`--faults`): a preset name ("none", "light", "heavy"), or
// "swarm" (DrawSwarmFaults of the run's seed), optionally followed by
// comma-separated overrides "kind=rate" where rate is a decimal in [0,1]
// ("0.02" is exactly 2/100) or "n/d"; "crash=R" sets the four crash_* kinds;
// "safety_phase_ms=N" sets the phase. Overrides alone start from "none".
//
// Thread-safety: value types and pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/random.h"
#include "core/status.h"

namespace logact::sim {

// Persisted (trace headers, swarm databases) by name: do not rename.
enum class FaultKind : int {
  kCrashDriver = 0,
  kCrashVoter,
  kCrashDecider,
  kCrashExecutor,
  kCrashMidStep,
  kDuplicateDriver,
  kDuplicateDecider,
  kToolFail,
  kToolTimeout,
  kToolSlow,
  kToolRetry,
  kLlmLatency,
  kLlmMalformed,
  kLlmHallucinated,
  kLlmInjection,
  kLlmRefusal,
  kLlmFailure,
  kPolicyChange,
  kClockJump,
  kAppendFail,
  kAppendDelay,
  kAppendTimeout,
  kTornWrite,
  kLostUnacked,
};
inline constexpr size_t kFaultKindCount = 24;

// "crash_driver", ... (the names of the text form and of `fault` records).
std::string_view FaultKindName(FaultKind kind);
// The kind named `name`, or kNotFound.
Result<FaultKind> FaultKindFromName(std::string_view name);
// The random stream of a kind: "fault.<name>".
std::string FaultStreamName(FaultKind kind);
// True for the storage kinds (implemented by the simulated storage bus).
bool IsStorageFault(FaultKind kind);

// Upper bounds of the drawn magnitudes, in virtual ms.
inline constexpr int64_t kToolSlowMsMax = 30'000;
inline constexpr int64_t kLlmSlowMsMax = 20'000;
inline constexpr int64_t kClockJumpMsMax = 60'000;

struct FaultPlan {
  // The rate of each kind, indexed by FaultKind. Default: all zero.
  std::array<Ratio, kFaultKindCount> rates{};
  // Virtual ms from the start during which faults are injected (the safety
  // phase); afterwards none (the liveness phase). Default 120 s: several
  // tasks' worth of LLM calls. > 0.
  int64_t safety_phase_ms = 120'000;
  // How the plan was written ("light", "swarm", "crash=0.02", ...): display only.
  std::string source = "none";

  Ratio rate(FaultKind kind) const { return rates[static_cast<size_t>(kind)]; }
  void set_rate(FaultKind kind, Ratio ratio) { rates[static_cast<size_t>(kind)] = ratio; }
  // True if no kind has a non-zero rate.
  bool IsNone() const;
  friend bool operator==(const FaultPlan&, const FaultPlan&) = default;
};

// The preset `name` ("none", "light", "heavy"), or kNotFound.
Result<FaultPlan> FaultPreset(std::string_view name);

// Swarm testing: a random subset of the kinds (each kept with chance 1/2) with
// rates drawn per kind, from the stream "fault.swarm" of `seed` only.
FaultPlan DrawSwarmFaults(uint64_t seed);

// Parses the text form. `seed` is used only by "swarm".
// Errors: kInvalidArgument naming the bad part (unknown kind or preset, a
// rate outside [0,1], more than 9 decimals, a malformed number).
Result<FaultPlan> ParseFaultPlan(std::string_view text, uint64_t seed);

// A decimal in [0,1] ("0.02", "1", ".5") or "n/d" as an exact ratio.
// Errors: kInvalidArgument.
Result<Ratio> ParseRate(std::string_view text);

// {"source":..,"safety_phase_ms":..,"rates":{"kind":[n,d],...}} listing only
// the non-zero kinds, in FaultKind order.
Json FaultPlanToJson(const FaultPlan& plan);
// The inverse. Kinds missing from "rates" are zero. Errors: kInvalidArgument.
Result<FaultPlan> FaultPlanFromJson(const Json& json);

}  // namespace logact::sim
