#include "sim/fault_plan.h"

#include <exception>
#include <utility>

#include "core/assert.h"
#include "sim/rng.h"

namespace logact::sim {
namespace {

// Persisted: do not rename. Indexed by FaultKind.
constexpr std::array<std::string_view, kFaultKindCount> kNames = {
    "crash_driver",     "crash_voter",       "crash_decider", "crash_executor",   "crash_mid_step",
    "duplicate_driver", "duplicate_decider", "tool_fail",     "tool_timeout",     "tool_slow",
    "tool_retry",       "llm_latency",       "llm_malformed", "llm_hallucinated", "llm_injection",
    "llm_refusal",      "llm_failure",       "policy_change", "clock_jump",       "append_fail",
    "append_delay",     "append_timeout",    "torn_write",    "lost_unacked",
};
static_assert(static_cast<size_t>(FaultKind::kLostUnacked) + 1 == kFaultKindCount);

constexpr uint64_t kMaxDecimals = 9;  // 10^9 fits a uint64 denominator with room

// The rates of the "light" preset, one per kind, as 1/d (0: off). Chosen so
// that a bank task (a few hundred steps, ~10 tool and LLM calls) usually sees
// one or two faults; "heavy" divides every d by 5.
constexpr std::array<uint64_t, kFaultKindCount> kLightDenominators = {
    400,   // crash_driver
    400,   // crash_voter
    400,   // crash_decider
    400,   // crash_executor
    200,   // crash_mid_step
    4000,  // duplicate_driver
    4000,  // duplicate_decider
    50,    // tool_fail
    100,   // tool_timeout
    20,    // tool_slow
    50,    // tool_retry
    20,    // llm_latency
    50,    // llm_malformed
    100,   // llm_hallucinated
    0,     // llm_injection: the scenario's own attack rate stays in charge
    100,   // llm_refusal
    50,    // llm_failure
    2000,  // policy_change
    500,   // clock_jump
    200,   // append_fail
    50,    // append_delay
    400,   // append_timeout
    400,   // torn_write
    400,   // lost_unacked
};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

Result<uint64_t> ParseDigits(std::string_view digits, std::string_view whole) {
  if (digits.empty() || digits.size() > 18) {
    return InvalidArgumentError("bad number '" + std::string(whole) + "'");
  }
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return InvalidArgumentError("bad number '" + std::string(whole) + "'");
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

Status ApplyOverride(std::string_view item, FaultPlan* plan) {
  const size_t eq = item.find('=');
  if (eq == std::string_view::npos) {
    return InvalidArgumentError("faults: expected kind=rate, got '" + std::string(item) + "'");
  }
  const std::string_view key = Trim(item.substr(0, eq));
  const std::string_view value = Trim(item.substr(eq + 1));
  if (key == "safety_phase_ms") {
    LOGACT_ASSIGN_OR_RETURN(uint64_t ms, ParseDigits(value, value));
    if (ms == 0) return InvalidArgumentError("faults: safety_phase_ms must be > 0");
    plan->safety_phase_ms = static_cast<int64_t>(ms);
    return Status::Ok();
  }
  Result<Ratio> rate = ParseRate(value);
  if (!rate.has_value()) {
    return InvalidArgumentError("faults: " + std::string(key) + ": " + rate.error().message());
  }
  if (key == "crash") {
    for (FaultKind kind : {FaultKind::kCrashDriver, FaultKind::kCrashVoter,
                           FaultKind::kCrashDecider, FaultKind::kCrashExecutor}) {
      plan->set_rate(kind, *rate);
    }
    return Status::Ok();
  }
  Result<FaultKind> kind = FaultKindFromName(key);
  if (!kind.has_value()) {
    return InvalidArgumentError("faults: unknown fault kind '" + std::string(key) + "'");
  }
  plan->set_rate(*kind, *rate);
  return Status::Ok();
}

}  // namespace

std::string_view FaultKindName(FaultKind kind) {
  const size_t index = static_cast<size_t>(kind);
  LOGACT_ASSERT_LT(index, kFaultKindCount);
  return kNames[index];
}

Result<FaultKind> FaultKindFromName(std::string_view name) {
  for (size_t i = 0; i < kFaultKindCount; ++i) {
    if (kNames[i] == name) return static_cast<FaultKind>(i);
  }
  return NotFoundError("unknown fault kind '" + std::string(name) + "'");
}

std::string FaultStreamName(FaultKind kind) { return "fault." + std::string(FaultKindName(kind)); }

bool IsStorageFault(FaultKind kind) {
  return static_cast<int>(kind) >= static_cast<int>(FaultKind::kAppendFail);
}

bool FaultPlan::IsNone() const {
  for (const Ratio& rate : rates) {
    if (!rate.IsZero()) return false;
  }
  return true;
}

Result<FaultPlan> FaultPreset(std::string_view name) {
  FaultPlan plan;
  plan.source = std::string(name);
  if (name == "none") return plan;
  uint64_t divisor = 0;
  if (name == "light") divisor = 1;
  if (name == "heavy") divisor = 5;
  if (divisor == 0) return NotFoundError("unknown fault preset '" + std::string(name) + "'");
  for (size_t i = 0; i < kFaultKindCount; ++i) {
    if (kLightDenominators[i] == 0) continue;
    plan.rates[i] = Ratio{1, kLightDenominators[i] / divisor};
  }
  return plan;
}

FaultPlan DrawSwarmFaults(uint64_t seed) {
  Rng rng = SeedStreams(seed).Stream("fault.swarm");
  FaultPlan plan;
  plan.source = "swarm";
  for (size_t i = 0; i < kFaultKindCount; ++i) {
    // Every kind draws the same number of values, kept or not, so the choice
    // for one kind never depends on another's.
    const bool keep = rng.Chance(Ratio{1, 2});
    const uint64_t scale = static_cast<uint64_t>(rng.UniformInRange(1, 25));
    if (!keep || kLightDenominators[i] == 0) continue;
    // From 5x lighter than "light" to 5x heavier than "heavy", on a 1/d scale.
    const uint64_t denominator = kLightDenominators[i] * 5 / scale;
    plan.rates[i] = Ratio{1, denominator == 0 ? 1 : denominator};
  }
  return plan;
}

Result<Ratio> ParseRate(std::string_view text) {
  text = Trim(text);
  const size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    LOGACT_ASSIGN_OR_RETURN(uint64_t n, ParseDigits(text.substr(0, slash), text));
    LOGACT_ASSIGN_OR_RETURN(uint64_t d, ParseDigits(text.substr(slash + 1), text));
    if (d == 0 || n > d)
      return InvalidArgumentError("rate '" + std::string(text) + "' not in [0,1]");
    return Ratio{n, d};
  }
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return InvalidArgumentError("empty rate");
  if (fraction.size() > kMaxDecimals) {
    return InvalidArgumentError("rate '" + std::string(text) + "' has more than 9 decimals");
  }
  uint64_t integer = 0;
  if (!whole.empty()) {
    LOGACT_ASSIGN_OR_RETURN(integer, ParseDigits(whole, text));
  }
  uint64_t numerator = 0;
  if (!fraction.empty()) {
    LOGACT_ASSIGN_OR_RETURN(numerator, ParseDigits(fraction, text));
  }
  uint64_t denominator = 1;
  for (size_t i = 0; i < fraction.size(); ++i) denominator *= 10;
  if (integer > 1 || (integer == 1 && numerator != 0)) {
    return InvalidArgumentError("rate '" + std::string(text) + "' not in [0,1]");
  }
  numerator += integer * denominator;
  // Reduce by common factors of 2 and 5, the only factors of 10^k.
  for (uint64_t p : {2u, 5u}) {
    while (denominator % p == 0 && numerator % p == 0) {
      denominator /= p;
      numerator /= p;
    }
  }
  if (numerator == 0) denominator = 1;
  return Ratio{numerator, denominator};
}

Result<FaultPlan> ParseFaultPlan(std::string_view text, uint64_t seed) {
  text = Trim(text);
  if (text.empty()) return InvalidArgumentError("faults: empty");
  std::string_view rest = text;
  const size_t comma = text.find(',');
  const std::string_view first = Trim(text.substr(0, comma));
  FaultPlan plan;
  if (first.find('=') == std::string_view::npos) {
    if (first == "swarm") {
      plan = DrawSwarmFaults(seed);
    } else {
      Result<FaultPlan> preset = FaultPreset(first);
      if (!preset.has_value()) return InvalidArgumentError("faults: " + preset.error().message());
      plan = *std::move(preset);
    }
    rest = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  while (!rest.empty()) {
    const size_t next = rest.find(',');
    const std::string_view item = Trim(rest.substr(0, next));
    if (item.empty())
      return InvalidArgumentError("faults: empty item in '" + std::string(text) + "'");
    LOGACT_TRY(ApplyOverride(item, &plan));
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
  }
  plan.source = std::string(text);
  return plan;
}

Json FaultPlanToJson(const FaultPlan& plan) {
  Json rates = Json::object();
  for (size_t i = 0; i < kFaultKindCount; ++i) {
    if (plan.rates[i].IsZero()) continue;
    rates[std::string(kNames[i])] =
        Json::array({plan.rates[i].numerator, plan.rates[i].denominator});
  }
  Json json = Json::object();
  json["source"] = plan.source;
  json["safety_phase_ms"] = plan.safety_phase_ms;
  json["rates"] = std::move(rates);
  return json;
}

Result<FaultPlan> FaultPlanFromJson(const Json& json) {
  try {
    FaultPlan plan;
    if (!json.is_object()) return InvalidArgumentError("faults: not an object");
    if (json.contains("source")) plan.source = json.at("source").get<std::string>();
    if (json.contains("safety_phase_ms")) {
      plan.safety_phase_ms = json.at("safety_phase_ms").get<int64_t>();
      if (plan.safety_phase_ms <= 0) return InvalidArgumentError("faults.safety_phase_ms <= 0");
    }
    if (!json.contains("rates")) return plan;
    for (const auto& [name, value] : json.at("rates").items()) {
      Result<FaultKind> kind = FaultKindFromName(name);
      if (!kind.has_value()) return InvalidArgumentError("faults.rates: " + kind.error().message());
      if (!value.is_array() || value.size() != 2) {
        return InvalidArgumentError("faults.rates." + name + ": expected [n,d]");
      }
      const Ratio ratio{value[0].get<uint64_t>(), value[1].get<uint64_t>()};
      if (ratio.denominator == 0 || ratio.numerator > ratio.denominator) {
        return InvalidArgumentError("faults.rates." + name + ": not in [0,1]");
      }
      plan.set_rate(*kind, ratio);
    }
    return plan;
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("faults: ") + e.what());
  }
}

}  // namespace logact::sim
