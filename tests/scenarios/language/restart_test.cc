// A restart that fails on its disk is tried again each minute, as a supervisor would, and the
// quiesce (which ends disk faults first) brings the peer back.
#include <gtest/gtest.h>

#include "scenarios/language/loader.h"
#include "scenarios/language/runner.h"
#include "tests/status_matchers.h"

namespace testplanet::scenario {
namespace {

constexpr const char* kUnreadableDisk = R"(
name: "unreadable_disk"
duration: "2h"
planet { storage_nodes: 2 flush_bytes: 4096 storage_node { sender_interval: "10m" archive_ttl: "168h" } }
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "2m" until: "90m" size: 200 nodes: 2 } }
step { at: "20m" crash { peer: "storagenode1" } }
step { at: "21m" disk { peer: "storagenode1" read: 1 } }
step { at: "25m" restart { peer: "storagenode1" } }
quiesce { at: "1h" }
)";

TEST(Restart, ARestartThatFailsOnItsDiskIsRetriedEachMinuteUntilTheQuiesce) {
  auto loaded = LoadScenarioText("unreadable_disk.textproto", kUnreadableDisk);
  ASSERT_THAT(loaded, IsOk());
  RunOptions options;
  options.trace_detail = TraceDetail::kDigestOnly;
  const RunResult run = RunScenario(*loaded, options);
  EXPECT_TRUE(run.passed()) << run.status.ToString();
  // Tries at 25m, 26m, ... 59m fail (35 of them); the quiesce at 1h ends the faults and restarts.
  EXPECT_EQ(run.faults.at("restart_failed"), 35u);
  EXPECT_EQ(run.faults.at("restart"), 1u);
  ASSERT_EQ(run.orders.size(), 2u) << "both nodes are up at the end";
  EXPECT_EQ(run.orders[1].unsent, 0u) << "and node 1 settled what it held";
}

}  // namespace
}  // namespace testplanet::scenario
