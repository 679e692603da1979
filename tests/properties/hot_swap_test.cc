// Tests for the hot-swap scenario (models/hot_swap_scenario.cc, issue 6 item 3):
// policy entries appended mid-run change the voters and the decider policy
// with no pause in the agent, and each intent is decided by the policy in
// force at its position.
//
// Method: run the scenario for several seeds, check the written trace with
// the native checker (DEC-JUSTIFIED among all judged invariants), then
// re-derive every decision by hand from the votes with the configuration of
// the intent's regime (before the first policy change, between the two, after
// the second), and check that the added voters vote only after their policy
// and the dropped voter only before. It lives in tests/properties because it
// needs the checker, which the tests/sim executable does not link.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/scenario.h"
#include "properties/check_trace.h"
#include "properties/checker.h"
#include "properties/invariant_ids.h"
#include "properties/scenario_options.h"
#include "sim/sim_options.h"
#include "sim/simulation.h"
#include "traces/trace_reader.h"
#include "traces/trace_writer.h"

namespace logact::properties {
namespace {

// The largest gap between two consecutive entries of an undisturbed run: an
// inference (at most 1500 ms of mock latency) plus a few step costs. A pause
// around a policy change would show up as a larger gap.
constexpr int64_t kGapMaxMs = 2'000;

struct IntentFacts {
  Position pos = kNoPosition;
  int regime = 0;  // 1: initial policy, 2: after the limits voter, 3: after the override
  bool large = false;
  std::vector<VotePayload> votes_before_decision;  // in log order
  std::set<std::string> voters;                    // every voter that voted on it
  std::optional<bool> committed;                   // the first decision
};

struct Run {
  sim::SimReport report;
  Report live;
  Report offline;
  std::vector<Entry> entries;
};

Run Simulate(const std::string& scenario, uint64_t seed) {
  sim::SimOptions options;
  options.seed = seed;
  options.scenario = scenario;
  InvariantChecker checker(ScenarioCheckOptions(sim::SimHeader(options), nullptr));
  traces::TraceWriter writer;
  Result<sim::SimReport> report = sim::RunSimulation(options, {&checker, &writer});
  BOOST_REQUIRE_MESSAGE(report.has_value(), report.status().ToString());
  Run run{*report, checker.Finish(), {}, {}};
  auto reader = traces::TraceReader::FromString(writer.text(), "hot-swap.jsonl");
  Result<Report> offline = CheckTrace(*reader, BuiltinScenarioOptions(nullptr), nullptr);
  BOOST_REQUIRE_MESSAGE(offline.has_value(), offline.status().ToString());
  run.offline = *offline;
  auto again = traces::TraceReader::FromString(writer.text(), "hot-swap.jsonl");
  BOOST_REQUIRE(again->ReadHeader().has_value());
  traces::TraceRecord record;
  for (;;) {
    Result<bool> next = again->Next(&record);
    BOOST_REQUIRE(next.has_value());
    if (!*next) break;
    if (const Entry* entry = std::get_if<Entry>(&record)) run.entries.push_back(*entry);
  }
  return run;
}

// The positions at which policy versions 2 and 3 were appended.
std::vector<Position> PolicyPositions(const std::vector<Entry>& entries) {
  std::vector<Position> positions;
  for (const Entry& entry : entries) {
    if (entry.type == EntryType::kPolicy && entry.policy().version > 1) {
      positions.push_back(entry.pos);
    }
  }
  return positions;
}

std::map<Position, IntentFacts> CollectIntents(const std::vector<Entry>& entries,
                                               const std::vector<Position>& policies) {
  std::map<Position, IntentFacts> intents;
  for (const Entry& entry : entries) {
    if (entry.type == EntryType::kIntent) {
      IntentFacts& facts = intents[entry.pos];
      facts.pos = entry.pos;
      facts.regime = 1 + static_cast<int>(std::count_if(policies.begin(), policies.end(),
                                                        [&](Position p) { return p < entry.pos; }));
      const Json& amount = entry.intent().action.args.value("amount", Json());
      facts.large = amount.is_number() && amount.get<double>() > 1000;
    } else if (entry.type == EntryType::kVote) {
      auto found = intents.find(entry.vote().intent);
      if (found == intents.end()) continue;
      found->second.voters.insert(entry.vote().voter);
      if (!found->second.committed) found->second.votes_before_decision.push_back(entry.vote());
    } else if (entry.type == EntryType::kCommit || entry.type == EntryType::kAbort) {
      auto found = intents.find(entry.decision().intent);
      if (found != intents.end() && !found->second.committed) {
        found->second.committed = entry.type == EntryType::kCommit;
      }
    }
  }
  return intents;
}

// The decision the intent's regime dictates, from the votes before the
// decision (nullopt: undecided by them).
std::optional<bool> ExpectedDecision(const IntentFacts& facts) {
  std::set<std::string> counted = facts.regime == 1   ? std::set<std::string>{"rules"}
                                  : facts.regime == 2 ? std::set<std::string>{"rules", "limits"}
                                                      : std::set<std::string>{"limits", "llm"};
  std::set<std::string> denied;
  for (const VotePayload& vote : facts.votes_before_decision) {
    if (counted.count(vote.voter_type) == 0) continue;
    if (facts.regime < 3) return vote.approve;  // first_voter: the first counted vote
    if (vote.approve) return true;              // any_of: the first approve commits
    denied.insert(vote.voter_type);
    if (denied == counted) return false;  // any_of: every listed type denied
  }
  return std::nullopt;
}

BOOST_AUTO_TEST_SUITE(HotSwap)

BOOST_AUTO_TEST_CASE(DecisionsSwitchExactlyAtThePolicyPositions) {
  // Goal: for several seeds, the checker passes, every intent is decided by the configuration
  // of its regime, added voters vote only after their policy, the agent never pauses.
  std::map<int, int> intents_per_regime;
  int large_aborted_in_2 = 0;
  int large_committed_in_3 = 0;
  int limits_voted_in_2 = 0;
  int override_voted_in_3 = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    BOOST_TEST_MESSAGE("hot-swap seed " << seed);
    BOOST_TEST_CONTEXT("seed " << seed) {
      Run run = Simulate("hot-swap", seed);
      BOOST_TEST(run.report.finished, run.report.liveness_failure);
      BOOST_TEST(run.report.within_liveness_bound);
      BOOST_TEST(run.live.ok());
      BOOST_TEST(run.offline.ok());
      BOOST_TEST((run.live.ViolatedIds() == run.offline.ViolatedIds()));
      BOOST_TEST(std::count(run.offline.checked.begin(), run.offline.checked.end(),
                            std::string(kDecJustified)) == 1);
      const std::vector<Position> policies = PolicyPositions(run.entries);
      BOOST_TEST_REQUIRE(policies.size() == 2u);
      std::set<int> regimes;
      for (const auto& [pos, facts] : CollectIntents(run.entries, policies)) {
        BOOST_TEST_CONTEXT("intent " << pos << " regime " << facts.regime) {
          BOOST_TEST_REQUIRE(facts.committed.has_value());
          BOOST_TEST((ExpectedDecision(facts) == facts.committed));
          // The limits voter joins at the first change, the override at the second, and
          // bank-rules leaves at the second. (A voter may skip an intent that was decided
          // before it voted, so presence is only counted below.)
          if (facts.regime == 1) BOOST_TEST(facts.voters.count("limits") == 0u);
          if (facts.regime < 3) BOOST_TEST(facts.voters.count("override") == 0u);
          if (facts.regime == 3) BOOST_TEST(facts.voters.count("bank-rules") == 0u);
        }
        if (facts.regime == 2) limits_voted_in_2 += facts.voters.count("limits") > 0;
        if (facts.regime == 3) override_voted_in_3 += facts.voters.count("override") > 0;
        regimes.insert(facts.regime);
        ++intents_per_regime[facts.regime];
        if (facts.large && facts.regime == 2 && !*facts.committed) ++large_aborted_in_2;
        if (facts.large && facts.regime == 3 && *facts.committed) ++large_committed_in_3;
      }
      BOOST_TEST(regimes == (std::set<int>{1, 2, 3}));
      for (size_t i = 1; i < run.entries.size(); ++i) {
        BOOST_TEST(run.entries[i].ts - run.entries[i - 1].ts <= kGapMaxMs,
                   "gap before entry " << i);
      }
    }
  }
  BOOST_TEST_MESSAGE("intents per regime: 1=" << intents_per_regime[1]
                                              << " 2=" << intents_per_regime[2]
                                              << " 3=" << intents_per_regime[3]);
  // The switch is visible: the limits voter aborts some large order, the override commits one.
  BOOST_TEST(limits_voted_in_2 > 0);
  BOOST_TEST(override_voted_in_3 > 0);
  BOOST_TEST(large_aborted_in_2 > 0);
  BOOST_TEST(large_committed_in_3 > 0);
}

BOOST_AUTO_TEST_CASE(AttackIsBlockedUnderEveryConfiguration) {
  // Goal: in the attack variant the injected payment is never executed, whichever policy
  // is in force when it is proposed, and every judged invariant (SAFE-SPEC among them) holds.
  int64_t injected = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    BOOST_TEST_MESSAGE("hot-swap-attack seed " << seed);
    BOOST_TEST_CONTEXT("seed " << seed) {
      Run run = Simulate("hot-swap-attack", seed);
      BOOST_TEST(run.report.finished, run.report.liveness_failure);
      BOOST_TEST(run.offline.ok());
      BOOST_TEST(run.report.injected_effects == 0);
      BOOST_TEST(run.report.injected_aborted == run.report.injected_intents);
      injected += run.report.injected_intents;
    }
  }
  BOOST_TEST(injected > 0);  // the attack was tried at least once
}

BOOST_AUTO_TEST_CASE(SameSeedSameTrace) {
  // Goal: the scheduled policy entries keep the run a pure function of the seed.
  Run a = Simulate("hot-swap", 3);
  Run b = Simulate("hot-swap", 3);
  BOOST_TEST((a.entries == b.entries));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::properties
