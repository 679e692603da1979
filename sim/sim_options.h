// SimOptions: every setting of a simulation run, and its trace-header form.
//
// One struct holds the simulator settings and the fault rates, each field
// documented with its unit and default (STYLE.md §7). The trace header of a
// simulator run carries all of them under "options", so that `logact replay`
// can rebuild the exact options from the header alone (SimOptionsFromHeader)
// and rerun the seed. Ratios are written as [numerator, denominator].
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "sim/fault_plan.h"
#include "sim/fault_schedule.h"
#include "sim/mock_llm.h"
#include "traces/trace_record.h"

namespace logact::sim {

// Every setting of a run. A field's JSON name in the header's "options"
// object is given in brackets.
struct SimOptions {
  // The seed every stream derives from. Default 0.
  uint64_t seed = 0;
  // The built-in scenario to run (models/scenario.h). Default "bank-pay-bill".
  std::string scenario = "bank-pay-bill";
  // [steps_max] Component steps before the run is declared stuck (a liveness
  // failure naming what is pending). Clock jumps count too. Default one
  // million (a bank task takes a few hundred); at most limits::kSimStepsMax.
  uint64_t steps_max = 1'000'000;
  // [step_cost_ms] Virtual ms charged per step, uniform in [min, max] from the
  // scheduler stream. Default 1..3 ms: a component's local work is cheap
  // next to a model call (hundreds of ms). Both >= 0, min <= max.
  int64_t step_cost_ms_min = 1;
  int64_t step_cost_ms_max = 3;
  // [task_repeats] How many times the scenario's tasks run back to back: the
  // mail is delivered again (at the same offsets) once the previous round's
  // final outputs are on the log, and the mock LLM starts its plan over.
  // Benchmarks use it to generate millions of entries. Default 1, >= 1.
  int64_t task_repeats = 1;
  // [state_records] Emit `state` records (env and components) at the end.
  // Default true; off only for benchmarks measuring the loop alone.
  bool state_records = true;
  // [llm] The mock LLM's latency, fault rates, attack override and cassette,
  // as {"latency_ms":[min,max],"malformed_rate":[n,d],"hallucinated_tool_rate":..,
  // "refusal_rate":..,"failure_rate":..,"voter_error_rate":..,"attack_rate":[n,d]|null,
  // "taint_markers":[..],"cassette":[..]} (units and defaults: sim/mock_llm.h).
  MockLlmOptions llm;
  // [faults] The faults injected in the safety phase, their rates and the
  // phase's length (sim/fault_plan.h). Default: none. Written to the header
  // only when some rate is non-zero. The LLM kinds override the matching
  // `llm` rates when non-zero.
  FaultPlan faults;
  // [fault_schedule] Replay mode (sim/fault_schedule.h): when set, the
  // injector fires exactly the schedulable faults listed (for the kinds the
  // plan turns on) instead of drawing them; `logact shrink` writes it. Unset
  // by default; written to the header only when set, in the schedule's
  // persisted form.
  std::optional<FaultSchedule> fault_schedule;
  // Whether the run lists the scheduler's non-default choices in
  // SimReport::fault_schedule.choices, which only the shrinker reads
  // (sim/shrinker.h sets it for every run it judges). Off, the run does
  // exactly the same and the list is unset, saving a record per choice (a
  // long run makes one every few steps). Not in the header: it changes no
  // record of the run. Default false.
  bool record_choices = false;
  // [test_stream_draws] Test hook: draws this many values from each named
  // stream before the run starts, to prove that streams are independent.
  // Empty by default; written to the header only when non-empty.
  std::vector<std::pair<std::string, uint64_t>> TEST_stream_draws;
};

// OK if the options are usable. Errors: kInvalidArgument naming the field.
Status ValidateSimOptions(const SimOptions& options);

// The header of a simulator trace: format, version, seed, scenario, source
// "sim" and extra {"options":{...}} holding every field above.
traces::TraceHeader SimHeader(const SimOptions& options);
// The "options" object of SimHeader.
Json SimOptionsToJson(const SimOptions& options);

// The inverse of SimHeader: the options that reproduce the run. Fields
// missing from "options" take their defaults (a header written by an older
// version stays replayable). Errors: kInvalidArgument naming the field (for a
// missing seed or scenario, a source other than "sim", an ill-typed option).
Result<SimOptions> SimOptionsFromHeader(const traces::TraceHeader& header);

}  // namespace logact::sim
