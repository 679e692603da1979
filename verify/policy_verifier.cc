// Policy verification queries. One solver holds the schema constraints; each
// query is pushed, checked and popped, so the action encoding and the voters'
// formulas are built once and shared by every query (200 dead-rule queries
// reuse the same terms).
#include "verify/policy_verifier.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>

#include "core/assert.h"
#include "verify/policy_check.h"
#include "verify/policy_native.h"
#include "verify/policy_witness.h"

namespace logact::verify {
namespace {

std::string FileName(const std::string& query) {
  std::string out;
  for (char c : query)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  return out + ".smt2";
}

struct Outcome {
  z3::check_result result = z3::unknown;
  std::optional<z3::model> model;
  std::string reason;  // Z3's reason for `unknown`
};

// Runs push/add/check/pop queries on one solver and records their statistics.
class QueryRunner {
 public:
  QueryRunner(z3::context& ctx, ActionEncoding& action, const VerifyOptions& options,
              std::vector<QueryStat>* stats)
      : solver_(ctx), action_(action), options_(options), stats_(stats) {
    if (options.timeout_ms > 0) {
      z3::params params(ctx);
      params.set("timeout", static_cast<unsigned>(options.timeout_ms));
      solver_.set(params);
    }
    solver_.add(action.Valid());
  }

  // `timeout_ms` > 0 lowers the options' time-out for this query.
  Result<Outcome> Run(const std::string& name, const z3::expr& query, int64_t timeout_ms = 0) {
    const int64_t timeout =
        timeout_ms > 0 && (options_.timeout_ms <= 0 || timeout_ms < options_.timeout_ms)
            ? timeout_ms
            : options_.timeout_ms;
    SetTimeout(timeout);
    solver_.push();
    solver_.add(query);
    QueryStat stat{name, "", 0, solver_.assertions().size(), 0};
    if (!options_.smtlib_dir.empty() || options_.measure_sizes) {
      const std::string smt2 = solver_.to_smt2();
      stat.smt2_bytes = smt2.size();
      if (!options_.smtlib_dir.empty()) {
        const std::string path = options_.smtlib_dir + "/" + FileName(name);
        std::ofstream out(path, std::ios::binary);
        out << smt2;
        if (!out) {
          solver_.pop();
          return InvalidArgumentError(path + ": cannot write the SMT-LIB file");
        }
      }
    }
    const auto start = std::chrono::steady_clock::now();
    Outcome outcome;
    outcome.result = solver_.check();
    if (outcome.result == z3::sat) {
      outcome.model = solver_.get_model();
      // Z3 may pick characters outside the byte range or bytes that are not
      // UTF-8; ask again for printable strings, which every action can carry.
      if (!action_.Extract(*outcome.model).has_value()) {
        solver_.add(action_.StringDomain(true));
        if (solver_.check() == z3::sat) outcome.model = solver_.get_model();
      }
    } else if (outcome.result == z3::unknown) {
      outcome.reason = solver_.reason_unknown();
    }
    stat.ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    stat.result = outcome.result == z3::sat     ? "sat"
                  : outcome.result == z3::unsat ? "unsat"
                                                : "unknown";
    stats_->push_back(stat);
    solver_.pop();
    return outcome;
  }

  bool writes_smtlib() const { return !options_.smtlib_dir.empty(); }

 private:
  // Z3_solver_set_params costs more than most queries (a fifth of the
  // 200-rule validation): only a changed time-out is set.
  void SetTimeout(int64_t timeout_ms) {
    if (timeout_ms_ == timeout_ms) return;
    timeout_ms_ = timeout_ms;
    z3::params params(solver_.ctx());
    // 0 means none; Z3 takes UINT_MAX as "no time-out".
    params.set("timeout", timeout_ms > 0 ? static_cast<unsigned>(timeout_ms) : 4294967295u);
    solver_.set(params);
  }

  z3::solver solver_;
  std::optional<int64_t> timeout_ms_;  // the time-out SetTimeout last set
  ActionEncoding& action_;
  const VerifyOptions& options_;
  std::vector<QueryStat>* stats_;
};

z3::expr AnyOf(z3::context& ctx, ActionEncoding& action, const std::vector<Condition>& list) {
  z3::expr any = ctx.bool_val(false);
  for (const Condition& condition : list) any = any || action.Encode(condition);
  return any;
}

// The answer for a query whose witness violates the property. `confirm`
// replays the witness natively and returns true when the engine agrees.
template <typename Confirm>
PropertyAnswer AnswerFor(const Outcome& outcome, const ActionEncoding& action,
                         const std::function<Counterexample(const z3::model&, Action)>& build,
                         Confirm confirm) {
  PropertyAnswer answer;
  if (outcome.result == z3::unsat) {
    answer.answer = Answer::kYes;
    return answer;
  }
  if (outcome.result == z3::unknown) {
    answer.note = "Z3 answered unknown (" + outcome.reason + ")";
    return answer;
  }
  Result<Action> witness = action.Extract(*outcome.model);
  if (!witness.has_value()) {
    answer.note = "the solver's witness cannot be written as JSON: " + witness.error().message();
    return answer;
  }
  Counterexample counterexample = build(*outcome.model, std::move(witness).value());
  Result<bool> confirmed = confirm(counterexample);
  if (!confirmed.has_value() || !*confirmed) {
    answer.note = "the solver's witness " + CompactJson(counterexample.ToJson()) +
                  " is not confirmed by the native voters and decider (text conditions and "
                  "non-double reals are approximated by the solver)";
    return answer;
  }
  answer.answer = Answer::kNo;
  answer.counterexample = std::move(counterexample);
  return answer;
}

Status CheckOverlap(z3::context& ctx, ActionEncoding& action, QueryRunner& runner,
                    const SafetySpec& spec, std::vector<std::string>* notes) {
  if (spec.forbidden.empty() || spec.benign.empty()) return Status::Ok();
  LOGACT_ASSIGN_OR_RETURN(Outcome outcome,
                          runner.Run("spec_overlap", AnyOf(ctx, action, spec.forbidden) &&
                                                         AnyOf(ctx, action, spec.benign)));
  if (outcome.result == z3::unsat) return Status::Ok();
  if (outcome.result == z3::unknown) {
    notes->push_back("could not decide whether some action is both forbidden and benign (" +
                     outcome.reason + ")");
    return Status::Ok();
  }
  Result<Action> witness = action.Extract(*outcome.model);
  if (!witness.has_value()) return Status::Ok();
  std::string benign;
  std::string forbidden;
  const std::string text = witness->ToText();
  for (size_t i = 0; i < spec.benign.size() && benign.empty(); ++i) {
    if (EvaluateCondition(spec.benign[i], *witness, text))
      benign = "benign[" + std::to_string(i) + "]";
  }
  for (size_t i = 0; i < spec.forbidden.size() && forbidden.empty(); ++i) {
    if (EvaluateCondition(spec.forbidden[i], *witness, text)) {
      forbidden = "forbidden[" + std::to_string(i) + "]";
    }
  }
  if (benign.empty() || forbidden.empty()) {
    notes->push_back("the spec may be contradictory (a text condition leaves it open)");
    return Status::Ok();
  }
  return InvalidArgumentError("spec: contradictory: the action " + text + " matches both " +
                              benign + " and " + forbidden +
                              ", so no voter set can be both safe and useful (expected benign "
                              "and forbidden actions to be disjoint)");
}

Status CheckInputs(const std::vector<const VoterSet*>& sets, const SafetySpec& spec) {
  LOGACT_TRY(CheckSpecTypes(spec));
  for (const VoterSet* set : sets) LOGACT_TRY(CheckVoterSetAgainstSchemas(*set, spec.tools));
  return Status::Ok();
}

Status PrepareSmtlibDir(const VerifyOptions& options) {
  if (options.smtlib_dir.empty()) return Status::Ok();
  std::error_code error;
  std::filesystem::create_directories(options.smtlib_dir, error);
  if (error) {
    return InvalidArgumentError(options.smtlib_dir + ": cannot create directory (" +
                                error.message() + ")");
  }
  return Status::Ok();
}

}  // namespace

Json AnswerJson(Answer answer) {
  if (answer == Answer::kYes) return true;
  if (answer == Answer::kNo) return false;
  return "unknown";
}

Json Counterexample::ToJson() const {
  Json out = {{"action", {{"tool", action.tool}, {"args", action.args}}}, {"votes", votes}};
  if (!scenario.unknown_votes.empty()) out["unknown_votes"] = scenario.unknown_votes;
  if (!scenario.first_voter.empty()) out["first_voter"] = scenario.first_voter;
  if (scenario.first_type.has_value()) out["first_type"] = *scenario.first_type;
  return out;
}

namespace {

Json CounterexampleJson(const PropertyAnswer& answer) {
  return answer.counterexample.has_value() ? answer.counterexample->ToJson() : Json(nullptr);
}

Json StatsJson(const std::vector<QueryStat>& stats) {
  Json out = Json::array();
  for (const QueryStat& stat : stats) {
    Json entry = {{"name", stat.name},
                  {"result", stat.result},
                  {"ms", stat.ms},
                  {"assertions", stat.assertions}};
    if (stat.smt2_bytes > 0) entry["smt2_bytes"] = stat.smt2_bytes;
    out.push_back(entry);
  }
  return out;
}

Json RulesJson(const std::vector<RuleRef>& rules) {
  Json out = Json::array();
  for (const RuleRef& rule : rules) out.push_back({{"voter", rule.voter}, {"rule", rule.rule}});
  return out;
}

Json LiveRulesJson(const std::vector<LiveRule>& rules) {
  Json out = Json::array();
  for (const LiveRule& live : rules) {
    const Counterexample witness{live.action, {}, live.scenario};
    Json entry = witness.ToJson();
    entry.erase("votes");
    out.push_back({{"voter", live.rule.voter},
                   {"rule", live.rule.rule},
                   {"by", live.by},
                   {"witness", entry}});
  }
  return out;
}

Json TimingsJson(const ValidationTimings& timings) {
  return {{"safe_ms", timings.safe_ms},           {"useful_ms", timings.useful_ms},
          {"dead_ms", timings.dead_ms},           {"native_ms", timings.native_ms},
          {"candidates", timings.candidates},     {"rules", timings.rules},
          {"live_native", timings.live_native},   {"dead_simplified", timings.dead_simplified},
          {"dead_covered", timings.dead_covered}, {"dead_abstract", timings.dead_abstract},
          {"rules_to_z3", timings.rules_to_z3},   {"dead_queries", timings.dead_queries}};
}

}  // namespace

Json ValidationReport::ToJson() const {
  Json dead = Json::array();
  for (const RuleRef& rule : dead_rules) dead.push_back(rule.rule);
  Json all_notes = notes;
  if (!safe.note.empty()) all_notes.push_back("safe: " + safe.note);
  if (!useful.note.empty()) all_notes.push_back("useful: " + useful.note);
  return {{"safe", AnswerJson(safe.answer)},
          {"useful", AnswerJson(useful.answer)},
          {"dead_rules", dead},
          {"counterexamples",
           {{"safe", CounterexampleJson(safe)}, {"useful", CounterexampleJson(useful)}}},
          {"dead_rules_detail", RulesJson(dead_rules)},
          {"undecided_rules", RulesJson(undecided_rules)},
          {"live_rules", LiveRulesJson(live_rules)},
          {"timings", TimingsJson(timings)},
          {"notes", all_notes},
          {"queries", StatsJson(queries)}};
}

Json DiffReport::ToJson() const {
  Json all_notes = notes;
  if (!old_only.note.empty()) all_notes.push_back("old_only: " + old_only.note);
  if (!new_only.note.empty()) all_notes.push_back("new_only: " + new_only.note);
  auto side = [](const PropertyAnswer& answer) {
    // "answer" is whether the side commits nothing the other cannot.
    return Json{{"none", AnswerJson(answer.answer)},
                {"counterexample", CounterexampleJson(answer)}};
  };
  const bool unknown = old_only.answer == Answer::kUnknown || new_only.answer == Answer::kUnknown;
  return {{"same", same() ? Json(true)
                   : unknown && old_only.answer != Answer::kNo && new_only.answer != Answer::kNo
                       ? Json("unknown")
                       : Json(false)},
          {"old_only", side(old_only)},
          {"new_only", side(new_only)},
          {"notes", all_notes},
          {"queries", StatsJson(queries)}};
}

namespace {

double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// The native pre-pass's candidates: the constants of every rule and of the
// spec (the forbidden and benign examples first).
std::vector<Action> Candidates(const VoterSet& set, const SafetySpec& spec) {
  std::vector<const Condition*> bases;
  for (const Condition& condition : spec.forbidden) bases.push_back(&condition);
  for (const Condition& condition : spec.benign) bases.push_back(&condition);
  std::vector<const Condition*> conditions;
  for (const VoterConfig& voter : set.voters) {
    for (const Rule& rule : voter.rules) conditions.push_back(&rule.when);
  }
  return CandidateActions(conditions, bases, spec.tools, limits::kPolicyWitnessCandidatesMax);
}

struct Prepass {
  std::vector<Action> candidates;
  std::vector<VoteScenario> scenarios;
};

// A forbidden candidate the native voters and decider commit in some scenario.
std::optional<Counterexample> NativeUnsafe(const VoterSet& set, const SafetySpec& spec,
                                           const Prepass& prepass) {
  for (const Action& action : prepass.candidates) {
    if (!IsForbidden(spec, action)) continue;
    for (const VoteScenario& scenario : prepass.scenarios) {
      if (NativeVerdict(set, action, scenario) == Verdict::kCommit) {
        return Counterexample{action, NativeCountedVotes(set, action, scenario), scenario};
      }
    }
  }
  return std::nullopt;
}

// A benign candidate no choice of votes commits (NativeCanCommit).
std::optional<Counterexample> NativeUseless(const VoterSet& set, const SafetySpec& spec,
                                            const Prepass& prepass) {
  for (const Action& action : prepass.candidates) {
    if (!AnyHolds(spec.benign, action)) continue;
    Result<bool> can = NativeCanCommit(set, action);
    if (!can.has_value() || *can) continue;
    Counterexample cx{action, NativeCanApprove(set, action), {}};
    for (const VoterConfig& voter : set.voters) {
      if (!voter.is_rule_voter && voter.assume == Assumption::kUnknown) {
        cx.scenario.unknown_votes[voter.name] = true;
      }
    }
    return cx;
  }
  return std::nullopt;
}

// `query` with the tool fixed to index `t`, simplified.
z3::expr ForTool(z3::context& ctx, const ActionEncoding& action, const z3::expr& query, size_t t) {
  z3::expr_vector from(ctx);
  z3::expr_vector to(ctx);
  from.push_back(action.tool());
  to.push_back(ctx.int_val(static_cast<int>(t)));
  return z3::expr(query).substitute(from, to).simplify();
}

// `query` with the tool fixed, per tool, simplified; tools where it
// simplifies to false are left out (Z3's simplifier preserves equivalence,
// so an empty list proves the query unsatisfiable).
std::vector<std::pair<std::string, z3::expr>> PerTool(z3::context& ctx,
                                                      const ActionEncoding& action,
                                                      const z3::expr& query) {
  std::vector<std::pair<std::string, z3::expr>> out;
  const std::vector<std::string>& tools = action.tool_names();
  for (size_t t = 0; t < tools.size(); ++t) {
    z3::expr fixed = ForTool(ctx, action, query, t);
    if (fixed.is_false()) continue;
    out.emplace_back(tools[t], fixed && action.tool() == static_cast<int>(t));
  }
  return out;
}

// The per-tool parts of `query` (PerTool) that its string abstraction does
// not refute: with the affix lemmas conjoined, every string membership is
// replaced by a Boolean (ActionEncoding::AbstractStrings) and each tool's
// abstract part is asked first, with the cover time-out. An unsat abstract
// part proves the real part unsat (the abstraction only adds models), so the
// string solver is asked only about the rest. `*parts` counts the real parts.
Result<std::vector<std::pair<std::string, z3::expr>>> Unrefuted(
    z3::context& ctx, ActionEncoding& action, QueryRunner& runner, const std::string& name,
    const z3::expr& query, size_t* parts) {
  const z3::expr with_lemmas = query && action.AffixLemmas(query);
  if (runner.writes_smtlib()) {
    // --smtlib promises the real queries, each written: no abstraction.
    std::vector<std::pair<std::string, z3::expr>> out = PerTool(ctx, action, with_lemmas);
    *parts = out.size();
    return out;
  }
  // The abstraction first: a part it simplifies to false (or refutes) is
  // false, and the large real formula is fixed and simplified only for the
  // tools left.
  std::vector<std::pair<std::string, z3::expr>> kept;
  *parts = 0;
  // The regex lemmas hold on byte strings only: the abstraction alone gets them.
  const z3::expr abstract = action.AbstractStrings(with_lemmas && action.RegexLemmas(query));
  const std::vector<std::string>& tools = action.tool_names();
  for (size_t t = 0; t < tools.size(); ++t) {
    const z3::expr abstract_part = ForTool(ctx, action, abstract, t);
    if (abstract_part.is_false()) continue;
    ++*parts;
    const z3::expr on_tool = action.tool() == static_cast<int>(t);
    LOGACT_ASSIGN_OR_RETURN(
        Outcome outcome, runner.Run("abstract." + name + "." + tools[t], abstract_part && on_tool,
                                    limits::kPolicyCoverQueryTimeoutMs));
    if (outcome.result == z3::unsat) continue;
    const z3::expr fixed = ForTool(ctx, action, with_lemmas, t);
    if (!fixed.is_false()) kept.emplace_back(tools[t], fixed && on_tool);
  }
  return kept;
}

enum class RuleStatus : uint8_t { kDead, kLive, kUndecided };

// One rule voter's formulas fixed to each tool and simplified once
// (ForTool), so whether a rule's dead-rule formula simplifies to false is
// seen from small parts: substituting into and simplifying the whole formula
// (every rule of the voter and the other voters' votes) per rule was most of
// the time of the first generator's 200-rule policy.
struct FixedVoter {
  std::vector<std::vector<z3::expr>> matches;  // [tool][rule]
  std::vector<z3::expr> sensitive;             // [tool]
  z3::expr whole;                              // sensitive, not fixed
};

FixedVoter FixVoter(z3::context& ctx, const ActionEncoding& action,
                    const VoterSetEncoding& encoding, size_t v, size_t rules,
                    const z3::expr& sensitive) {
  FixedVoter out{.matches = {}, .sensitive = {}, .whole = sensitive};
  for (size_t t = 0; t < action.tool_names().size(); ++t) {
    std::vector<z3::expr> matches;
    for (size_t r = 0; r < rules; ++r)
      matches.push_back(ForTool(ctx, action, encoding.RuleMatches(v, r), t));
    out.matches.push_back(std::move(matches));
    out.sensitive.push_back(ForTool(ctx, action, sensitive, t));
  }
  return out;
}

// RuleChanges(v, r) ∧ sensitive, as the disjunction over tools t of
// `tool = t ∧ (the formula with tool := t, simplified)`: equivalent on every
// valid action (its tool is one of them), so `false` proves the rule dead.
z3::expr FixedChanges(z3::context& ctx, const ActionEncoding& action,
                      const VoterSetEncoding& encoding, const FixedVoter& fixed, size_t v,
                      size_t r) {
  z3::expr_vector parts(ctx);
  for (size_t t = 0; t < fixed.matches.size(); ++t) {
    if (fixed.matches[t][r].is_false() || fixed.sensitive[t].is_false()) continue;
    const z3::expr part =
        (encoding.RuleChanges(v, r, fixed.matches[t]) && fixed.sensitive[t]).simplify();
    if (!part.is_false()) parts.push_back(action.tool() == static_cast<int>(t) && part);
  }
  return parts.empty() ? ctx.bool_val(false) : z3::mk_or(parts);
}

// Whether `r ∧ ¬others` is unsat on every tool: kYes proved, kNo a tool
// is sat, kUnknown a time-out (of `timeout_ms`).
Result<Answer> CoverHolds(z3::context& ctx, ActionEncoding& action,
                          const VoterSetEncoding& encoding, const VoterConfig& voter, size_t v,
                          size_t r, const std::vector<size_t>& others, int64_t timeout_ms,
                          QueryRunner& runner, ValidationReport* report) {
  z3::expr query = encoding.RuleMatches(v, r);
  std::string names = "cover." + voter.name + "." + voter.rules[r].id;
  for (size_t other : others) {
    query = query && !encoding.RuleMatches(v, other);
    names += "." + voter.rules[other].id;
  }
  size_t parts = 0;
  LOGACT_ASSIGN_OR_RETURN(auto unrefuted, Unrefuted(ctx, action, runner, names, query, &parts));
  Answer answer = Answer::kYes;
  for (const auto& [tool, part] : unrefuted) {
    ++report->timings.dead_queries;
    LOGACT_ASSIGN_OR_RETURN(Outcome outcome, runner.Run(names + "." + tool, part, timeout_ms));
    if (outcome.result == z3::sat) return Answer::kNo;
    if (outcome.result == z3::unknown) answer = Answer::kUnknown;
  }
  return answer;
}

// Whether rule r is implied by another rule of its voter that makes it dead
// (a deny rule for a deny rule, any rule for an allow rule; see
// CoverProposals): `r ∧ ¬other` unsat on every tool proves that wherever r
// matches, the other rule does too, so r's removal never changes the verdict
// (VoterSetEncoding::RuleChanges requires ¬other). Much smaller than the
// full dead-rule query, which negates every other rule of the voter.
Result<bool> Covered(z3::context& ctx, ActionEncoding& action, const VoterSetEncoding& encoding,
                     const VoterSet& set, size_t v, size_t r, QueryRunner& runner,
                     ValidationReport* report) {
  const VoterConfig& voter = set.voters[v];
  // A quick pass over every proposal, then the unknown ones with the full
  // cover time-out (a wrong proposal's sat answer can be slow).
  std::vector<std::vector<size_t>> retry;
  for (const std::vector<size_t>& others : CoverProposals(voter, r, action.schemas(), 2)) {
    LOGACT_ASSIGN_OR_RETURN(Answer answer,
                            CoverHolds(ctx, action, encoding, voter, v, r, others,
                                       limits::kPolicyCoverQuickTimeoutMs, runner, report));
    if (answer == Answer::kYes) return true;
    if (answer == Answer::kUnknown) retry.push_back(others);
  }
  for (const std::vector<size_t>& others : retry) {
    LOGACT_ASSIGN_OR_RETURN(Answer answer,
                            CoverHolds(ctx, action, encoding, voter, v, r, others,
                                       limits::kPolicyCoverQueryTimeoutMs, runner, report));
    if (answer == Answer::kYes) return true;
  }
  return false;
}

// Asks Z3 whether rule r of voter v is live, one query per tool it can touch.
Result<RuleStatus> RuleWithZ3(z3::context& ctx, ActionEncoding& action,
                              const VoterSetEncoding& encoding, const VoterSet& set, size_t v,
                              size_t r, const FixedVoter& fixed, const Prepass* prepass,
                              QueryRunner& runner, ValidationReport* report) {
  const VoterConfig& voter = set.voters[v];
  const std::string rule_name = voter.name + "." + voter.rules[r].id;
  // The cover's queries are small (the rule and a few others); the full
  // formula negates every other rule of the voter, and fixing and
  // simplifying it per tool is the larger cost, so the cover goes first.
  LOGACT_ASSIGN_OR_RETURN(bool covered, Covered(ctx, action, encoding, set, v, r, runner, report));
  if (covered) {
    ++report->timings.rules_to_z3;
    ++report->timings.dead_covered;
    return RuleStatus::kDead;
  }
  // The pre-fixed form only decides the rules it simplifies to false; the
  // others are asked in the whole formula's shape, which Z3 handles better
  // (a sat dead-rule query took 1 s on the pre-fixed form, 0.2 s on it).
  size_t parts = 0;
  std::vector<std::pair<std::string, z3::expr>> per_tool;
  if (!FixedChanges(ctx, action, encoding, fixed, v, r).is_false()) {
    LOGACT_ASSIGN_OR_RETURN(per_tool, Unrefuted(ctx, action, runner, "dead." + rule_name,
                                                encoding.RuleChanges(v, r) && fixed.whole, &parts));
  }
  if (parts == 0) {
    ++report->timings.dead_simplified;
    return RuleStatus::kDead;
  }
  ++report->timings.rules_to_z3;
  if (per_tool.empty()) {
    ++report->timings.dead_abstract;
    return RuleStatus::kDead;
  }
  if (prepass != nullptr) {
    // Neither trivially dead nor implied away: try combined native candidates.
    const auto start = std::chrono::steady_clock::now();
    const auto found = FindCombinedWitnesses(set, action.schemas(), {{v, r}}, prepass->scenarios,
                                             limits::kPolicyWitnessCandidatesMax);
    report->timings.native_ms += MsSince(start);
    if (!found.empty()) {
      const LiveWitness& witness = found.begin()->second;
      report->live_rules.push_back(
          LiveRule{{voter.name, voter.rules[r].id}, witness.action, witness.scenario, "native"});
      ++report->timings.live_native;
      --report->timings.rules_to_z3;
      return RuleStatus::kLive;
    }
  }
  bool undecided = false;
  for (const auto& [tool, query] : per_tool) {
    ++report->timings.dead_queries;
    LOGACT_ASSIGN_OR_RETURN(
        Outcome outcome,
        runner.Run("dead." + voter.name + "." + voter.rules[r].id + "." + tool, query));
    if (outcome.result == z3::unsat) continue;
    if (outcome.result == z3::unknown) {
      undecided = true;
      continue;
    }
    Result<Action> witness = action.Extract(*outcome.model);
    const VoteScenario scenario = encoding.ExtractScenario(*outcome.model);
    if (witness.has_value() && NativelyLive(set, v, r, *witness, scenario)) {
      report->live_rules.push_back(
          LiveRule{{voter.name, voter.rules[r].id}, *witness, scenario, "z3"});
      return RuleStatus::kLive;
    }
    undecided = true;  // a model the engine does not reproduce proves nothing
  }
  return undecided ? RuleStatus::kUndecided : RuleStatus::kDead;
}

// Dead rules: a native pre-pass shows most live rules live on a concrete
// action (no query); the others are asked to Z3 per tool.
Status DeadRules(z3::context& ctx, ActionEncoding& action, const VoterSetEncoding& encoding,
                 const VoterSet& set, const Prepass& prepass, QueryRunner& runner,
                 ValidationReport* report) {
  const auto native_start = std::chrono::steady_clock::now();
  std::vector<Action> candidates = prepass.candidates;
  for (const PropertyAnswer* answer : {&report->safe, &report->useful}) {
    if (answer->counterexample.has_value()) candidates.push_back(answer->counterexample->action);
  }
  const auto witnesses = FindLiveWitnesses(set, candidates, prepass.scenarios);
  report->timings.native_ms += MsSince(native_start);
  for (size_t v = 0; v < set.voters.size(); ++v) {
    const VoterConfig& voter = set.voters[v];
    if (!voter.is_rule_voter) continue;
    // Whether this voter's vote can change the decider's outcome.
    std::vector<z3::expr> approve = encoding.votes();
    std::vector<z3::expr> deny = encoding.votes();
    approve[v] = ctx.bool_val(true);
    deny[v] = ctx.bool_val(false);
    const z3::expr sensitive = encoding.Commits(approve) != encoding.Commits(deny);
    const FixedVoter fixed = FixVoter(ctx, action, encoding, v, voter.rules.size(), sensitive);
    for (size_t r = 0; r < voter.rules.size(); ++r) {
      ++report->timings.rules;
      const RuleRef ref{voter.name, voter.rules[r].id};
      auto found = witnesses.find({v, r});
      if (found != witnesses.end()) {
        ++report->timings.live_native;
        report->live_rules.push_back(
            LiveRule{ref, found->second.action, found->second.scenario, "native"});
        continue;
      }
      LOGACT_ASSIGN_OR_RETURN(
          RuleStatus status,
          RuleWithZ3(ctx, action, encoding, set, v, r, fixed,
                     prepass.candidates.empty() ? nullptr : &prepass, runner, report));
      if (status == RuleStatus::kDead) report->dead_rules.push_back(ref);
      if (status == RuleStatus::kUndecided) report->undecided_rules.push_back(ref);
    }
  }
  return Status::Ok();
}

// `query` asked per tool (PerTool): "yes" when every part is unsat, "no"
// with the first natively confirmed witness, else "unknown".
template <typename Confirm>
Result<PropertyAnswer> SplitQuery(
    z3::context& ctx, ActionEncoding& action, QueryRunner& runner, const std::string& name,
    const z3::expr& query, const std::function<Counterexample(const z3::model&, Action)>& build,
    Confirm confirm) {
  PropertyAnswer answer{Answer::kYes, std::nullopt, ""};
  if (runner.writes_smtlib()) {
    // --smtlib writes the property as one query (safe.smt2, useful.smt2).
    LOGACT_ASSIGN_OR_RETURN(Outcome outcome, runner.Run(name, query));
    return AnswerFor(outcome, action, build, confirm);
  }
  for (const auto& [tool, part] : PerTool(ctx, action, query)) {
    LOGACT_ASSIGN_OR_RETURN(Outcome outcome, runner.Run(name + "." + tool, part));
    PropertyAnswer result = AnswerFor(outcome, action, build, confirm);
    if (result.answer == Answer::kNo) return result;
    if (result.answer == Answer::kUnknown) answer = std::move(result);
  }
  return answer;
}

// safe: a natively committed forbidden candidate answers "no" at once;
// otherwise Z3 looks for a forbidden action some choice commits.
Status CheckSafe(z3::context& ctx, ActionEncoding& action, const VoterSetEncoding& encoding,
                 const VoterSet& set, const SafetySpec& spec, const Prepass& prepass,
                 QueryRunner& runner, PropertyAnswer* answer) {
  if (std::optional<Counterexample> cx = NativeUnsafe(set, spec, prepass)) {
    *answer = PropertyAnswer{Answer::kNo, std::move(cx), ""};
    return Status::Ok();
  }
  LOGACT_ASSIGN_OR_RETURN(
      *answer,
      SplitQuery(
          ctx, action, runner, "safe", AnyOf(ctx, action, spec.forbidden) && encoding.Commits(),
          [&](const z3::model& model, Action witness) {
            return Counterexample{std::move(witness), encoding.ExtractVotes(model),
                                  encoding.ExtractScenario(model)};
          },
          [&](const Counterexample& cx) -> Result<bool> {
            return IsForbidden(spec, cx.action) &&
                   NativeVerdict(set, cx.action, cx.scenario) == Verdict::kCommit;
          }));
  return Status::Ok();
}

// useful: a benign candidate no choice commits answers "no" at once;
// otherwise Z3 looks for a benign action no choice commits.
Status CheckUseful(z3::context& ctx, ActionEncoding& action, const VoterSetEncoding& encoding,
                   const VoterSet& set, const SafetySpec& spec, const Prepass& prepass,
                   QueryRunner& runner, PropertyAnswer* answer) {
  if (std::optional<Counterexample> cx = NativeUseless(set, spec, prepass)) {
    *answer = PropertyAnswer{Answer::kNo, std::move(cx), ""};
    return Status::Ok();
  }
  const std::map<std::string, z3::expr> can_approve = encoding.CanApprove();
  LOGACT_ASSIGN_OR_RETURN(
      *answer,
      SplitQuery(
          ctx, action, runner, "useful", AnyOf(ctx, action, spec.benign) && !encoding.CanCommit(),
          [&](const z3::model& model, Action witness) {
            // The most favourable vote each type can cast: the action is blocked even so.
            Counterexample cx{std::move(witness), {}, {}};
            for (const auto& [type, can] : can_approve)
              cx.votes[type] = model.eval(can, true).is_true();
            for (const VoterConfig& voter : set.voters) {
              if (!voter.is_rule_voter && voter.assume == Assumption::kUnknown) {
                cx.scenario.unknown_votes[voter.name] = true;
              }
            }
            return cx;
          },
          [&](const Counterexample& cx) -> Result<bool> {
            if (!AnyHolds(spec.benign, cx.action)) return false;
            LOGACT_ASSIGN_OR_RETURN(bool can, NativeCanCommit(set, cx.action));
            return !can;
          }));
  return Status::Ok();
}

Result<ValidationReport> ValidateWithZ3(const VoterSet& set, const SafetySpec& spec,
                                        const VerifyOptions& options) {
  ValidationReport report;
  z3::context ctx;
  ActionEncoding action(ctx, spec.tools);
  QueryRunner runner(ctx, action, options, &report.queries);
  LOGACT_TRY(CheckOverlap(ctx, action, runner, spec, &report.notes));
  VoterSetEncoding encoding(ctx, action, set, "");

  const auto native_start = std::chrono::steady_clock::now();
  Prepass prepass;
  // --smtlib promises every query in a file: no query is skipped natively.
  if (options.native_prepass && options.smtlib_dir.empty()) {
    prepass.candidates = Candidates(set, spec);
    prepass.scenarios = EnumerateScenarios(set, limits::kPolicyWitnessScenariosMax);
  }
  report.timings.candidates = prepass.candidates.size();
  report.timings.native_ms = MsSince(native_start);

  const auto safe_start = std::chrono::steady_clock::now();
  LOGACT_TRY(CheckSafe(ctx, action, encoding, set, spec, prepass, runner, &report.safe));
  report.timings.safe_ms = MsSince(safe_start);
  const auto useful_start = std::chrono::steady_clock::now();
  LOGACT_TRY(CheckUseful(ctx, action, encoding, set, spec, prepass, runner, &report.useful));
  report.timings.useful_ms = MsSince(useful_start);

  if (options.dead_rules) {
    const auto dead_start = std::chrono::steady_clock::now();
    LOGACT_TRY(DeadRules(ctx, action, encoding, set, prepass, runner, &report));
    report.timings.dead_ms = MsSince(dead_start);
  }
  if (action.used_text()) {
    report.notes.push_back(
        "text_contains/text_matches conditions are treated as unknown by the solver (each is a "
        "free boolean of the action); proofs remain sound, witnesses are confirmed natively");
  }
  return report;
}

}  // namespace

Result<ValidationReport> Validate(const VoterSet& set, const SafetySpec& spec,
                                  const VerifyOptions& options) {
  LOGACT_TRY(CheckInputs({&set}, spec));
  LOGACT_TRY(PrepareSmtlibDir(options));
  try {
    return ValidateWithZ3(set, spec, options);
  } catch (const z3::exception& e) {
    return InternalError(std::string("z3: ") + e.msg());
  }
}

namespace {

Result<DiffReport> DiffWithZ3(const VoterSet& old_set, const VoterSet& new_set,
                              const SafetySpec& spec, const VerifyOptions& options) {
  DiffReport report;
  z3::context ctx;
  ActionEncoding action(ctx, spec.tools);
  QueryRunner runner(ctx, action, options, &report.queries);
  VoterSetEncoding old_encoding(ctx, action, old_set, "old.");
  VoterSetEncoding new_encoding(ctx, action, new_set, "new.");
  auto side = [&](const std::string& name, const VoterSetEncoding& commits_encoding,
                  const VoterSet& commits_set, const VoterSetEncoding& other_encoding,
                  const VoterSet& other_set) -> Result<PropertyAnswer> {
    LOGACT_ASSIGN_OR_RETURN(Outcome outcome, runner.Run(name, commits_encoding.Commits() &&
                                                                  !other_encoding.CanCommit()));
    return AnswerFor(
        outcome, action,
        [&](const z3::model& model, Action witness) {
          return Counterexample{std::move(witness), commits_encoding.ExtractVotes(model),
                                commits_encoding.ExtractScenario(model)};
        },
        [&](const Counterexample& cx) -> Result<bool> {
          if (NativeVerdict(commits_set, cx.action, cx.scenario) != Verdict::kCommit) return false;
          LOGACT_ASSIGN_OR_RETURN(bool other_can, NativeCanCommit(other_set, cx.action));
          return !other_can;
        });
  };
  LOGACT_ASSIGN_OR_RETURN(report.old_only,
                          side("diff.old_only", old_encoding, old_set, new_encoding, new_set));
  LOGACT_ASSIGN_OR_RETURN(report.new_only,
                          side("diff.new_only", new_encoding, new_set, old_encoding, old_set));
  if (action.used_text()) {
    report.notes.push_back(
        "text_contains/text_matches conditions are treated as unknown by the "
        "solver; witnesses are confirmed natively");
  }
  return report;
}

}  // namespace

Result<DiffReport> Diff(const VoterSet& old_set, const VoterSet& new_set, const SafetySpec& spec,
                        const VerifyOptions& options) {
  LOGACT_TRY(CheckInputs({&old_set, &new_set}, spec));
  LOGACT_TRY(PrepareSmtlibDir(options));
  try {
    return DiffWithZ3(old_set, new_set, spec, options);
  } catch (const z3::exception& e) {
    return InternalError(std::string("z3: ") + e.msg());
  }
}

}  // namespace logact::verify
