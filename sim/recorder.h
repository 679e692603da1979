// The simulator's recorders: wrappers that observe a run without changing it.
//
// RecordingBus wraps an AgentBus. Every successful append is reported to the
// trace sinks as an entry record (pos and ts as the bus stamped them), in
// append order, and is tallied into BusFacts (counts per type, undecided and
// unexecuted intents, injected intents). A rejected append is neither
// recorded nor counted: it left no entry. The sinks are handed the entry as
// the bus stores it (read back through ForEachEntry, which a memory backend
// serves by reference), not a copy taken before the append.
//
// RecordingEnvironment wraps the scenario's environment model. Every call
// that the model executed is reported as an effect record
// {ts, intent, executor, tool, args[, idempotency_key]} as soon as the model
// returns, that is before the executor appends the call's result, and is
// tallied (effects, forbidden effects, injected effects).
//
// Both cost nothing beyond the tallies when there are no sinks: records are
// only built when someone listens. Internal to sim/.
//
// Determinism: pure observers; they draw no randomness. Thread-safety: none.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/agent_bus.h"
#include "core/clock.h"
#include "core/safety_spec.h"
#include "models/environment_model.h"
#include "traces/trace_record.h"

namespace logact::sim {

// Feeds one record to every sink, in order.
void EmitRecord(const std::vector<traces::TraceSink*>& sinks, const traces::TraceRecord& record);
// Feeds one entry record to every sink, in order (TraceSink::OnEntry: no copy).
void EmitEntry(const std::vector<traces::TraceSink*>& sinks, const Entry& entry);
// Feeds one effect record to every sink, in order (TraceSink::OnEffect: no copy).
void EmitEffect(const std::vector<traces::TraceSink*>& sinks, const traces::EffectView& effect);

// What the appended entries say, kept up to date on every append.
struct BusFacts {
  int64_t count_by_type[kEntryTypeCount] = {};
  int64_t timeout_aborts = 0;
  int64_t injected_intents = 0;
  int64_t injected_aborted = 0;
  // Intents still waiting, in position order: committed=false means
  // undecided, true means committed and waiting for its result. Aborted and
  // executed intents leave, so the vector stays as small as the number of
  // intents in flight and, once warm, appending costs no allocation.
  struct OpenIntent {
    Position intent = kNoPosition;
    bool committed = false;
    bool injected = false;  // proposes one of scenario.injected_actions
  };
  std::vector<OpenIntent> open_intents;

  int64_t count(EntryType type) const { return count_by_type[static_cast<int>(type)]; }
};

class RecordingBus final : public AgentBus {
 public:
  // REQUIRES: inner and clock non-null; clock is the one `inner` stamps with;
  // `injected` (may be empty) outlives the bus.
  RecordingBus(std::unique_ptr<AgentBus> inner, const Clock* clock,
               std::vector<traces::TraceSink*> sinks, const std::vector<Action>* injected);

  using AgentBus::Append;  // the copying overload
  Result<Position> Append(Entry&& entry) override;
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override {
    return inner_->Read(start, end, filter);
  }
  Position Tail() const override { return inner_->Tail(); }
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override {
    return inner_->Poll(start, filter, max);
  }
  Status ForEachEntry(Position* played, Position end, TypeFilter filter,
                      const std::function<void(const Entry&)>& visit) const override {
    return inner_->ForEachEntry(played, end, filter, visit);
  }
  std::span<const Entry> StoredRun(Position start, Position end) const override {
    return inner_->StoredRun(start, end);
  }

  const BusFacts& facts() const { return facts_; }

  // Records (and tallies) the entries below `end` not recorded yet: those a
  // fault-injecting storage made visible after an append whose outcome was
  // unknown to its caller. Append calls it; the simulator calls it with
  // Tail() after syncing storage and at the end of a run.
  void RecordVisibleUpTo(Position end);

 private:
  // The parts of an entry that the tallies read, taken before the append.
  struct TallyInput {
    EntryType type = EntryType::kMail;
    Position intent = kNoPosition;  // decisions and results
    bool timeout = false;           // a timeout abort
    bool injected = false;          // an intent proposing an injected action
  };
  TallyInput TallyInputOf(const Entry& entry) const;
  // Tallies an entry appended at `pos`.
  void Tally(const TallyInput& input, Position pos);
  // Feeds the stored entry at `pos` (just appended) to the sinks.
  void EmitStored(Position pos);
  // The open intent at `intent`, or open_intents.end().
  std::vector<BusFacts::OpenIntent>::iterator FindOpen(Position intent);
  bool IsInjected(const Action& action) const;

  std::unique_ptr<AgentBus> inner_;
  const Clock* clock_;
  std::vector<traces::TraceSink*> sinks_;
  const std::vector<Action>* injected_;
  BusFacts facts_;
  Position recorded_tail_ = 0;  // entries below it are recorded
};

struct EnvironmentFacts {
  int64_t effects = 0;
  int64_t forbidden_effects = 0;
  int64_t injected_effects = 0;
};

class RecordingEnvironment final : public ToolEnvironment {
 public:
  // REQUIRES: every pointer non-null and outliving the wrapper.
  RecordingEnvironment(models::EnvironmentModel* model, const Clock* clock, std::string executor,
                       std::vector<traces::TraceSink*> sinks, const SafetySpec* spec,
                       const std::vector<Action>* injected);

  Result<ToolOutcome> Execute(const ToolCall& call) override;
  std::string StateDigest() const override { return model_->StateDigest(); }

  const EnvironmentFacts& facts() const { return facts_; }

 private:
  struct Verdict {
    bool forbidden = false;
    bool injected = false;
  };
  // The verdicts on the first kVerdictsMax distinct actions executed: a bound
  // on the cache, which only saves work (every other action is judged anew).
  static constexpr size_t kVerdictsMax = 64;
  Verdict Judge(const Action& action);

  models::EnvironmentModel* model_;
  const Clock* clock_;
  std::string executor_;
  std::vector<traces::TraceSink*> sinks_;
  const SafetySpec* spec_;
  const std::vector<Action>* injected_;
  std::vector<std::pair<Action, Verdict>> verdicts_;
  EnvironmentFacts facts_;
  const Json no_extra_;     // an effect record's extra without an idempotency key: null
  Json idempotency_extra_;  // {"idempotency_key": ...}, reused for every effect that has one
};

}  // namespace logact::sim
