// The SPEC §7 invariants as Z3 queries: one flag per candidate record, whose
// disjunction the solver must refute (properties/invariant_ids.h gives the
// exact reading each flag restates).
#include <limits>

#include "properties/invariant_ids.h"
#include "verify/trace_smt_internal.h"

namespace logact::verify::internal {
namespace {

using properties::kDecJustified;
using properties::kDecPolicy;
using properties::kDecUnique;
using properties::kDrvFence;
using properties::kDrvSerial;
using properties::kEnvConsistent;
using properties::kExeCommitted;
using properties::kExeFaithful;
using properties::kExeOnce;
using properties::kExeVisible;
using properties::kLogAcl;
using properties::kLogDense;
using properties::kRefIntent;
using properties::kResMatch;
using properties::kSafeSpec;

// The verdict of the counted votes under the intent's policy, as two Z3
// Booleans (never both true). Votes count iff they are the first resolved
// vote of their type, of a type the policy counts, and before the decision.
struct VoteVerdict {
  z3::expr commit;
  z3::expr abort;
};

z3::expr Count(z3::context& ctx, const std::vector<z3::expr>& terms) {
  z3::expr sum = ctx.int_val(0);
  for (const z3::expr& term : terms) sum = sum + z3::ite(term, ctx.int_val(1), ctx.int_val(0));
  return sum;
}

VoteVerdict Verdict(TraceEncoder& encoder, const IntentFacts& intent, const IntentTerms& terms) {
  z3::context& ctx = encoder.ctx();
  const PolicyFacts& policy = intent.policy;
  const z3::expr yes = ctx.bool_val(true), no = ctx.bool_val(false);
  if (policy.kind == DeciderKind::kOnByDefault) return {yes, no};
  if (policy.kind == DeciderKind::kOffByDefault) return {no, yes};
  const std::string tag = "!" + std::to_string(intent.record);
  auto approve = [&](int64_t k) { return encoder.Approve(k); };
  if (policy.kind == DeciderKind::kFirstVoter) {
    auto counts = [&](int64_t k) {
      z3::expr listed = ctx.bool_val(!policy.types_listed);
      for (const int64_t type : policy.types)
        listed = listed || encoder.VoteType(k) == ctx.int_val(type);
      return encoder.Resolved(k) && listed;
    };
    const z3::expr first = encoder.FirstOf(intent.votes, counts, "first_vote" + tag);
    const z3::expr before = first < terms.decision;
    const z3::expr approved = encoder.Select(first, intent.votes, approve, no);
    return {before && approved, before && !approved};
  }
  std::vector<z3::expr> approvals, denials;
  for (const int64_t type : policy.types) {
    const auto group = intent.votes_by_type.find(type);
    if (group == intent.votes_by_type.end()) continue;  // a listed type that never voted
    const z3::expr first = encoder.FirstOf(
        group->second, [&](int64_t k) { return encoder.Resolved(k); },
        "first_vote" + tag + "!" + std::to_string(type));
    const z3::expr before = first < terms.decision;
    const z3::expr approved = encoder.Select(first, group->second, approve, no);
    approvals.push_back(before && approved);
    denials.push_back(before && !approved);
  }
  const int64_t listed = static_cast<int64_t>(policy.types.size());
  const z3::expr approved = Count(ctx, approvals), denied = Count(ctx, denials);
  switch (policy.kind) {
    case DeciderKind::kAllOf:
      return {approved == ctx.int_val(listed) && denied == 0, denied > 0};
    case DeciderKind::kAnyOf:
      return {approved > 0, approved == 0 && denied == ctx.int_val(listed)};
    default:  // quorum
      return {
          approved >= ctx.int_val(policy.k),
          approved < ctx.int_val(policy.k) && ctx.int_val(listed) - denied < ctx.int_val(policy.k)};
  }
}

z3::expr Justified(TraceEncoder& encoder, const IntentFacts& intent, const IntentTerms& terms) {
  z3::context& ctx = encoder.ctx();
  const VoteVerdict verdict = Verdict(encoder, intent, terms);
  z3::expr timeout_ok = ctx.bool_val(false);
  if (intent.policy.timeout_ms.has_value()) {
    timeout_ok =
        terms.decision_ts - encoder.Ts(intent.record) >= ctx.int_val(*intent.policy.timeout_ms) &&
        !verdict.commit && !verdict.abort;
  }
  return z3::ite(terms.timeout, timeout_ok, z3::ite(terms.commit, verdict.commit, verdict.abort));
}

}  // namespace

InvariantQuery DenseQuery(TraceEncoder& encoder, int64_t begin, int64_t end) {
  InvariantQuery dense{kLogDense, {}};
  const z3::expr max_pos = encoder.ctx().int_val(std::numeric_limits<Position>::max());
  for (int64_t k = begin; k < end; ++k) {
    if (encoder.facts().records[static_cast<size_t>(k)].kind != FactKind::kEntry) continue;
    dense.flags.push_back({encoder.Pos(k) != encoder.ExpectedPos(k) || encoder.Pos(k) == max_pos,
                           {encoder.Index(k)},
                           "entry position is not the next one"});
  }
  return dense;
}

std::vector<InvariantQuery> RecordQueries(TraceEncoder& encoder, int64_t begin, int64_t end) {
  const TraceFacts& facts = encoder.facts();
  InvariantQuery acl{kLogAcl, {}}, ref{kRefIntent, {}}, policy{kDecPolicy, {}}, safe{kSafeSpec, {}};
  for (int64_t k = begin; k < end; ++k) {
    const RecordFacts& record = facts.records[static_cast<size_t>(k)];
    const z3::expr at = encoder.Index(k);
    if (record.kind == FactKind::kEntry) {
      acl.flags.push_back({!encoder.May(encoder.Role(k), encoder.Type(k)) ||
                               (encoder.Named(k) >= 0 && encoder.Named(k) != encoder.AuthorName(k)),
                           {at},
                           "the author's role may not append this type, or its name differs"});
      if (record.type == static_cast<int>(EntryType::kPolicy)) {
        policy.flags.push_back({encoder.Accepted(k) && encoder.Version(k) <= encoder.Expected(k),
                                {at},
                                "policy version is not above its expected_version"});
      }
      if (record.has_ref) {
        ref.flags.push_back({encoder.Accepted(k) && !encoder.RefOk(k),
                             {at},
                             "names no intent at a smaller position"});
      }
    } else if (record.kind == FactKind::kEffect) {
      ref.flags.push_back({!encoder.RefOk(k), {at}, "effect names no intent entry"});
      safe.flags.push_back(
          {encoder.Forbidden(k), {at}, "the effect's action is forbidden by the safety spec"});
    }
  }
  return {std::move(acl), std::move(ref), std::move(policy), std::move(safe)};
}

namespace {

void DecisionFlags(TraceEncoder& encoder, size_t begin, size_t end,
                   std::vector<InvariantQuery>* queries) {
  const TraceFacts& facts = encoder.facts();
  InvariantQuery& unique = (*queries)[0];
  InvariantQuery& justified = (*queries)[1];
  InvariantQuery& fence = (*queries)[2];
  for (size_t j = begin; j < end; ++j) {
    const IntentFacts& intent = facts.intents[j];
    const IntentTerms& terms = encoder.Intent(j);
    const z3::expr at = encoder.Index(intent.record);
    for (const int64_t k : intent.decisions) {
      const z3::expr commit = encoder.IsType(k, EntryType::kCommit);
      const z3::expr later = encoder.Resolved(k) && terms.decision < encoder.Index(k);
      unique.flags.push_back({later && commit != terms.commit && !terms.timeout,
                              {terms.decision, encoder.Index(k)},
                              "a later decision disagrees with the intent's decision"});
      if (intent.fenced) {
        fence.flags.push_back(
            {terms.fenced && encoder.Resolved(k) && commit && !(terms.timeout && later),
             {at, encoder.Index(k)},
             "a fenced intent is committed"});
      }
    }
    if (!intent.fenced && !intent.decisions.empty()) {
      justified.flags.push_back(
          {!terms.fenced && terms.decided && !Justified(encoder, intent, terms),
           {at, terms.decision},
           "the decision does not follow from the policy in force and the "
           "counted votes before it"});
    }
  }
}

void EffectFlags(TraceEncoder& encoder, const IntentFacts& intent, const IntentTerms& terms,
                 const std::vector<InvariantQuery*>& queries) {
  const z3::expr at = encoder.Index(intent.record);
  for (const int64_t e : intent.effects) {
    const z3::expr effect = encoder.Index(e);
    const z3::expr ok = encoder.RefOk(e);
    queries[0]->flags.push_back({ok && !terms.fenced && terms.commit && effect < terms.decision,
                                 {at, effect, terms.decision},
                                 "an effect comes before its intent's commit"});
    queries[1]->flags.push_back({ok && (terms.fenced || !terms.decided || !terms.commit),
                                 {at, effect},
                                 "an effect of an intent that is fenced, aborted or undecided"});
    queries[2]->flags.push_back(
        {ok && (terms.first_effect < effect || terms.first_marker < effect),
         {z3::ite(terms.first_effect < effect, terms.first_effect, terms.first_marker), effect},
         "a second effect, or an effect after a restart marker named the intent"});
    queries[3]->flags.push_back({ok && encoder.Action(e) != encoder.Action(intent.record),
                                 {at, effect},
                                 "the effect's action differs from the intent's"});
  }
  for (const int64_t r : intent.results) {
    const z3::expr result = encoder.Index(r);
    queries[4]->flags.push_back(
        {encoder.Resolved(r) && !encoder.Restart(r) &&
             (!(terms.decision < result && terms.commit) || terms.first_plain_result < result),
         {at, result},
         "a result of an intent not committed before it, or a second result"});
  }
}

}  // namespace

std::vector<InvariantQuery> IntentQueries(TraceEncoder& encoder, size_t begin, size_t end,
                                          Pending* pending) {
  const TraceFacts& facts = encoder.facts();
  z3::context& ctx = encoder.ctx();
  std::vector<InvariantQuery> queries = {{kDecUnique, {}},   {kDecJustified, {}}, {kDrvFence, {}},
                                         {kExeVisible, {}},  {kExeCommitted, {}}, {kExeOnce, {}},
                                         {kExeFaithful, {}}, {kResMatch, {}},     {kDrvSerial, {}}};
  encoder.DefineIntents(begin, end);
  DecisionFlags(encoder, begin, end, &queries);
  std::vector<InvariantQuery*> execution = {&queries[3], &queries[4], &queries[5], &queries[6],
                                            &queries[7]};
  // DRV-SERIAL: `pending` is the latest resolution point of the earlier live
  // intents (n if one is never resolved) and `pending.intent` the intent it
  // belongs to; a live intent appended before that point violates.
  for (size_t j = begin; j < end; ++j) {
    const IntentFacts& intent = facts.intents[j];
    const IntentTerms& terms = encoder.Intent(j);
    EffectFlags(encoder, intent, terms, execution);
    const z3::expr at = encoder.Index(intent.record);
    queries[8].flags.push_back({terms.live && pending->point > at,
                                {pending->intent, at},
                                "an intent appended while an earlier live one had neither "
                                "result nor abort"});
    const z3::expr aborted = terms.decided && !terms.commit;
    const z3::expr resolved_at =
        z3::ite(aborted && terms.decision < terms.first_result, terms.decision, terms.first_result);
    const z3::expr later = terms.live && resolved_at > pending->point;
    const std::string tag = "!" + std::to_string(intent.record);
    z3::expr next = ctx.int_const(("pending" + tag).c_str());
    z3::expr next_intent = ctx.int_const(("pending_intent" + tag).c_str());
    encoder.Define(next == z3::ite(later, resolved_at, pending->point));
    encoder.Define(next_intent == z3::ite(later, at, pending->intent));
    *pending = Pending{next, next_intent};
  }
  return queries;
}

std::vector<InvariantQuery> EnvQueries(TraceEncoder& encoder) {
  const TraceFacts& facts = encoder.facts();
  z3::context& ctx = encoder.ctx();
  if (facts.env_state_record < 0 || !facts.has_environment) return {};
  InvariantQuery env_query{kEnvConsistent, {}};
  const z3::expr env = ctx.int_const("env_digest"), model = ctx.int_const("model_digest");
  encoder.Define(env == ctx.int_val(facts.env_digest));
  encoder.Define(model == ctx.int_val(facts.model_digest));
  env_query.flags.push_back({env != model,
                             {encoder.Index(facts.env_state_record)},
                             "the environment's digest differs from the replay of the effects"});
  return {std::move(env_query)};
}

}  // namespace logact::verify::internal
