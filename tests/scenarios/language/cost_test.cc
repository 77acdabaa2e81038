// The cost estimate and the budgets: refused at load with the costliest line named, and kept
// while a run goes.
#include "scenarios/language/cost.h"

#include <gtest/gtest.h>

#include "tests/scenarios/language/run_text.h"

namespace testplanet::scenario {
namespace {

using ::testing::HasSubstr;

constexpr const char* kSmall = R"(
name: "small"
duration: "1h"
planet { storage_nodes: 2 }
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "5m" until: "50m" size: 100 nodes: 2 } }
)";

Plan Load(const std::string& text) {
  auto plan = LoadScenarioText("test.textproto", text);
  EXPECT_THAT(plan, IsOk());
  return plan.ok() ? std::move(*plan) : Plan{};
}

TEST(Cost, TheEstimateIsAtLeastWhatTheRunFires) {
  const Plan plan = Load(kSmall);
  const Cost cost = EstimateCost(plan);
  const RunResult result = RunScenario(plan, RunOptions{});
  ASSERT_THAT(result.status, IsOk());
  EXPECT_GE(cost.events, result.events);
  EXPECT_LE(cost.events, 10 * result.events) << "rough, but not wildly so";
  EXPECT_EQ(cost.peers, 4u);
}

TEST(Cost, ARunStoppedEarlyIsEstimatedUpToItsStop) {
  const Plan plan = Load(kSmall);
  RunOptions options;
  options.stop_at = std::chrono::minutes(20);
  const RunResult result = RunScenario(plan, options);
  ASSERT_THAT(result.status, IsOk());
  const Cost whole = EstimateCost(plan);
  const Cost stopped = EstimateCost(plan, {.stop_at = options.stop_at});
  EXPECT_GE(stopped.events, result.events);
  EXPECT_LE(stopped.events, 10 * result.events) << "rough, but not wildly so";
  EXPECT_LT(stopped.events, whole.events);
  EXPECT_EQ(EstimateCost(plan, {.stop_at = std::chrono::hours(5)}).events, whole.events)
      << "a stop after the end changes nothing";
  // A week of a big planet is refused by default; its first hour is not.
  const Plan week = Load(R"(
name: "week"
duration: "168h"
planet { storage_nodes: 1000 preset: "release" }
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "10m" size: 4096 nodes: 8 } }
step { at: "100h" traffic { uplink: 0 satellite: 0 every: "1ms" size: 4096 } }
)");
  EXPECT_THAT(CheckBudget(week, Budget{}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckBudget(week, Budget{}, {.stop_at = std::chrono::hours(1)}), IsOk())
      << "the step at 100h never runs";
}

TEST(Cost, KeepingOnlyChoreRecordsHoldsLessMemory) {
  const Plan plan = Load(kSmall);
  const Cost all = EstimateCost(plan);
  RunShape chores_only;
  chores_only.trace_level = TraceLevel::kChores;
  const Cost chores = EstimateCost(plan, chores_only);
  EXPECT_EQ(chores.events, all.events);
  EXPECT_LT(chores.memory_bytes, all.memory_bytes);
}

TEST(Cost, AnObjectEveryNanosecondIsRefusedAtItsLine) {
  const Plan plan = Load(R"(
name: "x"
duration: "1h"
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "1ns" } }
)");
  const Status status = CheckBudget(plan, Budget{});
  EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr("test.textproto:4"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("--max-events"));
  EXPECT_THAT(CheckBudget(Load(kSmall), Budget{}), IsOk());
}

TEST(Cost, LargeObjectsAreRefusedByTheMemoryBudget) {
  const Plan plan = Load(R"(
name: "x"
duration: "10m"
planet { storage_nodes: 4 }
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "1m" size: 67108864 nodes: 4 } }
)");
  Budget budget;
  budget.events = UINT64_MAX;
  budget.memory_bytes = std::uint64_t{1} << 30;
  const Status status = CheckBudget(plan, budget);
  EXPECT_THAT(std::string(status.message()), HasSubstr("--max-memory"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("test.textproto:5"));
}

TEST(Cost, TheEventBudgetStopsARunThatReachesIt) {
  RunOptions options;
  options.budget.events = 200;
  const RunResult result = RunText(kSmall, options);
  EXPECT_THAT(result.status, StatusIs(StatusCode::kResourceExhausted, HasSubstr("--max-events")));
  EXPECT_LE(result.events, 200u);
}

TEST(Cost, TheMemoryBudgetStopsARunWhoseTraceOutgrowsIt) {
  RunOptions options;
  options.budget.memory_bytes = 20000;  // a few hundred trace records
  const RunResult result = RunText(kSmall, options);
  EXPECT_THAT(result.status, StatusIs(StatusCode::kResourceExhausted, HasSubstr("--max-memory")));
  EXPECT_THAT(RunText(kSmall).status, IsOk()) << "the default budget holds it";
}

TEST(Cost, BytesAreReadAndWrittenInBinaryUnits) {
  EXPECT_EQ(FormatBytes(std::uint64_t{8} << 30), "8GiB");
  EXPECT_EQ(FormatBytes(1536 * 1024), "1536KiB");
  EXPECT_EQ(FormatBytes(1000), "1000");
  for (const char* text : {"8GiB", "512MiB", "1048576", "3TiB", "1536KiB"}) {
    auto bytes = ParseBytes(text);
    ASSERT_THAT(bytes, IsOk()) << text;
    EXPECT_EQ(ParseBytes(FormatBytes(*bytes)).value(), *bytes) << text;
  }
  for (const char* text :
       {"", "GiB", "8 GiB", "8GB", "-1", "1.5GiB", "99999999999TiB", "99999999999999999999"}) {
    EXPECT_THAT(ParseBytes(text), StatusIs(StatusCode::kInvalidArgument)) << text;
  }
}

}  // namespace
}  // namespace testplanet::scenario
