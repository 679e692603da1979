// EnvironmentModel: a simulated environment with tools and state (SPEC §3).
//
// A model is a ToolEnvironment whose state is a deterministic function of the
// calls applied to it, so that a fresh copy, fed the committed and executed
// intents in log order, computes the reference state that ENV-CONSISTENT
// compares with the actual one. Models never draw randomness: tool faults are
// injected around them by the simulator.
#pragma once

#include <memory>
#include <string>

#include "core/environment.h"
#include "core/safety_spec.h"

namespace logact::models {

class EnvironmentModel : public ToolEnvironment {
 public:
  // The tool schemas (names, argument types, writes, idempotent).
  virtual const ToolSchemas& schemas() const = 0;
  // A copy of the model in its current state.
  virtual std::unique_ptr<EnvironmentModel> Clone() const = 0;
  // The state as canonical JSON (sorted keys); StateDigest() hashes exactly this.
  virtual Json StateJson() const = 0;
};

// FNV-1a 64 of CompactJson(state), as 16 lowercase hex digits.
std::string DigestOfJson(const Json& state);

}  // namespace logact::models
