// Snapshots (core/snapshot_store.h, Component::TakeSnapshot/Restore): for
// every component kind and every prefix of a log that exercises its state
// (policies, elections and fencing, votes, decisions, results, restart
// markers, mail and inferences), a snapshot taken by a replica that played
// the prefix, restored into a fresh instance, gives the same digest and the
// same snapshot bytes, and after playing the rest of the log the restored
// instance equals a replica that never crashed (SPEC §2, Recovery).
#include <boost/test/unit_test.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/decider.h"
#include "core/driver.h"
#include "core/executor.h"
#include "core/limits.h"
#include "core/replica_io.h"
#include "core/snapshot_store.h"
#include "core/voter.h"
#include "core/voter_config.h"
#include "tests/core/component_test_util.h"

namespace logact::testing {
namespace {

const char kRules[] =
    R"({"voter":"guard","type":"rules","default":"allow",)"
    R"("rules":[{"id":"r1","effect":"deny","when":{"tool":"rm"},"reason":"no rm"}]})";

// A log that touches every field of every component's replicated state.
void FillLog(AgentBus& bus) {
  const Json guard = Json::parse(kRules);
  AppendPolicy(bus, 1, 0, Json{{"kind", "all_of"}, {"types", {"rules", "llm"}}},
               Json::array({guard}));
  AppendElect(bus, "agent", 1);
  AppendMail(bus, "user", "please list files");
  MustAppend(bus, MakeInference(EntryType::kInfIn, "driver/agent", "mail from user: list", 3));
  MustAppend(bus, MakeInference(EntryType::kInfOut, "driver/agent",
                                FormatActionReply(Action{"ls", Json{{"dir", "/"}}}), 5));
  const Position ls = AppendIntent(bus, "agent", 1, "ls", Json{{"dir", "/"}});
  AppendVote(bus, "guard", "rules", ls, true);
  AppendMail(bus, "user", "meanwhile");
  AppendVote(bus, "judge", "llm", ls, true);
  AppendDecision(bus, ls, true);
  AppendResult(bus, ls, true, "a b c");
  MustAppend(bus, MakeInference(EntryType::kInfIn, "driver/agent", "result of intent 5", 3));
  MustAppend(bus, MakeInference(EntryType::kInfOut, "driver/agent",
                                FormatActionReply(Action{"rm", Json{{"path", "/a"}}}), 5));
  const Position rm = AppendIntent(bus, "agent", 1, "rm", Json{{"path", "/a"}});
  AppendPolicy(bus, 2, 1, Json{{"kind", "quorum"}, {"k", 1}, {"types", {"llm"}}},
               Json::array({guard}));
  AppendVote(bus, "judge", "llm", rm, true);  // decided under the policy at the intent
  AppendVote(bus, "guard", "rules", rm, false, "no rm");
  AppendDecision(bus, rm, false);
  const Position cp = AppendIntent(bus, "agent", 1, "cp", Json{{"from", "/b"}});
  AppendDecision(bus, cp, true);
  AppendResult(bus, cp, false, "executor restarted", /*restart=*/true);
  AppendElect(bus, "agent", 2);
  AppendIntent(bus, "agent", 1, "mv");  // fenced: the old epoch
  const Position cat = AppendIntent(bus, "agent", 2, "cat");
  AppendVote(bus, "guard", "rules", cat, true);
  MustAppend(bus, MakeInference(EntryType::kInfOut, "driver/agent", "not json", 2));
  MustAppend(bus, MakeOutput("driver/agent", "done"));
}

// Builds one component of the kind under test over `bus`.
using Factory = std::function<std::unique_ptr<Component>(AgentBus*)>;

struct World {
  ManualClock clock{1000};
  RefusingLlm llm;
  RecordingEnvironment environment;
};

std::vector<std::pair<std::string, Factory>> Factories(World& w) {
  return {
      {"driver",
       [&w](AgentBus* bus) -> std::unique_ptr<Component> {
         DriverOptions o;
         o.bus = bus;
         o.clock = &w.clock;
         o.llm = &w.llm;
         return std::make_unique<Driver>(o);
       }},
      {"rule voter",
       [&w](AgentBus* bus) -> std::unique_ptr<Component> {
         Result<VoterConfig> config = ParseVoterConfig(Json::parse(kRules), "voter");
         BOOST_TEST_REQUIRE(config.has_value());
         VoterOptions o{"guard", "rules", bus, &w.clock};
         return std::make_unique<Voter>(o, std::make_unique<RuleVotingLogic>(*config));
       }},
      {"llm voter",
       [&w](AgentBus* bus) -> std::unique_ptr<Component> {
         VoterOptions o{"judge", "llm", bus, &w.clock};
         return std::make_unique<Voter>(o, std::make_unique<LlmVotingLogic>("voter/judge", &w.llm));
       }},
      {"decider",
       [&w](AgentBus* bus) -> std::unique_ptr<Component> {
         return std::make_unique<Decider>(DeciderOptions{"d0", bus, &w.clock});
       }},
      {"executor",
       [&w](AgentBus* bus) -> std::unique_ptr<Component> {
         ExecutorOptions o;
         o.bus = bus;
         o.clock = &w.clock;
         o.environment = &w.environment;
         return std::make_unique<Executor>(o);
       }},
  };
}

// Steps `component` until it has played `end` positions (its appends fail).
void PlayTo(Component& component, Position end) {
  for (int steps = 0; component.played() < end && steps < 1000; ++steps) {
    static_cast<void>(component.Step());
  }
  BOOST_TEST_REQUIRE(component.played() == end);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Snapshots)

// Every prefix, every kind: restore then replay equals a crash-free replay.
BOOST_AUTO_TEST_CASE(RestoreThenReplayEqualsCrashFreeReplay) {
  World w;
  MemoryBus bus(&w.clock);
  FillLog(bus);
  const Position tail = bus.Tail();
  for (auto& [kind, make] : Factories(w)) {
    PrefixBus whole(&bus, tail);
    std::unique_ptr<Component> reference = make(&whole);
    PlayTo(*reference, tail);
    for (Position k = 1; k <= tail; ++k) {
      PrefixBus prefix(&bus, k);
      std::unique_ptr<Component> replica = make(&prefix);
      PlayTo(*replica, k);
      std::optional<Snapshot> snapshot = replica->TakeSnapshot();
      BOOST_TEST_REQUIRE(snapshot.has_value(), kind << " at " << k);
      BOOST_TEST(snapshot->last_pos == k - 1);
      std::unique_ptr<Component> restored = make(&whole);
      Status status = restored->Restore(*snapshot);
      BOOST_TEST_REQUIRE(status.ok(), kind << " at " << k << ": " << status.ToString());
      BOOST_TEST(restored->played() == k);
      BOOST_TEST(restored->StateDigest() == replica->StateDigest(), kind << " at " << k);
      BOOST_TEST(restored->TakeSnapshot()->state == snapshot->state, kind << " at " << k);
      PlayTo(*restored, tail);
      BOOST_TEST(restored->StateDigest() == reference->StateDigest(), kind << " from " << k);
    }
  }
}

// A component that played nothing has no snapshot; garbage or another kind's
// snapshot is kCorruption and leaves the component at position 0.
BOOST_AUTO_TEST_CASE(BadSnapshotsAreRefusedAndChangeNothing) {
  World w;
  MemoryBus bus(&w.clock);
  FillLog(bus);
  std::vector<std::pair<std::string, Factory>> factories = Factories(w);
  for (size_t i = 0; i < factories.size(); ++i) {
    const auto& [kind, make] = factories[i];
    std::unique_ptr<Component> fresh = make(&bus);
    BOOST_TEST(!fresh->TakeSnapshot().has_value(), kind);
    const std::string digest = fresh->StateDigest();
    for (const std::string& bytes :
         {std::string("not json"), std::string("[1,2]"), std::string(R"({"kind":"other"})")}) {
      Status status = fresh->Restore(Snapshot{bytes, 3});
      BOOST_TEST((status.code() == StatusCode::kCorruption), kind << ": " << status.ToString());
      BOOST_TEST(fresh->played() == 0);
      BOOST_TEST(fresh->StateDigest() == digest);
    }
    // The right kind with a field of the wrong type.
    std::unique_ptr<Component> player = make(&bus);
    PlayTo(*player, bus.Tail());
    Json fields = Json::parse(player->TakeSnapshot()->state);
    fields["election"] = "oops";
    Status status = fresh->Restore(Snapshot{CompactJson(fields), 3});
    BOOST_TEST((status.code() == StatusCode::kCorruption), kind << ": " << status.ToString());
    BOOST_TEST(fresh->played() == 0);
  }
}

// The in-memory store: latest wins, per id; a dropped latest falls back.
BOOST_AUTO_TEST_CASE(InMemoryStoreKeepsLatestPerComponent) {
  InMemorySnapshotStore store;
  BOOST_TEST((store.LoadLatest("decider/d0").error().code() == StatusCode::kNotFound));
  BOOST_TEST(store.Save("decider/d0", Snapshot{"a", 3}).ok());
  BOOST_TEST(store.Save("decider/d0", Snapshot{"b", 9}).ok());
  BOOST_TEST(store.Save("voter/v", Snapshot{"c", 1}).ok());
  BOOST_TEST(store.LoadLatest("decider/d0")->state == "b");
  BOOST_TEST(store.LoadLatest("voter/v")->last_pos == 1);
  BOOST_TEST(store.DropLatest("decider/d0"));
  BOOST_TEST(store.LoadLatest("decider/d0")->state == "a");
  BOOST_TEST(store.DropLatest("decider/d0"));
  BOOST_TEST(!store.DropLatest("decider/d0"));
  BOOST_TEST((store.LoadLatest("decider/d0").error().code() == StatusCode::kNotFound));
  for (int i = 0; i < 10; ++i) BOOST_TEST(store.Save("x", Snapshot{"s", i}).ok());
  BOOST_TEST(store.count("x") == static_cast<int64_t>(limits::kSnapshotsKeptMax));
  BOOST_TEST(store.LoadLatest("x")->last_pos == 9);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::testing
