#include "sim/simulation.h"

#include <algorithm>
#include <exception>
#include <limits>
#include <memory>
#include <utility>

#include "core/assert.h"
#include "core/decider.h"
#include "core/driver.h"
#include "core/executor.h"
#include "core/inference_format.h"
#include "core/limits.h"
#include "core/memory_bus.h"
#include "core/replica_io.h"
#include "core/voter.h"
#include "core/voter_config.h"
#include "models/scenario.h"
#include "sim/fault_injector.h"
#include "sim/recorder.h"
#include "sim/rng.h"
#include "sim/sim_clock.h"
#include "sim/simulated_bus.h"
#include "sim/snapshot_store_sim.h"

namespace logact::sim {
namespace {

constexpr char kAdminPrincipal[] = "admin/root";
constexpr char kDriverName[] = "agent";
constexpr char kDeciderName[] = "d0";
constexpr char kExecutorName[] = "x0";
constexpr char kSchedulerStream[] = "scheduler";
// Snapshots (sim/snapshot_store_sim.h): when to take one, and which ones a
// crash loses, each from its own stream so neither moves the scheduler.
constexpr char kSnapshotStream[] = "snapshot";
constexpr char kSnapshotLossStream[] = "snapshot.loss";
// After a step, the chance that the stepped component saves a snapshot: often
// enough that most restarts find one, rare enough to cost little per step.
constexpr Ratio kSnapshotChance{1, 8};
// The chance that a crash loses the component's newest snapshot (its write
// was in flight), so that recovery from an older one and from 0 both run.
constexpr Ratio kSnapshotLoss{1, 4};
// Open intents named in a liveness failure: enough to debug, short enough to read.
constexpr size_t kPendingIntentsListed = 8;
// Duplicate driver/decider instances started by faults in one run: enough to
// exercise fencing and duplicate decisions, few enough to keep a step cheap.
constexpr int64_t kDuplicatesMax = 4;
// Steps a reference replica may take to replay a prefix: each plays up to
// limits::kPollEntriesMax entries, so this covers any prefix of a run.
constexpr int64_t kReplicaStepsMax = 1'000'000;

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

// One voter component from its recipe (the scenario's voter document).
Result<std::unique_ptr<Component>> MakeVoter(const ComponentRecipe& recipe) {
  LOGACT_ASSERT(recipe.voter_document != nullptr);
  const Json& document = *recipe.voter_document;
  const std::string path = "voters[" + recipe.name + "]";
  if (!document.is_object() || !document.contains("voter") || !document["voter"].is_string() ||
      !document.contains("type") || !document["type"].is_string()) {
    return InternalError("scenario " + path + ": a voter needs string 'voter' and 'type'");
  }
  VoterOptions options;
  options.name = document["voter"].get<std::string>();
  options.type = document["type"].get<std::string>();
  options.bus = recipe.bus;
  options.clock = recipe.clock;
  std::unique_ptr<VotingLogic> logic;
  if (document.contains("rules")) {
    Result<VoterConfig> config = ParseVoterConfig(document, path);
    if (!config.has_value()) return InternalError("scenario " + config.error().ToString());
    logic = std::make_unique<RuleVotingLogic>(std::move(config).value());
  } else {
    logic = std::make_unique<LlmVotingLogic>("voter/" + options.name, recipe.llm);
  }
  return std::unique_ptr<Component>(std::make_unique<Voter>(std::move(options), std::move(logic)));
}

// The simulator's default component for a recipe.
Result<std::unique_ptr<Component>> MakeDefaultComponent(const ComponentRecipe& recipe) {
  if (recipe.role == "driver") {
    DriverOptions driver;
    driver.name = recipe.name;
    driver.bus = recipe.bus;
    driver.clock = recipe.clock;
    driver.llm = recipe.llm;
    return std::unique_ptr<Component>(std::make_unique<Driver>(std::move(driver)));
  }
  if (recipe.role == "voter") return MakeVoter(recipe);
  if (recipe.role == "decider") {
    DeciderOptions decider;
    decider.name = recipe.name;
    decider.bus = recipe.bus;
    decider.clock = recipe.clock;
    return std::unique_ptr<Component>(std::make_unique<Decider>(std::move(decider)));
  }
  LOGACT_ASSERT(recipe.role == "executor");
  ExecutorOptions executor;
  executor.name = recipe.name;
  executor.bus = recipe.bus;
  executor.clock = recipe.clock;
  executor.environment = recipe.environment;
  return std::unique_ptr<Component>(std::make_unique<Executor>(std::move(executor)));
}

// The voters to boot: the scenario's, then its standby voters (hot swap),
// which stay inactive until a policy entry lists them (core/voter.h).
std::vector<const models::VoterSpec*> BootVoters(const models::Scenario& scenario) {
  std::vector<const models::VoterSpec*> voters;
  for (const models::VoterSpec& spec : scenario.voters) voters.push_back(&spec);
  for (const models::VoterSpec& spec : scenario.standby_voters) voters.push_back(&spec);
  return voters;
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
         const std::vector<traces::TraceSink*>& sinks, const SimHooks& hooks);
  Status Setup();
  void Loop();
  SimReport Finish();

 private:
  // One component of the run and everything needed to rebuild it after a crash.
  struct Slot {
    ComponentRecipe recipe;              // bus: this incarnation's CrashPointBus
    std::unique_ptr<CrashPointBus> bus;  // this incarnation's view of the bus
    std::unique_ptr<Component> component;
    std::string principal;
    bool stopped = false;  // component->Stopped(), as of its last Step or Restore
    // Built by MakeDefaultComponent, not by a hook: one of the engine's
    // components, which read the log through this slot's CrashPointBus (whose
    // Tail() is bus_'s) and have work whenever that tail is past played().
    bool engine_built = false;
    bool stopped_counted = false;     // Stopped() already counted as a recovery path
    Position catch_up = kNoPosition;  // after a restart: the tail it must replay to
  };

  // Cheap test for the common iteration where no policy, round or mail is due
  // (the same conditions DeliverDueMail's loops test first).
  bool MailOrPolicyDue() const;
  void DeliverDueMail();
  // Appends an external/admin entry, reading the log before any retry. True if it is on the log.
  bool AppendFromOutside(const Entry& entry);
  int64_t NextMailMs() const;
  bool AllMailDelivered() const;
  int64_t EarliestWakeMs() const;
  void CollectReady();
  void StepOne();
  std::string DescribePending() const;
  Status ApplyTestStreamDraws();
  // Builds a component through the hooks, else the default; *engine_built
  // (if given) tells which.
  Result<std::unique_ptr<Component>> Build(const ComponentRecipe& recipe,
                                           bool* engine_built = nullptr) const;
  ComponentRecipe Recipe(std::string role, std::string name);
  // Adds a component built from `recipe` (bus, clock, llm filled in here).
  Status AddSlot(ComponentRecipe recipe);
  // The between-step faults: crashes, duplicates, policy changes, clock jumps.
  void InjectStepFaults();
  void CrashOneOf(FaultKind kind, std::string_view role);
  // Drops slot i's component and rebuilds it from its recipe (replay from 0).
  void Restart(size_t index);
  // After a step of `slot`: a seeded chance to save its snapshot.
  void MaybeSnapshot(const Slot& slot);
  // The crash of slot's process (it may lose its newest snapshot), then the
  // latest snapshot that survived, if any.
  std::optional<Snapshot> SnapshotAfterCrash(const Slot& slot);
  void Duplicate(FaultKind kind, std::string role, std::string name);
  void ChangePolicy();
  // After a step of slot i: a crash at an append, a fenced stop, a finished catch-up.
  void AfterStep(size_t index);
  // Re-reads slot i's Stopped() and played() after something that may change
  // them (a build, a Restore, a Step): core/component.h promises nothing else does.
  void RefreshCache(size_t index);
  // REC-STATE: the digest of a crash-free replica of slot i's role after `end` positions.
  std::string ReferenceDigest(const Slot& slot, Position end) const;
  void CountPath(const std::string& path) { ++report_.recovery_paths[path]; }
  void EmitState(const std::string& target, Position pos, const std::string& digest);

  const SimOptions& options_;
  const models::Scenario& scenario_;
  std::vector<traces::TraceSink*> sinks_;
  const SimHooks& hooks_;
  SeedStreams streams_;
  Rng scheduler_;
  SimClock clock_;
  FaultInjector injector_;
  RecordingBus* bus_ = nullptr;  // owned by bus_owner_
  std::unique_ptr<RecordingBus> bus_owner_;
  SimulatedBus* storage_ = nullptr;  // under bus_ when storage faults are on
  // Under bus_ otherwise (unless a hook wrapped it): the CrashPointBuses read
  // the tail from it directly, as bus_'s Tail() is its Tail().
  const MemoryBus* plain_storage_ = nullptr;
  std::unique_ptr<models::EnvironmentModel> model_;
  std::unique_ptr<RetryingModel> retrying_model_;
  std::unique_ptr<RecordingEnvironment> environment_;
  std::unique_ptr<FaultyEnvironment> faulty_environment_;
  std::unique_ptr<MockLlm> llm_;
  std::unique_ptr<FaultyLlm> faulty_llm_;
  std::vector<Slot> slots_;    // fixed order: the scheduler's index; duplicates append
  std::vector<size_t> ready_;  // indexes into slots_, reused every step
  // Indexed like slots_: the component, or null once it has stopped. The
  // scheduler scans this every iteration instead of asking each slot's
  // Stopped() (a virtual call) and striding over the large Slot records.
  std::vector<Component*> schedulable_;
  // Indexed like slots_: an engine-built component's played(), as of its last
  // build, Restore or Step; kNeverPlays for a hook's component. A component
  // with entries past it has work (core/component.h), so the scheduler asks
  // HasWork() (virtual, and a virtual Tail() inside) only of the components
  // that have played up to the tail: after an append, all but its author.
  std::vector<Position> played_;
  static constexpr Position kNeverPlays = std::numeric_limits<Position>::max();
  std::vector<models::ScheduledMail> mails_;
  int64_t finals_per_round_ = 0;
  int64_t round_ = 0;                // the task round whose mail is being delivered
  size_t next_mail_ = 0;             // index into mails_ of the round
  size_t next_policy_ = 0;           // index into scenario_.policy_changes (hot swap)
  int64_t round_start_ms_ = 0;       // mail offsets count from here
  int64_t duplicates_ = 0;           // duplicate instances started
  int64_t policy_version_ = 0;       // the version of the last policy this runner appended
  bool storage_faults_off_ = false;  // the liveness phase turned the storage faults off
  SimReport report_;
  // Null unless a crash fault can fire: without crashes a snapshot is never read.
  std::unique_ptr<SimulatedSnapshotStore> snapshots_;
  std::unique_ptr<Rng> snapshot_rng_;
};

Runner::Runner(const SimOptions& options, const models::Scenario& scenario,
               const std::vector<traces::TraceSink*>& sinks, const SimHooks& hooks)
    : options_(options),
      scenario_(scenario),
      sinks_(sinks),
      hooks_(hooks),
      streams_(options.seed),
      scheduler_(streams_.Stream(kSchedulerStream)),
      injector_(options.faults, streams_, &clock_, sinks,
                options.fault_schedule ? &*options.fault_schedule : nullptr,
                options.record_choices),
      mails_(SortedMails(scenario)),
      finals_per_round_(FinalStepsPerRound(scenario)) {
  report_.seed = options.seed;
  report_.scenario = scenario.name;
  report_.tasks_expected = finals_per_round_ * options.task_repeats;
}

// The mock LLM's options with the fault plan's LLM kinds applied.
MockLlmOptions EffectiveLlmOptions(const SimOptions& options) {
  MockLlmOptions llm = options.llm;
  const FaultPlan& faults = options.faults;
  if (!faults.rate(FaultKind::kLlmInjection).IsZero()) {
    llm.attack_rate = faults.rate(FaultKind::kLlmInjection);
  }
  return llm;
}

StorageFaultRates StorageRates(const FaultPlan& faults) {
  StorageFaultRates rates;
  rates.append_fail = faults.rate(FaultKind::kAppendFail);
  rates.append_delay = faults.rate(FaultKind::kAppendDelay);
  rates.append_timeout = faults.rate(FaultKind::kAppendTimeout);
  rates.torn_write = faults.rate(FaultKind::kTornWrite);
  rates.lost_unacked = faults.rate(FaultKind::kLostUnacked);
  return rates;
}

Status Runner::Setup() {
  std::unique_ptr<AgentBus> storage;
  const StorageFaultRates storage_rates = StorageRates(options_.faults);
  if (storage_rates.AnyOn()) {
    auto simulated = std::make_unique<SimulatedBus>(
        &clock_, streams_, storage_rates, [this](const StorageFault& fault) {
          Result<FaultKind> kind = FaultKindFromName(fault.kind);
          LOGACT_ASSERT(kind.has_value());
          injector_.Record(*kind, "storage",
                           Json{{"pos", fault.pos}, {"outcome", std::string(fault.outcome)}});
          if (fault.outcome == "torn") CountPath("torn_write");
          if (fault.outcome == "unsynced") CountPath("unacked_write");
          if (fault.kind == "lost_unacked" && fault.outcome == "lost") CountPath("lost_unacked");
        });
    simulated->SetFaultGate(&injector_);  // storage faults are scheduled like the others
    storage_ = simulated.get();
    storage = std::move(simulated);
  } else {
    auto memory = std::make_unique<MemoryBus>(&clock_);
    plain_storage_ = memory.get();
    storage = std::move(memory);
  }
  if (hooks_.wrap_bus) {
    plain_storage_ = nullptr;  // the wrapper may answer Tail() its own way
    storage = hooks_.wrap_bus(std::move(storage));
  }
  LOGACT_ASSERT(storage != nullptr);
  bus_owner_ = std::make_unique<RecordingBus>(std::move(storage), &clock_, sinks_,
                                              &scenario_.injected_actions);
  bus_ = bus_owner_.get();
  // A read can make an unknown-outcome append visible (sim/simulated_bus.h):
  // record it before any component can act on it.
  if (storage_ != nullptr) {
    storage_->SetSyncListener([this](Position pos) { bus_->RecordVisibleUpTo(pos + 1); });
  }
  model_ = scenario_.make_environment();
  LOGACT_ASSERT(model_ != nullptr);
  const std::string executor = std::string("executor/") + kExecutorName;
  retrying_model_ = std::make_unique<RetryingModel>(model_.get(), &injector_, executor);
  environment_ =
      std::make_unique<RecordingEnvironment>(retrying_model_.get(), &clock_, executor, sinks_,
                                             &scenario_.safety_spec, &scenario_.injected_actions);
  faulty_environment_ =
      std::make_unique<FaultyEnvironment>(environment_.get(), &injector_, executor);
  llm_ = std::make_unique<MockLlm>(&scenario_, streams_, EffectiveLlmOptions(options_));
  faulty_llm_ = std::make_unique<FaultyLlm>(llm_.get(), &injector_);
  LOGACT_TRY(ApplyTestStreamDraws());

  LOGACT_ASSIGN_OR_RETURN(Entry policy, InitialPolicyEntry(scenario_.initial_policy));
  policy_version_ = policy.policy().version;
  // Storage faults may refuse a write: retry (bounded) until the policy is on the log.
  bool appended = false;
  for (int attempt = 0; attempt < 64 && !appended; ++attempt) appended = AppendFromOutside(policy);
  if (!appended) return InternalError("the bus rejected the scenario's initial policy");

  for (int64_t i = 0; i < scenario_.driver_instances; ++i) {
    LOGACT_TRY(AddSlot(Recipe("driver", kDriverName)));
  }
  for (const models::VoterSpec* spec : BootVoters(scenario_)) {
    ComponentRecipe recipe = Recipe("voter", spec->document.value("voter", std::string()));
    recipe.voter_document = &spec->document;
    LOGACT_TRY(AddSlot(std::move(recipe)));
  }
  LOGACT_TRY(AddSlot(Recipe("decider", kDeciderName)));
  for (int64_t i = 1; i < scenario_.decider_instances; ++i) {
    LOGACT_TRY(AddSlot(Recipe("decider", "d" + std::to_string(i))));
  }
  for (int64_t i = 0; i < scenario_.executor_instances; ++i) {
    ComponentRecipe executor_recipe = Recipe("executor", kExecutorName);
    executor_recipe.environment = faulty_environment_.get();
    LOGACT_TRY(AddSlot(std::move(executor_recipe)));
  }
  ready_.reserve(slots_.size() + kDuplicatesMax);
  for (FaultKind kind : {FaultKind::kCrashDriver, FaultKind::kCrashVoter, FaultKind::kCrashDecider,
                         FaultKind::kCrashExecutor, FaultKind::kCrashMidStep}) {
    if (options_.faults.rate(kind).IsZero() || snapshots_ != nullptr) continue;
    snapshots_ = std::make_unique<SimulatedSnapshotStore>(streams_.Stream(kSnapshotLossStream),
                                                          kSnapshotLoss);
    snapshot_rng_ = std::make_unique<Rng>(streams_.Stream(kSnapshotStream));
  }
  return Status::Ok();
}

ComponentRecipe Runner::Recipe(std::string role, std::string name) {
  ComponentRecipe recipe;
  recipe.role = std::move(role);
  recipe.name = std::move(name);
  recipe.bus = bus_;
  recipe.clock = &clock_;
  recipe.llm = faulty_llm_.get();
  return recipe;
}

Status Runner::AddSlot(ComponentRecipe recipe) {
  Slot slot;
  slot.principal = recipe.role + "/" + recipe.name;
  slot.bus = std::make_unique<CrashPointBus>(bus_, &injector_, slot.principal, plain_storage_);
  recipe.bus = slot.bus.get();
  slot.recipe = std::move(recipe);
  LOGACT_ASSIGN_OR_RETURN(slot.component, Build(slot.recipe, &slot.engine_built));
  slots_.push_back(std::move(slot));
  schedulable_.push_back(nullptr);
  played_.push_back(kNeverPlays);
  RefreshCache(slots_.size() - 1);
  return Status::Ok();
}

Result<std::unique_ptr<Component>> Runner::Build(const ComponentRecipe& recipe,
                                                 bool* engine_built) const {
  if (engine_built != nullptr) *engine_built = false;
  if (hooks_.make_component) {
    std::unique_ptr<Component> replacement = hooks_.make_component(recipe);
    if (replacement != nullptr) return replacement;
  }
  if (engine_built != nullptr) *engine_built = true;
  return MakeDefaultComponent(recipe);
}

Status Runner::ApplyTestStreamDraws() {
  for (const auto& [name, draws] : options_.TEST_stream_draws) {
    Random* stream = name == kSchedulerStream ? &scheduler_ : llm_->TEST_Stream(name);
    if (stream == nullptr) return InvalidArgumentError("test_stream_draws: unknown stream " + name);
    for (uint64_t i = 0; i < draws; ++i) static_cast<void>(stream->NextU64());
  }
  return Status::Ok();
}

bool Runner::AppendFromOutside(const Entry& entry) {
  const Position before = bus_->Tail();
  Result<Position> pos = bus_->Append(entry);
  if (pos.has_value()) return true;
  // Only storage faults fail these appends (external and admin may append
  // them). After an unknown outcome, read the log before retrying: sync what
  // the storage holds, then look for the entry after the old tail.
  LOGACT_ASSERT(pos.error().code() == StatusCode::kUnavailable ||
                pos.error().code() == StatusCode::kUnknownOutcome);
  if (pos.error().code() != StatusCode::kUnknownOutcome) return false;
  if (storage_ != nullptr) storage_->Sync();
  bus_->RecordVisibleUpTo(bus_->Tail());
  Result<std::vector<Entry>> after = bus_->Read(before, bus_->Tail(), TypeFilter::All());
  if (!after.has_value()) return false;
  for (const Entry& found : *after) {
    if (found.type == entry.type && found.author == entry.author &&
        found.payload == entry.payload) {
      return true;
    }
  }
  return false;
}

bool Runner::AllMailDelivered() const {
  return round_ + 1 >= options_.task_repeats && next_mail_ >= mails_.size();
}

int64_t Runner::NextMailMs() const {
  if (next_mail_ >= mails_.size()) return kNeverMs;
  // A follow-up waits for the outputs it answers: no timer, the output's
  // append (a component step) is what makes it due.
  const int64_t outputs_this_round =
      bus_->facts().count(EntryType::kOutput) - finals_per_round_ * round_;
  if (outputs_this_round < mails_[next_mail_].after_outputs) return kNeverMs;
  return round_start_ms_ + mails_[next_mail_].at_ms;
}

bool Runner::MailOrPolicyDue() const {
  const int64_t now_ms = clock_.NowMs();
  if (next_policy_ < scenario_.policy_changes.size() &&
      scenario_.policy_changes[next_policy_].at_ms <= now_ms) {
    return true;
  }
  if (next_mail_ < mails_.size()) return NextMailMs() <= now_ms;
  return round_ + 1 < options_.task_repeats &&
         bus_->facts().count(EntryType::kOutput) >= finals_per_round_ * (round_ + 1);
}

void Runner::DeliverDueMail() {
  // Hot swap: due policy entries go first. A failed append is retried at the
  // next iteration; a duplicate that did land is skipped by every reader
  // (its expected_version no longer matches), so retrying is always safe.
  while (next_policy_ < scenario_.policy_changes.size() &&
         scenario_.policy_changes[next_policy_].at_ms <= clock_.NowMs()) {
    Result<Entry> policy = InitialPolicyEntry(scenario_.policy_changes[next_policy_].policy);
    LOGACT_ASSERT(policy.has_value());  // the scenario is part of this program
    if (!AppendFromOutside(*policy)) break;
    ++next_policy_;
  }
  // A new round starts once the previous one's final outputs are all on the log.
  if (next_mail_ >= mails_.size() && round_ + 1 < options_.task_repeats &&
      bus_->facts().count(EntryType::kOutput) >= finals_per_round_ * (round_ + 1)) {
    ++round_;
    next_mail_ = 0;
    round_start_ms_ = clock_.NowMs();
  }
  while (next_mail_ < mails_.size() && NextMailMs() <= clock_.NowMs()) {
    const models::ScheduledMail& mail = mails_[next_mail_];
    // A mail that storage did not take is delivered again at the next iteration.
    if (!AppendFromOutside(MakeMail("external/" + mail.from, mail.from, mail.body))) break;
    ++next_mail_;
  }
}

int64_t Runner::EarliestWakeMs() const {
  int64_t wake = NextMailMs();
  if (next_policy_ < scenario_.policy_changes.size()) {
    wake = std::min(wake, scenario_.policy_changes[next_policy_].at_ms);
  }
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Component& component = *slots_[i].component;
    // Checks the cache CollectReady relies on at every clock jump, for free:
    // this loop needs every Stopped() anyway.
    const bool stopped = component.Stopped();
    LOGACT_ASSERT_EQ(stopped, slots_[i].stopped);
    if (slots_[i].engine_built) LOGACT_ASSERT_EQ(component.played(), played_[i]);
    if (!stopped) wake = std::min(wake, component.NextWakeMs());
  }
  return wake;
}

void Runner::CollectReady() {
  ready_.clear();
  const Position tail = bus_->Tail();
  const size_t count = schedulable_.size();
  for (size_t i = 0; i < count; ++i) {
    const Component* component = schedulable_[i];
    if (component == nullptr) continue;
    if (tail > played_[i] || component->HasWork()) ready_.push_back(i);
  }
}

void Runner::StepOne() {
  // The stream is drawn as always; the injector may replay a recorded choice
  // or the default instead (sim/fault_schedule.h).
  const size_t pick =
      ready_.size() == 1 ? 0 : injector_.Choose(scheduler_.Uniform(ready_.size()), ready_.size());
  const size_t index = ready_[pick];
  if (pick != 0) injector_.NameChoice(slots_[index].principal);
  Component* component = slots_[index].component.get();
  Status status = component->Step();
  ++report_.steps;
  if (!status.ok()) {
    // The component stays consistent with the log and retries on a later step.
    if (report_.step_errors++ == 0) {
      report_.first_step_error = component->principal() + ": " + status.ToString();
    }
  }
  AfterStep(index);
  const int64_t cost =
      options_.step_cost_ms_min == options_.step_cost_ms_max
          ? options_.step_cost_ms_min
          : scheduler_.UniformInRange(options_.step_cost_ms_min, options_.step_cost_ms_max);
  clock_.AdvanceBy(cost);
}

void Runner::AfterStep(size_t index) {
  Slot& slot = slots_[index];
  if (slot.bus->crashed()) {
    CountPath("crash_mid_step");
    Restart(index);
    return;
  }
  RefreshCache(index);
  // "driver_fenced" and "executor_fenced". There is no "decider_fenced": SPEC §2
  // gives deciders no election and no marker, because a second decider is
  // harmless (decisions are final, the first on the log wins for every reader,
  // and duplicates agree), so a decider never stops and fencing it would only
  // add a way to stall the agent. The duplicate-decider scenario and fault run
  // two deciders side by side; that path is "duplicate_decider".
  if (slot.stopped && !slot.stopped_counted) {
    slot.stopped_counted = true;
    CountPath(slot.recipe.role + "_fenced");
  }
  if (slot.catch_up != kNoPosition && slot.component->played() >= slot.catch_up) {
    slot.catch_up = kNoPosition;
    const Position pos = slot.component->played();
    const std::string digest = slot.component->StateDigest();
    EmitState(slot.principal, pos, digest);
    const std::string reference = ReferenceDigest(slot, pos);
    ++report_.rec_state_checks;
    if (reference != digest) {
      report_.rec_state_failures.push_back(slot.principal + " at " + std::to_string(pos) +
                                           ": digest " + digest + ", crash-free replay " +
                                           reference);
    }
  }
  MaybeSnapshot(slot);
}

void Runner::RefreshCache(size_t index) {
  Slot& slot = slots_[index];
  slot.stopped = slot.component->Stopped();
  schedulable_[index] = slot.stopped ? nullptr : slot.component.get();
  played_[index] = slot.engine_built ? slot.component->played() : kNeverPlays;
}

void Runner::MaybeSnapshot(const Slot& slot) {
  if (snapshots_ == nullptr || slot.stopped) return;
  if (!snapshot_rng_->Chance(kSnapshotChance)) return;
  std::optional<Snapshot> snapshot = slot.component->TakeSnapshot();
  if (!snapshot.has_value()) return;
  LOGACT_ASSERT_EQ(snapshot->last_pos + 1, slot.component->played());
  Status saved = snapshots_->Save(slot.principal, std::move(*snapshot));
  LOGACT_ASSERT(saved.ok());  // the simulated store loses writes only at a crash
}

std::optional<Snapshot> Runner::SnapshotAfterCrash(const Slot& slot) {
  if (snapshots_ == nullptr) return std::nullopt;
  if (snapshots_->Crash(slot.principal)) CountPath("snapshot_lost");
  Result<Snapshot> latest = snapshots_->LoadLatest(slot.principal);
  if (!latest.has_value()) return std::nullopt;
  return std::move(latest).value();
}

std::string Runner::ReferenceDigest(const Slot& slot, Position end) const {
  PrefixBus prefix(bus_, end);
  RefusingLlm llm;
  RefusingEnvironment environment;
  ComponentRecipe recipe = slot.recipe;
  recipe.bus = &prefix;
  recipe.llm = &llm;
  if (recipe.environment != nullptr) recipe.environment = &environment;
  recipe.snapshot = nullptr;
  Result<std::unique_ptr<Component>> replica = Build(recipe);
  LOGACT_ASSERT(replica.has_value());
  for (int64_t steps = 0; (*replica)->played() < end && steps < kReplicaStepsMax; ++steps) {
    static_cast<void>((*replica)->Step());  // its appends fail by design
  }
  return (*replica)->StateDigest();
}

void Runner::EmitState(const std::string& target, Position pos, const std::string& digest) {
  if (sinks_.empty()) return;
  traces::StateRecord state;
  state.ts = clock_.NowMs();
  state.target = target;
  state.pos = pos;
  state.digest = digest;
  EmitRecord(sinks_, traces::TraceRecord(std::move(state)));
}

void Runner::Restart(size_t index) {
  Slot& slot = slots_[index];
  if (hooks_.on_crash) hooks_.on_crash(slot.principal);
  // The storage loses what it had not synced when the process holding it died.
  if (storage_ != nullptr && storage_->Crash() > 0) CountPath("lost_unacked");
  const bool executor_with_pending_commit =
      slot.recipe.role == "executor" &&
      std::any_of(bus_->facts().open_intents.begin(), bus_->facts().open_intents.end(),
                  [](const BusFacts::OpenIntent& open) { return open.committed; });
  slot.component.reset();
  slot.bus = std::make_unique<CrashPointBus>(bus_, &injector_, slot.principal, plain_storage_);
  slot.recipe.bus = slot.bus.get();
  const std::optional<Snapshot> snapshot = SnapshotAfterCrash(slot);
  slot.recipe.snapshot = snapshot.has_value() ? &*snapshot : nullptr;
  Result<std::unique_ptr<Component>> rebuilt = Build(slot.recipe, &slot.engine_built);
  slot.recipe.snapshot = nullptr;      // `snapshot` dies with this call
  LOGACT_ASSERT(rebuilt.has_value());  // the same recipe built it at boot
  slot.component = std::move(rebuilt).value();
  Position from_pos = 0;
  // A component without snapshot support (a test replacement) refuses the
  // snapshot and replays from position 0, which is always correct.
  // from_pos is where replay starts: last_pos + 1 for a correct component.
  if (snapshot.has_value() && slot.component->Restore(*snapshot).ok()) {
    from_pos = slot.component->played();
  }
  RefreshCache(index);
  slot.stopped_counted = false;
  slot.catch_up = bus_->Tail();
  ++report_.restarts;
  CountPath(from_pos > 0 ? "restore_from_snapshot" : "replay_from_zero");
  if (executor_with_pending_commit) CountPath("executor_restart_after_effect");
  if (!sinks_.empty()) {
    traces::RestartRecord record;
    record.ts = clock_.NowMs();
    record.target = slot.principal;
    record.from_pos = from_pos;
    EmitRecord(sinks_, traces::TraceRecord(std::move(record)));
  }
}

void Runner::CrashOneOf(FaultKind kind, std::string_view role) {
  std::vector<size_t> candidates;
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].recipe.role == role && !slots_[i].stopped) candidates.push_back(i);
  }
  if (candidates.empty()) return;
  const size_t pick = candidates.size() == 1
                          ? 0
                          : static_cast<size_t>(injector_.Draw(
                                kind, 0, static_cast<int64_t>(candidates.size()) - 1));
  const size_t index = candidates[pick];
  injector_.Record(kind, slots_[index].principal);
  Restart(index);
}

void Runner::Duplicate(FaultKind kind, std::string role, std::string name) {
  if (duplicates_ >= kDuplicatesMax) return;
  ++duplicates_;
  ComponentRecipe recipe = Recipe(role, name);
  injector_.Record(kind, role + "/" + name);
  Status added = AddSlot(std::move(recipe));
  LOGACT_ASSERT(added.ok());  // the same recipe built the first instance
  CountPath(std::string(FaultKindName(kind)));
}

void Runner::ChangePolicy() {
  // Re-applies the scenario's policy under the next version: every component
  // must switch configurations mid-run without changing any decision rule.
  PolicyPayload payload;
  payload.version = policy_version_ + 1;
  payload.expected_version = policy_version_;
  const Json& initial = scenario_.initial_policy;
  if (initial.contains("decider")) payload.decider = initial.at("decider");
  if (initial.contains("voters")) payload.voters = initial.at("voters");
  injector_.Record(FaultKind::kPolicyChange, "admin/root", Json{{"version", payload.version}});
  if (AppendFromOutside(MakePolicy(kAdminPrincipal, std::move(payload)))) ++policy_version_;
}

void Runner::InjectStepFaults() {
  if (!injector_.Active()) {
    if (storage_ != nullptr && !storage_faults_off_) {
      storage_->SetRates(StorageFaultRates{});  // the liveness phase is fault-free
      storage_faults_off_ = true;
    }
    return;
  }
  if (injector_.Fires(FaultKind::kCrashDriver)) CrashOneOf(FaultKind::kCrashDriver, "driver");
  if (injector_.Fires(FaultKind::kCrashVoter)) CrashOneOf(FaultKind::kCrashVoter, "voter");
  if (injector_.Fires(FaultKind::kCrashDecider)) CrashOneOf(FaultKind::kCrashDecider, "decider");
  if (injector_.Fires(FaultKind::kCrashExecutor)) {
    CrashOneOf(FaultKind::kCrashExecutor, "executor");
  }
  if (injector_.Fires(FaultKind::kDuplicateDriver)) {
    Duplicate(FaultKind::kDuplicateDriver, "driver", kDriverName);
  }
  if (injector_.Fires(FaultKind::kDuplicateDecider)) {
    Duplicate(FaultKind::kDuplicateDecider, "decider", "dup" + std::to_string(duplicates_ + 1));
  }
  if (injector_.Fires(FaultKind::kPolicyChange)) ChangePolicy();
  if (injector_.Fires(FaultKind::kClockJump)) {
    const int64_t jump_ms = injector_.Draw(FaultKind::kClockJump, 1, kClockJumpMsMax);
    injector_.Record(FaultKind::kClockJump, "clock", Json{{"ms", jump_ms}});
    clock_.AdvanceBy(jump_ms);
  }
}

void Runner::Loop() {
  const int64_t tasks_expected = report_.tasks_expected;
  for (;;) {
    if (report_.steps + report_.clock_jumps >= options_.steps_max) {
      report_.liveness_failure = "step limit " + std::to_string(options_.steps_max) +
                                 " reached; pending: " + DescribePending();
      return;
    }
    if (MailOrPolicyDue()) DeliverDueMail();
    InjectStepFaults();
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
  for (const Slot& slot : slots_) {
    const Component& component = *slot.component;
    if (component.Stopped()) {
      add(component.principal() + " stopped");
    } else if (component.HasWork()) {
      add(component.principal() + " has work");
    } else if (component.NextWakeMs() != kNeverMs) {
      add(component.principal() + " waits until " + std::to_string(component.NextWakeMs()) + " ms");
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
  bus_->RecordVisibleUpTo(bus_->Tail());
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
  // The model's recovery decisions after an executor restart (sim/mock_llm.h).
  if (report_.llm.probe_reproposed > 0) {
    report_.recovery_paths["executor_probe_reproposed"] += report_.llm.probe_reproposed;
  }
  if (report_.llm.probe_skipped > 0) {
    report_.recovery_paths["executor_probe_skipped"] += report_.llm.probe_skipped;
  }
  report_.env_digest = environment_->StateDigest();
  report_.faults_injected = injector_.injected();
  report_.fault_schedule = injector_.recorded();
  // The liveness phase starts when faults stop: at the end of the safety
  // phase if any fault was injected, else at 0. The bound counts from there.
  const int64_t liveness_start_ms =
      injector_.last_fault_ms() < 0
          ? 0
          : std::max(options_.faults.safety_phase_ms, injector_.last_fault_ms());
  report_.liveness_start_ms = liveness_start_ms;
  report_.within_liveness_bound =
      report_.finished &&
      report_.virtual_time_ms <=
          liveness_start_ms + scenario_.liveness_bound_ms * options_.task_repeats;
  if (options_.state_records && !sinks_.empty()) {
    traces::StateRecord env;
    env.ts = clock_.NowMs();
    env.target = "env";
    env.pos = bus_->Tail();
    env.digest = report_.env_digest;
    EmitRecord(sinks_, traces::TraceRecord(std::move(env)));
    for (const Slot& slot : slots_) {
      EmitState(slot.component->principal(), slot.component->played(),
                slot.component->StateDigest());
    }
  }
  for (size_t i = 0; i < slots_.size(); ++i) {
    LOGACT_ASSERT_EQ(slots_[i].component->Stopped(), slots_[i].stopped);
    if (slots_[i].engine_built) LOGACT_ASSERT_EQ(slots_[i].component->played(), played_[i]);
  }
  return report_;
}

}  // namespace

namespace {

// A run of validated options whose scenario name is scenario.name.
Result<SimReport> RunScenario(const SimOptions& options, const models::Scenario& scenario,
                              const std::vector<traces::TraceSink*>& sinks, const SimHooks& hooks) {
  LOGACT_ASSERT(options.scenario == scenario.name);
  SetAssertContext("seed=" + std::to_string(options.seed) + "; repro: logact sim --scenario " +
                   options.scenario + " --seed " + std::to_string(options.seed));
  const traces::TraceHeader header = SimHeader(options);
  for (traces::TraceSink* sink : sinks) sink->OnHeader(header);
  Runner runner(options, scenario, sinks, hooks);
  LOGACT_TRY(runner.Setup());
  runner.Loop();
  return runner.Finish();
}

}  // namespace

Result<SimReport> RunSimulation(const SimOptions& options,
                                const std::vector<traces::TraceSink*>& sinks,
                                const SimHooks& hooks) {
  LOGACT_TRY(ValidateSimOptions(options));
  const models::Scenario* scenario = models::FindScenario(options.scenario);
  if (scenario == nullptr) return NotFoundError("unknown scenario '" + options.scenario + "'");
  return RunScenario(options, *scenario, sinks, hooks);
}

Result<SimReport> RunSimulation(const SimOptions& options, const models::Scenario& scenario,
                                const std::vector<traces::TraceSink*>& sinks,
                                const SimHooks& hooks) {
  if (scenario.name.empty()) return InvalidArgumentError("scenario: the name must not be empty");
  if (!scenario.make_environment) {
    return InvalidArgumentError("scenario " + scenario.name + ": make_environment is not set");
  }
  SimOptions named = options;
  named.scenario = scenario.name;
  LOGACT_TRY(ValidateSimOptions(named));
  return RunScenario(named, scenario, sinks, hooks);
}

}  // namespace logact::sim
