// Planet-level speed: how fast a planet starts and stops, and how much faster than real time
// the reference week runs.
//
// BM_PlanetStartShutdown/N: Create + Start (every node checks in) + Shutdown of 1 satellite,
//   N storage nodes and 1 uplink, in memory. Goal: <= 30 ms for N=4, <= 0.4 s for N=100
//   (Storj's Go testplanet needs about 0.4 s to start 1+1).
// BM_ReferenceWeek: scenarios/bench/week.textproto (1+100+1, release defaults, traffic every
//   10 minutes, 7 days) with the digest only (no trace kept); the counter "speedup" is
//   simulated seconds per wall second. Goal: >= 100,000x. "floor_fraction" is the week's floor
//   (scenarios/report/floor.h: its events, signatures, RocksDB and piece-file work at this
//   machine's unit costs, measured first in this process) over its wall time. Goal: >= 0.5.
// BM_NetworkDay: a day of scenarios/bench/network.textproto (below); run it by name.
// Timing a whole run is what these benchmarks are for; they are run by hand or by CI's smoke
// test (one iteration), never as timed tests.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "scenarios/cli/unit_costs.h"
#include "scenarios/language/loader.h"
#include "scenarios/language/runner.h"
#include "scenarios/planet/planet.h"
#include "scenarios/report/floor.h"

#ifndef TESTPLANET_SOURCE_DIR
#define TESTPLANET_SOURCE_DIR "."
#endif

namespace testplanet {
namespace {

void BM_PlanetStartShutdown(benchmark::State& state) {
  for (auto _ : state) {
    Config config;
    config.storage_nodes = static_cast<int>(state.range(0));
    auto planet = Planet::Create(config);
    if (!planet.ok()) return state.SkipWithError("create failed");
    if (!(*planet)->Start().ok()) return state.SkipWithError("start failed");
    if (!(*planet)->Shutdown().ok()) return state.SkipWithError("shutdown failed");
    benchmark::DoNotOptimize((*planet)->sim().trace().digest());
  }
}
BENCHMARK(BM_PlanetStartShutdown)->Arg(4)->Arg(100)->Unit(benchmark::kMillisecond);

void BM_ReferenceWeek(benchmark::State& state) {
  auto loaded = scenario::LoadScenarioFile(std::string(TESTPLANET_SOURCE_DIR) +
                                           "/scenarios/bench/week.textproto");
  if (!loaded.ok()) return state.SkipWithError(loaded.status().ToString().c_str());
  const report::UnitCosts costs = cli::MeasureUnitCosts();  // before the loop: not timed
  double virtual_seconds = 0, floor_seconds = 0;
  for (auto _ : state) {
    scenario::RunOptions options;
    options.trace_detail = TraceDetail::kDigestOnly;
    scenario::RunResult result = scenario::RunScenario(*loaded, options);
    if (!result.passed()) return state.SkipWithError("the week's check failed");
    virtual_seconds += static_cast<double>(result.end.time_since_epoch().count()) / 1e9;
    floor_seconds += report::FloorSeconds(result, costs);
    state.counters["events"] = static_cast<double>(result.events);
  }
  // Virtual seconds per wall second, and the floor's share of the wall time, from Google
  // Benchmark's own timer.
  state.counters["speedup"] = benchmark::Counter(virtual_seconds, benchmark::Counter::kIsRate);
  state.counters["floor_fraction"] = benchmark::Counter(floor_seconds, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReferenceWeek)->Unit(benchmark::kSecond)->Iterations(1);

// The first day of scenarios/bench/network.textproto: 4 satellites, 25,000 storage nodes and 100
// uplinks at release defaults, digest only, invariants on. Minutes, and several GiB: run it by
// name, `planet_bench --benchmark_filter=NetworkDay`. Counters: events, node-hours per wall
// second, and "speedup" (virtual seconds per wall second).
void BM_NetworkDay(benchmark::State& state) {
  auto loaded = scenario::LoadScenarioFile(std::string(TESTPLANET_SOURCE_DIR) +
                                           "/scenarios/bench/network.textproto");
  if (!loaded.ok()) return state.SkipWithError(loaded.status().ToString().c_str());
  double virtual_seconds = 0, node_hours = 0;
  for (auto _ : state) {
    scenario::RunOptions options;
    options.trace_detail = TraceDetail::kDigestOnly;
    options.stop_at = std::chrono::hours(24);
    options.budget.events = 2'000'000'000;
    scenario::RunResult result = scenario::RunScenario(*loaded, options);
    if (!result.status.ok()) return state.SkipWithError(result.status.ToString().c_str());
    const double seconds = static_cast<double>(result.end.time_since_epoch().count()) / 1e9;
    virtual_seconds += seconds;
    node_hours += seconds / 3600 * static_cast<double>(loaded->planet.counts.storage_nodes);
    state.counters["events"] = static_cast<double>(result.events);
  }
  state.counters["speedup"] = benchmark::Counter(virtual_seconds, benchmark::Counter::kIsRate);
  state.counters["node_hours_per_s"] = benchmark::Counter(node_hours, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_NetworkDay)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace testplanet

BENCHMARK_MAIN();
