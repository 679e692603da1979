// Model-based test of the Decider (issue 4, item 2): random interleavings of
// policy changes, elections, intents, votes and clock steps are played into a
// MemoryBus while the real Decider steps at random moments; the resulting log
// is then judged by a small reference implementation of SPEC §2 written here,
// independently of core/decider_policy.cc. It checks finality (one decision
// per live intent), justification (the decision is what the policy in force
// at the intent's position and the counted votes before the decision force),
// fencing (no decision for a fenced intent), timeouts, and completeness (an
// intent whose votes force a verdict, or whose policy has a timeout, is
// decided once the decider is quiescent).
#include <rapidcheck.h>
#include <rapidcheck/boost_test.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/decider.h"
#include "core/memory_bus.h"

namespace logact {
namespace {

const std::vector<std::string> kTypes = {"t1", "t2", "t3"};
// Voters and their types: two voters share t1, one type (t9) no policy lists.
const std::vector<std::pair<std::string, std::string>> kVoters = {
    {"v1", "t1"}, {"v1b", "t1"}, {"v2", "t2"}, {"v3", "t3"}, {"v9", "t9"}};
const std::vector<std::string> kDrivers = {"a", "b"};

// The reference form of a decider policy.
struct RefPolicy {
  std::string kind = "on_by_default";
  std::vector<std::string> types;  // empty for first_voter without a list
  int k = 0;
  std::optional<int64_t> timeout_ms;

  bool Counts(const std::string& type) const {
    if (kind == "on_by_default" || kind == "off_by_default") return false;
    if (kind == "first_voter" && types.empty()) return true;
    return std::find(types.begin(), types.end(), type) != types.end();
  }

  Json ToJson() const {
    Json json = {{"kind", kind}};
    if (!types.empty()) json["types"] = types;
    if (kind == "quorum") json["k"] = k;
    if (timeout_ms) json["timeout_ms"] = *timeout_ms;
    return json;
  }
};

// One generated operation; the integers are interpreted by Apply so that
// RapidCheck can shrink them.
struct Op {
  int kind = 0;  // 0 policy, 1 elect, 2 intent, 3-5 vote, 6 clock, 7 step
  unsigned x = 0;
  unsigned y = 0;
  unsigned z = 0;
};

RefPolicy PolicyFrom(unsigned x, unsigned y, unsigned z) {
  static const char* kKinds[] = {"on_by_default", "off_by_default", "first_voter",
                                 "all_of",        "any_of",         "quorum"};
  RefPolicy policy;
  policy.kind = kKinds[x % 6];
  if (policy.kind != "on_by_default" && policy.kind != "off_by_default") {
    std::vector<std::string> types = kTypes;
    std::rotate(types.begin(), types.begin() + (z % 3), types.end());
    const unsigned count = 1 + y % 3;
    types.resize(count);
    if (!(policy.kind == "first_voter" && (y / 3) % 2 == 0)) policy.types = types;
    policy.k = 1 + static_cast<int>((z / 3) % count);
  }
  if ((z / 16) % 3 == 0) policy.timeout_ms = 1 + (z / 64) % 60;
  return policy;
}

// Verdict of the first prefix of `votes` (counted, first per type) that decides.
enum class RefVerdict { kUndecided, kCommit, kAbort };

RefVerdict FirstDecidingPrefix(const RefPolicy& policy,
                               const std::vector<std::pair<std::string, bool>>& votes) {
  if (policy.kind == "on_by_default") return RefVerdict::kCommit;
  if (policy.kind == "off_by_default") return RefVerdict::kAbort;
  int approvals = 0;
  int denials = 0;
  const int listed = static_cast<int>(policy.types.size());
  for (const auto& [type, approve] : votes) {
    approve ? ++approvals : ++denials;
    if (policy.kind == "first_voter") return approve ? RefVerdict::kCommit : RefVerdict::kAbort;
    if (policy.kind == "all_of") {
      if (!approve) return RefVerdict::kAbort;
      if (approvals == listed) return RefVerdict::kCommit;
    } else if (policy.kind == "any_of") {
      if (approve) return RefVerdict::kCommit;
      if (denials == listed) return RefVerdict::kAbort;
    } else if (policy.kind == "quorum") {
      if (approvals >= policy.k) return RefVerdict::kCommit;
      if (denials > listed - policy.k) return RefVerdict::kAbort;
    }
  }
  return RefVerdict::kUndecided;
}

// The scenario under test: a bus, a clock and the real decider.
class Harness {
 public:
  Harness() : bus_(&clock_), decider_(DeciderOptions{"d0", &bus_, &clock_}) {}

  void Apply(const Op& op) {
    switch (op.kind) {
      case 0: {
        PolicyPayload payload;
        payload.expected_version = op.x % 4;
        // The bus rejects version <= expected_version (DEC-POLICY), so only
        // expected_version varies: some entries apply, others are skipped.
        payload.version = static_cast<int64_t>(op.x % 4) + 1 + static_cast<int64_t>(op.y % 2);
        payload.decider = PolicyFrom(op.y / 3, op.z, op.x / 4).ToJson();
        Append(MakePolicy("admin/root", std::move(payload)));
        break;
      }
      case 1: {
        const std::string& driver = kDrivers[op.x % 2];
        Append(MakeElect("driver/" + driver, driver, op.y % 4));
        break;
      }
      case 2: {
        const std::string& driver = kDrivers[op.x % 2];
        Action action{"send_money", Json{{"amount", static_cast<int>(op.y % 100)}}};
        const Position pos = Append(MakeIntent("driver/" + driver, action, driver, op.z % 4));
        intents_.push_back(pos);
        break;
      }
      case 3:
      case 4:
      case 5: {
        if (intents_.empty()) break;
        const auto& [voter, type] = kVoters[op.x % kVoters.size()];
        VotePayload vote;
        vote.intent = intents_[op.y % intents_.size()];
        vote.voter = voter;
        vote.voter_type = type;
        vote.approve = op.z % 2 == 0;
        vote.reason = "generated";
        Append(MakeVote("voter/" + voter, std::move(vote)));
        break;
      }
      case 6:
        clock_.AdvanceBy(op.x % 40);
        break;
      default:
        StepUntilQuiet();
        break;
    }
  }

  // Steps the decider until it has nothing to do at the current time.
  void StepUntilQuiet() {
    for (int guard = 0; decider_.HasWork(); ++guard) {
      RC_ASSERT(guard < 10000);
      RC_ASSERT(decider_.Step().ok());
    }
  }

  // Lets every timer fire: the decider must end with nothing pending.
  void Drain() {
    StepUntilQuiet();
    for (int guard = 0; decider_.NextWakeMs() != kNeverMs; ++guard) {
      RC_ASSERT(guard < 10000);
      clock_.AdvanceTo(std::max(clock_.NowMs(), decider_.NextWakeMs()));
      StepUntilQuiet();
    }
  }

  std::vector<Entry> Log() const {
    auto entries = bus_.Read(0, bus_.Tail(), TypeFilter::All());
    RC_ASSERT(entries.has_value());
    return *entries;
  }

 private:
  Position Append(Entry entry) {
    Result<Position> pos = bus_.Append(std::move(entry));
    RC_ASSERT(pos.has_value());
    return *pos;
  }

  ManualClock clock_;
  MemoryBus bus_;
  Decider decider_;
  std::vector<Position> intents_;
};

// Judges the final log against the reference semantics.
void CheckAgainstReference(const std::vector<Entry>& log) {
  int64_t version = 0;
  RefPolicy in_force;
  std::optional<int64_t> max_epoch;
  std::optional<std::pair<std::string, int64_t>> leader;
  struct IntentInfo {
    int64_t ts = 0;
    bool fenced = false;
    RefPolicy policy;
    std::map<std::string, bool> seen_types;  // first vote per type
    std::vector<std::pair<std::string, bool>> counted;
    std::vector<Position> decisions;
    RefVerdict verdict_before_decision = RefVerdict::kUndecided;
  };
  std::map<Position, IntentInfo> intents;
  for (const Entry& entry : log) {
    switch (entry.type) {
      case EntryType::kPolicy: {
        const PolicyPayload& p = entry.policy();
        if (p.expected_version == version && p.version > p.expected_version) {
          version = p.version;
          const Json& d = p.decider;
          RefPolicy next;
          next.kind = d.at("kind").get<std::string>();
          if (d.contains("types")) next.types = d.at("types").get<std::vector<std::string>>();
          if (d.contains("k")) next.k = d.at("k").get<int>();
          if (d.contains("timeout_ms")) next.timeout_ms = d.at("timeout_ms").get<int64_t>();
          in_force = next;
        }
        break;
      }
      case EntryType::kElect:
        if (!max_epoch || entry.elect().epoch > *max_epoch) {
          max_epoch = entry.elect().epoch;
          leader = std::make_pair(entry.elect().driver, entry.elect().epoch);
        }
        break;
      case EntryType::kIntent: {
        IntentInfo info;
        info.ts = entry.ts;
        info.fenced =
            leader && *leader != std::make_pair(entry.intent().driver, entry.intent().epoch);
        info.policy = in_force;
        intents[entry.pos] = info;
        break;
      }
      case EntryType::kVote: {
        IntentInfo& info = intents.at(entry.vote().intent);
        const std::string& type = entry.vote().voter_type;
        if (!info.decisions.empty() || info.seen_types.count(type)) break;
        info.seen_types[type] = true;
        if (info.policy.Counts(type)) info.counted.emplace_back(type, entry.vote().approve);
        break;
      }
      case EntryType::kCommit:
      case EntryType::kAbort: {
        IntentInfo& info = intents.at(entry.decision().intent);
        RC_ASSERT(entry.author == "decider/d0");
        RC_ASSERT(!info.fenced);            // DRV-FENCE: fenced intents are void
        RC_ASSERT(info.decisions.empty());  // finality: one decision per intent
        info.decisions.push_back(entry.pos);
        const RefVerdict ref = FirstDecidingPrefix(info.policy, info.counted);
        if (entry.decision().timeout) {
          RC_ASSERT(entry.type == EntryType::kAbort);
          RC_ASSERT(info.policy.timeout_ms.has_value());
          RC_ASSERT(entry.ts >= info.ts + *info.policy.timeout_ms);
          RC_ASSERT(ref == RefVerdict::kUndecided);
        } else {
          RC_ASSERT(ref != RefVerdict::kUndecided);
          RC_ASSERT((ref == RefVerdict::kCommit) == (entry.type == EntryType::kCommit));
        }
        break;
      }
      default:
        break;
    }
  }
  // Completeness once quiescent with every timer fired.
  for (const auto& [pos, info] : intents) {
    if (info.fenced) continue;
    const bool forced = FirstDecidingPrefix(info.policy, info.counted) != RefVerdict::kUndecided;
    if (forced || info.policy.timeout_ms) {
      RC_ASSERT(info.decisions.size() == 1u);
    } else {
      RC_ASSERT(info.decisions.empty());
    }
  }
}

rc::Gen<Op> GenOp() {
  return rc::gen::build<Op>(rc::gen::set(&Op::kind, rc::gen::inRange(0, 8)),
                            rc::gen::set(&Op::x, rc::gen::arbitrary<unsigned>()),
                            rc::gen::set(&Op::y, rc::gen::arbitrary<unsigned>()),
                            rc::gen::set(&Op::z, rc::gen::arbitrary<unsigned>()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(DeciderModel)

// The real decider agrees with the reference semantics under random interleavings.
RC_BOOST_PROP(DeciderMatchesReference, ()) {
  const std::vector<Op> ops = *rc::gen::container<std::vector<Op>>(GenOp());
  Harness harness;
  for (const Op& op : ops) harness.Apply(op);
  harness.Drain();
  CheckAgainstReference(harness.Log());
}

// The reference itself: the three policies a naive checker gets wrong.
BOOST_AUTO_TEST_CASE(ReferenceEdgeCases) {
  RefPolicy any_of{"any_of", {"t1", "t2"}, 0, std::nullopt};
  BOOST_TEST((FirstDecidingPrefix(any_of, {{"t1", false}, {"t2", true}}) == RefVerdict::kCommit));
  BOOST_TEST((FirstDecidingPrefix(any_of, {{"t1", false}}) == RefVerdict::kUndecided));
  RefPolicy quorum{"quorum", {"t1", "t2", "t3"}, 2, std::nullopt};
  BOOST_TEST((FirstDecidingPrefix(quorum, {{"t1", false}, {"t2", false}}) == RefVerdict::kAbort));
  BOOST_TEST(
      (FirstDecidingPrefix(quorum, {{"t1", true}, {"t3", false}}) == RefVerdict::kUndecided));
  RefPolicy all_of{"all_of", {"t1", "t2"}, 0, std::nullopt};
  BOOST_TEST((FirstDecidingPrefix(all_of, {{"t1", true}, {"t2", true}}) == RefVerdict::kCommit));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact
