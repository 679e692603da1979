#include "cli/report_printing.h"

namespace logact::cli {

void PrintReport(const properties::Report& report, std::ostream& out) {
  for (const auto& v : report.violations) {
    out << "VIOLATION " << v.invariant << " (line";
    if (v.lines.size() > 1) out << "s";
    for (size_t i = 0; i < v.lines.size(); ++i) out << (i == 0 ? " " : ", ") << v.lines[i];
    out << "): " << v.message << "\n";
  }
  for (const auto& [id, count] : report.violation_counts) {
    size_t listed = 0;
    for (const auto& v : report.violations) listed += v.invariant == id ? 1 : 0;
    if (count > listed) out << "  ... " << (count - listed) << " more " << id << " violations\n";
  }
  out << "checked (" << report.checked.size() << "):";
  for (const auto& id : report.checked) out << " " << id;
  out << "\nnot applicable (" << report.not_applicable.size() << "):\n";
  for (const auto& id : report.not_applicable) {
    auto reason = report.not_applicable_reasons.find(id);
    out << "  " << id;
    if (reason != report.not_applicable_reasons.end()) out << ": " << reason->second;
    out << "\n";
  }
  if (report.ok()) {
    out << "result: OK, no judged invariant failed\n";
  } else {
    out << "result: FAILED, " << report.ViolatedIds().size() << " invariant(s) violated\n";
  }
}

}  // namespace logact::cli
