// Kernel benchmarks: the scheduler against a bare (time, seq) heap, in one process.
//
// BM_BareHeapEvents is the floor: N (time, seq) pairs through std::priority_queue with a
// trivial action. BM_SchedulerEvents pushes the same N events through the Simulator — a
// callback per event, cancellation support, executor draining and the trace digest on. The
// *Hold variants keep a fixed number of events pending and let every fired event schedule its
// successor, which is what a running planet looks like. BM_BareHeapDigestEvents is the bare
// heap plus the work no replayable scheduler can skip: each event folded into the digest and run
// through a type-erased callback. After the runs, the binary prints the kernel/bare cost ratio
// for each pair (the goal: at most 1.5x, and at least 5 M events/s).
#include <benchmark/benchmark.h>

#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "sim/random.h"
#include "sim/simulator.h"
#include "sim/trace.h"
#include "sim/unique_function.h"
#include "tests/bench/ratio_reporter.h"

namespace {

using testplanet::Duration;
using testplanet::RandomStream;
using testplanet::Simulator;

std::vector<std::int64_t> EventOffsets(std::size_t n) {
  RandomStream rng(12345);
  std::vector<std::int64_t> offsets(n);
  // Timestamps spread over an hour with frequent ties, like chores and messages.
  for (auto& offset : offsets) offset = static_cast<std::int64_t>(rng.Below(3'600'000)) * 1'000'000;
  return offsets;
}

using HeapEntry = std::pair<std::int64_t, std::uint64_t>;
using BareHeap = std::priority_queue<HeapEntry, std::vector<HeapEntry>, std::greater<>>;

void BM_BareHeapEvents(benchmark::State& state) {
  const auto offsets = EventOffsets(static_cast<std::size_t>(state.range(0)));
  std::int64_t now = 0;
  std::uint64_t seq = 0, fired = 0;
  std::vector<HeapEntry> storage;
  storage.reserve(offsets.size());  // like the Simulator's warm-up round below: no growth timed
  BareHeap heap(std::greater<>(), std::move(storage));
  for (auto _ : state) {
    for (std::int64_t offset : offsets) heap.emplace(now + offset, ++seq);
    while (!heap.empty()) {
      now = heap.top().first;
      heap.pop();
      ++fired;
    }
    benchmark::DoNotOptimize(fired);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_BareHeapDigestEvents(benchmark::State& state) {
  const auto offsets = EventOffsets(static_cast<std::size_t>(state.range(0)));
  std::int64_t now = 0;
  std::uint64_t seq = 0, fired = 0, digest = 0;
  std::vector<HeapEntry> storage;
  storage.reserve(offsets.size());
  BareHeap heap(std::greater<>(), std::move(storage));
  // One callback per pending event, found by the entry's sequence (no slot reuse: the floor).
  std::vector<testplanet::UniqueFunction<void()>> callbacks(offsets.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      heap.emplace(now + offsets[i], ++seq);
      callbacks[seq % callbacks.size()] = [&fired] { ++fired; };
    }
    while (!heap.empty()) {
      now = heap.top().first;
      const std::uint64_t event = heap.top().second;
      heap.pop();
      digest = testplanet::Mix64(digest +
                                 testplanet::Trace::Fingerprint(
                                     {now, event, 0, testplanet::trace_kinds::kEvent.id, 0, 0, 0}));
      callbacks[event % callbacks.size()]();
    }
    benchmark::DoNotOptimize(fired);
    benchmark::DoNotOptimize(digest);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_SchedulerEvents(benchmark::State& state) {
  const auto offsets = EventOffsets(static_cast<std::size_t>(state.range(0)));
  Simulator sim;
  std::uint64_t fired = 0;
  // One untimed round so that the slot chunks and the heap are allocated, as in a running
  // simulation; the timed rounds reuse them.
  for (std::int64_t offset : offsets) sim.ScheduleAfter(Duration(offset), [&fired] { ++fired; });
  if (!sim.RunUntilIdle().ok()) state.SkipWithError("simulation failed");
  for (auto _ : state) {
    for (std::int64_t offset : offsets) sim.ScheduleAfter(Duration(offset), [&fired] { ++fired; });
    if (!sim.RunUntilIdle().ok()) state.SkipWithError("simulation failed");
    benchmark::DoNotOptimize(fired);
  }
  benchmark::DoNotOptimize(sim.trace().digest());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

constexpr std::int64_t kHoldEventsPerIteration = 1 << 20;

void BM_BareHeapHold(benchmark::State& state) {
  const auto offsets = EventOffsets(static_cast<std::size_t>(state.range(0)));
  BareHeap heap;
  std::uint64_t seq = 0;
  for (std::int64_t offset : offsets) heap.emplace(offset, ++seq);
  std::size_t next = 0;
  for (auto _ : state) {
    for (std::int64_t i = 0; i < kHoldEventsPerIteration; ++i) {
      const std::int64_t now = heap.top().first;
      heap.pop();
      heap.emplace(now + offsets[next], ++seq);
      next = next + 1 == offsets.size() ? 0 : next + 1;
    }
    benchmark::DoNotOptimize(seq);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kHoldEventsPerIteration);
}

void BM_SchedulerHold(benchmark::State& state) {
  const auto offsets = EventOffsets(static_cast<std::size_t>(state.range(0)));
  Simulator sim;
  std::size_t next = 0;
  std::int64_t remaining = 0;
  // Each fired event schedules its successor while there is budget left in this iteration.
  std::function<void()> fire = [&] {
    if (--remaining < 0) return;
    sim.ScheduleAfter(Duration(offsets[next]), [&fire] { fire(); });
    next = next + 1 == offsets.size() ? 0 : next + 1;
  };
  for (std::int64_t offset : offsets) sim.ScheduleAfter(Duration(offset), [&fire] { fire(); });
  for (auto _ : state) {
    remaining = kHoldEventsPerIteration;
    const auto before = sim.events_fired();
    if (!sim.RunUntil([&] { return remaining <= 0; }, testplanet::kTimeInfinity - sim.Now())) {
      state.SkipWithError("simulation stalled");
    }
    benchmark::DoNotOptimize(sim.events_fired() - before);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kHoldEventsPerIteration);
}

// Five interleaved repetitions each; the ratios use the medians, which a noisy neighbour on a
// shared machine moves far less than a single run.
BENCHMARK(BM_BareHeapEvents)->Arg(1024)->Arg(1 << 20)->Repetitions(5)->ReportAggregatesOnly();
BENCHMARK(BM_BareHeapDigestEvents)->Arg(1024)->Arg(1 << 20)->Repetitions(5)->ReportAggregatesOnly();
BENCHMARK(BM_SchedulerEvents)->Arg(1024)->Arg(1 << 20)->Repetitions(5)->ReportAggregatesOnly();
BENCHMARK(BM_BareHeapHold)->Arg(1024)->Arg(1 << 16)->Repetitions(5)->ReportAggregatesOnly();
BENCHMARK(BM_SchedulerHold)->Arg(1024)->Arg(1 << 16)->Repetitions(5)->ReportAggregatesOnly();

}  // namespace

int main(int argc, char** argv) {
  testplanet::bench::RatioReporter reporter(
      "kernel vs bare heap (cost per event; goal <= 1.5x, and >= 5 M events/s)",
      {{"BM_SchedulerEvents", "BM_BareHeapEvents"},
       {"BM_SchedulerHold", "BM_BareHeapHold"},
       {"BM_SchedulerEvents", "BM_BareHeapDigestEvents"}});
  return testplanet::bench::RunWithRatios(argc, argv, reporter);
}
