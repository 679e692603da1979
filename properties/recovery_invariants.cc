// REC-STATE (SPEC §7): a restarted component's state digest equals the digest
// of a replica that never crashed and played the same prefix. The replica is
// the core/ component itself (the engine that ran is the one that judges),
// fed the trace's entries through a read-only bus; it cannot act (its appends,
// LLM calls and tool calls fail) and nothing it does reaches the report but
// its StateDigest().
#include <algorithm>
#include <memory>
#include <utility>

#include "core/clock.h"
#include "core/decider.h"
#include "core/driver.h"
#include "core/executor.h"
#include "core/replica_io.h"
#include "core/voter.h"
#include "core/voter_config.h"
#include "properties/checker_internal.h"
#include "properties/invariant_ids.h"
#include "traces/trace_format.h"

namespace logact::properties::internal {
namespace {

// Steps a replica may take to reach a position: each Step plays up to the
// tail, so a few suffice; the bound only guards against a component bug.
constexpr int kReplicaStepsMax = 1000;

// The trace's entries [0, end) as a read-only bus.
class EntriesBus final : public AgentBus {
 public:
  explicit EntriesBus(const std::vector<Entry>* entries) : entries_(entries) {}
  void SetEnd(Position end) { end_ = end; }
  Result<Position> Append(Entry&&) override { return UnavailableError("crash-free replica"); }
  Position Tail() const override { return end_; }
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override {
    if (start < 0 || start > end || end > end_) return InvalidArgumentError("bad read range");
    std::vector<Entry> out;
    for (auto it = First(start); it != entries_->end() && it->pos < end; ++it) {
      if (filter.Contains(it->type)) out.push_back(*it);
    }
    return out;
  }
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override {
    if (start < 0 || start > end_) return InvalidArgumentError("bad poll start");
    Page page;
    page.next = end_;
    for (auto it = First(start); it != entries_->end() && it->pos < end_; ++it) {
      if (!filter.Contains(it->type)) continue;
      if (page.entries.size() == max) {
        page.next = it->pos;
        break;
      }
      page.entries.push_back(*it);
    }
    return page;
  }

 private:
  std::vector<Entry>::const_iterator First(Position start) const {
    return std::lower_bound(entries_->begin(), entries_->end(), start,
                            [](const Entry& entry, Position pos) { return entry.pos < pos; });
  }
  const std::vector<Entry>* entries_;
  Position end_ = 0;
};

// One crash-free replica with everything it reads through.
struct Replica {
  explicit Replica(const std::vector<Entry>* entries) : bus(entries) {}
  EntriesBus bus;
  ManualClock clock{0};
  RefusingLlm llm{"crash-free replica"};
  RefusingEnvironment environment{"crash-free replica"};
  std::unique_ptr<Component> component;
};

// The component of `principal` ("role/name") as the engine configures it, or
// null if its configuration is unknown (a voter without a document).
std::unique_ptr<Component> MakeComponent(const std::string& principal, Replica* r,
                                         const std::map<std::string, Json>& voter_documents) {
  const size_t slash = principal.find('/');
  if (slash == std::string::npos) return nullptr;
  const std::string role = principal.substr(0, slash);
  const std::string name = principal.substr(slash + 1);
  if (role == "driver") {
    DriverOptions options;
    options.name = name;
    options.bus = &r->bus;
    options.clock = &r->clock;
    options.llm = &r->llm;
    return std::make_unique<Driver>(std::move(options));
  }
  if (role == "decider") return std::make_unique<Decider>(DeciderOptions{name, &r->bus, &r->clock});
  if (role == "executor") {
    ExecutorOptions options;
    options.name = name;
    options.bus = &r->bus;
    options.clock = &r->clock;
    options.environment = &r->environment;
    return std::make_unique<Executor>(std::move(options));
  }
  if (role != "voter") return nullptr;
  auto it = voter_documents.find(name);
  if (it == voter_documents.end() || !it->second.contains("type") ||
      !it->second["type"].is_string()) {
    return nullptr;
  }
  const Json& document = it->second;
  VoterOptions options{name, document["type"].get<std::string>(), &r->bus, &r->clock};
  if (!document.contains("rules")) {
    return std::make_unique<Voter>(std::move(options),
                                   std::make_unique<LlmVotingLogic>(principal, &r->llm));
  }
  Result<VoterConfig> config = ParseVoterConfig(document, "voters[" + name + "]");
  if (!config.has_value()) return nullptr;
  return std::make_unique<Voter>(std::move(options),
                                 std::make_unique<RuleVotingLogic>(std::move(config).value()));
}

// Plays the replica up to `pos`; false if it cannot get there.
bool PlayTo(Replica* r, Position pos) {
  r->bus.SetEnd(pos);
  for (int steps = 0; r->component->played() < pos && steps < kReplicaStepsMax; ++steps) {
    static_cast<void>(r->component->Step());  // its appends fail by design
  }
  return r->component->played() == pos;
}

}  // namespace

RecoveryInvariants::RecoveryInvariants(
    std::map<std::string, Json> voter_documents,
    std::function<Result<std::vector<std::pair<int64_t, Entry>>>()> reload)
    : voter_documents_(std::move(voter_documents)), reload_(std::move(reload)) {}

RecoveryInvariants::~RecoveryInvariants() = default;

void RecoveryInvariants::OnEntry(const Entry& entry, int64_t line) {
  if (reload_) {
    entry_lines_.push_back(line);
  } else if (!keep_no_entries_) {
    entries_.push_back(entry);
  }
}

bool RecoveryInvariants::Entries(std::string* why_not) {
  if (!reload_ && keep_no_entries_) {
    *why_not =
        "the run announced no state records (options.state_records false), so no "
        "entries were kept to replay";
    return false;
  }
  if (!reload_) return true;
  Result<std::vector<std::pair<int64_t, Entry>>> reloaded = reload_();
  if (!reloaded.has_value()) {
    *why_not = "the trace's entries could not be read again: " + reloaded.error().ToString();
    return false;
  }
  // Keep exactly the entries the checker accepted (both lists are in line order).
  entries_.reserve(entry_lines_.size());
  size_t next = 0;
  for (auto& [line, entry] : *reloaded) {
    if (next < entry_lines_.size() && entry_lines_[next] == line) {
      entries_.push_back(std::move(entry));
      ++next;
    }
  }
  if (next == entry_lines_.size()) return true;
  *why_not = "the trace changed while it was checked (entry of line " +
             std::to_string(entry_lines_[next]) + " not found again)";
  entries_.clear();
  return false;
}

void RecoveryInvariants::OnRestart(const traces::RestartRecord& restart, int64_t line) {
  restarts_[restart.target] = line;
}

void RecoveryInvariants::OnState(const traces::StateRecord& state, int64_t line) {
  if (state.target == traces::kEnvTarget) return;  // ENV-CONSISTENT's
  auto restart = restarts_.find(state.target);
  if (restart == restarts_.end()) return;  // REC-STATE judges recovered state only
  judged_.push_back(Judged{state, line, restart->second});
}

void RecoveryInvariants::Finish(Reporter* reporter, Report* report) {
  // One replica per target, advanced in position order (stable: file order on ties).
  std::stable_sort(judged_.begin(), judged_.end(), [](const Judged& a, const Judged& b) {
    if (a.state.target != b.state.target) return a.state.target < b.state.target;
    return a.state.pos < b.state.pos;
  });
  std::string why_not;
  if (!judged_.empty() && !Entries(&why_not)) {
    report->not_applicable_reasons[std::string(kRecState)] = why_not;
    return;
  }
  int64_t checked = 0;
  std::unique_ptr<Replica> replica;
  for (size_t i = 0; i < judged_.size(); ++i) {
    const Judged& judged = judged_[i];
    const bool new_target = i == 0 || judged_[i - 1].state.target != judged.state.target;
    if (new_target || replica == nullptr || replica->component == nullptr ||
        replica->component->played() > judged.state.pos) {
      replica = std::make_unique<Replica>(&entries_);
      replica->component = MakeComponent(judged.state.target, replica.get(), voter_documents_);
    }
    if (replica->component == nullptr) {
      ++unknown_config_;
      continue;
    }
    ++checked;
    const bool reached = PlayTo(replica.get(), judged.state.pos);
    const std::string reference = replica->component->StateDigest();
    if (reached && reference == judged.state.digest) continue;
    reporter->Violate(kRecState, {judged.line, judged.restart_line},
                      judged.state.target + " at " + std::to_string(judged.state.pos) +
                          ": digest " + judged.state.digest + " after its restart, crash-free " +
                          "replay " + (reached ? reference : "cannot reach that position"));
  }
  if (checked > 0) return;
  report->not_applicable_reasons[std::string(kRecState)] =
      unknown_config_ > 0 ? "state records after a restart name only components whose "
                            "configuration is unknown (a voter of an unknown scenario)"
                          : "the trace has no component state record after a restart";
}

}  // namespace logact::properties::internal
