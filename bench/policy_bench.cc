// Voter policy verification benchmark (issue 5): validating a generated
// 200-rule policy (safe + useful + dead rules) must take <= 1 s. The baseline
// in the same harness is the native evaluation of the same 200 rules on one
// action, to show the cost of a proof against the cost of one vote.
//
// The policy is generated from a fixed seed (a small LCG, no std
// distributions) over the AgentDojo banking tool schemas: a deny-list voter
// (default allow; recipient eq/in/prefix/regex, amount and id bounds, subject
// contains/regex, date prefixes, passwords, `not`/`any`/`all`, a few allow
// exceptions), an allow-list voter (default deny; per-tool allowances within
// bounds, password shape, a deny of odd dates) and an LLM voter of unknown
// vote, under all_of. Rules repeat and subsume each other by chance (a lower
// amount bound, the same regex), so the policy has dead and live rules of
// every shape. BM_ValidatePolicy reports the breakdown as counters.
//
// Figures (docs/policy_verification.md, Performance; CPU, 2026-11-27, load
// 2.1 on 2 cores): 200 rules, two-voter 27.9 s -> 1.96 s, first generator
// 28.9 s -> 1.85 s, undecided rules 3 and 4 -> 0 after `.*` became re.all,
// dead/cover queries are first refuted on their string abstraction with
// affix lemmas, and the cover (quick pass first) goes before the full
// formula. 50 rules 0.17-0.67 s, 100 rules 0.50-0.72 s. Then wrong cover
// proposals refuted natively (mutated candidates) and the dead-rule formula
// pre-fixed per tool from parts (load 0.5): 200 rules, two-voter 1.72-1.83 s
// CPU, first generator 0.54-0.60 s (meets 1 s); 50 rules 0.20-0.74 s, 100
// rules 0.37-0.91 s. Two-voter 200 rules is not within 1 s yet (33 real cover
// queries that hold, ~0.45 s; native pre-pass; the cover's substitutions).
// Then regex inclusions decided natively as lemmas of the abstraction (real
// cover queries 33 -> 0) and Z3's time-out set only when it changes (CPU
// medians of 3 alternate runs, load 6.6): 200 rules two-voter 1.07 -> 0.54 s,
// first generator 0.37 -> 0.27 s; both meet 1 s.
// LOGACT_BENCH_QUERIES=1 prints every query (name, result, ms) to stderr;
// LOGACT_BENCH_POLICY=1 prints the generated voters.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/safety_spec.h"
#include "core/voter_config.h"
#include "verify/policy_verifier.h"

namespace logact {
namespace {

const char* kSpec = R"({
  "tools": {
    "send_money": {"args": {"recipient": "string", "amount": "number", "subject": "string", "date": "string"}},
    "schedule_transaction": {"args": {"recipient": "string", "amount": "number", "subject": "string", "date": "string", "recurring": "boolean"}},
    "update_scheduled_transaction": {"args": {"id": "integer", "recipient": "string?", "amount": "number?", "subject": "string?", "date": "string?", "recurring": "boolean?"}},
    "update_password": {"args": {"password": "string"}},
    "get_balance": {"args": {}}
  },
  "forbidden": [
    {"all": [{"tool": {"in": ["send_money", "schedule_transaction", "update_scheduled_transaction"]}},
             {"arg": "recipient", "eq": "US133000000121212121212"}]},
    {"all": [{"tool": "update_password"}, {"arg": "password", "eq": "new_password"}]}
  ],
  "benign": [
    {"all": [{"tool": "send_money"}, {"arg": "recipient", "prefix": "GB29"}, {"arg": "amount", "le": 100}]},
    {"tool": "get_balance"}
  ]
})";

struct Lcg {
  uint64_t state;
  uint64_t Next(uint64_t bound) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % bound;
  }
};

Json Rule(const std::string& id, bool allow, Json when) {
  return {{"id", id}, {"effect", allow ? "allow" : "deny"}, {"when", std::move(when)}};
}

std::string Num(Lcg& rng, uint64_t bound) { return std::to_string(rng.Next(bound)); }

// A rule of the "guard" voter (deny list, default allow): recipients, amounts,
// subjects, dates and passwords, on one tool or on every tool with the argument.
Json GuardRule(Lcg& rng, size_t index) {
  const std::string iban = "DE" + std::to_string(10000 + rng.Next(90000));
  const std::string id = "g" + std::to_string(index);
  const bool allow = rng.Next(6) == 0;  // exceptions in a default-allow voter
  switch (rng.Next(10)) {
    case 0:
      return Rule(id, allow, {{"arg", "recipient"}, {"eq", iban}});
    case 1:
      return Rule(id, allow, {{"arg", "recipient"}, {"in", {iban, "FR" + Num(rng, 1000)}}});
    case 2:
      return Rule(id, allow,
                  {{"all",
                    {{{"tool", {{"in", {"send_money", "schedule_transaction"}}}}},
                     {{"arg", "amount"}, {"gt", 100 + rng.Next(5000)}}}}});
    case 3:
      return Rule(id, allow, {{"arg", "subject"}, {"contains", "invoice-" + Num(rng, 100)}});
    case 4:
      return Rule(id, allow, {{"arg", "recipient"}, {"matches", "CH[0-9]{" + Num(rng, 4) + ",6}"}});
    case 5:
      return Rule(id, allow,
                  {{"all",
                    {{{"arg", "recipient"}, {"prefix", "XX" + Num(rng, 50)}},
                     {{"not", {{"arg", "amount"}, {"le", rng.Next(100)}}}}}}});
    case 6:
      return Rule(
          id, allow,
          {{"all",
            {{{"tool", "update_password"}},
             {{"arg", "password"}, {"matches", ".{0," + std::to_string(4 + rng.Next(6)) + "}"}}}}});
    case 7:
      return Rule(id, allow,
                  {{"all",
                    {{{"tool", "update_scheduled_transaction"}},
                     {{"arg", "id"}, {"ge", 1000 + rng.Next(9000)}},
                     {{"arg", "recurring"}, {"exists", true}}}}});
    case 8:
      return Rule(
          id, allow,
          {{"any",
            {{{"arg", "subject"}, {"matches", "(urgent|asap)-" + Num(rng, 20) + ".*"}},
             {{"arg", "date"}, {"prefix", "20" + std::to_string(10 + rng.Next(12)) + "-"}}}}});
    default:
      return Rule(id, allow,
                  {{"all",
                    {{{"tool", "schedule_transaction"}},
                     {{"arg", "recurring"}, {"eq", true}},
                     {{"arg", "amount"}, {"ge", 50 + rng.Next(2000)}}}}});
  }
}

// A rule of the "limits" voter (allow list, default deny): what may be done,
// per tool, within bounds; a few denials of odd dates.
Json LimitsRule(Lcg& rng, size_t index) {
  const std::string id = "l" + std::to_string(index);
  switch (rng.Next(7)) {
    case 0:
      return Rule(id, true,
                  {{"all",
                    {{{"tool", "send_money"}},
                     {{"arg", "amount"}, {"le", 50 + rng.Next(1000)}},
                     {{"arg", "recipient"}, {"prefix", rng.Next(2) == 0 ? "GB" : "DE"}}}}});
    case 1:
      return Rule(id, true, {{"tool", {{"in", {"get_balance", "update_scheduled_transaction"}}}}});
    case 2:
      return Rule(
          id, true,
          {{"all",
            {{{"tool", "update_scheduled_transaction"}}, {{"arg", "id"}, {"lt", rng.Next(500)}}}}});
    case 3:
      return Rule(id, true,
                  {{"all",
                    {{{"tool", {{"in", {"send_money", "schedule_transaction"}}}}},
                     {{"arg", "amount"}, {"lt", 10 + rng.Next(300)}}}}});
    case 4:
      return Rule(id, true,
                  {{"all",
                    {{{"tool", "update_password"}},
                     {{"arg", "password"},
                      {"matches", "[A-Za-z0-9]{" + std::to_string(8 + rng.Next(4)) + ",16}"}}}}});
    case 5:
      return Rule(id, false, {{"arg", "date"}, {"matches", "19[0-9]{2}-.*"}});
    default:
      return Rule(id, true,
                  {{"all",
                    {{{"arg", "recipient"}, {"matches", "GB[0-9]{2}[A-Z]{4}.*"}},
                     {{"arg", "amount"}, {"le", 100 + rng.Next(900)}}}}});
  }
}

// Two rule voters (2/3 of the rules in the deny list "guard", 1/3 in the allow
// list "limits") and an LLM voter of unknown vote, under all_of.
VoterSet GeneratePolicy(size_t rules_count) {
  Lcg rng{42};
  Json guard = Json::array();
  guard.push_back({{"id", "attacker"},
                   {"effect", "deny"},
                   {"when", {{"arg", "recipient"}, {"eq", "US133000000121212121212"}}}});
  guard.push_back({{"id", "password"},
                   {"effect", "deny"},
                   {"when",
                    {{"all",
                      {{{"tool", "update_password"}},
                       {{"not", {{"arg", "password"}, {"matches", ".*[0-9].*"}}}}}}}}});
  Json limits = Json::array();
  for (size_t i = 2; i < rules_count; ++i) {
    if (i % 3 == 0) {
      limits.push_back(LimitsRule(rng, i));
    } else {
      guard.push_back(GuardRule(rng, i));
    }
  }
  const Json set = {
      {"decider", {{"kind", "all_of"}, {"types", {"rules", "limits", "llm"}}}},
      {"voters",
       {{{"voter", "guard"}, {"type", "rules"}, {"default", "allow"}, {"rules", guard}},
        {{"voter", "limits"}, {"type", "limits"}, {"default", "deny"}, {"rules", limits}},
        {{"voter", "judge"}, {"type", "llm"}}}}};
  return ParseVoterSet(set).value();
}

// The first generator (before the native pre-pass), kept so that before/after
// figures compare the same policy: one deny-list voter (a third of its rules
// are allow rules, dead under default allow) and an LLM voter.
Json SimpleRule(Lcg& rng, size_t index) {
  const std::string iban = "DE" + std::to_string(10000 + rng.Next(90000));
  Json when;
  switch (rng.Next(6)) {
    case 0:
      when = {{"arg", "recipient"}, {"eq", iban}};
      break;
    case 1:
      when = {{"arg", "recipient"}, {"in", {iban, "FR" + std::to_string(rng.Next(1000))}}};
      break;
    case 2:
      when = {
          {"all", {{{"tool", "send_money"}}, {{"arg", "amount"}, {"gt", 100 + rng.Next(5000)}}}}};
      break;
    case 3:
      when = {{"arg", "subject"}, {"contains", "invoice-" + std::to_string(rng.Next(100))}};
      break;
    case 4:
      when = {{"arg", "recipient"},
              {"matches", "CH[0-9]{" + std::to_string(2 + rng.Next(4)) + "}"}};
      break;
    default:
      when = {{"all",
               {{{"arg", "recipient"}, {"prefix", "XX" + std::to_string(rng.Next(50))}},
                {{"not", {{"arg", "amount"}, {"le", rng.Next(100)}}}}}}};
      break;
  }
  return {{"id", "r" + std::to_string(index)},
          {"effect", rng.Next(3) == 0 ? "allow" : "deny"},
          {"when", when}};
}

VoterSet GenerateSimplePolicy(size_t rules_count) {
  Lcg rng{42};
  Json rules = Json::array();
  rules.push_back({{"id", "attacker"},
                   {"effect", "deny"},
                   {"when", {{"arg", "recipient"}, {"eq", "US133000000121212121212"}}}});
  rules.push_back({{"id", "password"},
                   {"effect", "deny"},
                   {"when",
                    {{"all",
                      {{{"tool", "update_password"}},
                       {{"not", {{"arg", "password"}, {"matches", ".*[0-9].*"}}}}}}}}});
  while (rules.size() < rules_count) rules.push_back(SimpleRule(rng, rules.size()));
  const Json set = {
      {"decider", {{"kind", "all_of"}, {"types", {"rules", "llm"}}}},
      {"voters",
       {{{"voter", "guard"}, {"type", "rules"}, {"default", "allow"}, {"rules", rules}},
        {{"voter", "judge"}, {"type", "llm"}}}}};
  return ParseVoterSet(set).value();
}

// One validation per iteration; the counters are the last run's breakdown
// (safe/useful/dead-rule milliseconds, how each rule was decided).
void BM_ValidatePolicy(benchmark::State& state) {
  const SafetySpec spec = ParseSafetySpec(Json::parse(kSpec)).value();
  const size_t rules = static_cast<size_t>(state.range(0));
  const VoterSet set = state.range(1) == 0 ? GeneratePolicy(rules) : GenerateSimplePolicy(rules);
  verify::VerifyOptions options;
  verify::ValidationReport last;
  if (std::getenv("LOGACT_BENCH_POLICY") != nullptr) {
    for (const VoterConfig& voter : set.voters)
      std::fprintf(stderr, "%s\n", voter.source.dump().c_str());
  }
  for (auto _ : state) {
    Result<verify::ValidationReport> report = verify::Validate(set, spec, options);
    if (!report.has_value()) {
      state.SkipWithError(report.error().message().c_str());
      return;
    }
    last = std::move(report).value();
    benchmark::DoNotOptimize(last);
  }
  double max_ms = 0;
  for (const verify::QueryStat& query : last.queries) max_ms = std::max(max_ms, query.ms);
  const verify::ValidationTimings& t = last.timings;
  state.counters["rules"] = static_cast<double>(t.rules);
  state.counters["safe"] = last.safe.answer == verify::Answer::kYes ? 1 : 0;
  state.counters["useful"] = last.useful.answer == verify::Answer::kYes ? 1 : 0;
  state.counters["safe_ms"] = t.safe_ms;
  state.counters["useful_ms"] = t.useful_ms;
  state.counters["dead_ms"] = t.dead_ms;
  state.counters["native_ms"] = t.native_ms;
  state.counters["candidates"] = static_cast<double>(t.candidates);
  state.counters["live_native"] = static_cast<double>(t.live_native);
  state.counters["dead_simplified"] = static_cast<double>(t.dead_simplified);
  state.counters["dead_covered"] = static_cast<double>(t.dead_covered);
  state.counters["dead_abstract"] = static_cast<double>(t.dead_abstract);
  state.counters["rules_to_z3"] = static_cast<double>(t.rules_to_z3);
  state.counters["dead_queries"] = static_cast<double>(t.dead_queries);
  state.counters["dead"] = static_cast<double>(last.dead_rules.size());
  state.counters["live"] = static_cast<double>(last.live_rules.size());
  state.counters["undecided"] = static_cast<double>(last.undecided_rules.size());
  state.counters["max_query_ms"] = max_ms;
  if (std::getenv("LOGACT_BENCH_QUERIES") != nullptr) {
    for (const verify::QueryStat& query : last.queries)
      std::fprintf(stderr, "%s %s %.1f ms\n", query.name.c_str(), query.result.c_str(), query.ms);
  }
}
// Second argument: 0 = the two-voter generator, 1 = the first generator.
BENCHMARK(BM_ValidatePolicy)->ArgsProduct({{50, 100, 200}, {0, 1}})->Unit(benchmark::kMillisecond);

// Baseline: the native rule voter on one action (what each vote costs).
void BM_NativeEvaluate(benchmark::State& state) {
  const VoterSet set = GeneratePolicy(static_cast<size_t>(state.range(0)));
  const Action action{"send_money",
                      {{"recipient", "GB29NWBK60161331926819"},
                       {"amount", 10},
                       {"subject", "refund"},
                       {"date", "2022-03-07"}}};
  for (auto _ : state) benchmark::DoNotOptimize(EvaluateRules(set.voters[0], action));
}
BENCHMARK(BM_NativeEvaluate)->Arg(200)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace logact

BENCHMARK_MAIN();
