// MockLlm: the simulator's deterministic model (SPEC §4).
//
// It plays both roles that talk to a model:
//  - the driver ("driver/<name>" callers): it follows the scenario's plan. The
//    next plan step is computed from the conversation alone: every result or
//    abort of a plan intent moves to the next step, a final answer moves past
//    its step, and the plan starts over after its last step (task repeats).
//    An "error:" input (the driver's complaint about a malformed reply) is
//    answered with the proper reply for the current step. Replies are
//    FormatActionReply / FormatFinalReply texts (core/inference_format.h).
//  - executor recovery (SPEC §2): a restart marker naming the plan step's
//    intent leaves its outcome unknown. If the environment model has a
//    recovery probe for the action (models/environment_model.h), the mock
//    proposes that read-only probe (an ordinary intent: voters, decider,
//    executor) and reads its result: if it shows the action applied, the
//    plan moves past the step (skipped, never run twice); if not, the step is
//    re-proposed as a new intent (whose idempotency key the executor carries
//    over, core/executor.h). A probe that fails, is aborted or gives no
//    answer is asked again, up to limits::kRecoveryProbeAttemptsMax such
//    probes, after which the step is re-proposed; a probe that is itself
//    interrupted by a restart is asked again without counting. An
//    interrupted read, or a write no read shows, is re-proposed directly.
//    To judge a probe the mock counts the ok results of each plan action it
//    has seen, so a payment repeated in a later round is not mistaken for the
//    interrupted one.
//  - LLM voters ("voter/<name>" callers): it answers
//    {"approve":bool,"reason":str}, approving iff the action in the request is
//    not forbidden by the scenario's safety spec (a good judge), unless the
//    seeded voter error rate makes it judge wrongly.
//
// Prompt injection (attack variants): the latest user input is *tainted* if
// contains, in or after a tool result line, one of MockLlmOptions::taint_markers
// (by default the scenario's injection_marker: models::kInjectionMarker,
// "<INFORMATION>", the tag that opens every injection text the models hide in
// file and transaction data; base scenarios have none). After a
// tainted input the mock proposes one of scenario.injected_actions instead of
// the plan step, with probability attack_rate; once that intent is aborted
// (or has a result) the plan continues where it was.
//
// Faults (all default off, each drawn from its own stream so that turning one
// on does not reshuffle the others): malformed output, hallucinated tool,
// refusal (a prose answer outside the protocol), and model failure
// (kUnavailable). A recorded cassette of inf_out texts, when given, is
// replayed in order for driver calls before the plan takes over.
//
// Latency is seeded (uniform in [latency_ms_min, latency_ms_max]); token
// counts are ApproximateTokens of the prompt and the reply (a message's
// LlmMessage::tokens when set, which is that count).
//
// The conversation state is remembered per caller: a request that continues
// the previous one (the same messages, possibly with the oldest ones dropped
// by the driver's context window, plus new ones) is scanned incrementally in
// O(new messages), so a long run stays linear; any other request is scanned
// from its start. For a conversation without dropped turns both give the
// same reply; with dropped turns, the remembered state is what keeps the
// plan position.
//
// Conversation parsing: user messages are split into lines and scanned for the
// driver's inf_in lines (core/inference_format.h: "result of intent <p>: ...",
// "executor restarted; intent <p> ...", "intent <p> was aborted: ...");
// assistant messages are parsed with ParseInferenceOutput.
//
// Determinism: replies are a function of the scenario, the conversation and
// the draws of the seeded streams. Thread-safety: none.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/llm.h"
#include "core/random.h"
#include "models/scenario.h"
#include "sim/rng.h"

namespace logact::sim {

struct MockLlmOptions {
  // Simulated model latency per call, in virtual ms, uniform in [min, max].
  // Default 200..1500 ms: the range of a hosted model's short completion.
  int64_t latency_ms_min = 200;
  int64_t latency_ms_max = 1500;
  // Chance that a driver reply is malformed JSON (the driver answers "error:").
  Ratio malformed_rate{0, 1};
  // Chance that a driver reply proposes a tool the environment does not have.
  Ratio hallucinated_tool_rate{0, 1};
  // Chance that a driver reply is a prose refusal outside the protocol.
  Ratio refusal_rate{0, 1};
  // Chance that a call fails with kUnavailable (driver retries, voter denies).
  Ratio failure_rate{0, 1};
  // Chance that an LLM voter's judgement is inverted (a bad judge).
  Ratio voter_error_rate{0, 1};
  // Overrides scenario.attack_rate when set (attack variants only).
  std::optional<Ratio> attack_rate;
  // Substrings that mark tool output as carrying a prompt injection.
  // Default (empty): the scenario's injection_marker, if any.
  std::vector<std::string> taint_markers;
  // Recorded inf_out texts replayed in order for driver calls; then the plan.
  std::vector<std::string> cassette;
};

// Counters for the simulation report.
struct MockLlmStats {
  int64_t calls = 0;
  int64_t driver_calls = 0;
  int64_t voter_calls = 0;
  int64_t failures = 0;          // kUnavailable returned
  int64_t injected_replies = 0;  // replies that proposed an injected action
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  // Executor recovery decisions after a probe (each counted once, when the
  // first reply after the probe's result is asked for).
  int64_t probe_reproposed = 0;  // the probe showed no effect: the step is proposed again
  int64_t probe_skipped = 0;     // the probe showed the effect: the step is not run again
};

class MockLlm final : public Llm {
 public:
  // REQUIRES: `scenario` outlives the mock; latency_ms_min <= latency_ms_max,
  // both >= 0 (asserted; SimOptions validation rejects bad input first).
  MockLlm(const models::Scenario* scenario, const SeedStreams& streams, MockLlmOptions options);

  // Never fails except by the injected failure fault (kUnavailable).
  Result<LlmReply> Complete(const LlmRequest& request) override;

  const MockLlmStats& stats() const { return stats_; }

  // The generator of stream `name` ("llm.latency", "llm.attack",
  // "llm.malformed", "llm.hallucinated_tool", "llm.refusal", "llm.failure",
  // "llm.voter_error"), or nullptr. Test hook for stream independence.
  Random* TEST_Stream(std::string_view name);

  // What the scan of a driver conversation concluded (exposed for tests).
  struct ConversationState {
    size_t messages = 0;              // messages scanned since the conversation began
    size_t plan_index = 0;            // the plan step to propose next
    int64_t prompt_tokens = 0;        // ApproximateTokens summed over the current window
    std::deque<int64_t> turn_tokens;  // tokens per message of the current window
    // The action of the last assistant reply still waiting for its
    // result/abort, and whether it was the plan step plan_index.
    bool action_pending = false;
    bool pending_is_plan = false;
    bool pending_is_probe = false;   // ... or the recovery probe
    bool last_user_tainted = false;  // the last user message carries an injection
    // Executor recovery: a restart marker left the plan step's outcome
    // unknown and the probe is (to be) asked; attempts so far.
    bool probing = false;
    int64_t probe_attempts = 0;
    // A recovery decision not yet counted in the stats.
    enum class Decided { kNone, kReproposed, kSkipped } decided = Decided::kNone;
    // Ok results (and probes that showed the effect) per plan action text.
    std::map<std::string, int64_t> applied;
    std::string last_role;  // the last message scanned, to recognise
    std::string last_text;  // the conversation in the next request
  };
  ConversationState ScanForTest(const std::vector<LlmMessage>& messages) const;

 private:
  void ScanMessage(const LlmMessage& message, ConversationState* state) const;
  void ScanAssistant(const std::string& text, ConversationState* state) const;
  void ScanUser(const std::string& text, ConversationState* state) const;
  // The pending action got its result or abort (advance) or a restart marker.
  void Resolve(bool advance, ConversationState* state) const;
  // A restart marker, and the result (ok/error line) or abort of a probe.
  void ScanRestart(ConversationState* state) const;
  void ScanProbeAnswer(std::string_view line, bool aborted, ConversationState* state) const;
  void ProbeAgain(ConversationState* state) const;
  ConversationState& Scan(const LlmRequest& request);
  std::string DriverReply(ConversationState& state);
  // A voter's answer: its text and ApproximateTokens of it.
  struct VoterAnswer {
    std::string text;
    int64_t tokens = 0;
  };
  enum class VoterVerdict { kNoAction = 0, kForbidden = 1, kServes = 2 };
  static std::string VoterText(bool approve, std::string_view reason);
  const VoterAnswer& VoterReply(const LlmRequest& request);
  std::string PlanReply(size_t plan_index) const;
  // ApproximateTokens(text), without counting when `text` is the reply of
  // plan step `plan_index` (counted once in the constructor).
  int64_t ReplyTokens(const std::string& text, size_t plan_index) const;
  // Whether the action in a voter request's text is forbidden; nullopt if
  // the text holds no action.
  std::optional<bool> FindForbidden(std::string_view text) const;

  const models::Scenario* scenario_;
  MockLlmOptions options_;
  Ratio attack_rate_;
  Rng latency_rng_;
  Rng attack_rng_;
  Rng malformed_rng_;
  Rng hallucinated_rng_;
  Rng refusal_rng_;
  Rng failure_rng_;
  Rng voter_error_rng_;
  size_t cassette_next_ = 0;
  std::vector<std::string> plan_texts_;  // the proper reply of each plan step
  std::vector<int64_t> plan_tokens_;     // ApproximateTokens of each of plan_texts_
  // The scenario's environment, asked only for recovery probes and their
  // verdicts (never executed), and the probe reply of each plan step (empty:
  // none, the step is re-proposed after a restart).
  std::unique_ptr<models::EnvironmentModel> probe_model_;
  std::vector<std::string> probe_texts_;
  // The plan's and the injections' actions as text, with the spec's verdict.
  struct KnownAction {
    std::string text;
    bool forbidden = false;
  };
  std::vector<KnownAction> known_actions_;
  // The voter's answers by verdict, then judged right [0] or wrong [1].
  std::array<std::array<VoterAnswer, 2>, 3> voter_answers_;
  // The last conversation scanned per caller (sorted map: no hashing).
  std::map<std::string, ConversationState> conversations_;
  MockLlmStats stats_;
};

}  // namespace logact::sim
