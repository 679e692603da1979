// Internals of the Z3 trace checker (verify/trace_smt.h). Not a public API.
//
// The trace is judged as many small queries on one incremental solver, each
// in its own push/pop scope, never as one global formula (a global formula
// with chains over every entry took 8 s at 10,000 records):
//  - facts (pos, type, ts, reference, ...) are the input: Z3 literals;
//  - acceptance (LOG-DENSE's expected-position chain) is derived by Z3 one
//    segment of records at a time: the segment's chain starts from the
//    expected position derived for the previous segment; Z3 finds the
//    segment's model, and a second query proves that no other value of the
//    acceptance flags or of the outgoing expected position satisfies the
//    chain (unsat). Every later query uses these proved values;
//  - per batch of intents, the definitions of each intent ("the first record
//    of a kind": its decision, first effect, restart marker, result, first
//    vote of each type, as an Int constant x with valid(k) -> x <= k and
//    x = n or x = some valid k) and the DRV-SERIAL chain over the batch,
//    starting from the pending point proved for the previous batch (the
//    outgoing point is derived and proved unique the same way);
//  - per invariant and segment or batch, one Boolean violation flag per
//    candidate record; the query asserts their disjunction: unsat means no
//    record of the segment violates. The scope has a unique model, so in a
//    sat answer every true flag is a violation and every false one is not.
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

// Per-intent definitions (all Z3 terms), valid in the scope of their batch.
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

// DRV-SERIAL's state between intents: the latest resolution point of the
// earlier live intents (n if one is never resolved, -1 if none) and the
// intent it belongs to.
struct Pending {
  z3::expr point;
  z3::expr intent;
};

class TraceEncoder {
 public:
  TraceEncoder(z3::context& ctx, const TraceFacts& facts);

  z3::context& ctx() { return *ctx_; }
  // Moves to a fresh context between scopes (only proved values carry over:
  // acceptance; every term of the old context is dropped).
  void Rebind(z3::context& ctx);
  const TraceFacts& facts() const { return facts_; }
  int64_t n() const { return static_cast<int64_t>(facts_.records.size()); }
  z3::expr Index(int64_t k) { return ctx_->int_val(k); }
  // The definitions built since the last call (for the current scope).
  z3::expr_vector TakeScope();
  void Define(const z3::expr& constraint) { scope_.push_back(constraint); }

  // Facts of record k (literals).
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
  // may(role, type): the access-control table, an uninterpreted function
  // whose full table MayTable() returns (asserted once at the base level).
  z3::expr May(const z3::expr& role, const z3::expr& type);
  z3::expr_vector MayTable();
  z3::expr IsType(int64_t k, EntryType type) { return Type(k) == static_cast<int>(type); }

  // Acceptance of the records [begin, end) as a chain starting at the
  // expected position `in`; returns the expected position after `end`.
  // Until SetAccepted, Accepted(k) is the chain's term.
  z3::expr DefineAcceptance(int64_t begin, int64_t end, const z3::expr& in);
  void SetAccepted(int64_t k, bool accepted);
  z3::expr Accepted(int64_t k);     // entry k is accepted
  z3::expr ExpectedPos(int64_t k);  // the next position expected at entry k (its segment only)
  z3::expr RefOk(int64_t k);        // its reference names an intent (entries: at a smaller pos)
  z3::expr Resolved(int64_t k);     // accepted (entries) and RefOk
  z3::expr FirstOf(const std::vector<int64_t>& candidates,
                   const std::function<z3::expr(int64_t)>& valid, const std::string& name);
  // The value of attr(k) for the candidate k that `selected` equals (otherwise `none`).
  z3::expr Select(const z3::expr& selected, const std::vector<int64_t>& candidates,
                  const std::function<z3::expr(int64_t)>& attr, const z3::expr& none);
  // Defines the terms of intents [begin, end) (indices into facts().intents).
  void DefineIntents(size_t begin, size_t end);
  const IntentTerms& Intent(size_t j) { return intents_.at(j - intents_begin_); }

 private:
  z3::context* ctx_;
  const TraceFacts& facts_;
  z3::expr_vector scope_;
  z3::func_decl may_;
  // Per record: proved acceptance (1/0; non-entries 0), -1 while its segment's
  // chain term (chain_accepted_) stands for it.
  std::vector<int8_t> fixed_;
  std::map<int64_t, z3::expr> chain_accepted_, chain_expected_;  // the current segment
  std::vector<IntentTerms> intents_;  // the current batch's intents, from intents_begin_
  size_t intents_begin_ = 0;
};

// The invariant families, per segment of records [begin, end) or batch of
// intents [begin, end); each returns its queries (flags over the encoder).
InvariantQuery DenseQuery(TraceEncoder& encoder, int64_t begin, int64_t end);  // LOG-DENSE
// LOG-ACL, REF-INTENT, DEC-POLICY, SAFE-SPEC.
std::vector<InvariantQuery> RecordQueries(TraceEncoder& encoder, int64_t begin, int64_t end);
// DEC-UNIQUE, DEC-JUSTIFIED, DRV-FENCE, EXE-*, RES-MATCH, DRV-SERIAL (the
// chain from *pending on, which is advanced to the batch's outgoing state).
std::vector<InvariantQuery> IntentQueries(TraceEncoder& encoder, size_t begin, size_t end,
                                          Pending* pending);
// ENV-CONSISTENT (no query if there is no env state record or no model).
std::vector<InvariantQuery> EnvQueries(TraceEncoder& encoder);

}  // namespace logact::verify::internal
