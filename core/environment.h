// ToolEnvironment: the world the executor acts on (SPEC §3).
//
// Only the executor calls Execute, and only for committed, live intents. An
// environment declares its tools (names, argument types, idempotency) so that
// voters, checkers and the verifier share one schema. The simulator wraps an
// environment model to inject tool faults and to record `effect` records.
#pragma once

#include <cstdint>
#include <string>

#include "core/entry.h"
#include "core/status.h"

namespace logact {

struct ToolCall {
  const Action* action = nullptr;  // REQUIRES: non-null for the call's duration
  Position intent = kNoPosition;   // the intent being executed
  // Non-empty for tools declared idempotent: a re-submitted call with the same
  // key is applied once (SPEC §2, executor recovery).
  std::string idempotency_key;
};

struct ToolOutcome {
  bool ok = false;          // the tool reported success
  std::string output;       // the tool's answer (or its error text)
  int64_t duration_ms = 0;  // clock time the call took; the result is appended after it
};

class ToolEnvironment {
 public:
  virtual ~ToolEnvironment() = default;
  // Runs one tool call. A tool-level failure (unknown tool, bad arguments,
  // insufficient funds) is an outcome with ok=false, not an error.
  // Errors: kUnavailable (the tool infrastructure failed or timed out; whether
  // the effect happened is unknown to the caller).
  virtual Result<ToolOutcome> Execute(const ToolCall& call) = 0;
  // A digest of the environment's state, for ENV-CONSISTENT (hex string).
  virtual std::string StateDigest() const = 0;
};

}  // namespace logact
