#include "core/executor.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "core/assert.h"
#include "core/digest.h"
#include "core/fencing.h"
#include "core/play_log.h"
#include "core/position_map.h"
#include "core/shared_actions.h"
#include "core/snapshot_codec.h"

namespace logact {
namespace {

constexpr TypeFilter kPlays = {EntryType::kIntent, EntryType::kCommit, EntryType::kAbort,
                               EntryType::kResult, EntryType::kElect,  EntryType::kOutput};

// Replicated knowledge about one live intent.
struct IntentInfo {
  std::shared_ptr<const Action> action;  // never null; shared (core/shared_actions.h)
  bool decided = false;                  // a first decision has been played
  bool committed = false;                // ... and it was a commit
  bool resolved = false;                 // a result (or a restart marker naming it) has been played
  std::string key;                       // the idempotency key its call carries (see KeyFor)
};

}  // namespace

struct Executor::State {
  ExecutorOptions options;
  std::string principal;
  Position played = 0;
  ElectionState election;

  // Replicated state: a pure function of [0, played).
  PositionMap<IntentInfo> intents;  // live intents only
  // First decision commit, no result, in log order (a set: the values are unused).
  PositionMap<std::monostate> runnable;
  int64_t results_seen = 0;
  int64_t markers_seen = 0;
  uint64_t events_digest = 0;  // running digest of decisions and results, in log order
  // Idempotency keys of actions whose outcome a restart marker left unknown,
  // by action text: a later intent with the same action in the same task (a
  // re-proposal after the model's probe) inherits the key, so an idempotent
  // tool applies the action at most once across the two intents. An entry
  // ends with an ok result carrying its key, or with the task (an output).
  std::map<std::string, std::string> unknown_keys;
  SharedActions actions;  // the intents' actions, one copy of each (not state)

  // This instance (not replicated).
  enum class Boot { kNotSent, kSent, kUnknown } boot = Boot::kNotSent;
  Position marker_pos = kNoPosition;     // our restart marker, once known
  Position marker_intent = kNoPosition;  // the p our marker names
  bool booted = false;                   // our marker has been played
  bool stopped = false;
  // Intents this instance ran, ascending (a vector: it only grows, almost
  // always at the end, and a set node per intent was a cost at teardown).
  std::vector<Position> executed;
  // A tool call that returned, waiting for its duration before the result is appended.
  struct Completion {
    ResultPayload result;
    int64_t ready_ms = 0;
  };
  std::optional<Completion> completion;

  void Fold(int64_t a, int64_t b) {
    events_digest =
        Digest().AddInt(static_cast<int64_t>(events_digest)).AddInt(a).AddInt(b).value();
  }
  void Play(const Entry& entry);
  void PlayIntent(const Entry& entry);
  void PlayDecision(Position intent, bool commit);
  void PlayResult(const Entry& entry);
  Status Boot();
  Status ExecuteNext();
  Status AppendCompletion();
};

void Executor::State::Play(const Entry& entry) {
  switch (entry.type) {
    case EntryType::kElect:
      election.Apply(entry.elect());
      break;
    case EntryType::kIntent:
      PlayIntent(entry);
      break;
    case EntryType::kOutput:
      // The task ended: a later identical action is new work, not a re-submission.
      unknown_keys.clear();
      break;
    case EntryType::kCommit:
    case EntryType::kAbort:
      PlayDecision(entry.decision().intent, entry.type == EntryType::kCommit);
      break;
    case EntryType::kResult:
      PlayResult(entry);
      break;
    default:
      LOGACT_ASSERT(false);
  }
}

void Executor::State::PlayIntent(const Entry& entry) {
  if (election.IsFenced(entry.intent())) return;  // void: never executed
  IntentInfo info{actions.Get(entry.intent().action), false, false, false,
                  std::to_string(entry.pos)};
  // A re-proposal of an action whose outcome is unknown re-submits it under
  // the original key; the key is a function of the log, so every executor
  // instance (and a crash-free replica) derives the same one.
  if (!unknown_keys.empty()) {
    auto inherited = unknown_keys.find(info.action->ToText());
    if (inherited != unknown_keys.end()) info.key = inherited->second;
  }
  intents.emplace(entry.pos, std::move(info));
}

void Executor::State::PlayDecision(Position intent, bool commit) {
  auto it = intents.find(intent);
  // Only the first decision of a live intent counts: duplicate commits and a
  // commit after a (timeout) abort are ignored.
  if (it == intents.end() || it->second.decided) return;
  it->second.decided = true;
  it->second.committed = commit;
  if (commit && !it->second.resolved) runnable.emplace(intent, {});
  Fold(intent, commit ? 1 : 0);
}

void Executor::State::PlayResult(const Entry& entry) {
  const ResultPayload& result = entry.result();
  ++results_seen;
  Fold(result.intent, result.restart ? 2 : 3);
  if (result.restart) {
    ++markers_seen;
    // A marker found after our append's outcome was unknown is never claimed:
    // another instance with our principal (a second recoverer) may have
    // appended an identical one, and if both claimed it both would execute.
    // The next Step appends a fresh marker instead; an extra marker is
    // harmless (it names the same or no intent, and fences the older instance).
    if (entry.pos == marker_pos) {
      booted = true;
    } else if (booted) {
      stopped = true;  // a newer executor has taken over: we are fenced
    }
  }
  auto it = intents.find(result.intent);
  if (it == intents.end()) return;
  if (result.restart) {
    if (it->second.committed) unknown_keys[it->second.action->ToText()] = it->second.key;
  } else if (result.ok && !unknown_keys.empty()) {
    // (Without unknown keys there is nothing to clear: the action is not dumped.)
    auto unknown = unknown_keys.find(it->second.action->ToText());
    if (unknown != unknown_keys.end() && unknown->second == it->second.key) {
      unknown_keys.erase(unknown);  // the action is known to be applied now
    }
  }
  // A restart marker naming p counts as p's result: p is never run again.
  it->second.resolved = true;
  runnable.erase(result.intent);
}

Status Executor::State::Boot() {
  // p: the last committed live intent without a result. This instance (or its
  // predecessor) may have run it before crashing, so nobody runs it on its own.
  marker_intent = runnable.empty() ? kNoPosition : std::prev(runnable.end())->first;
  ResultPayload marker;
  marker.intent = marker_intent;
  marker.ok = false;
  marker.restart = true;
  marker.output = "executor restarted";
  Result<Position> pos = options.bus->Append(MakeResult(principal, std::move(marker)));
  if (!pos.has_value()) {
    if (pos.error().code() == StatusCode::kUnknownOutcome) boot = Boot::kUnknown;
    return pos.error();
  }
  boot = Boot::kSent;
  marker_pos = *pos;
  return Status::Ok();
}

Status Executor::State::ExecuteNext() {
  const Position intent = runnable.begin()->first;
  const auto slot = std::lower_bound(executed.begin(), executed.end(), intent);
  LOGACT_ASSERT(slot == executed.end() || *slot != intent);
  const IntentInfo& info = intents.at(intent);
  LOGACT_ASSERT(info.committed && !info.resolved);
  ToolCall call;
  call.action = info.action.get();
  call.intent = intent;
  // The schema lives with the environment: it ignores the key for tools that
  // are not idempotent. A re-proposal after a restart carries the key of the
  // intent it re-submits (PlayIntent).
  call.idempotency_key = info.key;
  executed.insert(slot, intent);  // before the call: at most once, whatever happens next
  Result<ToolOutcome> outcome = options.environment->Execute(call);
  Completion completion;
  completion.result.intent = intent;
  completion.ready_ms = options.clock->NowMs();
  if (outcome.has_value()) {
    completion.result.ok = outcome->ok;
    completion.result.output = std::move(outcome->output);
    completion.ready_ms += std::max<int64_t>(0, outcome->duration_ms);
  } else {
    // Whether the effect happened is unknown; never retried automatically.
    completion.result.ok = false;
    completion.result.output = "tool unavailable: " + outcome.error().message();
  }
  this->completion = std::move(completion);
  if (options.clock->NowMs() < this->completion->ready_ms) return Status::Ok();
  return AppendCompletion();
}

Status Executor::State::AppendCompletion() {
  LOGACT_ASSERT(completion.has_value());
  // On error the completion is kept; the next Step plays the log first and
  // re-appends only if the result is not there (kUnknownOutcome).
  Result<Position> pos = options.bus->Append(MakeResult(principal, completion->result));
  if (!pos.has_value()) return pos.error();
  LOGACT_ASSERT_GT(*pos, completion->result.intent);
  completion.reset();
  return Status::Ok();
}

Executor::Executor(ExecutorOptions options) : state_(std::make_unique<State>()) {
  LOGACT_ASSERT(options.bus != nullptr);
  LOGACT_ASSERT(options.clock != nullptr);
  LOGACT_ASSERT(options.environment != nullptr);
  state_->principal = "executor/" + options.name;
  state_->options = std::move(options);
}

Executor::~Executor() = default;

const std::string& Executor::principal() const { return state_->principal; }

bool Executor::HasWork() const {
  const State& s = *state_;
  if (s.stopped) return false;
  if (s.options.bus->Tail() > s.played) return true;
  if (s.boot != State::Boot::kSent) return true;
  if (!s.booted) return false;  // our marker is appended but not played yet
  if (s.completion.has_value()) return s.options.clock->NowMs() >= s.completion->ready_ms;
  return !s.runnable.empty();
}

int64_t Executor::NextWakeMs() const {
  const State& s = *state_;
  if (s.stopped || !s.completion.has_value()) return kNeverMs;
  return s.completion->ready_ms;
}

Status Executor::Step() {
  State& s = *state_;
  if (s.stopped) return Status::Ok();
  LOGACT_TRY(PlayLog(*s.options.bus, kPlays, &s.played, [&s](const Entry& e) { s.Play(e); }));
  if (s.stopped) {
    s.completion.reset();  // fenced: the new executor's marker names this intent
    return Status::Ok();
  }
  // An unknown-outcome marker that is not on the log after a full replay was lost.
  if (s.boot == State::Boot::kUnknown) s.boot = State::Boot::kNotSent;
  if (s.boot == State::Boot::kNotSent) return s.Boot();
  if (!s.booted) return Status::Ok();
  if (s.completion.has_value()) {
    // A result for the intent appeared meanwhile (an append that did land).
    if (s.intents.count(s.completion->result.intent) == 1 &&
        s.intents.at(s.completion->result.intent).resolved) {
      s.completion.reset();
      return Status::Ok();
    }
    if (s.options.clock->NowMs() < s.completion->ready_ms) return Status::Ok();
    return s.AppendCompletion();
  }
  if (s.runnable.empty()) return Status::Ok();
  // Our own appended results were played above, so the next runnable intent
  // was never run by this instance.
  return s.ExecuteNext();
}

bool Executor::Stopped() const { return state_->stopped; }

std::string Executor::StateDigest() const {
  const State& s = *state_;
  Digest digest;
  digest.AddInt(s.played).AddInt(static_cast<int64_t>(s.intents.size()));
  const auto& leader = s.election.leader();
  digest.AddBool(leader.has_value());
  if (leader.has_value()) digest.AddString(leader->driver).AddInt(leader->epoch);
  digest.AddInt(s.results_seen).AddInt(s.markers_seen);
  digest.AddInt(static_cast<int64_t>(s.events_digest));
  for (const auto& [p, unused] : s.runnable) digest.AddInt(p).AddString(s.intents.at(p).key);
  for (const auto& [action, key] : s.unknown_keys) digest.AddString(action).AddString(key);
  return digest.Hex();
}

Position Executor::played() const { return state_->played; }

// Snapshots: the live intents with their decision state, the counters and the
// running digest. `runnable` is derived (committed, decided, unresolved).
std::optional<Snapshot> Executor::TakeSnapshot() const {
  const State& s = *state_;
  if (s.played == 0) return std::nullopt;
  Json fields = Json::object();
  fields["election"] = snapshot_codec::EncodeElection(s.election);
  fields["results_seen"] = s.results_seen;
  fields["markers_seen"] = s.markers_seen;
  fields["events_digest"] = s.events_digest;
  Json intents = Json::array();
  for (const auto& [pos, info] : s.intents) {
    intents.push_back(Json{{"pos", pos},
                           {"tool", info.action->tool},
                           {"args", info.action->args},
                           {"decided", info.decided},
                           {"committed", info.committed},
                           {"resolved", info.resolved},
                           {"key", info.key}});
  }
  fields["intents"] = std::move(intents);
  fields["unknown_keys"] = s.unknown_keys;
  return snapshot_codec::Make("executor", std::move(fields), s.played);
}

Status Executor::Restore(const Snapshot& snapshot) {
  State& s = *state_;
  LOGACT_ASSERT_EQ(s.played, 0);
  LOGACT_ASSIGN_OR_RETURN(Json fields, snapshot_codec::Open(snapshot, "executor"));
  return snapshot_codec::Guard("executor", [&]() -> Status {
    ElectionState election;
    LOGACT_TRY(snapshot_codec::DecodeElection(fields.at("election"), &election));
    std::map<Position, IntentInfo> intents;
    PositionMap<std::monostate> runnable;
    for (const Json& item : fields.at("intents")) {
      IntentInfo info;
      Action action;
      action.tool = item.at("tool").get<std::string>();
      action.args = item.at("args");
      info.action = std::make_shared<const Action>(std::move(action));
      info.decided = item.at("decided").get<bool>();
      info.committed = item.at("committed").get<bool>();
      info.resolved = item.at("resolved").get<bool>();
      const Position pos = item.at("pos").get<Position>();
      // Snapshots from before keys were inherited hold none: the position was the key.
      info.key = item.contains("key") ? item.at("key").get<std::string>() : std::to_string(pos);
      if (info.decided && info.committed && !info.resolved) runnable.emplace(pos, {});
      intents.emplace(pos, std::move(info));
    }
    s.played = snapshot.last_pos + 1;
    s.election = std::move(election);
    for (auto& [pos, info] : intents) s.intents.emplace(pos, std::move(info));
    s.runnable = std::move(runnable);
    s.results_seen = fields.at("results_seen").get<int64_t>();
    s.markers_seen = fields.at("markers_seen").get<int64_t>();
    s.events_digest = fields.at("events_digest").get<uint64_t>();
    s.unknown_keys.clear();
    if (fields.contains("unknown_keys")) {
      s.unknown_keys = fields.at("unknown_keys").get<std::map<std::string, std::string>>();
    }
    return Status::Ok();
  });
}

}  // namespace logact
