// The trace reader's single-pass entry decoding (core/entry_text_decoder.h)
// on what the simulator really writes: every built-in scenario, a few seeds,
// without and with heavy faults. Method: every entry line must take the fast
// path, decode to the same Entry as the nlohmann path (DecodeEntry on the
// parsed line), and re-encode to the very same bytes; every other record
// kind must decline and still be read by the reader.
#include <boost/test/unit_test.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "core/entry_codec.h"
#include "core/entry_text_decoder.h"
#include "core/limits.h"
#include "models/scenario.h"
#include "sim/fault_plan.h"
#include "sim/simulation.h"
#include "traces/trace_reader.h"
#include "traces/trace_writer.h"

namespace logact::properties {
namespace {

struct Counts {
  int entries = 0;
  int others = 0;
};

// Checks every record line of `text` (a whole trace); the header is skipped.
void CheckLines(const std::string& text, const std::string& label, Counts* counts) {
  const EntryTextDecodeOptions options{.require_kind_entry = true,
                                       .json_depth_max = limits::kTraceJsonDepthMax};
  size_t start = text.find('\n') + 1;
  for (int64_t line_number = 2; start < text.size(); ++line_number) {
    const size_t end = text.find('\n', start);
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    traces::TraceError error;
    const Result<traces::TraceRecord> record = traces::ParseRecordLine(line, line_number, &error);
    BOOST_REQUIRE_MESSAGE(record.has_value(), label + ": " + record.status().ToString());
    Entry fast;
    const bool took = TryDecodeEntryText(line, options, &fast);
    const Entry* read = std::get_if<Entry>(&*record);
    BOOST_CHECK_EQUAL(took, read != nullptr);
    if (read == nullptr) {
      ++counts->others;
      continue;
    }
    ++counts->entries;
    const Result<Entry> reference = DecodeEntry(Json::parse(line));
    BOOST_REQUIRE(reference.has_value());
    BOOST_CHECK_MESSAGE(*read == *reference && fast == *reference,
                        label + ": " + std::string(line));
    std::string again;
    EncodeEntry(*read, /*kind_field=*/true, &again);
    BOOST_CHECK_EQUAL(again, line);
  }
}

BOOST_AUTO_TEST_SUITE(TraceFastDecode)

// Every simulator trace's entry lines take the fast path and decode as before.
BOOST_AUTO_TEST_CASE(SimulatorTracesDecodeAsBefore) {
  Counts counts;
  for (const models::Scenario& scenario : models::AllScenarios()) {
    for (const char* preset : {"none", "heavy"}) {
      for (uint64_t seed = 1; seed <= 2; ++seed) {
        sim::SimOptions options;
        options.scenario = scenario.name;
        options.seed = seed;
        const Result<sim::FaultPlan> faults = sim::FaultPreset(preset);
        BOOST_REQUIRE(faults.has_value());
        options.faults = *faults;
        traces::TraceWriter writer;
        const Result<sim::SimReport> report = sim::RunSimulation(options, {&writer});
        const std::string label = scenario.name + " " + preset + " seed " + std::to_string(seed);
        BOOST_REQUIRE_MESSAGE(report.has_value(), label + ": " + report.status().ToString());
        CheckLines(writer.text(), label, &counts);
      }
    }
  }
  BOOST_TEST_MESSAGE(counts.entries << " entry lines, " << counts.others << " other records");
  BOOST_CHECK_GT(counts.entries, 1000);
  BOOST_CHECK_GT(counts.others, 10);  // effects, faults, restarts, states took the old path
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::properties
