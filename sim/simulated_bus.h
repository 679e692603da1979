// SimulatedBus: the AgentBus backend over simulated storage that injects
// storage faults (SPEC §1 and §4, issue 3 item 4).
//
// Fault model. Every Append that passes access control (core/access_control.h,
// checked first, exactly as MemoryBus does: a refused append draws nothing)
// is one storage write. Each fault kind has its own rate and its own named
// random stream of SeedStreams ("storage.append_fail", "storage.append_delay",
// "storage.append_timeout", "storage.torn_write", "storage.lost_unacked"), and
// every stream whose rate is non-zero is drawn a fixed number of times per
// write, so turning one kind on or off never reshuffles the schedule of the
// others. When several kinds are drawn for one write, the first of this list
// wins (a delay combines with any of them):
//  - append_fail: nothing is written; Append returns kUnavailable.
//  - torn_write: the record is written partially: its bytes fail their
//    checksum. Append returns kUnknownOutcome (the writer cannot tell a torn
//    write from a slow one). The record is never visible: the next Append's
//    recovery scan (or Crash) finds the bad checksum, treats the record as
//    absent and re-fills its slot.
//  - lost_unacked: the record reaches the volatile write buffer but is not
//    synced; Append returns kUnknownOutcome. The next operation on the bus by
//    anyone (Append, Read, Poll, Tail or Sync) syncs it first, after which it
//    is durable and visible at the position it was written for ("error then
//    commit"); a Crash before that drops it ("lost").
//  - append_timeout: the append takes `append_timeout_ms` of virtual time and
//    returns kUnknownOutcome; a second draw of the same stream decides, half
//    and half, whether the record was durably stored and is visible at once
//    ("commit then error") or was never written ("lost").
//  - append_delay: the write takes uniform [1, append_delay_ms_max] ms of
//    virtual time (the clock is slept before the entry is stamped).
// The schedule hook: every per-kind draw of a write goes through the bus's
// StorageFaultGate, if one is set (the simulator sets its FaultInjector). The
// streams are drawn exactly as without a gate; the gate sees the kind, the
// site (the appended entry's author) and what the stream drew, and answers
// whether the kind fires and, for a kind that fires, each magnitude. The
// injector counts opportunities per (kind, site), records each storage fault
// as a schedulable decision, and in replay mode answers from the schedule,
// which is how the shrinker removes storage faults (sim/fault_schedule.h).
// Without a gate, or with a gate that returns what was drawn, the bus behaves
// exactly as its streams say.
// Why recovery is still possible: an acknowledged append (one that returned a
// position) is synced before Append returns and is never lost, torn or moved;
// only writes whose caller saw kUnavailable or kUnknownOutcome are affected,
// and a caller that sees kUnknownOutcome must read before retrying. That rule
// (core/agent_bus.h) only works if a read settles the outcome, so every read
// settles it: after an unknown-outcome Append, the first Read, Poll or Tail
// (by anyone) either shows the record or guarantees it never appears. An
// earlier version let a record that a read had not shown land at the next
// Append, which could be the writer's own retry: the retry then put the entry
// on the log twice (a driver fenced by its own duplicate elect, two live
// intents, two results for one intent) although the writer had followed the
// contract. Nothing is visible before it is durable, so every history of this
// bus is linearizable (properties/linearizability.h), with an unknown-outcome
// append taking effect at some moment after it was invoked and no later than
// the next operation on the bus, or never.
//
// Storage shape: durable records are kept decoded (reads cost what MemoryBus
// reads cost); the one unsynced record, if any, is kept as encoded bytes
// (core/entry_codec.h) with an FNV-1a 64 checksum, and is decoded and verified
// when it is synced. At most one record is unsynced at any time, because every
// operation first resolves the previous one.
//
// Thread-safety: none (core/agent_bus.h). Determinism: the schedule of faults
// is a pure function of the SeedStreams seed and the sequence of calls.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/agent_bus.h"
#include "core/clock.h"
#include "core/random.h"
#include "sim/rng.h"

namespace logact::sim {

// The fault rates of the simulated storage. All default to off (0/1), which
// makes the bus behave exactly like MemoryBus (it passes the conformance suite).
struct StorageFaultRates {
  // Probability per write that it fails cleanly (kUnavailable, nothing written).
  Ratio append_fail{0, 1};
  // Probability per write that it is slow, by uniform [1, append_delay_ms_max]
  // virtual ms. Default max 50 ms: a slow disk flush, small next to an LLM call.
  Ratio append_delay{0, 1};
  int64_t append_delay_ms_max = 50;
  // Probability per write that the caller times out with kUnknownOutcome after
  // append_timeout_ms virtual ms (default 100 ms); stored or not, half and half.
  Ratio append_timeout{0, 1};
  int64_t append_timeout_ms = 100;
  // Probability per write that the record is torn (never visible, slot re-filled).
  Ratio torn_write{0, 1};
  // Probability per write that the record is not acknowledged (kUnknownOutcome).
  // Half of those are lost at once (the write never reached the medium); the
  // other half stay unsynced: synced by the next operation on the bus, dropped
  // by a Crash before that. Without the immediate half a loss needed a crash
  // between the write and the writer's own next read, which no seed reached.
  Ratio lost_unacked{0, 1};

  // True if any rate is non-zero.
  bool AnyOn() const;
};

// OK if every ratio is well formed (denominator > 0, numerator <= denominator)
// and both durations are >= 1 ms when their kind is on. Errors: kInvalidArgument
// naming the field.
Status ValidateStorageFaultRates(const StorageFaultRates& rates);

// One injected fault, as reported to the fault listener (the simulator turns
// it into a `fault` trace record with target "storage").
struct StorageFault {
  // "append_fail" | "append_delay" | "append_timeout" | "torn_write" | "lost_unacked".
  std::string_view kind;
  // The position the write was for (the tail when it was attempted).
  Position pos = 0;
  // What the caller cannot see: "lost" (nothing stored), "stored" (a timed-out
  // record that is durable and visible), "torn", "unsynced", or, for
  // append_delay, "delayed".
  std::string_view outcome;
  // The virtual ms the write took because of the fault (delay or timeout), else 0.
  int64_t delay_ms = 0;
};

using StorageFaultListener = std::function<void(const StorageFault& fault)>;

// Decides the storage faults of each write (see the schedule hook above).
class StorageFaultGate {
 public:
  virtual ~StorageFaultGate() = default;
  // Whether storage kind `kind` ("append_fail", ...) hits the write of `site`
  // (the entry's author). `drawn` is the kind's stream's answer. Called once
  // per write for every kind whose rate is non-zero, in the order of the
  // fault model's list.
  virtual bool DecideStorageFault(std::string_view kind, std::string_view site, bool drawn) = 0;
  // A magnitude of the kind that DecideStorageFault just fired: `drawn` is
  // the stream's value in [low, high]; the answer must lie in [low, high].
  virtual int64_t StorageMagnitude(std::string_view kind, int64_t drawn, int64_t low,
                                   int64_t high) = 0;
};

class SimulatedBus : public AgentBus {
 public:
  // REQUIRES: clock != nullptr and outlives the bus (not owned);
  // ValidateStorageFaultRates(rates).ok(). `streams` is copied (only its seed
  // is kept). `on_fault` may be empty; it is called synchronously, inside
  // Append, after the fault's effect on storage and before Append returns.
  SimulatedBus(Clock* clock, const SeedStreams& streams, StorageFaultRates rates,
               StorageFaultListener on_fault = nullptr);

  SimulatedBus(const SimulatedBus&) = delete;
  SimulatedBus& operator=(const SimulatedBus&) = delete;

  // AgentBus. Append errors besides access control: kUnavailable
  // (append_fail: nothing written), kUnknownOutcome (append_timeout,
  // torn_write, lost_unacked: see the fault model above). Read/Poll/Tail first
  // settle an unsynced record (as Sync does), then see only durable records;
  // they never fail for storage reasons.
  using AgentBus::Append;  // the copying overload
  Result<Position> Append(Entry&& entry) override;
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override;
  Position Tail() const override;
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override;

  // The storage loses power: the unsynced record, if any, is dropped (a torn
  // one too). Durable records, i.e. every acknowledged append, survive.
  // Returns how many records were dropped (0 or 1). The bus stays usable.
  int Crash();

  // Syncs the unsynced record, if any: a valid one becomes durable and visible
  // at its position, a torn one is discarded. Every bus operation does this
  // first itself.
  void Sync() { Settle(); }

  // Called with the position of each record that a sync made durable and
  // visible without its Append having returned the position (an unknown
  // outcome), right after it became readable. The simulator records such
  // entries in the trace before anything can act on them. May be empty.
  void SetSyncListener(std::function<void(Position pos)> on_sync) { on_sync_ = std::move(on_sync); }

  // Sets the gate that decides each write's faults (not owned; null: none).
  // REQUIRES: gate outlives the bus or is reset first.
  void SetFaultGate(StorageFaultGate* gate) { gate_ = gate; }

  // Whether a written-but-unsynced record (valid or torn) is pending.
  bool HasUnsynced() const { return unsynced_.has_value(); }

  // Changes the fault rates (e.g. faults off for a liveness phase). The
  // streams continue where they were. REQUIRES: ValidateStorageFaultRates(rates).ok().
  void SetRates(const StorageFaultRates& rates);
  const StorageFaultRates& rates() const { return rates_; }

 private:
  // An encoded record that was written but not synced.
  struct UnsyncedRecord {
    Position pos = 0;
    std::string bytes;      // EncodeEntry of the entry (truncated if torn)
    uint64_t checksum = 0;  // FNV-1a 64 of the complete encoding
  };
  // The draws of one write, one per stream, taken before acting on any.
  struct WriteDraws {
    bool fail = false;
    int64_t delay_ms = 0;
    bool timeout = false;
    bool timeout_stored = false;
    bool torn = false;
    size_t torn_keep_per_mille = 0;
    bool unsynced = false;
    bool unsynced_lost = false;  // with unsynced: lost at once, never stored
  };

  // The sync behind Sync and every read: const because a read settles what
  // storage already holds without changing what any caller was promised.
  void Settle() const;
  WriteDraws Draw(std::string_view site);
  // The gate's answer for one kind (the draw itself without a gate).
  bool Decide(std::string_view kind, std::string_view site, bool drawn);
  int64_t Magnitude(std::string_view kind, int64_t drawn, int64_t low, int64_t high);
  void Report(std::string_view kind, Position pos, std::string_view outcome, int64_t delay_ms);
  void StoreDurable(Entry entry);
  void StoreUnsynced(const Entry& entry, const WriteDraws& draws);

  Clock* clock_;
  StorageFaultRates rates_;
  StorageFaultListener on_fault_;
  StorageFaultGate* gate_ = nullptr;
  Rng fail_stream_;
  Rng delay_stream_;
  Rng timeout_stream_;
  Rng torn_stream_;
  Rng lost_stream_;
  std::function<void(Position pos)> on_sync_;
  // Mutable: reads settle the unsynced record (see Settle).
  mutable std::vector<Entry> records_;  // durable; records_[pos].pos == pos
  mutable std::optional<UnsyncedRecord> unsynced_;
};

}  // namespace logact::sim
