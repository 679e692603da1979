// DRV-SERIAL: at most one live intent in flight. An intent is in flight from
// its append until a result names it (a restart marker counts) or its decision
// is an abort. Fenced intents are void and never in flight. Since intents
// stay live across an election (fencing depends only on position), a newly
// elected driver must also wait for its predecessor's last live intent.
#include "properties/checker_internal.h"
#include "properties/invariant_ids.h"

namespace logact::properties::internal {

void DriverInvariants::OnIntent(const IntentState& intent, Reporter* reporter) {
  if (!outstanding_.empty()) {
    const auto& [pending_pos, pending_line] = *outstanding_.begin();
    reporter->Violate(kDrvSerial, {pending_line, intent.line},
                      "intent " + std::to_string(intent.pos) + " was appended while intent " +
                          std::to_string(pending_pos) + " had neither a result nor an abort");
  }
  outstanding_.emplace(intent.pos, intent.line);
}

void DriverInvariants::OnResolved(const IntentState& intent) { outstanding_.erase(intent.pos); }

}  // namespace logact::properties::internal
