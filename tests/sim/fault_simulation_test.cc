// Tests of the simulator under faults (sim/fault_plan.h, sim/fault_injector.h):
// same seed => byte-identical trace with faults on, every kind fires and is
// recorded, crashed components restart and match a crash-free replay
// (REC-STATE), and the runs still finish once faults stop (LIVE-DECIDE).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/json.h"
#include "sim/simulation.h"
#include "traces/trace_writer.h"

namespace logact::sim {
namespace {

struct Run {
  SimReport report;
  std::string trace;
};

Run RunWithTrace(const SimOptions& options) {
  traces::TraceWriter writer;
  Result<SimReport> report = RunSimulation(options, {&writer});
  BOOST_REQUIRE_MESSAGE(report.has_value(), options.scenario << " seed " << options.seed << ": "
                                                             << report.status().ToString());
  return Run{*report, writer.text()};
}

SimOptions Faulty(const std::string& scenario, uint64_t seed, const std::string& faults) {
  SimOptions options;
  options.scenario = scenario;
  options.seed = seed;
  Result<FaultPlan> plan = ParseFaultPlan(faults, seed);
  BOOST_REQUIRE(plan.has_value());
  options.faults = *plan;
  return options;
}

// Counts the trace's records of one kind ("fault", "restart", "state", ...).
std::map<std::string, int64_t> RecordKinds(const std::string& trace) {
  std::map<std::string, int64_t> kinds;
  size_t start = trace.find('\n') + 1;
  while (start < trace.size()) {
    const size_t end = trace.find('\n', start);
    const Json line = Json::parse(trace.substr(start, end - start));
    ++kinds[line.value("kind", std::string("entry"))];
    start = end + 1;
  }
  return kinds;
}

int64_t Sum(const std::map<std::string, int64_t>& counts) {
  int64_t sum = 0;
  for (const auto& [name, count] : counts) sum += count;
  return sum;
}

BOOST_AUTO_TEST_SUITE(FaultSimulation)

// Goal: DET-REPLAY with faults on: two runs of one seed give the same bytes.
BOOST_AUTO_TEST_CASE(SameSeedSameTraceUnderHeavyFaults) {
  for (const char* scenario : {"bank-pay-bill", "files-cleanup", "bank-pay-bill-attack"}) {
    for (uint64_t seed = 0; seed < 4; ++seed) {
      BOOST_TEST_CONTEXT(scenario << " seed " << seed) {
        const Run first = RunWithTrace(Faulty(scenario, seed, "heavy"));
        const Run second = RunWithTrace(Faulty(scenario, seed, "heavy"));
        BOOST_TEST(first.trace == second.trace);
        BOOST_TEST(Sum(first.report.faults_injected) > 0);
      }
    }
  }
}

// Goal: every injected fault is one `fault` record, every restart one
// `restart` record, and every restart that caught up passed REC-STATE.
BOOST_AUTO_TEST_CASE(FaultsAndRestartsAreRecorded) {
  int64_t restarts = 0;
  int64_t checks = 0;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      const Run run = RunWithTrace(Faulty("bank-pay-bill", seed, "heavy"));
      const std::map<std::string, int64_t> kinds = RecordKinds(run.trace);
      BOOST_TEST((kinds.count("fault") ? kinds.at("fault") : 0) == Sum(run.report.faults_injected));
      BOOST_TEST((kinds.count("restart") ? kinds.at("restart") : 0) == run.report.restarts);
      BOOST_TEST(run.report.rec_state_failures.empty());
      restarts += run.report.restarts;
      checks += run.report.rec_state_checks;
    }
  }
  BOOST_TEST(restarts > 0);
  BOOST_TEST(checks > 0);
}

// Goal: each kind, alone at a high rate, fires in a few seeds (none is dead code).
BOOST_AUTO_TEST_CASE(EveryKindFires) {
  for (size_t i = 0; i < kFaultKindCount; ++i) {
    const FaultKind kind = static_cast<FaultKind>(i);
    const std::string name(FaultKindName(kind));
    if (kind == FaultKind::kLlmInjection) continue;  // sets the mock's attack rate: no record
    int64_t fired = 0;
    for (uint64_t seed = 0; seed < 3 && fired == 0; ++seed) {
      Result<SimReport> report = RunSimulation(Faulty("bank-pay-bill", seed, name + "=1/4"), {});
      BOOST_REQUIRE(report.has_value());
      auto found = report->faults_injected.find(name);
      fired += found == report->faults_injected.end() ? 0 : found->second;
    }
    BOOST_TEST_CONTEXT(name) { BOOST_TEST(fired > 0); }
  }
}

// Goal: LIVE-DECIDE: after the safety phase, runs under light faults finish in bound.
BOOST_AUTO_TEST_CASE(RunsFinishOnceFaultsStop) {
  for (uint64_t seed = 0; seed < 10; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      Result<SimReport> report = RunSimulation(Faulty("bank-pay-bill", seed, "light"), {});
      BOOST_REQUIRE(report.has_value());
      BOOST_TEST(report->finished, report->liveness_failure);
      BOOST_TEST(report->within_liveness_bound);
    }
  }
}

// Goal: a crashed executor with a committed intent without result takes the
// restart-marker path and never re-executes: the run still finishes.
BOOST_AUTO_TEST_CASE(ExecutorCrashesTakeTheMarkerPath) {
  std::map<std::string, int64_t> paths;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Result<SimReport> report =
        RunSimulation(Faulty("bank-pay-bill", seed, "crash_executor=1/5,crash_mid_step=1/10"), {});
    BOOST_REQUIRE(report.has_value());
    for (const auto& [path, count] : report->recovery_paths) paths[path] += count;
    BOOST_TEST(report->rec_state_failures.empty());
  }
  BOOST_TEST(paths["replay_from_zero"] > 0);
  BOOST_TEST(paths["crash_mid_step"] > 0);
  BOOST_TEST(paths["executor_restart_after_effect"] > 0);
}

// Goal: faults off => the trace is exactly the fault-free one (the plan costs nothing).
BOOST_AUTO_TEST_CASE(NoFaultsChangesNothing) {
  SimOptions plain;
  plain.seed = 5;
  const Run without = RunWithTrace(plain);
  const Run with_none = RunWithTrace(Faulty("bank-pay-bill", 5, "none"));
  BOOST_TEST(without.trace == with_none.trace);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::sim
