// The online checker and a sim header that says state_records false: REC-STATE
// then keeps no copy of the entries (the simulator's largest checking cost) and,
// should a state record after a restart arrive anyway, reports not applicable
// instead of judging it; a header that says true is judged as before.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <string_view>

#include "properties/check_trace.h"
#include "properties/checker.h"
#include "properties/invariant_ids.h"
#include "properties/scenario_options.h"
#include "sim/fault_plan.h"
#include "sim/sim_options.h"
#include "sim/simulation.h"
#include "tests/properties/heavy_fault_trace.h"
#include "traces/trace_reader.h"
#include "traces/trace_writer.h"

namespace logact::properties {
namespace {

using testing::HeavyFaultTrace;

bool Has(const std::vector<std::string>& ids, std::string_view id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

Report CheckText(const std::string& text) {
  auto reader = traces::TraceReader::FromString(text, "heavy.jsonl");
  Result<Report> report = CheckTrace(*reader, BuiltinScenarioOptions(nullptr), nullptr);
  BOOST_REQUIRE_MESSAGE(report.has_value(), report.status().ToString());
  return *report;
}

BOOST_AUTO_TEST_SUITE(CheckerStateRecords)

// A header that says state_records true keeps the entries: REC-STATE is judged.
BOOST_AUTO_TEST_CASE(HeaderWithStateRecordsIsJudged) {
  const std::string text = HeavyFaultTrace();
  BOOST_REQUIRE(text.find("\"state_records\":true") < text.find('\n'));
  const Report report = CheckText(text);
  BOOST_TEST(Has(report.checked, kRecState));
  BOOST_TEST(report.ok());
}

// A header that says false while state records follow: not applicable, with a reason.
BOOST_AUTO_TEST_CASE(HeaderWithoutStateRecordsKeepsNoEntries) {
  std::string text = HeavyFaultTrace();
  const size_t at = text.find("\"state_records\":true");
  BOOST_REQUIRE(at < text.find('\n'));
  text.replace(at, std::string_view("\"state_records\":true").size(), "\"state_records\":false");
  const Report report = CheckText(text);
  BOOST_TEST(Has(report.not_applicable, kRecState));
  const auto reason = report.not_applicable_reasons.find(std::string(kRecState));
  BOOST_REQUIRE(reason != report.not_applicable_reasons.end());
  BOOST_TEST(reason->second.find("no state records") != std::string::npos, reason->second);
  // Every other verdict is unchanged.
  BOOST_TEST(report.violation_counts == CheckText(HeavyFaultTrace()).violation_counts);
}

// The benchmark's configuration: a live run without state records checks clean.
BOOST_AUTO_TEST_CASE(LiveRunWithoutStateRecordsChecksClean) {
  sim::SimOptions options;
  options.seed = 7;
  options.scenario = "bank-pay-bill";
  options.task_repeats = 20;
  options.state_records = false;
  InvariantChecker checker(BuiltinScenarioOptions(nullptr)(sim::SimHeader(options)));
  Result<sim::SimReport> run = sim::RunSimulation(options, {&checker});
  BOOST_REQUIRE(run.has_value());
  BOOST_TEST(run->finished);
  const Report report = checker.Finish();
  BOOST_TEST(report.ok());
  BOOST_TEST(Has(report.not_applicable, kRecState));
  BOOST_TEST(Has(report.checked, kDecJustified));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::properties
