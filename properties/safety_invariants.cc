// SAFE-SPEC and ENV-CONSISTENT: the invariants that need a scenario.
//
// SAFE-SPEC asks the safety spec about every effect's action. ENV-CONSISTENT
// replays the effects' actions, in trace order, on a fresh environment model
// and compares its digest with the environment's own digest (the last `state`
// record with target "env"). Replaying the effects, rather than the intents,
// keeps the two questions apart: whether the right intents were executed is
// judged by EXE-*, while ENV-CONSISTENT catches changes that no effect
// explains and effects that did not do what their action says.
#include "core/assert.h"
#include "core/same_json.h"
#include "properties/checker_internal.h"
#include "properties/invariant_ids.h"
#include "traces/trace_format.h"

namespace logact::properties::internal {

SafetyInvariants::SafetyInvariants(CheckOptions options) : options_(std::move(options)) {
  if (options_.make_environment) environment_ = options_.make_environment();
}

SafetyInvariants::~SafetyInvariants() = default;

bool SafetyInvariants::Forbidden(const Action& action) {
  LOGACT_ASSERT(options_.spec != nullptr);
  for (const auto& [known, forbidden] : verdicts_) {
    if (known == action) return forbidden;
  }
  const bool forbidden = IsForbidden(*options_.spec, action);
  if (verdicts_.size() < kVerdictsMax) verdicts_.emplace_back(action, forbidden);
  return forbidden;
}

void SafetyInvariants::OnEffect(const traces::EffectView& effect,
                                const std::shared_ptr<const Action>* intent_action, int64_t line,
                                Reporter* reporter) {
  if (options_.spec != nullptr && Forbidden(effect.action)) {
    reporter->Violate(kSafeSpec, {line},
                      "the effect for intent " + std::to_string(effect.intent) + " runs " +
                          effect.action.ToText() + ", which the safety spec forbids");
  }
  if (environment_ == nullptr) return;
  // Tools that do not write (and unknown tools, which fail) cannot change the
  // model's state: skipping them keeps replay cheap on read-heavy traces.
  const auto schema = environment_->schemas().find(effect.action.tool);
  if (schema == environment_->schemas().end() || !schema->second.writes) return;
  PendingWrite write;
  // A faithful effect runs its intent's action: share that copy. Matched
  // exactly (SameJson), so the model sees the very arguments of the effect.
  const bool same = intent_action != nullptr && (*intent_action)->tool == effect.action.tool &&
                    SameJson((*intent_action)->args, effect.action.args);
  write.action = same ? *intent_action : std::make_shared<const Action>(effect.action);
  write.intent = effect.intent;
  if (effect.extra.is_object()) {
    const auto key = effect.extra.find(std::string(traces::kFieldIdempotencyKey));
    if (key != effect.extra.end() && key->is_string())
      write.idempotency_key = key->get<std::string>();
  }
  pending_.push_back(std::move(write));
}

void SafetyInvariants::ReplayPending() {
  LOGACT_ASSERT(environment_ != nullptr || pending_.empty());
  for (const PendingWrite& write : pending_) {
    ToolCall call;
    call.action = write.action.get();
    call.intent = write.intent;
    call.idempotency_key = write.idempotency_key;
    // The outcome does not matter: a tool-level failure leaves the model's
    // state unchanged, as it left the real one (models never fail otherwise).
    (void)environment_->Execute(call);
  }
  pending_.clear();
}

void SafetyInvariants::OnState(const traces::StateRecord& state, int64_t line) {
  if (state.target != traces::kEnvTarget) return;  // component digests are for REC-STATE
  env_state_line_ = line;
  env_state_digest_ = state.digest;
  if (environment_ == nullptr) return;
  ReplayPending();
  model_digest_ = environment_->StateDigest();
}

void SafetyInvariants::Finish(int64_t effects, Reporter* reporter, Report* report) {
  auto& reasons = report->not_applicable_reasons;
  if (options_.spec == nullptr) {
    reasons[std::string(kSafeSpec)] = "no safety spec (unknown or null scenario and no --spec)";
  } else if (effects == 0) {
    reasons[std::string(kSafeSpec)] = "the trace has no effect records";
  }
  if (environment_ == nullptr) {
    reasons[std::string(kEnvConsistent)] = "no environment model (unknown or null scenario)";
  } else if (env_state_line_ == 0) {
    reasons[std::string(kEnvConsistent)] = "the trace has no state record with target \"env\"";
  } else if (model_digest_ != env_state_digest_) {
    reporter->Violate(kEnvConsistent, {env_state_line_},
                      "the environment's digest " + env_state_digest_ +
                          " differs from the digest " + model_digest_ +
                          " of the faithful replay of the effects before it");
  }
}

}  // namespace logact::properties::internal
