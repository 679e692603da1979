// SimHooks: test seams of the simulator (tests only; a normal run passes {}).
//
// The simulator builds every component (driver, voters, decider, executor)
// from a ComponentRecipe, at boot and again on every restart after a crash.
// make_component may return a replacement (e.g. a deliberately wrong variant
// that the invariants must catch) or nullptr for the simulator's default;
// wrap_bus wraps the storage bus under the recorder, so a wrapper's appends
// are still reported as entry records (e.g. a bus that loses an acknowledged
// append on crash). on_crash, when set, is told the principal of every
// component the simulator crashes, before it is rebuilt, so a wrapper can
// model what the crash does to storage.
//
// Determinism: hooks must draw no randomness of their own other than from
// what they are given; the run stays a pure function of options + hooks.
// Lifetime: every pointer in a recipe outlives the component built from it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/agent_bus.h"
#include "core/clock.h"
#include "core/component.h"
#include "core/environment.h"
#include "core/json.h"
#include "core/llm.h"
#include "core/snapshot_store.h"

namespace logact::sim {

// Everything needed to build one component.
struct ComponentRecipe {
  std::string role;  // "driver" | "voter" | "decider" | "executor"
  std::string name;  // e.g. "agent", "d0", "x0", the voter's name
  AgentBus* bus = nullptr;
  Clock* clock = nullptr;
  Llm* llm = nullptr;
  ToolEnvironment* environment = nullptr;  // executor only
  const Json* voter_document = nullptr;    // voters only
  // The snapshot the simulator will Restore() into the built component right
  // after building it (null: boot from position 0). Informational for a
  // replacement: one without snapshot support refuses Restore (the default
  // of core/component.h) and replays from 0, which is always correct.
  const Snapshot* snapshot = nullptr;
};

struct SimHooks {
  // Returns a replacement for the component the simulator would build, or
  // nullptr for the default.
  std::function<std::unique_ptr<Component>(const ComponentRecipe&)> make_component;
  // Wraps the storage bus (e.g. a bus that loses an acknowledged append on crash).
  std::function<std::unique_ptr<AgentBus>(std::unique_ptr<AgentBus>)> wrap_bus;
  // Told the principal ("executor/x0") of each component crashed, before its restart.
  std::function<void(const std::string& principal)> on_crash;
};

}  // namespace logact::sim
