// boundary_clock: a clock stopped exactly on an order's boundary meets it, to the nanosecond:
// an order settled at its expiration instant is valid, one nanosecond later expired; an order
// archived one TTL ago is deleted at that instant, and kept one nanosecond before it.
#include <gtest/gtest.h>

#include "tests/scenarios/language/run_text.h"
#include "tests/status_matchers.h"

namespace testplanet::scenario {
namespace {

std::string Expiry(const std::string& offset, const std::string& reason, int rejected) {
  return R"(
duration: "3h"
planet { storage_nodes: 1 satellite { order_expiration: "1h" } storage_node { archive_ttl: "168h" } }
step { at: "1m" upload { uplink: 0 satellite: 0 path: "a" nodes: 1 } }
step { at: "30m" boundary_clock { peer: "satellite0" boundary: LIMIT_EXPIRY of: "storagenode0" offset: ")" +
         offset + R"(" } }
step { at: "31m" resubmit_orders { peer: "storagenode0" satellite: 0 } }
check { settlement { satellite: 0 reason: ")" +
         reason + R"(" rejected { eq: )" + std::to_string(rejected) + R"( } } }
)";
}

TEST(BoundaryClock, AnOrderIsValidAtItsExpirationInstant) {
  const RunResult result = RunText(Expiry("0s", "double_spend", 1));
  EXPECT_TRUE(result.passed()) << Outcomes(result);
}

TEST(BoundaryClock, AndOneNanosecondBeforeIt) {
  const RunResult result = RunText(Expiry("-1ns", "double_spend", 1));
  EXPECT_TRUE(result.passed()) << Outcomes(result);
}

TEST(BoundaryClock, AnOrderIsExpiredOneNanosecondAfterIt) {
  const RunResult result = RunText(Expiry("1ns", "expired", 1));
  EXPECT_TRUE(result.passed()) << Outcomes(result);
}

TEST(BoundaryClock, ASatelliteThatExpiresOrdersAtTheInstantFailsTheRun) {
  const RunResult result =
      RunText(Expiry("0s", "double_spend", 1), {.planted_bug = "expiry-off-by-one"});
  ASSERT_THAT(result.status, ::testing::Not(IsOk()));
  EXPECT_NE(result.status.message().find("expired when its clock read 0s after the limit's "
                                         "expiration"),
            std::string_view::npos)
      << result.status.ToString();
}

std::string Ttl(const std::string& offset, int archived_after) {
  return R"(
duration: "3h"
planet { storage_nodes: 1 storage_node { archive_ttl: "1h" cleanup_interval: "disabled" } }
step { at: "1m" upload { uplink: 0 satellite: 0 path: "a" nodes: 1 } }
step { at: "30m" boundary_clock { peer: "storagenode0" boundary: ARCHIVE_TTL of: "storagenode0" offset: ")" +
         offset + R"(" } }
step { at: "31m" chore { peer: "storagenode0" chore: "orders.cleanup" op: TRIGGER } }
check { at: "32m" orders { peer: "storagenode0" archived { eq: )" +
         std::to_string(archived_after) + R"( } } }
)";
}

TEST(BoundaryClock, AnOrderArchivedOneTtlAgoIsDeletedAtThatInstant) {
  const RunResult result = RunText(Ttl("0s", 0));
  EXPECT_TRUE(result.passed()) << Outcomes(result);
}

TEST(BoundaryClock, AndDeletedOneNanosecondAfter) {
  const RunResult result = RunText(Ttl("1ns", 0));
  EXPECT_TRUE(result.passed()) << Outcomes(result);
}

TEST(BoundaryClock, AndKeptOneNanosecondBefore) {
  const RunResult result = RunText(Ttl("-1ns", 1));
  EXPECT_TRUE(result.passed()) << Outcomes(result);
}

TEST(BoundaryClock, ACleanupThatKeepsTheBoundaryOrderFailsTheRun) {
  const RunResult result = RunText(Ttl("0s", 0), {.planted_bug = "cleanup-strict-boundary"});
  ASSERT_THAT(result.status, ::testing::Not(IsOk()));
  EXPECT_NE(result.status.message().find("storagenode0 cleaned 0 archived orders, but 1"),
            std::string_view::npos)
      << result.status.ToString();
}

}  // namespace
}  // namespace testplanet::scenario
