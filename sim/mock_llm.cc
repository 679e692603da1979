#include "sim/mock_llm.h"

#include <exception>
#include <sstream>
#include <string_view>
#include <utility>

#include "core/assert.h"
#include "core/inference_format.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/safety_spec.h"

namespace logact::sim {
namespace {

// The driver's inf_in line prefixes (core/inference_format.h, Render*Line).
constexpr std::string_view kResultPrefix = "result of intent ";
constexpr std::string_view kRestartPrefix = "executor restarted; intent ";
constexpr std::string_view kAbortPrefix = "intent ";
constexpr std::string_view kAbortInfix = " was aborted: ";

// What a prose refusal looks like: outside the reply protocol, so the driver
// answers "error:" and asks again.
constexpr std::string_view kRefusalText = "I'm sorry, but I can't help with that request.";
// Appended to a plan tool's name to make a tool the environment does not have.
constexpr std::string_view kHallucinatedSuffix = "_pro";
// How far from the end of a request the last scanned message is looked for.
// A driver adds two turns per inference (its reply and the new input), more
// after malformed replies; 16 leaves a wide margin.
constexpr size_t kAnchorSearch = 16;

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Finds the action a voter request asks about: the first JSON object in
// `text` that opens with "args" or "tool" (Action::ToText() writes sorted
// keys, so it opens with "args"). Parsing stops at the end of the object.
std::optional<Action> FindAction(std::string_view text) {
  for (std::string_view opening : {std::string_view("{\"args\""), std::string_view("{\"tool\"")}) {
    const size_t start = text.find(opening);
    if (start == std::string_view::npos) continue;
    try {
      std::istringstream in{std::string(text.substr(start))};
      Json json;
      in >> json;  // non-strict: trailing text after the object is left unread
      if (!json.is_object() || !json.contains("tool") || !json["tool"].is_string()) continue;
      Action action;
      action.tool = json["tool"].get<std::string>();
      if (json.contains("args") && json["args"].is_object()) action.args = json["args"];
      return action;
    } catch (const std::exception&) {
      continue;  // not JSON after all: try the other opening
    }
  }
  return std::nullopt;
}

Rng StreamRng(const SeedStreams& streams, std::string_view name) { return streams.Stream(name); }

// A result line's verdict and output: "result of intent <p>: ok: <output>"
// or "...: error: <output>" (core/inference_format.h RenderResultLine).
struct ResultLine {
  bool ok = false;
  std::string_view output;
};
std::optional<ResultLine> ParseResultLine(std::string_view line) {
  const size_t colon = line.find(": ", kResultPrefix.size());
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view rest = line.substr(colon + 2);
  constexpr std::string_view kOk = "ok: ";
  constexpr std::string_view kError = "error: ";
  if (StartsWith(rest, kOk)) return ResultLine{true, rest.substr(kOk.size())};
  if (StartsWith(rest, kError)) return ResultLine{false, rest.substr(kError.size())};
  return std::nullopt;
}

}  // namespace

MockLlm::MockLlm(const models::Scenario* scenario, const SeedStreams& streams,
                 MockLlmOptions options)
    : scenario_(scenario),
      options_(std::move(options)),
      attack_rate_(options_.attack_rate.value_or(scenario->attack_rate)),
      latency_rng_(StreamRng(streams, "llm.latency")),
      attack_rng_(StreamRng(streams, "llm.attack")),
      malformed_rng_(StreamRng(streams, "llm.malformed")),
      hallucinated_rng_(StreamRng(streams, "llm.hallucinated_tool")),
      refusal_rng_(StreamRng(streams, "llm.refusal")),
      failure_rng_(StreamRng(streams, "llm.failure")),
      voter_error_rng_(StreamRng(streams, "llm.voter_error")) {
  LOGACT_ASSERT(scenario_ != nullptr);
  LOGACT_ASSERT_GE(options_.latency_ms_min, 0);
  LOGACT_ASSERT_LE(options_.latency_ms_min, options_.latency_ms_max);
  if (options_.taint_markers.empty() && !scenario_->injection_marker.empty()) {
    options_.taint_markers.push_back(scenario_->injection_marker);
  }
  // The texts of the plan's replies and the verdicts on the scenario's own
  // actions are computed once: they are what almost every call is about.
  for (const models::PlanStep& step : scenario_->plan) {
    plan_texts_.push_back(step.action ? FormatActionReply(*step.action)
                                      : FormatFinalReply(step.final_text));
    plan_tokens_.push_back(ApproximateTokens(plan_texts_.back()));
    if (step.action) {
      known_actions_.push_back(
          {step.action->ToText(), IsForbidden(scenario_->safety_spec, *step.action)});
    }
  }
  // Recovery probes, computed once per plan step from the environment model.
  if (scenario_->make_environment) probe_model_ = scenario_->make_environment();
  for (const models::PlanStep& step : scenario_->plan) {
    std::optional<Action> probe;
    if (step.action && probe_model_ != nullptr) probe = probe_model_->RecoveryProbe(*step.action);
    probe_texts_.push_back(probe ? FormatActionReply(*probe) : std::string());
  }
  for (const Action& action : scenario_->injected_actions) {
    known_actions_.push_back({action.ToText(), IsForbidden(scenario_->safety_spec, action)});
  }
  // Every LLM vote is one of six texts: computed once, not built per vote.
  constexpr std::string_view kReasons[] = {"no action found in the request",
                                           "the action is forbidden by the safety policy",
                                           "the action serves the user's task"};
  for (size_t verdict = 0; verdict < 3; ++verdict) {
    const bool approve = static_cast<VoterVerdict>(verdict) == VoterVerdict::kServes;
    const std::string reason(kReasons[verdict]);
    for (const bool misjudged : {false, true}) {
      VoterAnswer& answer = voter_answers_[verdict][misjudged ? 1 : 0];
      answer.text =
          misjudged ? VoterText(!approve, "misjudged: " + reason) : VoterText(approve, reason);
      answer.tokens = ApproximateTokens(answer.text);
    }
  }
}

Random* MockLlm::TEST_Stream(std::string_view name) {
  if (name == "llm.latency") return &latency_rng_;
  if (name == "llm.attack") return &attack_rng_;
  if (name == "llm.malformed") return &malformed_rng_;
  if (name == "llm.hallucinated_tool") return &hallucinated_rng_;
  if (name == "llm.refusal") return &refusal_rng_;
  if (name == "llm.failure") return &failure_rng_;
  if (name == "llm.voter_error") return &voter_error_rng_;
  return nullptr;
}

Result<LlmReply> MockLlm::Complete(const LlmRequest& request) {
  ++stats_.calls;
  const bool voter = StartsWith(request.caller, "voter/");
  if (voter) {
    ++stats_.voter_calls;
  } else {
    ++stats_.driver_calls;
  }
  if (failure_rng_.Chance(options_.failure_rate)) {
    ++stats_.failures;
    return UnavailableError("mock LLM: injected model failure");
  }
  LlmReply reply;
  reply.latency_ms =
      options_.latency_ms_min == options_.latency_ms_max
          ? options_.latency_ms_min
          : latency_rng_.UniformInRange(options_.latency_ms_min, options_.latency_ms_max);
  if (voter) {
    const VoterAnswer& answer = VoterReply(request);
    reply.text = answer.text;
    for (const LlmMessage& message : request.messages) {
      reply.prompt_tokens += message.tokens >= 0 ? message.tokens : ApproximateTokens(message.text);
    }
    reply.completion_tokens = answer.tokens;
  } else {
    ConversationState& state = Scan(request);
    reply.prompt_tokens = state.prompt_tokens;
    if (cassette_next_ < options_.cassette.size()) {
      reply.text = options_.cassette[cassette_next_++];
    } else {
      reply.text = DriverReply(state);
    }
    reply.completion_tokens = ReplyTokens(reply.text, state.plan_index);
  }
  stats_.prompt_tokens += reply.prompt_tokens;
  stats_.completion_tokens += reply.completion_tokens;
  return reply;
}

int64_t MockLlm::ReplyTokens(const std::string& text, size_t plan_index) const {
  if (!plan_texts_.empty()) {
    const size_t step = plan_index % plan_texts_.size();
    if (text == plan_texts_[step]) return plan_tokens_[step];
  }
  return ApproximateTokens(text);
}

std::string MockLlm::PlanReply(size_t plan_index) const {
  if (plan_texts_.empty()) return FormatFinalReply("There is nothing to do.");
  return plan_texts_[plan_index % plan_texts_.size()];
}

std::string MockLlm::DriverReply(ConversationState& state) {
  // A recovery decision counts once, whatever this reply turns out to be.
  if (state.decided == ConversationState::Decided::kReproposed) ++stats_.probe_reproposed;
  if (state.decided == ConversationState::Decided::kSkipped) ++stats_.probe_skipped;
  state.decided = ConversationState::Decided::kNone;
  const std::vector<Action>& injected = scenario_->injected_actions;
  if (state.last_user_tainted && scenario_->attack && !injected.empty() &&
      attack_rng_.Chance(attack_rate_)) {
    const size_t pick = injected.size() == 1 ? 0 : attack_rng_.Uniform(injected.size());
    ++stats_.injected_replies;
    return FormatActionReply(injected[pick]);
  }
  const bool probing = state.probing && state.plan_index < probe_texts_.size() &&
                       !probe_texts_[state.plan_index].empty();
  std::string proper = probing ? probe_texts_[state.plan_index] : PlanReply(state.plan_index);
  if (malformed_rng_.Chance(options_.malformed_rate)) {
    // A reply cut off mid-object: not JSON, so the driver complains with "error:".
    return proper.substr(0, proper.size() / 2);
  }
  if (refusal_rng_.Chance(options_.refusal_rate)) return std::string(kRefusalText);
  const std::vector<models::PlanStep>& plan = scenario_->plan;
  if (!probing && !plan.empty() && plan[state.plan_index % plan.size()].action &&
      hallucinated_rng_.Chance(options_.hallucinated_tool_rate)) {
    Action action = *plan[state.plan_index % plan.size()].action;
    action.tool += kHallucinatedSuffix;
    return FormatActionReply(action);
  }
  return proper;
}

std::string MockLlm::VoterText(bool approve, std::string_view reason) {
  // CompactJson of {"approve":..,"reason":..}, written directly: the reasons
  // are plain ASCII that needs no escaping.
  std::string text =
      approve ? "{\"approve\":true,\"reason\":\"" : "{\"approve\":false,\"reason\":\"";
  text += reason;
  text += "\"}";
  return text;
}

const MockLlm::VoterAnswer& MockLlm::VoterReply(const LlmRequest& request) {
  std::optional<bool> forbidden;
  for (auto it = request.messages.rbegin(); it != request.messages.rend() && !forbidden; ++it) {
    if (it->role == "user") forbidden = FindForbidden(it->text);
  }
  const VoterVerdict verdict = !forbidden   ? VoterVerdict::kNoAction
                               : *forbidden ? VoterVerdict::kForbidden
                                            : VoterVerdict::kServes;
  const bool misjudged = voter_error_rng_.Chance(options_.voter_error_rate);
  return voter_answers_[static_cast<size_t>(verdict)][misjudged ? 1 : 0];
}

std::optional<bool> MockLlm::FindForbidden(std::string_view text) const {
  // A known action's text is a complete JSON object, so a match at the
  // opening brace is the whole action, not a prefix of a longer one.
  const size_t start = text.find("{\"args\"");
  if (start != std::string_view::npos) {
    for (const KnownAction& known : known_actions_) {
      if (text.compare(start, known.text.size(), known.text) == 0) return known.forbidden;
    }
  }
  std::optional<Action> action = FindAction(text);
  if (!action) return std::nullopt;
  return IsForbidden(scenario_->safety_spec, *action);
}

MockLlm::ConversationState& MockLlm::Scan(const LlmRequest& request) {
  ConversationState& state = conversations_[request.caller];
  const std::deque<LlmMessage>& messages = request.messages;
  // The request continues the conversation scanned last time iff the message
  // that ended it is among its last kAnchorSearch messages: the driver adds a
  // few turns per call and drops the oldest ones once its context window is
  // full. Otherwise (another conversation) scan it from its start.
  size_t first_new = 0;
  bool continues = false;
  if (state.messages > 0) {
    const size_t lowest = messages.size() > kAnchorSearch ? messages.size() - kAnchorSearch : 0;
    for (size_t i = messages.size(); i-- > lowest;) {
      if (messages[i].role == state.last_role && messages[i].text == state.last_text) {
        first_new = i + 1;
        continues = true;
        break;
      }
    }
  }
  if (!continues) state = ConversationState{};
  for (size_t i = first_new; i < messages.size(); ++i) ScanMessage(messages[i], &state);
  // Turns that fell out of the window no longer count as prompt tokens.
  while (state.turn_tokens.size() > messages.size()) {
    state.prompt_tokens -= state.turn_tokens.front();
    state.turn_tokens.pop_front();
  }
  if (messages.size() > first_new) {
    state.last_role = messages.back().role;
    state.last_text = messages.back().text;
  }
  return state;
}

MockLlm::ConversationState MockLlm::ScanForTest(const std::vector<LlmMessage>& messages) const {
  ConversationState state;
  for (const LlmMessage& message : messages) ScanMessage(message, &state);
  if (!messages.empty()) {
    state.last_role = messages.back().role;
    state.last_text = messages.back().text;
  }
  return state;
}

void MockLlm::Resolve(bool advance, ConversationState* state) const {
  if (state->action_pending && state->pending_is_plan && advance && !scenario_->plan.empty()) {
    state->plan_index = (state->plan_index + 1) % scenario_->plan.size();
  }
  state->action_pending = false;
  state->pending_is_plan = false;
  state->pending_is_probe = false;
}

void MockLlm::ScanRestart(ConversationState* state) const {
  if (state->action_pending && state->pending_is_probe) {
    // The probe itself was interrupted: a read, so asking it again is
    // harmless. This does not count towards the bound: executor crashes end
    // with the safety phase, while giving up would re-propose a payment that
    // may well have happened (only the idempotency key would then stop it).
    Resolve(/*advance=*/false, state);
    return;
  }
  const bool plan_step = state->action_pending && state->pending_is_plan;
  Resolve(/*advance=*/false, state);
  if (plan_step && state->plan_index < probe_texts_.size() &&
      !probe_texts_[state->plan_index].empty()) {
    state->probing = true;
    state->probe_attempts = 0;
  }
}

void MockLlm::ProbeAgain(ConversationState* state) const {
  ++state->probe_attempts;
  if (state->probe_attempts < limits::kRecoveryProbeAttemptsMax) return;
  // No answer after the bound: re-propose (the idempotency key covers keyed tools).
  state->probing = false;
  state->decided = ConversationState::Decided::kReproposed;
}

void MockLlm::ScanProbeAnswer(std::string_view line, bool aborted, ConversationState* state) const {
  LOGACT_ASSERT(state->probing);
  Resolve(/*advance=*/false, state);
  std::optional<ResultLine> result = aborted ? std::nullopt : ParseResultLine(line);
  const models::PlanStep& step = scenario_->plan[state->plan_index];
  LOGACT_ASSERT(step.action.has_value());
  std::optional<bool> applied;
  if (result) {
    // Infrastructure failures ("tool unavailable: ...") are not JSON: no answer.
    const Json output = Json::parse(result->output.begin(), result->output.end(), nullptr,
                                    /*allow_exceptions=*/false);
    if (!output.is_discarded()) {
      applied = probe_model_->ProbeShowsApplied(*step.action, result->ok, output,
                                                state->applied[plan_texts_[state->plan_index]]);
    }
  }
  if (!applied) {
    ProbeAgain(state);
    return;
  }
  state->probing = false;
  if (*applied) {
    // Skipped: the step is done, exactly as if its result had arrived.
    ++state->applied[plan_texts_[state->plan_index]];
    state->plan_index = (state->plan_index + 1) % scenario_->plan.size();
    state->decided = ConversationState::Decided::kSkipped;
  } else {
    state->decided = ConversationState::Decided::kReproposed;
  }
}

void MockLlm::ScanAssistant(const std::string& text, ConversationState* state) const {
  const std::vector<models::PlanStep>& plan = scenario_->plan;
  if (plan.empty()) return;
  const models::PlanStep& step = plan[state->plan_index];
  state->pending_is_probe = false;
  if (state->probing && text == probe_texts_[state->plan_index]) {
    state->action_pending = true;
    state->pending_is_plan = false;
    state->pending_is_probe = true;
    return;
  }
  if (text == plan_texts_[state->plan_index]) {
    // The common case, without parsing: the reply was the plan step itself.
    if (step.action) {
      state->action_pending = true;
      state->pending_is_plan = true;
    } else {
      state->action_pending = false;
      state->pending_is_plan = false;
      state->plan_index = (state->plan_index + 1) % plan.size();
    }
    return;
  }
  Result<InferenceOutcome> outcome = ParseInferenceOutput(text);
  if (!outcome.has_value()) return;  // malformed: the state stays
  if (const Action* action = std::get_if<Action>(&*outcome)) {
    state->action_pending = true;
    state->pending_is_plan = step.action.has_value() && *step.action == *action;
    return;
  }
  // A final answer ends its plan step (and the task).
  state->action_pending = false;
  state->pending_is_plan = false;
  if (!step.action) state->plan_index = (state->plan_index + 1) % plan.size();
}

void MockLlm::ScanUser(const std::string& text, ConversationState* state) const {
  state->last_user_tainted = false;
  const std::string_view all(text);
  size_t start = 0;
  while (start <= all.size()) {
    size_t end = all.find('\n', start);
    if (end == std::string_view::npos) end = all.size();
    const std::string_view line = all.substr(start, end - start);
    if (StartsWith(line, kResultPrefix)) {
      if (state->action_pending && state->pending_is_probe) {
        ScanProbeAnswer(line, /*aborted=*/false, state);
      } else {
        if (state->action_pending && state->pending_is_plan) {
          std::optional<ResultLine> result = ParseResultLine(line);
          if (result && result->ok) ++state->applied[plan_texts_[state->plan_index]];
        }
        Resolve(/*advance=*/true, state);
      }
      // Tool output may span several lines: look for a marker from here on.
      for (const std::string& marker : options_.taint_markers) {
        if (all.find(marker, start) != std::string_view::npos) state->last_user_tainted = true;
      }
    } else if (StartsWith(line, kRestartPrefix)) {
      ScanRestart(state);
    } else if (StartsWith(line, kAbortPrefix) && line.find(kAbortInfix) != std::string_view::npos) {
      if (state->action_pending && state->pending_is_probe) {
        ScanProbeAnswer(line, /*aborted=*/true, state);
      } else {
        Resolve(/*advance=*/true, state);
      }
    }
    start = end + 1;
  }
}

void MockLlm::ScanMessage(const LlmMessage& message, ConversationState* state) const {
  ++state->messages;
  const bool assistant = message.role == "assistant";
  // The driver passes the count of its own inputs; most assistant turns are
  // the current plan step's reply, whose count is known.
  const int64_t tokens = message.tokens >= 0 ? message.tokens
                         : assistant         ? ReplyTokens(message.text, state->plan_index)
                                             : ApproximateTokens(message.text);
  state->prompt_tokens += tokens;
  state->turn_tokens.push_back(tokens);
  if (assistant) {
    ScanAssistant(message.text, state);
  } else if (message.role == "user") {
    ScanUser(message.text, state);
  }
}

}  // namespace logact::sim
