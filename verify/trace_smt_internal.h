// Internals of the Z3 trace checker (verify/trace_smt.h). Not a public API.
//
// TraceEncoder turns TraceFacts into Z3 terms:
//  - facts are uninterpreted functions from record index to a value (pos,
//    type, ts, ref, ...), each application asserted once, lazily, the first
//    time an invariant uses it ("pos(12) = 7");
//  - the definitions every invariant shares, written as constraints Z3 must
//    solve rather than values we compute: acceptance (the LOG-DENSE chain of
//    expected positions), whether a reference resolves, and per intent "the
//    first record of a kind" (its decision, first effect, first restart
//    marker, first result, first vote of each type) as an Int constant x with
//    valid(k) -> x <= k for every candidate k and x = n or x = some valid k;
//  - per invariant, one Boolean violation flag per candidate record.
// Each query asserts the disjunction of its flags over the shared background;
// the background has a unique model, so in a sat answer every true flag is a
// violation and every false one is not.
#pragma once

#include <z3++.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "verify/trace_facts.h"

namespace logact::verify::internal {

// One "record k violates the invariant" flag, with the record indices to
// report (Int terms evaluated in the model; n or -1 means none).
struct Flag {
  z3::expr violated;
  std::vector<z3::expr> records;
  std::string message;
};

struct InvariantQuery {
  std::string_view id;
  std::vector<Flag> flags;
};

// A fact table: a unary function over record indices, asserted pointwise on use.
class FactTable {
 public:
  FactTable(z3::context& ctx, const char* name, z3::sort range, z3::expr_vector* background);
  // f(k), asserting f(k) = value the first time.
  z3::expr At(int64_t k, const z3::expr& value);

 private:
  z3::context& ctx_;
  z3::func_decl function_;
  z3::expr_vector* background_;
  std::map<int64_t, bool> asserted_;
};

// Per-intent definitions (all Z3 terms).
struct IntentTerms {
  int64_t record = 0;
  z3::expr decision;     // record index of the decision, n if none
  z3::expr decided;      // decision < n
  z3::expr commit;       // the decision is a commit
  z3::expr timeout;      // the decision is a timeout abort
  z3::expr decision_ts;  // ts of the decision (0 if none)
  z3::expr fenced;
  z3::expr live;
  z3::expr first_effect, first_marker, first_result, first_plain_result;
};

class TraceEncoder {
 public:
  TraceEncoder(z3::context& ctx, const TraceFacts& facts);

  z3::context& ctx() { return ctx_; }
  const TraceFacts& facts() const { return facts_; }
  int64_t n() const { return static_cast<int64_t>(facts_.records.size()); }
  z3::expr Index(int64_t k) { return ctx_.int_val(k); }
  z3::expr_vector& background() { return background_; }

  // Facts of record k.
  z3::expr Pos(int64_t k);
  z3::expr Type(int64_t k);
  z3::expr Ts(int64_t k);
  z3::expr Ref(int64_t k);
  z3::expr Role(int64_t k);
  z3::expr AuthorName(int64_t k);
  z3::expr Named(int64_t k);
  z3::expr Approve(int64_t k);
  z3::expr VoteType(int64_t k);
  z3::expr Timeout(int64_t k);
  z3::expr Restart(int64_t k);
  z3::expr Version(int64_t k);
  z3::expr Expected(int64_t k);
  z3::expr Action(int64_t k);
  z3::expr Forbidden(int64_t k);
  z3::expr Fenced(int64_t k);
  // may(role, type): the access-control table, asserted in full.
  z3::expr May(const z3::expr& role, const z3::expr& type);
  z3::expr IsType(int64_t k, EntryType type) { return Type(k) == static_cast<int>(type); }

  // Shared definitions.
  z3::expr Accepted(int64_t k);     // entry k is accepted (Z3's LOG-DENSE chain)
  z3::expr ExpectedPos(int64_t k);  // the next position expected at entry k
  z3::expr RefOk(int64_t k);        // its reference names an intent (entries: at a smaller pos)
  z3::expr Resolved(int64_t k);     // accepted (entries) and RefOk
  z3::expr FirstOf(const std::vector<int64_t>& candidates,
                   const std::function<z3::expr(int64_t)>& valid, const std::string& name);
  // The value of attr(k) for the candidate k that `selected` equals (otherwise `none`).
  z3::expr Select(const z3::expr& selected, const std::vector<int64_t>& candidates,
                  const std::function<z3::expr(int64_t)>& attr, const z3::expr& none);
  const IntentTerms& Intent(size_t j) { return intents_[j]; }

 private:
  void DefineAcceptance();
  void DefineIntents();

  z3::context& ctx_;
  const TraceFacts& facts_;
  z3::expr_vector background_;
  FactTable pos_, type_, ts_, ref_, role_, author_, named_, approve_, vote_type_, timeout_,
      restart_, version_, expected_, action_, forbidden_, fenced_;
  z3::func_decl may_;
  bool may_asserted_ = false;
  std::vector<z3::expr> accepted_;  // per record (false for non-entries)
  std::vector<z3::expr> next_expected_;
  std::vector<IntentTerms> intents_;
};

// The invariant families: each returns its queries (flags over the encoder).
std::vector<InvariantQuery> LogQueries(TraceEncoder& encoder);  // LOG-*, REF-INTENT, DEC-POLICY
std::vector<InvariantQuery> DecisionQueries(
    TraceEncoder& encoder);  // DEC-UNIQUE, DEC-JUSTIFIED, DRV-FENCE
std::vector<InvariantQuery> ExecutionQueries(
    TraceEncoder& encoder);  // EXE-*, RES-MATCH, DRV-SERIAL, SAFE-SPEC, ENV-CONSISTENT

}  // namespace logact::verify::internal
