// Tests of sim/sim_hooks.h: the seams the known-bug variants use. A hook sees
// one recipe per component (with the pointers it needs) and its replacement is
// the component that runs; wrap_bus sits under the recorder.
#include "sim/sim_hooks.h"

#include <map>
#include <memory>
#include <string>
#include <utility>

#include <boost/test/unit_test.hpp>

#include "core/decider.h"
#include "sim/simulation.h"

namespace logact::sim {
namespace {

// Counts appends that pass through it, to prove it is the storage bus.
class CountingBus final : public AgentBus {
 public:
  CountingBus(std::unique_ptr<AgentBus> inner, int64_t* appends)
      : inner_(std::move(inner)), appends_(appends) {}
  Result<Position> Append(Entry&& entry) override {
    Result<Position> pos = inner_->Append(std::move(entry));
    if (pos.has_value()) ++*appends_;
    return pos;
  }
  Result<std::vector<Entry>> Read(Position start, Position end, TypeFilter filter) const override {
    return inner_->Read(start, end, filter);
  }
  Position Tail() const override { return inner_->Tail(); }
  Result<Page> Poll(Position start, TypeFilter filter, size_t max) const override {
    return inner_->Poll(start, filter, max);
  }

 private:
  std::unique_ptr<AgentBus> inner_;
  int64_t* appends_;
};

BOOST_AUTO_TEST_SUITE(SimHooksTest)

// Goal: make_component is asked once per component at boot, with the fields
// its role needs; a replacement decider is the one that runs.
BOOST_AUTO_TEST_CASE(MakeComponentSeesEveryRoleAndItsReplacementRuns) {
  std::map<std::string, int> roles;
  int replaced = 0;
  SimHooks hooks;
  hooks.make_component = [&](const ComponentRecipe& recipe) -> std::unique_ptr<Component> {
    ++roles[recipe.role];
    BOOST_TEST(recipe.bus != nullptr);
    BOOST_TEST(recipe.clock != nullptr);
    BOOST_TEST((recipe.role == "executor") == (recipe.environment != nullptr));
    BOOST_TEST((recipe.role == "voter") == (recipe.voter_document != nullptr));
    if (recipe.role != "decider") return nullptr;
    ++replaced;
    DeciderOptions options;
    options.name = recipe.name;
    options.bus = recipe.bus;
    options.clock = recipe.clock;
    return std::make_unique<Decider>(std::move(options));
  };
  SimOptions options;
  options.seed = 3;
  Result<SimReport> report = RunSimulation(options, {}, hooks);
  BOOST_REQUIRE(report.has_value());
  BOOST_TEST(roles["driver"] == 1);
  BOOST_TEST(roles["decider"] == 1);
  BOOST_TEST(roles["executor"] == 1);
  BOOST_TEST(roles["voter"] >= 1);
  BOOST_TEST(replaced == 1);
  BOOST_TEST(report->finished);
}

// Goal: wrap_bus wraps the storage bus: every appended entry passes through it.
BOOST_AUTO_TEST_CASE(WrapBusSeesEveryAppend) {
  int64_t appends = 0;
  SimHooks hooks;
  hooks.wrap_bus = [&](std::unique_ptr<AgentBus> inner) -> std::unique_ptr<AgentBus> {
    return std::make_unique<CountingBus>(std::move(inner), &appends);
  };
  SimOptions options;
  options.seed = 4;
  Result<SimReport> report = RunSimulation(options, {}, hooks);
  BOOST_REQUIRE(report.has_value());
  BOOST_TEST(appends == report->entries);
  BOOST_TEST(appends > 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::sim
