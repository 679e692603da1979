#include "sim/fault_injector.h"

#include <utility>

#include "core/assert.h"
#include "core/inference_format.h"
#include "sim/recorder.h"

namespace logact::sim {

FaultInjector::FaultInjector(const FaultPlan& plan, const SeedStreams& streams, const Clock* clock,
                             std::vector<traces::TraceSink*> sinks)
    : plan_(plan), clock_(clock), sinks_(std::move(sinks)) {
  LOGACT_ASSERT(clock_ != nullptr);
  streams_.reserve(kFaultKindCount);
  for (size_t i = 0; i < kFaultKindCount; ++i) {
    streams_.push_back(streams.Stream(FaultStreamName(static_cast<FaultKind>(i))));
  }
}

bool FaultInjector::Active() const { return clock_->NowMs() < plan_.safety_phase_ms; }

bool FaultInjector::Fires(FaultKind kind) {
  const Ratio rate = plan_.rate(kind);
  if (rate.IsZero() || !Active()) return false;
  return streams_[static_cast<size_t>(kind)].Chance(rate);
}

int64_t FaultInjector::Draw(FaultKind kind, int64_t low, int64_t high) {
  LOGACT_ASSERT_LE(low, high);
  return streams_[static_cast<size_t>(kind)].UniformInRange(low, high);
}

void FaultInjector::Record(FaultKind kind, const std::string& target, Json extra) {
  ++injected_[std::string(FaultKindName(kind))];
  last_fault_ms_ = clock_->NowMs();
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
  const Json intent = Json{{"intent", call.intent}, {"tool", call.action->tool}};
  if (injector_->Fires(FaultKind::kToolFail)) {
    injector_->Record(FaultKind::kToolFail, executor_, intent);
    return UnavailableError("tool infrastructure failed before the call");
  }
  Result<ToolOutcome> outcome = inner_->Execute(call);
  if (!outcome.has_value()) return outcome;
  if (injector_->Fires(FaultKind::kToolTimeout)) {
    injector_->Record(FaultKind::kToolTimeout, executor_, intent);
    return UnavailableError("tool call timed out; its effect is unknown");
  }
  if (injector_->Fires(FaultKind::kToolSlow)) {
    const int64_t extra_ms = injector_->Draw(FaultKind::kToolSlow, 1, kToolSlowMsMax);
    Json details = intent;
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
  if (!injector_->Fires(FaultKind::kToolRetry)) return outcome;
  injector_->Record(FaultKind::kToolRetry, executor_,
                    Json{{"intent", call.intent}, {"tool", call.action->tool}});
  Result<ToolOutcome> again = inner_->Execute(call);
  // The retry's answer is what the infrastructure hands back.
  return again.has_value() ? again : outcome;
}

Result<LlmReply> FaultyLlm::Complete(const LlmRequest& request) {
  if (injector_->Fires(FaultKind::kLlmFailure)) {
    injector_->Record(FaultKind::kLlmFailure, request.caller);
    return UnavailableError("model unavailable");
  }
  Result<LlmReply> reply = inner_->Complete(request);
  if (!reply.has_value()) return reply;
  // Content faults apply to the driver's replies: a voter's malformed answer is the failure above.
  if (request.caller.rfind("driver/", 0) == 0) {
    if (injector_->Fires(FaultKind::kLlmMalformed)) {
      injector_->Record(FaultKind::kLlmMalformed, request.caller);
      reply->text = "{\"action\": {\"tool\": ";  // cut off mid-object
    } else if (injector_->Fires(FaultKind::kLlmRefusal)) {
      injector_->Record(FaultKind::kLlmRefusal, request.caller);
      reply->text = "I'm sorry, but I can't help with that request.";
    } else if (injector_->Fires(FaultKind::kLlmHallucinated)) {
      injector_->Record(FaultKind::kLlmHallucinated, request.caller);
      Action action;
      action.tool = "hallucinated_tool";
      action.args = Json::object();
      reply->text = FormatActionReply(action);
    }
  }
  if (!injector_->Fires(FaultKind::kLlmLatency)) return reply;
  const int64_t extra_ms = injector_->Draw(FaultKind::kLlmLatency, 1, kLlmSlowMsMax);
  injector_->Record(FaultKind::kLlmLatency, request.caller, Json{{"extra_ms", extra_ms}});
  reply->latency_ms += extra_ms;
  return reply;
}

CrashPointBus::CrashPointBus(AgentBus* inner, FaultInjector* injector, std::string principal)
    : inner_(inner), injector_(injector), principal_(std::move(principal)) {
  LOGACT_ASSERT(inner_ != nullptr);
  LOGACT_ASSERT(injector_ != nullptr);
}

Result<Position> CrashPointBus::Append(Entry entry) {
  // A dead process appends nothing more.
  if (crashed_) return UnavailableError(principal_ + " has crashed");
  if (!injector_->Fires(FaultKind::kCrashMidStep)) return inner_->Append(std::move(entry));
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
