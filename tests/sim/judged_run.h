// Test helper: one simulation judged the way `logact sim` judges it, the
// online checker's report plus the simulator's own verdicts (LIVE-DECIDE when
// the run did not finish in bound, REC-STATE for each digest mismatch after a
// restart). Shared by the known-bug, fault-regression and shrink tests.
#pragma once

#include <boost/test/unit_test.hpp>
#include <string>

#include "properties/checker.h"
#include "properties/scenario_options.h"
#include "sim/simulation.h"

namespace logact::sim::testing {

struct JudgedSimulation {
  SimReport run;
  properties::Report report;
  std::string summary;  // violated ids and the first message, for failure output
};

inline JudgedSimulation JudgeSimulation(const SimOptions& options, const SimHooks& hooks = {}) {
  properties::InvariantChecker checker(
      properties::ScenarioCheckOptions(SimHeader(options), nullptr));
  Result<SimReport> run = RunSimulation(options, {&checker}, hooks);
  BOOST_TEST_REQUIRE(run.has_value(), (run ? "" : run.error().ToString()));
  JudgedSimulation judged;
  judged.run = std::move(run).value();
  judged.report = checker.Finish();
  if (!judged.run.finished || !judged.run.within_liveness_bound) {
    judged.report.violations.push_back({"LIVE-DECIDE", {}, judged.run.liveness_failure});
  }
  for (const std::string& failure : judged.run.rec_state_failures) {
    judged.report.violations.push_back({"REC-STATE", {}, failure});
  }
  for (const std::string& id : judged.report.ViolatedIds()) judged.summary += id + " ";
  if (!judged.report.violations.empty()) {
    judged.summary += "(" + judged.report.violations.front().message + ")";
  }
  return judged;
}

}  // namespace logact::sim::testing
