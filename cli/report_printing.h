// Human-readable rendering of checker reports, shared by check, sim and replay.
#pragma once

#include <ostream>

#include "properties/report.h"

namespace logact::cli {

// Prints the violations (invariant, lines, message), the judged invariants and
// the not-applicable ones with their reasons, then a one-line verdict.
void PrintReport(const properties::Report& report, std::ostream& out);

}  // namespace logact::cli
