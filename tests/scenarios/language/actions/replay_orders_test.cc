// replay_orders: a node settling another node's orders is refused, and a satellite that forgets
// to check fails the run.
#include <gtest/gtest.h>

#include "tests/scenarios/language/run_text.h"
#include "tests/status_matchers.h"

namespace testplanet::scenario {
namespace {

// Node 0 holds its two orders unsent (its sender paused) when node 1 replays them; node 0
// settles them itself afterwards.
constexpr const char* kReplay = R"(
duration: "1h"
planet { storage_nodes: 2 storage_node { archive_ttl: "168h" } }
step { at: "0s" chore { peer: "storagenode0" chore: "orders.sender" op: PAUSE } }
step { at: "1m" upload { uplink: 0 satellite: 0 path: "a" nodes: 1 } }
step { at: "2m" upload { uplink: 0 satellite: 0 path: "b" nodes: 2 } }
step { at: "10m" replay_orders { peer: "storagenode1" from: "storagenode0" satellite: 0 } }
step { at: "20m" chore { peer: "storagenode0" chore: "orders.sender" op: RESTART } }
check { settlement { satellite: 0 reason: "wrong_node" rejected { eq: 2 } } }
check { settlement { satellite: 0 accepted { eq: 3 } } }
)";

TEST(ReplayOrders, TheSatelliteRefusesEveryOrderReplayedByAnotherNode) {
  const RunResult result = RunText(kReplay);
  EXPECT_TRUE(result.passed()) << Outcomes(result);
  EXPECT_EQ(result.faults.at("replay_orders"), 1u);
}

TEST(ReplayOrders, ASatelliteThatAcceptsThemFailsTheRun) {
  const RunResult result = RunText(kReplay, {.planted_bug = "accept-other-nodes-orders"});
  ASSERT_THAT(result.status, ::testing::Not(IsOk()));
  EXPECT_NE(result.status.message().find("invariant violated: satellite0 accepted order"),
            std::string_view::npos)
      << result.status.ToString();
}

TEST(ReplayOrders, NamesTwoDifferentNodes) {
  EXPECT_NE(LoadError(R"(duration: "1h"
step { replay_orders { peer: "storagenode1" from: "storagenode1" } })")
                .find("step[0].replay_orders.from: must be another node than `peer`"),
            std::string::npos);
}

}  // namespace
}  // namespace testplanet::scenario
