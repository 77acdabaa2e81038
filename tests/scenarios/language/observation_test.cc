// Observing a run changes nothing in it: the invariant checker's and the checks' reads of the
// peers' disks are not offered to the disk fault policy, so a run with faulty disks takes the
// same course with the checker on or off.
#include <gtest/gtest.h>

#include "scenarios/language/loader.h"
#include "scenarios/language/runner.h"
#include "tests/status_matchers.h"

namespace testplanet::scenario {
namespace {

// Faulty reads on every peer, table files early, crashes (recovery reads), and checks midway.
constexpr const char* kFaultyDisks = R"(
name: "faulty_disks"
duration: "3h"
planet { storage_nodes: 4 flush_bytes: 4096 storage_node { sender_interval: "10m" archive_ttl: "1h" cleanup_interval: "20m" } }
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "2m" until: "2h" size: 300 nodes: 3 download_previous: true } }
step { at: "10m" disk { peer: "storagenode*" read: 0.05 sync: 0.01 } }
step { at: "10m" disk { peer: "satellite0" read: 0.05 } }
step { at: "40m" crash { peer: "storagenode2" } }
step { at: "45m" restart { peer: "storagenode2" } }
step { at: "70m" crash { peer: "satellite0" } }
step { at: "72m" restart { peer: "satellite0" } }
quiesce { at: "2h30m" }
check { at: "1h" orders { peer: "storagenode*" accepted { ge: 0 } } }
check { at: "2h" rollup { satellite: 0 bucket: "bucket" bytes { ge: 0 } } }
check { orders { peer: "storagenode*" unsent { eq: 0 } accepted { gt: 0 } } }
)";

TEST(Observation, TheInvariantCheckerDoesNotChangeARunWithFaultyDisks) {
  auto loaded = LoadScenarioText("faulty_disks.textproto", kFaultyDisks);
  ASSERT_THAT(loaded, IsOk());
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    RunOptions checked;
    checked.seed = seed;
    checked.trace_detail = TraceDetail::kDigestOnly;
    RunOptions unchecked = checked;
    unchecked.invariants = false;
    const RunResult a = RunScenario(*loaded, checked);
    const RunResult b = RunScenario(*loaded, unchecked);
    ASSERT_TRUE(a.passed()) << "seed " << seed << ": " << a.status.ToString();
    EXPECT_GT(a.invariant_checks, 0u);
    EXPECT_GT(a.faults.at("disk_read"), 0u) << "seed " << seed;
    EXPECT_EQ(a.digest, b.digest) << "seed " << seed << ": the checker's reads changed the run";
    EXPECT_EQ(a.faults, b.faults) << "seed " << seed;
  }
}

}  // namespace
}  // namespace testplanet::scenario
