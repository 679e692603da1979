// EXE-VISIBLE, EXE-COMMITTED, EXE-ONCE, EXE-FAITHFUL and RES-MATCH: whether
// the executor changed the environment only for committed live intents, once,
// exactly as decided, and reported each execution once.
//
// An effect seen before its intent's decision cannot be judged yet: if a
// commit follows, the effect was premature (EXE-VISIBLE); if an abort follows
// or nothing does, it should not have happened (EXE-COMMITTED). Such effects
// wait in the intent's state until its decision or the end of the trace.
#include "properties/checker_internal.h"
#include "properties/invariant_ids.h"

namespace logact::properties::internal {
namespace {

std::string IntentName(const IntentState& intent) { return "intent " + std::to_string(intent.pos); }

}  // namespace

void ExecutionInvariants::OnEffect(IntentState* intent, const traces::EffectView& effect,
                                   int64_t line, Reporter* reporter) {
  const Action& action = *intent->action;
  if (effect.action.tool != action.tool || effect.action.args != action.args) {
    reporter->Violate(kExeFaithful, {intent->line, line},
                      "effect " + effect.action.ToText() + " of " + IntentName(*intent) +
                          " differs from the intent's action " + action.ToText());
  }
  if (intent->effects > 0) {
    reporter->Violate(kExeOnce, {intent->first_effect_line, line},
                      IntentName(*intent) + " has effect number " +
                          std::to_string(intent->effects + 1) + "; at most one is allowed");
  } else if (intent->marker_line != 0 && intent->marker_line < line) {
    reporter->Violate(kExeOnce, {intent->marker_line, line},
                      IntentName(*intent) + " has an effect after a restart marker named it");
  }
  if (intent->effects++ == 0) intent->first_effect_line = line;

  if (intent->fenced) {
    reporter->Violate(kExeCommitted, {intent->line, line},
                      IntentName(*intent) + " is fenced but has an effect");
  } else if (intent->decision == Decision::kNone) {
    if (intent->undecided_effect_lines.empty()) with_undecided_effects_.push_back(intent->pos);
    intent->undecided_effect_lines.push_back(line);
  } else if (intent->decision == Decision::kAbort) {
    reporter->Violate(kExeCommitted, {intent->decision_line, line},
                      IntentName(*intent) + " was aborted but has an effect");
  }
  // A committed intent: the commit is already on the log before this effect.
}

void ExecutionInvariants::OnDecided(IntentState* intent, Reporter* reporter) {
  if (intent->undecided_effect_lines.empty()) return;
  for (const int64_t effect_line : intent->undecided_effect_lines) {
    if (intent->decision == Decision::kCommit) {
      reporter->Violate(
          kExeVisible, {intent->line, effect_line, intent->decision_line},
          "the effect of " + IntentName(*intent) + " at line " + std::to_string(effect_line) +
              " comes before " +
              (effect_line < intent->line ? "the intent and its commit" : "its commit"));
    } else {
      reporter->Violate(kExeCommitted, {effect_line, intent->decision_line},
                        IntentName(*intent) + " was aborted but has an effect (before the abort)");
    }
  }
  intent->undecided_effect_lines.clear();
  intent->undecided_effect_lines.shrink_to_fit();
}

void ExecutionInvariants::OnResult(IntentState* intent, const ResultPayload& result, int64_t line,
                                   Reporter* reporter) {
  if (result.restart) {
    if (intent->marker_line == 0) intent->marker_line = line;
    return;
  }
  if (intent->decision != Decision::kCommit) {
    reporter->Violate(kResMatch, {intent->line, intent->decision_line, line},
                      "a result names " + IntentName(*intent) + ", which is " +
                          (intent->decision == Decision::kAbort ? "aborted" : "not decided") +
                          " at that point");
  }
  if (intent->result_line != 0) {
    reporter->Violate(kResMatch, {intent->result_line, line},
                      IntentName(*intent) + " has a second result; at most one is allowed");
    return;
  }
  intent->result_line = line;
}

void ExecutionInvariants::Finish(LogState* log, Reporter* reporter) {
  for (const Position pos : with_undecided_effects_) {
    IntentState* intent = log->FindIntent(pos);
    if (intent == nullptr) continue;
    for (const int64_t effect_line : intent->undecided_effect_lines) {
      reporter->Violate(kExeCommitted, {intent->line, effect_line},
                        IntentName(*intent) + " has an effect but was never decided");
    }
    intent->undecided_effect_lines.clear();
  }
  with_undecided_effects_.clear();
}

}  // namespace logact::properties::internal
