// The driver of the Z3 trace checker: facts -> encoder -> per segment of
// records or batch of intents, a push/pop scope of definitions with one query
// per invariant inside it, on one incremental solver -> a native-shaped Report.
#include "verify/trace_smt.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <optional>

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

double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

std::string AnswerText(z3::check_result answer) {
  return answer == z3::sat ? "sat" : answer == z3::unsat ? "unsat" : "unknown";
}

// The worse of two answers: unknown beats sat beats unsat.
void Merge(z3::check_result answer, TraceQueryStats* stats) {
  if (stats->answer.empty() || answer == z3::unknown ||
      (answer == z3::sat && stats->answer == "unsat")) {
    stats->answer = AnswerText(answer);
  }
}

// One incremental solver: scopes of definitions (a segment or a batch) and,
// inside each, one push/check/pop query per invariant. Statistics are summed
// per invariant in the order of properties::kAllInvariants.
class QueryRunner {
 public:
  QueryRunner(std::deque<z3::context>* contexts, internal::TraceEncoder& encoder,
              const TraceSmtOptions& options,
              const std::map<std::string, std::string>& not_applicable, TraceSmtResult* result)
      : contexts_(contexts),
        ctx_(&contexts->back()),
        encoder_(encoder),
        solver_(*ctx_),
        options_(options),
        not_applicable_(not_applicable),
        result_(result) {
    NewSolver();
  }

  // Called before building each scope's terms: every scopes_per_context
  // scopes, moves the encoder and the solver to a fresh context (a context
  // that only grows makes each check slower: Z3 sizes per-check tables by
  // the largest term id). Old contexts stay alive until the check ends.
  void NextScope() {
    if (++scopes_ % std::max<int64_t>(1, options_.scopes_per_context) != 0) return;
    ctx_ = &contexts_->emplace_back();
    encoder_.Rebind(*ctx_);
    NewSolver();
  }

  // Opens a scope with the definitions built since the last scope.
  void Open() {
    const z3::expr_vector definitions = encoder_.TakeScope();
    solver_.push();
    for (const z3::expr& definition : definitions) solver_.add(definition);
    const auto size = static_cast<int64_t>(definitions.size());
    result_->background_assertions += size;
    result_->largest_scope = std::max(result_->largest_scope, size);
  }
  void Close() { solver_.pop(); }

  bool Applicable(std::string_view id) const {
    return not_applicable_.count(std::string(id)) == 0 && !Unknown(id);
  }
  bool Unknown(std::string_view id) const {
    return std::any_of(result_->unknown.begin(), result_->unknown.end(),
                       [&](const auto& entry) { return entry.first == id; });
  }
  void MarkUnknown(std::string_view id, const std::string& reason) {
    if (!Unknown(id)) result_->unknown.emplace_back(std::string(id), reason);
  }

  // Asks for a violating record among the query's flags.
  void Run(const InvariantQuery& query) {
    if (query.flags.empty() || !Applicable(query.id)) return;
    TraceQueryStats& stats = Stats(&result_->queries, query.id);
    const Clock::time_point start = Clock::now();
    const double cpu = CpuSeconds();
    z3::expr_vector flags(*ctx_);
    for (const internal::Flag& flag : query.flags) flags.push_back(flag.violated);
    solver_.push();
    solver_.add(z3::mk_or(flags));
    const z3::check_result answer = solver_.check();
    if (answer == z3::sat)
      CollectViolations(query, solver_.get_model(), encoder_.n(), &result_->report);
    if (answer == z3::unknown) MarkUnknown(query.id, solver_.reason_unknown());
    solver_.pop();
    Merge(answer, &stats);
    stats.flags += static_cast<int64_t>(query.flags.size());
    stats.checks += 1;
    stats.seconds += SecondsSince(start);
    stats.cpu_seconds += CpuSeconds() - cpu;
  }

  // The values of `terms` in the scope's model, proved unique: a sat check
  // gives the model, and asserting that some term differs from its value
  // must be unsat. nullopt if Z3 answers unknown (with *reason set).
  Result<std::optional<std::vector<z3::expr>>> Derive(const std::vector<z3::expr>& terms,
                                                      std::string_view what, std::string* reason) {
    TraceQueryStats& stats = Stats(&result_->derivations, what);
    const Clock::time_point start = Clock::now();
    const double cpu = CpuSeconds();
    const z3::check_result answer = solver_.check();
    std::optional<std::vector<z3::expr>> values;
    z3::check_result unique = z3::unknown;
    if (answer == z3::sat) {
      const z3::model model = solver_.get_model();
      values.emplace();
      z3::expr_vector differs(*ctx_);
      for (const z3::expr& term : terms) {
        values->push_back(model.eval(term, true));
        differs.push_back(term != values->back());
      }
      solver_.push();
      solver_.add(z3::mk_or(differs));
      unique = solver_.check();
      solver_.pop();
    }
    stats.checks += answer == z3::sat ? 2 : 1;
    stats.flags += static_cast<int64_t>(terms.size());
    stats.seconds += SecondsSince(start);
    stats.cpu_seconds += CpuSeconds() - cpu;
    if (answer == z3::unsat || unique == z3::sat) {
      return Status(StatusCode::kInternal, "z3: the " + std::string(what) + " definitions have " +
                                               (answer == z3::unsat ? "no model" : "two models"));
    }
    Merge(answer == z3::sat ? unique : answer, &stats);
    if (answer == z3::unknown || unique == z3::unknown) {
      *reason = std::string(what) + ": " + solver_.reason_unknown();
      return std::optional<std::vector<z3::expr>>();
    }
    return values;
  }

 private:
  static TraceQueryStats& Stats(std::vector<TraceQueryStats>* all, std::string_view id) {
    for (TraceQueryStats& stats : *all) {
      if (stats.invariant == id) return stats;
    }
    all->push_back(TraceQueryStats{std::string(id), "", 0, 0, 0, 0});
    return all->back();
  }

  void NewSolver() {
    solver_ = z3::solver(*ctx_);
    z3::params params(*ctx_);
    params.set("timeout", options_.timeout_ms);
    solver_.set(params);
    solver_.add(encoder_.MayTable());
  }

  std::deque<z3::context>* contexts_;
  z3::context* ctx_;
  internal::TraceEncoder& encoder_;
  z3::solver solver_;
  const TraceSmtOptions& options_;
  int64_t scopes_ = 0;
  const std::map<std::string, std::string>& not_applicable_;
  TraceSmtResult* result_;
};

// Phase 1: acceptance and LOG-DENSE, segment by segment. Returns false if Z3
// could not derive acceptance (every invariant is then unknown).
Result<bool> AcceptanceAndDense(internal::TraceEncoder& encoder, QueryRunner& runner,
                                int64_t segment) {
  int64_t in = 0;
  for (int64_t begin = 0; begin < encoder.n(); begin += segment) {
    runner.NextScope();
    const int64_t end = std::min(encoder.n(), begin + segment);
    const z3::expr out = encoder.DefineAcceptance(begin, end, encoder.ctx().int_val(in));
    const InvariantQuery dense = internal::DenseQuery(encoder, begin, end);
    std::vector<z3::expr> terms;
    std::vector<int64_t> entries;
    for (int64_t k = begin; k < end; ++k) {
      if (encoder.facts().records[static_cast<size_t>(k)].kind != FactKind::kEntry) continue;
      entries.push_back(k);
      terms.push_back(encoder.Accepted(k));
    }
    terms.push_back(out);
    runner.Open();
    std::string reason;
    LOGACT_ASSIGN_OR_RETURN(auto values, runner.Derive(terms, "acceptance", &reason));
    if (!values.has_value()) {
      runner.Close();
      for (std::string_view id : properties::kAllInvariants) runner.MarkUnknown(id, reason);
      return false;
    }
    runner.Run(dense);
    runner.Close();
    for (size_t i = 0; i < entries.size(); ++i) {
      encoder.SetAccepted(entries[i], (*values)[i].is_true());
    }
    in = values->back().get_numeral_int64();
  }
  return true;
}

// Phase 3: the per-intent invariants, batch by batch, carrying DRV-SERIAL's
// pending point (derived and proved at the end of each batch).
Status IntentBatches(internal::TraceEncoder& encoder, QueryRunner& runner, int64_t batch) {
  int64_t point = -1, point_intent = -1;  // proved at the end of the previous batch
  const size_t intents = encoder.facts().intents.size();
  const auto step = static_cast<size_t>(batch);
  for (size_t begin = 0; begin < intents; begin += step) {
    runner.NextScope();
    const size_t end = std::min(intents, begin + step);
    internal::Pending pending{encoder.ctx().int_val(point), encoder.ctx().int_val(point_intent)};
    const std::vector<InvariantQuery> queries =
        internal::IntentQueries(encoder, begin, end, &pending);
    runner.Open();
    for (const InvariantQuery& query : queries) runner.Run(query);
    if (end < intents && runner.Applicable(properties::kDrvSerial)) {
      std::string reason;
      const std::vector<z3::expr> terms = {pending.point, pending.intent};
      LOGACT_ASSIGN_OR_RETURN(auto values, runner.Derive(terms, "DRV-SERIAL pending", &reason));
      if (values.has_value()) {
        point = (*values)[0].get_numeral_int64();
        point_intent = (*values)[1].get_numeral_int64();
      } else {
        runner.MarkUnknown(properties::kDrvSerial, reason);
      }
    }
    runner.Close();
  }
  return Status::Ok();
}

Status RunQueries(internal::TraceEncoder& encoder, QueryRunner& runner,
                  const TraceSmtOptions& options) {
  const int64_t segment = std::max<int64_t>(1, options.segment_records);
  LOGACT_ASSIGN_OR_RETURN(const bool accepted, AcceptanceAndDense(encoder, runner, segment));
  if (!accepted) return Status::Ok();
  for (int64_t begin = 0; begin < encoder.n(); begin += segment) {
    runner.NextScope();
    const std::vector<InvariantQuery> queries =
        internal::RecordQueries(encoder, begin, std::min(encoder.n(), begin + segment));
    runner.Open();
    for (const InvariantQuery& query : queries) runner.Run(query);
    runner.Close();
  }
  LOGACT_TRY(IntentBatches(encoder, runner, std::max<int64_t>(1, options.batch_intents)));
  runner.NextScope();
  const std::vector<InvariantQuery> env = internal::EnvQueries(encoder);
  runner.Open();
  for (const InvariantQuery& query : env) runner.Run(query);
  runner.Close();
  return Status::Ok();
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
    std::deque<z3::context> contexts(1);  // outlive every term and solver below
    internal::TraceEncoder encoder(contexts.back(), facts);
    QueryRunner runner(&contexts, encoder, smt_options, not_applicable, &result);
    LOGACT_TRY(RunQueries(encoder, runner, smt_options));
  } catch (const z3::exception& error) {
    return Status(StatusCode::kInternal, std::string("z3: ") + error.msg());
  }
  double checking = 0;
  for (const auto* all : {&result.queries, &result.derivations}) {
    for (const TraceQueryStats& stats : *all) checking += stats.seconds;
  }
  result.encode_seconds = SecondsSince(start) - checking;
  std::sort(result.queries.begin(), result.queries.end(),
            [](const TraceQueryStats& a, const TraceQueryStats& b) {
              return properties::InvariantIndex(a.invariant) <
                     properties::InvariantIndex(b.invariant);
            });
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
