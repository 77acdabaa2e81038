// chore_runs: runs of a chore by reason, and when the last one began.
#include <gtest/gtest.h>

#include "tests/scenarios/language/run_text.h"

namespace testplanet::scenario {
namespace {

TEST(ChoreRunsCheck, CountsByReasonAndJudgesTheLastRunsWindow) {
  const RunResult result = RunText(R"(
duration: "1h"
planet { storage_nodes: 1 storage_node { sender_interval: "10m" } }
step { at: "15m" chore { peer: "storagenode0" chore: "orders.sender" op: TRIGGER } }
check { chore_runs { peer: "storagenode0" chore: "orders.sender" reason: TICK runs { eq: 5 } } }
check { chore_runs { peer: "storagenode0" chore: "orders.sender" reason: TRIGGER runs { eq: 1 } } }
check { chore_runs { peer: "storagenode0" chore: "orders.sender" runs { eq: 7 }
                     last_run { not_before: "50m" not_after: "50m" } } }
)");
  EXPECT_TRUE(result.passed()) << Outcomes(result);
}

TEST(ChoreRunsCheck, AWindowMustBeOneWayRound) {
  EXPECT_NE(LoadError(R"(duration: "1h"
check { chore_runs { peer: "storagenode0" chore: "orders.sender"
                     last_run { not_before: "2h" not_after: "1h" } } })")
                .find("check[0].chore_runs.last_run.not_before: is after the end of the run"),
            std::string::npos);
  EXPECT_NE(LoadError(R"(duration: "3h"
check { chore_runs { peer: "storagenode0" chore: "orders.sender"
                     last_run { not_before: "2h" not_after: "1h" } } })")
                .find("check[0].chore_runs.last_run.not_after: is before not_before"),
            std::string::npos);
}

}  // namespace
}  // namespace testplanet::scenario
