// Llm: the model behind the driver and the LLM voters.
//
// A request is a conversation; a reply is the model's text plus token counts
// and the latency it took. The simulator's mock LLM (sim/mock_llm.h) fills in
// a seeded latency and the engine waits for it on its Clock, so a slow model
// advances virtual time instead of blocking the process; a real model in a
// deployment reports the latency it actually took. The engine never calls the
// Llm on replay: the logged inf_out is the model's answer (SPEC §2).
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "core/status.h"

namespace logact {

struct LlmMessage {
  std::string role;  // "system", "user" (mail, tool results), "assistant" (earlier replies)
  std::string text;
  // ApproximateTokens(text) (core/inference_format.h) when >= 0, so that a
  // model counting the prompt that way need not count it again; -1: not
  // known. Optional: a producer sets it only to the exact count, and the
  // message is the same without it (operator== ignores it).
  int64_t tokens = -1;
  friend bool operator==(const LlmMessage& a, const LlmMessage& b) {
    return a.role == b.role && a.text == b.text;
  }
};

struct LlmRequest {
  // Who asks: "driver/<name>" or "voter/<name>". Lets one mock serve both roles.
  std::string caller;
  // Oldest first. A deque so that a caller keeping a bounded window (the
  // driver) drops its oldest turn and adds a new one without moving the rest.
  std::deque<LlmMessage> messages;
};

struct LlmReply {
  std::string text;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t latency_ms = 0;  // >= 0; the caller's clock time that the answer took
};

class Llm {
 public:
  virtual ~Llm() = default;
  // Errors: kUnavailable (the model failed or timed out; callers treat it as
  // a failed inference: the driver retries, an LLM voter denies).
  virtual Result<LlmReply> Complete(const LlmRequest& request) = 0;
};

}  // namespace logact
