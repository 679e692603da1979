// The swarm runner: see cli/swarm_runner.h.
//
// Why worker processes and not threads: a run that trips a LOGACT_ASSERT
// aborts its process (that is how the simulator reports our own bugs), and
// the assertion context is process-global; a forked worker confines both to
// one work item, which becomes a "crash" row while the swarm goes on.
#include "cli/swarm_runner.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <iomanip>
#include <iostream>
#include <limits>
#include <set>
#include <utility>

#include "cli/sim_runner.h"
#include "cli/swarm_schema.h"
#include "core/limits.h"
#include "models/scenario.h"
#include "properties/invariant_ids.h"
#include "sim/fault_plan.h"

namespace logact::cli {
namespace {

// Rows are written in transactions of this many: few enough fsyncs for a
// million seeds, small enough that an interrupted swarm keeps most rows.
constexpr size_t kRowsPerTransaction = 512;
constexpr int64_t kMaxSeed = std::numeric_limits<int64_t>::max();

// The work items of a configuration: (scenario, seed) by index, scenario-major.
class WorkPlan {
 public:
  explicit WorkPlan(const SwarmConfig& config) : config_(config) {
    const uint64_t n = config.shard_count;
    const uint64_t offset = (config.shard_index + n - config.first_seed % n) % n;
    if (config.last_seed - config.first_seed >= offset) {
      first_ = config.first_seed + offset;
      per_scenario_ = static_cast<int64_t>((config.last_seed - first_) / n + 1);
    }
  }
  int64_t count() const { return per_scenario_ * static_cast<int64_t>(config_.scenarios.size()); }
  const std::string& ScenarioAt(int64_t index) const {
    return config_.scenarios[static_cast<size_t>(index / per_scenario_)];
  }
  uint64_t SeedAt(int64_t index) const {
    return first_ + static_cast<uint64_t>(index % per_scenario_) * config_.shard_count;
  }

 private:
  const SwarmConfig& config_;
  uint64_t first_ = 0;
  int64_t per_scenario_ = 0;
};

// "DEC-JUSTIFIED" -> "decider": the component an invariant family speaks of.
std::string FamilyComponent(const std::string& invariant) {
  if (invariant.rfind("LOG-", 0) == 0) return "bus";
  if (invariant.rfind("DEC-", 0) == 0) return "decider";
  if (invariant.rfind("EXE-", 0) == 0 || invariant == "RES-MATCH" ||
      invariant == "ENV-CONSISTENT") {
    return "executor";
  }
  if (invariant.rfind("DRV-", 0) == 0) return "driver";
  if (invariant == "SAFE-SPEC") return "voter";
  if (invariant == "REF-INTENT") return "log";
  if (invariant == "REC-STATE") return "recovery";
  if (invariant == "LIVE-DECIDE") return "liveness";
  return "sim";
}

// The fault plan of one seed: "swarm" draws a different plan per seed.
Status ApplyFaultsFlag(const std::string& faults, uint64_t seed, sim::SimOptions* options) {
  LOGACT_ASSIGN_OR_RETURN(options->faults, sim::ParseFaultPlan(faults, seed));
  return Status::Ok();
}

std::string Repro(const sim::SimOptions& options, const std::string& faults) {
  std::string command = ReproCommand(options);
  if (faults != "none" && command.find("--faults") == std::string::npos) {
    command += " --faults " + faults;
  }
  return command;
}

// The window of trace lines a violation speaks of: from just after the last
// entry record before its first involved record (so the faults injected right
// before that record count) to its last involved record. A violation without
// records (LIVE-DECIDE: the run stalled) takes the window after the trace's
// second-to-last entry: the stall follows whatever happened around the last one.
std::pair<int64_t, int64_t> ViolationWindow(const std::vector<int64_t>& entry_lines,
                                            const std::vector<int64_t>& involved,
                                            int64_t last_line) {
  if (involved.empty()) {
    const size_t n = entry_lines.size();
    return {n >= 2 ? entry_lines[n - 2] + 1 : 1, last_line};
  }
  int64_t from = 1;
  for (int64_t line : entry_lines) {
    if (line >= involved.front()) break;
    from = line + 1;
  }
  return {from, involved.back()};
}

}  // namespace

std::vector<std::string> ImplicatedFaultKinds(const std::string& trace_text,
                                              const std::vector<int64_t>& involved_lines,
                                              const std::string& component) {
  const bool is_role = component == "driver" || component == "voter" || component == "decider" ||
                       component == "executor";
  std::vector<int64_t> entry_lines;
  std::vector<std::pair<int64_t, std::string>> faults;  // (line, kind)
  int64_t line = 0;
  size_t at = 0;
  while (at < trace_text.size()) {
    size_t end = trace_text.find('\n', at);
    if (end == std::string::npos) end = trace_text.size();
    ++line;
    const Json record = Json::parse(trace_text.begin() + static_cast<std::ptrdiff_t>(at),
                                    trace_text.begin() + static_cast<std::ptrdiff_t>(end), nullptr,
                                    /*allow_exceptions=*/false);
    at = end + 1;
    if (!record.is_object() || !record.contains("kind") || !record["kind"].is_string()) continue;
    const std::string& kind = record["kind"].get_ref<const std::string&>();
    if (kind == "entry") entry_lines.push_back(line);
    if (kind != "fault" || !record.contains("fault") || !record["fault"].is_string()) continue;
    const std::string target = record.value("target", std::string());
    const std::string target_role = target.substr(0, target.find('/'));
    if (!is_role || target_role == component || target == "storage") {
      faults.emplace_back(line, record["fault"].get<std::string>());
    }
  }
  const auto [from, to] = ViolationWindow(entry_lines, involved_lines, line);
  std::set<std::string> kinds;
  for (const auto& [fault_line, kind] : faults) {
    if (fault_line >= from && fault_line <= to) kinds.insert(kind);
  }
  return {kinds.begin(), kinds.end()};
}

namespace {

void FillFromOutcome(const SimOutcome& outcome, SwarmRow* row) {
  for (const auto& [kind, count] : outcome.run.faults_injected) {
    if (count > 0) row->fault_kinds.push_back(kind);
  }
  for (const auto& [path, count] : outcome.run.recovery_paths) {
    if (count > 0) row->recovery_paths[path] = count;
  }
  row->entries = outcome.run.entries;
  row->steps = static_cast<int64_t>(outcome.run.steps);
  row->virtual_time_ms = outcome.run.virtual_time_ms;
  row->violations = outcome.check.ViolatedIds();
  if (!outcome.live_decide_ok) row->violations.push_back(std::string(properties::kLiveDecide));
  if (row->violations.empty()) {
    row->outcome = swarm_schema::kOutcomePass;
    return;
  }
  row->outcome = swarm_schema::kOutcomeFail;
  // The earliest violation in the trace is the likeliest cause; the rest
  // are often its consequences.
  std::string invariant(properties::kLiveDecide);
  row->message = outcome.live_decide_message;
  if (!outcome.check.violations.empty()) {
    invariant = outcome.check.violations.front().invariant;
    row->message = outcome.check.violations.front().message;
  }
  row->component = ImplicatedComponent(invariant, row->message);
}

}  // namespace

Status ValidateSwarmConfig(const SwarmConfig& config) {
  if (config.scenarios.empty()) return InvalidArgumentError("--scenario: no scenario");
  for (const std::string& name : config.scenarios) {
    if (models::FindScenario(name) == nullptr) {
      return InvalidArgumentError("--scenario: unknown scenario '" + name +
                                  "' (see `logact scenarios`)");
    }
  }
  if (config.first_seed > config.last_seed) {
    return InvalidArgumentError("--seeds: A must not exceed B");
  }
  if (config.last_seed > static_cast<uint64_t>(kMaxSeed)) {
    return InvalidArgumentError("--seeds: seeds must not exceed 2^63-1");
  }
  if (config.shard_count == 0 || config.shard_index >= config.shard_count) {
    return InvalidArgumentError("--shard: need 0 <= i < n");
  }
  if (config.jobs < 1 || config.jobs > limits::kSwarmJobsMax) {
    return InvalidArgumentError("--jobs: need 1 <= K <= " + std::to_string(limits::kSwarmJobsMax));
  }
  sim::SimOptions probe;
  return ApplyFaultsFlag(config.faults, config.first_seed, &probe).WithContext("--faults");
}

int64_t SwarmItemCount(const SwarmConfig& config) { return WorkPlan(config).count(); }

std::string ImplicatedComponent(const std::string& invariant, const std::string& message) {
  const std::string family = FamilyComponent(invariant);
  if (family != "recovery" && family != "liveness") return family;
  // REC-STATE and LIVE-DECIDE name the principal in their message.
  size_t best = std::string::npos;
  std::string role = family;
  for (const char* candidate : {"driver/", "voter/", "decider/", "executor/"}) {
    const size_t at = message.find(candidate);
    if (at < best) {
      best = at;
      role = std::string(candidate, std::strlen(candidate) - 1);
    }
  }
  return role;
}

std::string SwarmSignature(const std::string& invariant, const std::string& component,
                           const std::vector<std::string>& fault_kinds) {
  std::string kinds;
  for (const std::string& kind : fault_kinds) kinds += (kinds.empty() ? "" : ",") + kind;
  return invariant + " " + component + " [" + kinds + "]";
}

// The names sim/simulation.h documents for SimReport::recovery_paths; a path
// the simulator reports that is missing here is still counted and shown.
// There is no "decider_fenced": deciders are never fenced (SPEC §2; see
// Runner::AfterStep in sim/simulation.cc), so listing it only showed UNREACHED.
std::vector<std::string> KnownRecoveryPaths() {
  return {"replay_from_zero",
          "restore_from_snapshot",
          "crash_mid_step",
          "executor_restart_after_effect",
          "executor_probe_reproposed",
          "executor_probe_skipped",
          "driver_fenced",
          "executor_fenced",
          "duplicate_driver",
          "duplicate_decider",
          "torn_write",
          "unacked_write",
          "lost_unacked"};
}

SwarmRow RunSwarmSeed(const std::string& scenario, uint64_t seed, const std::string& faults) {
  const auto start = std::chrono::steady_clock::now();
  SwarmRow row;
  row.scenario = scenario;
  row.seed = seed;
  row.faults = faults;
  sim::SimOptions options;
  options.scenario = scenario;
  options.seed = seed;
  Status applied = ApplyFaultsFlag(faults, seed, &options);
  row.repro = Repro(options, faults);
  Result<SimOutcome> outcome =
      applied.ok() ? RunCheckedSimulation(options, "") : Result<SimOutcome>(applied);
  if (outcome.has_value()) {
    FillFromOutcome(*outcome, &row);
    if (!row.passed()) {
      // Rerun (deterministic) to keep the trace, so the signature names only
      // the fault kinds around the violation, not every kind the run injected.
      std::string trace_text;
      Result<SimOutcome> again = RunCheckedSimulation(options, "", &trace_text);
      std::vector<int64_t> involved;
      std::string invariant(properties::kLiveDecide);
      if (again.has_value() && !again->check.violations.empty()) {
        involved = again->check.violations.front().lines;
        invariant = again->check.violations.front().invariant;
      }
      row.signature = SwarmSignature(invariant, row.component,
                                     ImplicatedFaultKinds(trace_text, involved, row.component));
    }
  } else {
    row.outcome = swarm_schema::kOutcomeError;
    row.component = "sim";
    row.message = outcome.error().ToString();
    row.signature = "ERROR sim [" + std::string(StatusCodeName(outcome.error().code())) + "]";
  }
  row.wall_time_us = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  return row;
}

namespace {

// The bracketed kinds of a signature ("INV component [a,b]" -> {a, b}).
std::vector<std::string> SignatureFaultKinds(const std::string& signature) {
  const size_t open = signature.rfind('[');
  const size_t close = signature.rfind(']');
  std::vector<std::string> kinds;
  if (open == std::string::npos || close == std::string::npos || close < open) return kinds;
  std::string kind;
  for (size_t i = open + 1; i <= close; ++i) {
    if (i == close || signature[i] == ',') {
      if (!kind.empty()) kinds.push_back(kind);
      kind.clear();
    } else {
      kind += signature[i];
    }
  }
  return kinds;
}

}  // namespace

void SwarmSummary::Add(const SwarmRow& row) {
  ++seeds_;
  entries_ += row.entries;
  wall_time_us_ += row.wall_time_us;
  scenarios_.insert(row.scenario);
  for (const auto& [path, count] : row.recovery_paths) recovery_paths_[path] += count;
  if (row.passed()) {
    ++passed_;
    return;
  }
  auto [it, inserted] = groups_.try_emplace(row.signature);
  Group& group = it->second;
  if (inserted) {
    group.invariant = row.violations.empty() ? row.outcome : row.violations.front();
    group.component = row.component;
    group.fault_kinds = SignatureFaultKinds(row.signature);
    group.first_seed = row.seed;
    group.first_scenario = row.scenario;
    group.repro = row.repro;
  }
  ++group.count;
}

namespace {

// Every known path, with 0 for the ones no seed reached, plus any other path reported.
std::map<std::string, int64_t> AllPaths(const std::map<std::string, int64_t>& counted) {
  std::map<std::string, int64_t> all;
  for (const std::string& path : KnownRecoveryPaths()) all[path] = 0;
  for (const auto& [path, count] : counted) all[path] += count;
  return all;
}

}  // namespace

Json SwarmSummary::ToJson() const {
  std::vector<const std::pair<const std::string, Group>*> ordered;
  for (const auto& entry : groups_) ordered.push_back(&entry);
  // Most frequent first; ties by signature, so the order is deterministic.
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto* a, const auto* b) { return a->second.count > b->second.count; });
  Json signatures = Json::array();
  for (const auto* entry : ordered) {
    const Group& group = entry->second;
    signatures.push_back({{"signature", entry->first},
                          {"count", group.count},
                          {"invariant", group.invariant},
                          {"component", group.component},
                          {"fault_kinds", group.fault_kinds},
                          {"first_scenario", group.first_scenario},
                          {"first_seed", group.first_seed},
                          {"repro", group.repro}});
  }
  Json paths = Json::object();
  for (const auto& [path, count] : AllPaths(recovery_paths_)) paths[path] = count;
  return Json{{"ok", failed() == 0},     {"seeds", seeds_},        {"passed", passed_},
              {"failed", failed()},      {"entries", entries_},    {"signatures", signatures},
              {"recovery_paths", paths}, {"scenarios", scenarios_}};
}

void SwarmSummary::Print(std::ostream& out) const {
  out << "swarm: " << seeds_ << " runs (" << scenarios_.size() << " scenario"
      << (scenarios_.size() == 1 ? "" : "s") << "): " << passed_ << " passed, " << failed()
      << " failed; " << entries_ << " entries, " << std::fixed << std::setprecision(1)
      << static_cast<double>(wall_time_us_) / 1e6 << " s of run time\n";
  const Json json = ToJson();
  if (!json["signatures"].empty()) {
    out << "failures by signature (count, signature: first failing seed's repro):\n";
    for (const Json& group : json["signatures"]) {
      out << std::setw(8) << group["count"].get<int64_t>() << "  "
          << group["signature"].get<std::string>() << "\n"
          << "          first: " << group["repro"].get<std::string>() << "\n";
    }
  }
  out << "recovery paths (runs across all seeds; 0 = no seed reached it):\n";
  if (json["recovery_paths"].empty()) out << "  (the simulator reported no recovery path)\n";
  for (const auto& [path, count] : json["recovery_paths"].items()) {
    out << "  " << std::left << std::setw(40) << path << std::right << std::setw(10)
        << count.get<int64_t>() << (count.get<int64_t>() == 0 ? "  UNREACHED" : "") << "\n";
  }
}

namespace {

// One worker process: reads work-item indices (one per line) and answers each
// with one JSON line {"index":i,"row":{...}}. Never returns.
[[noreturn]] void WorkerMain(const WorkPlan& plan, const std::string& faults, int in_fd,
                             int out_fd) {
  FILE* in = fdopen(in_fd, "r");
  char line[64];
  while (in != nullptr && std::fgets(line, sizeof(line), in) != nullptr) {
    const int64_t index = std::strtoll(line, nullptr, 10);
    const SwarmRow row = RunSwarmSeed(plan.ScenarioAt(index), plan.SeedAt(index), faults);
    const std::string answer = Json{{"index", index}, {"row", row.ToJson()}}.dump() + "\n";
    size_t written = 0;
    while (written < answer.size()) {
      const ssize_t n = write(out_fd, answer.data() + written, answer.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) _exit(3);  // the parent went away
      written += static_cast<size_t>(n);
    }
  }
  _exit(0);  // no atexit handlers, no flush of buffers inherited from the parent
}

struct Worker {
  pid_t pid = -1;
  int to_fd = -1;    // the parent writes work-item indices here
  int from_fd = -1;  // and reads answers here
  std::string buffer;
  int64_t in_flight = -1;
};

void CloseFd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

// The pool: spawns workers, hands out items, turns answers and deaths into rows.
class WorkerPool {
 public:
  WorkerPool(const SwarmConfig& config, const WorkPlan& plan)
      : config_(config), plan_(plan), workers_(static_cast<size_t>(config.jobs)) {}
  ~WorkerPool();
  // Runs until every item has a row in done(); `on_rows` drains them.
  Status Run(const std::function<Status(std::map<int64_t, SwarmRow>*)>& on_rows);

 private:
  Status Spawn(Worker* worker);
  void Assign(Worker* worker);
  Status Drain(Worker* worker);
  Status HandleExit(Worker* worker);
  bool WorkLeft() const { return !retry_.empty() || next_ < plan_.count(); }

  const SwarmConfig& config_;
  const WorkPlan& plan_;
  std::vector<Worker> workers_;
  int64_t next_ = 0;
  std::deque<int64_t> retry_;  // items handed to a worker that died before reading them
  std::map<int64_t, SwarmRow> done_;
};

WorkerPool::~WorkerPool() {
  for (Worker& worker : workers_) {
    CloseFd(&worker.to_fd);
    CloseFd(&worker.from_fd);
    if (worker.pid > 0) {
      kill(worker.pid, SIGKILL);
      waitpid(worker.pid, nullptr, 0);
    }
  }
}

Status WorkerPool::Spawn(Worker* worker) {
  int to[2];
  int from[2];
  if (pipe(to) != 0) return UnavailableError(std::string("pipe: ") + std::strerror(errno));
  if (pipe(from) != 0) {
    close(to[0]);
    close(to[1]);
    return UnavailableError(std::string("pipe: ") + std::strerror(errno));
  }
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return UnavailableError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    close(to[1]);
    close(from[0]);
    // Other workers' pipe ends must not stay open here, or they never see EOF.
    for (Worker& other : workers_) {
      if (other.to_fd >= 0) close(other.to_fd);
      if (other.from_fd >= 0) close(other.from_fd);
    }
    WorkerMain(plan_, config_.faults, to[0], from[1]);
  }
  close(to[0]);
  close(from[1]);
  worker->pid = pid;
  worker->to_fd = to[1];
  worker->from_fd = from[0];
  worker->buffer.clear();
  worker->in_flight = -1;
  return Status::Ok();
}

void WorkerPool::Assign(Worker* worker) {
  if (!WorkLeft()) {
    CloseFd(&worker->to_fd);  // EOF: the worker exits
    return;
  }
  int64_t index = next_;
  if (!retry_.empty()) {
    index = retry_.front();
    retry_.pop_front();
  } else {
    ++next_;
  }
  const std::string line = std::to_string(index) + "\n";
  // A line this short is written atomically into an empty pipe.
  if (write(worker->to_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    retry_.push_back(index);  // the worker died; HandleExit respawns it
    CloseFd(&worker->to_fd);
    return;
  }
  worker->in_flight = index;
}

Status WorkerPool::Drain(Worker* worker) {
  size_t newline = 0;
  while ((newline = worker->buffer.find('\n')) != std::string::npos) {
    const std::string line = worker->buffer.substr(0, newline);
    worker->buffer.erase(0, newline + 1);
    Json answer;
    try {
      answer = Json::parse(line);
    } catch (const std::exception& e) {
      return InternalError(std::string("swarm worker sent a bad line: ") + e.what());
    }
    const int64_t index = answer.value("index", int64_t{-1});
    if (index != worker->in_flight) return InternalError("swarm worker answered the wrong item");
    LOGACT_ASSIGN_OR_RETURN(SwarmRow row, SwarmRow::FromJson(answer["row"]));
    done_[index] = std::move(row);
    worker->in_flight = -1;
    Assign(worker);
  }
  return Status::Ok();
}

// The worker's pipe closed: reap it; an item in flight died with it.
Status WorkerPool::HandleExit(Worker* worker) {
  CloseFd(&worker->from_fd);
  CloseFd(&worker->to_fd);
  int status = 0;
  waitpid(worker->pid, &status, 0);
  worker->pid = -1;
  if (worker->in_flight >= 0) {
    const int64_t index = worker->in_flight;
    SwarmRow row;
    row.scenario = plan_.ScenarioAt(index);
    row.seed = plan_.SeedAt(index);
    row.faults = config_.faults;
    row.outcome = swarm_schema::kOutcomeCrash;
    row.component = "process";
    const std::string how = WIFSIGNALED(status)
                                ? "signal " + std::to_string(WTERMSIG(status)) + " (" +
                                      strsignal(WTERMSIG(status)) + ")"
                                : "exit status " + std::to_string(WEXITSTATUS(status));
    row.message = "the run died: " + how;
    row.signature = "CRASH process [" + how + "]";
    sim::SimOptions options;
    options.scenario = row.scenario;
    options.seed = row.seed;
    static_cast<void>(ApplyFaultsFlag(config_.faults, row.seed, &options));
    row.repro = Repro(options, config_.faults);
    done_[index] = std::move(row);
    worker->in_flight = -1;
  }
  if (WorkLeft()) {
    LOGACT_TRY(Spawn(worker));
    Assign(worker);
  }
  return Status::Ok();
}

Status WorkerPool::Run(const std::function<Status(std::map<int64_t, SwarmRow>*)>& on_rows) {
  for (Worker& worker : workers_) {
    if (!WorkLeft()) break;
    LOGACT_TRY(Spawn(&worker));
    Assign(&worker);
  }
  std::vector<pollfd> fds;
  std::vector<Worker*> owners;
  char chunk[1 << 16];
  for (;;) {
    fds.clear();
    owners.clear();
    for (Worker& worker : workers_) {
      if (worker.from_fd < 0) continue;
      fds.push_back(pollfd{worker.from_fd, POLLIN, 0});
      owners.push_back(&worker);
    }
    if (fds.empty()) break;
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return UnavailableError(std::string("poll: ") + std::strerror(errno));
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      Worker* worker = owners[i];
      const ssize_t n = read(worker->from_fd, chunk, sizeof(chunk));
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        worker->buffer.append(chunk, static_cast<size_t>(n));
        LOGACT_TRY(Drain(worker));
      } else {
        LOGACT_TRY(HandleExit(worker));
      }
    }
    LOGACT_TRY(on_rows(&done_));
  }
  return on_rows(&done_);
}

// SIGPIPE would kill the swarm when a worker dies with its pipe open; the
// write error is handled instead. Restored on exit.
class IgnoreSigpipe {
 public:
  IgnoreSigpipe() { previous_ = signal(SIGPIPE, SIG_IGN); }
  ~IgnoreSigpipe() { signal(SIGPIPE, previous_); }
  IgnoreSigpipe(const IgnoreSigpipe&) = delete;
  IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;

 private:
  sighandler_t previous_;
};

}  // namespace

Status RunSwarm(const SwarmConfig& config, SwarmDb* db, SwarmSummary* summary,
                const SwarmProgress& progress) {
  LOGACT_TRY(ValidateSwarmConfig(config));
  const WorkPlan plan(config);
  const int64_t total = plan.count();
  int64_t written = 0;
  std::vector<SwarmRow> batch;
  // Rows leave the reorder buffer only in item order, so the database and
  // the summary see the same sequence whatever the number of jobs.
  auto on_rows = [&](std::map<int64_t, SwarmRow>* done) -> Status {
    while (!done->empty() && done->begin()->first == written) {
      SwarmRow row = std::move(done->begin()->second);
      done->erase(done->begin());
      ++written;
      summary->Add(row);
      batch.push_back(std::move(row));
      if (progress) progress(batch.back(), written, total);
      if (batch.size() >= kRowsPerTransaction) {
        LOGACT_TRY(db->Write(batch));
        batch.clear();
      }
    }
    return Status::Ok();
  };
  IgnoreSigpipe ignore_sigpipe;
  WorkerPool pool(config, plan);
  LOGACT_TRY(pool.Run(on_rows));
  if (!batch.empty()) LOGACT_TRY(db->Write(batch));
  if (written != total) {
    return InternalError("swarm: " + std::to_string(written) + " of " + std::to_string(total) +
                         " items have a row");
  }
  return Status::Ok();
}

}  // namespace logact::cli
