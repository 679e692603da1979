// Linearizability of AgentBus histories (issue 3 item 4).
//
// A history is the list of bus operations some clients performed (append,
// read, poll, tail), each with what it returned and with its invoke and
// complete times. It is linearizable iff there is one total order of the
// operations that (1) respects real time: if A completed before B was invoked
// (A.complete < B.invoke), A comes first; and (2) is a legal run of the
// sequential specification of the bus (SPEC §1): a log of entries where
// append puts its entry at position = tail, read/poll return exactly the
// matching entries of the current log, and tail returns its length.
// An append that returned kUnknownOutcome may take effect at any moment after
// it was invoked, or never (it has no completion); an append that failed with
// any other error never takes effect; a read, poll or tail that failed is
// legal iff its arguments were out of range in the state it is ordered at
// (other read errors are not explained by the spec and are a violation).
//
// Entries are compared by content: pos and ts are set by the bus, so an
// append's entry is identified by its encoding with pos and ts zeroed, and a
// read result must hold at each position the entry appended there.
//
// The checker is the Wing & Gong search with Lowe's memoisation (a set of
// (linearized operations, log) states already explored), trying definite
// operations before pending unknown-outcome appends. It is exponential in the
// worst case, hence the step budget; histories recorded from one thread are
// checked in time about linear in their length.
//
// Thread-safety: the checker is a pure function; a RecordingBus is used from
// one thread like the bus it wraps. Determinism: no randomness, no unordered
// iteration; the same history gives the same verdict and message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/agent_bus.h"
#include "core/clock.h"
#include "core/entry.h"
#include "core/status.h"

namespace logact::properties {

enum class BusOpKind : uint8_t { kAppend, kRead, kPoll, kTail };

// One operation of a history and what the caller saw.
struct BusOp {
  BusOpKind kind = BusOpKind::kTail;
  // Order times: A happens before B iff A.complete < B.invoke. Any unit; the
  // recorder uses a counter so that one thread's calls are totally ordered.
  // REQUIRES: invoke <= complete (complete is ignored for unknown outcomes).
  int64_t invoke = 0;
  int64_t complete = 0;
  // Virtual ms of the invocation, for messages only.
  int64_t invoke_ms = 0;
  // The call's status: OK, kUnknownOutcome (appends), or another error.
  StatusCode code = StatusCode::kOk;
  // append: the entry as given (pos and ts ignored) and, if OK, the position returned.
  Entry entry;
  Position pos = 0;
  // read: [start, end) and filter; poll: start, filter, max. If OK, the
  // entries returned (and for a poll, next).
  Position start = 0;
  Position end = 0;
  TypeFilter filter;
  size_t max = 0;
  std::vector<Entry> entries;
  Position next = 0;
  // tail: the value returned.
  Position tail = 0;
};

struct BusHistory {
  std::vector<BusOp> ops;
};

// A one-line description of `op` ("#3 append mail -> pos 2 @t=40ms"), for messages.
std::string DescribeBusOp(const BusHistory& history, size_t index);

struct LinearizabilityOptions {
  // Search steps (operations tried) before giving up with kResourceExhausted.
  // Default 10 million: a recorded single-thread history of 10k operations with
  // a few hundred unknown outcomes takes well under a million.
  uint64_t steps_max = 10'000'000;
  // Histories longer than this are refused (kResourceExhausted): the memo
  // holds one bit per operation per explored state. Default 50k operations.
  size_t ops_max = 50'000;
};

struct LinearizabilityVerdict {
  bool linearizable = false;
  // When not linearizable: the operation that no legal order can place after
  // the longest explainable prefix, and why ("read [0, 3) returned 2 entries,
  // the log has 3 matching: missing pos 1 (mail from alice ...)").
  std::string message;
  // Index of that operation in the history (when not linearizable).
  size_t culprit = 0;
  uint64_t steps = 0;  // search steps used
};

// Checks `history`. Errors: kInvalidArgument (an operation with complete <
// invoke, or an OK append whose position is negative), kResourceExhausted
// (more than options.ops_max operations, or the step budget ran out: the
// answer is unknown, not "no").
Result<LinearizabilityVerdict> CheckLinearizable(const BusHistory& history,
                                                 const LinearizabilityOptions& options = {});

// An AgentBus that forwards every call to `inner` and records it in a history
// (invoke and complete ticks from a counter, invoke_ms from `clock`). It adds
// no behaviour: the caller sees exactly what `inner` returns.
class RecordingBus : public AgentBus {
 public:
  // REQUIRES: inner and clock outlive the recorder (not owned).
  RecordingBus(AgentBus* inner, const Clock* clock);

  Result<Position> Append(Entry&& entry) override;
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override;
  Position Tail() const override;
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override;

  const BusHistory& history() const { return history_; }

 private:
  BusOp Begin(BusOpKind kind) const;
  void End(BusOp op) const;

  AgentBus* inner_;
  const Clock* clock_;
  mutable int64_t ticks_ = 0;
  mutable BusHistory history_;
};

}  // namespace logact::properties
