// orders: order counts summed over nodes, for every satellite or for one.
#include <gtest/gtest.h>

#include "tests/scenarios/language/run_text.h"

namespace testplanet::scenario {
namespace {

TEST(OrdersCheck, CountsOneSatellitesOrdersOrAll) {
  const RunResult result = RunText(R"(
duration: "30m"
planet { satellites: 2 storage_nodes: 2 }
step { at: "1m" upload { uplink: 0 satellite: 0 path: "a" nodes: 2 } }
step { at: "2m" upload { uplink: 0 satellite: 1 path: "b" nodes: 2 } }
step { at: "3m" upload { uplink: 0 satellite: 1 path: "c" nodes: 1 } }
check { orders { peer: "storagenode*" satellite: 0 accepted { eq: 2 } } }
check { orders { peer: "storagenode*" satellite: 1 accepted { eq: 3 } } }
check { orders { peer: "storagenode*" accepted { eq: 5 } archived { eq: 5 } unsent { eq: 0 } } }
)");
  EXPECT_TRUE(result.passed()) << Outcomes(result);
}

TEST(OrdersCheck, NamesItsMissAndWhichWayItWent) {
  const RunResult result = RunText(R"(
duration: "10m"
planet { storage_nodes: 1 }
step { at: "1m" upload { uplink: 0 satellite: 0 path: "a" nodes: 1 } }
check { name: "too few" orders { peer: "storagenode0" accepted { lt: 1 } } }
)");
  ASSERT_EQ(result.checks.size(), 1u);
  EXPECT_FALSE(result.checks[0].passed);
  EXPECT_EQ(result.checks[0].expected, "accepted < 1");
  EXPECT_EQ(result.checks[0].found, "accepted = 1");
  EXPECT_EQ(result.checks[0].misses, (std::vector<std::string>{"accepted above"}));
}

TEST(OrdersCheck, IsForStorageNodes) {
  EXPECT_NE(LoadError(R"(duration: "1h"
check { orders { peer: "satellite0" unsent { eq: 0 } } })")
                .find("check[0].orders.peer: satellites cannot be chosen here: orders are held by "
                      "storage nodes"),
            std::string::npos);
}

}  // namespace
}  // namespace testplanet::scenario
