// Steps that happen on an event: at the instant of the record that matched, after the event
// that recorded it, and only on the count-th match.
#include <gtest/gtest.h>

#include <algorithm>

#include "peers/storagenode/piecestore.h"
#include "scenarios/planet/planet.h"
#include "tests/scenarios/language/run_text.h"

namespace testplanet::scenario {
namespace {

// The time of the n-th (1-based) record of `kind` on the peer named `peer`, or -1.
std::int64_t NthRecord(const RunResult& result, const TraceKind& kind, const std::string& peer,
                       int n) {
  for (const TraceRecord& record : result.records) {
    if (record.kind != kind.id || result.peer_names.at(record.peer) != peer) continue;
    if (--n == 0) return record.time_ns;
  }
  return -1;
}

TEST(Events, ACrashRightAfterANodesThirdStoredOrder) {
  const RunResult result = RunText(R"(
duration: "1h"
planet { storage_nodes: 2 storage_node { archive_ttl: "168h" } }
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "1m" until: "10m" nodes: 2 } }
step { on { event: "order.stored" peer: "storagenode1" count: 3 } crash { peer: "storagenode1" } }
step { at: "30m" restart { peer: "storagenode1" } }
check { at: "29m" orders { peer: "storagenode0" archived { eq: 10 } } }
check { orders { peer: "storagenode1" archived { eq: 3 } unsent { eq: 0 } } }
)");
  EXPECT_TRUE(result.passed()) << Outcomes(result);
  const std::int64_t stored =
      NthRecord(result, storagenode::piecestore_kinds::kOrderStored, "storagenode1", 3);
  ASSERT_GT(stored, 0);
  EXPECT_EQ(NthRecord(result, planet_kinds::kCrash, "storagenode1", 1), stored)
      << "the crash happens at the instant of the third stored order";
  EXPECT_EQ(NthRecord(result, storagenode::piecestore_kinds::kOrderStored, "storagenode1", 4), -1)
      << "and nothing was stored on it after";
}

TEST(Events, ASatelliteCrashAfterItAcceptedAndBeforeTheNodeArchived) {
  // The satellite counts the order and crashes before its answer reaches the node, which keeps
  // the order unsent; after the restart the node sends it again and it is refused as spent.
  const RunResult result = RunText(R"(
duration: "1h"
planet { storage_nodes: 1 storage_node { archive_ttl: "168h" } }
step { at: "1m" upload { uplink: 0 satellite: 0 path: "a" nodes: 1 size: 1000 } }
step { on { event: "satellite.accepted" peer: "satellite0" } crash { peer: "satellite0" } }
step { at: "10m" restart { peer: "satellite0" } }
check { orders { peer: "storagenode0" unsent { eq: 0 } rejected { eq: 1 } } }
check { settlement { satellite: 0 accepted { eq: 1 } reason: "double_spend" rejected { eq: 1 } } }
check { rollup { satellite: 0 bucket: "bucket" bytes { eq: 1000 } } }
)");
  EXPECT_TRUE(result.passed()) << Outcomes(result);
}

TEST(Events, AStepWaitingForAnEventThatNeverComesFailsTheRun) {
  const RunResult result = RunText(R"(
duration: "10m"
step { on { event: "peer.crashed" peer: "storagenode0" } restart { peer: "storagenode0" } }
)");
  EXPECT_FALSE(result.passed());
  EXPECT_NE(Outcomes(result).find("FAIL step[0] on peer.crashed x1 happened"), std::string::npos)
      << Outcomes(result);
}

TEST(Events, TriggersAreCheckedWhenTheFileLoads) {
  EXPECT_NE(LoadError(R"(duration: "1h"
step { at: "1m" on { event: "order.stored" } crash { peer: "storagenode0" } })")
                .find("step[0].on: a step happens at a time or on an event, not both"),
            std::string::npos);
  EXPECT_NE(LoadError(R"(duration: "1h"
step { on { event: "order.lost" } crash { peer: "storagenode0" } })")
                .find("step[0].on.event: unknown event \"order.lost\" (order.stored,"),
            std::string::npos);
  EXPECT_NE(LoadError(R"(duration: "1h"
step { on { event: "chore.began" chore: "orders.sendr" } crash { peer: "storagenode0" } })")
                .find("step[0].on.chore: unknown chore \"orders.sendr\""),
            std::string::npos);
}

}  // namespace
}  // namespace testplanet::scenario
