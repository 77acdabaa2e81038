#include "sim/context.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "sim/asio.h"
#include "sim/simulator.h"
#include "sim/sleep.h"
#include "tests/status_matchers.h"

namespace testplanet {
namespace {

using namespace std::chrono_literals;

TimePoint At(Duration d) { return TimePoint(d); }

TEST(Context, BackgroundNeverEnds) {
  Simulator sim;
  Context root = Context::Background(sim);
  ASSERT_THAT(sim.RunFor(24h), IsOk());
  EXPECT_FALSE(root.Done());
  EXPECT_THAT(root.Err(), IsOk());
  EXPECT_EQ(root.Deadline(), kTimeInfinity);
}

TEST(Context, CancelEndsTheScopeAndEveryDescendantButNotTheParent) {
  Simulator sim;
  Context root = Context::Background(sim);
  Context child = root.WithCancel();
  Context grandchild = child.WithTimeout(1h);
  Context sibling = root.WithCancel();
  child.Cancel();
  EXPECT_TRUE(child.Done());
  EXPECT_TRUE(grandchild.Done());
  EXPECT_EQ(grandchild.Err().code(), StatusCode::kCancelled);
  EXPECT_FALSE(root.Done());
  EXPECT_FALSE(sibling.Done());
}

TEST(Context, CancelWithAReasonPassesItDown) {
  Simulator sim;
  Context root = Context::Background(sim);
  Context child = root.WithCancel();
  Context grandchild = child.WithCancel();
  child.Cancel(UnavailableError("peer crashed"));
  child.Cancel(InternalError("ignored: already ended"));
  EXPECT_EQ(grandchild.Err().message(), "peer crashed");
  EXPECT_EQ(child.Err().code(), StatusCode::kUnavailable);
}

TEST(Context, DeadlinePassesOnVirtualTime) {
  Simulator sim;
  Context ctx = Context::Background(sim).WithTimeout(10min);
  EXPECT_EQ(ctx.Deadline(), At(10min));
  ASSERT_THAT(sim.RunFor(10min - 1ns), IsOk());
  EXPECT_FALSE(ctx.Done());
  ASSERT_THAT(sim.RunFor(1ns), IsOk());
  EXPECT_TRUE(ctx.Done());
  EXPECT_EQ(ctx.Err().code(), StatusCode::kDeadlineExceeded);
}

TEST(Context, AChildsDeadlineIsNeverLaterThanItsParents) {
  Simulator sim;
  Context parent = Context::Background(sim).WithTimeout(1min);
  Context child = parent.WithTimeout(1h);
  EXPECT_EQ(child.Deadline(), At(1min));
  ASSERT_THAT(sim.RunFor(1min), IsOk());
  EXPECT_EQ(child.Err().code(), StatusCode::kDeadlineExceeded);
}

TEST(Context, AChildOfAnEndedScopeIsBornEnded) {
  Simulator sim;
  Context parent = Context::Background(sim).WithCancel();
  parent.Cancel();
  Context child = parent.WithTimeout(1h);
  EXPECT_TRUE(child.Done());
  EXPECT_EQ(child.Err().code(), StatusCode::kCancelled);
  EXPECT_TRUE(Context::Background(sim).WithTimeout(0s).Done());
}

TEST(Context, OnDoneRunsInRegistrationOrderAndOnlyWhileRegistered) {
  Simulator sim;
  Context ctx = Context::Background(sim).WithCancel();
  std::vector<int> calls;
  auto r1 = ctx.OnDone([&] { calls.push_back(1); });
  auto r2 = ctx.OnDone([&] { calls.push_back(2); });
  auto r3 = ctx.OnDone([&] { calls.push_back(3); });
  r2.Reset();
  ctx.Cancel();
  EXPECT_EQ(calls, (std::vector<int>{1, 3}));
  auto late = ctx.OnDone([&] { calls.push_back(4); });
  EXPECT_EQ(calls, (std::vector<int>{1, 3, 4})) << "registering on an ended scope calls at once";
}

TEST(Context, ManyRegistrationsComingAndGoingStillRunInRegistrationOrder) {
  // Registrations are kept in registration order with the gaps of reset ones closed now and
  // then: churn enough to close gaps many times, in an order that is not first-in first-out.
  Simulator sim;
  Context ctx = Context::Background(sim).WithCancel();
  std::vector<int> calls;
  std::vector<std::optional<Context::Registration>> registrations(2000);
  std::vector<int> expected;
  for (int i = 0; i < 2000; ++i) {
    registrations[i] = ctx.OnDone([&calls, i] { calls.push_back(i); });
    // Reset an earlier one, out of order, and keep every seventh for good.
    const int victim = (i * 37) % (i + 1);
    if (victim % 7 != 0 && registrations[victim]) registrations[victim].reset();
  }
  for (int i = 0; i < 2000; ++i) {
    if (registrations[i] && i % 3 == 1) registrations[i].reset();
  }
  for (int i = 0; i < 2000; ++i) {
    if (registrations[i]) expected.push_back(i);
  }
  ASSERT_GT(expected.size(), 100u);
  ASSERT_LT(expected.size(), 1500u);
  ctx.Cancel();
  EXPECT_EQ(calls, expected);
}

TEST(Context, ACallbackMayResetALaterRegistrationWhichThenDoesNotRun) {
  Simulator sim;
  Context ctx = Context::Background(sim).WithCancel();
  std::vector<int> calls;
  std::optional<Context::Registration> later;
  auto first = ctx.OnDone([&] {
    calls.push_back(1);
    later.reset();
  });
  later = ctx.OnDone([&] { calls.push_back(2); });
  auto last = ctx.OnDone([&] { calls.push_back(3); });
  ctx.Cancel();
  EXPECT_EQ(calls, (std::vector<int>{1, 3}));
}

struct CountingWaiter : Context::Waiter {
  void OnContextDone() override { ++calls; }
  int calls = 0;
};

TEST(Context, AnEmbeddedWaiterIsToldOnceUnlessItUnlinkedFirst) {
  Simulator sim;
  Context ctx = Context::Background(sim).WithCancel();
  CountingWaiter told, unlinked;
  ctx.Link(told);
  ctx.Link(unlinked);
  unlinked.Unlink();
  EXPECT_FALSE(unlinked.linked());
  ctx.Cancel();
  ctx.Cancel();
  EXPECT_EQ(told.calls, 1);
  EXPECT_FALSE(told.linked());
  EXPECT_EQ(unlinked.calls, 0);
  CountingWaiter late;
  ctx.Link(late);
  EXPECT_EQ(late.calls, 1) << "linking to an ended scope tells at once";
}

TEST(Context, AContextOutlivingItsCreatorIsSafe) {
  Simulator sim;
  std::optional<Context> child;
  {
    Context parent = Context::Background(sim).WithTimeout(5s);
    child = parent.WithCancel();
  }
  ASSERT_THAT(sim.RunFor(10s), IsOk());
  EXPECT_EQ(child->Err().code(), StatusCode::kDeadlineExceeded);
}

TEST(Sleep, ReturnsFalseAtTheInstantItsContextEnds) {
  Simulator sim;
  Context ctx = Context::Background(sim).WithTimeout(3s);
  std::optional<bool> completed;
  std::optional<TimePoint> woke;
  boost::asio::co_spawn(
      sim.io(),
      [&]() -> Awaitable<void> {
        completed = co_await Sleep(ctx, 1h);
        woke = sim.Now();
      },
      boost::asio::detached);
  ASSERT_THAT(sim.RunFor(2h), IsOk());
  EXPECT_EQ(completed, false);
  EXPECT_EQ(woke, At(3s));
  EXPECT_EQ(sim.pending_events(), 0u) << "the cancelled sleep left its timer behind";
}

// A wake hint is only a hint: thousands of sleepers whose hints name memory freed before they
// wake (a queue large enough for the scheduler to use them) wake in the same order, with the
// same digest, as without hints.
TEST(Sleep, AWakeHintIsNeverReadAndChangesNothing) {
  auto run = [](bool hinted) {
    Simulator sim;
    Context ctx = Context::Background(sim);
    std::vector<int> woke;
    std::vector<std::unique_ptr<std::array<char, 128>>> gone;  // freed before anyone wakes
    for (int i = 0; i < 6000; ++i) {
      WakeHint hint;
      if (hinted) {
        gone.push_back(std::make_unique<std::array<char, 128>>());
        hint = WakeHint{gone.back().get(), gone.back()->data() + 64};
      }
      boost::asio::co_spawn(
          sim.io(),
          [&, i, hint]() -> Awaitable<void> {
            if (co_await Sleep(ctx, Duration((i * 7919) % 1000), hint)) woke.push_back(i);
          },
          boost::asio::detached);
    }
    gone.clear();
    EXPECT_THAT(sim.RunFor(1h), IsOk());
    return std::make_pair(woke, sim.trace().digest());
  };
  const auto plain = run(false);
  const auto hinted = run(true);
  ASSERT_EQ(plain.first.size(), 6000u);
  EXPECT_EQ(hinted.first, plain.first);
  EXPECT_EQ(hinted.second, plain.second);
}

TEST(Sleep, OnAnEndedContextReturnsFalseAtOnce) {
  Simulator sim;
  Context ctx = Context::Background(sim).WithCancel();
  ctx.Cancel();
  std::optional<bool> completed;
  boost::asio::co_spawn(
      sim.io(), [&]() -> Awaitable<void> { completed = co_await Sleep(ctx, 1h); },
      boost::asio::detached);
  ASSERT_THAT(sim.RunFor(0s), IsOk());
  EXPECT_EQ(completed, false);
}

TEST(Fence, WaitersWakeInOrderWhenReleased) {
  Simulator sim;
  Context root = Context::Background(sim);
  Fence fence(sim);
  std::vector<int> woke;
  for (int i = 0; i < 3; ++i) {
    boost::asio::co_spawn(
        sim.io(),
        [&, i]() -> Awaitable<void> {
          if (co_await fence.Wait(root)) woke.push_back(i);
        },
        boost::asio::detached);
  }
  sim.ScheduleAfter(5s, [&] { fence.Release(); });
  ASSERT_THAT(sim.RunFor(4s), IsOk());
  EXPECT_TRUE(woke.empty());
  ASSERT_THAT(sim.RunFor(1s), IsOk());
  EXPECT_EQ(woke, (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(fence.Released());
}

TEST(Fence, WaitWithADeadlineGivesUpOnTime) {
  Simulator sim;
  Fence fence(sim);
  std::optional<bool> released;
  std::optional<TimePoint> at;
  boost::asio::co_spawn(
      sim.io(),
      [&]() -> Awaitable<void> {
        released = co_await fence.Wait(Context::Background(sim).WithTimeout(30s));
        at = sim.Now();
      },
      boost::asio::detached);
  ASSERT_THAT(sim.RunFor(1min), IsOk());
  EXPECT_EQ(released, false);
  EXPECT_EQ(at, At(30s));
  fence.Release();  // no waiter left to wake
  ASSERT_THAT(sim.RunFor(1s), IsOk());
}

}  // namespace
}  // namespace testplanet
