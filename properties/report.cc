#include "properties/report.h"

#include "properties/invariant_ids.h"

namespace logact::properties {

Json Violation::ToJson() const {
  Json json = Json::object();
  json["invariant"] = invariant;
  json["lines"] = lines;
  json["message"] = message;
  return json;
}

bool Report::Violated(std::string_view invariant) const {
  for (const Violation& v : violations) {
    if (v.invariant == invariant) return true;
  }
  return false;
}

std::vector<std::string> Report::ViolatedIds() const {
  std::vector<std::string> ids;
  for (std::string_view id : kAllInvariants) {
    if (Violated(id)) ids.emplace_back(id);
  }
  return ids;
}

Json Report::ToJson() const {
  // nlohmann's object keys are sorted, so "ok" would not come first; the
  // field order does not matter to JSON readers, and sorted keys keep the
  // bytes deterministic.
  Json json = Json::object();
  json["ok"] = ok();
  json["violations"] = Json::array();
  for (const Violation& v : violations) json["violations"].push_back(v.ToJson());
  json["not_applicable"] = not_applicable;
  json["checked"] = checked;
  json["not_applicable_reasons"] = Json::object();
  for (const auto& [id, reason] : not_applicable_reasons)
    json["not_applicable_reasons"][id] = reason;
  json["violation_counts"] = Json::object();
  for (const auto& [id, count] : violation_counts) json["violation_counts"][id] = count;
  json["records"] = records;
  return json;
}

}  // namespace logact::properties
