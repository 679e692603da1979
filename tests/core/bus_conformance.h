// The AgentBus conformance suite (SPEC §1): every scenario is written once,
// here, and runs against every backend through a Boost.Test template case.
//
// To run it against a backend, a test file declares the fixture list and then
// includes this header (tests/core/bus_conformance_test.cc does it for memory
// and SQLite; a backend outside core/, such as the simulator's storage, can do
// the same from its own test folder):
//
//   namespace logact::conformance {
//   using BusFixtures = boost::mpl::list<MyFixture>;  // one line per fixture
//   }
//   #include "tests/core/bus_conformance.h"
//
// A fixture is default-constructible, gives a fresh empty bus, and has
//   static constexpr const char* kName;   // for messages
//   AgentBus& bus();
//   ManualClock& clock();                 // the clock the bus stamps ts from
// Backends that inject faults run this suite with faults off.
#pragma once

#include <algorithm>
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/access_control.h"
#include "core/agent_bus.h"
#include "core/clock.h"
#include "core/entry_codec.h"
#include "core/limits.h"
#include "core/play_log.h"
#include "tests/core/bus_test_util.h"

namespace logact::conformance {

// Appends `count` entries cycling through every type with an allowed author;
// returns their types in position order.
template <typename F>
std::vector<EntryType> AppendCycle(F& f, int count) {
  std::vector<EntryType> types;
  for (int i = 0; i < count; ++i) {
    const EntryType type = testing::TypeAt(i % kEntryTypeCount);
    const Result<Position> pos =
        f.bus().Append(testing::SampleEntry(type, testing::AllowedAuthor(type)));
    BOOST_REQUIRE_MESSAGE(pos.has_value(), pos.status().ToString());
    BOOST_REQUIRE_EQUAL(*pos, i);
    types.push_back(type);
  }
  return types;
}

inline std::vector<Position> Positions(const std::vector<Entry>& entries) {
  std::vector<Position> out;
  for (const Entry& e : entries) out.push_back(e.pos);
  return out;
}

BOOST_AUTO_TEST_SUITE(BusConformance)

// An empty bus has tail 0 and empty reads and polls.
BOOST_AUTO_TEST_CASE_TEMPLATE(EmptyBusHasTailZero, F, BusFixtures) {
  F f;
  BOOST_CHECK_EQUAL(f.bus().Tail(), 0);
  const Result<std::vector<Entry>> read = f.bus().Read(0, 0, TypeFilter::All());
  BOOST_REQUIRE(read.has_value());
  BOOST_CHECK(read->empty());
  const Result<Page> page = f.bus().Poll(0, TypeFilter::All(), 10);
  BOOST_REQUIRE(page.has_value());
  BOOST_CHECK(page->entries.empty());
  BOOST_CHECK_EQUAL(page->next, 0);
}

// Append returns dense positions from 0; tail counts them; reads return them in order.
BOOST_AUTO_TEST_CASE_TEMPLATE(PositionsAreDenseFromZero, F, BusFixtures) {
  F f;
  const std::vector<EntryType> types = AppendCycle(f, 25);
  BOOST_CHECK_EQUAL(f.bus().Tail(), 25);
  const Result<std::vector<Entry>> all = f.bus().Read(0, 25, TypeFilter::All());
  BOOST_REQUIRE(all.has_value());
  BOOST_REQUIRE_EQUAL(all->size(), 25u);
  for (size_t i = 0; i < all->size(); ++i) {
    BOOST_CHECK_EQUAL((*all)[i].pos, static_cast<Position>(i));
    BOOST_CHECK((*all)[i].type == types[i]);
  }
}

// Read accepts exactly 0 <= start <= end <= tail and returns [start, end).
BOOST_AUTO_TEST_CASE_TEMPLATE(ReadRangesAndErrors, F, BusFixtures) {
  F f;
  AppendCycle(f, 6);
  const Result<std::vector<Entry>> middle = f.bus().Read(2, 5, TypeFilter::All());
  BOOST_REQUIRE(middle.has_value());
  BOOST_CHECK(Positions(*middle) == (std::vector<Position>{2, 3, 4}));
  const Result<std::vector<Entry>> at_tail = f.bus().Read(6, 6, TypeFilter::All());
  BOOST_REQUIRE(at_tail.has_value());
  BOOST_CHECK(at_tail->empty());
  BOOST_CHECK_EQUAL(testing::CodeOf(f.bus().Read(0, 7, TypeFilter::All())), "InvalidArgument");
  BOOST_CHECK_EQUAL(testing::CodeOf(f.bus().Read(4, 3, TypeFilter::All())), "InvalidArgument");
  BOOST_CHECK_EQUAL(testing::CodeOf(f.bus().Read(-1, 3, TypeFilter::All())), "InvalidArgument");
  BOOST_CHECK_EQUAL(testing::CodeOf(f.bus().Read(7, 7, TypeFilter::All())), "InvalidArgument");
}

// An empty filter matches nothing, in Read and in Poll (whose next is then the tail).
BOOST_AUTO_TEST_CASE_TEMPLATE(EmptyFilterReturnsNothing, F, BusFixtures) {
  F f;
  AppendCycle(f, 12);
  const Result<std::vector<Entry>> read = f.bus().Read(0, 12, TypeFilter());
  BOOST_REQUIRE(read.has_value());
  BOOST_CHECK(read->empty());
  const Result<Page> page = f.bus().Poll(3, TypeFilter(), 5);
  BOOST_REQUIRE(page.has_value());
  BOOST_CHECK(page->entries.empty());
  BOOST_CHECK_EQUAL(page->next, 12);
}

// Filters return exactly the entries of the listed types, in position order.
BOOST_AUTO_TEST_CASE_TEMPLATE(TypeFiltersSelectTypes, F, BusFixtures) {
  F f;
  const std::vector<EntryType> types = AppendCycle(f, 30);
  for (const TypeFilter filter :
       {TypeFilter{EntryType::kVote}, TypeFilter{EntryType::kIntent, EntryType::kCommit},
        TypeFilter{EntryType::kMail, EntryType::kOutput, EntryType::kPolicy}, TypeFilter::All()}) {
    std::vector<Position> expected;
    for (size_t i = 3; i < 27; ++i) {
      if (filter.Contains(types[i])) expected.push_back(static_cast<Position>(i));
    }
    const Result<std::vector<Entry>> read = f.bus().Read(3, 27, filter);
    BOOST_REQUIRE(read.has_value());
    BOOST_CHECK(Positions(*read) == expected);
    for (const Entry& e : *read) BOOST_CHECK(filter.Contains(e.type));
  }
}

// Poll: at most max entries, next just after the last one returned when the page is full,
// the tail otherwise (also when nothing matches); polling from next continues without gaps.
BOOST_AUTO_TEST_CASE_TEMPLATE(PollNextSemantics, F, BusFixtures) {
  F f;
  AppendCycle(f, 33);  // votes at 4, 15, 26
  const TypeFilter votes{EntryType::kVote};
  Result<Page> page = f.bus().Poll(0, votes, 2);
  BOOST_REQUIRE(page.has_value());
  BOOST_CHECK(Positions(page->entries) == (std::vector<Position>{4, 15}));
  BOOST_CHECK_EQUAL(page->next, 16);
  page = f.bus().Poll(page->next, votes, 2);
  BOOST_REQUIRE(page.has_value());
  BOOST_CHECK(Positions(page->entries) == (std::vector<Position>{26}));
  BOOST_CHECK_EQUAL(page->next, 33);
  page = f.bus().Poll(27, votes, 2);  // nothing matches: next is the tail
  BOOST_REQUIRE(page.has_value());
  BOOST_CHECK(page->entries.empty());
  BOOST_CHECK_EQUAL(page->next, 33);
  page = f.bus().Poll(33, TypeFilter::All(), 1);  // at the tail
  BOOST_REQUIRE(page.has_value());
  BOOST_CHECK(page->entries.empty());
  BOOST_CHECK_EQUAL(page->next, 33);
  page = f.bus().Poll(10, TypeFilter::All(), 3);
  BOOST_REQUIRE(page.has_value());
  BOOST_CHECK(Positions(page->entries) == (std::vector<Position>{10, 11, 12}));
  BOOST_CHECK_EQUAL(page->next, 13);
  BOOST_CHECK_EQUAL(testing::CodeOf(f.bus().Poll(34, votes, 1)), "InvalidArgument");
  BOOST_CHECK_EQUAL(testing::CodeOf(f.bus().Poll(-1, votes, 1)), "InvalidArgument");
  BOOST_CHECK_EQUAL(testing::CodeOf(f.bus().Poll(0, votes, 0)), "InvalidArgument");
  BOOST_CHECK_EQUAL(testing::CodeOf(f.bus().Poll(0, votes, limits::kPollEntriesMax + 1)),
                    "InvalidArgument");
}

// The bus stamps pos and ts itself, ts from its clock, whatever the caller put there.
BOOST_AUTO_TEST_CASE_TEMPLATE(StampsPosAndTsFromClock, F, BusFixtures) {
  F f;
  f.clock().AdvanceTo(1234);
  Entry entry = testing::SampleEntry(EntryType::kMail, "external/alice");
  entry.pos = 99;
  entry.ts = -5;
  BOOST_REQUIRE_EQUAL(*f.bus().Append(entry), 0);
  f.clock().AdvanceBy(66);
  BOOST_REQUIRE_EQUAL(*f.bus().Append(entry), 1);
  const Result<std::vector<Entry>> read = f.bus().Read(0, 2, TypeFilter::All());
  BOOST_REQUIRE(read.has_value());
  BOOST_CHECK_EQUAL((*read)[0].pos, 0);
  BOOST_CHECK_EQUAL((*read)[0].ts, 1234);
  BOOST_CHECK_EQUAL((*read)[1].pos, 1);
  BOOST_CHECK_EQUAL((*read)[1].ts, 1300);
}

// Every forbidden role x type append is refused with kPermissionDenied, leaves no entry and
// keeps the tail; every allowed one is stored.
BOOST_AUTO_TEST_CASE_TEMPLATE(ForbiddenAppendsLeaveNoEntry, F, BusFixtures) {
  F f;
  int forbidden = 0;
  for (Role role : testing::kAllRoles) {
    for (int t = 0; t < kEntryTypeCount; ++t) {
      const EntryType type = testing::TypeAt(t);
      const Position tail = f.bus().Tail();
      const Entry entry = testing::SampleEntry(type, std::string(RoleName(role)) + "/p");
      const Result<Position> pos = f.bus().Append(entry);
      if (RoleMayAppend(role, type)) {
        BOOST_REQUIRE_MESSAGE(pos.has_value(), pos.status().ToString());
        BOOST_CHECK_EQUAL(*pos, tail);
        BOOST_CHECK_EQUAL(f.bus().Tail(), tail + 1);
        continue;
      }
      ++forbidden;
      BOOST_CHECK_EQUAL(testing::CodeOf(pos), "PermissionDenied");
      BOOST_CHECK_EQUAL(f.bus().Tail(), tail);
    }
  }
  BOOST_CHECK_EQUAL(forbidden, 5 * kEntryTypeCount);
  // Only the allowed entries are on the log, one of each type, all authored by their role.
  const Result<std::vector<Entry>> all = f.bus().Read(0, f.bus().Tail(), TypeFilter::All());
  BOOST_REQUIRE(all.has_value());
  BOOST_CHECK_EQUAL(all->size(), static_cast<size_t>(kEntryTypeCount));
  for (const Entry& e : *all) {
    BOOST_CHECK(RoleMayAppend(ParsePrincipal(e.author)->role, e.type));
  }
}

// A name that differs from the payload's driver/voter is refused; so are malformed authors,
// mismatched payloads and malformed policies; none moves the tail.
BOOST_AUTO_TEST_CASE_TEMPLATE(RejectsMismatchedOrMalformedAppends, F, BusFixtures) {
  F f;
  AppendCycle(f, 3);
  const std::vector<std::pair<Entry, std::string_view>> cases = {
      {MakeIntent("driver/a", Action{"t", Json::object()}, "b", 1), "PermissionDenied"},
      {MakeElect("driver/a", "b", 1), "PermissionDenied"},
      {MakeVote("voter/a", VotePayload{0, "b", "t", true, ""}), "PermissionDenied"},
      {MakeOutput("nobody", "x"), "InvalidArgument"},
      {MakeOutput("king/x", "x"), "InvalidArgument"},
      {MakePolicy("admin/root", PolicyPayload{1, 0, Json{{"kind", "maybe"}}, Json()}),
       "InvalidArgument"},
      {MakePolicy("admin/root",
                  PolicyPayload{1, 0, Json{{"kind", "all_of"}, {"types", Json::array()}}, Json()}),
       "InvalidArgument"},
      {MakePolicy("admin/root", PolicyPayload{1, 1, Json(), Json()}), "InvalidArgument"},
  };
  for (const auto& [entry, code] : cases) {
    const Result<Position> pos = f.bus().Append(entry);
    BOOST_CHECK_MESSAGE(testing::CodeOf(pos) == code, EncodeEntry(entry));
    BOOST_CHECK_EQUAL(f.bus().Tail(), 3);
  }
  Entry mismatched = MakeOutput("driver/agent", "x");
  mismatched.type = EntryType::kInfOut;
  BOOST_CHECK_EQUAL(testing::CodeOf(f.bus().Append(mismatched)), "InvalidArgument");
  BOOST_CHECK_EQUAL(f.bus().Tail(), 3);
  // The bus still works after rejections.
  BOOST_CHECK_EQUAL(*f.bus().Append(MakeElect("driver/a", "a", 1)), 3);
}

// Every payload type, unicode text and unknown extra fields come back exactly as appended.
BOOST_AUTO_TEST_CASE_TEMPLATE(EntriesRoundTrip, F, BusFixtures) {
  F f;
  std::vector<Entry> appended;
  for (int t = 0; t < kEntryTypeCount; ++t) {
    const EntryType type = testing::TypeAt(t);
    Entry entry = testing::SampleEntry(type, testing::AllowedAuthor(type));
    if (t % 2 == 0) entry.extra = Json{{"x-trace", {{"span", t}, {"note", "\xc3\xa9t\xc3\xa9"}}}};
    f.clock().AdvanceBy(t);
    const Result<Position> pos = f.bus().Append(entry);
    BOOST_REQUIRE_MESSAGE(pos.has_value(), pos.status().ToString());
    entry.pos = *pos;
    entry.ts = f.clock().NowMs();
    appended.push_back(entry);
  }
  const Result<std::vector<Entry>> read = f.bus().Read(0, f.bus().Tail(), TypeFilter::All());
  BOOST_REQUIRE(read.has_value());
  BOOST_REQUIRE_EQUAL(read->size(), appended.size());
  for (size_t i = 0; i < appended.size(); ++i) {
    BOOST_CHECK_MESSAGE((*read)[i] == appended[i],
                        EncodeEntry((*read)[i]) + " vs " + EncodeEntry(appended[i]));
  }
  const Result<Page> page = f.bus().Poll(0, TypeFilter::All(), limits::kPollEntriesMax);
  BOOST_REQUIRE(page.has_value());
  BOOST_CHECK(page->entries == *read);
}

// PollBlocking returns at once when something matches, and otherwise waits on the clock
// exactly until the timeout, returning an empty page whose next is the tail.
BOOST_AUTO_TEST_CASE_TEMPLATE(PollBlockingTimesOutOnTheClock, F, BusFixtures) {
  F f;
  f.clock().AdvanceTo(100);
  AppendCycle(f, 4);  // no vote
  Result<Page> page = PollBlocking(f.bus(), f.clock(), 0, {EntryType::kVote}, 8, 250);
  BOOST_REQUIRE(page.has_value());
  BOOST_CHECK(page->entries.empty());
  BOOST_CHECK_EQUAL(page->next, 4);
  BOOST_CHECK_EQUAL(f.clock().NowMs(), 350);
  page = PollBlocking(f.bus(), f.clock(), 0, {EntryType::kIntent}, 8, 250);
  BOOST_REQUIRE(page.has_value());
  BOOST_CHECK(Positions(page->entries) == (std::vector<Position>{3}));
  BOOST_CHECK_EQUAL(f.clock().NowMs(), 350);  // no wait when something matches
  page = PollBlocking(f.bus(), f.clock(), 4, TypeFilter::All(), 8, 0);
  BOOST_REQUIRE(page.has_value());
  BOOST_CHECK(page->entries.empty());
  BOOST_CHECK_EQUAL(f.clock().NowMs(), 350);  // a zero timeout polls once
  BOOST_CHECK_EQUAL(testing::CodeOf(PollBlocking(f.bus(), f.clock(), 9, TypeFilter::All(), 8, 5)),
                    "InvalidArgument");
}

// ForEachEntry visits exactly the matching entries of [*played, end) in order
// and leaves *played at end, never past it, even when entries follow `end`;
// a second call from there to the tail visits the rest.
BOOST_AUTO_TEST_CASE_TEMPLATE(ForEachEntryStopsAtEnd, F, BusFixtures) {
  F f;
  const std::vector<EntryType> types = AppendCycle(f, 30);
  const TypeFilter filters[] = {TypeFilter::All(), TypeFilter{EntryType::kIntent, EntryType::kVote},
                                TypeFilter{EntryType::kOutput}};
  for (const TypeFilter& filter : filters) {
    for (Position end : {Position{0}, Position{1}, Position{7}, Position{12}, Position{30}}) {
      Position played = 0;
      std::vector<Position> visited;
      const Status first = f.bus().ForEachEntry(&played, end, filter,
                                                [&](const Entry& e) { visited.push_back(e.pos); });
      BOOST_REQUIRE_MESSAGE(first.ok(), first.ToString());
      BOOST_CHECK_EQUAL(played, end);
      const Status rest = f.bus().ForEachEntry(&played, f.bus().Tail(), filter,
                                               [&](const Entry& e) { visited.push_back(e.pos); });
      BOOST_REQUIRE_MESSAGE(rest.ok(), rest.ToString());
      BOOST_CHECK_EQUAL(played, f.bus().Tail());
      std::vector<Position> expected;
      for (Position p = 0; p < static_cast<Position>(types.size()); ++p) {
        if (filter.Contains(types[p])) expected.push_back(p);
      }
      BOOST_CHECK_MESSAGE(visited == expected, F::kName << ": end " << end << " visited "
                                                        << visited.size() << " entries, expected "
                                                        << expected.size());
    }
  }
}

// StoredRun hands out a prefix of [start, end) equal, entry for entry, to
// what Read returns (possibly shorter, possibly empty: a backend without
// entries in memory returns none), and never an entry at or past `end`.
BOOST_AUTO_TEST_CASE_TEMPLATE(StoredRunIsAPrefixOfRead, F, BusFixtures) {
  F f;
  constexpr int kCount = 2100;  // past two of MemoryBus's 1024-entry chunks
  AppendCycle(f, kCount);
  const Result<std::vector<Entry>> all = f.bus().Read(0, kCount, TypeFilter::All());
  BOOST_REQUIRE(all.has_value());
  for (Position start : {0, 1, 500, 1023, 1024, 1025, 2047, 2048, 2099, 2100}) {
    for (Position end : {start, std::min<Position>(start + 1, kCount),
                         std::min<Position>(start + 700, kCount), Position{kCount}}) {
      const std::span<const Entry> run = f.bus().StoredRun(start, end);
      BOOST_REQUIRE_LE(static_cast<Position>(run.size()), end - start);
      for (size_t i = 0; i < run.size(); ++i) {
        BOOST_REQUIRE_MESSAGE(run[i] == (*all)[static_cast<size_t>(start) + i],
                              F::kName << ": StoredRun(" << start << ", " << end << ")[" << i
                                       << "] differs from Read");
      }
    }
  }
}

// PlayLog (the components' read loop: StoredRun where the backend has it,
// ForEachEntry for the rest) visits exactly the matching entries in order,
// once each, and leaves *played at the tail; a later call plays only what
// was appended since.
BOOST_AUTO_TEST_CASE_TEMPLATE(PlayLogVisitsEachMatchingEntryOnce, F, BusFixtures) {
  const TypeFilter filters[] = {TypeFilter::All(), TypeFilter{EntryType::kIntent, EntryType::kVote},
                                TypeFilter{}};
  for (const TypeFilter& filter : filters) {
    F f;
    std::vector<EntryType> types = AppendCycle(f, 1500);
    Position played = 0;
    std::vector<Position> visited;
    auto play = [&](const Entry& e) { visited.push_back(e.pos); };
    Status status = PlayLog(f.bus(), filter, &played, play);
    BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
    BOOST_CHECK_EQUAL(played, 1500);
    for (int i = 0; i < 700; ++i) {  // crosses the next chunk boundary
      const EntryType type = testing::TypeAt(i % kEntryTypeCount);
      BOOST_REQUIRE(f.bus().Append(testing::SampleEntry(type, testing::AllowedAuthor(type))));
      types.push_back(type);
    }
    status = PlayLog(f.bus(), filter, &played, play);
    BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
    BOOST_CHECK_EQUAL(played, 2200);
    std::vector<Position> expected;
    for (Position p = 0; p < static_cast<Position>(types.size()); ++p) {
      if (filter.Contains(types[p])) expected.push_back(p);
    }
    BOOST_CHECK_MESSAGE(visited == expected, F::kName << ": visited " << visited.size()
                                                      << " entries, expected " << expected.size());
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::conformance
