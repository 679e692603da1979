// EnvironmentModel: a simulated environment with tools and state (SPEC §3).
//
// A model is a ToolEnvironment whose state is a deterministic function of the
// calls applied to it, so that a fresh copy, fed the committed and executed
// intents in log order, computes the reference state that ENV-CONSISTENT
// compares with the actual one. Models never draw randomness: tool faults are
// injected around them by the simulator.
//
// Conventions shared by every model in this folder:
//  - Execute() never returns an error Status: a model has no infrastructure
//    that can fail. A tool-level failure (unknown tool, arguments that the
//    schemas reject, a missing record, insufficient funds) is a ToolOutcome
//    with ok=false and leaves the state unchanged.
//  - Every output is the compact JSON text of the tool's result (a failure is
//    {"error":"..."}), so identical calls on identical states give identical bytes.
//  - duration_ms is a fixed cost per tool; latency faults come from the simulator.
//  - Tools declared idempotent honour ToolCall::idempotency_key: a second
//    successful call with the same key is not applied again and returns the
//    outcome of the first. The table of used keys is bookkeeping, not part of
//    StateJson(): the digest describes the world as its user sees it.
//
// Thread-safety: none; a model is owned by one executor (or one checker).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/environment.h"
#include "core/json.h"
#include "core/safety_spec.h"

namespace logact::models {

class EnvironmentModel : public ToolEnvironment {
 public:
  // The tool schemas (names, argument types, writes, idempotent).
  virtual const ToolSchemas& schemas() const = 0;
  // A copy of the model in its current state (including its idempotency keys);
  // the copy and the original evolve independently afterwards.
  virtual std::unique_ptr<EnvironmentModel> Clone() const = 0;
  // The state as canonical JSON (sorted keys); StateDigest() hashes exactly this.
  virtual Json StateJson() const = 0;
  // DigestOfJson(StateJson()).
  std::string StateDigest() const override;

  // Executor recovery (SPEC §2). After a restart marker the agent does not
  // know whether the interrupted `action` took effect; it asks the world with
  // a read-only call of this model and then re-proposes or skips the action.
  // RecoveryProbe is that call, or nullopt when no read shows the action's
  // effect or the action is itself a read (the agent then re-proposes it:
  // a read changes nothing, and the idempotency key covers keyed writes).
  // Default: nullopt for every action.
  virtual std::optional<Action> RecoveryProbe(const Action& action) const;
  // Whether the probe's answer shows `action` applied. `ok` and `output` are
  // the probe's result (its output parsed as JSON); `applied_before` is how
  // many identical actions the agent knows were applied earlier, so that an
  // action that adds a record (a payment) counts records instead of looking
  // for one. nullopt: the answer does not tell (not the probe's shape).
  // Pure: depends on the arguments only, never on this model's state.
  virtual std::optional<bool> ProbeShowsApplied(const Action& action, bool ok, const Json& output,
                                                int64_t applied_before) const;
};

// FNV-1a 64 of CompactJson(state), as 16 lowercase hex digits.
std::string DigestOfJson(const Json& state);

// The schemas in the format of ParseToolSchemas and of one suite of
// fixtures/agentdojo/tools.json: {"tool":{"args":{name:"type[?]"},"writes":bool}},
// plus "idempotent":true on the tools that accept an idempotency key (omitted
// when false, so that a suite's JSON round-trips unchanged). Safety specs use
// it as their "tools" member.
Json ToolSchemasToJson(const ToolSchemas& schemas);

}  // namespace logact::models
