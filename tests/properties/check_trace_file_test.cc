// CheckTraceFile's REC-STATE: the checker keeps no copy of the entries and
// reads the file again at Finish (CheckOptions::reload_entries); its verdicts
// must equal those of the in-memory check, which keeps every entry.
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "properties/check_trace.h"
#include "properties/invariant_ids.h"
#include "properties/scenario_options.h"
#include "sim/fault_plan.h"
#include "sim/simulation.h"
#include "tests/properties/heavy_fault_trace.h"
#include "traces/trace_writer.h"

namespace logact::properties {
namespace {

using testing::HeavyFaultTrace;

std::string WriteTemp(const std::string& text, const std::string& tag) {
  const std::string path =
      "/tmp/logact-check-file-test-" + std::to_string(::getpid()) + "-" + tag + ".jsonl";
  std::ofstream(path) << text;
  return path;
}

bool Checked(const Report& report, std::string_view id) {
  return std::find(report.checked.begin(), report.checked.end(), id) != report.checked.end();
}

BOOST_AUTO_TEST_SUITE(CheckTraceFileRecState)

// The file check judges REC-STATE exactly as the in-memory check does.
BOOST_AUTO_TEST_CASE(FileCheckJudgesRecStateLikeTheInMemoryCheck) {
  const std::string text = HeavyFaultTrace();
  const std::string path = WriteTemp(text, "ok");
  Result<Report> from_file = CheckTraceFile(path, BuiltinScenarioOptions(nullptr), nullptr);
  auto reader = traces::TraceReader::FromString(text, "heavy.jsonl");
  Result<Report> in_memory = CheckTrace(*reader, BuiltinScenarioOptions(nullptr), nullptr);
  std::remove(path.c_str());
  BOOST_REQUIRE(from_file.has_value());
  BOOST_REQUIRE(in_memory.has_value());
  BOOST_CHECK(Checked(*from_file, kRecState));
  BOOST_CHECK_EQUAL(from_file->violation_counts.count(std::string(kRecState)), 0u);
  BOOST_CHECK(from_file->checked == in_memory->checked);
  BOOST_CHECK(from_file->violation_counts == in_memory->violation_counts);
}

// A wrong digest after a restart is caught from the re-read entries.
BOOST_AUTO_TEST_CASE(FileCheckCatchesAWrongDigestAfterARestart) {
  std::istringstream in(HeavyFaultTrace());
  std::string line, tampered, restarted;
  bool done = false;
  while (std::getline(in, line)) {
    if (line.find("\"kind\":\"restart\"") != std::string::npos) {
      const size_t at = line.find("\"target\":\"");
      restarted = line.substr(at, line.find('"', at + 10) - at + 1);
    } else if (!done && !restarted.empty() &&
               line.find("\"kind\":\"state\"") != std::string::npos &&
               line.find(restarted) != std::string::npos) {
      const size_t digest = line.find("\"digest\":\"") + 10;
      line[digest] = line[digest] == '0' ? '1' : '0';
      done = true;
    }
    tampered += line + "\n";
  }
  BOOST_REQUIRE(done);
  const std::string path = WriteTemp(tampered, "bad");
  Result<Report> report = CheckTraceFile(path, BuiltinScenarioOptions(nullptr), nullptr);
  std::remove(path.c_str());
  BOOST_REQUIRE(report.has_value());
  BOOST_CHECK_EQUAL(report->violation_counts[std::string(kRecState)], 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::properties
