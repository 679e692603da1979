// The driver of the Z3 trace checker: facts -> encoder -> one query per
// invariant on a shared background, with push/pop -> a native-shaped Report.
#include "verify/trace_smt.h"

#include <algorithm>
#include <chrono>

#include "core/assert.h"
#include "core/limits.h"
#include "properties/invariant_ids.h"
#include "verify/trace_smt_internal.h"

namespace logact::verify {
namespace {

using internal::InvariantQuery;
using Clock = std::chrono::steady_clock;  // durations for statistics only

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Applicability, with the native checker's reasons (properties/checker.cc).
std::map<std::string, std::string> NotApplicable(const TraceFacts& facts) {
  std::map<std::string, std::string> reasons;
  if (!facts.has_spec) {
    reasons[std::string(properties::kSafeSpec)] =
        "no safety spec (unknown or null scenario and no --spec)";
  } else if (facts.effects == 0) {
    reasons[std::string(properties::kSafeSpec)] = "the trace has no effect records";
  }
  if (!facts.has_environment) {
    reasons[std::string(properties::kEnvConsistent)] =
        "no environment model (unknown or null scenario)";
  } else if (facts.env_state_record < 0) {
    reasons[std::string(properties::kEnvConsistent)] =
        "the trace has no state record with target \"env\"";
  }
  if (facts.effects == 0) {
    for (std::string_view id : {properties::kExeVisible, properties::kExeCommitted,
                                properties::kExeOnce, properties::kExeFaithful}) {
      reasons[std::string(id)] = "the trace has no effect records";
    }
  }
  reasons[std::string(properties::kRecState)] =
      "not judged by the trace checker (needs a crash-free replay)";
  reasons[std::string(properties::kLiveDecide)] = "judged by sim, swarm and replay";
  reasons[std::string(properties::kDetReplay)] = "judged by sim, swarm and replay";
  return reasons;
}

// Reads the violations of a sat query from the (unique) model.
void CollectViolations(const InvariantQuery& query, const z3::model& model, int64_t n,
                       properties::Report* report) {
  uint64_t& count = report->violation_counts[std::string(query.id)];
  for (const internal::Flag& flag : query.flags) {
    if (!model.eval(flag.violated, true).is_true()) continue;
    if (++count > limits::kViolationsPerInvariantMax) continue;
    std::vector<int64_t> lines;
    for (const z3::expr& record : flag.records) {
      const int64_t index = model.eval(record, true).get_numeral_int64();
      if (index >= 0 && index < n) lines.push_back(index + 2);
    }
    std::sort(lines.begin(), lines.end());
    lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
    report->violations.push_back(properties::Violation{std::string(query.id), std::move(lines),
                                                       "Z3 witness: " + flag.message});
  }
}

void SortViolations(properties::Report* report) {
  std::stable_sort(report->violations.begin(), report->violations.end(),
                   [](const properties::Violation& a, const properties::Violation& b) {
                     const int64_t line_a = a.lines.empty() ? 0 : a.lines.front();
                     const int64_t line_b = b.lines.empty() ? 0 : b.lines.front();
                     if (line_a != line_b) return line_a < line_b;
                     return properties::InvariantIndex(a.invariant) <
                            properties::InvariantIndex(b.invariant);
                   });
}

void RunQueries(z3::context& ctx, internal::TraceEncoder& encoder,
                const std::vector<InvariantQuery>& queries, const TraceSmtOptions& options,
                const std::map<std::string, std::string>& not_applicable, TraceSmtResult* result) {
  z3::solver solver(ctx);
  z3::params params(ctx);
  params.set("timeout", options.timeout_ms);
  solver.set(params);
  for (const z3::expr& fact : encoder.background()) solver.add(fact);
  result->background_assertions = static_cast<int64_t>(encoder.background().size());
  for (const InvariantQuery& query : queries) {
    if (not_applicable.count(std::string(query.id)) > 0) continue;
    TraceQueryStats stats;
    stats.invariant = std::string(query.id);
    stats.flags = static_cast<int64_t>(query.flags.size());
    const Clock::time_point start = Clock::now();
    z3::check_result answer = z3::unsat;
    if (!query.flags.empty()) {
      z3::expr_vector flags(ctx);
      for (const internal::Flag& flag : query.flags) flags.push_back(flag.violated);
      solver.push();
      solver.add(z3::mk_or(flags));
      answer = solver.check();
      if (answer == z3::sat)
        CollectViolations(query, solver.get_model(), encoder.n(), &result->report);
      if (answer == z3::unknown)
        result->unknown.emplace_back(stats.invariant, solver.reason_unknown());
      solver.pop();
    }
    stats.seconds = SecondsSince(start);
    stats.answer = answer == z3::sat ? "sat" : answer == z3::unsat ? "unsat" : "unknown";
    result->queries.push_back(std::move(stats));
  }
}

}  // namespace

Result<TraceSmtResult> CheckTraceSmt(const std::vector<traces::TraceRecord>& records,
                                     const properties::CheckOptions& options,
                                     const TraceSmtOptions& smt_options) {
  TraceSmtResult result;
  const Clock::time_point start = Clock::now();
  const TraceFacts facts = BuildTraceFacts(records, options);
  const std::map<std::string, std::string> not_applicable = NotApplicable(facts);
  try {
    z3::context ctx;
    internal::TraceEncoder encoder(ctx, facts);
    std::vector<InvariantQuery> queries = internal::LogQueries(encoder);
    for (auto* family : {&internal::DecisionQueries, &internal::ExecutionQueries}) {
      for (InvariantQuery& query : (*family)(encoder)) queries.push_back(std::move(query));
    }
    result.encode_seconds = SecondsSince(start);
    RunQueries(ctx, encoder, queries, smt_options, not_applicable, &result);
  } catch (const z3::exception& error) {
    return Status(StatusCode::kInternal, std::string("z3: ") + error.msg());
  }
  properties::Report& report = result.report;
  report.records = static_cast<int64_t>(records.size());
  report.not_applicable_reasons = not_applicable;
  for (auto it = report.violation_counts.begin(); it != report.violation_counts.end();) {
    it = it->second == 0 ? report.violation_counts.erase(it) : std::next(it);
  }
  for (std::string_view id : properties::kAllInvariants) {
    const bool unknown = std::any_of(result.unknown.begin(), result.unknown.end(),
                                     [&](const auto& entry) { return entry.first == id; });
    if (not_applicable.count(std::string(id)) > 0) {
      report.not_applicable.emplace_back(id);
    } else if (!unknown) {
      report.checked.emplace_back(id);
    }
  }
  SortViolations(&report);
  return result;
}

Result<TraceSmtResult> CheckTraceSmtReader(traces::TraceReader& reader,
                                           const properties::OptionsForHeader& options_for_header,
                                           traces::TraceError* error,
                                           const TraceSmtOptions& smt_options) {
  TraceCollector collector;
  const Status status = traces::ReadTraceInto(reader, &collector, error);
  if (!status.ok()) return status;
  properties::CheckOptions options;
  if (options_for_header) options = options_for_header(collector.header());
  return CheckTraceSmt(collector.records(), options, smt_options);
}

}  // namespace logact::verify
