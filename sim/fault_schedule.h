// FaultSchedule: the faults of one run as an explicit list, so that a run can
// be replayed with only some of them (the shrinker's "decisions", SPEC §4 and
// issue 4 item 5).
//
// A fault drawn by the FaultInjector (sim/fault_injector.h) is identified by
// its kind, its *site* (the principal whose call or append it hits, e.g.
// "voter/guard" for an LLM failure; empty for the between-step kinds) and its
// *opportunity*: the 0-based ordinal of the injector's Fires(kind, site) calls
// that could have drawn (rate non-zero, safety phase). The n-th opportunity is
// asked for at the same place of a run as long as the run is the same up to
// there, so (kind, site, opportunity) names the fault in the original run and
// stays a well-defined decision in any variant of it. Counting per site keeps
// a decision stable when a fault elsewhere is removed: the voter's 3rd model
// call stays its 3rd call when the driver's failed call before it is gone.
// Alongside, each fault keeps the magnitudes drawn for it (`draws`: which
// component crashed, how long a clock jump is, before or after the append),
// so that a replayed fault has the same shape even though the kind's random
// stream is not consulted in replay.
//
// Replay mode (SimOptions::fault_schedule set): at each opportunity the
// injector fires iff (kind, opportunity) is in the schedule, and its draws
// come from the schedule (clamped into the asked range). Every other random
// stream (scheduler, mock LLM, storage) is drawn exactly as in a normal run,
// so replaying a run's complete schedule reproduces the run record for
// record, and a subset of it is the same run without the removed faults.
// Storage faults (append_fail, ..., lost_unacked) are drawn by the simulated
// storage bus, not by Fires: they have opportunity kUnscheduled, are not
// matched in replay, and keep happening as the storage streams say (they are
// not shrinkable; docs/shrinking.md).
//
// `ts` and `target` describe where the fault hit in the run that recorded it;
// replay ignores them (a variant of the run may hit elsewhere).
//
// Persisted form (schedule files and trace headers; do not rename fields):
// {"format":"logact-fault-schedule","version":1,"faults":[{"kind":"crash_driver",
//  "site":"","opportunity":12,"draws":[0],"ts":340,"target":"driver/agent"},...]}
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "sim/fault_plan.h"

namespace logact::sim {

// The opportunity of a fault that no Fires call drew (storage faults).
inline constexpr int64_t kUnscheduled = -1;
// Persisted: the "format" of a schedule document.
inline constexpr char kFaultScheduleFormat[] = "logact-fault-schedule";
inline constexpr int64_t kFaultScheduleVersion = 1;

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

  // Whether replay can choose it (it was drawn by Fires).
  bool Schedulable() const { return opportunity != kUnscheduled; }
  friend bool operator==(const ScheduledFault&, const ScheduledFault&) = default;
};

struct FaultSchedule {
  // In the order the faults were injected.
  std::vector<ScheduledFault> faults;
  friend bool operator==(const FaultSchedule&, const FaultSchedule&) = default;
};

// The persisted form above.
Json FaultScheduleToJson(const FaultSchedule& schedule);
// The inverse. Errors: kInvalidArgument naming the field (wrong format or
// version, unknown kind, ill-typed field, a negative opportunity other than
// kUnscheduled, more than limits::kFaultScheduleFaultsMax faults, a
// schedulable fault listed twice).
Result<FaultSchedule> FaultScheduleFromJson(const Json& json);

// "crash_driver#12@340ms->driver/agent": one line of a report.
std::string DescribeFault(const ScheduledFault& fault);

}  // namespace logact::sim
