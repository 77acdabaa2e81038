// A run asked to stop between events (Ctrl-C on the command line) ends at the instant it has
// reached, as the same run with stop_at at that instant ends: the same events, the same digest,
// its state described. A stop request that never comes changes nothing.
#include <gtest/gtest.h>

#include "scenarios/language/loader.h"
#include "scenarios/language/runner.h"
#include "tests/status_matchers.h"

namespace testplanet::scenario {
namespace {

// Enough events for several of the run's polls (one every 16,384 events).
constexpr const char* kBusy = R"(
name: "busy"
duration: "6h"
planet { storage_nodes: 12 storage_node { sender_interval: "5m" cleanup_interval: "1m" } }
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "1m" size: 300 nodes: 3 download_previous: true } }
check { orders { peer: "storagenode*" unsent { eq: 0 } } }
)";

TEST(StopRequested, EndsTheRunAsStopAtThatInstantWould) {
  auto loaded = LoadScenarioText("busy.textproto", kBusy);
  ASSERT_THAT(loaded, IsOk());
  RunOptions interrupted;
  interrupted.trace_detail = TraceDetail::kDigestOnly;
  int polls = 0;
  interrupted.stop_requested = [&polls] { return ++polls >= 2; };
  const RunResult stopped = RunScenario(*loaded, interrupted);
  ASSERT_THAT(stopped.status, IsOk());
  ASSERT_TRUE(stopped.interrupted) << "the run went to its end: too few events";
  ASSERT_TRUE(stopped.stop_at.has_value()) << "the manifest would not name the stop";
  EXPECT_EQ(polls, 2) << "asked again after it stopped";
  EXPECT_LT(*stopped.stop_at, loaded->duration);
  EXPECT_EQ(stopped.end.time_since_epoch(), *stopped.stop_at);
  EXPECT_NE(stopped.inspect.find("state at "), std::string::npos);
  EXPECT_TRUE(stopped.checks.empty()) << "an end-of-run check judged a run cut short";

  RunOptions asked;
  asked.trace_detail = TraceDetail::kDigestOnly;
  asked.stop_at = stopped.stop_at;
  const RunResult again = RunScenario(*loaded, asked);
  ASSERT_THAT(again.status, IsOk());
  EXPECT_FALSE(again.interrupted);
  EXPECT_EQ(again.events, stopped.events);
  EXPECT_EQ(again.digest, stopped.digest);
}

TEST(StopRequested, ARequestThatNeverComesChangesNothing) {
  auto loaded = LoadScenarioText("busy.textproto", kBusy);
  ASSERT_THAT(loaded, IsOk());
  RunOptions plain;
  plain.trace_detail = TraceDetail::kDigestOnly;
  RunOptions watched = plain;
  int polls = 0;
  watched.stop_requested = [&polls] {
    ++polls;
    return false;
  };
  const RunResult a = RunScenario(*loaded, plain);
  const RunResult b = RunScenario(*loaded, watched);
  EXPECT_GT(polls, 1);
  EXPECT_FALSE(b.interrupted);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.passed(), b.passed());
}

}  // namespace
}  // namespace testplanet::scenario
