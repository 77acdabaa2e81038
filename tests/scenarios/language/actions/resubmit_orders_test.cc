// resubmit_orders: orders settled once are refused when a node sends them again.
#include <gtest/gtest.h>

#include "tests/scenarios/language/run_text.h"

namespace testplanet::scenario {
namespace {

TEST(ResubmitOrders, SettledOrdersSentAgainAreRefusedAsSpent) {
  const RunResult result = RunText(R"(
duration: "1h"
planet { storage_nodes: 2 storage_node { archive_ttl: "168h" } }
step { at: "1m" upload { uplink: 0 satellite: 0 path: "a" nodes: 2 } }
step { at: "2m" upload { uplink: 0 satellite: 0 path: "b" nodes: 2 } }
step { at: "10m" resubmit_orders { peer: "storagenode0" satellite: 0 } }
check { settlement { satellite: 0 reason: "double_spend" rejected { eq: 2 } } }
check { rollup { satellite: 0 bucket: "bucket" bytes { eq: 16384 } } }
)");
  EXPECT_TRUE(result.passed()) << Outcomes(result);
}

TEST(ResubmitOrders, NothingToResubmitIsAFaultThatNeverFired) {
  const RunResult result = RunText(R"(
duration: "10m"
step { at: "1m" resubmit_orders { peer: "storagenode0" satellite: 0 } }
)");
  EXPECT_FALSE(result.passed());
  EXPECT_NE(Outcomes(result).find("FAIL fault resubmit_orders fired"), std::string::npos)
      << Outcomes(result);
}

}  // namespace
}  // namespace testplanet::scenario
