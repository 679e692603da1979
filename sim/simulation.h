// Simulation: one deterministic run of a scenario (SPEC §4).
//
// A run builds, from SimOptions alone:
//  - a virtual clock (sim/sim_clock.h) and a memory AgentBus on it, wrapped by
//    a recorder that reports every successful append to the trace sinks as an
//    entry record;
//  - the scenario's environment, wrapped so that every executed tool call is
//    reported as an effect record {ts, intent, executor, tool, args} before
//    the executor appends its result;
//  - the initial policy (appended by admin/root at t=0), the scenario's mail
//    (appended by external/<from> at its at_ms), and the components: driver
//    "agent", one voter per scenario VoterSpec (rule voters from their
//    document, LLM voters on the mock LLM), decider "d0", executor "x0";
// then runs the event loop: at each step it collects the components that
// have work, lets the seeded scheduler pick one, steps it, and charges a
// seeded step cost in virtual ms. When nothing is ready it jumps the clock to
// the earliest timer or mail. The run ends when every task's final output is
// on the log and nothing is ready or pending, or at the step limit (a
// liveness failure naming what is pending). At the end it records a `state`
// record for the environment ("env") and for every component.
//
// Every random decision is drawn from a named stream of the seed
// (sim/rng.h): "scheduler" (which component steps, step costs), "llm.*" (the
// mock LLM, sim/mock_llm.h). Same options + same binary => byte-identical
// records, on any machine. The trace header carries every option that
// affects the run, so `logact replay` can rebuild the options from it
// (SimOptionsFromHeader).
//
// Performance: without sinks no record is built; the loop itself allocates
// nothing per step and never scans the log.
//
// Thread-safety: none; independent simulations may run on separate threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/mock_llm.h"
#include "sim/sim_hooks.h"
#include "sim/sim_options.h"
#include "traces/trace_record.h"

namespace logact::models {
struct Scenario;
}  // namespace logact::models

namespace logact::sim {

// What a run did, independent of the sinks it fed: a CLI report and the
// tests need nothing else.
struct SimReport {
  uint64_t seed = 0;
  std::string scenario;
  uint64_t steps = 0;           // component steps taken
  uint64_t clock_jumps = 0;     // times the clock jumped to the next event
  int64_t virtual_time_ms = 0;  // the clock at the end
  int64_t idle_time_ms = 0;     // of which skipped by jumps
  int64_t entries = 0;          // bus entries appended (the final tail)
  int64_t mails = 0;            // mail entries delivered
  int64_t inferences = 0;       // inf_out entries
  int64_t intents = 0;
  int64_t votes = 0;
  int64_t commits = 0;
  int64_t aborts = 0;
  int64_t timeout_aborts = 0;
  int64_t results = 0;                 // including restart markers
  int64_t outputs = 0;                 // output entries (final answers)
  int64_t effects = 0;                 // tool calls executed
  int64_t injected_intents = 0;        // intents proposing one of scenario.injected_actions
  int64_t injected_aborted = 0;        // ... whose decision was an abort
  int64_t injected_effects = 0;        // ... that were executed (a safety failure)
  int64_t forbidden_effects = 0;       // executed actions the safety spec forbids
  int64_t step_errors = 0;             // Step() calls that returned an error
  std::string first_step_error;        // "<principal>: <status>" of the first one
  MockLlmStats llm;                    // calls, failures, tokens
  int64_t tasks_expected = 0;          // final outputs the run waits for
  bool finished = false;               // every task's output is on the log, all quiet
  bool within_liveness_bound = false;  // finished within scenario bound x repeats
  // Empty iff finished; otherwise why not and what is pending, e.g.
  // "step limit 1000 reached; pending: driver/agent has work; intent 12 undecided".
  std::string liveness_failure;
  std::string env_digest;  // the environment's final StateDigest()
  // Faults (sim/fault_plan.h): injected faults by kind name.
  std::map<std::string, int64_t> faults_injected;
  // The same faults one by one, as a schedule that replays them
  // (sim/fault_schedule.h; what `logact shrink` minimises).
  FaultSchedule fault_schedule;
  // How often each named recovery path ran: "replay_from_zero" (a restart),
  // "crash_mid_step", "executor_restart_after_effect" (the executor crashed
  // with a committed intent without result), "executor_probe_reproposed" /
  // "executor_probe_skipped" (after the restart marker the model probed the
  // environment and re-proposed the action, or found it applied and skipped
  // it), "driver_fenced" / "executor_fenced" (an instance stopped because a
  // newer one took over; deciders are never fenced, see AfterStep),
  // "duplicate_driver", "duplicate_decider", "torn_write", "unacked_write",
  // "lost_unacked" (storage), ... Swarm aggregates them.
  std::map<std::string, int64_t> recovery_paths;
  int64_t restarts = 0;  // component restarts after a crash
  // REC-STATE, judged live: after each restart, once the component caught up,
  // its digest is compared with a crash-free replica that replayed the same prefix.
  int64_t rec_state_checks = 0;
  std::vector<std::string> rec_state_failures;  // one line per mismatch
  // Virtual ms at which the liveness phase began (faults stopped); the
  // liveness bound counts from here.
  int64_t liveness_start_ms = 0;
};

// Runs one simulation, feeding every record to each sink in order (the
// header first). Sinks may be empty; they are not owned. `hooks` (tests
// only, sim/sim_hooks.h) replace components or wrap the storage bus; they
// are used at boot and on every restart.
// Errors: kNotFound (unknown scenario), kInvalidArgument (bad options),
// kInternal (the scenario's setup was rejected by the bus: our bug). A run
// that does not finish is not an error: see SimReport::liveness_failure.
Result<SimReport> RunSimulation(const SimOptions& options,
                                const std::vector<traces::TraceSink*>& sinks,
                                const SimHooks& hooks = {});

// The same for a scenario that need not be built in: a user's environment
// model, tasks, voters and safety spec (models/scenario.h), run in full by
// the simulator. options.scenario is ignored: the run and its trace header
// name scenario.name. `scenario` is not owned and must outlive the call.
// `logact replay` finds scenarios by name, so it can rerun such a trace only
// for a built-in scenario; rerun it with this function instead.
// Errors: kInvalidArgument (bad options, a scenario without
// make_environment or with an empty name), kInternal (its initial policy or
// voters were rejected).
Result<SimReport> RunSimulation(const SimOptions& options, const models::Scenario& scenario,
                                const std::vector<traces::TraceSink*>& sinks,
                                const SimHooks& hooks = {});

}  // namespace logact::sim
