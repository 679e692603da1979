#include "sim/simulation.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <utility>

#include "core/assert.h"
#include "core/decider.h"
#include "core/driver.h"
#include "core/executor.h"
#include "core/limits.h"
#include "core/memory_bus.h"
#include "core/voter.h"
#include "core/voter_config.h"
#include "models/scenario.h"
#include "sim/recorder.h"
#include "sim/rng.h"
#include "sim/sim_clock.h"

namespace logact::sim {
namespace {

constexpr char kAdminPrincipal[] = "admin/root";
constexpr char kDriverName[] = "agent";
constexpr char kDeciderName[] = "d0";
constexpr char kExecutorName[] = "x0";
constexpr char kSchedulerStream[] = "scheduler";
// Open intents named in a liveness failure: enough to debug, short enough to read.
constexpr size_t kPendingIntentsListed = 8;

// The scenario's first policy entry, from its JSON form.
Result<Entry> InitialPolicyEntry(const Json& policy) {
  try {
    PolicyPayload payload;
    payload.version = policy.at("version").get<int64_t>();
    payload.expected_version = policy.at("expected_version").get<int64_t>();
    if (policy.contains("decider")) payload.decider = policy.at("decider");
    if (policy.contains("voters")) payload.voters = policy.at("voters");
    return MakePolicy(kAdminPrincipal, std::move(payload));
  } catch (const std::exception& e) {
    return InternalError(std::string("scenario initial_policy: ") + e.what());
  }
}

// One voter component from the scenario's voter document.
Result<std::unique_ptr<Component>> MakeVoter(const Json& document, size_t index, AgentBus* bus,
                                             Clock* clock, Llm* llm) {
  const std::string path = "voters[" + std::to_string(index) + "]";
  if (!document.is_object() || !document.contains("voter") || !document["voter"].is_string() ||
      !document.contains("type") || !document["type"].is_string()) {
    return InternalError("scenario " + path + ": a voter needs string 'voter' and 'type'");
  }
  VoterOptions options;
  options.name = document["voter"].get<std::string>();
  options.type = document["type"].get<std::string>();
  options.bus = bus;
  options.clock = clock;
  std::unique_ptr<VotingLogic> logic;
  if (document.contains("rules")) {
    Result<VoterConfig> config = ParseVoterConfig(document, path);
    if (!config.has_value()) return InternalError("scenario " + config.error().ToString());
    logic = std::make_unique<RuleVotingLogic>(std::move(config).value());
  } else {
    logic = std::make_unique<LlmVotingLogic>("voter/" + options.name, llm);
  }
  return std::unique_ptr<Component>(std::make_unique<Voter>(std::move(options), std::move(logic)));
}

// The scenario's mails in delivery order (by at_ms, ties in listed order).
std::vector<models::ScheduledMail> SortedMails(const models::Scenario& scenario) {
  std::vector<models::ScheduledMail> mails = scenario.mails;
  std::stable_sort(mails.begin(), mails.end(),
                   [](const models::ScheduledMail& a, const models::ScheduledMail& b) {
                     return a.at_ms < b.at_ms;
                   });
  return mails;
}

int64_t FinalStepsPerRound(const models::Scenario& scenario) {
  int64_t finals = 0;
  for (const models::PlanStep& step : scenario.plan) {
    if (!step.action) ++finals;
  }
  return finals;
}

// The run itself: everything a simulation owns, and its event loop.
class Runner {
 public:
  Runner(const SimOptions& options, const models::Scenario& scenario,
         const std::vector<traces::TraceSink*>& sinks);
  Status Setup();
  void Loop();
  SimReport Finish();

 private:
  void DeliverDueMail();
  int64_t NextMailMs() const;
  bool AllMailDelivered() const;
  int64_t EarliestWakeMs() const;
  void CollectReady();
  void StepOne();
  std::string DescribePending() const;
  Status ApplyTestStreamDraws();

  const SimOptions& options_;
  const models::Scenario& scenario_;
  std::vector<traces::TraceSink*> sinks_;
  SeedStreams streams_;
  Rng scheduler_;
  SimClock clock_;
  RecordingBus* bus_ = nullptr;  // owned by bus_owner_
  std::unique_ptr<RecordingBus> bus_owner_;
  std::unique_ptr<models::EnvironmentModel> model_;
  std::unique_ptr<RecordingEnvironment> environment_;
  std::unique_ptr<MockLlm> llm_;
  std::vector<std::unique_ptr<Component>> components_;  // fixed order: the scheduler's index
  std::vector<Component*> ready_;                       // reused every step
  std::vector<models::ScheduledMail> mails_;
  int64_t finals_per_round_ = 0;
  int64_t round_ = 0;           // the task round whose mail is being delivered
  size_t next_mail_ = 0;        // index into mails_ of the round
  int64_t round_start_ms_ = 0;  // mail offsets count from here
  SimReport report_;
};

Runner::Runner(const SimOptions& options, const models::Scenario& scenario,
               const std::vector<traces::TraceSink*>& sinks)
    : options_(options),
      scenario_(scenario),
      sinks_(sinks),
      streams_(options.seed),
      scheduler_(streams_.Stream(kSchedulerStream)),
      mails_(SortedMails(scenario)),
      finals_per_round_(FinalStepsPerRound(scenario)) {
  report_.seed = options.seed;
  report_.scenario = scenario.name;
  report_.tasks_expected = finals_per_round_ * options.task_repeats;
}

Status Runner::Setup() {
  auto memory = std::make_unique<MemoryBus>(&clock_);
  bus_owner_ = std::make_unique<RecordingBus>(std::move(memory), &clock_, sinks_,
                                              &scenario_.injected_actions);
  bus_ = bus_owner_.get();
  model_ = scenario_.make_environment();
  LOGACT_ASSERT(model_ != nullptr);
  environment_ = std::make_unique<RecordingEnvironment>(
      model_.get(), &clock_, std::string("executor/") + kExecutorName, sinks_,
      &scenario_.safety_spec, &scenario_.injected_actions);
  llm_ = std::make_unique<MockLlm>(&scenario_, streams_, options_.llm);
  LOGACT_TRY(ApplyTestStreamDraws());

  LOGACT_ASSIGN_OR_RETURN(Entry policy, InitialPolicyEntry(scenario_.initial_policy));
  Result<Position> appended = bus_->Append(std::move(policy));
  if (!appended.has_value()) {
    return InternalError("the bus rejected the scenario's initial policy: " +
                         appended.error().ToString());
  }

  DriverOptions driver;
  driver.name = kDriverName;
  driver.bus = bus_;
  driver.clock = &clock_;
  driver.llm = llm_.get();
  components_.push_back(std::make_unique<Driver>(std::move(driver)));
  for (size_t i = 0; i < scenario_.voters.size(); ++i) {
    LOGACT_ASSIGN_OR_RETURN(std::unique_ptr<Component> voter,
                            MakeVoter(scenario_.voters[i].document, i, bus_, &clock_, llm_.get()));
    components_.push_back(std::move(voter));
  }
  DeciderOptions decider;
  decider.name = kDeciderName;
  decider.bus = bus_;
  decider.clock = &clock_;
  components_.push_back(std::make_unique<Decider>(std::move(decider)));
  ExecutorOptions executor;
  executor.name = kExecutorName;
  executor.bus = bus_;
  executor.clock = &clock_;
  executor.environment = environment_.get();
  components_.push_back(std::make_unique<Executor>(std::move(executor)));
  ready_.reserve(components_.size());
  return Status::Ok();
}

Status Runner::ApplyTestStreamDraws() {
  for (const auto& [name, draws] : options_.TEST_stream_draws) {
    Random* stream = name == kSchedulerStream ? &scheduler_ : llm_->TEST_Stream(name);
    if (stream == nullptr) return InvalidArgumentError("test_stream_draws: unknown stream " + name);
    for (uint64_t i = 0; i < draws; ++i) static_cast<void>(stream->NextU64());
  }
  return Status::Ok();
}

bool Runner::AllMailDelivered() const {
  return round_ + 1 >= options_.task_repeats && next_mail_ >= mails_.size();
}

int64_t Runner::NextMailMs() const {
  if (next_mail_ < mails_.size()) return round_start_ms_ + mails_[next_mail_].at_ms;
  return kNeverMs;
}

void Runner::DeliverDueMail() {
  // A new round starts once the previous one's final outputs are all on the log.
  if (next_mail_ >= mails_.size() && round_ + 1 < options_.task_repeats &&
      bus_->facts().count(EntryType::kOutput) >= finals_per_round_ * (round_ + 1)) {
    ++round_;
    next_mail_ = 0;
    round_start_ms_ = clock_.NowMs();
  }
  while (next_mail_ < mails_.size() && NextMailMs() <= clock_.NowMs()) {
    const models::ScheduledMail& mail = mails_[next_mail_];
    Result<Position> pos = bus_->Append(MakeMail("external/" + mail.from, mail.from, mail.body));
    // The memory bus only rejects by access control, and external may append mail.
    LOGACT_ASSERT(pos.has_value());
    ++next_mail_;
  }
}

int64_t Runner::EarliestWakeMs() const {
  int64_t wake = NextMailMs();
  for (const auto& component : components_) {
    if (!component->Stopped()) wake = std::min(wake, component->NextWakeMs());
  }
  return wake;
}

void Runner::CollectReady() {
  ready_.clear();
  for (const auto& component : components_) {
    if (!component->Stopped() && component->HasWork()) ready_.push_back(component.get());
  }
}

void Runner::StepOne() {
  const size_t pick = ready_.size() == 1 ? 0 : scheduler_.Uniform(ready_.size());
  Component* component = ready_[pick];
  Status status = component->Step();
  ++report_.steps;
  if (!status.ok()) {
    // The component stays consistent with the log and retries on a later step.
    if (report_.step_errors++ == 0) {
      report_.first_step_error = component->principal() + ": " + status.ToString();
    }
  }
  const int64_t cost =
      options_.step_cost_ms_min == options_.step_cost_ms_max
          ? options_.step_cost_ms_min
          : scheduler_.UniformInRange(options_.step_cost_ms_min, options_.step_cost_ms_max);
  clock_.AdvanceBy(cost);
}

void Runner::Loop() {
  const int64_t tasks_expected = report_.tasks_expected;
  for (;;) {
    if (report_.steps + report_.clock_jumps >= options_.steps_max) {
      report_.liveness_failure = "step limit " + std::to_string(options_.steps_max) +
                                 " reached; pending: " + DescribePending();
      return;
    }
    DeliverDueMail();
    CollectReady();
    if (!ready_.empty()) {
      StepOne();
      continue;
    }
    const int64_t wake = EarliestWakeMs();
    if (wake == kNeverMs) {
      if (AllMailDelivered() && bus_->facts().count(EntryType::kOutput) >= tasks_expected) {
        report_.finished = true;
      } else {
        report_.liveness_failure =
            "stuck: nothing is ready and no timer is set; pending: " + DescribePending();
      }
      return;
    }
    // A timer that is due while its component has no work would spin: move
    // time by at least 1 ms so that every iteration makes progress.
    clock_.JumpTo(std::max(wake, clock_.NowMs() + 1));
    ++report_.clock_jumps;
  }
}

std::string Runner::DescribePending() const {
  std::string out;
  auto add = [&out](const std::string& item) {
    if (!out.empty()) out += "; ";
    out += item;
  };
  for (const auto& component : components_) {
    if (component->Stopped()) {
      add(component->principal() + " stopped");
    } else if (component->HasWork()) {
      add(component->principal() + " has work");
    } else if (component->NextWakeMs() != kNeverMs) {
      add(component->principal() + " waits until " + std::to_string(component->NextWakeMs()) +
          " ms");
    }
  }
  size_t listed = 0;
  for (const BusFacts::OpenIntent& open : bus_->facts().open_intents) {
    if (listed++ == kPendingIntentsListed) {
      add("...");
      break;
    }
    add("intent " + std::to_string(open.intent) +
        (open.committed ? " committed without result" : " undecided"));
  }
  if (!AllMailDelivered()) add("mail of round " + std::to_string(round_ + 1) + " undelivered");
  add("outputs " + std::to_string(bus_->facts().count(EntryType::kOutput)) + "/" +
      std::to_string(report_.tasks_expected));
  return out;
}

SimReport Runner::Finish() {
  const BusFacts& facts = bus_->facts();
  report_.virtual_time_ms = clock_.NowMs();
  report_.idle_time_ms = clock_.idle_ms();
  report_.entries = bus_->Tail();
  report_.mails = facts.count(EntryType::kMail);
  report_.inferences = facts.count(EntryType::kInfOut);
  report_.intents = facts.count(EntryType::kIntent);
  report_.votes = facts.count(EntryType::kVote);
  report_.commits = facts.count(EntryType::kCommit);
  report_.aborts = facts.count(EntryType::kAbort);
  report_.timeout_aborts = facts.timeout_aborts;
  report_.results = facts.count(EntryType::kResult);
  report_.outputs = facts.count(EntryType::kOutput);
  report_.injected_intents = facts.injected_intents;
  report_.injected_aborted = facts.injected_aborted;
  report_.effects = environment_->facts().effects;
  report_.forbidden_effects = environment_->facts().forbidden_effects;
  report_.injected_effects = environment_->facts().injected_effects;
  report_.llm = llm_->stats();
  report_.env_digest = environment_->StateDigest();
  report_.within_liveness_bound =
      report_.finished &&
      report_.virtual_time_ms <= scenario_.liveness_bound_ms * options_.task_repeats;
  if (options_.state_records && !sinks_.empty()) {
    traces::StateRecord env;
    env.ts = clock_.NowMs();
    env.target = "env";
    env.pos = bus_->Tail();
    env.digest = report_.env_digest;
    EmitRecord(sinks_, traces::TraceRecord(std::move(env)));
    for (const auto& component : components_) {
      traces::StateRecord state;
      state.ts = clock_.NowMs();
      state.target = component->principal();
      state.pos = component->played();
      state.digest = component->StateDigest();
      EmitRecord(sinks_, traces::TraceRecord(std::move(state)));
    }
  }
  return report_;
}

}  // namespace

Result<SimReport> RunSimulation(const SimOptions& options,
                                const std::vector<traces::TraceSink*>& sinks) {
  LOGACT_TRY(ValidateSimOptions(options));
  const models::Scenario* scenario = models::FindScenario(options.scenario);
  if (scenario == nullptr) return NotFoundError("unknown scenario '" + options.scenario + "'");
  SetAssertContext("seed=" + std::to_string(options.seed) + "; repro: logact sim --scenario " +
                   options.scenario + " --seed " + std::to_string(options.seed));
  const traces::TraceHeader header = SimHeader(options);
  for (traces::TraceSink* sink : sinks) sink->OnHeader(header);
  Runner runner(options, *scenario, sinks);
  LOGACT_TRY(runner.Setup());
  runner.Loop();
  return runner.Finish();
}

}  // namespace logact::sim
