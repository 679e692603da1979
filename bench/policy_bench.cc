// Voter policy verification benchmark (issue 5): validating a generated
// 200-rule policy (safe + useful + dead rules) must take <= 1 s. The baseline
// in the same harness is the native evaluation of the same 200 rules on one
// action, to show the cost of a proof against the cost of one vote.
//
// The policy is generated from a fixed seed (a small LCG, no std
// distributions): one rule voter with N rules over the AgentDojo banking tool
// schemas (recipient eq/in/prefix, amount comparisons, subject contains and
// regexes, password rules), an LLM voter with an unknown vote, all_of.
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

Json GenerateRule(Lcg& rng, size_t index) {
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

VoterSet GeneratePolicy(size_t rules_count) {
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
  while (rules.size() < rules_count) rules.push_back(GenerateRule(rng, rules.size()));
  const Json set = {
      {"decider", {{"kind", "all_of"}, {"types", {"rules", "llm"}}}},
      {"voters",
       {{{"voter", "guard"}, {"type", "rules"}, {"default", "allow"}, {"rules", rules}},
        {{"voter", "judge"}, {"type", "llm"}}}}};
  return ParseVoterSet(set).value();
}

void BM_ValidatePolicy(benchmark::State& state) {
  const SafetySpec spec = ParseSafetySpec(Json::parse(kSpec)).value();
  const VoterSet set = GeneratePolicy(static_cast<size_t>(state.range(0)));
  verify::VerifyOptions options;
  double max_ms = 0;
  size_t queries = 0;
  bool safe = false;
  for (auto _ : state) {
    Result<verify::ValidationReport> report = verify::Validate(set, spec, options);
    if (!report.has_value()) {
      state.SkipWithError(report.error().message().c_str());
      return;
    }
    queries = report->queries.size();
    safe = report->safe.answer == verify::Answer::kYes;
    for (const verify::QueryStat& query : report->queries) max_ms = std::max(max_ms, query.ms);
    benchmark::DoNotOptimize(report);
  }
  // Query sizes, measured once outside the timed loop.
  options.measure_sizes = true;
  const verify::ValidationReport sized = verify::Validate(set, spec, options).value();
  size_t bytes_total = 0;
  size_t bytes_max = 0;
  for (const verify::QueryStat& query : sized.queries) {
    bytes_total += query.smt2_bytes;
    bytes_max = std::max(bytes_max, query.smt2_bytes);
  }
  state.counters["rules"] = static_cast<double>(state.range(0));
  state.counters["queries"] = static_cast<double>(queries);
  state.counters["safe"] = safe ? 1 : 0;
  state.counters["max_query_ms"] = max_ms;
  state.counters["smt2_bytes_total"] = static_cast<double>(bytes_total);
  state.counters["smt2_bytes_max"] = static_cast<double>(bytes_max);
  state.counters["dead_rules"] = static_cast<double>(sized.dead_rules.size());
  if (std::getenv("LOGACT_BENCH_QUERIES") != nullptr) {
    for (const verify::QueryStat& query : sized.queries)
      std::fprintf(stderr, "%s %s %.1f ms %zu bytes\n", query.name.c_str(), query.result.c_str(),
                   query.ms, query.smt2_bytes);
  }
}
BENCHMARK(BM_ValidatePolicy)->Arg(50)->Arg(200)->Unit(benchmark::kMillisecond);

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
