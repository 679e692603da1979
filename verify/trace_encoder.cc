// TraceEncoder: the facts of a trace as Z3 literals, and the definitions the
// invariant queries share (acceptance per segment, resolution, and "the first
// record of a kind" per intent), each as constraints for Z3 to solve.
#include <limits>

#include "core/access_control.h"
#include "core/assert.h"
#include "verify/trace_smt_internal.h"

namespace logact::verify::internal {

TraceEncoder::TraceEncoder(z3::context& ctx, const TraceFacts& facts)
    : ctx_(&ctx),
      facts_(facts),
      scope_(ctx),
      may_(ctx.function("may", ctx.int_sort(), ctx.int_sort(), ctx.bool_sort())),
      fixed_(facts.records.size(), 0) {}

void TraceEncoder::Rebind(z3::context& ctx) {
  ctx_ = &ctx;
  scope_ = z3::expr_vector(ctx);
  may_ = ctx.function("may", ctx.int_sort(), ctx.int_sort(), ctx.bool_sort());
  chain_accepted_.clear();
  chain_expected_.clear();
  intents_.clear();
}

z3::expr_vector TraceEncoder::TakeScope() {
  z3::expr_vector taken = scope_;
  scope_ = z3::expr_vector(*ctx_);
  return taken;
}

namespace {
const RecordFacts& At(const TraceFacts& facts, int64_t k) {
  LOGACT_ASSERT(k >= 0 && k < static_cast<int64_t>(facts.records.size()));
  return facts.records[static_cast<size_t>(k)];
}
}  // namespace

z3::expr TraceEncoder::Pos(int64_t k) { return ctx_->int_val(At(facts_, k).pos); }
z3::expr TraceEncoder::Type(int64_t k) { return ctx_->int_val(At(facts_, k).type); }
z3::expr TraceEncoder::Ts(int64_t k) { return ctx_->int_val(At(facts_, k).ts); }
z3::expr TraceEncoder::Ref(int64_t k) { return ctx_->int_val(At(facts_, k).ref); }
z3::expr TraceEncoder::Role(int64_t k) { return ctx_->int_val(At(facts_, k).role); }
z3::expr TraceEncoder::AuthorName(int64_t k) { return ctx_->int_val(At(facts_, k).author_name); }
z3::expr TraceEncoder::Named(int64_t k) { return ctx_->int_val(At(facts_, k).named); }
z3::expr TraceEncoder::Approve(int64_t k) { return ctx_->bool_val(At(facts_, k).approve); }
z3::expr TraceEncoder::VoteType(int64_t k) { return ctx_->int_val(At(facts_, k).vote_type); }
z3::expr TraceEncoder::Timeout(int64_t k) { return ctx_->bool_val(At(facts_, k).timeout); }
z3::expr TraceEncoder::Restart(int64_t k) { return ctx_->bool_val(At(facts_, k).restart); }
z3::expr TraceEncoder::Version(int64_t k) { return ctx_->int_val(At(facts_, k).version); }
z3::expr TraceEncoder::Expected(int64_t k) { return ctx_->int_val(At(facts_, k).expected); }
z3::expr TraceEncoder::Action(int64_t k) { return ctx_->int_val(At(facts_, k).action); }
z3::expr TraceEncoder::Forbidden(int64_t k) { return ctx_->bool_val(At(facts_, k).forbidden); }
z3::expr TraceEncoder::Fenced(int64_t k) { return ctx_->bool_val(At(facts_, k).fenced); }

z3::expr_vector TraceEncoder::MayTable() {
  z3::expr_vector table(*ctx_);
  for (int r = 0; r < 6; ++r) {
    for (int t = 0; t < kEntryTypeCount; ++t) {
      const bool may = RoleMayAppend(static_cast<logact::Role>(r), static_cast<EntryType>(t));
      table.push_back(may_(ctx_->int_val(r), ctx_->int_val(t)) == ctx_->bool_val(may));
    }
  }
  return table;
}

z3::expr TraceEncoder::May(const z3::expr& role, const z3::expr& type) {
  // Outside the table (role -1) nothing may be appended.
  return role >= 0 && role < 6 && type >= 0 && type < kEntryTypeCount && may_(role, type);
}

// LOG-DENSE's acceptance as a chain of expected positions: e = in at
// `begin`, and after entry k, e = pos(k) + 1 if pos(k) >= e and pos(k) is not
// the largest position (no tail can follow it), else e unchanged.
z3::expr TraceEncoder::DefineAcceptance(int64_t begin, int64_t end, const z3::expr& in) {
  const z3::expr max_pos = ctx_->int_val(std::numeric_limits<Position>::max());
  z3::expr expected = in;
  chain_accepted_.clear();
  chain_expected_.clear();
  for (int64_t k = begin; k < end; ++k) {
    chain_expected_.insert_or_assign(k, expected);
    if (At(facts_, k).kind != FactKind::kEntry) continue;  // fixed_: never accepted
    z3::expr accepted = ctx_->bool_const(("accepted!" + std::to_string(k)).c_str());
    Define(accepted == (Pos(k) >= expected && Pos(k) != max_pos));
    fixed_[static_cast<size_t>(k)] = -1;
    chain_accepted_.insert_or_assign(k, accepted);
    z3::expr next = ctx_->int_const(("expected!" + std::to_string(k + 1)).c_str());
    Define(next == z3::ite(accepted, Pos(k) + 1, expected));
    expected = next;
  }
  return expected;
}

void TraceEncoder::SetAccepted(int64_t k, bool accepted) {
  fixed_[static_cast<size_t>(k)] = accepted ? 1 : 0;
}

z3::expr TraceEncoder::Accepted(int64_t k) {
  const int8_t fixed = fixed_[static_cast<size_t>(k)];
  if (fixed >= 0) return ctx_->bool_val(fixed == 1);
  return chain_accepted_.at(k);
}
z3::expr TraceEncoder::ExpectedPos(int64_t k) { return chain_expected_.at(k); }

z3::expr TraceEncoder::RefOk(int64_t k) {
  const RecordFacts& record = At(facts_, k);
  if (!record.has_ref || record.target < 0) return ctx_->bool_val(false);
  const int64_t t = record.target;
  z3::expr ok = IsType(t, EntryType::kIntent) && Accepted(t) && Pos(t) == Ref(k);
  if (record.kind == FactKind::kEntry) ok = ok && Ref(k) < Pos(k);
  return ok;
}

z3::expr TraceEncoder::Resolved(int64_t k) {
  if (At(facts_, k).kind == FactKind::kEntry) return Accepted(k) && RefOk(k);
  return RefOk(k);
}

z3::expr TraceEncoder::FirstOf(const std::vector<int64_t>& candidates,
                               const std::function<z3::expr(int64_t)>& valid,
                               const std::string& name) {
  const z3::expr none = ctx_->int_val(n());
  if (candidates.empty()) return none;
  z3::expr first = ctx_->int_const(name.c_str());
  z3::expr_vector choices(*ctx_);
  choices.push_back(first == none);
  for (const int64_t k : candidates) {
    const z3::expr is_valid = valid(k);
    Define(z3::implies(is_valid, first <= ctx_->int_val(k)));
    choices.push_back(is_valid && first == ctx_->int_val(k));
  }
  Define(first <= none);
  Define(z3::mk_or(choices));
  return first;
}

z3::expr TraceEncoder::Select(const z3::expr& selected, const std::vector<int64_t>& candidates,
                              const std::function<z3::expr(int64_t)>& attr, const z3::expr& none) {
  z3::expr value = none;
  for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
    value = z3::ite(selected == ctx_->int_val(*it), attr(*it), value);
  }
  return value;
}

void TraceEncoder::DefineIntents(size_t begin, size_t end) {
  intents_.clear();
  intents_begin_ = begin;
  for (size_t j = begin; j < end; ++j) {
    const IntentFacts& intent = facts_.intents[j];
    const int64_t i = intent.record;
    const std::string tag = "!" + std::to_string(i);
    auto resolved = [this](int64_t k) { return Resolved(k); };
    const z3::expr decision = FirstOf(intent.decisions, resolved, "decision" + tag);
    const z3::expr no = ctx_->bool_val(false);
    IntentTerms terms{
        i,
        decision,
        decision < ctx_->int_val(n()),
        Select(
            decision, intent.decisions, [this](int64_t k) { return IsType(k, EntryType::kCommit); },
            no),
        Select(
            decision, intent.decisions, [this](int64_t k) { return Timeout(k); }, no),
        Select(
            decision, intent.decisions, [this](int64_t k) { return Ts(k); }, ctx_->int_val(0)),
        Fenced(i),
        Accepted(i) && !Fenced(i),
        FirstOf(
            intent.effects, [this](int64_t k) { return RefOk(k); }, "first_effect" + tag),
        FirstOf(
            intent.results, [this](int64_t k) { return Resolved(k) && Restart(k); },
            "first_marker" + tag),
        FirstOf(intent.results, resolved, "first_result" + tag),
        FirstOf(
            intent.results, [this](int64_t k) { return Resolved(k) && !Restart(k); },
            "first_plain_result" + tag)};
    intents_.push_back(terms);
  }
}

}  // namespace logact::verify::internal
