// Tests of executor recovery in whole simulations (SPEC §2, issue 3 item 3):
// after an executor restart the trace shows the restart marker, then the
// mock LLM's probe intent, and then the payment re-proposed and executed once
// if it had not happened, or skipped (never executed again) if it had; the
// swarm's recovery-path counts see both decisions.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/json.h"
#include "properties/checker.h"
#include "properties/scenario_options.h"
#include "sim/simulation.h"
#include "traces/trace_writer.h"

namespace logact::sim {
namespace {

constexpr char kScenario[] = "bank-pay-bill";
constexpr char kProbeTool[] = "get_most_recent_transactions";

std::vector<Json> Records(const std::string& trace) {
  std::vector<Json> records;
  size_t start = trace.find('\n') + 1;  // past the header
  while (start < trace.size()) {
    const size_t end = trace.find('\n', start);
    records.push_back(Json::parse(trace.substr(start, end - start)));
    start = end + 1;
  }
  return records;
}

bool IsEntry(const Json& record, const std::string& type) {
  return record.value("kind", std::string()) == "entry" && record.value("type", "") == type;
}

// One restart marker that names a payment, and what followed it in its task.
struct Recovery {
  bool paid_before_marker = false;  // the task's payment had taken effect before the crash
  bool probed = false;              // the next intent was the probe
  int64_t payments_after = 0;       // send_money intents after it, before the output
};

// What the trace shows of payments, per task and per payment recovery.
struct PaymentStory {
  std::vector<Recovery> recoveries;
  // Per finished task: the distinct idempotency keys of its payment effects
  // (an idempotent tool applies one key once: 1 means paid exactly once).
  std::vector<size_t> keys_per_task;
};

PaymentStory TellPayments(const std::vector<Json>& records) {
  std::map<int64_t, std::string> intent_tools;
  PaymentStory story;
  std::set<std::string> task_keys;  // payment keys of the current task
  bool open = false;                // a recovery of the current task
  for (const Json& record : records) {
    if (IsEntry(record, "intent")) {
      const std::string tool = record["action"]["tool"].get<std::string>();
      intent_tools[record["pos"].get<int64_t>()] = tool;
      if (!open) continue;
      Recovery& last = story.recoveries.back();
      if (last.payments_after == 0 && !last.probed && tool == kProbeTool) last.probed = true;
      if (tool == "send_money") ++last.payments_after;
    } else if (record.value("kind", "") == "effect" && record["tool"] == "send_money") {
      task_keys.insert(record.value("idempotency_key", std::string()));
    } else if (IsEntry(record, "result") && record.value("restart", false)) {
      const int64_t p = record["intent"].get<int64_t>();
      if (p < 0 || intent_tools[p] != "send_money") continue;
      story.recoveries.push_back(Recovery{!task_keys.empty(), false, 0});
      open = true;
    } else if (IsEntry(record, "output")) {
      story.keys_per_task.push_back(task_keys.size());
      task_keys.clear();
      open = false;
    }
  }
  return story;
}

struct CheckedRun {
  SimReport report;
  properties::Report verdict;
  std::vector<Json> records;
};

CheckedRun RunChecked(uint64_t seed, const std::string& faults) {
  SimOptions options;
  options.scenario = kScenario;
  options.seed = seed;
  Result<FaultPlan> plan = ParseFaultPlan(faults, seed);
  BOOST_REQUIRE(plan.has_value());
  options.faults = *plan;
  traces::TraceWriter writer;
  properties::InvariantChecker checker(
      properties::ScenarioCheckOptions(SimHeader(options), nullptr));
  Result<SimReport> report = RunSimulation(options, {&writer, &checker});
  BOOST_REQUIRE_MESSAGE(report.has_value(), report.status().ToString());
  return CheckedRun{*report, checker.Finish(), Records(writer.text())};
}

BOOST_AUTO_TEST_SUITE(ExecutorRecoverySim)

// Goal: across seeded runs with executor crashes, every restart marker that
// names the payment is followed by the probe; after a crash that followed the
// payment's effect the payment is never proposed again, and each task pays
// exactly once whichever side of the effect the crashes fell. The invariants
// (EXE-ONCE, ENV-CONSISTENT, ...) hold in all runs and both cases occur.
BOOST_AUTO_TEST_CASE(CrashesAroundThePaymentAreProbedAndCompensated) {
  int64_t after_effect = 0;
  int64_t before_effect = 0;
  std::map<std::string, int64_t> paths;
  for (uint64_t seed = 1; seed <= 120 && (after_effect < 3 || before_effect < 3); ++seed) {
    const CheckedRun run = RunChecked(seed, "crash_executor=0.08");
    for (const properties::Violation& violation : run.verdict.violations) {
      BOOST_FAIL("seed " << seed << ": " << violation.invariant << " " << violation.message);
    }
    BOOST_TEST_REQUIRE(run.report.finished, "seed " << seed << ": " << run.report.liveness_failure);
    for (const auto& [path, count] : run.report.recovery_paths) paths[path] += count;
    const PaymentStory story = TellPayments(run.records);
    for (const Recovery& recovery : story.recoveries) {
      BOOST_TEST(recovery.probed, "seed " << seed << ": no probe after the marker");
      if (recovery.paid_before_marker) {
        ++after_effect;
        BOOST_TEST(recovery.payments_after == 0, "seed " << seed << ": payment re-proposed");
      } else {
        ++before_effect;
      }
    }
    // Whatever the crashes, each task paid exactly once.
    for (size_t keys : story.keys_per_task) BOOST_TEST(keys == 1u, "seed " << seed);
  }
  BOOST_TEST_MESSAGE("payment recoveries: " << after_effect << " after the effect, "
                                            << before_effect << " before it");
  BOOST_TEST(after_effect > 0);
  BOOST_TEST(before_effect > 0);
  BOOST_TEST(paths["executor_probe_skipped"] > 0);
  BOOST_TEST(paths["executor_probe_reproposed"] > 0);
}

// Goal: with recovery on, the same seed still gives a byte-identical trace.
BOOST_AUTO_TEST_CASE(RecoveryRunsAreDeterministic) {
  for (uint64_t seed : {3u, 11u}) {
    const CheckedRun a = RunChecked(seed, "crash_executor=0.08");
    const CheckedRun b = RunChecked(seed, "crash_executor=0.08");
    BOOST_TEST(a.records == b.records);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::sim
