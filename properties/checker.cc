// The dispatcher of the InvariantChecker: numbers records, keeps the shared log
// state and routes each record to the invariant families (one file each).
#include "properties/checker.h"

#include <algorithm>

#include "core/assert.h"
#include "core/limits.h"
#include "properties/checker_internal.h"
#include "properties/invariant_ids.h"
#include "sim/sim_options.h"
#include "traces/trace_format.h"

namespace logact::properties {
namespace internal {

void Reporter::Violate(std::string_view invariant, std::vector<int64_t> lines,
                       std::string message) {
  LOGACT_ASSERT(InvariantIndex(invariant) >= 0);
  ++total_;
  uint64_t& count = counts_[std::string(invariant)];
  ++count;
  if (count > limits::kViolationsPerInvariantMax) return;
  std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  lines.erase(std::remove(lines.begin(), lines.end(), 0), lines.end());
  violations_.push_back(Violation{std::string(invariant), std::move(lines), std::move(message)});
}

void Reporter::MoveInto(Report* report) {
  std::stable_sort(violations_.begin(), violations_.end(),
                   [](const Violation& a, const Violation& b) {
                     const int64_t line_a = a.lines.empty() ? 0 : a.lines.front();
                     const int64_t line_b = b.lines.empty() ? 0 : b.lines.front();
                     if (line_a != line_b) return line_a < line_b;
                     return InvariantIndex(a.invariant) < InvariantIndex(b.invariant);
                   });
  report->violations = std::move(violations_);
  report->violation_counts = std::move(counts_);
}

LogState::LogState() : policy_in_force(std::make_shared<const DeciderPolicy>()) {}

IntentState* LogState::FindIntent(Position pos) {
  // Most references name a recent intent: try the last one before searching.
  if (!intent_positions.empty() && intent_positions.back() == pos) return &intents.back();
  const auto it = std::lower_bound(intent_positions.begin(), intent_positions.end(), pos);
  if (it == intent_positions.end() || *it != pos) return nullptr;
  return &intents[static_cast<size_t>(it - intent_positions.begin())];
}

IntentState& LogState::AddIntent(Position pos) {
  LOGACT_ASSERT(intent_positions.empty() || intent_positions.back() < pos);
  intent_positions.push_back(pos);
  IntentState& intent = intents.emplace_back();
  intent.pos = pos;
  return intent;
}

std::string DescribeVotes(const VoteTally& tally) {
  if (tally.votes().empty()) return "no counted votes";
  std::string text;
  for (const CountedVote& vote : tally.votes()) {
    if (!text.empty()) text += ", ";
    text += vote.voter_type;
    text += vote.approve ? "=approve" : "=deny";
  }
  return "counted votes " + text;
}

std::string DescribePolicy(const DeciderPolicy& policy, int64_t version) {
  return "policy " + CompactJson(policy.ToJson()) + " (version " + std::to_string(version) + ")";
}

// The whole checker: shared state plus one object per invariant family.
class CheckerImpl {
 public:
  explicit CheckerImpl(CheckOptions options)
      : recovery_(options.voter_documents, options.reload_entries), safety_(std::move(options)) {}

  void OnRecord(const traces::TraceRecord& record) {
    if (const Entry* entry = std::get_if<Entry>(&record)) {
      OnEntryRecord(*entry);
      return;
    }
    const int64_t line = ++records_ + 1;  // the header is line 1
    if (const auto* effect = std::get_if<traces::EffectRecord>(&record)) {
      OnEffect(traces::ViewOf(*effect), line);
    } else if (const auto* state = std::get_if<traces::StateRecord>(&record)) {
      safety_.OnState(*state, line);
      recovery_.OnState(*state, line);
    } else if (const auto* restart = std::get_if<traces::RestartRecord>(&record)) {
      recovery_.OnRestart(*restart, line);
    }
    // Fault records are observations that no invariant judges.
  }

  void OnEntryRecord(const Entry& entry) {
    const int64_t line = ++records_ + 1;  // the header is line 1
    OnEntry(entry, line);
  }

  void OnEffectRecord(const traces::EffectView& effect) {
    const int64_t line = ++records_ + 1;  // the header is line 1
    OnEffect(effect, line);
  }

  Report Finish() {
    references_.Finish(&reporter_);
    execution_.Finish(&log_, &reporter_);
    Report report;
    report.records = records_;
    safety_.Finish(effects_, &reporter_, &report);
    if (effects_ == 0) {
      for (std::string_view id : {kExeVisible, kExeCommitted, kExeOnce, kExeFaithful}) {
        report.not_applicable_reasons[std::string(id)] = "the trace has no effect records";
      }
    }
    recovery_.Finish(&reporter_, &report);
    report.not_applicable_reasons[std::string(kLiveDecide)] = "judged by sim, swarm and replay";
    report.not_applicable_reasons[std::string(kDetReplay)] = "judged by sim, swarm and replay";
    for (std::string_view id : kAllInvariants) {
      const bool not_applicable = report.not_applicable_reasons.count(std::string(id)) > 0;
      (not_applicable ? report.not_applicable : report.checked).emplace_back(id);
    }
    reporter_.MoveInto(&report);
    return report;
  }

  size_t violations() const { return reporter_.count(); }
  void KeepNoEntries() { recovery_.KeepNoEntries(); }

 private:
  void OnEntry(const Entry& entry, int64_t line);
  void OnIntent(const Entry& entry, int64_t line);
  void OnDecision(const Entry& entry, int64_t line);
  void OnResult(const Entry& entry, int64_t line);
  void OnEffect(const traces::EffectView& effect, int64_t line);

  Reporter reporter_;
  LogState log_;
  LogInvariants log_invariants_;
  ReferenceInvariants references_;
  DecisionInvariants decisions_;
  ExecutionInvariants execution_;
  DriverInvariants driver_;
  RecoveryInvariants recovery_;  // before safety_: built from the options safety_ takes
  SafetyInvariants safety_;
  int64_t records_ = 0;
  int64_t effects_ = 0;
};

void CheckerImpl::OnEntry(const Entry& entry, int64_t line) {
  if (!log_invariants_.OnEntry(entry, line, &reporter_)) return;
  LOGACT_ASSERT_GE(entry.pos, log_.tail);
  log_.tail = entry.pos + 1;
  recovery_.OnEntry(entry, line);
  switch (entry.type) {
    case EntryType::kPolicy:
      decisions_.OnPolicy(entry, line, &log_, &reporter_);
      break;
    case EntryType::kElect:
      (void)log_.election.Apply(entry.elect());
      break;
    case EntryType::kIntent:
      OnIntent(entry, line);
      break;
    case EntryType::kVote:
      if (IntentState* intent =
              references_.Resolve(entry, entry.vote().intent, line, &log_, &reporter_)) {
        decisions_.OnVote(intent, entry.vote());
      }
      break;
    case EntryType::kCommit:
    case EntryType::kAbort:
      OnDecision(entry, line);
      break;
    case EntryType::kResult:
      OnResult(entry, line);
      break;
    default:
      break;  // mail, inference and output entries are judged by LOG-* only
  }
  // Effects that named this position before it was on the log.
  for (auto& waiting : references_.TakeWaiting(entry, line, &reporter_)) {
    execution_.OnEffect(log_.FindIntent(entry.pos), traces::ViewOf(waiting.effect), waiting.line,
                        &reporter_);
  }
}

void CheckerImpl::OnIntent(const Entry& entry, int64_t line) {
  const IntentPayload& payload = entry.intent();
  IntentState& intent = log_.AddIntent(entry.pos);
  intent.line = line;
  intent.ts = entry.ts;
  intent.fenced = log_.election.IsFenced(payload);
  intent.action = log_.actions.Get(payload.action);
  decisions_.OnIntent(&intent, log_);
  if (!intent.fenced) driver_.OnIntent(intent, &reporter_);
}

void CheckerImpl::OnDecision(const Entry& entry, int64_t line) {
  IntentState* intent =
      references_.Resolve(entry, entry.decision().intent, line, &log_, &reporter_);
  if (intent == nullptr) return;
  if (!decisions_.OnDecision(intent, entry, line, &reporter_)) return;
  execution_.OnDecided(intent, &reporter_);
  if (intent->decision == Decision::kAbort) driver_.OnResolved(*intent);
}

void CheckerImpl::OnResult(const Entry& entry, int64_t line) {
  const ResultPayload& result = entry.result();
  if (result.restart && result.intent == kNoPosition) return;  // nothing was pending
  IntentState* intent = references_.Resolve(entry, result.intent, line, &log_, &reporter_);
  if (intent == nullptr) return;
  execution_.OnResult(intent, result, line, &reporter_);
  driver_.OnResolved(*intent);
}

void CheckerImpl::OnEffect(const traces::EffectView& effect, int64_t line) {
  ++effects_;
  // The families report under different invariants, so the order in which
  // they judge the effect changes neither the report nor its order.
  IntentState* intent = references_.ResolveEffect(effect, line, &log_, &reporter_);
  safety_.OnEffect(effect, intent != nullptr ? &intent->action : nullptr, line, &reporter_);
  if (intent != nullptr) execution_.OnEffect(intent, effect, line, &reporter_);
}

}  // namespace internal

InvariantChecker::InvariantChecker(CheckOptions options)
    : impl_(std::make_unique<internal::CheckerImpl>(std::move(options))) {}

InvariantChecker::~InvariantChecker() = default;

void InvariantChecker::OnHeader(const traces::TraceHeader& header) {
  // The scenario named by the header is resolved by the caller into
  // CheckOptions (see properties/check_trace.h). A simulator that records no
  // state spares REC-STATE its copy of every entry, the online checker's
  // largest cost (a header that is not a valid sim header changes nothing).
  LOGACT_MAYBE(header.scenario.has_value());
  LOGACT_ASSERT(impl_ != nullptr);
  if (header.source != traces::kSourceSim) return;
  Result<sim::SimOptions> options = sim::SimOptionsFromHeader(header);
  if (options.has_value() && !options->state_records) impl_->KeepNoEntries();
}

void InvariantChecker::OnRecord(const traces::TraceRecord& record) {
  LOGACT_ASSERT(impl_ != nullptr);
  impl_->OnRecord(record);
}

void InvariantChecker::OnEntry(const Entry& entry) {
  LOGACT_ASSERT(impl_ != nullptr);
  impl_->OnEntryRecord(entry);
}

void InvariantChecker::OnEffect(const traces::EffectView& effect) {
  LOGACT_ASSERT(impl_ != nullptr);
  impl_->OnEffectRecord(effect);
}

Report InvariantChecker::Finish() {
  LOGACT_ASSERT(impl_ != nullptr);
  Report report = impl_->Finish();
  impl_.reset();
  return report;
}

size_t InvariantChecker::violations_so_far() const {
  return impl_ == nullptr ? 0 : impl_->violations();
}

}  // namespace logact::properties
