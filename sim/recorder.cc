#include "sim/recorder.h"

#include <algorithm>
#include <utility>

#include "core/assert.h"
#include "traces/trace_format.h"

namespace logact::sim {

void EmitRecord(const std::vector<traces::TraceSink*>& sinks, const traces::TraceRecord& record) {
  for (traces::TraceSink* sink : sinks) sink->OnRecord(record);
}

void EmitEntry(const std::vector<traces::TraceSink*>& sinks, const Entry& entry) {
  for (traces::TraceSink* sink : sinks) sink->OnEntry(entry);
}

void EmitEffect(const std::vector<traces::TraceSink*>& sinks, const traces::EffectView& effect) {
  for (traces::TraceSink* sink : sinks) sink->OnEffect(effect);
}

RecordingBus::RecordingBus(std::unique_ptr<AgentBus> inner, const Clock* clock,
                           std::vector<traces::TraceSink*> sinks,
                           const std::vector<Action>* injected)
    : inner_(std::move(inner)), clock_(clock), sinks_(std::move(sinks)), injected_(injected) {
  LOGACT_ASSERT(inner_ != nullptr);
  LOGACT_ASSERT(clock_ != nullptr);
  LOGACT_ASSERT(injected_ != nullptr);
}

Result<Position> RecordingBus::Append(Entry&& entry) {
  // Everything Tally needs is read before the entry is moved into the bus;
  // only the position is unknown until the append succeeds.
  const TallyInput input = TallyInputOf(entry);
  Result<Position> pos = inner_->Append(std::move(entry));
  // Entries that storage made visible without acknowledging them (an append
  // whose outcome was unknown) are recorded first, in position order.
  RecordVisibleUpTo(pos.has_value() ? *pos : inner_->Tail());
  if (!pos.has_value()) return pos;
  Tally(input, *pos);
  recorded_tail_ = *pos + 1;
  if (!sinks_.empty()) EmitStored(*pos);
  return pos;
}

void RecordingBus::EmitStored(Position pos) {
  // The sinks read the stored entry in place: copying every entry into a
  // record before the append was a large part of recording a run.
  // The bus stamped it with this clock during the append, and no time passes
  // between a successful append and its return.
  if (const std::span<const Entry> run = inner_->StoredRun(pos, pos + 1); !run.empty()) {
    const Entry& stored = run.front();
    LOGACT_ASSERT_EQ(stored.pos, pos);
    LOGACT_ASSERT_EQ(stored.ts, clock_->NowMs());
    EmitEntry(sinks_, stored);
    return;
  }
  // A backend without StoredRun: the same through ForEachEntry. The visitor
  // captures one pointer, so that std::function keeps it inline instead of
  // allocating on every append.
  struct Visit {
    const RecordingBus* bus;
    Position pos;
    bool visited;
  } visit{this, pos, false};
  Position played = pos;
  const Status status =
      inner_->ForEachEntry(&played, pos + 1, TypeFilter::All(), [v = &visit](const Entry& stored) {
        LOGACT_ASSERT_EQ(stored.pos, v->pos);
        LOGACT_ASSERT_EQ(stored.ts, v->bus->clock_->NowMs());
        v->visited = true;
        EmitEntry(v->bus->sinks_, stored);
      });
  LOGACT_ASSERT(status.ok());  // the position just appended is readable
  LOGACT_ASSERT(visit.visited);
}

void RecordingBus::RecordVisibleUpTo(Position end) {
  if (recorded_tail_ >= end) return;
  Result<std::vector<Entry>> hidden = inner_->Read(recorded_tail_, end, TypeFilter::All());
  LOGACT_ASSERT(hidden.has_value());  // positions below the tail are readable
  for (const Entry& found : *hidden) {
    Tally(TallyInputOf(found), found.pos);
    EmitEntry(sinks_, found);
  }
  recorded_tail_ = end;
}

bool RecordingBus::IsInjected(const Action& action) const {
  for (const Action& injected : *injected_) {
    if (injected == action) return true;
  }
  return false;
}

RecordingBus::TallyInput RecordingBus::TallyInputOf(const Entry& entry) const {
  TallyInput input;
  input.type = entry.type;
  switch (entry.type) {
    case EntryType::kIntent:
      input.injected = !injected_->empty() && IsInjected(entry.intent().action);
      break;
    case EntryType::kCommit:
    case EntryType::kAbort:
      input.intent = entry.decision().intent;
      input.timeout = entry.decision().timeout;
      break;
    case EntryType::kResult:
      input.intent = entry.result().intent;
      break;
    default:
      break;
  }
  return input;
}

std::vector<BusFacts::OpenIntent>::iterator RecordingBus::FindOpen(Position intent) {
  auto& open = facts_.open_intents;
  auto it =
      std::lower_bound(open.begin(), open.end(), intent,
                       [](const BusFacts::OpenIntent& a, Position p) { return a.intent < p; });
  return it != open.end() && it->intent == intent ? it : open.end();
}

void RecordingBus::Tally(const TallyInput& input, Position pos) {
  ++facts_.count_by_type[static_cast<int>(input.type)];
  auto& open = facts_.open_intents;
  switch (input.type) {
    case EntryType::kIntent:
      // Positions grow, so appending keeps the vector sorted.
      LOGACT_ASSERT(open.empty() || open.back().intent < pos);
      open.push_back(BusFacts::OpenIntent{pos, false, input.injected});
      if (input.injected) ++facts_.injected_intents;
      break;
    case EntryType::kCommit: {
      auto it = FindOpen(input.intent);
      if (it != open.end()) it->committed = true;
      break;
    }
    case EntryType::kAbort: {
      if (input.timeout) ++facts_.timeout_aborts;
      auto it = FindOpen(input.intent);
      // Only the first decision counts: an abort after a commit changes nothing.
      if (it != open.end() && !it->committed) {
        if (it->injected) ++facts_.injected_aborted;
        open.erase(it);
      }
      break;
    }
    case EntryType::kResult: {
      auto it = FindOpen(input.intent);
      if (it != open.end()) open.erase(it);
      break;
    }
    default:
      break;
  }
}

RecordingEnvironment::RecordingEnvironment(models::EnvironmentModel* model, const Clock* clock,
                                           std::string executor,
                                           std::vector<traces::TraceSink*> sinks,
                                           const SafetySpec* spec,
                                           const std::vector<Action>* injected)
    : model_(model),
      clock_(clock),
      executor_(std::move(executor)),
      sinks_(std::move(sinks)),
      spec_(spec),
      injected_(injected) {
  LOGACT_ASSERT(model_ != nullptr && clock_ != nullptr);
  LOGACT_ASSERT(spec_ != nullptr && injected_ != nullptr);
}

RecordingEnvironment::Verdict RecordingEnvironment::Judge(const Action& action) {
  // A run repeats a handful of actions (the plan's): remember their verdicts
  // instead of evaluating the spec on every call.
  for (const auto& [known, verdict] : verdicts_) {
    if (known == action) return verdict;
  }
  Verdict verdict;
  verdict.forbidden = IsForbidden(*spec_, action);
  for (const Action& injected : *injected_) {
    if (injected == action) verdict.injected = true;
  }
  if (verdicts_.size() < kVerdictsMax) verdicts_.emplace_back(action, verdict);
  return verdict;
}

Result<ToolOutcome> RecordingEnvironment::Execute(const ToolCall& call) {
  LOGACT_ASSERT(call.action != nullptr);
  Result<ToolOutcome> outcome = model_->Execute(call);
  // A model never fails (models/environment_model.h); a wrapper that injects
  // infrastructure faults would decide here whether the effect happened.
  if (!outcome.has_value()) return outcome;
  ++facts_.effects;
  const Verdict& verdict = Judge(*call.action);
  if (verdict.forbidden) ++facts_.forbidden_effects;
  if (verdict.injected) ++facts_.injected_effects;
  if (!sinks_.empty()) {
    // The sinks read the executor's action in place (TraceSink::OnEffect):
    // copying it and its arguments into an EffectRecord for every effect was
    // a visible part of recording a run. The key's JSON object is kept from
    // one effect to the next, its string assigned in place.
    const Json* extra = &no_extra_;
    if (!call.idempotency_key.empty()) {
      if (!idempotency_extra_.is_object()) {
        idempotency_extra_ = Json::object();
        idempotency_extra_[std::string(traces::kFieldIdempotencyKey)] = "";
      }
      idempotency_extra_.begin()->get_ref<std::string&>() = call.idempotency_key;
      extra = &idempotency_extra_;
    }
    EmitEffect(sinks_,
               traces::EffectView{clock_->NowMs(), call.intent, executor_, *call.action, *extra});
  }
  return outcome;
}

}  // namespace logact::sim
