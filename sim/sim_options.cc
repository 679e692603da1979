#include "sim/sim_options.h"

#include <string_view>

#include "core/limits.h"
#include "traces/trace_format.h"

namespace logact::sim {
namespace {

// Option field names in the header's "options" object. Persisted: do not change.
constexpr char kOptions[] = "options";
constexpr char kStepsMax[] = "steps_max";
constexpr char kStepCostMs[] = "step_cost_ms";
constexpr char kTaskRepeats[] = "task_repeats";
constexpr char kStateRecords[] = "state_records";
constexpr char kLlm[] = "llm";
constexpr char kFaults[] = "faults";
constexpr char kFaultSchedule[] = "fault_schedule";
constexpr char kLatencyMs[] = "latency_ms";
constexpr char kMalformedRate[] = "malformed_rate";
constexpr char kHallucinatedToolRate[] = "hallucinated_tool_rate";
constexpr char kRefusalRate[] = "refusal_rate";
constexpr char kFailureRate[] = "failure_rate";
constexpr char kVoterErrorRate[] = "voter_error_rate";
constexpr char kAttackRate[] = "attack_rate";
constexpr char kTaintMarkers[] = "taint_markers";
constexpr char kCassette[] = "cassette";
constexpr char kTestStreamDraws[] = "test_stream_draws";

// Durations an option may state, in ms: one day. Keeps steps_max x cost far
// from int64 overflow (1e7 steps x 8.64e7 ms < 9.2e18).
constexpr int64_t kOptionDurationMsMax = 86'400'000;

Json RatioJson(const Ratio& ratio) { return Json::array({ratio.numerator, ratio.denominator}); }
Json RangeJson(int64_t low, int64_t high) { return Json::array({low, high}); }

Status CheckRatio(const Ratio& ratio, const std::string& field) {
  if (ratio.denominator == 0 || ratio.numerator > ratio.denominator) {
    return InvalidArgumentError(field +
                                ": a rate needs 0 <= numerator <= denominator, denominator > 0");
  }
  return Status::Ok();
}

Status CheckRange(int64_t low, int64_t high, const std::string& field) {
  if (low < 0 || low > high || high > kOptionDurationMsMax) {
    return InvalidArgumentError(
        field + ": needs 0 <= min <= max <= " + std::to_string(kOptionDurationMsMax) + " ms");
  }
  return Status::Ok();
}

// ---- Reading the options object; each reader names the field it rejects ----

Status TypeError(const std::string& field, std::string_view expected) {
  return InvalidArgumentError("field '" + field + "': expected " + std::string(expected));
}

Result<uint64_t> ReadUnsigned(const Json& value, const std::string& field) {
  if (!value.is_number_unsigned()) return TypeError(field, "a non-negative integer");
  return value.get<uint64_t>();
}

Result<int64_t> ReadInteger(const Json& value, const std::string& field) {
  if (!value.is_number_integer()) return TypeError(field, "an integer");
  if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t{INT64_MAX}) {
    return TypeError(field, "an integer below 2^63");
  }
  return value.get<int64_t>();
}

Result<Ratio> ReadRatio(const Json& value, const std::string& field) {
  if (!value.is_array() || value.size() != 2 || !value[0].is_number_unsigned() ||
      !value[1].is_number_unsigned()) {
    return TypeError(field, "[numerator, denominator] of non-negative integers");
  }
  Ratio ratio{value[0].get<uint64_t>(), value[1].get<uint64_t>()};
  LOGACT_TRY(CheckRatio(ratio, "field '" + field + "'"));
  return ratio;
}

Status ReadRange(const Json& value, const std::string& field, int64_t* low, int64_t* high) {
  if (!value.is_array() || value.size() != 2) return TypeError(field, "[min, max]");
  LOGACT_ASSIGN_OR_RETURN(*low, ReadInteger(value[0], field + "[0]"));
  LOGACT_ASSIGN_OR_RETURN(*high, ReadInteger(value[1], field + "[1]"));
  return Status::Ok();
}

Result<std::vector<std::string>> ReadStrings(const Json& value, const std::string& field) {
  if (!value.is_array()) return TypeError(field, "an array of strings");
  std::vector<std::string> out;
  for (const Json& item : value) {
    if (!item.is_string()) return TypeError(field, "an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Status ReadLlmRate(const Json& llm, const char* name, Ratio* out) {
  if (!llm.contains(name)) return Status::Ok();
  LOGACT_ASSIGN_OR_RETURN(*out, ReadRatio(llm.at(name), std::string("options.llm.") + name));
  return Status::Ok();
}

Status ReadLlmOptions(const Json& llm, MockLlmOptions* out) {
  if (!llm.is_object()) return TypeError("options.llm", "an object");
  if (llm.contains(kLatencyMs)) {
    LOGACT_TRY(ReadRange(llm.at(kLatencyMs), "options.llm.latency_ms", &out->latency_ms_min,
                         &out->latency_ms_max));
  }
  LOGACT_TRY(ReadLlmRate(llm, kMalformedRate, &out->malformed_rate));
  LOGACT_TRY(ReadLlmRate(llm, kHallucinatedToolRate, &out->hallucinated_tool_rate));
  LOGACT_TRY(ReadLlmRate(llm, kRefusalRate, &out->refusal_rate));
  LOGACT_TRY(ReadLlmRate(llm, kFailureRate, &out->failure_rate));
  LOGACT_TRY(ReadLlmRate(llm, kVoterErrorRate, &out->voter_error_rate));
  if (llm.contains(kAttackRate) && !llm.at(kAttackRate).is_null()) {
    LOGACT_ASSIGN_OR_RETURN(out->attack_rate,
                            ReadRatio(llm.at(kAttackRate), "options.llm.attack_rate"));
  }
  if (llm.contains(kTaintMarkers)) {
    LOGACT_ASSIGN_OR_RETURN(out->taint_markers,
                            ReadStrings(llm.at(kTaintMarkers), "options.llm.taint_markers"));
  }
  if (llm.contains(kCassette)) {
    LOGACT_ASSIGN_OR_RETURN(out->cassette, ReadStrings(llm.at(kCassette), "options.llm.cassette"));
  }
  return Status::Ok();
}

Status ReadStreamDraws(const Json& value, SimOptions* out) {
  const std::string field = "options.test_stream_draws";
  if (!value.is_array()) return TypeError(field, "an array of [name, draws]");
  for (const Json& item : value) {
    if (!item.is_array() || item.size() != 2 || !item[0].is_string() ||
        !item[1].is_number_unsigned()) {
      return TypeError(field, "an array of [name, draws]");
    }
    out->TEST_stream_draws.emplace_back(item[0].get<std::string>(), item[1].get<uint64_t>());
  }
  return Status::Ok();
}

Status ReadOptions(const Json& json, SimOptions* out) {
  if (!json.is_object()) return TypeError("options", "an object");
  if (json.contains(kStepsMax)) {
    LOGACT_ASSIGN_OR_RETURN(out->steps_max, ReadUnsigned(json.at(kStepsMax), "options.steps_max"));
  }
  if (json.contains(kStepCostMs)) {
    LOGACT_TRY(ReadRange(json.at(kStepCostMs), "options.step_cost_ms", &out->step_cost_ms_min,
                         &out->step_cost_ms_max));
  }
  if (json.contains(kTaskRepeats)) {
    LOGACT_ASSIGN_OR_RETURN(out->task_repeats,
                            ReadInteger(json.at(kTaskRepeats), "options.task_repeats"));
  }
  if (json.contains(kStateRecords)) {
    if (!json.at(kStateRecords).is_boolean()) {
      return TypeError("options.state_records", "a boolean");
    }
    out->state_records = json.at(kStateRecords).get<bool>();
  }
  if (json.contains(kLlm)) LOGACT_TRY(ReadLlmOptions(json.at(kLlm), &out->llm));
  if (json.contains(kTestStreamDraws)) LOGACT_TRY(ReadStreamDraws(json.at(kTestStreamDraws), out));
  if (json.contains(kFaults)) {
    Result<FaultPlan> faults = FaultPlanFromJson(json.at(kFaults));
    if (!faults.has_value()) return InvalidArgumentError("options." + faults.error().message());
    out->faults = *std::move(faults);
  }
  if (json.contains(kFaultSchedule)) {
    Result<FaultSchedule> schedule = FaultScheduleFromJson(json.at(kFaultSchedule));
    if (!schedule.has_value()) return InvalidArgumentError("options." + schedule.error().message());
    out->fault_schedule = *std::move(schedule);
  }
  return Status::Ok();
}

}  // namespace

Status ValidateSimOptions(const SimOptions& options) {
  if (options.scenario.empty()) return InvalidArgumentError("scenario: must not be empty");
  if (options.steps_max < 1 || options.steps_max > limits::kSimStepsMax) {
    return InvalidArgumentError("steps_max: must be between 1 and " +
                                std::to_string(limits::kSimStepsMax));
  }
  LOGACT_TRY(CheckRange(options.step_cost_ms_min, options.step_cost_ms_max, "step_cost_ms"));
  // Every round takes at least one step, so more rounds than steps can never finish.
  if (options.task_repeats < 1 ||
      static_cast<uint64_t>(options.task_repeats) > limits::kSimStepsMax) {
    return InvalidArgumentError("task_repeats: must be between 1 and " +
                                std::to_string(limits::kSimStepsMax));
  }
  const MockLlmOptions& llm = options.llm;
  LOGACT_TRY(CheckRange(llm.latency_ms_min, llm.latency_ms_max, "llm.latency_ms"));
  LOGACT_TRY(CheckRatio(llm.malformed_rate, "llm.malformed_rate"));
  LOGACT_TRY(CheckRatio(llm.hallucinated_tool_rate, "llm.hallucinated_tool_rate"));
  LOGACT_TRY(CheckRatio(llm.refusal_rate, "llm.refusal_rate"));
  LOGACT_TRY(CheckRatio(llm.failure_rate, "llm.failure_rate"));
  LOGACT_TRY(CheckRatio(llm.voter_error_rate, "llm.voter_error_rate"));
  if (llm.attack_rate) LOGACT_TRY(CheckRatio(*llm.attack_rate, "llm.attack_rate"));
  for (const std::string& marker : llm.taint_markers) {
    if (marker.empty()) return InvalidArgumentError("llm.taint_markers: a marker is empty");
  }
  for (size_t i = 0; i < kFaultKindCount; ++i) {
    LOGACT_TRY(CheckRatio(options.faults.rates[i],
                          "faults." + std::string(FaultKindName(static_cast<FaultKind>(i)))));
  }
  if (options.faults.safety_phase_ms <= 0) {
    return InvalidArgumentError("faults.safety_phase_ms: must be > 0");
  }
  return Status::Ok();
}

Json SimOptionsToJson(const SimOptions& options) {
  const MockLlmOptions& llm_options = options.llm;
  Json llm = Json::object();
  llm[kLatencyMs] = RangeJson(llm_options.latency_ms_min, llm_options.latency_ms_max);
  llm[kMalformedRate] = RatioJson(llm_options.malformed_rate);
  llm[kHallucinatedToolRate] = RatioJson(llm_options.hallucinated_tool_rate);
  llm[kRefusalRate] = RatioJson(llm_options.refusal_rate);
  llm[kFailureRate] = RatioJson(llm_options.failure_rate);
  llm[kVoterErrorRate] = RatioJson(llm_options.voter_error_rate);
  llm[kAttackRate] = llm_options.attack_rate ? RatioJson(*llm_options.attack_rate) : Json();
  llm[kTaintMarkers] = llm_options.taint_markers;
  llm[kCassette] = llm_options.cassette;
  Json json = Json::object();
  json[kStepsMax] = options.steps_max;
  json[kStepCostMs] = RangeJson(options.step_cost_ms_min, options.step_cost_ms_max);
  json[kTaskRepeats] = options.task_repeats;
  json[kStateRecords] = options.state_records;
  json[kLlm] = std::move(llm);
  if (!options.TEST_stream_draws.empty()) {
    Json draws = Json::array();
    for (const auto& [name, count] : options.TEST_stream_draws) {
      draws.push_back(Json::array({name, count}));
    }
    json[kTestStreamDraws] = std::move(draws);
  }
  // Written only when some fault is on, so fault-free headers stay as before.
  if (!options.faults.IsNone()) json[kFaults] = FaultPlanToJson(options.faults);
  if (options.fault_schedule) json[kFaultSchedule] = FaultScheduleToJson(*options.fault_schedule);
  return json;
}

traces::TraceHeader SimHeader(const SimOptions& options) {
  traces::TraceHeader header;
  header.version = traces::kTraceVersion;
  header.seed = options.seed;
  header.scenario = options.scenario;
  header.source = std::string(traces::kSourceSim);
  header.extra = Json::object();
  header.extra[kOptions] = SimOptionsToJson(options);
  return header;
}

Result<SimOptions> SimOptionsFromHeader(const traces::TraceHeader& header) {
  if (header.source != traces::kSourceSim) {
    return InvalidArgumentError("field 'source': only a \"sim\" trace can be replayed, got \"" +
                                header.source + "\"");
  }
  if (!header.seed) return InvalidArgumentError("field 'seed': a sim trace needs a seed");
  if (!header.scenario) return InvalidArgumentError("field 'scenario': a sim trace needs one");
  SimOptions options;
  options.seed = *header.seed;
  options.scenario = *header.scenario;
  if (header.extra.is_object() && header.extra.contains(kOptions)) {
    LOGACT_TRY(ReadOptions(header.extra.at(kOptions), &options));
  }
  LOGACT_TRY(ValidateSimOptions(options));
  return options;
}

}  // namespace logact::sim
