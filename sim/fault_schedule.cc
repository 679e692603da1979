#include "sim/fault_schedule.h"

#include <set>
#include <tuple>
#include <utility>

#include "core/limits.h"

namespace logact::sim {
namespace {

Status FieldError(const std::string& field, const std::string& expected) {
  return InvalidArgumentError("fault schedule: field '" + field + "': expected " + expected);
}

Result<int64_t> ReadInt(const Json& object, const char* key, const std::string& path) {
  if (!object.contains(key)) return FieldError(path + key, "an integer (missing)");
  const Json& value = object.at(key);
  if (!value.is_number_integer()) return FieldError(path + key, "an integer");
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return FieldError(path + key, "an integer below 2^63");
  }
  return value.get<int64_t>();
}

Result<ScheduledFault> ReadFault(const Json& item, const std::string& path) {
  if (!item.is_object()) return FieldError(path, "an object");
  ScheduledFault fault;
  if (!item.contains("kind") || !item.at("kind").is_string()) {
    return FieldError(path + ".kind", "a fault kind name");
  }
  Result<FaultKind> kind = FaultKindFromName(item.at("kind").get<std::string>());
  if (!kind.has_value()) return FieldError(path + ".kind", "a fault kind name");
  fault.kind = *kind;
  if (item.contains("site")) {
    if (!item.at("site").is_string()) return FieldError(path + ".site", "a string");
    fault.site = item.at("site").get<std::string>();
  }
  LOGACT_ASSIGN_OR_RETURN(fault.opportunity, ReadInt(item, "opportunity", path + "."));
  if (fault.opportunity < kUnscheduled) {
    return FieldError(path + ".opportunity", ">= 0 (or -1: unscheduled)");
  }
  if (item.contains("draws")) {
    const Json& draws = item.at("draws");
    if (!draws.is_array()) return FieldError(path + ".draws", "an array of integers");
    for (const Json& draw : draws) {
      if (!draw.is_number_integer()) return FieldError(path + ".draws", "an array of integers");
      fault.draws.push_back(draw.get<int64_t>());
    }
  }
  if (item.contains("ts")) {
    LOGACT_ASSIGN_OR_RETURN(fault.ts, ReadInt(item, "ts", path + "."));
  }
  if (item.contains("target")) {
    if (!item.at("target").is_string()) return FieldError(path + ".target", "a string");
    fault.target = item.at("target").get<std::string>();
  }
  return fault;
}

Result<SchedulingChoice> ReadChoice(const Json& item, const std::string& path) {
  if (!item.is_object()) return FieldError(path, "an object");
  SchedulingChoice choice;
  LOGACT_ASSIGN_OR_RETURN(choice.point, ReadInt(item, "point", path + "."));
  if (choice.point < 0) return FieldError(path + ".point", ">= 0");
  LOGACT_ASSIGN_OR_RETURN(choice.pick, ReadInt(item, "pick", path + "."));
  if (choice.pick < 1) return FieldError(path + ".pick", ">= 1 (0 is the default, not listed)");
  if (item.contains("ts")) {
    LOGACT_ASSIGN_OR_RETURN(choice.ts, ReadInt(item, "ts", path + "."));
  }
  if (item.contains("target")) {
    if (!item.at("target").is_string()) return FieldError(path + ".target", "a string");
    choice.target = item.at("target").get<std::string>();
  }
  return choice;
}

Result<std::vector<SchedulingChoice>> ReadChoices(const Json& items) {
  if (!items.is_array()) return FieldError("choices", "an array");
  if (items.size() > limits::kFaultScheduleFaultsMax) {
    return InvalidArgumentError("fault schedule: more than " +
                                std::to_string(limits::kFaultScheduleFaultsMax) + " choices");
  }
  std::vector<SchedulingChoice> choices;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = "choices[" + std::to_string(i) + "]";
    LOGACT_ASSIGN_OR_RETURN(SchedulingChoice choice, ReadChoice(items[i], path));
    // One entry per point, in order: replay looks them up by point.
    if (!choices.empty() && choice.point <= choices.back().point) {
      return FieldError(path + ".point", "above the previous choice's point");
    }
    choices.push_back(std::move(choice));
  }
  return choices;
}

}  // namespace

Json FaultScheduleToJson(const FaultSchedule& schedule) {
  Json faults = Json::array();
  for (const ScheduledFault& fault : schedule.faults) {
    faults.push_back(Json{{"kind", std::string(FaultKindName(fault.kind))},
                          {"site", fault.site},
                          {"opportunity", fault.opportunity},
                          {"draws", fault.draws},
                          {"ts", fault.ts},
                          {"target", fault.target}});
  }
  Json json{{"format", kFaultScheduleFormat},
            {"version", kFaultScheduleVersion},
            {"faults", std::move(faults)}};
  if (schedule.choices) {
    Json choices = Json::array();
    for (const SchedulingChoice& choice : *schedule.choices) {
      choices.push_back(Json{{"point", choice.point},
                             {"pick", choice.pick},
                             {"ts", choice.ts},
                             {"target", choice.target}});
    }
    json["choices"] = std::move(choices);
  }
  return json;
}

Result<FaultSchedule> FaultScheduleFromJson(const Json& json) {
  if (!json.is_object()) return FieldError("", "an object");
  if (!json.contains("format") || json.at("format") != kFaultScheduleFormat) {
    return FieldError("format", std::string("\"") + kFaultScheduleFormat + "\"");
  }
  if (!json.contains("version") || json.at("version") != kFaultScheduleVersion) {
    // Version 1 listed storage faults as drawn, not scheduled: it would replay another run.
    return FieldError("version", std::to_string(kFaultScheduleVersion) +
                                     " (version 1 schedules are not replayable: re-run "
                                     "`logact shrink`)");
  }
  if (!json.contains("faults") || !json.at("faults").is_array()) {
    return FieldError("faults", "an array");
  }
  const Json& items = json.at("faults");
  if (items.size() > limits::kFaultScheduleFaultsMax) {
    return InvalidArgumentError("fault schedule: more than " +
                                std::to_string(limits::kFaultScheduleFaultsMax) + " faults");
  }
  FaultSchedule schedule;
  std::set<std::tuple<int, std::string, int64_t>> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = "faults[" + std::to_string(i) + "]";
    LOGACT_ASSIGN_OR_RETURN(ScheduledFault fault, ReadFault(items[i], path));
    // Two entries for one opportunity would make replay ambiguous.
    if (fault.Schedulable() &&
        !seen.emplace(static_cast<int>(fault.kind), fault.site, fault.opportunity).second) {
      return InvalidArgumentError("fault schedule: " + path + " repeats " + DescribeFault(fault));
    }
    schedule.faults.push_back(std::move(fault));
  }
  if (json.contains("choices")) {
    LOGACT_ASSIGN_OR_RETURN(schedule.choices, ReadChoices(json.at("choices")));
  }
  return schedule;
}

std::string DescribeFault(const ScheduledFault& fault) {
  std::string out(FaultKindName(fault.kind));
  if (!fault.site.empty()) out += "[" + fault.site + "]";
  out += fault.Schedulable() ? "#" + std::to_string(fault.opportunity) : "#storage";
  out += "@" + std::to_string(fault.ts) + "ms";
  if (!fault.target.empty()) out += "->" + fault.target;
  return out;
}

std::string DescribeChoice(const SchedulingChoice& choice) {
  std::string out =
      "choice#" + std::to_string(choice.point) + "@" + std::to_string(choice.ts) + "ms";
  if (!choice.target.empty()) out += "->" + choice.target;
  return out + " (ready index " + std::to_string(choice.pick) + ")";
}

}  // namespace logact::sim
