// Helpers shared by the component tests (driver, voter, decider, executor,
// engine): a scripted fake Llm, a recording fake ToolEnvironment, a bus
// wrapper that injects append failures, entry builders, and a round-robin
// runner that advances a ManualClock to the next timer when nobody has work.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/agent_bus.h"
#include "core/clock.h"
#include "core/component.h"
#include "core/environment.h"
#include "core/inference_format.h"
#include "core/llm.h"
#include "core/memory_bus.h"

namespace logact::testing {

// An Llm that answers from per-caller scripts, in order, and records every
// request. An exhausted script answers kUnavailable, so a test that expects
// no call notices one.
class ScriptedLlm : public Llm {
 public:
  void Push(const std::string& caller, std::string text, int64_t latency_ms = 0) {
    LlmReply reply;
    reply.text = std::move(text);
    reply.latency_ms = latency_ms;
    scripts_[caller].push_back(std::move(reply));
  }
  void PushError(const std::string& caller) {
    scripts_[caller].push_back(UnavailableError("scripted llm failure"));
  }
  Result<LlmReply> Complete(const LlmRequest& request) override {
    requests.push_back(request);
    auto it = scripts_.find(request.caller);
    if (it == scripts_.end() || it->second.empty()) {
      return UnavailableError("no scripted reply for " + request.caller);
    }
    Result<LlmReply> reply = std::move(it->second.front());
    it->second.pop_front();
    return reply;
  }
  size_t CallsBy(const std::string& caller) const {
    size_t n = 0;
    for (const LlmRequest& r : requests) n += r.caller == caller ? 1 : 0;
    return n;
  }
  std::vector<LlmRequest> requests;

 private:
  std::map<std::string, std::deque<Result<LlmReply>>> scripts_;
};

// A ToolEnvironment that records calls and answers "<tool> done" after
// `duration_ms`; tools listed in `unavailable` fail with kUnavailable.
class RecordingEnvironment : public ToolEnvironment {
 public:
  struct Call {
    Action action;
    Position intent = kNoPosition;
    std::string idempotency_key;
  };
  Result<ToolOutcome> Execute(const ToolCall& call) override {
    calls.push_back({*call.action, call.intent, call.idempotency_key});
    if (unavailable.count(call.action->tool) == 1) return UnavailableError("tool timed out");
    ToolOutcome outcome;
    outcome.ok = failing.count(call.action->tool) == 0;
    outcome.output = call.action->tool + (outcome.ok ? " done" : " failed");
    outcome.duration_ms = duration_ms;
    return outcome;
  }
  std::string StateDigest() const override { return std::to_string(calls.size()); }

  std::vector<Call> calls;
  std::set<std::string> unavailable;
  std::set<std::string> failing;
  int64_t duration_ms = 0;
};

// Wraps a bus; the scripted next appends fail in a chosen way.
class FlakyBus : public AgentBus {
 public:
  enum class Fault { kUnavailable, kUnknownLanded, kUnknownLost };
  explicit FlakyBus(AgentBus* inner) : inner_(inner) {}
  void FailNext(Fault fault) { faults_.push_back(fault); }
  // The next Append first appends `rival`: a race lost between replay and append.
  void InsertBeforeNext(Entry rival) { rivals_.push_back(std::move(rival)); }
  Result<Position> Append(Entry&& entry) override {
    while (!rivals_.empty()) {
      Result<Position> pos = inner_->Append(std::move(rivals_.front()));
      rivals_.pop_front();
      if (!pos.has_value()) return pos;
    }
    if (faults_.empty()) return inner_->Append(std::move(entry));
    const Fault fault = faults_.front();
    faults_.pop_front();
    if (fault == Fault::kUnavailable) return UnavailableError("injected: nothing appended");
    if (fault == Fault::kUnknownLost) return UnknownOutcomeError("injected: lost");
    Result<Position> pos = inner_->Append(std::move(entry));
    if (!pos.has_value()) return pos;
    return UnknownOutcomeError("injected: landed at " + std::to_string(*pos));
  }
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override {
    return inner_->Read(start, end, filter);
  }
  Position Tail() const override { return inner_->Tail(); }
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override {
    return inner_->Poll(start, filter, max);
  }

 private:
  AgentBus* inner_;
  std::deque<Fault> faults_;
  std::deque<Entry> rivals_;
};

// Entry builders (authors satisfy the bus's access control).
inline Position MustAppend(AgentBus& bus, Entry entry) {
  Result<Position> pos = bus.Append(std::move(entry));
  if (!pos.has_value()) throw std::runtime_error("append failed: " + pos.error().ToString());
  return *pos;
}
inline Position AppendMail(AgentBus& bus, const std::string& from, const std::string& body) {
  return MustAppend(bus, MakeMail("external/" + from, from, body));
}
inline Position AppendElect(AgentBus& bus, const std::string& driver, int64_t epoch) {
  return MustAppend(bus, MakeElect("driver/" + driver, driver, epoch));
}
inline Position AppendIntent(AgentBus& bus, const std::string& driver, int64_t epoch,
                             const std::string& tool, Json args = Json::object()) {
  return MustAppend(bus,
                    MakeIntent("driver/" + driver, Action{tool, std::move(args)}, driver, epoch));
}
inline Position AppendVote(AgentBus& bus, const std::string& voter, const std::string& type,
                           Position intent, bool approve, const std::string& reason = "r") {
  return MustAppend(bus,
                    MakeVote("voter/" + voter, VotePayload{intent, voter, type, approve, reason}));
}
inline Position AppendDecision(AgentBus& bus, Position intent, bool commit,
                               const std::string& decider = "d9") {
  return MustAppend(
      bus, MakeDecision(commit ? EntryType::kCommit : EntryType::kAbort, "decider/" + decider,
                        DecisionPayload{intent, "test", false}));
}
inline Position AppendResult(AgentBus& bus, Position intent, bool ok, const std::string& output,
                             bool restart = false) {
  return MustAppend(bus, MakeResult("executor/x9", ResultPayload{intent, ok, output, restart}));
}
inline Position AppendPolicy(AgentBus& bus, int64_t version, int64_t expected, Json decider,
                             Json voters = Json()) {
  return MustAppend(
      bus, MakePolicy("admin/root",
                      PolicyPayload{version, expected, std::move(decider), std::move(voters)}));
}

// All entries of the bus, in order.
inline std::vector<Entry> AllEntries(const AgentBus& bus) {
  Result<std::vector<Entry>> all = bus.Read(0, bus.Tail(), TypeFilter::All());
  if (!all.has_value()) throw std::runtime_error(all.error().ToString());
  return std::move(all).value();
}
inline std::vector<Entry> EntriesOfType(const AgentBus& bus, EntryType type) {
  std::vector<Entry> out;
  for (Entry& e : AllEntries(bus)) {
    if (e.type == type) out.push_back(std::move(e));
  }
  return out;
}

// Steps the components round-robin until none has work; then advances the
// clock to the earliest timer and goes on. Returns the steps taken. Throws on
// a step error or when `steps_max` is exceeded.
inline int RunUntilQuiet(const std::vector<Component*>& components, ManualClock& clock,
                         int steps_max = 10'000) {
  int steps = 0;
  while (true) {
    bool progressed = false;
    for (Component* c : components) {
      if (!c->HasWork()) continue;
      Status status = c->Step();
      if (!status.ok()) throw std::runtime_error(c->principal() + ": " + status.ToString());
      progressed = true;
      if (++steps > steps_max) throw std::runtime_error("RunUntilQuiet: too many steps");
    }
    if (progressed) continue;
    int64_t wake = kNeverMs;
    for (Component* c : components) {
      if (!c->Stopped()) wake = std::min(wake, c->NextWakeMs());
    }
    if (wake == kNeverMs || wake <= clock.NowMs()) return steps;
    clock.AdvanceTo(wake);
  }
}

}  // namespace logact::testing
