// Model-based test of the AgentBus backends (issue 4, item 2): random
// sequences of appends (allowed and forbidden by type-level access control),
// reads, polls, tail queries, clock steps and, for SQLite, close-and-reopen,
// run against each backend and against a plain vector that states SPEC §1
// directly. Every answer of the backend must equal the model's.
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/memory_bus.h"
#include "core/sqlite_bus.h"

namespace logact {
namespace {

struct Op {
  int kind = 0;  // 0-4 append, 5 read, 6 poll, 7 tail, 8 clock, 9 reopen
  unsigned x = 0;
  unsigned y = 0;
  unsigned z = 0;
};

const Role kRoles[] = {Role::kDriver,   Role::kVoter, Role::kDecider,
                       Role::kExecutor, Role::kAdmin, Role::kExternal};

// SPEC §1's table: the one role that may append each type.
Role OwnerOf(EntryType type) {
  switch (type) {
    case EntryType::kMail:
      return Role::kExternal;
    case EntryType::kVote:
      return Role::kVoter;
    case EntryType::kCommit:
    case EntryType::kAbort:
      return Role::kDecider;
    case EntryType::kResult:
      return Role::kExecutor;
    case EntryType::kPolicy:
      return Role::kAdmin;
    default:
      return Role::kDriver;  // inf_in, inf_out, intent, elect, output
  }
}

// An entry of a generated type, author and payload, and whether SPEC §1
// (plus DEC-POLICY, which the bus also enforces) lets it be appended.
struct Candidate {
  Entry entry;
  bool allowed = false;
};

Candidate MakeCandidate(const Op& op) {
  const auto type = static_cast<EntryType>(op.x % kEntryTypeCount);
  // Mostly the right role, sometimes any role.
  const Role role = op.y % 4 == 0 ? kRoles[(op.y / 4) % 6] : OwnerOf(type);
  const std::string name = op.z % 7 == 0 ? "other" : "n" + std::to_string(op.z % 3);
  const std::string payload_name = "n" + std::to_string(op.z % 3);  // author name, unless "other"
  const std::string author = std::string(RoleName(role)) + "/" + name;
  const int64_t n = op.z % 1000;
  Candidate c;
  bool names_must_match = false;
  bool policy_ok = true;
  switch (type) {
    case EntryType::kMail:
      c.entry = MakeMail(author, name, "body " + std::to_string(n) + " \"quoted\" \xc3\xa9");
      break;
    case EntryType::kInfIn:
    case EntryType::kInfOut:
      c.entry = MakeInference(type, author, "text\n" + std::to_string(n), n);
      break;
    case EntryType::kIntent:
      c.entry = MakeIntent(author, Action{"send_money", Json{{"amount", n}, {"to", "x"}}},
                           payload_name, n % 5);
      names_must_match = true;
      break;
    case EntryType::kVote:
      c.entry = MakeVote(
          author, VotePayload{n, payload_name, "t" + std::to_string(n % 2), n % 2 == 0, "why"});
      names_must_match = true;
      break;
    case EntryType::kCommit:
    case EntryType::kAbort:
      c.entry = MakeDecision(type, author, DecisionPayload{n, "r", false});
      break;
    case EntryType::kResult:
      c.entry = MakeResult(author, ResultPayload{n, n % 2 == 0, "out", n % 3 == 0});
      break;
    case EntryType::kElect:
      c.entry = MakeElect(author, payload_name, n % 4);
      names_must_match = true;
      break;
    case EntryType::kPolicy: {
      PolicyPayload p;
      p.expected_version = n % 3;
      p.version = n % 5 == 0 ? p.expected_version : p.expected_version + 1;
      p.decider = Json{{"kind", "any_of"}, {"types", {"t0", "t1"}}};
      policy_ok = p.version > p.expected_version;
      c.entry = MakePolicy(author, std::move(p));
      break;
    }
    case EntryType::kOutput:
      c.entry = MakeOutput(author, "done " + std::to_string(n));
      break;
  }
  c.allowed = role == OwnerOf(type) && (!names_must_match || name == payload_name) && policy_ok;
  return c;
}

// The backend under test, which may be reopened (SQLite) or not (memory).
class Backend {
 public:
  virtual ~Backend() = default;
  virtual AgentBus& bus() = 0;
  virtual bool Reopen() = 0;  // false if the backend has no durable form
};

class MemoryBackend : public Backend {
 public:
  explicit MemoryBackend(Clock* clock) : bus_(clock) {}
  AgentBus& bus() override { return bus_; }
  bool Reopen() override { return false; }

 private:
  MemoryBus bus_;
};

class SqliteBackend : public Backend {
 public:
  SqliteBackend(Clock* clock, std::string path) : clock_(clock), path_(std::move(path)) {
    std::filesystem::remove(path_);
    std::filesystem::remove(path_ + "-wal");
    std::filesystem::remove(path_ + "-shm");
    Open();
  }
  AgentBus& bus() override { return *bus_; }
  bool Reopen() override {
    bus_.reset();
    Open();
    return true;
  }

 private:
  void Open() {
    auto opened =
        SqliteBus::Open(path_, clock_, SqliteBusOptions{SqliteBusOptions::Synchronous::kNormal});
    RC_ASSERT(opened.has_value());
    bus_ = std::move(opened).value();
  }
  Clock* clock_;
  std::string path_;
  std::unique_ptr<SqliteBus> bus_;
};

void RunAgainstModel(Backend& backend, ManualClock& clock, const std::vector<Op>& ops) {
  std::vector<Entry> model;
  for (const Op& op : ops) {
    AgentBus& bus = backend.bus();
    const auto tail = static_cast<Position>(model.size());
    if (op.kind <= 4) {
      Candidate c = MakeCandidate(op);
      Result<Position> pos = bus.Append(c.entry);
      RC_ASSERT(pos.has_value() == c.allowed);
      if (pos.has_value()) {
        RC_ASSERT(*pos == tail);
        c.entry.pos = tail;
        c.entry.ts = clock.NowMs();
        model.push_back(c.entry);
      }
      RC_ASSERT(bus.Tail() == static_cast<Position>(model.size()));
    } else if (op.kind == 5) {
      const Position start = static_cast<Position>(op.x % (model.size() + 3)) - 1;
      const Position end = static_cast<Position>(op.y % (model.size() + 3)) - 1;
      const TypeFilter filter = TypeFilter::FromMask(op.z & TypeFilter::All().mask());
      Result<std::vector<Entry>> read = bus.Read(start, end, filter);
      const bool valid = start >= 0 && start <= end && end <= tail;
      RC_ASSERT(read.has_value() == valid);
      if (!valid) continue;
      std::vector<Entry> expected;
      for (Position p = start; p < end; ++p) {
        if (filter.Contains(model[p].type)) expected.push_back(model[p]);
      }
      RC_ASSERT(*read == expected);
    } else if (op.kind == 6) {
      const Position start = static_cast<Position>(op.x % (model.size() + 1));
      const TypeFilter filter = TypeFilter::FromMask(op.z & TypeFilter::All().mask());
      const size_t max = 1 + op.y % 4;
      Result<Page> page = bus.Poll(start, filter, max);
      RC_ASSERT(page.has_value());
      Page expected;
      expected.next = tail;
      for (Position p = start; p < tail; ++p) {
        if (!filter.Contains(model[p].type)) continue;
        expected.entries.push_back(model[p]);
        if (expected.entries.size() == max) {
          expected.next = p + 1;
          break;
        }
      }
      RC_ASSERT(page->entries == expected.entries);
      RC_ASSERT(page->next == expected.next);
    } else if (op.kind == 7) {
      RC_ASSERT(bus.Tail() == tail);
    } else if (op.kind == 8) {
      clock.AdvanceBy(op.x % 1000);
    } else if (backend.Reopen()) {
      RC_ASSERT(backend.bus().Tail() == tail);
      auto all = backend.bus().Read(0, tail, TypeFilter::All());
      RC_ASSERT(all.has_value());
      RC_ASSERT(*all == model);
    }
  }
}

rc::Gen<std::vector<Op>> GenOps() {
  return rc::gen::container<std::vector<Op>>(
      rc::gen::build<Op>(rc::gen::set(&Op::kind, rc::gen::inRange(0, 10)),
                         rc::gen::set(&Op::x, rc::gen::arbitrary<unsigned>()),
                         rc::gen::set(&Op::y, rc::gen::arbitrary<unsigned>()),
                         rc::gen::set(&Op::z, rc::gen::arbitrary<unsigned>())));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(BusModel)

// The memory backend answers every operation as the model does.
RC_BOOST_PROP(MemoryBusMatchesModel, ()) {
  ManualClock clock;
  MemoryBackend backend(&clock);
  RunAgainstModel(backend, clock, *GenOps());
}

// The SQLite backend too, across close-and-reopen (durability and tail resumption).
RC_BOOST_PROP(SqliteBusMatchesModel, ()) {
  ManualClock clock;
  const std::string path = std::string(LOGACT_BINARY_DIR) + "/bus_model_test.sqlite";
  SqliteBackend backend(&clock, path);
  RunAgainstModel(backend, clock, *rc::gen::resize(40, GenOps()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact
