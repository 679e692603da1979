// REC-STATE in the trace checker (properties/recovery_invariants.cc): sim
// traces whose components restart from snapshots and from 0 pass it, and the
// same traces with one post-restart digest altered fail it, naming the state
// record's line and its restart's line.
#include <boost/test/unit_test.hpp>
#include <string>
#include <variant>
#include <vector>

#include "properties/checker.h"
#include "properties/scenario_options.h"
#include "sim/fault_plan.h"
#include "sim/simulation.h"
#include "traces/record_collector.h"

namespace logact::properties {
namespace {

using Collect = traces::RecordCollector;

Report Check(const Collect& run, const std::vector<traces::TraceRecord>& records) {
  InvariantChecker checker(ScenarioCheckOptions(run.header, nullptr));
  checker.OnHeader(run.header);
  for (const traces::TraceRecord& record : records) checker.OnRecord(record);
  return checker.Finish();
}

Collect Run(uint64_t seed, const std::string& scenario) {
  sim::SimOptions options;
  options.scenario = scenario;
  options.seed = seed;
  Result<sim::FaultPlan> faults = sim::ParseFaultPlan("crash=0.05", seed);
  BOOST_TEST_REQUIRE(faults.has_value());
  options.faults = *faults;
  Collect run;
  Result<sim::SimReport> report = sim::RunSimulation(options, {&run});
  BOOST_TEST_REQUIRE(report.has_value());
  return run;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(RecState)

// Crash-heavy runs: REC-STATE is judged (not "not applicable") and holds;
// some restarts resumed from a snapshot (from_pos > 0).
BOOST_AUTO_TEST_CASE(SimTracesWithRestartsPass) {
  int64_t judged = 0;
  int64_t from_snapshot = 0;
  for (uint64_t seed = 0; seed < 8; ++seed) {
    for (const char* scenario : {"bank-pay-bill", "hot-swap"}) {
      Collect run = Run(seed, scenario);
      Report report = Check(run, run.records);
      BOOST_TEST(!report.Violated("REC-STATE"), scenario << " seed " << seed);
      bool applicable = true;
      for (const std::string& id : report.not_applicable) applicable &= id != "REC-STATE";
      judged += applicable ? 1 : 0;
      for (const traces::TraceRecord& record : run.records) {
        const auto* restart = std::get_if<traces::RestartRecord>(&record);
        if (restart != nullptr && restart->from_pos > 0) ++from_snapshot;
      }
    }
  }
  BOOST_TEST(judged > 0);
  BOOST_TEST(from_snapshot > 0);
}

// The same traces with one post-restart digest altered: REC-STATE names the
// state record's line and the restart's line.
BOOST_AUTO_TEST_CASE(AlteredDigestAfterRestartFails) {
  for (uint64_t seed = 0; seed < 8; ++seed) {
    Collect run = Run(seed, "bank-pay-bill");
    std::vector<traces::TraceRecord> records = run.records;
    int64_t restart_line = 0;
    int64_t state_line = 0;
    for (size_t i = 0; i < records.size() && state_line == 0; ++i) {
      if (const auto* restart = std::get_if<traces::RestartRecord>(&records[i])) {
        if (restart->target.rfind("decider/", 0) == 0) restart_line = static_cast<int64_t>(i) + 2;
      }
      auto* state = std::get_if<traces::StateRecord>(&records[i]);
      if (restart_line > 0 && state != nullptr && state->target.rfind("decider/", 0) == 0) {
        state->digest = "0000000000000000";
        state_line = static_cast<int64_t>(i) + 2;
      }
    }
    if (state_line == 0) continue;  // no decider restart in this seed
    Report report = Check(run, records);
    BOOST_TEST_REQUIRE(report.Violated("REC-STATE"), "seed " << seed);
    bool named = false;
    for (const Violation& v : report.violations) {
      if (v.invariant != "REC-STATE") continue;
      named |= v.lines == std::vector<int64_t>({restart_line, state_line}) ||
               (v.lines.size() == 2 && v.lines[1] == state_line);
    }
    BOOST_TEST(named, "seed " << seed);
    return;
  }
  BOOST_FAIL("no seed of 8 restarted the decider");
}

// Without a restart record nothing is judged: REC-STATE is not applicable.
BOOST_AUTO_TEST_CASE(NoRestartIsNotApplicable) {
  Collect run = Run(0, "bank-pay-bill");
  std::vector<traces::TraceRecord> records;
  for (const traces::TraceRecord& record : run.records) {
    if (!std::holds_alternative<traces::RestartRecord>(record)) records.push_back(record);
  }
  Report report = Check(run, records);
  bool not_applicable = false;
  for (const std::string& id : report.not_applicable) not_applicable |= id == "REC-STATE";
  BOOST_TEST(not_applicable);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::properties
