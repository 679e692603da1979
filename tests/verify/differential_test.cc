// Differential agreement (issue 5, item 2): on generated traces (valid ones
// and single-violation mutations), on simulator traces of every built-in
// scenario and on the shared example traces, the native checker and the Z3
// checker reach exactly the same verdict, invariant id for invariant id, and
// judge the same invariants applicable.
#include <rapidcheck/boost_test.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "models/scenario.h"
#include "properties/check_trace.h"
#include "properties/checker.h"
#include "properties/scenario_options.h"
#include "properties/trace_generator.h"
#include "sim/simulation.h"
#include "verify/trace_smt.h"

namespace logact::verify {
namespace {

using properties::GeneratedTrace;

properties::Report Native(const std::vector<traces::TraceRecord>& records,
                          const properties::CheckOptions& options) {
  properties::InvariantChecker checker(options);
  for (const traces::TraceRecord& record : records) checker.OnRecord(record);
  return checker.Finish();
}

// The disagreement between the two verdicts, or "" if they agree.
std::string Disagreement(const std::vector<traces::TraceRecord>& records,
                         const properties::CheckOptions& options) {
  const properties::Report native = Native(records, options);
  Result<TraceSmtResult> smt = CheckTraceSmt(records, options);
  if (!smt.has_value()) return "z3 failed: " + smt.error().message();
  if (!smt->unknown.empty()) return "z3 unknown on " + smt->unknown.front().first;
  const std::vector<std::string> native_ids = native.ViolatedIds();
  const std::vector<std::string> smt_ids = smt->report.ViolatedIds();
  std::string text;
  if (native_ids != smt_ids) {
    text += "native violated {";
    for (const std::string& id : native_ids) text += id + " ";
    text += "} z3 violated {";
    for (const std::string& id : smt_ids) text += id + " ";
    text += "}";
  }
  if (native.not_applicable != smt->report.not_applicable) text += " applicability differs";
  return text;
}

BOOST_AUTO_TEST_SUITE(Differential)

// Goal: 100 cases x (5 valid + 5 mutated) = 1,000 generated traces; the native
// checker reports exactly the injected id, and Z3 agrees with it on every trace.
RC_BOOST_PROP(GeneratedTracesAgree, ()) {
  const auto valid =
      *rc::gen::container<std::vector<GeneratedTrace>>(5, properties::GenValidTrace(6));
  const auto mutated =
      *rc::gen::container<std::vector<GeneratedTrace>>(5, properties::GenMutatedTrace(6));
  for (const auto* traces : {&valid, &mutated}) {
    for (const GeneratedTrace& trace : *traces) {
      const std::vector<std::string> expected = trace.violated.empty()
                                                    ? std::vector<std::string>{}
                                                    : std::vector<std::string>{trace.violated};
      const std::vector<std::string> native = Native(trace.records, {}).ViolatedIds();
      RC_ASSERT(native == expected);
      const std::string disagreement = Disagreement(trace.records, {});
      if (!disagreement.empty())
        RC_FAIL(trace.mutation + ": " + disagreement + "\n" + ToJsonl(trace));
    }
  }
}

// Goal: every mutation kind is exercised at least once and agrees (deterministic seeds).
BOOST_AUTO_TEST_CASE(EveryMutationAgrees) {
  for (std::string_view id : properties::MutableInvariants()) {
    bool done = false;
    for (uint64_t seed = 1; seed < 40 && !done; ++seed) {
      GeneratedTrace trace = properties::BuildValidTrace(properties::SeededChooser(seed), 4);
      if (!properties::Mutate(properties::SeededChooser(seed), id, &trace)) continue;
      done = true;
      BOOST_TEST(Native(trace.records, {}).ViolatedIds() ==
                 std::vector<std::string>{trace.violated});
      BOOST_TEST(Disagreement(trace.records, {}) == "", "seed " << seed << " " << id);
    }
    BOOST_TEST(done, id);
  }
}

// Goal: simulator traces of every built-in scenario, several seeds each, agree
// (with the scenario's spec and environment: SAFE-SPEC and ENV-CONSISTENT judged).
BOOST_AUTO_TEST_CASE(SimulatorTracesAgree) {
  int traces = 0;
  for (const models::Scenario& scenario : models::AllScenarios()) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      sim::SimOptions options;
      options.seed = seed;
      options.scenario = scenario.name;
      TraceCollector collector;
      Result<sim::SimReport> run = Status(StatusCode::kInternal, "not run");
      try {
        run = sim::RunSimulation(options, {&collector});
      } catch (const std::exception& error) {
        // A simulator defect is not this test's subject: report it and go on.
        BOOST_TEST_MESSAGE("skipping " << scenario.name << ": the simulator threw "
                                       << error.what());
        continue;
      }
      BOOST_REQUIRE_MESSAGE(run.has_value(), scenario.name);
      const properties::CheckOptions check =
          properties::ScenarioCheckOptions(collector.header(), nullptr);
      BOOST_TEST(Disagreement(collector.records(), check) == "", scenario.name << " seed " << seed);
      ++traces;
    }
  }
  BOOST_TEST(traces >= 3);
}

// Goal: the shared example traces agree (the bad-input one is rejected by the reader).
BOOST_AUTO_TEST_CASE(SharedExamplesAgree) {
  const std::filesystem::path dir = std::string(LOGACT_SHARED_DIR) + "/examples/traces";
  int checked = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    if (file.path().extension() != ".jsonl") continue;
    auto reader = traces::TraceReader::OpenFile(file.path().string());
    BOOST_REQUIRE(reader.has_value());
    TraceCollector collector;
    traces::TraceError error;
    if (!traces::ReadTraceInto(**reader, &collector, &error).ok()) continue;  // bad input
    const properties::CheckOptions check =
        properties::ScenarioCheckOptions(collector.header(), nullptr);
    BOOST_TEST(Disagreement(collector.records(), check) == "", file.path().filename());
    ++checked;
  }
  BOOST_TEST(checked >= 4);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::verify
