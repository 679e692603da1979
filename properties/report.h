// The verdict of an invariant check (SPEC §7, §8): the violations found, the
// invariants that were judged, and those that were not applicable because
// their inputs were missing (never reported as passed).
//
// A Report is a value. Its JSON form is what `logact check --json` prints:
//   {"ok":bool,"violations":[{"invariant":"ID","lines":[...],"message":"..."}],
//    "not_applicable":["ID",...],"checked":["ID",...],
//    "not_applicable_reasons":{"ID":"..."},"violation_counts":{"ID":N},"records":N}
// Violations are ordered by their first line, then by the order of SPEC §7's
// table, so the same trace always yields the same report.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"

namespace logact::properties {

struct Violation {
  std::string invariant;       // an id of properties/invariant_ids.h
  std::vector<int64_t> lines;  // the 1-based trace lines of the records involved, ascending
  std::string message;         // one sentence saying what is wrong
  Json ToJson() const;
  friend bool operator==(const Violation&, const Violation&) = default;
};

struct Report {
  // At most limits::kViolationsPerInvariantMax per invariant; violation_counts
  // holds the full number.
  std::vector<Violation> violations;
  std::map<std::string, uint64_t> violation_counts;
  std::vector<std::string> checked;         // judged invariants, in SPEC order
  std::vector<std::string> not_applicable;  // in SPEC order
  std::map<std::string, std::string> not_applicable_reasons;
  int64_t records = 0;  // records checked (the header excluded)

  // True iff no judged invariant failed (the exit code 0 of `check`).
  bool ok() const { return violations.empty(); }
  // Whether some violation of `invariant` was found.
  bool Violated(std::string_view invariant) const;
  // The distinct violated ids, in SPEC order.
  std::vector<std::string> ViolatedIds() const;
  Json ToJson() const;
};

}  // namespace logact::properties
