// SharedActions: one immutable copy of each recently seen action, shared by
// every holder that keeps an action per intent for the whole run (the
// executor's intents, the online checker's). SharedIntents does the same for
// whole intents (action, driver, epoch): each voter holds every intent it
// still has to judge, and copying one was the costliest part of playing it. A run repeats a handful
// of actions task after task (the plan's), and each copy of an action's JSON arguments is a dozen
// small allocations to make and, at the end of a long run, to free: sharing them made a copy a
// reference count.
//
// Actions are matched exactly (same tool, SameJson arguments: same JSON types,
// doubles bit for bit), so a shared action dumps and compares exactly like the
// one it stands for, and sharing changes no output, only the work done. The
// last kRemembered distinct actions are remembered, oldest replaced first (a
// bound on the look-up, not on correctness: any other action gets its own copy).
//
// Determinism: lookups scan in insertion order; no hashing, no addresses.
// Thread-safety: none (the shared copies are immutable; the table is not).
#pragma once

#include <cstddef>
#include <memory>

#include "core/entry.h"
#include "core/json.h"
#include "core/recent_values.h"
#include "core/same_json.h"

namespace logact {

class SharedActions {
 public:
  static constexpr size_t kRemembered = 8;

  // The shared copy of an action exactly equal to `action`, made on first sight.
  std::shared_ptr<const Action> Get(const Action& action) {
    if (const std::shared_ptr<const Action>* known =
            recent_.Find([&](const std::shared_ptr<const Action>& seen) {
              return seen->tool == action.tool && SameJson(seen->args, action.args);
            })) {
      return *known;
    }
    auto shared = std::make_shared<const Action>(action);
    return recent_.Remember(shared, shared);
  }

 private:
  // Key and value are the same pointer: RecentValues matches on the key.
  RecentValues<std::shared_ptr<const Action>, std::shared_ptr<const Action>, kRemembered> recent_;
};

class SharedIntents {
 public:
  static constexpr size_t kRemembered = 8;

  // The shared copy of an intent exactly equal to `intent` (same driver and
  // epoch, and an action SharedActions would match), made on first sight.
  std::shared_ptr<const IntentPayload> Get(const IntentPayload& intent) {
    if (const std::shared_ptr<const IntentPayload>* known =
            recent_.Find([&](const std::shared_ptr<const IntentPayload>& seen) {
              return seen->epoch == intent.epoch && seen->action.tool == intent.action.tool &&
                     seen->driver == intent.driver &&
                     SameJson(seen->action.args, intent.action.args);
            })) {
      return *known;
    }
    auto shared = std::make_shared<const IntentPayload>(intent);
    return recent_.Remember(shared, shared);
  }

 private:
  RecentValues<std::shared_ptr<const IntentPayload>, std::shared_ptr<const IntentPayload>,
               kRemembered>
      recent_;
};

}  // namespace logact
