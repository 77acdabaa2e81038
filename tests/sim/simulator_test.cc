#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/asio.h"
#include "sim/context.h"
#include "sim/sleep.h"
#include "tests/status_matchers.h"

namespace testplanet {
namespace {

using namespace std::chrono_literals;

TimePoint At(Duration d) { return TimePoint(d); }

// Sets *flag when destroyed: shows whether a suspended coroutine's frame was torn down.
struct Flag {
  bool* flag;
  ~Flag() { *flag = true; }
};

TEST(Simulator, TimeStartsAtTheEpochAndMovesOnlyWhenDriven) {
  Simulator sim;
  EXPECT_EQ(sim.Now(), At(0s));
  ASSERT_THAT(sim.RunFor(90min), IsOk());
  EXPECT_EQ(sim.Now(), At(90min));
  EXPECT_EQ(ToUnixNanos(At(0s)), kEpochUnixSeconds * 1'000'000'000);
}

TEST(Simulator, APeersClockReadsVirtualTimeMovedByItsOffsetAndDrift) {
  Simulator sim;
  EXPECT_EQ(sim.PeerNow(3), sim.Now()) << "no skew: a true clock";
  sim.SetClockSkew(3, std::chrono::minutes(-5), 0);
  sim.SetClockSkew(4, Duration::zero(), 100);  // 100 ppm fast
  ASSERT_THAT(sim.RunFor(std::chrono::hours(1000)), IsOk());
  EXPECT_EQ(sim.PeerNow(3), sim.Now() - std::chrono::minutes(5));
  // 100 ppm of 1000h is 360s.
  EXPECT_EQ(sim.PeerNow(4), sim.Now() + std::chrono::seconds(360));
  EXPECT_EQ(sim.PeerNow(5), sim.Now());
  sim.SetClockSkew(4, Duration::zero(), -5'000'000);
  EXPECT_EQ(sim.PeerNow(4), TimePoint{}) << "drift is clamped to -100%: the clock stands still";
}

TEST(Simulator, EventsFireInTimeOrderAndTiesInSchedulingOrder) {
  Simulator sim;
  std::vector<std::string> fired;
  sim.ScheduleAt(At(3s), [&] { fired.push_back("c@3"); });
  sim.ScheduleAt(At(1s), [&] { fired.push_back("a@1"); });
  sim.ScheduleAt(At(2s), [&] { fired.push_back("b1@2"); });
  sim.ScheduleAt(At(2s), [&] { fired.push_back("b2@2"); });
  sim.ScheduleAt(At(2s), [&] {
    fired.push_back("b3@2");
    sim.Post([&] { fired.push_back("posted-by-b3@2"); });
  });
  sim.ScheduleAt(At(2s), [&] { fired.push_back("b4@2"); });
  ASSERT_THAT(sim.RunUntilIdle(), IsOk());
  EXPECT_EQ(fired, (std::vector<std::string>{"a@1", "b1@2", "b2@2", "b3@2", "b4@2",
                                             "posted-by-b3@2", "c@3"}));
}

TEST(Simulator, RunForFiresEverythingDueIncludingTheLastInstant) {
  Simulator sim;
  int fired = 0;
  sim.ScheduleAfter(10s, [&] { ++fired; });
  sim.ScheduleAfter(10s + 1ns, [&] { ++fired; });
  ASSERT_THAT(sim.RunFor(10s), IsOk());
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(sim.Now(), At(10s));
  EXPECT_EQ(sim.pending_events(), 1u);
}

TEST(Simulator, EventsScheduledInThePastFireNow) {
  Simulator sim;
  ASSERT_THAT(sim.RunFor(1min), IsOk());
  std::optional<TimePoint> when;
  sim.ScheduleAt(At(5s), [&] { when = sim.Now(); });
  ASSERT_THAT(sim.RunFor(0s), IsOk());
  EXPECT_EQ(when, At(1min));
}

TEST(Simulator, CancelledEventsNeverFireEvenWhenTheirSlotIsReused) {
  Simulator sim;
  int first = 0, second = 0;
  TimerId id = sim.ScheduleAfter(5s, [&] { ++first; });
  EXPECT_TRUE(sim.Cancel(id));
  EXPECT_FALSE(sim.Cancel(id));
  sim.ScheduleAfter(7s, [&] { ++second; });  // likely reuses the slot
  ASSERT_THAT(sim.RunFor(1min), IsOk());
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
  EXPECT_EQ(sim.pending_events(), 0u);
}

TEST(Simulator, ManyCancellationsKeepTheQueueCorrect) {
  Simulator sim;
  std::vector<TimerId> ids;
  ids.reserve(5000);
  int fired = 0;
  for (int i = 0; i < 5000; ++i)
    ids.push_back(sim.ScheduleAfter(Duration(i + 1), [&] { ++fired; }));
  for (int i = 0; i < 5000; ++i) {
    if (i % 5 != 0) {
      EXPECT_TRUE(sim.Cancel(ids[i]));
    }
  }
  EXPECT_EQ(sim.pending_events(), 1000u);
  ASSERT_THAT(sim.RunUntilIdle(), IsOk());
  EXPECT_EQ(fired, 1000);
}

TEST(Simulator, RunUntilPredicateStopsAtTheEventThatMadeItTrue) {
  Simulator sim;
  int count = 0;
  for (int i = 1; i <= 10; ++i) sim.ScheduleAt(At(std::chrono::seconds(i)), [&] { ++count; });
  EXPECT_TRUE(sim.RunUntil([&] { return count == 4; }, 1h));
  EXPECT_EQ(sim.Now(), At(4s));
  EXPECT_FALSE(sim.RunUntil([&] { return count == 100; }, 1h));
  EXPECT_EQ(sim.Now(), At(4s) + 1h) << "an unmet predicate lets the whole limit pass";
  EXPECT_EQ(count, 10);
}

TEST(Simulator, RunUntilPredicateHonoursTheLimit) {
  Simulator sim;
  bool fired = false;
  sim.ScheduleAfter(2h, [&] { fired = true; });
  EXPECT_FALSE(sim.RunUntil([&] { return fired; }, 1h));
  EXPECT_EQ(sim.Now(), At(1h));
  EXPECT_TRUE(sim.RunUntil([&] { return fired; }, 1h));
  EXPECT_EQ(sim.Now(), At(2h));
}

TEST(Simulator, StepFiresExactlyOneEvent) {
  Simulator sim;
  int count = 0;
  sim.ScheduleAfter(1s, [&] { ++count; });
  sim.ScheduleAfter(2s, [&] { ++count; });
  EXPECT_TRUE(sim.Step());
  EXPECT_EQ(count, 1);
  EXPECT_EQ(sim.Now(), At(1s));
  EXPECT_TRUE(sim.Step());
  EXPECT_FALSE(sim.Step());
  EXPECT_EQ(count, 2);
}

TEST(Simulator, RunawayEventCountIsStoppedWithAClearError) {
  Simulator sim(SimulatorOptions{.max_events = 1000});
  std::function<void()> forever = [&] { sim.ScheduleAfter(1ms, [&] { forever(); }); };
  forever();
  Status status = sim.RunUntilIdle();
  EXPECT_THAT(status, StatusIs(StatusCode::kResourceExhausted));
  EXPECT_NE(status.message().find("max_events"), std::string_view::npos) << status.ToString();
  EXPECT_EQ(sim.events_fired(), 1000u);
  EXPECT_EQ(sim.RunFor(1s).code(), StatusCode::kResourceExhausted) << "failure is sticky";
}

TEST(Simulator, RunawayVirtualTimeIsStoppedWithAClearError) {
  Simulator sim(SimulatorOptions{.max_time = 24h});
  std::function<void()> forever = [&] { sim.ScheduleAfter(1h, [&] { forever(); }); };
  forever();
  Status status = sim.RunUntilIdle();
  EXPECT_THAT(status, StatusIs(StatusCode::kResourceExhausted));
  EXPECT_NE(status.message().find("max_time"), std::string_view::npos) << status.ToString();
  EXPECT_EQ(sim.Now(), At(24h));
}

TEST(Simulator, AnExceptionInAnEventFailsTheRunInsteadOfCrashing) {
  Simulator sim;
  sim.ScheduleAfter(3s, [] { throw std::runtime_error("boom"); });
  Status status = sim.RunFor(1min);
  EXPECT_THAT(status, StatusIs(StatusCode::kInternal));
  EXPECT_NE(status.message().find("boom"), std::string_view::npos);
  EXPECT_NE(status.message().find("+3s"), std::string_view::npos) << status.ToString();
}

TEST(Simulator, FailIsStickyAndTheFirstFailureWins) {
  Simulator sim;
  sim.ScheduleAfter(1s, [&] { sim.Fail(InternalError("invariant broken")); });
  sim.ScheduleAfter(2s, [&] { sim.Fail(InternalError("second")); });
  EXPECT_EQ(sim.RunFor(1min).message(), "invariant broken");
  EXPECT_EQ(sim.Now(), At(1s));
}

TEST(Simulator, RunCallsFromInsideAnEventAreRefused) {
  Simulator sim;
  std::optional<Status> inner;
  sim.ScheduleAfter(1s, [&] { inner = sim.RunFor(1s); });
  ASSERT_THAT(sim.RunFor(5s), IsOk());
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->code(), StatusCode::kFailedPrecondition);
}

TEST(Simulator, CoroutinesStartAtTheCurrentInstantAndSleepOnVirtualTime) {
  Simulator sim;
  std::vector<TimePoint> seen;
  Context root = Context::Background(sim);
  ASSERT_THAT(sim.RunFor(10s), IsOk());
  boost::asio::co_spawn(
      sim.io(),
      [&]() -> Awaitable<void> {
        seen.push_back(sim.Now());
        EXPECT_TRUE(co_await Sleep(root, 90min));
        seen.push_back(sim.Now());
        EXPECT_TRUE(co_await Sleep(root, 0s));
        seen.push_back(sim.Now());
      },
      boost::asio::detached);
  ASSERT_THAT(sim.RunFor(2h), IsOk());
  EXPECT_EQ(seen, (std::vector<TimePoint>{At(10s), At(10s) + 90min, At(10s) + 90min}));
}

TEST(Simulator, AnExceptionInACoroutineFailsTheRun) {
  Simulator sim;
  Context root = Context::Background(sim);
  boost::asio::co_spawn(
      sim.io(),
      [&]() -> Awaitable<void> {
        co_await Sleep(root, 1s);
        throw std::runtime_error("coroutine boom");
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  Status status = sim.RunFor(1min);
  EXPECT_THAT(status, StatusIs(StatusCode::kInternal));
  EXPECT_NE(status.message().find("coroutine boom"), std::string_view::npos) << status.ToString();
}

TEST(Simulator, EveryFiredEventFeedsTheDigest) {
  Simulator a, b;
  a.ScheduleAfter(1s, [] {});
  b.ScheduleAfter(1s, [] {});
  ASSERT_THAT(a.RunFor(1min), IsOk());
  ASSERT_THAT(b.RunFor(1min), IsOk());
  EXPECT_EQ(a.trace().digest(), b.trace().digest());
  EXPECT_EQ(a.trace().count(), 1u);
  b.ScheduleAfter(1s, [] {});
  ASSERT_THAT(b.RunFor(1min), IsOk());
  EXPECT_NE(a.trace().digest(), b.trace().digest());
}

// A warmth is only a hint: events whose hints point at memory freed long before they fire (on a
// queue large enough for the scheduler to use the hints) run in the same order, with the same
// digest, as without hints. Under the sanitizers, reading a hint would be a use after free.
TEST(Simulator, EventWarmthIsNeverReadAndChangesNothing) {
  auto run = [](bool warm) {
    Simulator sim;
    std::vector<int> order;
    for (int i = 0; i < 6000; ++i) {
      EventWarmth warmth;
      if (warm) {
        auto gone = std::make_unique<std::array<char, 256>>();
        warmth = EventWarmth{gone.get(), gone.get() + 64, gone.get() + 128, gone.get() + 192};
      }
      sim.ScheduleAt(
          TimePoint(Duration((i * 7919) % 1000)), [&order, i] { order.push_back(i); }, EventTag{},
          warmth);
    }
    EXPECT_THAT(sim.RunUntilIdle(), IsOk());
    return std::make_pair(order, sim.trace().digest());
  };
  const auto plain = run(false);
  const auto warmed = run(true);
  ASSERT_EQ(plain.first.size(), 6000u);
  EXPECT_EQ(warmed.first, plain.first);
  EXPECT_EQ(warmed.second, plain.second);
}

TEST(Simulator, DestroyingASimulatorWithSuspendedCoroutinesIsClean) {
  bool destroyed = false;
  {
    Simulator sim;
    Context root = Context::Background(sim);
    boost::asio::co_spawn(
        sim.io(),
        [&]() -> Awaitable<void> {
          Flag flag{&destroyed};
          co_await Sleep(root, 24h);
        },
        boost::asio::detached);
    ASSERT_THAT(sim.RunFor(1s), IsOk());
    EXPECT_FALSE(destroyed);
  }
  EXPECT_TRUE(destroyed);
}

TEST(Simulator, ACoroutineOwningTheFenceItWaitsOnIsDestroyedWithTheSimulator) {
  bool destroyed = false;
  {
    Simulator sim;
    Context root = Context::Background(sim);
    boost::asio::co_spawn(
        sim.io(),
        [&]() -> Awaitable<void> {
          Flag flag{&destroyed};
          auto fence = std::make_shared<Fence>(sim);  // owned by this frame only
          co_await fence->Wait(root);
        },
        boost::asio::detached);
    ASSERT_THAT(sim.RunFor(1s), IsOk());
    EXPECT_EQ(sim.parked(), 1u);
    EXPECT_FALSE(destroyed);
  }
  EXPECT_TRUE(destroyed) << "the suspended coroutine leaked";
}

TEST(Simulator, ParkedContinuationsRunOnceOrNever) {
  Simulator sim;
  int calls = 0;
  const auto id = sim.Park(UniqueFunction<void(int)>([&](int n) { calls += n; }));
  auto continuation = sim.Unpark<void(int)>(id);
  ASSERT_TRUE(static_cast<bool>(continuation));
  continuation(2);
  EXPECT_FALSE(static_cast<bool>(sim.Unpark<void(int)>(id)));
  const auto discarded = sim.Park(UniqueFunction<void(int)>([&](int n) { calls += n; }));
  sim.Discard(discarded);
  EXPECT_FALSE(static_cast<bool>(sim.Unpark<void(int)>(discarded)));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(sim.parked(), 0u);
}

// A chain of timers: each fires and schedules the next, `n` in all.
std::uint64_t ChainDigest(Simulator& sim, int n) {
  std::function<void(int)> next = [&](int left) {
    if (left > 0) sim.ScheduleAfter(7ms, [&next, left] { next(left - 1); });
  };
  next(n);
  EXPECT_THAT(sim.RunUntilIdle(), IsOk());
  return sim.trace().digest();
}

TEST(Simulator, TheProgressHookRunsEveryNEventsAndChangesNothing) {
  Simulator plain;
  const std::uint64_t digest = ChainDigest(plain, 1000);
  Simulator hooked;
  std::vector<std::uint64_t> seen;
  hooked.SetProgressHook(100, [&] {
    EXPECT_FALSE(hooked.InsideEvent());
    seen.push_back(hooked.events_fired());
  });
  EXPECT_EQ(ChainDigest(hooked, 1000), digest);
  ASSERT_EQ(seen.size(), 10u);
  EXPECT_EQ(seen.front(), 100u);
  EXPECT_EQ(seen.back(), 1000u);
  hooked.SetProgressHook(0, {});
  ChainDigest(hooked, 300);
  EXPECT_EQ(seen.size(), 10u) << "a removed hook still ran";
}

TEST(Simulator, StopAfterFromTheHookFinishesTheInstantAndIsForgotten) {
  Simulator sim;
  std::vector<std::pair<Duration, int>> fired;
  // Three events at each of 1ms, 2ms, 3ms: the hook (every 2 events) asks to stop during 1ms.
  for (int ms = 1; ms <= 3; ++ms) {
    for (int k = 0; k < 3; ++k) {
      sim.ScheduleAt(TimePoint(std::chrono::milliseconds(ms)),
                     [&, ms, k] { fired.emplace_back(std::chrono::milliseconds(ms), k); });
    }
  }
  sim.SetProgressHook(2, [&] { sim.StopAfter(sim.Now()); });
  ASSERT_THAT(sim.RunUntil(TimePoint(10ms)), IsOk());
  // The whole of 1ms fired, nothing later, and the clock stayed where the stop was.
  EXPECT_EQ(fired.size(), 3u);
  EXPECT_EQ(sim.Now(), TimePoint(1ms));
  // The same run as one asked to stop at 1ms.
  Simulator asked;
  int asked_fired = 0;
  for (int ms = 1; ms <= 3; ++ms) {
    for (int k = 0; k < 3; ++k) {
      asked.ScheduleAt(TimePoint(std::chrono::milliseconds(ms)), [&] { ++asked_fired; });
    }
  }
  ASSERT_THAT(asked.RunUntil(TimePoint(1ms)), IsOk());
  EXPECT_EQ(asked_fired, 3);
  // The stop is forgotten: without the hook, the next run goes on to its own end.
  sim.SetProgressHook(0, {});
  ASSERT_THAT(sim.RunUntil(TimePoint(10ms)), IsOk());
  EXPECT_EQ(fired.size(), 9u);
  EXPECT_EQ(sim.Now(), TimePoint(10ms));
}

TEST(Simulator, StopAfterEndsARunUntilAPredicateWithoutMovingTheClockOn) {
  Simulator sim;
  int fired = 0;
  for (int ms = 1; ms <= 5; ++ms) {
    sim.ScheduleAt(TimePoint(std::chrono::milliseconds(ms)), [&] { ++fired; });
  }
  sim.SetProgressHook(2, [&] { sim.StopAfter(sim.Now()); });
  EXPECT_FALSE(sim.RunUntil([] { return false; }, 1s));
  EXPECT_EQ(fired, 2);
  EXPECT_EQ(sim.Now(), TimePoint(2ms));
}

}  // namespace
}  // namespace testplanet
