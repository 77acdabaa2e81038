// settlement: a satellite's decisions, by reason, across its restarts.
#include <gtest/gtest.h>

#include "tests/scenarios/language/run_text.h"

namespace testplanet::scenario {
namespace {

TEST(SettlementCheck, CountsDecisionsAcrossARestartOfTheSatellite) {
  const RunResult result = RunText(R"(
duration: "1h"
planet { storage_nodes: 2 storage_node { archive_ttl: "168h" } }
step { at: "1m" upload { uplink: 0 satellite: 0 path: "a" nodes: 2 } }
step { at: "5m" stop { peer: "satellite0" } }
step { at: "6m" restart { peer: "satellite0" } }
step { at: "7m" upload { uplink: 0 satellite: 0 path: "b" nodes: 2 } }
check { settlement { satellite: 0 accepted { eq: 4 } rejected { eq: 0 } } }
)");
  EXPECT_TRUE(result.passed()) << Outcomes(result);
}

TEST(SettlementCheck, KnowsTheReasons) {
  EXPECT_NE(
      LoadError(R"(duration: "1h"
check { settlement { satellite: 0 reason: "stale" rejected { eq: 0 } } })")
          .find("check[0].settlement.reason: unknown reason \"stale\" (malformed, wrong_node,"),
      std::string::npos);
  EXPECT_NE(LoadError(R"(duration: "1h"
check { settlement { satellite: 0 reason: "expired" accepted { eq: 0 } } })")
                .find("counts rejections: give `rejected`"),
            std::string::npos);
}

}  // namespace
}  // namespace testplanet::scenario
