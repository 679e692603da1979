// A trace with restarts and the state records after them, shared by the
// checker tests that judge REC-STATE (online and from a file).
#pragma once

#include <boost/test/unit_test.hpp>
#include <string>

#include "sim/fault_plan.h"
#include "sim/simulation.h"
#include "traces/trace_writer.h"

namespace logact::properties::testing {

// The text of a heavy-fault bank-pay-bill run, seed 1 (it has restarts).
inline std::string HeavyFaultTrace() {
  sim::SimOptions options;
  options.seed = 1;
  options.scenario = "bank-pay-bill";
  Result<sim::FaultPlan> faults = sim::FaultPreset("heavy");
  BOOST_REQUIRE(faults.has_value());
  options.faults = *faults;
  traces::TraceWriter writer;
  Result<sim::SimReport> run = sim::RunSimulation(options, {&writer});
  BOOST_REQUIRE_MESSAGE(run.has_value(), run.status().ToString());
  BOOST_REQUIRE_GT(run->restarts, 0);
  return writer.text();
}

}  // namespace logact::properties::testing
