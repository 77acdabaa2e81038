// chore: a test's hand on a chore, counted by reason, and set right by the quiesce.
#include <gtest/gtest.h>

#include "tests/scenarios/language/run_text.h"

namespace testplanet::scenario {
namespace {

TEST(Chore, TriggerWaitRunsOnceAndCountsHowTheRunEnded) {
  const RunResult result = RunText(R"(
duration: "1h"
planet { storage_nodes: 2 }
step { at: "0s" chore { peer: "storagenode*" chore: "orders.sender" op: PAUSE } }
step { at: "5m" chore { peer: "storagenode*" chore: "orders.sender" op: TRIGGER_WAIT } }
check { chore_runs { peer: "storagenode*" chore: "orders.sender" reason: TRIGGER runs { eq: 2 } } }
check { chore_runs { peer: "storagenode*" chore: "orders.sender" reason: TICK runs { eq: 0 } } }
check { chore_runs { peer: "storagenode*" chore: "orders.sender" reason: FIRST runs { eq: 2 } } }
)");
  EXPECT_TRUE(result.passed()) << Outcomes(result);
  EXPECT_EQ(result.traffic.at("trigger_wait"), 2u);
}

TEST(Chore, TheQuiesceUndoesPausesIntervalsAndStops) {
  // Node 0's sender is stopped, node 1's paused, node 2's set to every 10h: none would settle
  // the order made at 1m. The quiesce at 1h restarts node 0, un-pauses and re-times the others.
  const RunResult result = RunText(R"(
duration: "2h"
planet { storage_nodes: 3 }
step { at: "10s" chore { peer: "storagenode0" chore: "orders.sender" op: STOP } }
step { at: "10s" chore { peer: "storagenode1" chore: "orders.sender" op: PAUSE } }
step { at: "10s" chore { peer: "storagenode2" chore: "orders.sender" op: CHANGE_INTERVAL interval: "10h" } }
step { at: "1m" upload { uplink: 0 satellite: 0 path: "a" nodes: 3 } }
check { at: "59m" orders { peer: "storagenode*" unsent { eq: 3 } } }
quiesce { at: "1h" }
)");
  EXPECT_TRUE(result.passed()) << Outcomes(result);
  EXPECT_EQ(result.faults.at("restart"), 1u) << "node 0, whose chore was stopped, restarted";
}

TEST(Chore, OnlyChoresThePeersHaveMayBeNamed) {
  EXPECT_NE(LoadError(R"(duration: "1h"
step { chore { peer: "satellite0" chore: "orders.sender" op: PAUSE } })")
                .find("step[0].chore.chore: unknown chore \"orders.sender\" on satellite0 "
                      "(satellites have no chores)"),
            std::string::npos);
  EXPECT_NE(LoadError(R"(duration: "1h"
step { chore { peer: "storagenode0" chore: "orders.sender" op: 99 } })")
                .find("step[0].chore.op: 99 is not one of PAUSE, RESTART"),
            std::string::npos);
  EXPECT_NE(LoadError(R"(duration: "1h"
step { chore { peer: "storagenode0" chore: "orders.sender" op: PAUSE interval: "1m" } })")
                .find("step[0].chore.interval: is for CHANGE_INTERVAL only"),
            std::string::npos);
}

}  // namespace
}  // namespace testplanet::scenario
