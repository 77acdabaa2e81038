// forged_order: an order re-signed by the node itself is refused for its signature.
#include <gtest/gtest.h>

#include "tests/scenarios/language/run_text.h"

namespace testplanet::scenario {
namespace {

TEST(ForgedOrder, AnOrderSignedByTheWrongKeyIsRefused) {
  const RunResult result = RunText(R"(
duration: "1h"
planet { storage_nodes: 1 storage_node { archive_ttl: "168h" } }
step { at: "1m" upload { uplink: 0 satellite: 0 path: "a" nodes: 1 size: 100 } }
step { at: "10m" forged_order { peer: "storagenode0" satellite: 0 } }
check { settlement { satellite: 0 reason: "bad_uplink_signature" rejected { eq: 1 } } }
check { rollup { satellite: 0 bucket: "bucket" bytes { eq: 100 } } }
)");
  EXPECT_TRUE(result.passed()) << Outcomes(result);
  EXPECT_EQ(result.traffic.at("hostile_settlements"), 1u);
}

}  // namespace
}  // namespace testplanet::scenario
