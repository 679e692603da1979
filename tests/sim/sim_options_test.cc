// Tests of sim/sim_options.h: the header carries every option, and reading it
// back yields the same options; bad options are named.
#include "sim/sim_options.h"

#include <string>

#include <boost/test/unit_test.hpp>

#include "traces/trace_writer.h"

namespace logact::sim {
namespace {

SimOptions NonDefaultOptions() {
  SimOptions options;
  options.seed = 18'446'744'073'709'551'615u;  // the largest seed must survive JSON
  options.scenario = "files-cleanup-attack";
  options.steps_max = 12'345;
  options.step_cost_ms_min = 2;
  options.step_cost_ms_max = 9;
  options.task_repeats = 3;
  options.state_records = false;
  options.llm.latency_ms_min = 10;
  options.llm.latency_ms_max = 20;
  options.llm.malformed_rate = Ratio{1, 7};
  options.llm.hallucinated_tool_rate = Ratio{2, 9};
  options.llm.refusal_rate = Ratio{1, 100};
  options.llm.failure_rate = Ratio{3, 10};
  options.llm.voter_error_rate = Ratio{1, 2};
  options.llm.attack_rate = Ratio{1, 1};
  options.llm.taint_markers = {"<INFORMATION>", "IGNORE PREVIOUS"};
  options.llm.cassette = {"{\"final\":\"x\"}"};
  options.TEST_stream_draws = {{"llm.refusal", 5}};
  return options;
}

BOOST_AUTO_TEST_SUITE(SimOptionsSuite)

// Goal: SimOptionsFromHeader inverts SimHeader for options that differ from
// every default, including after a trip through the trace header encoder.
BOOST_AUTO_TEST_CASE(HeaderRoundTripsEveryOption) {
  const SimOptions options = NonDefaultOptions();
  const traces::TraceHeader header = SimHeader(options);
  BOOST_TEST(header.source == "sim");
  BOOST_TEST(*header.seed == options.seed);
  Result<SimOptions> back = SimOptionsFromHeader(header);
  BOOST_REQUIRE_MESSAGE(back.has_value(), back.status().ToString());
  BOOST_TEST(back->seed == options.seed);
  BOOST_TEST(back->scenario == options.scenario);
  BOOST_TEST(SimOptionsToJson(*back) == SimOptionsToJson(options));
  BOOST_TEST(back->llm.attack_rate.has_value());

  std::string line;
  traces::EncodeHeader(header, &line);
  BOOST_TEST(line.find("\"options\":{") != std::string::npos);
  BOOST_TEST(line.find("\"failure_rate\":[3,10]") != std::string::npos);
}

// Goal: a header with only seed and scenario replays with default options.
BOOST_AUTO_TEST_CASE(MissingOptionsTakeDefaults) {
  traces::TraceHeader header;
  header.seed = 4;
  header.scenario = "bank-pay-bill";
  Result<SimOptions> options = SimOptionsFromHeader(header);
  BOOST_REQUIRE(options.has_value());
  BOOST_TEST(SimOptionsToJson(*options) == SimOptionsToJson(SimOptions{}));
  BOOST_TEST(!options->llm.attack_rate.has_value());
}

// Goal: bad headers and options are kInvalidArgument naming the field.
BOOST_AUTO_TEST_CASE(BadOptionsNameTheField) {
  traces::TraceHeader header = SimHeader(SimOptions{});
  header.extra["options"]["llm"]["failure_rate"] = Json::array({3, 2});
  Result<SimOptions> ratio = SimOptionsFromHeader(header);
  BOOST_REQUIRE(!ratio.has_value());
  BOOST_TEST((ratio.error().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(ratio.error().message().find("failure_rate") != std::string::npos);

  header = SimHeader(SimOptions{});
  header.extra["options"]["step_cost_ms"] = "fast";
  Result<SimOptions> typed = SimOptionsFromHeader(header);
  BOOST_REQUIRE(!typed.has_value());
  BOOST_TEST(typed.error().message().find("step_cost_ms") != std::string::npos);

  header = SimHeader(SimOptions{});
  header.seed.reset();
  BOOST_TEST(SimOptionsFromHeader(header).status().message().find("seed") != std::string::npos);
  header = SimHeader(SimOptions{});
  header.source = "recorded";
  BOOST_TEST(!SimOptionsFromHeader(header).has_value());

  SimOptions options;
  options.step_cost_ms_min = 5;
  options.step_cost_ms_max = 4;
  BOOST_TEST(ValidateSimOptions(options).message().find("step_cost_ms") != std::string::npos);
  options = SimOptions{};
  options.task_repeats = 0;
  BOOST_TEST(!ValidateSimOptions(options).ok());
  options = SimOptions{};
  options.steps_max = 0;
  BOOST_TEST(!ValidateSimOptions(options).ok());
  BOOST_TEST(ValidateSimOptions(SimOptions{}).ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace logact::sim
