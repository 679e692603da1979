// Valid traces built the way the engine's components would append them, and
// single-violation mutations (see properties/trace_generator.h).
#include "properties/trace_generator.h"

#include <algorithm>
#include <map>

#include "core/assert.h"
#include "core/decider_policy.h"
#include "core/fencing.h"
#include "core/policy_state.h"
#include "models/environment_model.h"
#include "properties/invariant_ids.h"
#include "traces/trace_writer.h"

namespace logact::properties {
namespace {

const std::vector<std::string> kVoterTypes = {"rule", "llm", "human"};
const std::vector<std::string> kTools = {"pay", "read", "write"};

// The builder of one valid trace: it plays the engine's roles in turn.
class Builder {
 public:
  Builder(const Chooser& choose, GeneratedTrace* trace) : choose_(choose), trace_(trace) {}

  void Run(int64_t tasks) {
    AppendPolicy(/*skipped=*/false);
    if (choose_(0, 1) == 1) Elect(driver_, ++max_epoch_);
    for (int64_t task = 0; task < tasks; ++task) {
      Between();
      Task(task);
    }
    Append(MakeOutput("driver/" + driver_, "done"));
  }

 private:
  int64_t Tick(int64_t low = 1, int64_t high = 5) { return now_ += choose_(low, high); }

  Position Append(Entry entry) {
    entry.pos = pos_++;
    entry.ts = Tick();
    trace_->records.push_back(std::move(entry));
    return pos_ - 1;
  }

  Json RandomDecider() {
    static const char* kKinds[] = {"on_by_default", "off_by_default", "first_voter",
                                   "all_of",        "any_of",         "quorum"};
    const int64_t kind = choose_(0, 5);
    Json decider = {{"kind", kKinds[kind]}};
    if (kind >= 2 && !(kind == 2 && choose_(0, 1) == 0)) {
      std::vector<std::string> types = kVoterTypes;
      for (size_t i = types.size(); i > 1; --i) {
        std::swap(types[i - 1],
                  types[static_cast<size_t>(choose_(0, static_cast<int64_t>(i) - 1))]);
      }
      types.resize(static_cast<size_t>(choose_(1, static_cast<int64_t>(types.size()))));
      decider["types"] = types;
      if (kind == 5) decider["k"] = choose_(1, static_cast<int64_t>(types.size()));
    }
    if (choose_(0, 2) == 0) decider["timeout_ms"] = choose_(10, 100);
    return decider;
  }

  void AppendPolicy(bool skipped) {
    PolicyPayload policy;
    policy.expected_version = skipped ? version_ + 5 : version_;
    policy.version = policy.expected_version + choose_(1, 2);
    policy.decider = choose_(0, 4) == 0 && version_ > 0 ? Json(nullptr) : RandomDecider();
    policy.voters = Json::array();
    Append(MakePolicy("admin/root", policy));
    const bool applied = policy_.Apply(policy);
    LOGACT_ASSERT(applied != skipped);
    version_ = policy_.version();
  }

  void Elect(const std::string& driver, int64_t epoch) {
    const ElectPayload elect{driver, epoch};
    Append(MakeElect("driver/" + driver, driver, epoch));
    (void)election_.Apply(elect);
  }

  void Between() {
    switch (choose_(0, 9)) {
      case 0:
        AppendPolicy(false);
        break;
      case 1:
        AppendPolicy(true);
        break;
      case 2: {  // a re-election; the deposed driver may still append a fenced intent
        const std::string old_driver = driver_;
        const int64_t old_epoch = epoch();
        driver_ = "agent" + std::to_string(++drivers_);
        Elect(driver_, ++max_epoch_);
        if (choose_(0, 1) == 1) {
          Append(MakeIntent("driver/" + old_driver, Action{"read", {{"stale", true}}}, old_driver,
                            old_epoch));
        }
        break;
      }
      case 3:  // a stale elect: its epoch does not exceed the leader's, it does not count
        if (max_epoch_ > 0) Elect("ghost", choose_(0, max_epoch_));
        break;
      case 4:
        Append(MakeResult("executor/x" + std::to_string(++executors_),
                          {kNoPosition, false, "", true}));
        break;
      case 5:
        trace_->records.push_back(traces::FaultRecord{now_, "crash", "voter/rule-1", Json()});
        trace_->records.push_back(traces::RestartRecord{Tick(), "voter/rule-1", 0, Json()});
        break;
      case 6:
        trace_->records.push_back(
            traces::StateRecord{now_, "decider/d0", pos_ - 1, "00ff", Json()});
        break;
      default:
        break;
    }
  }

  int64_t epoch() const {
    const auto& leader = election_.leader();
    return leader.has_value() ? leader->epoch : 0;
  }

  void Vote(Position intent, const std::string& type, VoteTally* tally, Verdict* verdict) {
    const std::string voter = type + "-" + std::to_string(choose_(1, 2));
    const bool approve = choose_(0, 2) != 0;
    Append(MakeVote("voter/" + voter, VotePayload{intent, voter, type, approve, "r"}));
    if (*verdict == Verdict::kUndecided && tally->Add(policy_.decider(), type, approve)) {
      *verdict = Evaluate(policy_.decider(), tally->votes());
    }
  }

  // Votes until the decision; returns the decision's type and whether it is a timeout.
  std::pair<EntryType, bool> VoteAndDecide(Position intent, int64_t intent_ts) {
    const DeciderPolicy& policy = policy_.decider();
    VoteTally tally;
    Verdict verdict = Evaluate(policy, {});
    const int64_t votes = choose_(0, 4);
    for (int64_t v = 0; v < votes && !(verdict != Verdict::kUndecided && choose_(0, 1) == 0); ++v) {
      const int64_t pick = choose_(0, static_cast<int64_t>(kVoterTypes.size()));
      Vote(intent, pick == 3 ? "other" : kVoterTypes[static_cast<size_t>(pick)], &tally, &verdict);
    }
    if (verdict == Verdict::kUndecided && policy.timeout_ms.has_value() && choose_(0, 1) == 0) {
      now_ = std::max(now_, intent_ts + *policy.timeout_ms + choose_(0, 5));
      return {EntryType::kAbort, true};
    }
    // Listed voters that have not voted yet vote until the votes decide.
    for (size_t t = 0; verdict == Verdict::kUndecided; ++t) {
      const std::vector<std::string>& types = policy.types_listed ? policy.types : kVoterTypes;
      LOGACT_ASSERT_LT(t, types.size());
      Vote(intent, types[t], &tally, &verdict);
    }
    return {verdict == Verdict::kCommit ? EntryType::kCommit : EntryType::kAbort, false};
  }

  void Task(int64_t task) {
    Append(MakeMail("external/alice", "alice", "task " + std::to_string(task)));
    Append(MakeInference(EntryType::kInfIn, "driver/" + driver_, "prompt", 10));
    Append(MakeInference(EntryType::kInfOut, "driver/" + driver_, "answer", 10));
    const Action action{kTools[static_cast<size_t>(choose_(0, 2))],
                        {{"n", task}, {"amount", choose_(0, 3)}}};
    const Position intent = Append(MakeIntent("driver/" + driver_, action, driver_, epoch()));
    const int64_t intent_ts = now_;
    const auto [type, timeout] = VoteAndDecide(intent, intent_ts);
    Append(MakeDecision(type, "decider/d0", DecisionPayload{intent, "r", timeout}));
    if (choose_(0, 3) == 0) {  // a second decider: the same decision, or one void after a timeout
      const EntryType second = timeout && choose_(0, 1) == 0 ? EntryType::kCommit : type;
      Append(MakeDecision(second, "decider/d1",
                          DecisionPayload{intent, "r", timeout && second == type}));
    }
    if (choose_(0, 3) == 0)
      Append(MakeVote("voter/late-1", VotePayload{intent, "late-1", "rule", false, "late"}));
    if (type != EntryType::kCommit) return;
    const int64_t outcome = choose_(0, 5);
    if (outcome != 0) {
      trace_->records.push_back(
          traces::EffectRecord{Tick(), intent, "executor/x0", action, Json()});
    }
    if (outcome <= 1) {  // the executor crashed: a restart marker names the intent
      Append(MakeResult("executor/x" + std::to_string(++executors_), {intent, false, "", true}));
    } else {
      Append(MakeResult("executor/x0", {intent, outcome != 2, "out", false}));
    }
  }

  const Chooser& choose_;
  GeneratedTrace* trace_;
  Position pos_ = 0;
  int64_t now_ = 0;
  PolicyState policy_;
  int64_t version_ = 0;
  ElectionState election_;
  int64_t max_epoch_ = 0;
  std::string driver_ = "agent";
  int drivers_ = 0;
  int executors_ = 0;
};

// The environment of GeneratedTraceCheckOptions: it counts the calls of each
// generated tool, so that its digest depends on every effect in order-free
// but count-exact terms (enough for a forged digest to be caught).
class CounterEnvironment : public models::EnvironmentModel {
 public:
  CounterEnvironment() {
    for (const std::string& tool : kTools) {
      for (const char* arg : {"n", "amount", "stale", "mutant", "fenced", "forbidden", "mutated"}) {
        const bool integer = std::string_view(arg) == "n" || std::string_view(arg) == "amount";
        schemas_[tool].args[arg] = ArgSchema{integer ? ArgType::kInteger : ArgType::kBoolean, true};
      }
      calls_[tool] = 0;
    }
  }
  const ToolSchemas& schemas() const override { return schemas_; }
  std::unique_ptr<EnvironmentModel> Clone() const override {
    return std::make_unique<CounterEnvironment>(*this);
  }
  Json StateJson() const override { return Json(calls_); }
  Result<ToolOutcome> Execute(const ToolCall& call) override {
    ToolOutcome outcome;
    auto found = calls_.find(call.action->tool);
    outcome.ok = found != calls_.end();
    if (outcome.ok) ++found->second;
    return outcome;
  }

 private:
  ToolSchemas schemas_;
  std::map<std::string, int64_t> calls_;
};

const SafetySpec& GeneratedTraceSpec() {
  static const SafetySpec spec = [] {
    Json tools = models::ToolSchemasToJson(CounterEnvironment().schemas());
    Result<SafetySpec> parsed = ParseSafetySpec(
        Json{{"tools", tools}, {"forbidden", Json::array({{{"arg", "forbidden"}, {"eq", true}}})}});
    LOGACT_ASSERT(parsed.has_value());
    return *parsed;
  }();
  return spec;
}

}  // namespace

namespace {

// What a mutation needs to know about a valid trace: replayed from its records.
struct TraceScan {
  Position tail = 0;
  int64_t now = 0;
  int64_t version = 0;
  int64_t max_epoch = 0;
  std::string driver = "agent";  // the leader (or the last intent's driver)
  int64_t epoch = 0;
  struct IntentInfo {
    bool live = false;
    EntryType decision = EntryType::kMail;  // kMail: none yet
  };
  std::map<Position, IntentInfo> intents;
  std::vector<size_t> effects;               // record indices
  std::vector<size_t> plain_results;         // non-restart results
  std::map<Position, size_t> commit_record;  // live intent -> its commit decision record
};

TraceScan Scan(const GeneratedTrace& trace) {
  TraceScan scan;
  ElectionState election;
  PolicyState policy;
  for (size_t i = 0; i < trace.records.size(); ++i) {
    const traces::TraceRecord& record = trace.records[i];
    if (std::holds_alternative<traces::EffectRecord>(record)) scan.effects.push_back(i);
    const Entry* entry = std::get_if<Entry>(&record);
    if (entry == nullptr) continue;
    scan.tail = entry->pos + 1;
    scan.now = std::max(scan.now, entry->ts);
    if (entry->type == EntryType::kElect) {
      (void)election.Apply(entry->elect());
      scan.max_epoch = std::max(scan.max_epoch, entry->elect().epoch);
    } else if (entry->type == EntryType::kPolicy) {
      (void)policy.Apply(entry->policy());
    } else if (entry->type == EntryType::kIntent) {
      scan.intents[entry->pos].live = !election.IsFenced(entry->intent());
      if (!election.leader().has_value()) {
        scan.driver = entry->intent().driver;
        scan.epoch = entry->intent().epoch;
      }
    } else if (entry->type == EntryType::kCommit || entry->type == EntryType::kAbort) {
      auto& info = scan.intents[entry->decision().intent];
      if (info.decision != EntryType::kMail) continue;
      info.decision = entry->type;
      if (info.live && entry->type == EntryType::kCommit)
        scan.commit_record[entry->decision().intent] = i;
    } else if (entry->type == EntryType::kResult && !entry->result().restart) {
      scan.plain_results.push_back(i);
    }
  }
  scan.version = policy.version();
  if (election.leader().has_value()) {
    scan.driver = election.leader()->driver;
    scan.epoch = election.leader()->epoch;
  }
  return scan;
}

class Mutator {
 public:
  Mutator(const Chooser& choose, GeneratedTrace* trace)
      : choose_(choose), trace_(trace), scan_(Scan(*trace)) {}

  Position Append(Entry entry) {
    entry.pos = scan_.tail++;
    entry.ts = ++scan_.now;
    trace_->records.push_back(std::move(entry));
    return scan_.tail - 1;
  }
  Position LiveIntent() {
    return Append(MakeIntent("driver/" + scan_.driver, Action{"write", {{"mutant", true}}},
                             scan_.driver, scan_.epoch));
  }
  size_t Pick(const std::vector<size_t>& from) {
    return from[static_cast<size_t>(choose_(0, static_cast<int64_t>(from.size()) - 1))];
  }
  bool Apply(std::string_view id);

 private:
  const Chooser& choose_;
  GeneratedTrace* trace_;
  TraceScan scan_;
};

bool Mutator::Apply(std::string_view id) {
  if (id == kLogDense) {
    Entry mail = MakeMail("external/alice", "alice", "duplicate");
    mail.pos = scan_.tail - 1;
    mail.ts = ++scan_.now;
    trace_->records.push_back(std::move(mail));
  } else if (id == kLogAcl) {
    Append(MakeMail("voter/alice", "alice", "mail from a voter"));
  } else if (id == kRefIntent) {
    Append(MakeVote("voter/rule-1", VotePayload{0, "rule-1", "rule", true, "r"}));
  } else if (id == kDecUnique) {
    if (scan_.commit_record.empty()) return false;
    const Position intent = scan_.commit_record.begin()->first;
    Append(MakeDecision(EntryType::kAbort, "decider/d1", DecisionPayload{intent, "r", false}));
  } else if (id == kDecJustified) {
    const Position intent = LiveIntent();
    // With no votes only on_by_default commits and only off_by_default aborts.
    PolicyState policy;
    for (const auto& record : trace_->records) {
      const Entry* entry = std::get_if<Entry>(&record);
      if (entry != nullptr && entry->type == EntryType::kPolicy)
        (void)policy.Apply(entry->policy());
    }
    const EntryType type =
        policy.decider().kind == DeciderKind::kOnByDefault ? EntryType::kAbort : EntryType::kCommit;
    Append(MakeDecision(type, "decider/d0", DecisionPayload{intent, "unjustified", false}));
  } else if (id == kDecPolicy) {
    Append(MakePolicy("admin/root", PolicyPayload{scan_.version, scan_.version, nullptr, nullptr}));
  } else if (id == kExeVisible) {
    std::vector<size_t> movable;  // effects of live committed intents, after the commit
    for (const size_t e : scan_.effects) {
      const auto& effect = std::get<traces::EffectRecord>(trace_->records[e]);
      const auto commit = scan_.commit_record.find(effect.intent);
      if (commit != scan_.commit_record.end() && commit->second < e) movable.push_back(e);
    }
    if (movable.empty()) return false;
    const size_t e = Pick(movable);
    const auto& effect = std::get<traces::EffectRecord>(trace_->records[e]);
    const size_t commit = scan_.commit_record.at(effect.intent);
    std::rotate(trace_->records.begin() + static_cast<std::ptrdiff_t>(commit),
                trace_->records.begin() + static_cast<std::ptrdiff_t>(e),
                trace_->records.begin() + static_cast<std::ptrdiff_t>(e) + 1);
  } else if (id == kExeCommitted) {
    const Position intent = LiveIntent();
    trace_->records.push_back(traces::EffectRecord{++scan_.now, intent, "executor/x0",
                                                   Action{"write", {{"mutant", true}}}, Json()});
  } else if (id == kExeOnce || id == kExeFaithful) {
    if (scan_.effects.empty()) return false;
    const size_t e = Pick(scan_.effects);
    auto& effect = std::get<traces::EffectRecord>(trace_->records[e]);
    if (id == kExeFaithful) {
      effect.action.args["mutated"] = true;
    } else {
      traces::EffectRecord copy = effect;
      copy.ts = ++scan_.now;
      trace_->records.push_back(std::move(copy));
    }
  } else if (id == kResMatch) {
    if (scan_.plain_results.empty()) return false;
    Entry copy = std::get<Entry>(trace_->records[Pick(scan_.plain_results)]);
    Append(std::move(copy));
  } else if (id == kDrvFence) {
    const std::string old_driver = scan_.driver;
    const int64_t old_epoch = scan_.epoch;
    Append(MakeElect("driver/usurper", "usurper", scan_.max_epoch + 1));
    const Position intent = Append(MakeIntent(
        "driver/" + old_driver, Action{"write", {{"fenced", true}}}, old_driver, old_epoch));
    Append(MakeDecision(EntryType::kCommit, "decider/d0", DecisionPayload{intent, "r", false}));
  } else if (id == kDrvSerial) {
    LiveIntent();
    LiveIntent();
  } else if (id == kSafeSpec) {
    // A fully justified task (under a new on_by_default policy) whose action is forbidden.
    Append(MakePolicy("admin/root", PolicyPayload{scan_.version + 1, scan_.version,
                                                  Json{{"kind", "on_by_default"}}, nullptr}));
    const Action action{kTools[static_cast<size_t>(choose_(0, 2))], {{"forbidden", true}}};
    const Position intent =
        Append(MakeIntent("driver/" + scan_.driver, action, scan_.driver, scan_.epoch));
    Append(MakeDecision(EntryType::kCommit, "decider/d0", DecisionPayload{intent, "r", false}));
    trace_->records.push_back(
        traces::EffectRecord{++scan_.now, intent, "executor/x0", action, Json()});
    Append(MakeResult("executor/x0", {intent, true, "out", false}));
  } else if (id == kEnvConsistent) {
    // The environment's final state record with a digest one hex digit off the true one.
    CounterEnvironment env;
    for (const size_t e : scan_.effects) {
      const auto& effect = std::get<traces::EffectRecord>(trace_->records[e]);
      (void)env.Execute(ToolCall{&effect.action, effect.intent, ""});
    }
    std::string digest = env.StateDigest();
    digest[0] = digest[0] == '0' ? '1' : '0';
    trace_->records.push_back(traces::StateRecord{++scan_.now, "env", scan_.tail, digest, Json()});
  } else {
    return false;
  }
  return true;
}

}  // namespace

const std::vector<std::string_view>& MutableInvariants() {
  static const std::vector<std::string_view> ids = {
      kLogDense,     kLogAcl,  kRefIntent,   kDecUnique, kDecJustified, kDecPolicy, kExeVisible,
      kExeCommitted, kExeOnce, kExeFaithful, kResMatch,  kDrvFence,     kDrvSerial};
  return ids;
}

const std::vector<std::string_view>& ScenarioMutableInvariants() {
  static const std::vector<std::string_view> ids = {kEnvConsistent, kSafeSpec};
  return ids;
}

CheckOptions GeneratedTraceCheckOptions() {
  CheckOptions options;
  options.spec = &GeneratedTraceSpec();
  options.make_environment = [] { return std::make_unique<CounterEnvironment>(); };
  return options;
}

bool Mutate(const Chooser& choose, std::string_view invariant, GeneratedTrace* trace) {
  LOGACT_ASSERT(trace->violated.empty());
  Mutator mutator(choose, trace);
  if (!mutator.Apply(invariant)) return false;
  trace->violated = std::string(invariant);
  trace->mutation = "inject " + std::string(invariant);
  return true;
}

GeneratedTrace BuildValidTrace(const Chooser& choose, int64_t tasks) {
  LOGACT_ASSERT_GE(tasks, 0);
  GeneratedTrace trace;
  Builder(choose, &trace).Run(tasks);
  return trace;
}

Chooser SeededChooser(uint64_t seed) {
  auto state = std::make_shared<uint64_t>(seed);
  return [state](int64_t low, int64_t high) {
    LOGACT_ASSERT_LE(low, high);
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    const uint64_t span = static_cast<uint64_t>(high - low) + 1;
    return low + static_cast<int64_t>(span == 0 ? z : z % span);
  };
}

std::string ToJsonl(const GeneratedTrace& trace) {
  std::string out;
  traces::TraceHeader header;
  header.source = "recorded";
  traces::EncodeHeader(header, &out);
  for (const traces::TraceRecord& record : trace.records) traces::EncodeRecord(record, &out);
  return out;
}

}  // namespace logact::properties
