#include "sim/lifecycle.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "sim/sleep.h"
#include "tests/status_matchers.h"

namespace testplanet {
namespace {

using namespace std::chrono_literals;

// A service that runs until its context ends (returning the context's error), or fails after
// `fail_after` with `failure`.
UniqueFunction<Awaitable<Status>(Context)> Service(std::vector<std::string>& log, std::string name,
                                                   Duration fail_after = Duration::max(),
                                                   Status failure = Status::Ok()) {
  return [&log, name, fail_after, failure](Context ctx) -> Awaitable<Status> {
    log.push_back("run " + name);
    if (co_await Sleep(ctx, fail_after)) co_return failure;
    log.push_back("cancelled " + name);
    co_return ctx.Err();
  };
}

UniqueFunction<Status()> Closer(std::vector<std::string>& log, std::string name,
                                Status result = Status::Ok()) {
  return [&log, name, result] {
    log.push_back("close " + name);
    return result;
  };
}

TEST(LifecycleGroup, ClosesInReverseOrderOfAddingAndCombinesErrors) {
  Simulator sim;
  std::vector<std::string> log;
  LifecycleGroup group(sim, 0);
  group.Add({"db", {}, Closer(log, "db", InternalError("flush failed"))});
  group.Add({"server", {}, Closer(log, "server")});
  group.Add({"orders", {}, Closer(log, "orders", UnavailableError("still sending"))});
  group.Add({"nothing-to-close", {}, {}});
  Status status = group.Close();
  EXPECT_EQ(log, (std::vector<std::string>{"close orders", "close server", "close db"}));
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << "the first error's code";
  EXPECT_NE(status.message().find("closing orders"), std::string_view::npos);
  EXPECT_NE(status.message().find("flush failed"), std::string_view::npos) << status.ToString();
  EXPECT_THAT(group.Close(), IsOk()) << "Close is idempotent";
  EXPECT_EQ(log.size(), 3u);
}

TEST(LifecycleGroup, AFailingRunShutsTheOthersDownAndIsReported) {
  Simulator sim;
  std::vector<std::string> log;
  LifecycleGroup group(sim, 0);
  group.Add({"contact", Service(log, "contact"), Closer(log, "contact")});
  group.Add(
      {"orders", Service(log, "orders", 5s, InternalError("db corrupt")), Closer(log, "orders")});
  group.Add({"collector", Service(log, "collector"), Closer(log, "collector")});
  std::optional<Status> exit;
  group.Start(Context::Background(sim), [&](Status s) { exit = s; });
  ASSERT_THAT(sim.RunFor(4s), IsOk());
  EXPECT_TRUE(group.running());
  ASSERT_THAT(sim.RunFor(2s), IsOk());
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code(), StatusCode::kInternal);
  EXPECT_NE(exit->message().find("unexpected shutdown of orders"), std::string_view::npos);
  EXPECT_FALSE(group.running());
  EXPECT_THAT(group.Close(), IsOk());
  EXPECT_EQ(log, (std::vector<std::string>{"run contact", "run orders", "run collector",
                                           "cancelled contact", "cancelled collector",
                                           "close collector", "close orders", "close contact"}));
}

TEST(LifecycleGroup, CancellingTheContextEndsEveryRunWithoutAFailure) {
  Simulator sim;
  std::vector<std::string> log;
  LifecycleGroup group(sim, 0);
  group.Add({"a", Service(log, "a"), {}});
  group.Add({"b", Service(log, "b"), {}});
  Context ctx = Context::Background(sim).WithCancel();
  std::optional<Status> exit;
  group.Start(ctx, [&](Status s) { exit = s; });
  ASSERT_THAT(sim.RunFor(1h), IsOk());
  EXPECT_FALSE(exit.has_value());
  ctx.Cancel();
  ASSERT_THAT(sim.RunFor(0s), IsOk());
  ASSERT_TRUE(exit.has_value());
  EXPECT_THAT(*exit, IsOk());
}

TEST(LifecycleGroup, RecordsEachRunsExitInTheTrace) {
  Simulator sim(SimulatorOptions{.trace_detail = TraceDetail::kRecords});
  std::vector<std::string> log;
  LifecycleGroup group(sim, 0);
  group.Add({"orders", Service(log, "orders", 2s, InternalError("x")), {}});
  group.Start(Context::Background(sim));
  ASSERT_THAT(sim.RunFor(3s), IsOk());
  int exits = 0;
  for (const auto& r : sim.trace().records()) {
    if (r.kind != trace_kinds::kLifecycleItemExit.id) continue;
    ++exits;
    EXPECT_EQ(sim.trace().NameOf(r.a), "orders");
    EXPECT_EQ(r.b, static_cast<std::uint64_t>(StatusCode::kInternal));
    EXPECT_EQ(r.time_ns, Duration(2s).count());
  }
  EXPECT_EQ(exits, 1);
}

TEST(LifecycleGroup, AGroupWithNothingToRunExitsAtOnce) {
  Simulator sim;
  LifecycleGroup group(sim, 0);
  std::optional<Status> exit;
  group.Start(Context::Background(sim), [&](Status s) { exit = s; });
  ASSERT_THAT(sim.RunFor(0s), IsOk());
  ASSERT_TRUE(exit.has_value());
  EXPECT_THAT(*exit, IsOk());
}

}  // namespace
}  // namespace testplanet
