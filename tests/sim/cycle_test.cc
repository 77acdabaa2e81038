// The Cycle contract (storj-notes.md §1.3), our deliberate deviations from Go, and the cases of
// Storj's own sync2/cycle_test.go (§1.4) — all on virtual time.
#include "sim/cycle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/context.h"
#include "sim/simulator.h"
#include "sim/sleep.h"
#include "tests/status_matchers.h"

namespace testplanet {
namespace {

using namespace std::chrono_literals;

TimePoint At(Duration d) { return TimePoint(d); }

// Records every run of a cycle: when it started and ended, and why it ran.
struct RunLog {
  struct Entry {
    TimePoint start;
    TimePoint end = kTimeInfinity;
    CycleRunReason reason;
    bool manually_triggered;
  };
  std::vector<Entry> runs;
  int in_progress = 0;
  int max_in_progress = 0;

  std::vector<TimePoint> Starts() const {
    std::vector<TimePoint> out;
    for (const auto& run : runs) out.push_back(run.start);
    return out;
  }
};

class CycleTest : public ::testing::Test {
 protected:
  // A fn that logs its run, takes `work` of virtual time, then returns `result`.
  Cycle::Fn Work(Duration work, Status result = Status::Ok()) {
    return [this, work, result](CycleRun run) -> Awaitable<Status> {
      log_.runs.push_back({sim_.Now(), kTimeInfinity, run.reason, run.ManuallyTriggered()});
      const std::size_t index = log_.runs.size() - 1;
      log_.max_in_progress = std::max(log_.max_in_progress, ++log_.in_progress);
      if (work > Duration::zero()) co_await Sleep(run.ctx, work);
      --log_.in_progress;
      log_.runs[index].end = sim_.Now();
      co_return result;
    };
  }

  Simulator sim_;
  Context root_ = Context::Background(sim_);
  RunLog log_;
};

// --- The contract (§1.3) ---------------------------------------------------------------------

TEST_F(CycleTest, FirstRunIsImmediateThenEveryIntervalStartToStart) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(5s));
  ASSERT_THAT(sim_.RunFor(50s), IsOk());
  EXPECT_EQ(log_.Starts(), (std::vector<TimePoint>{At(0s), At(15s), At(30s), At(45s)}));
  EXPECT_EQ(log_.runs[0].reason, CycleRunReason::kFirst);
  EXPECT_EQ(log_.runs[1].reason, CycleRunReason::kTick);
}

// Two cycles ticking at one instant run in the order their ticks were scheduled, whatever their
// names: "b" started first ticks first; re-arming both changes the order to the re-arming order.
TEST_F(CycleTest, CyclesDueAtTheSameInstantRunInTheOrderTheirTicksWereScheduled) {
  std::vector<std::string> order;
  auto named = [&](std::string name) -> Cycle::Fn {
    return [&order, name](CycleRun run) -> Awaitable<Status> {
      if (run.reason == CycleRunReason::kTick) order.push_back(name);
      co_return Status::Ok();
    };
  };
  Cycle b(sim_, "b", 0, 10s);
  Cycle a(sim_, "a", 0, 10s);
  b.Start(root_, named("b"));
  a.Start(root_, named("a"));
  ASSERT_THAT(sim_.RunFor(20s), IsOk());
  EXPECT_EQ(order, (std::vector<std::string>{"b", "a", "b", "a"}));
  // Re-arming "b" after "a" puts b's next ticks behind a's at every shared instant.
  order.clear();
  ASSERT_THAT(sim_.RunFor(5s), IsOk());
  b.Restart();  // at 25s: b ticks at 35s, 45s, ...; a at 30s, 40s, ...
  a.Restart();  // at 25s, after b: a ticks at 35s, 45s, ... scheduled after b's
  ASSERT_THAT(sim_.RunFor(20s), IsOk());
  EXPECT_EQ(order, (std::vector<std::string>{"b", "a", "b", "a"}));
  order.clear();
  a.Restart();  // at 45s, a first this time
  b.Restart();
  ASSERT_THAT(sim_.RunFor(20s), IsOk());
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "a", "b"}));
}

TEST_F(CycleTest, SetDelayStartWaitsOneIntervalBeforeTheFirstRun) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.SetDelayStart();
  cycle.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(31s), IsOk());
  EXPECT_EQ(log_.Starts(), (std::vector<TimePoint>{At(15s), At(30s)}));
}

TEST_F(CycleTest, RunsNeverOverlapAndTicksDuringALongRunAreHeldOnceThenDropped) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(40s));
  ASSERT_THAT(sim_.RunFor(130s), IsOk());
  EXPECT_EQ(log_.max_in_progress, 1);
  // Ticks at 15 (held) and 30 (dropped) during run 0..40; the held tick starts a run at 40.
  // Ticks at 45 (held), 60 and 75 (dropped) during 40..80; run at 80; then 90 held and 105
  // dropped during 80..120; run at 120, where the run ending (scheduled earlier) goes first.
  EXPECT_EQ(log_.Starts(), (std::vector<TimePoint>{At(0s), At(40s), At(80s), At(120s)}));
  EXPECT_EQ(cycle.ticks_dropped(), 4u);
}

TEST_F(CycleTest, TriggerReturnsWithoutWaitingForTheRunToFinish) {
  Cycle cycle(sim_, "chore", 0, 1h);
  cycle.Start(root_, Work(10s));
  ASSERT_THAT(sim_.RunFor(20s), IsOk());  // the first run is over
  cycle.Trigger();
  ASSERT_THAT(sim_.RunFor(0s), IsOk());
  EXPECT_TRUE(cycle.Running());
  EXPECT_EQ(cycle.runs_started(), 2u);
  EXPECT_EQ(cycle.runs_finished(), 1u);
}

TEST_F(CycleTest, TriggerDuringARunRunsRightAfterIt) {
  Cycle cycle(sim_, "chore", 0, 1h);
  cycle.Start(root_, Work(10s));
  ASSERT_THAT(sim_.RunFor(2s), IsOk());
  cycle.Trigger();
  ASSERT_THAT(sim_.RunFor(30s), IsOk());
  EXPECT_EQ(log_.Starts(), (std::vector<TimePoint>{At(0s), At(10s)}));
  EXPECT_EQ(log_.max_in_progress, 1);
}

TEST_F(CycleTest, TriggerWaitReturnsOnceTheTriggeredRunHasFinished) {
  Cycle cycle(sim_, "chore", 0, 1h);
  cycle.Start(root_, Work(7s));
  ASSERT_THAT(sim_.RunFor(10s), IsOk());
  ASSERT_THAT(cycle.TriggerWait(), IsOk());
  EXPECT_EQ(sim_.Now(), At(17s));
  ASSERT_EQ(log_.runs.size(), 2u);
  EXPECT_EQ(log_.runs[1].end, At(17s));
  EXPECT_FALSE(cycle.Running());
}

TEST_F(CycleTest, PauseStopsTicksButTriggersStillRunAndDoNotUnpause) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(1s));
  ASSERT_THAT(sim_.RunFor(5s), IsOk());
  cycle.Pause();
  ASSERT_THAT(cycle.TriggerWait(), IsOk());
  ASSERT_THAT(cycle.TriggerWait(), IsOk());
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  EXPECT_EQ(cycle.runs_finished(), 3u);  // first run + two triggers, no ticks
  EXPECT_TRUE(cycle.Paused());
}

TEST_F(CycleTest, PauseCannotStopTheFirstRun) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Pause();
  cycle.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  EXPECT_EQ(log_.Starts(), (std::vector<TimePoint>{At(0s)}));
}

TEST_F(CycleTest, RestartPutsTheNextTickOneFullIntervalAway) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(20s), IsOk());  // runs at 0 and 15
  cycle.Pause();
  ASSERT_THAT(sim_.RunFor(40s), IsOk());  // now 60; no runs while paused
  cycle.Restart();
  ASSERT_THAT(sim_.RunFor(31s), IsOk());
  EXPECT_EQ(log_.Starts(), (std::vector<TimePoint>{At(0s), At(15s), At(75s), At(90s)}));
}

TEST_F(CycleTest, RestartWhileTickingAlsoRearmsTheTicker) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(10s), IsOk());
  cycle.Restart();  // next tick at 25 instead of 15
  ASSERT_THAT(sim_.RunFor(20s), IsOk());
  EXPECT_EQ(log_.Starts(), (std::vector<TimePoint>{At(0s), At(25s)}));
}

TEST_F(CycleTest, ChangeIntervalRearmsTheTickerAndUnpauses) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(20s), IsOk());  // runs at 0, 15
  cycle.Pause();
  ASSERT_THAT(cycle.ChangeInterval(1min), IsOk());
  EXPECT_FALSE(cycle.Paused());
  EXPECT_EQ(cycle.NextTick(), At(80s));
  ASSERT_THAT(sim_.RunFor(130s), IsOk());
  EXPECT_EQ(log_.Starts(), (std::vector<TimePoint>{At(0s), At(15s), At(80s), At(140s)}));
}

TEST_F(CycleTest, IntervalMinusOneDisablesTheCycleWhichNeverRunsByItself) {
  Cycle cycle(sim_, "chore", 0, Cycle::kDisabled);
  EXPECT_TRUE(cycle.Disabled());
  cycle.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(24h), IsOk());
  EXPECT_TRUE(log_.runs.empty());
  cycle.Pause();
  cycle.Restart();
  ASSERT_THAT(sim_.RunFor(24h), IsOk());
  EXPECT_TRUE(log_.runs.empty());
  EXPECT_FALSE(cycle.Stopped());
}

TEST_F(CycleTest, FnErrorEndsTheCycleAndRunReturnsIt) {
  Cycle cycle(sim_, "chore", 0, 15s);
  std::optional<Status> exit;
  cycle.Start(root_, Work(1s, InternalError("disk on fire")), [&](Status s) { exit = s; });
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  EXPECT_EQ(log_.runs.size(), 1u);
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code(), StatusCode::kInternal);
  EXPECT_NE(exit->message().find("disk on fire"), std::string_view::npos);
  EXPECT_TRUE(cycle.Stopped());
}

TEST_F(CycleTest, StopIsIdempotentAndLetsTheCurrentRunFinishThenRunReturnsOk) {
  Cycle cycle(sim_, "chore", 0, 15s);
  std::optional<Status> exit;
  cycle.Start(root_, Work(10s), [&](Status s) { exit = s; });
  ASSERT_THAT(sim_.RunFor(3s), IsOk());
  cycle.Stop();
  cycle.Stop();
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  EXPECT_FALSE(exit.has_value()) << "Run returned while fn was still running";
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  ASSERT_TRUE(exit.has_value());
  EXPECT_THAT(*exit, IsOk());
  EXPECT_EQ(log_.runs.size(), 1u);
  EXPECT_EQ(log_.runs[0].end, At(10s)) << "Stop must not cancel fn's context";
  cycle.Stop();
}

TEST_F(CycleTest, StopDuringARunDropsTheTickHeldMeanwhile) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(22s));
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  EXPECT_THAT(cycle.Close(), IsOk());
  EXPECT_EQ(sim_.Now(), At(22s));
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  EXPECT_EQ(log_.Starts(), (std::vector<TimePoint>{At(0s)}));
}

TEST_F(CycleTest, ControlCallsAfterStopDoNothing) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  cycle.Stop();
  cycle.Trigger();
  cycle.Restart();
  EXPECT_THAT(cycle.ChangeInterval(1s), IsOk());
  EXPECT_EQ(cycle.TriggerWait().code(), StatusCode::kCancelled);
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  EXPECT_EQ(log_.runs.size(), 1u);
}

TEST_F(CycleTest, StopRightAfterStartStillWaitsForTheFirstRun) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(5s));
  cycle.Stop();
  EXPECT_THAT(cycle.Close(), IsOk());
  EXPECT_TRUE(cycle.Stopped());
  EXPECT_EQ(sim_.Now(), At(5s)) << "Close returned before the first run finished";
  EXPECT_EQ(log_.runs.size(), 1u);
}

TEST_F(CycleTest, RunReturnsTheContextErrorWhenCancelled) {
  Cycle cycle(sim_, "chore", 0, 15s);
  Context ctx = root_.WithCancel();
  std::optional<Status> exit;
  cycle.Start(ctx, Work(0s), [&](Status s) { exit = s; });
  ASSERT_THAT(sim_.RunFor(20s), IsOk());
  ctx.Cancel();
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code(), StatusCode::kCancelled);
  EXPECT_EQ(log_.runs.size(), 2u);
}

TEST_F(CycleTest, CancellingTheContextCancelsTheRunningFn) {
  Cycle cycle(sim_, "chore", 0, 15s);
  Context ctx = root_.WithTimeout(5s);
  std::optional<Status> exit;
  cycle.Start(ctx, Work(1h), [&](Status s) { exit = s; });
  ASSERT_THAT(sim_.RunFor(10s), IsOk());
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(log_.runs[0].end, At(5s));
}

TEST_F(CycleTest, ManualTriggerFlagIsVisibleInsideFn) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(16s), IsOk());
  ASSERT_THAT(cycle.TriggerWait(), IsOk());
  ASSERT_EQ(log_.runs.size(), 3u);
  EXPECT_FALSE(log_.runs[0].manually_triggered);  // first
  EXPECT_FALSE(log_.runs[1].manually_triggered);  // tick
  EXPECT_TRUE(log_.runs[2].manually_triggered);
  EXPECT_EQ(log_.runs[2].reason, CycleRunReason::kTrigger);
}

TEST_F(CycleTest, EveryRunIsRecordedInTheTraceWithNamePeerReasonAndTimes) {
  Simulator sim(SimulatorOptions{.trace_detail = TraceDetail::kRecords});
  const PeerId node = sim.trace().RegisterPeer("storagenode0");
  Cycle cycle(sim, "orders.sender", node, 15s);
  cycle.Start(Context::Background(sim), [&](CycleRun run) -> Awaitable<Status> {
    co_await Sleep(run.ctx, 2s);
    co_return Status::Ok();
  });
  ASSERT_THAT(sim.RunFor(20s), IsOk());
  std::vector<TraceRecord> runs;
  for (const auto& r : sim.trace().records()) {
    if (r.kind == trace_kinds::kCycleRunBegin.id || r.kind == trace_kinds::kCycleRunEnd.id) {
      runs.push_back(r);
    }
  }
  ASSERT_EQ(runs.size(), 4u);
  const std::uint64_t name = StableHash("orders.sender");
  EXPECT_EQ(sim.trace().NameOf(name), "orders.sender");
  for (const auto& r : runs) {
    EXPECT_EQ(r.peer, node);
    EXPECT_EQ(r.a, name);
  }
  EXPECT_EQ(runs[0].kind, trace_kinds::kCycleRunBegin.id);
  EXPECT_EQ(runs[0].time_ns, 0);
  EXPECT_EQ(runs[0].b, static_cast<std::uint64_t>(CycleRunReason::kFirst));
  EXPECT_EQ(runs[1].kind, trace_kinds::kCycleRunEnd.id);
  EXPECT_EQ(runs[1].time_ns, Duration(2s).count());
  EXPECT_EQ(runs[2].time_ns, Duration(15s).count());
  EXPECT_EQ(runs[2].b, static_cast<std::uint64_t>(CycleRunReason::kTick));
  EXPECT_EQ(runs[3].time_ns, Duration(17s).count());
}

TEST_F(CycleTest, BadIntervalsAreErrorsNotCrashes) {
  Cycle cycle(sim_, "chore", 0, 15s);
  EXPECT_EQ(cycle.SetInterval(0s).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(cycle.SetInterval(-5s).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(cycle.ChangeInterval(0s).code(), StatusCode::kInvalidArgument);
  Cycle zero(sim_, "zero", 0, 0s);
  std::optional<Status> exit;
  zero.Start(root_, Work(0s), [&](Status s) { exit = s; });
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(log_.runs.empty());
}

TEST_F(CycleTest, SetIntervalAfterStartIsRefused) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(0s));
  EXPECT_EQ(cycle.SetInterval(1s).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(cycle.interval(), 15s);
}

TEST_F(CycleTest, RunAsAnAwaitableReturnsAfterStop) {
  Cycle cycle(sim_, "chore", 0, 15s);
  std::optional<Status> exit;
  boost::asio::co_spawn(
      sim_.io(), [&]() -> Awaitable<void> { exit = co_await cycle.Run(root_, Work(1s)); },
      boost::asio::detached);
  ASSERT_THAT(sim_.RunFor(31s), IsOk());
  EXPECT_EQ(log_.runs.size(), 3u);
  cycle.Stop();
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  ASSERT_TRUE(exit.has_value());
  EXPECT_THAT(*exit, IsOk());
}

TEST_F(CycleTest, StartingTwiceIsRefused) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(0s));
  std::optional<Status> second;
  cycle.Start(root_, Work(0s), [&](Status s) { second = s; });
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(cycle.Stopped());
}

// --- Deviations from Go, each on purpose -------------------------------------------------------

TEST_F(CycleTest, DeviationPauseTakesEffectAtOnceWhileFnRuns) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(40s));
  ASSERT_THAT(sim_.RunFor(20s), IsOk());  // a tick at 15 is held
  cycle.Pause();                          // returns at once, although fn runs until 40
  EXPECT_TRUE(cycle.Paused());
  EXPECT_TRUE(cycle.Running());
  EXPECT_EQ(sim_.Now(), At(20s));
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  EXPECT_EQ(log_.Starts(), (std::vector<TimePoint>{At(0s)})) << "the held tick must be dropped";
}

TEST_F(CycleTest, DeviationTriggerOnADisabledCycleRunsFnOnce) {
  Cycle cycle(sim_, "chore", 0, Cycle::kDisabled);
  cycle.Start(root_, Work(3s));
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  ASSERT_THAT(cycle.TriggerWait(), IsOk());
  cycle.Trigger();
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  ASSERT_EQ(log_.runs.size(), 2u);
  EXPECT_TRUE(log_.runs[0].manually_triggered);
  EXPECT_TRUE(cycle.Disabled());
}

TEST_F(CycleTest, DeviationTriggerWaitReturnsFnsError) {
  Cycle cycle(sim_, "chore", 0, Cycle::kDisabled);
  cycle.Start(root_, Work(1s, UnavailableError("satellite down")));
  Status status = cycle.TriggerWait();
  EXPECT_THAT(status, StatusIs(StatusCode::kUnavailable));
  EXPECT_EQ(status.message(), "satellite down");
  EXPECT_TRUE(cycle.Stopped()) << "fn's error still ends the cycle";
}

TEST_F(CycleTest, DeviationChangeIntervalCanDisableAndReenable) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(20s), IsOk());  // 0, 15
  ASSERT_THAT(cycle.ChangeInterval(Cycle::kDisabled), IsOk());
  EXPECT_TRUE(cycle.Disabled());
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  EXPECT_EQ(log_.runs.size(), 2u);
  ASSERT_THAT(cycle.ChangeInterval(Cycle::kDisabled), IsOk());  // a no-op on a disabled cycle
  ASSERT_THAT(cycle.ChangeInterval(10s), IsOk());
  ASSERT_THAT(sim_.RunFor(25s), IsOk());
  EXPECT_EQ(log_.runs.size(), 4u);
}

TEST_F(CycleTest, DeviationControlAfterCloseIsIgnoredNotAPanic) {
  Cycle cycle(sim_, "chore", 0, 15s);
  cycle.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  EXPECT_THAT(cycle.Close(), IsOk());
  cycle.Pause();
  cycle.Restart();
  cycle.Trigger();
  cycle.Stop();
  EXPECT_EQ(cycle.TriggerWait().code(), StatusCode::kCancelled);
  EXPECT_THAT(cycle.Close(), IsOk());
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  EXPECT_EQ(log_.runs.size(), 1u);
}

TEST_F(CycleTest, TriggerWaitInsideTheSimulationUsesTheAwaitableForm) {
  Cycle cycle(sim_, "chore", 0, Cycle::kDisabled);
  cycle.Start(root_, Work(4s));
  std::optional<Status> blocking, awaited;
  std::optional<TimePoint> awaited_at;
  boost::asio::co_spawn(
      sim_.io(),
      [&]() -> Awaitable<void> {
        blocking = cycle.TriggerWait();
        awaited = co_await cycle.TriggerWaitAsync();
        awaited_at = sim_.Now();
      },
      boost::asio::detached);
  ASSERT_THAT(sim_.RunFor(1min), IsOk());
  ASSERT_TRUE(blocking.has_value());
  EXPECT_EQ(blocking->code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(awaited.has_value());
  EXPECT_THAT(*awaited, IsOk());
  EXPECT_EQ(*awaited_at, At(4s));
}

TEST_F(CycleTest, TriggerWaitReportsAFnThatNeverFinishes) {
  Cycle cycle(sim_, "chore", 0, Cycle::kDisabled);
  Fence never(sim_);
  cycle.Start(root_, [&](CycleRun run) -> Awaitable<Status> {
    co_await never.Wait(run.ctx);
    co_return Status::Ok();
  });
  Status status = cycle.TriggerWait();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status.ToString();
}

TEST_F(CycleTest, TriggerWaitBeforeStartIsAnError) {
  Cycle cycle(sim_, "chore", 0, 15s);
  EXPECT_EQ(cycle.TriggerWait().code(), StatusCode::kFailedPrecondition);
}

// --- Storj's sync2/cycle_test.go (§1.4) --------------------------------------------------------

TEST_F(CycleTest, StorjBasicPauseNineTriggersAndATriggerWaitGiveExactlyTenRuns) {
  Cycle cycle(sim_, "chore", 0, 1s);
  cycle.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(5500ms), IsOk());
  cycle.Pause();
  const auto before = cycle.runs_finished();
  for (int i = 0; i < 9; ++i) cycle.Trigger();
  ASSERT_THAT(cycle.TriggerWait(), IsOk());
  EXPECT_EQ(cycle.runs_finished() - before, 10u);
  ASSERT_THAT(sim_.RunFor(10s), IsOk());
  EXPECT_EQ(cycle.runs_finished() - before, 10u) << "paused: no ticks";
  cycle.Restart();
  ASSERT_THAT(sim_.RunFor(3s), IsOk());
  EXPECT_EQ(cycle.runs_finished() - before, 13u);
}

TEST_F(CycleTest, StorjMultipleStopsAreSafe) {
  Cycle cycle(sim_, "chore", 0, 1s);
  cycle.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(3s), IsOk());
  for (int i = 0; i < 5; ++i) cycle.Stop();
  EXPECT_THAT(cycle.Close(), IsOk());
  EXPECT_THAT(cycle.Close(), IsOk());
}

TEST_F(CycleTest, StorjRunOnACancelledContextReturnsCancelled) {
  Context ctx = root_.WithCancel();
  ctx.Cancel();
  Cycle cycle(sim_, "chore", 0, 1s);
  std::optional<Status> exit;
  cycle.Start(ctx, Work(0s), [&](Status s) { exit = s; });
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code(), StatusCode::kCancelled);
}

TEST_F(CycleTest, StorjDisableRules) {
  Cycle enabled(sim_, "enabled", 0, 1s);
  EXPECT_FALSE(enabled.Disabled());
  Cycle disabled(sim_, "disabled", 0, Cycle::kDisabled);
  EXPECT_TRUE(disabled.Disabled());
  disabled.Start(root_, Work(0s));
  ASSERT_THAT(sim_.RunFor(10s), IsOk());
  EXPECT_TRUE(log_.runs.empty());
  EXPECT_THAT(disabled.ChangeInterval(Cycle::kDisabled), IsOk());
  EXPECT_TRUE(disabled.Disabled());
}

}  // namespace
}  // namespace testplanet
