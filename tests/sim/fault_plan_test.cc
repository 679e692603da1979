// Tests of sim/fault_plan.h: exact decimal rates, presets, the text form,
// swarm draws and the JSON round trip of the trace header.
#include "sim/fault_plan.h"

#include <string>

#include <boost/test/unit_test.hpp>

namespace logact::sim {
namespace {

BOOST_AUTO_TEST_SUITE(FaultPlanTest)

// Goal: decimal rates become exact reduced ratios; n/d is taken as is; bad rates are refused.
BOOST_AUTO_TEST_CASE(DecimalRatesAreExactRatios) {
  BOOST_TEST((*ParseRate("0.02") == Ratio{1, 50}));
  BOOST_TEST((*ParseRate("0.125") == Ratio{1, 8}));
  BOOST_TEST((*ParseRate(".5") == Ratio{1, 2}));
  BOOST_TEST((*ParseRate("1") == Ratio{1, 1}));
  BOOST_TEST((*ParseRate("0") == Ratio{0, 1}));
  BOOST_TEST((*ParseRate("3/7") == Ratio{3, 7}));
  for (const char* bad : {"1.5", "2", "-0.1", "0.1.2", "abc", "", "4/3", "1/0", "0.0000000001"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!ParseRate(bad).has_value()); }
  }
}

// Goal: the text form combines a preset with overrides; "crash" sets every crash role.
BOOST_AUTO_TEST_CASE(TextFormCombinesPresetAndOverrides) {
  Result<FaultPlan> plan = ParseFaultPlan("light,crash=0.02,tool_fail=1/3,safety_phase_ms=500", 0);
  BOOST_REQUIRE(plan.has_value());
  BOOST_TEST((plan->rate(FaultKind::kCrashDriver) == Ratio{1, 50}));
  BOOST_TEST((plan->rate(FaultKind::kCrashExecutor) == Ratio{1, 50}));
  BOOST_TEST((plan->rate(FaultKind::kToolFail) == Ratio{1, 3}));
  BOOST_TEST(
      (plan->rate(FaultKind::kToolSlow) == FaultPreset("light")->rate(FaultKind::kToolSlow)));
  BOOST_TEST(plan->safety_phase_ms == 500);
  Result<FaultPlan> alone = ParseFaultPlan("tool_timeout=0.5", 0);
  BOOST_REQUIRE(alone.has_value());
  BOOST_TEST((alone->rate(FaultKind::kToolTimeout) == Ratio{1, 2}));
  BOOST_TEST(alone->rate(FaultKind::kCrashDriver).IsZero());
  for (const char* bad : {"medium", "light,nope=0.1", "crash=2", "light,,crash=0.1", ""}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!ParseFaultPlan(bad, 0).has_value()); }
  }
}

// Goal: none is all-zero, heavy is heavier than light on every kind light has on.
BOOST_AUTO_TEST_CASE(PresetsAreOrdered) {
  BOOST_TEST(FaultPreset("none")->IsNone());
  const FaultPlan light = *FaultPreset("light");
  const FaultPlan heavy = *FaultPreset("heavy");
  BOOST_TEST(!light.IsNone());
  for (size_t i = 0; i < kFaultKindCount; ++i) {
    const Ratio l = light.rates[i];
    const Ratio h = heavy.rates[i];
    BOOST_TEST_CONTEXT(FaultKindName(static_cast<FaultKind>(i))) {
      BOOST_TEST(l.IsZero() == h.IsZero());
      BOOST_TEST(h.numerator * l.denominator >= l.numerator * h.denominator);
    }
  }
}

// Goal: swarm draws depend on the seed only, differ between seeds, and keep a subset of kinds.
BOOST_AUTO_TEST_CASE(SwarmDrawsASubsetPerSeed) {
  BOOST_TEST((DrawSwarmFaults(7) == DrawSwarmFaults(7)));
  int differing = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const FaultPlan plan = DrawSwarmFaults(seed);
    int on = 0;
    for (const Ratio& rate : plan.rates) on += rate.IsZero() ? 0 : 1;
    BOOST_TEST(on < static_cast<int>(kFaultKindCount));
    if (!(plan == DrawSwarmFaults(seed + 1))) ++differing;
  }
  BOOST_TEST(differing >= 18);
  BOOST_TEST((*ParseFaultPlan("swarm", 9)).rates == DrawSwarmFaults(9).rates);
}

// Goal: the header JSON round-trips, and bad JSON is a Status, never a throw.
BOOST_AUTO_TEST_CASE(JsonRoundTrips) {
  FaultPlan plan = *ParseFaultPlan("heavy,clock_jump=1/7", 0);
  Result<FaultPlan> back = FaultPlanFromJson(FaultPlanToJson(plan));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST((*back == plan));
  BOOST_TEST(!FaultPlanFromJson(Json::parse(R"({"rates":{"nope":[1,2]}})")).has_value());
  BOOST_TEST(!FaultPlanFromJson(Json::parse(R"({"rates":{"tool_fail":[3,2]}})")).has_value());
  BOOST_TEST(!FaultPlanFromJson(Json::parse(R"({"rates":{"tool_fail":"x"}})")).has_value());
  BOOST_TEST(!FaultPlanFromJson(Json::parse(R"([1])")).has_value());
}

// Goal: every kind has a unique name and its own stream name.
BOOST_AUTO_TEST_CASE(KindsHaveNamesAndStreams) {
  for (size_t i = 0; i < kFaultKindCount; ++i) {
    const FaultKind kind = static_cast<FaultKind>(i);
    BOOST_TEST((*FaultKindFromName(FaultKindName(kind)) == kind));
    BOOST_TEST(FaultStreamName(kind) == "fault." + std::string(FaultKindName(kind)));
  }
  BOOST_TEST(IsStorageFault(FaultKind::kTornWrite));
  BOOST_TEST(!IsStorageFault(FaultKind::kClockJump));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::sim
