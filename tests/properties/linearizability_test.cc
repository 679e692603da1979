// Tests of properties/linearizability.h: hand-built concurrent histories with known
// answers, histories recorded from the simulated storage under every fault (they must
// pass), and two deliberately broken backends (they must fail, naming the operation).
#include "properties/linearizability.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/memory_bus.h"
#include "sim/rng.h"
#include "sim/simulated_bus.h"
#include "tests/core/bus_test_util.h"

namespace logact::properties {
namespace {

Entry Mail(int i) { return MakeMail("external/alice", "alice", "mail " + std::to_string(i)); }

BusOp AppendOp(int64_t invoke, int64_t complete, int i, StatusCode code, Position pos) {
  BusOp op;
  op.kind = BusOpKind::kAppend;
  op.invoke = invoke;
  op.complete = complete;
  op.entry = Mail(i);
  op.code = code;
  op.pos = pos;
  return op;
}

BusOp ReadOp(int64_t invoke, int64_t complete, Position start, Position end,
             const std::vector<int>& mails) {
  BusOp op;
  op.kind = BusOpKind::kRead;
  op.invoke = invoke;
  op.complete = complete;
  op.start = start;
  op.end = end;
  op.filter = TypeFilter::All();
  for (size_t k = 0; k < mails.size(); ++k) {
    op.entries.push_back(Mail(mails[k]));
    op.entries.back().pos = start + static_cast<Position>(k);
  }
  return op;
}

BusOp TailOp(int64_t invoke, int64_t complete, Position tail) {
  BusOp op;
  op.kind = BusOpKind::kTail;
  op.invoke = invoke;
  op.complete = complete;
  op.tail = tail;
  return op;
}

bool Linearizable(const BusHistory& history) {
  const Result<LinearizabilityVerdict> verdict = CheckLinearizable(history);
  BOOST_REQUIRE_MESSAGE(verdict.has_value(), verdict.status().ToString());
  if (!verdict->linearizable) BOOST_TEST_MESSAGE(verdict->message);
  return verdict->linearizable;
}

// A bus that forgets its last acknowledged entry on Crash: the issue's "bus that loses an
// acknowledged append on crash".
class LossyBus : public MemoryBus {
 public:
  using MemoryBus::MemoryBus;
  Position Tail() const override { return MemoryBus::Tail() - lost_; }
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override {
    if (end > Tail()) return InvalidArgumentError("beyond tail");
    return MemoryBus::Read(start, end, filter);
  }
  Result<Position> Append(Entry&& entry) override {
    if (lost_ > 0) return InvalidArgumentError("lossy bus cannot append after a loss");
    return MemoryBus::Append(std::move(entry));
  }
  void Crash() { lost_ = MemoryBus::Tail() > 0 ? 1 : 0; }

 private:
  Position lost_ = 0;
};

// A bus whose reads miss the newest entry (a stale replica).
class StaleReadBus : public MemoryBus {
 public:
  using MemoryBus::MemoryBus;
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override {
    Result<std::vector<Entry>> out = MemoryBus::Read(start, end, filter);
    if (out.has_value() && !out->empty() && out->back().pos == MemoryBus::Tail() - 1) {
      out->pop_back();
    }
    return out;
  }
};

BOOST_AUTO_TEST_SUITE(Linearizability)

// Two overlapping appends may take either order; a read overlapping both may see either.
BOOST_AUTO_TEST_CASE(OverlappingOperationsMayTakeEitherOrder) {
  BusHistory h;
  h.ops = {AppendOp(0, 10, 1, StatusCode::kOk, 1), AppendOp(1, 9, 2, StatusCode::kOk, 0),
           ReadOp(2, 3, 0, 1, {2})};
  BOOST_CHECK(Linearizable(h));
  // But once both completed, a read must see the order the positions say.
  h.ops.push_back(ReadOp(11, 12, 0, 2, {1, 2}));
  BOOST_CHECK(!Linearizable(h));
  h.ops.back() = ReadOp(11, 12, 0, 2, {2, 1});
  BOOST_CHECK(Linearizable(h));
}

// An unknown-outcome append may take effect late (seen by a later read), or never; a
// cleanly failed append never does.
BOOST_AUTO_TEST_CASE(UnknownOutcomeMayLandLateOrNever) {
  BusHistory h;
  h.ops = {AppendOp(0, 1, 1, StatusCode::kUnknownOutcome, 0), TailOp(2, 3, 0),
           ReadOp(4, 5, 0, 0, {}), AppendOp(6, 7, 2, StatusCode::kOk, 1),
           ReadOp(8, 9, 0, 2, {1, 2})};
  BOOST_CHECK(Linearizable(h));  // landed after the tail read 0, before mail 2
  h.ops.back() = ReadOp(8, 9, 0, 1, {1});
  h.ops[3].pos = 0;               // or: never landed, and mail 2 is at 0 ...
  BOOST_CHECK(!Linearizable(h));  // ... but then the read of pos 0 cannot return mail 1
  h.ops.back() = ReadOp(8, 9, 0, 1, {2});
  BOOST_CHECK(Linearizable(h));
  BusHistory failed;
  failed.ops = {AppendOp(0, 1, 1, StatusCode::kUnavailable, 0), ReadOp(2, 3, 0, 1, {1})};
  BOOST_CHECK(!Linearizable(failed));  // a failed append is never seen
}

// A read beyond the tail must fail with kInvalidArgument, and may only fail then.
BOOST_AUTO_TEST_CASE(ReadErrorsAreLegalOnlyOutOfRange) {
  BusHistory h;
  BusOp beyond = ReadOp(0, 1, 0, 1, {});
  beyond.code = StatusCode::kInvalidArgument;
  h.ops = {beyond};
  BOOST_CHECK(Linearizable(h));
  h.ops.insert(h.ops.begin(), AppendOp(-2, -1, 1, StatusCode::kOk, 0));
  BOOST_CHECK(!Linearizable(h));
}

// Malformed histories are bad input; an exhausted budget is an unknown answer, not a "no".
BOOST_AUTO_TEST_CASE(BadInputAndBudget) {
  BusHistory h;
  h.ops = {AppendOp(5, 4, 1, StatusCode::kOk, 0)};
  BOOST_CHECK_EQUAL(testing::CodeOf(CheckLinearizable(h)), "InvalidArgument");
  BusHistory wide;  // 12 concurrent unknown outcomes: many orders to rule out
  for (int i = 0; i < 12; ++i) {
    wide.ops.push_back(AppendOp(0, 100, i, StatusCode::kUnknownOutcome, 0));
  }
  wide.ops.push_back(TailOp(101, 102, 13));  // impossible: forces a full search
  LinearizabilityOptions tiny;
  tiny.steps_max = 1000;
  BOOST_CHECK_EQUAL(testing::CodeOf(CheckLinearizable(wide, tiny)), "ResourceExhausted");
  tiny.ops_max = 5;
  BOOST_CHECK_EQUAL(testing::CodeOf(CheckLinearizable(wide, tiny)), "ResourceExhausted");
}

// Drives a random workload of appends, reads, polls and tails (and crashes of the storage)
// through a recorder; returns the recorded history.
template <typename Bus, typename CrashFn>
BusHistory Workload(Bus* bus, ManualClock* clock, uint64_t seed, int ops, CrashFn crash) {
  RecordingBus recorder(bus, clock);
  sim::Rng rng = sim::SeedStreams(seed).Stream("test.workload");
  for (int i = 0; i < ops; ++i) {
    clock->AdvanceBy(static_cast<int64_t>(rng.Uniform(3)));
    const uint64_t what = rng.Uniform(10);
    if (what < 5) {
      const EntryType type = testing::TypeAt(static_cast<int>(rng.Uniform(kEntryTypeCount)));
      Entry entry = testing::SampleEntry(type, testing::AllowedAuthor(type));
      entry.extra = Json{{"n", i}};  // distinct contents
      static_cast<void>(recorder.Append(std::move(entry)));
    } else if (what < 7) {
      // Mostly near the tail, as components read, sometimes anywhere (or beyond the tail).
      const Position tail = bus->Tail();
      const Position start =
          rng.Chance({3, 4}) ? std::max<Position>(0, tail - static_cast<Position>(rng.Uniform(8)))
                             : static_cast<Position>(rng.Uniform(static_cast<uint64_t>(tail) + 2));
      const Position end = std::min(tail, start + 8) + static_cast<Position>(rng.Uniform(2));
      static_cast<void>(recorder.Read(start, end, TypeFilter::FromMask(rng.NextU64() | 1)));
    } else if (what < 8) {
      static_cast<void>(recorder.Poll(static_cast<Position>(rng.Uniform(4)),
                                      TypeFilter::FromMask(rng.NextU64()), 1 + rng.Uniform(3)));
    } else if (what < 9) {
      static_cast<void>(recorder.Tail());
    } else {
      crash();
    }
  }
  return recorder.history();
}

// The simulated storage under every fault, with crashes, is linearizable (20 seeds).
BOOST_AUTO_TEST_CASE(SimulatedStorageUnderFaultsIsLinearizable) {
  int decided = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    ManualClock clock;
    sim::StorageFaultRates rates;
    rates.append_fail = {1, 10};
    rates.append_delay = {1, 4};
    rates.append_timeout = {1, 20};
    rates.torn_write = {1, 20};
    rates.lost_unacked = {1, 20};
    int unknown = 0;
    sim::SimulatedBus bus(
        &clock, sim::SeedStreams(seed), rates,
        [&unknown](const sim::StorageFault& f) { unknown += f.kind != "append_fail"; });
    const BusHistory history =
        Workload(&bus, &clock, seed, 300, [&bus] { static_cast<void>(bus.Crash()); });
    // The search is exponential in the worst case: a seed whose budget runs out is
    // undecided (reported, not passed); every decided seed must be linearizable.
    LinearizabilityOptions options;
    options.steps_max = 1'000'000;
    const Result<LinearizabilityVerdict> verdict = CheckLinearizable(history, options);
    if (!verdict.has_value()) {
      BOOST_TEST_MESSAGE("seed " << seed << ": undecided: " << verdict.status().ToString());
      BOOST_CHECK_EQUAL(testing::CodeOf(verdict), "ResourceExhausted");
      continue;
    }
    ++decided;
    BOOST_CHECK_MESSAGE(verdict->linearizable, "seed " << seed << ": " << verdict->message);
    BOOST_TEST_MESSAGE("seed " << seed << ": " << history.ops.size() << " ops, " << unknown
                               << " faults, " << verdict->steps << " steps");
  }
  BOOST_CHECK_GE(decided, 15);
}

// A backend that loses an acknowledged append on crash fails, naming the tail that shows it.
BOOST_AUTO_TEST_CASE(LossOfAcknowledgedAppendIsCaught) {
  ManualClock clock;
  LossyBus bus(&clock);
  RecordingBus recorder(&bus, &clock);
  BOOST_REQUIRE(recorder.Append(Mail(0)).has_value());
  BOOST_REQUIRE(recorder.Append(Mail(1)).has_value());
  bus.Crash();
  BOOST_CHECK_EQUAL(recorder.Tail(), 1);
  const Result<LinearizabilityVerdict> verdict = CheckLinearizable(recorder.history());
  BOOST_REQUIRE(verdict.has_value());
  BOOST_CHECK(!verdict->linearizable);
  BOOST_CHECK_EQUAL(verdict->culprit, 2u);
  BOOST_TEST_MESSAGE(verdict->message);
  BOOST_CHECK_NE(verdict->message.find("#2 tail -> 1"), std::string::npos);
  BOOST_CHECK_NE(verdict->message.find("returned 1 but the log has 2 entries"), std::string::npos);
}

// A backend whose reads miss the newest acknowledged entry fails, naming the missing entry.
BOOST_AUTO_TEST_CASE(StaleReadIsCaught) {
  ManualClock clock;
  StaleReadBus bus(&clock);
  RecordingBus recorder(&bus, &clock);
  for (int i = 0; i < 3; ++i) {
    BOOST_REQUIRE(recorder.Append(Mail(i)).has_value());
    BOOST_REQUIRE(recorder.Read(0, recorder.Tail(), TypeFilter::All()).has_value());
  }
  const BusHistory& history = recorder.history();
  const Result<LinearizabilityVerdict> verdict = CheckLinearizable(history);
  BOOST_REQUIRE(verdict.has_value());
  BOOST_CHECK(!verdict->linearizable);
  BOOST_TEST_MESSAGE(verdict->message);
  BOOST_CHECK(history.ops[verdict->culprit].kind == BusOpKind::kRead);
  BOOST_CHECK_NE(verdict->message.find("missed pos"), std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::properties
