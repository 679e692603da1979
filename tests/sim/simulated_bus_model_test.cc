// Model-based test of the simulated storage bus WITH faults (issue 4, item 2):
// random sequences of appends (allowed and forbidden), reads, polls, tail
// queries, syncs, crashes, clock steps and fault-rate changes run against
// sim/simulated_bus.h with random storage fault rates, and against a simple
// reference model: a vector of the entries known to be on the log plus at
// most one "maybe" entry, the write whose Append returned kUnknownOutcome.
// The model allows exactly the documented nondeterminism:
//  - an append that returned a position is on the log at that position, now
//    and after any later crash (acknowledged appends never vanish);
//  - kUnavailable (append_fail) and access-control refusals leave nothing;
//  - kUnknownOutcome (timeout, torn write, lost unacked write) may or may not
//    leave the entry at the position it was written for; the first Tail,
//    Read or Poll after it settles the outcome (the writer learns it by
//    reading), and a later read never changes its mind;
//  - a Crash drops at most the unsynced record, and only an unknown one;
//  - positions stay dense and reads and polls filter exactly as SPEC §1 says.
// A second property checks the schedule hook: the FaultInjector as the bus's
// gate (sim/fault_injector.h) changes nothing in a normal run, and replaying
// its recorded storage faults reproduces every answer.
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "sim/fault_injector.h"
#include "sim/fault_plan.h"
#include "sim/rng.h"
#include "sim/simulated_bus.h"

namespace logact::sim {
namespace {

struct Op {
  int kind = 0;  // 0-5 append, 6 read, 7 poll, 8 tail, 9 sync, 10 crash, 11 clock, 12 rates
  unsigned x = 0;
  unsigned y = 0;
};

// An entry of a generated type whose author is allowed to append it, or
// (x % 9 == 0) one that access control refuses.
Entry MakeEntry(const Op& op, bool* allowed) {
  const int64_t n = op.x % 1000;
  *allowed = op.x % 9 != 0;
  switch (op.y % 5) {
    case 0:
      return MakeMail(*allowed ? "external/bob" : "driver/bob", "bob", "m" + std::to_string(n));
    case 1:
      return MakeVote(*allowed ? "voter/v" : "voter/w", VotePayload{n, "v", "t", n % 2 == 0, "r"});
    case 2:
      return MakeDecision(EntryType::kCommit, *allowed ? "decider/d" : "executor/d",
                          DecisionPayload{n, "ok", false});
    case 3:
      return MakeResult(*allowed ? "executor/x" : "external/x", ResultPayload{n, true, "o", false});
    default:
      return MakeIntent(*allowed ? "driver/a" : "voter/a", Action{"pay", Json{{"n", n}}}, "a", 1);
  }
}

bool SameWrite(const Entry& stored, const Entry& written) {
  return stored.type == written.type && stored.author == written.author &&
         stored.payload == written.payload;
}

TypeFilter FilterOf(unsigned bits) { return TypeFilter::FromMask(bits & TypeFilter::All().mask()); }

// The reference model and the checks against it.
class Model {
 public:
  Model(SimulatedBus* bus, ManualClock* clock) : bus_(bus), clock_(clock) {}

  void Append(const Op& op) {
    bool allowed = false;
    Entry entry = MakeEntry(op, &allowed);
    // The writer reads before writing after an unknown outcome (core/agent_bus.h).
    Settle();
    const Position tail = Size();
    const int64_t before_ms = clock_->NowMs();
    Result<Position> pos = bus_->Append(entry);
    if (!allowed) {
      RC_ASSERT(!pos.has_value());
      RC_ASSERT(pos.error().code() != StatusCode::kUnknownOutcome);
      RC_ASSERT(pos.error().code() != StatusCode::kUnavailable);
      RC_ASSERT(bus_->Tail() == tail);
      return;
    }
    if (pos.has_value()) {
      RC_ASSERT(*pos == tail);
      Result<std::vector<Entry>> read = bus_->Read(tail, tail + 1, TypeFilter::All());
      RC_ASSERT(read.has_value());
      RC_ASSERT(read->size() == 1u);
      RC_ASSERT(SameWrite(read->front(), entry));
      RC_ASSERT(read->front().ts >= before_ms);
      RC_ASSERT(read->front().ts <= clock_->NowMs());
      log_.push_back(read->front());
      return;
    }
    if (pos.error().code() == StatusCode::kUnavailable) {
      RC_ASSERT(bus_->Tail() == tail);  // a failed write leaves nothing
      return;
    }
    RC_ASSERT(pos.error().code() == StatusCode::kUnknownOutcome);
    maybe_ = entry;
  }

  // Tail, Read and Poll settle the unknown outcome; the model learns it.
  void Settle() {
    const Position tail = bus_->Tail();
    if (maybe_) {
      RC_ASSERT(tail == Size() || tail == Size() + 1);
      if (tail == Size() + 1) {
        Result<std::vector<Entry>> read = bus_->Read(Size(), tail, TypeFilter::All());
        RC_ASSERT(read.has_value());
        RC_ASSERT(SameWrite(read->front(), *maybe_));
        log_.push_back(read->front());
      }
      maybe_.reset();
    }
    RC_ASSERT(tail == Size());
    Result<std::vector<Entry>> all = bus_->Read(0, tail, TypeFilter::All());
    RC_ASSERT(all.has_value());
    RC_ASSERT(*all == log_);  // nothing acknowledged or learnt has vanished or moved
  }

  void Read(const Op& op) {
    Settle();
    const Position start = static_cast<Position>(op.x % (log_.size() + 2));
    const Position end = static_cast<Position>(op.y % (log_.size() + 2));
    const TypeFilter filter = FilterOf(op.x >> 8);
    Result<std::vector<Entry>> read = bus_->Read(start, end, filter);
    const bool valid = start <= end && end <= Size();
    RC_ASSERT(read.has_value() == valid);
    if (!valid) return;
    std::vector<Entry> expected;
    for (Position p = start; p < end; ++p) {
      if (filter.Contains(log_[p].type)) expected.push_back(log_[p]);
    }
    RC_ASSERT(*read == expected);
  }

  void Poll(const Op& op) {
    Settle();
    const Position start = static_cast<Position>(op.x % (log_.size() + 1));
    const TypeFilter filter = FilterOf(op.y);
    const size_t max = 1 + op.y % 3;
    Result<Page> page = bus_->Poll(start, filter, max);
    RC_ASSERT(page.has_value());
    Page expected;
    expected.next = Size();
    for (Position p = start; p < Size(); ++p) {
      if (!filter.Contains(log_[p].type)) continue;
      expected.entries.push_back(log_[p]);
      if (expected.entries.size() == max) {
        expected.next = p + 1;
        break;
      }
    }
    RC_ASSERT(page->entries == expected.entries);
    RC_ASSERT(page->next == expected.next);
  }

  void Crash() {
    const bool had_unsynced = bus_->HasUnsynced();
    const int dropped = bus_->Crash();
    RC_ASSERT(dropped == (had_unsynced ? 1 : 0));
    // Only a write nobody acknowledged can be pending, hence dropped.
    if (dropped > 0) RC_ASSERT(maybe_.has_value());
    if (dropped > 0) maybe_.reset();  // now it is certain: never on the log
    RC_ASSERT(!bus_->HasUnsynced());
  }

  void Sync() {
    bus_->Sync();
    RC_ASSERT(!bus_->HasUnsynced());
  }

  bool HasMaybe() const { return maybe_.has_value(); }

 private:
  Position Size() const { return static_cast<Position>(log_.size()); }

  SimulatedBus* bus_;
  ManualClock* clock_;
  std::vector<Entry> log_;      // entries known to be on the log, in order
  std::optional<Entry> maybe_;  // the last unknown-outcome write, not yet settled
};

Ratio RateOf(unsigned code) {
  static const Ratio kRates[] = {{0, 1}, {1, 10}, {1, 4}, {1, 2}};
  return kRates[code % 4];
}

StorageFaultRates DrawRates(unsigned code) {
  StorageFaultRates rates;
  rates.append_fail = RateOf(code);
  rates.append_delay = RateOf(code >> 2);
  rates.append_timeout = RateOf(code >> 4);
  rates.torn_write = RateOf(code >> 6);
  rates.lost_unacked = RateOf(code >> 8);
  return rates;
}

rc::Gen<std::vector<Op>> GenOps() {
  return rc::gen::container<std::vector<Op>>(
      rc::gen::build<Op>(rc::gen::set(&Op::kind, rc::gen::inRange(0, 13)),
                         rc::gen::set(&Op::x, rc::gen::arbitrary<unsigned>()),
                         rc::gen::set(&Op::y, rc::gen::arbitrary<unsigned>())));
}

// Runs `ops` on `bus` against the model (RC_ASSERT on any disallowed answer).
void RunAgainstModel(SimulatedBus& bus, ManualClock& clock, const StorageFaultRates& rates,
                     const std::vector<Op>& ops) {
  Model model(&bus, &clock);
  for (const Op& op : ops) {
    if (op.kind <= 5) {
      model.Append(op);
    } else if (op.kind == 6) {
      model.Read(op);
    } else if (op.kind == 7) {
      model.Poll(op);
    } else if (op.kind == 8) {
      model.Settle();
    } else if (op.kind == 9) {
      model.Sync();
    } else if (op.kind == 10) {
      model.Crash();
    } else if (op.kind == 11) {
      clock.AdvanceBy(op.x % 500);
    } else {
      bus.SetRates(op.x % 2 == 0 ? StorageFaultRates{} : rates);  // faults off, or back on
    }
  }
  model.Settle();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SimulatedBusModel)

// Under random storage fault rates, every answer of the simulated bus is one
// the model allows; the kinds that fired are tagged in RapidCheck's output.
RC_BOOST_PROP(SimulatedBusWithFaultsMatchesModel, ()) {
  const uint64_t seed = *rc::gen::arbitrary<uint64_t>();
  const StorageFaultRates rates = DrawRates(*rc::gen::arbitrary<unsigned>());
  ManualClock clock;
  std::vector<std::string> kinds;
  SimulatedBus bus(&clock, SeedStreams(seed), rates,
                   [&kinds](const StorageFault& fault) { kinds.emplace_back(fault.kind); });
  RunAgainstModel(bus, clock, rates, *GenOps());
  const std::set<std::string> distinct(kinds.begin(), kinds.end());
  RC_TAG(std::to_string(distinct.size()) + " storage fault kinds");
}

// The schedule hook: the FaultInjector as gate, in a normal run, gives the
// same answers and faults as no gate; replaying its recorded schedule (every
// storage fault schedulable, named by author and opportunity) gives them again.
RC_BOOST_PROP(InjectorGateKeepsAndReplaysTheRun, ()) {
  const uint64_t seed = *rc::gen::arbitrary<uint64_t>();
  const StorageFaultRates rates = DrawRates(*rc::gen::arbitrary<unsigned>() | 0x155u);
  const std::vector<Op> ops = *GenOps();
  FaultPlan plan;
  plan.set_rate(FaultKind::kAppendFail, rates.append_fail);
  plan.set_rate(FaultKind::kAppendDelay, rates.append_delay);
  plan.set_rate(FaultKind::kAppendTimeout, rates.append_timeout);
  plan.set_rate(FaultKind::kTornWrite, rates.torn_write);
  plan.set_rate(FaultKind::kLostUnacked, rates.lost_unacked);
  plan.safety_phase_ms = int64_t{1} << 40;
  const SeedStreams streams(seed);
  struct Outcome {
    std::vector<std::string> faults;
    std::vector<Entry> log;
    FaultSchedule schedule;
  };
  const auto run = [&](bool gate, const FaultSchedule* replay) {
    ManualClock clock;
    FaultInjector injector(plan, streams, &clock, {}, replay);
    Outcome out;
    SimulatedBus bus(&clock, streams, rates, [&](const StorageFault& fault) {
      out.faults.push_back(std::string(fault.kind) + "@" + std::to_string(fault.pos) + ":" +
                           std::string(fault.outcome) + "+" + std::to_string(fault.delay_ms));
      if (gate) injector.Record(*FaultKindFromName(fault.kind), "storage");
    });
    if (gate) bus.SetFaultGate(&injector);
    RunAgainstModel(bus, clock, rates, ops);
    out.log = *bus.Read(0, bus.Tail(), TypeFilter::All());
    out.schedule = injector.recorded();
    return out;
  };
  const Outcome plain = run(false, nullptr);
  const Outcome gated = run(true, nullptr);
  RC_ASSERT(gated.faults == plain.faults);
  RC_ASSERT(gated.log == plain.log);
  for (const ScheduledFault& fault : gated.schedule.faults) RC_ASSERT(fault.Schedulable());
  const Outcome replayed = run(true, &gated.schedule);
  RC_ASSERT(replayed.faults == plain.faults);
  RC_ASSERT(replayed.log == plain.log);
  RC_TAG(gated.schedule.faults.empty() ? "no fault" : "faults");
}

// Coverage of the model test's fault mix: one fixed long sequence with every
// kind on reaches every storage fault kind and outcome, and the model accepts it.
BOOST_AUTO_TEST_CASE(FixedSequenceReachesEveryKind) {
  StorageFaultRates rates;
  rates.append_fail = {1, 8};
  rates.append_delay = {1, 8};
  rates.append_timeout = {1, 8};
  rates.torn_write = {1, 8};
  rates.lost_unacked = {1, 8};
  ManualClock clock;
  std::vector<std::string> seen;
  SimulatedBus bus(&clock, SeedStreams(11), rates, [&seen](const StorageFault& fault) {
    seen.push_back(std::string(fault.kind) + ":" + std::string(fault.outcome));
  });
  std::vector<Op> ops;
  Rng rng = SeedStreams(12).Stream("ops");
  for (int i = 0; i < 600; ++i) {
    ops.push_back(Op{static_cast<int>(rng.Uniform(13)), static_cast<unsigned>(rng.NextU64()),
                     static_cast<unsigned>(rng.NextU64())});
  }
  // A failed RC_ASSERT outside a property throws its CaseResult: report its
  // description (file, line, expression) instead of only "not accepted".
  try {
    RunAgainstModel(bus, clock, rates, ops);
  } catch (const rc::detail::CaseResult& result) {
    BOOST_ERROR(result.description);
  }
  for (const char* expected :
       {"append_fail:lost", "append_delay:delayed", "append_timeout:stored", "append_timeout:lost",
        "torn_write:torn", "lost_unacked:unsynced", "lost_unacked:lost"}) {
    BOOST_TEST((std::find(seen.begin(), seen.end(), expected) != seen.end()), expected);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::sim
