// The recorders (sim/recorder.h) hand the trace sinks the entries the bus
// stores and the actions the executor runs, in place (TraceSink::OnEntry and
// OnEffect), instead of a copy of each. Sinks that read them in place (the
// trace writer, the checker) must see exactly what a sink given copies (the
// defaults, which wrap them into records) sees: same records, same bytes,
// same report. The runs use every storage
// backend the simulator picks (memory without storage faults, simulated
// storage with them, whose unacknowledged appends are recorded later).
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "core/json.h"
#include "models/scenario.h"
#include "properties/checker.h"
#include "properties/scenario_options.h"
#include "sim/fault_plan.h"
#include "sim/simulation.h"
#include "traces/record_collector.h"
#include "traces/trace_writer.h"

namespace logact::sim {
namespace {

using Collect = traces::RecordCollector;

struct Run {
  Collect copies;
  traces::TraceWriter in_place;  // overrides OnEntry and OnEffect
  Json online_report;            // the checker fed in place, during the run
};

void Simulate(const std::string& scenario, uint64_t seed, const std::string& faults, Run* run) {
  SimOptions options;
  options.scenario = scenario;
  options.seed = seed;
  Result<FaultPlan> plan = ParseFaultPlan(faults, seed);
  BOOST_TEST_REQUIRE(plan.has_value());
  options.faults = *plan;
  const models::Scenario* found = models::FindScenario(scenario);
  BOOST_TEST_REQUIRE(found != nullptr);
  properties::InvariantChecker checker(properties::ScenarioCheckOptions(*found, nullptr));
  Result<SimReport> report = RunSimulation(options, {&run->copies, &run->in_place, &checker});
  BOOST_TEST_REQUIRE(report.has_value());
  run->online_report = checker.Finish().ToJson();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Recorder)

// Goal: entries and effects read in place give the trace and the report that
// copies give.
// Method: one run feeds a copying sink, the trace writer and the checker;
// the copies are then encoded by OnRecord and checked by OnRecord, and both
// results are compared with the in-place ones byte for byte.
BOOST_AUTO_TEST_CASE(SinksReadingEntriesInPlaceSeeWhatCopiesSee) {
  int64_t entries = 0;
  int64_t effects = 0;
  int64_t keyed_effects = 0;  // with an idempotency key in extra
  for (const char* scenario : {"bank-pay-bill", "hot-swap"}) {
    for (const char* faults : {"none", "heavy", "swarm"}) {
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        Run run;
        Simulate(scenario, seed, faults, &run);
        traces::TraceWriter from_copies;
        from_copies.OnHeader(run.copies.header);
        properties::InvariantChecker checker(
            properties::ScenarioCheckOptions(run.copies.header, nullptr));
        checker.OnHeader(run.copies.header);
        for (const traces::TraceRecord& record : run.copies.records) {
          from_copies.OnRecord(record);
          checker.OnRecord(record);
          entries += std::holds_alternative<Entry>(record) ? 1 : 0;
          if (const auto* effect = std::get_if<traces::EffectRecord>(&record)) {
            ++effects;
            keyed_effects += effect->extra.is_object() ? 1 : 0;
          }
        }
        const std::string where =
            std::string(scenario) + " faults " + faults + " seed " + std::to_string(seed);
        BOOST_TEST(from_copies.text() == run.in_place.text(), where);
        BOOST_TEST(from_copies.records() == run.in_place.records(), where);
        BOOST_TEST(CompactJson(checker.Finish().ToJson()) == CompactJson(run.online_report), where);
      }
    }
  }
  BOOST_TEST(entries > 1000);
  BOOST_TEST(effects > 50);
  BOOST_TEST(keyed_effects > 0);
}

// Goal: the writer's OnEntry writes what OnRecord writes for the same entry,
// including one with fields kept in `extra` and text that needs escaping.
BOOST_AUTO_TEST_CASE(WriterOnEntryMatchesOnRecord) {
  Entry entry = MakeMail("external/user", "user", "pay \"bill\"\n\xff");
  entry.pos = 3;
  entry.ts = 17;
  entry.extra = Json{{"zeta", 1}, {"alpha", Json::array({1, "two"})}};
  traces::TraceWriter by_record;
  traces::TraceWriter by_entry;
  traces::TraceHeader header;
  by_record.OnHeader(header);
  by_entry.OnHeader(header);
  by_record.OnRecord(traces::TraceRecord(entry));
  by_entry.OnEntry(entry);
  BOOST_TEST(by_record.text() == by_entry.text());
  BOOST_TEST(by_entry.records() == 1u);
}

// Goal: the writer's OnEffect writes what OnRecord writes for the same effect,
// with arguments that need escaping and extra fields beside the key.
BOOST_AUTO_TEST_CASE(WriterOnEffectMatchesOnRecord) {
  traces::EffectRecord effect;
  effect.ts = 42;
  effect.intent = 7;
  effect.executor = "executor/x0";
  effect.action.tool = "send_money";
  effect.action.args = Json{{"recipient", "GB\"29\"\n"}, {"amount", 1.5}, {"n", -3}};
  effect.extra = Json{{"idempotency_key", "k-7"}, {"zeta", Json::array({1, "two"})}};
  traces::TraceWriter by_record;
  traces::TraceWriter by_view;
  traces::TraceHeader header;
  by_record.OnHeader(header);
  by_view.OnHeader(header);
  by_record.OnRecord(traces::TraceRecord(effect));
  by_view.OnEffect(traces::ViewOf(effect));
  BOOST_TEST(by_record.text() == by_view.text());
  BOOST_TEST(by_view.records() == 1u);
  BOOST_TEST((traces::RecordOf(traces::ViewOf(effect)) == effect));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace logact::sim
