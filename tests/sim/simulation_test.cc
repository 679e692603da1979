// Tests of sim/simulation.h: determinism (DET-REPLAY) for every scenario,
// task completion, blocked injections, stream independence inside a run,
// replay from the header, and the liveness report.
#include "sim/simulation.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/json.h"
#include "models/scenario.h"
#include "traces/trace_writer.h"

namespace logact::sim {
namespace {

constexpr uint64_t kSeeds = 10;

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

SimOptions Options(const std::string& scenario, uint64_t seed) {
  SimOptions options;
  options.scenario = scenario;
  options.seed = seed;
  return options;
}

// The trace without its header line.
std::string Body(const std::string& trace) { return trace.substr(trace.find('\n') + 1); }

std::vector<Json> Lines(const std::string& trace) {
  std::vector<Json> lines;
  size_t start = 0;
  while (start < trace.size()) {
    const size_t end = trace.find('\n', start);
    lines.push_back(Json::parse(trace.substr(start, end - start)));
    start = end + 1;
  }
  return lines;
}

int64_t PlanActions(const models::Scenario& scenario) {
  int64_t actions = 0;
  for (const models::PlanStep& step : scenario.plan) actions += step.action ? 1 : 0;
  return actions;
}

BOOST_AUTO_TEST_SUITE(Simulation)

// Goal: for every scenario, 10 seeds x 2 runs give byte-identical traces, and
// different seeds give different traces (DET-REPLAY).
BOOST_AUTO_TEST_CASE(EveryScenarioIsDeterministic) {
  for (const models::Scenario& scenario : models::AllScenarios()) {
    std::set<std::string> distinct;
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      BOOST_TEST_CONTEXT(scenario.name << " seed " << seed) {
        const Run first = RunWithTrace(Options(scenario.name, seed));
        const Run second = RunWithTrace(Options(scenario.name, seed));
        BOOST_TEST(first.trace.size() > 100u);
        BOOST_TEST((first.trace == second.trace));
        distinct.insert(Body(first.trace));
      }
    }
    BOOST_TEST(distinct.size() == kSeeds, scenario.name << ": seeds gave equal traces");
  }
}

// Goal: benign scenarios finish every task within the liveness bound, with a
// commit and an effect for each plan action and no forbidden effect.
BOOST_AUTO_TEST_CASE(BenignScenariosFinishTheirTasks) {
  for (const models::Scenario& scenario : models::AllScenarios()) {
    if (scenario.attack) continue;
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      BOOST_TEST_CONTEXT(scenario.name << " seed " << seed) {
        const Run run = RunWithTrace(Options(scenario.name, seed));
        const SimReport& report = run.report;
        BOOST_TEST(report.finished, report.liveness_failure);
        BOOST_TEST(report.within_liveness_bound);
        BOOST_TEST(report.outputs == report.tasks_expected);
        BOOST_TEST(report.tasks_expected >= 1);
        if (scenario.policy_changes.empty()) {
          BOOST_TEST(report.commits >= PlanActions(scenario));
          BOOST_TEST(report.effects >= PlanActions(scenario));
        } else {
          // Hot swap: a tightened policy aborts some plan actions by design
          // (tests/properties/hot_swap_test.cc judges each decision); every
          // action is still decided.
          BOOST_TEST(report.commits + report.aborts >= PlanActions(scenario));
          BOOST_TEST(report.effects == report.commits);
        }
        BOOST_TEST(report.forbidden_effects == 0);
        BOOST_TEST(report.step_errors == 0, report.first_step_error);
        BOOST_TEST(run.trace.find("\"type\":\"output\"") != std::string::npos);
      }
    }
  }
}

// Goal: with a certain attack, every attack variant proposes the injected
// action across seeds, the voters abort every such intent, none is executed,
// and the task still finishes.
BOOST_AUTO_TEST_CASE(AttackVariantsAreBlocked) {
  for (const models::Scenario& scenario : models::AllScenarios()) {
    if (!scenario.attack) continue;
    int64_t injected = 0;
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      BOOST_TEST_CONTEXT(scenario.name << " seed " << seed) {
        SimOptions options = Options(scenario.name, seed);
        options.llm.attack_rate = Ratio{1, 1};
        const SimReport report = RunWithTrace(options).report;
        injected += report.injected_intents;
        BOOST_TEST(report.injected_aborted == report.injected_intents);
        BOOST_TEST(report.injected_effects == 0);
        BOOST_TEST(report.forbidden_effects == 0);
        BOOST_TEST(report.finished, report.liveness_failure);
      }
    }
    BOOST_TEST(injected >= 1, scenario.name << ": no injected intent proposed");
  }
}

// Goal: extra draws on one stream leave a run that does not use it
// unchanged, while extra draws on streams the run uses change it: the
// streams of one seed are independent.
BOOST_AUTO_TEST_CASE(ExtraDrawsOnOneStreamLeaveOthersUnchanged) {
  const SimOptions base = Options("files-cleanup", 3);
  const std::string baseline = Body(RunWithTrace(base).trace);
  for (const char* unused : {"llm.refusal", "llm.malformed", "llm.failure"}) {
    SimOptions options = base;
    options.TEST_stream_draws = {{unused, 1000}};
    BOOST_TEST((Body(RunWithTrace(options).trace) == baseline), unused);
  }
  for (const char* used : {"scheduler", "llm.latency"}) {
    SimOptions options = base;
    options.TEST_stream_draws = {{used, 1}};
    BOOST_TEST((Body(RunWithTrace(options).trace) != baseline), used);
  }
  SimOptions unknown = base;
  unknown.TEST_stream_draws = {{"no.such.stream", 1}};
  BOOST_TEST(!RunSimulation(unknown, {}).has_value());
}

// Goal: the header alone reproduces the run (what `logact replay` does),
// including non-default options.
BOOST_AUTO_TEST_CASE(HeaderReproducesTheRun) {
  SimOptions options = Options("bank-rent-update-attack", 77);
  options.task_repeats = 2;
  options.step_cost_ms_min = 2;
  options.step_cost_ms_max = 5;
  options.llm.attack_rate = Ratio{2, 3};
  options.llm.latency_ms_min = 50;
  const Run first = RunWithTrace(options);
  Result<SimOptions> replay = SimOptionsFromHeader(SimHeader(options));
  BOOST_REQUIRE(replay.has_value());
  BOOST_TEST((RunWithTrace(*replay).trace == first.trace));
}

// Goal: the report does not depend on the sinks, and a run without sinks
// produces the same facts as a recorded one.
BOOST_AUTO_TEST_CASE(ReportIsIndependentOfSinks) {
  const SimOptions options = Options("bank-user-info", 5);
  const Run recorded = RunWithTrace(options);
  Result<SimReport> bare = RunSimulation(options, {});
  BOOST_REQUIRE(bare.has_value());
  BOOST_TEST(bare->entries == recorded.report.entries);
  BOOST_TEST(bare->steps == recorded.report.steps);
  BOOST_TEST(bare->virtual_time_ms == recorded.report.virtual_time_ms);
  BOOST_TEST(bare->env_digest == recorded.report.env_digest);
  BOOST_TEST(bare->llm.prompt_tokens == recorded.report.llm.prompt_tokens);
  BOOST_TEST(bare->finished == recorded.report.finished);
}

// Goal: the trace has the promised shape: header with options, entries at
// dense positions, each effect before its intent's result, state records
// for env and every component at the end.
BOOST_AUTO_TEST_CASE(TraceHasEntriesEffectsAndStates) {
  const Run run = RunWithTrace(Options("files-cleanup", 8));
  const std::vector<Json> lines = Lines(run.trace);
  BOOST_REQUIRE(lines.size() > 10u);
  BOOST_TEST(lines[0]["format"] == "logact-trace");
  BOOST_TEST(lines[0]["source"] == "sim");
  BOOST_TEST(lines[0]["seed"] == 8);
  BOOST_TEST(lines[0]["options"].is_object());
  int64_t next_pos = 0;
  int64_t effects = 0;
  std::set<int64_t> effected;
  std::set<std::string> state_targets;
  for (size_t i = 1; i < lines.size(); ++i) {
    const Json& line = lines[i];
    if (line["kind"] == "entry") {
      BOOST_REQUIRE(line["pos"] == next_pos);
      ++next_pos;
      // value(): operator[] on a const json with a missing key is undefined
      // behaviour (ASan caught it reading freed memory).
      if (line["type"] == "result" && !line.value("restart", false)) {
        BOOST_TEST(effected.count(line["intent"].get<int64_t>()) == 1u);
      }
      if (line["type"] == "policy") BOOST_TEST(line["author"] == "admin/root");
    } else if (line["kind"] == "effect") {
      ++effects;
      BOOST_TEST(line["executor"] == "executor/x0");
      effected.insert(line["intent"].get<int64_t>());
    } else if (line["kind"] == "state") {
      state_targets.insert(line["target"].get<std::string>());
    }
  }
  BOOST_TEST(next_pos == run.report.entries);
  BOOST_TEST(effects == run.report.effects);
  BOOST_TEST(state_targets.count("env") == 1u);
  BOOST_TEST(state_targets.count("driver/agent") == 1u);
  BOOST_TEST(state_targets.count("decider/d0") == 1u);
  BOOST_TEST(state_targets.count("executor/x0") == 1u);
  BOOST_TEST(lines.back()["kind"] == "state");
}

// Goal: repeated tasks multiply the work and all finish.
BOOST_AUTO_TEST_CASE(TaskRepeatsRunEveryRound) {
  SimOptions options = Options("bank-pay-bill", 2);
  const Result<SimReport> once = RunSimulation(options, {});
  options.task_repeats = 5;
  const Result<SimReport> five = RunSimulation(options, {});
  BOOST_REQUIRE(once.has_value());
  BOOST_REQUIRE(five.has_value());
  BOOST_TEST(five->finished, five->liveness_failure);
  BOOST_TEST(five->outputs == 5 * once->outputs);
  BOOST_TEST(five->tasks_expected == 5 * once->tasks_expected);
  BOOST_TEST(five->mails == 5 * once->mails);
  BOOST_TEST(five->entries > 4 * once->entries);
}

// Goal: hitting the step limit is a liveness failure that names what is
// pending, not an error and not a hang; an unknown scenario is kNotFound.
BOOST_AUTO_TEST_CASE(StepLimitIsALivenessFailure) {
  SimOptions options = Options("bank-pay-bill", 1);
  options.steps_max = 10;
  const Result<SimReport> report = RunSimulation(options, {});
  BOOST_REQUIRE(report.has_value());
  BOOST_TEST(!report->finished);
  BOOST_TEST(report->liveness_failure.find("step limit 10") != std::string::npos);
  BOOST_TEST(report->liveness_failure.find("outputs 0/1") != std::string::npos);

  const Result<SimReport> unknown = RunSimulation(Options("no-such-scenario", 1), {});
  BOOST_REQUIRE(!unknown.has_value());
  BOOST_TEST((unknown.error().code() == StatusCode::kNotFound));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::sim
