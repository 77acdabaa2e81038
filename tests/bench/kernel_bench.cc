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
//
// BM_ChoreRuns is what a planet's nodes do most: N chores (a Cycle each, under its own peer's
// Context) run every 5 minutes, and each run sleeps a random jitter under 30 s first, as the
// storage node's order chores do. Its baseline, BM_BareHeapChores, is the same two timers per
// run on the bare heap: the ratio is what a Cycle, a coroutine, a Context and a Sleep add to a
// run. Each peer's chore sits beside `pad` bytes of its own (a node's stores, in a planet), so
// that a large N pays the cache misses a planet of N nodes pays. Waking, a run reads its peer's
// own bytes; BM_ChoreRunsUnhinted is the same without naming them to its sleep (a WakeHint).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <utility>
#include <vector>

#include "sim/context.h"
#include "sim/cycle.h"
#include "sim/random.h"
#include "sim/simulator.h"
#include "sim/sleep.h"
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

constexpr Duration kChoreInterval = std::chrono::minutes(5);
constexpr std::uint64_t kChoreMaxJitterNs = 30'000'000'000;

// The bare floor of a chore run: the tick's timer, then the jitter's, on a (time, seq) heap.
void BM_BareHeapChores(benchmark::State& state) {
  const auto chores = static_cast<std::size_t>(state.range(0));
  RandomStream rng(7);
  // Entries: (time, seq); the low bit of seq says tick (0) or wake (1), the rest the chore.
  BareHeap heap;
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < chores; ++i) {
    heap.emplace(static_cast<std::int64_t>(rng.Below(kChoreInterval.count())),
                 (++seq << 32) | (i << 1));
  }
  std::uint64_t runs = 0;
  for (auto _ : state) {
    const std::uint64_t goal = runs + static_cast<std::uint64_t>(chores);
    while (runs < goal) {
      const auto [now, key] = heap.top();
      heap.pop();
      const std::uint64_t chore = (key & 0xffffffff) >> 1;
      if ((key & 1) == 0) {  // a tick: arm the next one, sleep the jitter
        heap.emplace(now + kChoreInterval.count(), (++seq << 32) | (chore << 1));
        heap.emplace(now + static_cast<std::int64_t>(rng.Below(kChoreMaxJitterNs)),
                     (++seq << 32) | (chore << 1) | 1);
      } else {
        ++runs;
      }
    }
    benchmark::DoNotOptimize(runs);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

// One peer's chore: its Context, its Cycle, its jitter stream and `pad` bytes beside them.
struct ChorePeer {
  ChorePeer(Simulator& sim, testplanet::PeerId peer, std::size_t pad)
      : ctx(testplanet::Context::Background(sim).WithCancel()),
        cycle(sim, "bench.chore", peer, kChoreInterval),
        jitter(peer),
        padding(pad) {}
  testplanet::Context ctx;
  testplanet::Cycle cycle;
  RandomStream jitter;
  std::vector<char> padding;
  std::uint64_t runs = 0;
};

// `hinted`: each run's jitter sleep names what the run reads on waking (its peer's own bytes), as
// the order chores' sleeps do.
void ChoreRuns(benchmark::State& state, bool hinted) {
  const auto chores = static_cast<std::size_t>(state.range(0));
  Simulator sim;
  std::vector<std::unique_ptr<ChorePeer>> peers;
  std::uint64_t runs = 0;
  RandomStream phase(7);
  for (std::size_t i = 0; i < chores; ++i) {
    auto& peer = *peers.emplace_back(std::make_unique<ChorePeer>(
        sim, static_cast<testplanet::PeerId>(i + 1), static_cast<std::size_t>(state.range(1))));
    // Start the chores spread over one interval, as a planet's nodes start.
    sim.ScheduleAfter(
        Duration(static_cast<std::int64_t>(phase.Below(kChoreInterval.count()))), [&] {
          peer.cycle.Start(
              peer.ctx, [&](testplanet::CycleRun run) -> testplanet::Awaitable<testplanet::Status> {
                const testplanet::WakeHint wake =
                    hinted ? testplanet::WakeHint{&peer.runs, peer.padding.data()}
                           : testplanet::WakeHint{};
                co_await testplanet::Sleep(
                    run.ctx,
                    Duration(static_cast<std::int64_t>(peer.jitter.Below(kChoreMaxJitterNs))),
                    wake);
                // Waking, a run works on its own state, as a cleanup run reads its database.
                ++peer.runs;
                if (!peer.padding.empty()) ++peer.padding.front();
                ++runs;
                co_return testplanet::Status::Ok();
              });
        });
  }
  // One untimed interval: every chore started and ran once.
  if (!sim.RunFor(kChoreInterval + std::chrono::minutes(1)).ok()) state.SkipWithError("failed");
  for (auto _ : state) {
    const std::uint64_t goal = runs + static_cast<std::uint64_t>(chores);
    if (!sim.RunUntil([&] { return runs >= goal; }, std::chrono::hours(1))) {
      state.SkipWithError("the chores stalled");
    }
  }
  benchmark::DoNotOptimize(sim.trace().digest());
  for (auto& peer : peers) peer->ctx.Cancel();
  if (!sim.RunUntilIdle().ok()) state.SkipWithError("failed to stop");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_ChoreRuns(benchmark::State& state) { ChoreRuns(state, true); }
void BM_ChoreRunsUnhinted(benchmark::State& state) { ChoreRuns(state, false); }

// Five interleaved repetitions each; the ratios use the medians, which a noisy neighbour on a
// shared machine moves far less than a single run.
BENCHMARK(BM_BareHeapEvents)->Arg(1024)->Arg(1 << 20)->Repetitions(5)->ReportAggregatesOnly();
BENCHMARK(BM_BareHeapDigestEvents)->Arg(1024)->Arg(1 << 20)->Repetitions(5)->ReportAggregatesOnly();
BENCHMARK(BM_SchedulerEvents)->Arg(1024)->Arg(1 << 20)->Repetitions(5)->ReportAggregatesOnly();
BENCHMARK(BM_BareHeapHold)->Arg(1024)->Arg(1 << 16)->Repetitions(5)->ReportAggregatesOnly();
BENCHMARK(BM_SchedulerHold)->Arg(1024)->Arg(1 << 16)->Repetitions(5)->ReportAggregatesOnly();
// Chores: (chores, bytes of each peer's own beside its chore). 25,000 nodes with 64 KiB each is
// the network scenario's shape at a third of its bytes a node.
BENCHMARK(BM_BareHeapChores)
    ->Args({1024, 0})
    ->Args({25000, 65536})
    ->Repetitions(3)
    ->ReportAggregatesOnly();
BENCHMARK(BM_ChoreRuns)
    ->Args({1024, 0})
    ->Args({25000, 65536})
    ->Repetitions(3)
    ->ReportAggregatesOnly();
BENCHMARK(BM_ChoreRunsUnhinted)
    ->Args({1024, 0})
    ->Args({25000, 65536})
    ->Repetitions(3)
    ->ReportAggregatesOnly();

}  // namespace

int main(int argc, char** argv) {
  testplanet::bench::RatioReporter reporter(
      "kernel vs bare heap (cost per event; goal <= 1.5x, and >= 5 M events/s)",
      {{"BM_SchedulerEvents", "BM_BareHeapEvents"},
       {"BM_SchedulerHold", "BM_BareHeapHold"},
       {"BM_SchedulerEvents", "BM_BareHeapDigestEvents"},
       {"BM_ChoreRuns", "BM_BareHeapChores"},
       {"BM_ChoreRuns", "BM_ChoreRunsUnhinted"}});
  return testplanet::bench::RunWithRatios(argc, argv, reporter);
}
