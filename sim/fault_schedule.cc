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
  return Json{{"format", kFaultScheduleFormat},
              {"version", kFaultScheduleVersion},
              {"faults", std::move(faults)}};
}

Result<FaultSchedule> FaultScheduleFromJson(const Json& json) {
  if (!json.is_object()) return FieldError("", "an object");
  if (!json.contains("format") || json.at("format") != kFaultScheduleFormat) {
    return FieldError("format", std::string("\"") + kFaultScheduleFormat + "\"");
  }
  if (!json.contains("version") || json.at("version") != kFaultScheduleVersion) {
    return FieldError("version", std::to_string(kFaultScheduleVersion));
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

}  // namespace logact::sim
