// REF-INTENT: every vote, decision, result and effect names an intent at a
// smaller position (a restart marker naming -1 excepted). A record with a bad
// reference is reported here once and not attributed to any intent, so that
// it cannot cascade into other invariants.
#include "properties/checker_internal.h"
#include "properties/invariant_ids.h"

namespace logact::properties::internal {

IntentState* ReferenceInvariants::Resolve(const Entry& entry, Position named, int64_t line,
                                          LogState* log, Reporter* reporter) {
  IntentState* intent = named < entry.pos ? log->FindIntent(named) : nullptr;
  if (intent != nullptr) return intent;
  // The message is built only on the rare failure path: this runs for every vote.
  reporter->Violate(kRefIntent, {line},
                    std::string(EntryTypeName(entry.type)) + " at pos " +
                        std::to_string(entry.pos) + " names intent " + std::to_string(named) +
                        (named >= entry.pos ? ", which is not at a smaller position"
                                            : ", but no intent entry has that position"));
  return nullptr;
}

IntentState* ReferenceInvariants::ResolveEffect(const traces::EffectView& effect, int64_t line,
                                                LogState* log, Reporter* reporter) {
  if (effect.intent >= log->tail) {
    // Not on the log yet: an intent appended later makes this an effect
    // before its intent (EXE-VISIBLE); anything else is a bad reference.
    waiting_[effect.intent].push_back(WaitingEffect{traces::RecordOf(effect), line});
    return nullptr;
  }
  IntentState* intent = log->FindIntent(effect.intent);
  if (intent == nullptr) {
    reporter->Violate(kRefIntent, {line},
                      "effect of tool '" + effect.action.tool + "' names intent " +
                          std::to_string(effect.intent) +
                          ", but no intent entry has that position");
  }
  return intent;
}

std::vector<ReferenceInvariants::WaitingEffect> ReferenceInvariants::TakeWaiting(
    const Entry& entry, int64_t line, Reporter* reporter) {
  std::vector<WaitingEffect> taken;
  // Positions skipped by a gap can no longer appear: report those first.
  while (!waiting_.empty() && waiting_.begin()->first <= entry.pos) {
    auto node = waiting_.extract(waiting_.begin());
    if (node.key() == entry.pos && entry.type == EntryType::kIntent) {
      taken = std::move(node.mapped());
      continue;
    }
    for (const WaitingEffect& waiting : node.mapped()) {
      const bool filled = node.key() == entry.pos;
      reporter->Violate(
          kRefIntent,
          filled ? std::vector<int64_t>{waiting.line, line} : std::vector<int64_t>{waiting.line},
          "effect of tool '" + waiting.effect.action.tool + "' names intent " +
              std::to_string(node.key()) +
              (filled ? ", but the entry at that position is a " +
                            std::string(EntryTypeName(entry.type))
                      : ", but no intent entry has that position"));
    }
  }
  return taken;
}

void ReferenceInvariants::Finish(Reporter* reporter) {
  for (const auto& [pos, effects] : waiting_) {
    for (const WaitingEffect& waiting : effects) {
      reporter->Violate(kRefIntent, {waiting.line},
                        "effect of tool '" + waiting.effect.action.tool + "' names intent " +
                            std::to_string(pos) + ", but the log never reaches that position");
    }
  }
  waiting_.clear();
}

}  // namespace logact::properties::internal
