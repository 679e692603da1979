// FaultSchedule: the decisions of one run as an explicit list (the faults it
// injected and the scheduler's choices), so that a run can be replayed with
// only some of them (the shrinker's "decisions", SPEC §4 and issue 4 item 5).
//
// A fault is identified by its kind, its *site* (the principal whose call or
// append it hits, e.g. "voter/guard" for an LLM failure or "driver/agent" for
// a storage fault on the driver's append; empty for the between-step kinds)
// and its *opportunity*: the 0-based ordinal of the injector's opportunities
// of that (kind, site) that could have drawn (rate non-zero; safety phase for
// the injector's own kinds, every write while the storage kind is on for the
// storage kinds). The n-th opportunity is asked for at the same place of a run
// as long as the run is the same up to there, so (kind, site, opportunity)
// names the fault in the original run and stays a well-defined decision in
// any variant of it. Counting per site keeps a decision stable when a fault
// elsewhere is removed: the voter's 3rd model call stays its 3rd call when the
// driver's failed call before it is gone. Alongside, each fault keeps the
// magnitudes drawn for it (`draws`: which component crashed, how long a clock
// jump or a storage delay is, before or after the append, whether a timed-out
// write was stored, how much of a torn write survived), so that a replayed
// fault has the same shape even though the kind's random stream is not
// consulted in replay.
//
// Storage faults (append_fail, ..., lost_unacked) are drawn by the simulated
// storage bus from its own streams; the bus passes every draw through the
// injector's gate (StorageFaultGate, sim/simulated_bus.h), which counts their
// opportunities and, in replay mode, decides them from the schedule exactly
// like the other kinds.
//
// Scheduling choices: a *scheduling point* is a step at which more than one
// component is ready; the scheduler picks one by index into the ready list
// (slot order). Index 0, the first ready component, is the *default* choice.
// A run records every non-default choice as {point, pick}. When a schedule
// has `choices`, the scheduler still draws its stream exactly as before (step
// costs come from it too), but at point k picks the listed index (clamped to
// the ready list) or, for an unlisted point, the default. Without `choices`
// the stream's pick stands. Removing a choice from the list replaces it by the
// default: the shrinker's second kind of decision.
//
// Replay mode (SimOptions::fault_schedule set): at each opportunity the
// injector fires iff (kind, site, opportunity) is in the schedule, and its
// draws come from the schedule (clamped into the asked range). Every other
// random stream (scheduler, mock LLM, the storage streams) is drawn exactly
// as in a normal run, so replaying a run's complete schedule reproduces the
// run record for record, and a subset of it is the same run without the
// removed decisions.
//
// `ts` and `target` describe where the decision hit in the run that recorded
// it; replay ignores them (a variant of the run may hit elsewhere).
//
// Persisted form (schedule files and trace headers; do not rename fields):
// {"format":"logact-fault-schedule","version":2,"faults":[{"kind":"crash_driver",
//  "site":"","opportunity":12,"draws":[0],"ts":340,"target":"driver/agent"},...],
//  "choices":[{"point":3,"pick":1,"ts":120,"target":"voter/guard"},...]}
// "choices" is absent when the scheduler's stream decides. Version 1 (before
// storage faults and choices were scheduled) is refused: its storage faults
// were drawn, not listed, so it would replay a different run.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "sim/fault_plan.h"

namespace logact::sim {

// The opportunity of a fault recorded without an opportunity (a fault that no
// gate decided; none in this version, kept so that such a fault stays describable).
inline constexpr int64_t kUnscheduled = -1;
// Persisted: the "format" of a schedule document.
inline constexpr char kFaultScheduleFormat[] = "logact-fault-schedule";
inline constexpr int64_t kFaultScheduleVersion = 2;

struct ScheduledFault {
  FaultKind kind = FaultKind::kCrashDriver;
  // The principal whose call or append the fault hits; empty for step faults.
  std::string site;
  // 0-based ordinal of the kind's opportunities, or kUnscheduled.
  int64_t opportunity = kUnscheduled;
  // The magnitudes drawn for the fault (FaultInjector::Draw), in order.
  std::vector<int64_t> draws;
  // Display only: virtual ms and target where the recording run injected it.
  int64_t ts = 0;
  std::string target;

  // Whether replay can choose it (an opportunity decided it).
  bool Schedulable() const { return opportunity != kUnscheduled; }
  friend bool operator==(const ScheduledFault&, const ScheduledFault&) = default;
};

// One non-default choice of the scheduler (see above).
struct SchedulingChoice {
  // 0-based ordinal of the run's scheduling points (steps with > 1 ready component).
  int64_t point = 0;
  // Index into the ready list, in slot order; >= 1 (0 is the default).
  int64_t pick = 1;
  // Display only: virtual ms and the component stepped in the recording run.
  int64_t ts = 0;
  std::string target;
  friend bool operator==(const SchedulingChoice&, const SchedulingChoice&) = default;
};

struct FaultSchedule {
  // In the order the faults were injected.
  std::vector<ScheduledFault> faults;
  // Ascending by point. Unset: the scheduler's stream picks.
  std::optional<std::vector<SchedulingChoice>> choices;
  friend bool operator==(const FaultSchedule&, const FaultSchedule&) = default;
};

// The persisted form above.
Json FaultScheduleToJson(const FaultSchedule& schedule);
// The inverse. Errors: kInvalidArgument naming the field (wrong format or
// version, unknown kind, ill-typed field, a negative opportunity other than
// kUnscheduled, more than limits::kFaultScheduleFaultsMax faults or choices, a
// schedulable fault listed twice, choices not strictly ascending by point or
// with a pick < 1).
Result<FaultSchedule> FaultScheduleFromJson(const Json& json);

// "crash_driver#12@340ms->driver/agent": one line of a report.
std::string DescribeFault(const ScheduledFault& fault);
// "choice#3@120ms->voter/guard (ready index 1)".
std::string DescribeChoice(const SchedulingChoice& choice);

}  // namespace logact::sim
