#include "sim/fault_injector.h"

#include <algorithm>
#include <utility>

#include "core/assert.h"
#include "core/inference_format.h"
#include "core/limits.h"
#include "sim/recorder.h"

namespace logact::sim {

FaultInjector::FaultInjector(const FaultPlan& plan, const SeedStreams& streams, const Clock* clock,
                             std::vector<traces::TraceSink*> sinks, const FaultSchedule* schedule,
                             bool record_choices)
    : plan_(plan),
      clock_(clock),
      sinks_(std::move(sinks)),
      pending_(kFaultKindCount),
      replay_(schedule != nullptr),
      pending_replay_draws_(kFaultKindCount, nullptr) {
  LOGACT_ASSERT(clock_ != nullptr);
  streams_.reserve(kFaultKindCount);
  for (size_t i = 0; i < kFaultKindCount; ++i) {
    streams_.push_back(streams.Stream(FaultStreamName(static_cast<FaultKind>(i))));
  }
  if (record_choices) recorded_.choices.emplace();
  if (schedule == nullptr) return;
  for (const ScheduledFault& fault : schedule->faults) {
    if (!fault.Schedulable()) continue;  // nothing can ask for it
    replay_draws_[{static_cast<int>(fault.kind), fault.site, fault.opportunity}] = fault.draws;
  }
  if (!schedule->choices) return;
  replay_choices_ = true;
  for (const SchedulingChoice& choice : *schedule->choices) {
    replay_picks_[choice.point] = choice.pick;
  }
}

bool FaultInjector::Active() const { return clock_->NowMs() < plan_.safety_phase_ms; }

bool FaultInjector::Fires(FaultKind kind, std::string_view site) {
  const Ratio rate = plan_.rate(kind);
  if (rate.IsZero() || !Active()) return false;
  return Opportunity(kind, site, std::nullopt);
}

bool FaultInjector::Opportunity(FaultKind kind, std::string_view site, std::optional<bool> drawn) {
  const size_t index = static_cast<size_t>(kind);
  const std::pair<int, std::string> key(static_cast<int>(kind), site);
  auto counter = opportunities_.find(key);
  if (counter == opportunities_.end()) counter = opportunities_.emplace(key, 0).first;
  const int64_t opportunity = counter->second++;
  bool fires = false;
  pending_replay_draws_[index] = nullptr;
  if (replay_) {
    const auto found = replay_draws_.find({static_cast<int>(kind), key.second, opportunity});
    fires = found != replay_draws_.end();
    if (fires) pending_replay_draws_[index] = &found->second;
  } else {
    fires = drawn.has_value() ? *drawn : streams_[index].Chance(plan_.rate(kind));
  }
  // A storage kind can fire and be outranked by another kind at the same
  // write (never recorded): its pending entry must not reach a later Record.
  pending_[index].reset();
  if (fires) {
    pending_[index] = ScheduledFault{};
    pending_[index]->kind = kind;
    pending_[index]->site = key.second;
    pending_[index]->opportunity = opportunity;
  }
  return fires;
}

int64_t FaultInjector::Draw(FaultKind kind, int64_t low, int64_t high) {
  LOGACT_ASSERT_LE(low, high);
  const size_t index = static_cast<size_t>(kind);
  const std::vector<int64_t>* scheduled = pending_replay_draws_[index];
  const bool from_schedule =
      pending_[index] && scheduled != nullptr && pending_[index]->draws.size() < scheduled->size();
  // In replay the stream is not consulted for a scheduled fault's magnitude.
  const int64_t drawn = from_schedule ? low : streams_[index].UniformInRange(low, high);
  return Magnitude(kind, drawn, low, high);
}

int64_t FaultInjector::Magnitude(FaultKind kind, int64_t drawn, int64_t low, int64_t high) {
  LOGACT_ASSERT_LE(low, high);
  const size_t index = static_cast<size_t>(kind);
  std::optional<ScheduledFault>& pending = pending_[index];
  const std::vector<int64_t>* scheduled = pending_replay_draws_[index];
  int64_t value = drawn;
  if (pending && scheduled != nullptr && pending->draws.size() < scheduled->size()) {
    // A variant of the run may offer fewer candidates: stay within the asked range.
    value = std::clamp((*scheduled)[pending->draws.size()], low, high);
  }
  if (pending) pending->draws.push_back(value);
  return value;
}

bool FaultInjector::DecideStorageFault(std::string_view kind, std::string_view site, bool drawn) {
  Result<FaultKind> parsed = FaultKindFromName(kind);
  LOGACT_ASSERT(parsed.has_value());
  LOGACT_ASSERT(IsStorageFault(*parsed));
  return Opportunity(*parsed, site, drawn);
}

int64_t FaultInjector::StorageMagnitude(std::string_view kind, int64_t drawn, int64_t low,
                                        int64_t high) {
  Result<FaultKind> parsed = FaultKindFromName(kind);
  LOGACT_ASSERT(parsed.has_value());
  return Magnitude(*parsed, drawn, low, high);
}

size_t FaultInjector::ChooseSlow(size_t drawn, size_t ready) {
  LOGACT_ASSERT_GE(ready, size_t{2});
  LOGACT_ASSERT_LT(drawn, ready);
  const int64_t point = choice_points_++;
  size_t pick = drawn;
  if (replay_choices_) {
    const auto found = replay_picks_.find(point);
    pick = found == replay_picks_.end() ? 0
                                        : static_cast<size_t>(std::min<int64_t>(
                                              found->second, static_cast<int64_t>(ready) - 1));
  }
  if (pick == 0 || !recorded_.choices) return pick;
  if (recorded_.choices->size() >= limits::kFaultScheduleFaultsMax) {
    recorded_.choices.reset();  // too many to replay one by one (see recorded())
    return pick;
  }
  SchedulingChoice choice;
  choice.point = point;
  choice.pick = static_cast<int64_t>(pick);
  choice.ts = clock_->NowMs();
  recorded_.choices->push_back(std::move(choice));
  return pick;
}

void FaultInjector::NameRecordedChoice(const std::string& principal) {
  if (!recorded_.choices || recorded_.choices->empty()) return;
  if (recorded_.choices->back().point != choice_points_ - 1) return;  // a default pick
  recorded_.choices->back().target = principal;
}

void FaultInjector::Record(FaultKind kind, const std::string& target, Json extra) {
  ++injected_[std::string(FaultKindName(kind))];
  last_fault_ms_ = clock_->NowMs();
  // A fault drawn by Fires is schedulable; one recorded without (storage) is not.
  const size_t index = static_cast<size_t>(kind);
  ScheduledFault fault;
  if (pending_[index]) {
    fault = *std::move(pending_[index]);
    pending_[index].reset();
  } else {
    fault.kind = kind;
    fault.opportunity = kUnscheduled;
  }
  pending_replay_draws_[index] = nullptr;
  fault.ts = clock_->NowMs();
  fault.target = target;
  recorded_.faults.push_back(std::move(fault));
  if (sinks_.empty()) return;
  traces::FaultRecord record;
  record.ts = clock_->NowMs();
  record.fault = std::string(FaultKindName(kind));
  record.target = target;
  record.extra = std::move(extra);
  EmitRecord(sinks_, traces::TraceRecord(std::move(record)));
}

FaultyEnvironment::FaultyEnvironment(ToolEnvironment* inner, FaultInjector* injector,
                                     std::string executor)
    : inner_(inner), injector_(injector), executor_(std::move(executor)) {
  LOGACT_ASSERT(inner_ != nullptr);
  LOGACT_ASSERT(injector_ != nullptr);
}

Result<ToolOutcome> FaultyEnvironment::Execute(const ToolCall& call) {
  LOGACT_ASSERT(call.action != nullptr);
  // The fault details, built only when a fault fires (most calls see none).
  auto intent = [&call] { return Json{{"intent", call.intent}, {"tool", call.action->tool}}; };
  if (injector_->Fires(FaultKind::kToolFail, executor_)) {
    injector_->Record(FaultKind::kToolFail, executor_, intent());
    return UnavailableError("tool infrastructure failed before the call");
  }
  Result<ToolOutcome> outcome = inner_->Execute(call);
  if (!outcome.has_value()) return outcome;
  if (injector_->Fires(FaultKind::kToolTimeout, executor_)) {
    injector_->Record(FaultKind::kToolTimeout, executor_, intent());
    return UnavailableError("tool call timed out; its effect is unknown");
  }
  if (injector_->Fires(FaultKind::kToolSlow, executor_)) {
    const int64_t extra_ms = injector_->Draw(FaultKind::kToolSlow, 1, kToolSlowMsMax);
    Json details = intent();
    details["extra_ms"] = extra_ms;
    injector_->Record(FaultKind::kToolSlow, executor_, std::move(details));
    outcome->duration_ms += extra_ms;
  }
  return outcome;
}

RetryingModel::RetryingModel(models::EnvironmentModel* inner, FaultInjector* injector,
                             std::string executor)
    : inner_(inner), injector_(injector), executor_(std::move(executor)) {
  LOGACT_ASSERT(inner_ != nullptr);
  LOGACT_ASSERT(injector_ != nullptr);
}

Result<ToolOutcome> RetryingModel::Execute(const ToolCall& call) {
  LOGACT_ASSERT(call.action != nullptr);
  Result<ToolOutcome> outcome = inner_->Execute(call);
  if (!outcome.has_value() || call.idempotency_key.empty()) return outcome;
  const auto schema = inner_->schemas().find(call.action->tool);
  // Only keyed calls to idempotent tools are retried: re-sending any other
  // call is a second action, which the engine never asks for.
  if (schema == inner_->schemas().end() || !schema->second.idempotent) return outcome;
  if (!injector_->Fires(FaultKind::kToolRetry, executor_)) return outcome;
  injector_->Record(FaultKind::kToolRetry, executor_,
                    Json{{"intent", call.intent}, {"tool", call.action->tool}});
  Result<ToolOutcome> again = inner_->Execute(call);
  // The retry's answer is what the infrastructure hands back.
  return again.has_value() ? again : outcome;
}

Result<LlmReply> FaultyLlm::Complete(const LlmRequest& request) {
  if (injector_->Fires(FaultKind::kLlmFailure, request.caller)) {
    injector_->Record(FaultKind::kLlmFailure, request.caller);
    return UnavailableError("model unavailable");
  }
  Result<LlmReply> reply = inner_->Complete(request);
  if (!reply.has_value()) return reply;
  // Content faults apply to the driver's replies: a voter's malformed answer is the failure above.
  if (request.caller.rfind("driver/", 0) == 0) {
    if (injector_->Fires(FaultKind::kLlmMalformed, request.caller)) {
      injector_->Record(FaultKind::kLlmMalformed, request.caller);
      reply->text = "{\"action\": {\"tool\": ";  // cut off mid-object
    } else if (injector_->Fires(FaultKind::kLlmRefusal, request.caller)) {
      injector_->Record(FaultKind::kLlmRefusal, request.caller);
      reply->text = "I'm sorry, but I can't help with that request.";
    } else if (injector_->Fires(FaultKind::kLlmHallucinated, request.caller)) {
      injector_->Record(FaultKind::kLlmHallucinated, request.caller);
      Action action;
      action.tool = "hallucinated_tool";
      action.args = Json::object();
      reply->text = FormatActionReply(action);
    }
  }
  if (!injector_->Fires(FaultKind::kLlmLatency, request.caller)) return reply;
  const int64_t extra_ms = injector_->Draw(FaultKind::kLlmLatency, 1, kLlmSlowMsMax);
  injector_->Record(FaultKind::kLlmLatency, request.caller, Json{{"extra_ms", extra_ms}});
  reply->latency_ms += extra_ms;
  return reply;
}

CrashPointBus::CrashPointBus(AgentBus* inner, FaultInjector* injector, std::string principal,
                             const MemoryBus* storage)
    : inner_(inner), storage_(storage), injector_(injector), principal_(std::move(principal)) {
  LOGACT_ASSERT(inner_ != nullptr);
  LOGACT_ASSERT(injector_ != nullptr);
}

Result<Position> CrashPointBus::Append(Entry&& entry) {
  // A dead process appends nothing more.
  if (crashed_) return UnavailableError(principal_ + " has crashed");
  if (!injector_->Fires(FaultKind::kCrashMidStep, principal_)) {
    return inner_->Append(std::move(entry));
  }
  crashed_ = true;
  const bool after = injector_->Draw(FaultKind::kCrashMidStep, 0, 1) == 1;
  const std::string type(EntryTypeName(entry.type));
  injector_->Record(FaultKind::kCrashMidStep, principal_,
                    Json{{"when", after ? "after_append" : "before_append"}, {"type", type}});
  if (!after) return UnavailableError(principal_ + " crashed before its append");
  Result<Position> pos = inner_->Append(std::move(entry));
  if (!pos.has_value()) return pos;
  return UnknownOutcomeError(principal_ + " crashed after its append");
}

}  // namespace logact::sim
