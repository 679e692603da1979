// Linearizability checker: see properties/linearizability.h.
//
// The search is iterative (an explicit stack of frames) so that a history of
// tens of thousands of operations cannot overflow the thread's stack. States
// are memoised by two 64-bit hashes: a Zobrist hash of the set of linearized
// operations and a chained hash of the log's contents. A collision of both
// could only prune a state wrongly (a false "not linearizable"); at 2^-128
// per pair it is not a practical concern, and a reported violation names an
// operation that can be checked by hand.
#include "properties/linearizability.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "core/assert.h"
#include "core/entry_codec.h"
#include "core/limits.h"

namespace logact::properties {
namespace {

uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

std::string ContentKey(Entry entry) {
  entry.pos = 0;
  entry.ts = 0;
  return EncodeEntry(entry);
}

// An interned entry for messages: without the zeroed pos and ts, at most 160 bytes.
std::string Short(const std::string& text) {
  constexpr std::string_view kZeroHeader = "{\"pos\":0,\"ts\":0,";
  std::string out = text.rfind(kZeroHeader, 0) == 0 ? "{" + text.substr(kZeroHeader.size()) : text;
  return out.size() <= 160 ? out : out.substr(0, 157) + "...";
}

// The history reduced to what the search needs, with entry contents interned.
struct Prepared {
  const BusHistory* history = nullptr;
  std::vector<int> content;               // per op: interned key of an append's entry
  std::vector<std::vector<int>> results;  // per op: interned keys of read/poll results
  std::vector<std::string> keys;          // interned key -> text
  std::vector<size_t> definite;           // ops that must be linearized, by invoke time
  std::vector<size_t> unknown;            // unknown-outcome appends, by invoke time
  std::vector<uint64_t> zobrist;          // per op
  // Per interned key: the positions where some read or poll returned it. An
  // unknown-outcome append whose entry was observed can only land there,
  // which prunes most wrong guesses at once.
  std::vector<std::set<Position>> observed;
  // Per position: the keys some read or poll returned there. An unknown-outcome
  // append cannot land where a different entry was read.
  std::map<Position, std::set<int>> observed_at;
};

int Intern(std::map<std::string, int>* ids, std::vector<std::string>* keys, std::string key) {
  const auto [it, inserted] = ids->emplace(key, static_cast<int>(keys->size()));
  if (inserted) keys->push_back(std::move(key));
  return it->second;
}

Result<Prepared> Prepare(const BusHistory& history) {
  Prepared p;
  p.history = &history;
  std::map<std::string, int> ids;
  const size_t n = history.ops.size();
  p.content.assign(n, -1);
  p.results.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const BusOp& op = history.ops[i];
    p.zobrist.push_back(Mix(i * 0x9e3779b97f4a7c15ull + 1));
    const bool unknown = op.kind == BusOpKind::kAppend && op.code == StatusCode::kUnknownOutcome;
    if (!unknown && op.complete < op.invoke) {
      return InvalidArgumentError("operation #" + std::to_string(i) + " completes at " +
                                  std::to_string(op.complete) + " before its invoke at " +
                                  std::to_string(op.invoke));
    }
    if (op.kind == BusOpKind::kAppend) {
      if (op.code == StatusCode::kOk && op.pos < 0) {
        return InvalidArgumentError("append #" + std::to_string(i) + " returned position " +
                                    std::to_string(op.pos));
      }
      // A cleanly failed append never takes effect: nothing to linearize.
      if (op.code != StatusCode::kOk && !unknown) continue;
      p.content[i] = Intern(&ids, &p.keys, ContentKey(op.entry));
    }
    for (const Entry& e : op.entries) p.results[i].push_back(Intern(&ids, &p.keys, ContentKey(e)));
    (unknown ? p.unknown : p.definite).push_back(i);
  }
  auto by_invoke = [&history](size_t a, size_t b) {
    return std::pair(history.ops[a].invoke, a) < std::pair(history.ops[b].invoke, b);
  };
  p.observed.resize(p.keys.size());
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < p.results[i].size(); ++k) {
      p.observed[p.results[i][k]].insert(history.ops[i].entries[k].pos);
      p.observed_at[history.ops[i].entries[k].pos].insert(p.results[i][k]);
    }
  }
  std::sort(p.definite.begin(), p.definite.end(), by_invoke);
  std::sort(p.unknown.begin(), p.unknown.end(), by_invoke);
  return p;
}

// The sequential bus: the interned contents and types of the log, in order.
struct LogState {
  std::vector<int> content;
  std::vector<EntryType> types;
  std::vector<uint64_t> hashes;  // hashes[i] = chained hash of the first i+1 entries
  uint64_t Hash() const { return hashes.empty() ? 0 : hashes.back(); }
  Position size() const { return static_cast<Position>(content.size()); }
  void Push(int key, EntryType type) {
    hashes.push_back(Mix(Hash() ^ Mix(static_cast<uint64_t>(key) + 0x51ed27)));
    content.push_back(key);
    types.push_back(type);
  }
  void Truncate(size_t size) {
    content.resize(size);
    types.resize(size);
    hashes.resize(size);
  }
};

std::string EntryAt(const Prepared& p, const LogState& log, Position pos) {
  return "pos " + std::to_string(pos) + " " + Short(p.keys[log.content[pos]]);
}

// Whether the returned entries are exactly the log's matches in [start, end).
std::optional<std::string> CompareMatches(const Prepared& p, size_t index, const LogState& log,
                                          Position start, Position end) {
  const BusOp& op = p.history->ops[index];
  const std::vector<int>& got = p.results[index];
  size_t k = 0;
  for (Position pos = start; pos < end; ++pos) {
    if (!op.filter.Contains(log.types[pos])) continue;
    if (k == got.size()) return "missed " + EntryAt(p, log, pos);
    if (op.entries[k].pos != pos || got[k] != log.content[pos]) {
      return "returned pos " + std::to_string(op.entries[k].pos) + " " + Short(p.keys[got[k]]) +
             " where the log has " + EntryAt(p, log, pos);
    }
    ++k;
  }
  if (k != got.size()) {
    return "returned pos " + std::to_string(op.entries[k].pos) + " " + Short(p.keys[got[k]]) +
           " which is not on the log in that range (log length " + std::to_string(log.size()) + ")";
  }
  return std::nullopt;
}

std::optional<std::string> ApplyRead(const Prepared& p, size_t index, const LogState& log) {
  const BusOp& op = p.history->ops[index];
  const bool in_range = op.start >= 0 && op.start <= op.end && op.end <= log.size();
  if (op.code != StatusCode::kOk) {
    if (op.code == StatusCode::kInvalidArgument && !in_range) return std::nullopt;
    return "failed with " + std::string(StatusCodeName(op.code)) + " while the log has " +
           std::to_string(log.size()) + " entries";
  }
  if (!in_range)
    return "succeeded while the log has only " + std::to_string(log.size()) + " entries";
  return CompareMatches(p, index, log, op.start, op.end);
}

std::optional<std::string> ApplyPoll(const Prepared& p, size_t index, const LogState& log) {
  const BusOp& op = p.history->ops[index];
  const bool valid =
      op.start >= 0 && op.start <= log.size() && op.max >= 1 && op.max <= limits::kPollEntriesMax;
  if (op.code != StatusCode::kOk) {
    if (op.code == StatusCode::kInvalidArgument && !valid) return std::nullopt;
    return "failed with " + std::string(StatusCodeName(op.code)) + " while the log has " +
           std::to_string(log.size()) + " entries";
  }
  if (!valid) return "succeeded while the log has only " + std::to_string(log.size()) + " entries";
  if (op.next < op.start || op.next > log.size()) {
    return "returned next " + std::to_string(op.next) + " outside [start, tail " +
           std::to_string(log.size()) + "]";
  }
  const bool full = op.entries.size() == op.max;
  if (!full && op.next != log.size()) {
    return "returned a partial page with next " + std::to_string(op.next) + " but the tail is " +
           std::to_string(log.size());
  }
  if (full && op.next != op.entries.back().pos + 1) {
    return "returned a full page with next " + std::to_string(op.next) +
           " not just after its last entry";
  }
  return CompareMatches(p, index, log, op.start, op.next);
}

// Applies op `index` to `log` if the sequential spec allows it here; else why not.
std::optional<std::string> Apply(const Prepared& p, size_t index, LogState* log) {
  const BusOp& op = p.history->ops[index];
  switch (op.kind) {
    case BusOpKind::kAppend:
      if (op.code == StatusCode::kOk && op.pos != log->size()) {
        return "returned position " + std::to_string(op.pos) + " but the tail is " +
               std::to_string(log->size());
      }
      if (op.code != StatusCode::kOk) {
        const std::set<Position>& seen = p.observed[p.content[index]];
        if (!seen.empty() && seen.count(log->size()) == 0) {
          return "would land at position " + std::to_string(log->size()) +
                 " but its entry was read at position " + std::to_string(*seen.begin());
        }
        const auto at = p.observed_at.find(log->size());
        if (at != p.observed_at.end() && at->second.count(p.content[index]) == 0) {
          return "would land at position " + std::to_string(log->size()) +
                 " where reads returned another entry";
        }
      }
      log->Push(p.content[index], op.entry.type);
      return std::nullopt;
    case BusOpKind::kRead:
      return ApplyRead(p, index, *log);
    case BusOpKind::kPoll:
      return ApplyPoll(p, index, *log);
    case BusOpKind::kTail:
      if (op.tail != log->size()) {
        return "returned " + std::to_string(op.tail) + " but the log has " +
               std::to_string(log->size()) + " entries";
      }
      return std::nullopt;
  }
  return "unknown operation kind";
}

class Search {
 public:
  Search(const Prepared& p, const LinearizabilityOptions& options) : p_(p), options_(options) {
    for (size_t i : p.definite) undone_definite_.insert(Order(i));
    for (size_t i : p.definite) completes_.insert(p.history->ops[i].complete);
    for (size_t i : p.unknown) undone_unknown_.insert(Order(i));
  }
  Result<LinearizabilityVerdict> Run();

 private:
  struct Frame {
    std::vector<size_t> candidates;
    size_t next = 0;
    std::optional<size_t> applied;  // the op linearized to reach this frame
    size_t log_size_before = 0;
  };
  using Key = std::pair<int64_t, size_t>;  // (invoke, index): invoke order
  Key Order(size_t i) const { return {p_.history->ops[i].invoke, i}; }
  std::vector<size_t> Candidates() const;
  void MarkDone(size_t i, bool done);

  const Prepared& p_;
  const LinearizabilityOptions& options_;
  std::set<Key> undone_definite_;
  std::set<Key> undone_unknown_;
  std::multiset<int64_t> completes_;  // completion times of undone definite ops
  LogState log_;
  uint64_t done_hash_ = 0;
  std::set<std::pair<uint64_t, uint64_t>> seen_;
  uint64_t steps_ = 0;
  // The first illegal operation met at the greatest depth, and that depth.
  std::optional<std::pair<size_t, std::string>> culprit_;
  size_t culprit_depth_ = 0;
};

std::vector<size_t> Search::Candidates() const {
  // Minimal operations: those no undone definite operation precedes in real time.
  std::vector<size_t> out;
  const int64_t bound = completes_.empty() ? INT64_MAX : *completes_.begin();
  for (const Key& key : undone_definite_) {
    if (key.first > bound) break;
    out.push_back(key.second);
  }
  // Pending unknown-outcome appends, most recent first: a backend usually
  // resolves the latest one next, so a linearizable history rarely backtracks.
  const size_t definite = out.size();
  for (const Key& key : undone_unknown_) {
    if (key.first > bound) break;
    out.push_back(key.second);
  }
  std::reverse(out.begin() + static_cast<std::ptrdiff_t>(definite), out.end());
  return out;
}

void Search::MarkDone(size_t i, bool done) {
  const BusOp& op = p_.history->ops[i];
  const bool unknown = op.kind == BusOpKind::kAppend && op.code == StatusCode::kUnknownOutcome;
  std::set<Key>& undone = unknown ? undone_unknown_ : undone_definite_;
  if (done) {
    undone.erase(Order(i));
    if (!unknown) completes_.erase(completes_.find(op.complete));
  } else {
    undone.insert(Order(i));
    if (!unknown) completes_.insert(op.complete);
  }
  done_hash_ ^= p_.zobrist[i];
}

Result<LinearizabilityVerdict> Search::Run() {
  std::vector<Frame> stack;
  stack.push_back(Frame{Candidates(), 0, std::nullopt, 0});
  while (!stack.empty()) {
    if (undone_definite_.empty()) {
      return LinearizabilityVerdict{true, "", 0, steps_};
    }
    Frame& frame = stack.back();
    if (frame.next == frame.candidates.size()) {
      if (frame.applied.has_value()) MarkDone(*frame.applied, false);
      log_.Truncate(frame.log_size_before);
      stack.pop_back();
      continue;
    }
    const size_t candidate = frame.candidates[frame.next++];
    if (++steps_ > options_.steps_max) {
      return ResourceExhaustedError("linearizability search gave up after " +
                                    std::to_string(options_.steps_max) + " steps");
    }
    const size_t log_size = log_.content.size();
    const std::optional<std::string> illegal = Apply(p_, candidate, &log_);
    const size_t depth = p_.definite.size() - undone_definite_.size();
    if (illegal.has_value()) {
      if (!culprit_.has_value() || depth > culprit_depth_) {
        culprit_.emplace(candidate, *illegal);
        culprit_depth_ = depth;
      }
      continue;
    }
    MarkDone(candidate, true);
    if (!seen_.emplace(done_hash_, log_.Hash()).second) {
      MarkDone(candidate, false);
      log_.Truncate(log_size);
      continue;
    }
    stack.push_back(Frame{Candidates(), 0, candidate, log_size});
  }
  LinearizabilityVerdict verdict;
  verdict.steps = steps_;
  LOGACT_ASSERT(culprit_.has_value());
  verdict.culprit = culprit_->first;
  verdict.message = "not linearizable: no legal order explains " +
                    DescribeBusOp(*p_.history, culprit_->first) + ": it " + culprit_->second +
                    " (after the longest explainable prefix of " + std::to_string(culprit_depth_) +
                    " definite operations)";
  return verdict;
}

const char* KindName(BusOpKind kind) {
  switch (kind) {
    case BusOpKind::kAppend:
      return "append";
    case BusOpKind::kRead:
      return "read";
    case BusOpKind::kPoll:
      return "poll";
    case BusOpKind::kTail:
      return "tail";
  }
  return "?";
}

}  // namespace

std::string DescribeBusOp(const BusHistory& history, size_t index) {
  const BusOp& op = history.ops[index];
  std::string out = "#" + std::to_string(index) + " " + KindName(op.kind);
  switch (op.kind) {
    case BusOpKind::kAppend:
      out += " " + std::string(EntryTypeName(op.entry.type)) + " by " + op.entry.author;
      out += op.code == StatusCode::kOk ? " -> pos " + std::to_string(op.pos) : "";
      break;
    case BusOpKind::kRead:
      out += " [" + std::to_string(op.start) + ", " + std::to_string(op.end) + ")";
      break;
    case BusOpKind::kPoll:
      out += " from " + std::to_string(op.start) + " max " + std::to_string(op.max) + " -> " +
             std::to_string(op.entries.size()) + " entries, next " + std::to_string(op.next);
      break;
    case BusOpKind::kTail:
      out += " -> " + std::to_string(op.tail);
      break;
  }
  if (op.code != StatusCode::kOk) out += " (" + std::string(StatusCodeName(op.code)) + ")";
  return out + " @" + std::to_string(op.invoke_ms) + "ms";
}

Result<LinearizabilityVerdict> CheckLinearizable(const BusHistory& history,
                                                 const LinearizabilityOptions& options) {
  if (history.ops.size() > options.ops_max) {
    return ResourceExhaustedError("history of " + std::to_string(history.ops.size()) +
                                  " operations exceeds the checker's limit of " +
                                  std::to_string(options.ops_max));
  }
  LOGACT_ASSIGN_OR_RETURN(const Prepared prepared, Prepare(history));
  Search search(prepared, options);
  return search.Run();
}

RecordingBus::RecordingBus(AgentBus* inner, const Clock* clock) : inner_(inner), clock_(clock) {
  LOGACT_ASSERT(inner_ != nullptr);
  LOGACT_ASSERT(clock_ != nullptr);
}

BusOp RecordingBus::Begin(BusOpKind kind) const {
  BusOp op;
  op.kind = kind;
  op.invoke = ticks_++;
  op.invoke_ms = clock_->NowMs();
  return op;
}

void RecordingBus::End(BusOp op) const {
  op.complete = ticks_++;
  history_.ops.push_back(std::move(op));
}

Result<Position> RecordingBus::Append(Entry&& entry) {
  BusOp op = Begin(BusOpKind::kAppend);
  op.entry = entry;
  Result<Position> pos = inner_->Append(std::move(entry));
  op.code = pos.status().code();
  if (pos.has_value()) op.pos = *pos;
  End(std::move(op));
  return pos;
}

Result<std::vector<Entry>> RecordingBus::Read(Position start, Position end,
                                              TypeFilter filter) const {
  BusOp op = Begin(BusOpKind::kRead);
  op.start = start;
  op.end = end;
  op.filter = filter;
  Result<std::vector<Entry>> entries = inner_->Read(start, end, filter);
  op.code = entries.status().code();
  if (entries.has_value()) op.entries = *entries;
  End(std::move(op));
  return entries;
}

Position RecordingBus::Tail() const {
  BusOp op = Begin(BusOpKind::kTail);
  op.tail = inner_->Tail();
  const Position tail = op.tail;
  End(std::move(op));
  return tail;
}

Result<Page> RecordingBus::Poll(Position start, TypeFilter filter, size_t max) const {
  BusOp op = Begin(BusOpKind::kPoll);
  op.start = start;
  op.filter = filter;
  op.max = max;
  Result<Page> page = inner_->Poll(start, filter, max);
  op.code = page.status().code();
  if (page.has_value()) {
    op.entries = page->entries;
    op.next = page->next;
  }
  End(std::move(op));
  return page;
}

}  // namespace logact::properties
