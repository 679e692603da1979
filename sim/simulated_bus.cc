// SimulatedBus: see sim/simulated_bus.h for the fault model.
#include "sim/simulated_bus.h"

#include <string>
#include <utility>

#include "core/access_control.h"
#include "core/assert.h"
#include "core/entry_codec.h"
#include "core/limits.h"

namespace logact::sim {
namespace {

Status CheckRatio(const Ratio& ratio, std::string_view field) {
  if (ratio.denominator == 0 || ratio.numerator > ratio.denominator) {
    return InvalidArgumentError("storage fault rate '" + std::string(field) +
                                "' must be n/d with " + "0 <= n <= d and d > 0, got " +
                                std::to_string(ratio.numerator) + "/" +
                                std::to_string(ratio.denominator));
  }
  return Status::Ok();
}

}  // namespace

bool StorageFaultRates::AnyOn() const {
  return !append_fail.IsZero() || !append_delay.IsZero() || !append_timeout.IsZero() ||
         !torn_write.IsZero() || !lost_unacked.IsZero();
}

Status ValidateStorageFaultRates(const StorageFaultRates& rates) {
  LOGACT_TRY(CheckRatio(rates.append_fail, "append_fail"));
  LOGACT_TRY(CheckRatio(rates.append_delay, "append_delay"));
  LOGACT_TRY(CheckRatio(rates.append_timeout, "append_timeout"));
  LOGACT_TRY(CheckRatio(rates.torn_write, "torn_write"));
  LOGACT_TRY(CheckRatio(rates.lost_unacked, "lost_unacked"));
  if (!rates.append_delay.IsZero() && rates.append_delay_ms_max < 1) {
    return InvalidArgumentError("storage append_delay_ms_max must be >= 1 ms, got " +
                                std::to_string(rates.append_delay_ms_max));
  }
  if (!rates.append_timeout.IsZero() && rates.append_timeout_ms < 1) {
    return InvalidArgumentError("storage append_timeout_ms must be >= 1 ms, got " +
                                std::to_string(rates.append_timeout_ms));
  }
  return Status::Ok();
}

SimulatedBus::SimulatedBus(Clock* clock, const SeedStreams& streams, StorageFaultRates rates,
                           StorageFaultListener on_fault)
    : clock_(clock),
      rates_(rates),
      on_fault_(std::move(on_fault)),
      fail_stream_(streams.Stream("storage.append_fail")),
      delay_stream_(streams.Stream("storage.append_delay")),
      timeout_stream_(streams.Stream("storage.append_timeout")),
      torn_stream_(streams.Stream("storage.torn_write")),
      lost_stream_(streams.Stream("storage.lost_unacked")) {
  LOGACT_ASSERT(clock_ != nullptr);
  LOGACT_ASSERT(ValidateStorageFaultRates(rates_).ok());
}

void SimulatedBus::SetRates(const StorageFaultRates& rates) {
  LOGACT_ASSERT(ValidateStorageFaultRates(rates).ok());
  rates_ = rates;
}

bool SimulatedBus::Decide(std::string_view kind, std::string_view site, bool drawn) {
  return gate_ == nullptr ? drawn : gate_->DecideStorageFault(kind, site, drawn);
}

int64_t SimulatedBus::Magnitude(std::string_view kind, int64_t drawn, int64_t low, int64_t high) {
  if (gate_ == nullptr) return drawn;
  const int64_t value = gate_->StorageMagnitude(kind, drawn, low, high);
  LOGACT_ASSERT_GE(value, low);
  LOGACT_ASSERT_LE(value, high);
  return value;
}

SimulatedBus::WriteDraws SimulatedBus::Draw(std::string_view site) {
  // Each stream is drawn the same number of times per write whatever the
  // other streams (or the gate) decide, so one kind's schedule never depends
  // on another's. A magnitude goes to the gate only for a kind that fires.
  WriteDraws draws;
  if (!rates_.append_fail.IsZero()) {
    draws.fail = Decide("append_fail", site, fail_stream_.Chance(rates_.append_fail));
  }
  if (!rates_.append_delay.IsZero()) {
    const bool delayed = Decide("append_delay", site, delay_stream_.Chance(rates_.append_delay));
    const int64_t ms = delay_stream_.UniformInRange(1, rates_.append_delay_ms_max);
    if (delayed) draws.delay_ms = Magnitude("append_delay", ms, 1, rates_.append_delay_ms_max);
  }
  if (!rates_.append_timeout.IsZero()) {
    draws.timeout = Decide("append_timeout", site, timeout_stream_.Chance(rates_.append_timeout));
    const int64_t stored = static_cast<int64_t>(timeout_stream_.NextU64() >> 63);
    draws.timeout_stored =
        (draws.timeout ? Magnitude("append_timeout", stored, 0, 1) : stored) != 0;
  }
  if (!rates_.torn_write.IsZero()) {
    draws.torn = Decide("torn_write", site, torn_stream_.Chance(rates_.torn_write));
    const int64_t keep = static_cast<int64_t>(torn_stream_.Uniform(1000));
    draws.torn_keep_per_mille =
        static_cast<size_t>(draws.torn ? Magnitude("torn_write", keep, 0, 999) : keep);
  }
  if (!rates_.lost_unacked.IsZero()) {
    draws.unsynced = Decide("lost_unacked", site, lost_stream_.Chance(rates_.lost_unacked));
    const int64_t lost = static_cast<int64_t>(lost_stream_.NextU64() >> 63);
    draws.unsynced_lost = (draws.unsynced ? Magnitude("lost_unacked", lost, 0, 1) : lost) != 0;
  }
  return draws;
}

void SimulatedBus::Report(std::string_view kind, Position pos, std::string_view outcome,
                          int64_t delay_ms) {
  if (on_fault_) on_fault_(StorageFault{kind, pos, outcome, delay_ms});
}

void SimulatedBus::Settle() const {
  if (!unsynced_.has_value()) return;
  UnsyncedRecord record = std::move(*unsynced_);
  unsynced_.reset();
  // The recovery scan: a record whose bytes fail the checksum is torn and is
  // treated as absent, so its slot is re-filled by the next record.
  LOGACT_ASSERT_EQ(record.pos, static_cast<Position>(records_.size()));
  if (Fnv1a64(record.bytes) != record.checksum) return;
  Result<Entry> entry = DecodeEntryText(record.bytes);
  // Our own encoding of an entry that passed access control must decode.
  LOGACT_ASSERT(entry.has_value());
  LOGACT_ASSERT_EQ(entry->pos, record.pos);
  records_.push_back(std::move(entry).value());
  // After the push: the listener may read the bus, and finds the record there.
  if (on_sync_) on_sync_(record.pos);
}

Position SimulatedBus::Tail() const {
  Settle();
  return static_cast<Position>(records_.size());
}

int SimulatedBus::Crash() {
  const int dropped = unsynced_.has_value() ? 1 : 0;
  unsynced_.reset();
  return dropped;
}

void SimulatedBus::StoreDurable(Entry entry) {
  LOGACT_ASSERT_EQ(entry.pos, Tail());
  records_.push_back(std::move(entry));
}

void SimulatedBus::StoreUnsynced(const Entry& entry, const WriteDraws& draws) {
  LOGACT_ASSERT(!unsynced_.has_value());
  UnsyncedRecord record;
  record.pos = entry.pos;
  record.bytes = EncodeEntry(entry);
  record.checksum = Fnv1a64(record.bytes);
  if (draws.torn) {
    // A torn write keeps a prefix of the record (at most all but one byte).
    const size_t keep = record.bytes.size() * draws.torn_keep_per_mille / 1000;
    record.bytes.resize(keep);
    LOGACT_ASSERT_NE(Fnv1a64(record.bytes), record.checksum);
  }
  unsynced_ = std::move(record);
}

Result<Position> SimulatedBus::Append(Entry&& entry) {
  LOGACT_TRY(CheckAppend(entry));
  Sync();  // the previous unsynced record goes ahead of this one, or is dropped if torn
  const Position pos = Tail();
  if (!rates_.AnyOn()) {
    entry.pos = pos;
    entry.ts = clock_->NowMs();
    StoreDurable(std::move(entry));
    return pos;
  }
  const WriteDraws draws = Draw(entry.author);
  if (draws.delay_ms > 0) {
    clock_->SleepUntilMs(clock_->NowMs() + draws.delay_ms);
    Report("append_delay", pos, "delayed", draws.delay_ms);
  }
  if (draws.fail) {
    Report("append_fail", pos, "lost", 0);
    return UnavailableError("simulated storage: append at " + std::to_string(pos) + " failed");
  }
  entry.pos = pos;
  entry.ts = clock_->NowMs();
  const std::string unknown = "simulated storage: append at " + std::to_string(pos);
  if (draws.unsynced && draws.unsynced_lost && !draws.torn) {
    Report("lost_unacked", pos, "lost", 0);
    return UnknownOutcomeError(unknown + " was not acknowledged");
  }
  if (draws.torn || draws.unsynced) {
    StoreUnsynced(entry, draws);
    Report(draws.torn ? "torn_write" : "lost_unacked", pos, draws.torn ? "torn" : "unsynced", 0);
    return UnknownOutcomeError(unknown + " was not acknowledged");
  }
  if (draws.timeout) {
    clock_->SleepUntilMs(clock_->NowMs() + rates_.append_timeout_ms);
    if (draws.timeout_stored) StoreDurable(std::move(entry));
    Report("append_timeout", pos, draws.timeout_stored ? "stored" : "lost",
           rates_.append_timeout_ms);
    return UnknownOutcomeError(unknown + " timed out");
  }
  StoreDurable(std::move(entry));
  return pos;
}

Result<std::vector<Entry>> SimulatedBus::Read(Position start, Position end,
                                              TypeFilter filter) const {
  LOGACT_TRY(CheckReadRange(start, end, Tail()));  // Tail settles first
  std::vector<Entry> out;
  if (filter.empty()) return out;
  for (Position pos = start; pos < end; ++pos) {
    if (filter.Contains(records_[pos].type)) out.push_back(records_[pos]);
  }
  return out;
}

Result<Page> SimulatedBus::Poll(Position start, TypeFilter filter, size_t max) const {
  const Position tail = Tail();  // settles first
  LOGACT_TRY(CheckPollArguments(start, max, tail));
  Page page;
  page.next = tail;
  if (filter.empty()) return page;
  for (Position pos = start; pos < tail; ++pos) {
    if (!filter.Contains(records_[pos].type)) continue;
    page.entries.push_back(records_[pos]);
    if (page.entries.size() == max) {
      page.next = pos + 1;
      break;
    }
  }
  return page;
}

}  // namespace logact::sim
