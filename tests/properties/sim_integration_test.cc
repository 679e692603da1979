// End-to-end tests of the checker on simulator traces: the online checker (fed
// live) and the offline one (fed the written file) agree on every built-in
// scenario, correct runs pass every judged invariant, tampered traces are
// caught, and arbitrary corruption of a real trace is a verdict or bad input,
// never a crash.
#include <rapidcheck/boost_test.h>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "models/scenario.h"
#include "properties/check_trace.h"
#include "properties/checker.h"
#include "properties/invariant_ids.h"
#include "properties/scenario_options.h"
#include "sim/sim_options.h"
#include "sim/simulation.h"
#include "traces/trace_writer.h"

namespace logact::properties {
namespace {

struct SimTrace {
  Report live;
  std::string text;
};

// Runs one simulation with a live checker and a trace writer attached.
SimTrace Simulate(const std::string& scenario, uint64_t seed, bool llm_faults) {
  sim::SimOptions options;
  options.seed = seed;
  options.scenario = scenario;
  if (llm_faults) {
    options.llm.malformed_rate = {1, 10};
    options.llm.failure_rate = {1, 10};
    options.llm.voter_error_rate = {1, 5};
    options.llm.hallucinated_tool_rate = {1, 10};
  }
  InvariantChecker checker(ScenarioCheckOptions(sim::SimHeader(options), nullptr));
  traces::TraceWriter writer;
  Result<sim::SimReport> run = sim::RunSimulation(options, {&checker, &writer});
  BOOST_REQUIRE_MESSAGE(run.has_value(), run.status().ToString());
  return SimTrace{checker.Finish(), writer.text()};
}

Result<Report> CheckText(const std::string& text, traces::TraceError* error) {
  auto reader = traces::TraceReader::FromString(text, "sim.jsonl");
  return CheckTrace(*reader, BuiltinScenarioOptions(nullptr), error);
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    const size_t end = text.find('\n', begin);
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

BOOST_AUTO_TEST_SUITE(CheckerOnSimulations)

// Goal: on every built-in scenario, with and without mock-LLM faults, a correct
// run passes, and the live and recorded checks give the identical report.
BOOST_AUTO_TEST_CASE(LiveAndRecordedChecksAgree) {
  for (const models::Scenario& scenario : models::AllScenarios()) {
    for (uint64_t seed = 0; seed < 4; ++seed) {
      BOOST_TEST_CONTEXT("scenario " << scenario.name << " seed " << seed) {
        const SimTrace trace = Simulate(scenario.name, seed, seed % 2 == 1);
        traces::TraceError error;
        Result<Report> recorded = CheckText(trace.text, &error);
        BOOST_REQUIRE_MESSAGE(recorded.has_value(), error.ToJson().dump());
        BOOST_TEST(recorded->ToJson() == trace.live.ToJson());
        BOOST_TEST(trace.live.ok(), trace.live.ToJson().dump());
        // A built-in scenario with its final env state makes both scenario invariants judged.
        BOOST_TEST(std::count(trace.live.checked.begin(), trace.live.checked.end(),
                              std::string(kEnvConsistent)) == 1);
      }
    }
  }
}

// Goal: tampering with a real trace is caught: a replayed effect (EXE-ONCE), a
// forged environment digest (ENV-CONSISTENT).
BOOST_AUTO_TEST_CASE(TamperedTracesAreCaught) {
  const SimTrace trace = Simulate("files-cleanup", 0, false);
  std::vector<std::string> lines = SplitLines(trace.text);
  size_t effect = 0;
  size_t env_state = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (effect == 0 && lines[i].find(R"("kind":"effect")") != std::string::npos) effect = i;
    if (lines[i].find(R"("kind":"state")") != std::string::npos &&
        lines[i].find(R"("target":"env")") != std::string::npos) {
      env_state = i;
    }
  }
  BOOST_REQUIRE(effect != 0);
  BOOST_REQUIRE(env_state != 0);

  std::vector<std::string> replayed = lines;
  replayed.insert(replayed.begin() + static_cast<std::ptrdiff_t>(effect) + 1, lines[effect]);
  Result<Report> once = CheckText(JoinLines(replayed), nullptr);
  BOOST_REQUIRE(once.has_value());
  BOOST_TEST(once->Violated(kExeOnce));
  BOOST_TEST(
      once->violations.front().lines == std::vector<int64_t>({static_cast<int64_t>(effect) + 1,
                                                              static_cast<int64_t>(effect) + 2}),
      boost::test_tools::per_element());

  std::vector<std::string> forged = lines;
  const size_t digest = forged[env_state].find(R"("digest":")") + 10;
  forged[env_state][digest] = forged[env_state][digest] == '0' ? '1' : '0';
  Result<Report> env = CheckText(JoinLines(forged), nullptr);
  BOOST_REQUIRE(env.has_value());
  BOOST_TEST(env->ViolatedIds() == std::vector<std::string>({std::string(kEnvConsistent)}),
             boost::test_tools::per_element());
}

// Goal: any corruption of a real trace (byte flips, truncation, dropped or
// swapped lines) yields a report or bad input naming a line of the file, never a crash.
RC_BOOST_PROP(CorruptedTracesNeverCrash, ()) {
  static const std::string text = Simulate("bank-pay-bill-attack", 1, true).text;
  std::string corrupted = text;
  const int edits = *rc::gen::inRange(1, 6);
  for (int i = 0; i < edits && !corrupted.empty(); ++i) {
    const size_t at = *rc::gen::inRange<size_t>(0, corrupted.size());
    switch (*rc::gen::inRange(0, 4)) {
      case 0:  // flip a byte to anything, including invalid UTF-8 and '\n'
        corrupted[at] = static_cast<char>(*rc::gen::arbitrary<unsigned char>());
        break;
      case 1:  // truncate
        corrupted.resize(at);
        break;
      case 2:  // drop a range
        corrupted.erase(at, *rc::gen::inRange<size_t>(0, 200));
        break;
      default:  // duplicate a range (duplicated records, effects, decisions)
        corrupted.insert(at, corrupted.substr(at, *rc::gen::inRange<size_t>(0, 300)));
        break;
    }
  }
  traces::TraceError error;
  Result<Report> report = CheckText(corrupted, &error);
  const int64_t lines =
      static_cast<int64_t>(std::count(corrupted.begin(), corrupted.end(), '\n')) + 1;
  if (report.has_value()) {
    for (const Violation& violation : report->violations) {
      for (const int64_t line : violation.lines) RC_ASSERT(line >= 2 && line <= lines);
    }
  } else {
    RC_ASSERT(report.error().code() == StatusCode::kInvalidArgument);
    RC_ASSERT(error.line >= 1 && error.line <= lines);
    RC_ASSERT(!error.field.empty());
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::properties
