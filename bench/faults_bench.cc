// Fault benchmarks (issue 3, item 9): seeds per second for the bank scenario
// under the `heavy` fault preset, each seed checked online by the invariant
// checker as `logact sim` and `swarm` do; baseline: the same seeds with no
// faults, in the same run. Counters: seeds/s, faults and restarts per seed.
// Run: build/bench/bench_faults (add --benchmark_format=json for JSON).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "properties/checker.h"
#include "properties/scenario_options.h"
#include "sim/simulation.h"

namespace {
using namespace logact;

// False once some benchmarked seed violated an invariant (reported as a counter).
bool state_failures_ok = true;

// One checked run; returns the faults injected and restarts in `*faults`, `*restarts`.
void RunSeed(const std::string& preset, uint64_t seed, int64_t* faults, int64_t* restarts) {
  sim::SimOptions options;
  options.scenario = "bank-pay-bill";
  options.seed = seed;
  Result<sim::FaultPlan> plan = sim::ParseFaultPlan(preset, seed);
  if (!plan.has_value()) std::abort();
  options.faults = *plan;
  properties::InvariantChecker checker(
      properties::ScenarioCheckOptions(sim::SimHeader(options), nullptr));
  Result<sim::SimReport> report = sim::RunSimulation(options, {&checker});
  if (!report.has_value()) std::abort();
  properties::Report verdict = checker.Finish();
  if (!verdict.ok()) state_failures_ok = false;
  benchmark::DoNotOptimize(verdict);
  for (const auto& [kind, count] : report->faults_injected) *faults += count;
  *restarts += report->restarts;
}

void SeedsPerSecond(benchmark::State& state, const std::string& preset) {
  uint64_t seed = 0;
  int64_t faults = 0;
  int64_t restarts = 0;
  for (auto _ : state) RunSeed(preset, seed++, &faults, &restarts);
  state.counters["seeds/s"] =
      benchmark::Counter(static_cast<double>(seed), benchmark::Counter::kIsRate);
  state.counters["faults/seed"] = static_cast<double>(faults) / static_cast<double>(seed);
  state.counters["restarts/seed"] = static_cast<double>(restarts) / static_cast<double>(seed);
  state.counters["all_seeds_passed"] = state_failures_ok ? 1 : 0;
}

void BM_BankHeavyFaults(benchmark::State& state) { SeedsPerSecond(state, "heavy"); }
void BM_BankNoFaults(benchmark::State& state) { SeedsPerSecond(state, "none"); }

BENCHMARK(BM_BankHeavyFaults)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BankNoFaults)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
