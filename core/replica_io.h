// The inputs of a crash-free reference replica: a component rebuilt only to
// replay a prefix of the log and report its state digest (REC-STATE, in the
// simulator, the trace checker and tests). A replica never acts: its bus view
// refuses appends and ends at a fixed position, and its LLM and tools refuse
// every call (a replaying driver uses the logged inf_out and never asks).
#pragma once

#include <string>
#include <vector>

#include "core/agent_bus.h"
#include "core/environment.h"
#include "core/llm.h"

namespace logact {

// The first `end` positions of `inner`, read-only. `inner` must outlive the
// view and hold at least `end` entries. Errors: Append is kUnavailable; Read
// past `end` is kInvalidArgument.
class PrefixBus final : public AgentBus {
 public:
  PrefixBus(const AgentBus* inner, Position end) : inner_(inner), end_(end) {}
  Result<Position> Append(Entry&& entry) override;
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override;
  Position Tail() const override { return end_; }
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override;
  // Forwarded: the view's end is at most inner's tail.
  std::span<const Entry> StoredRun(Position start, Position end) const override {
    return inner_->StoredRun(start, end);
  }

 private:
  const AgentBus* inner_;
  Position end_;
};

// An LLM that refuses every call with kUnavailable naming `who`.
class RefusingLlm final : public Llm {
 public:
  explicit RefusingLlm(std::string who = "reference replica") : who_(std::move(who)) {}
  Result<LlmReply> Complete(const LlmRequest& request) override;

 private:
  std::string who_;
};

// Tools that refuse every call with kUnavailable naming `who`; empty digest.
class RefusingEnvironment final : public ToolEnvironment {
 public:
  explicit RefusingEnvironment(std::string who = "reference replica") : who_(std::move(who)) {}
  Result<ToolOutcome> Execute(const ToolCall& call) override;
  std::string StateDigest() const override { return ""; }

 private:
  std::string who_;
};

}  // namespace logact
