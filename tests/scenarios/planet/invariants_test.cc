// The invariant checker catches each violation it names, and allows what failed writes allow.
#include "scenarios/planet/invariants.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>
#include <string_view>

#include "tests/status_matchers.h"

namespace testplanet {
namespace {

using storagenode::ArchiveRequest;
using storagenode::OrderInfo;
using storagenode::OrderStatus;

NodeId Id(std::uint8_t b) {
  std::array<std::uint8_t, kNodeIdSize> bytes{};
  bytes.fill(b);
  return NodeId(bytes);
}

OrderInfo Order(const std::string& serial, std::int64_t amount, const NodeId& satellite) {
  OrderInfo info;
  info.limit.set_serial_number(serial);
  info.limit.set_satellite_id(std::string(satellite.bytes()));
  info.order.set_amount(amount);
  return info;
}

class InvariantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    observer_ = checker_.WatchSatellite(0, "satellite0", sat_, [] { return nullptr; });
    checker_.WatchNode(0, "storagenode0", node_, kNodePeer, std::chrono::hours(2), nullptr).reset();
  }
  // A decision by satellite0 about an order from node_ whose limit names `limit_node` (node_ by
  // default) and expires at `expiration`, made when the satellite's clock read `now`.
  void Decide(const std::string& serial, std::int64_t amount, satellite::RejectReason reason,
              std::int64_t expiration = 1'000'000, std::int64_t now = 0,
              std::optional<NodeId> limit_node = std::nullopt) {
    const NodeId named = limit_node.value_or(node_);
    observer_(
        satellite::SettlementEvent{node_, serial, amount, reason, named.bytes(), expiration, now});
  }
  // Orders `serials`, each stored by the node and accepted by satellite0.
  void StoreAccepted(std::initializer_list<const char*> serials) {
    for (const char* serial : serials) {
      checker_.Enqueued(0, Order(serial, 10, sat_), true);
      Decide(serial, 10, satellite::RejectReason::kNone);
    }
  }
  // The node archives `serial` as accepted at `at`, with the archive's `status`.
  void ArchiveAccepted(const char* serial, TimePoint at, const Status& status = Status::Ok()) {
    checker_.Archived(0, at, {{sat_, serial, OrderStatus::kAccepted}}, status);
  }
  // Runs to `now`, then the node's cleanup reports `deleted` orders.
  void CleanAt(TimePoint now, std::uint64_t deleted) {
    EXPECT_THAT(sim_.RunUntil(now), IsOk());
    checker_.Cleaned(0, deleted);
  }
  void ExpectViolation(std::string_view what) const {
    EXPECT_NE(Violation().find(what), std::string::npos) << Violation();
  }
  std::map<NodeId, std::vector<OrderInfo>> Listing(std::vector<OrderInfo> orders) {
    return {{sat_, std::move(orders)}};
  }
  std::string Violation() const { return std::string(sim_.status().message()); }

  Simulator sim_;
  InvariantChecker checker_{sim_};
  static constexpr PeerId kNodePeer = 2;
  NodeId sat_ = Id(1), node_ = Id(2);
  satellite::SettlementObserver observer_;
};

TEST_F(InvariantsTest, AnOrderThatVanishesIsLost) {
  checker_.Enqueued(0, Order("s1", 10, sat_), true);
  checker_.Listed(0, Listing({}));
  EXPECT_TRUE(checker_.violated());
  ExpectViolation("storagenode0 lost order");
}

TEST_F(InvariantsTest, AnArchivedOrderListedAgainWouldBeResent) {
  StoreAccepted({"s1"});
  ArchiveAccepted("s1", TimePoint{});
  EXPECT_FALSE(checker_.violated());
  checker_.Listed(0, Listing({Order("s1", 10, sat_)}));
  ExpectViolation("would be sent again");
}

TEST_F(InvariantsTest, ArchivingAsAcceptedWhatTheSatelliteNeverAcceptedIsCaught) {
  checker_.Enqueued(0, Order("s1", 10, sat_), true);
  ArchiveAccepted("s1", TimePoint{});
  ExpectViolation("never accepted it");
}

TEST_F(InvariantsTest, ASerialAcceptedTwiceIsCountedTwice) {
  Decide("s1", 10, satellite::RejectReason::kNone);
  EXPECT_FALSE(checker_.violated());
  Decide("s1", 10, satellite::RejectReason::kNone);
  ExpectViolation("counted twice");
}

TEST_F(InvariantsTest, AFailedArchiveMayLandAndAFailedEnqueueMayAppear) {
  checker_.Enqueued(0, Order("s1", 10, sat_), true);
  checker_.Enqueued(0, Order("s2", 20, sat_), false);  // failed, but landed after all
  Decide("s1", 10, satellite::RejectReason::kNone);
  ArchiveAccepted("s1", TimePoint{}, Status(StatusCode::kUnavailable, "sync failed"));
  checker_.Listed(0, Listing({Order("s2", 20, sat_)}));  // s1's archive landed; s2 appeared
  EXPECT_FALSE(checker_.violated()) << Violation();
  EXPECT_EQ(checker_.unsent(), 1u);
}

TEST_F(InvariantsTest, CleaningMustDeleteExactlyTheOrdersArchivedAtOrBeforeNowLessTheTtl) {
  using std::chrono::hours;
  StoreAccepted({"s1"});
  ArchiveAccepted("s1", TimePoint(hours(1)));
  CleanAt(TimePoint(hours(3) - Duration(1)), 0);
  EXPECT_FALSE(checker_.violated()) << "1 ns before the boundary it is kept";
  CleanAt(TimePoint(hours(3)), 0);
  ExpectViolation("cleaned 0 archived orders, but 1 were archived at or before +1h0m0s");
}

TEST_F(InvariantsTest, AnOrderArchivedExactlyOneTtlAgoIsDeleted) {
  using std::chrono::hours;
  StoreAccepted({"s1"});
  ArchiveAccepted("s1", TimePoint(hours(1)));
  CleanAt(TimePoint(hours(3)), 1);
  EXPECT_FALSE(checker_.violated()) << Violation();
}

TEST_F(InvariantsTest, AfterACleanupDeletesSomeOrdersTheNextIsJudgedOnTheRest) {
  using std::chrono::hours;
  StoreAccepted({"s1", "s2"});
  ArchiveAccepted("s1", TimePoint(hours(1)));
  ArchiveAccepted("s2", TimePoint(hours(2)));
  CleanAt(TimePoint(hours(3)), 1);
  CleanAt(TimePoint(hours(4) - Duration(1)), 0);
  EXPECT_FALSE(checker_.violated()) << Violation();
  CleanAt(TimePoint(hours(4)), 0);
  ExpectViolation("cleaned 0 archived orders, but 1 were archived at or before +2h0m0s");
}

TEST_F(InvariantsTest, AFailedArchiveThatLandedIsCleanedByItsOwnTime) {
  using std::chrono::hours;
  StoreAccepted({"s1", "s2"});
  ArchiveAccepted("s1", TimePoint(hours(2)));
  // s2's archive at 1h failed, but landed: the next listing shows it gone.
  ArchiveAccepted("s2", TimePoint(hours(1)), Status(StatusCode::kUnavailable, "sync failed"));
  checker_.Listed(0, Listing({}));
  ASSERT_FALSE(checker_.violated()) << Violation();
  CleanAt(TimePoint(hours(3)), 0);
  ExpectViolation("cleaned 0 archived orders, but 1 were archived at or before +1h0m0s");
}

TEST_F(InvariantsTest, CleanupIsJudgedOnTheNodesOwnClock) {
  using std::chrono::hours;
  StoreAccepted({"s1"});
  ArchiveAccepted("s1", TimePoint(hours(1)));
  sim_.SetClockSkew(kNodePeer, hours(1), 0);  // the node's clock reads 3h at virtual 2h
  CleanAt(TimePoint(hours(2)), 0);            // a cleanup that used the true time would keep it
  ExpectViolation("cleaned 0 archived orders, but 1");
}

TEST_F(InvariantsTest, ASatelliteAcceptsOrdersOnlyFromTheNodeTheLimitNames) {
  Decide("s1", 10, satellite::RejectReason::kNone, 1'000'000, 0, Id(9));
  ExpectViolation("but its limit is for");
}

TEST_F(InvariantsTest, AnOrderIsExpiredOnlyAfterItsExpirationInstant) {
  Decide("s1", 10, satellite::RejectReason::kNone, /*expiration=*/500, /*now=*/500);
  EXPECT_FALSE(checker_.violated()) << "valid at exactly its expiration: " << Violation();
  Decide("s2", 10, satellite::RejectReason::kDoubleSpend, 500, 499);
  EXPECT_TRUE(checker_.violated());  // never counted: a different invariant, but still caught
}

TEST_F(InvariantsTest, JudgingAnOrderExpiredAtItsExpirationInstantIsCaught) {
  Decide("s1", 10, satellite::RejectReason::kExpired, /*expiration=*/500, /*now=*/500);
  ExpectViolation(
      "judged order 7331 from storagenode0 expired when its clock read 0s "
      "after the limit's expiration");
}

TEST_F(InvariantsTest, AcceptingAnOrderOneNanosecondPastItsExpirationIsCaught) {
  Decide("s1", 10, satellite::RejectReason::kNone, /*expiration=*/500, /*now=*/501);
  ExpectViolation("none when its clock read 1ns after");
}

TEST_F(InvariantsTest, HarnessCodeReportsViolationsItFindsItself) {
  checker_.Report("storagenode1 orders.sender ticked while paused");
  EXPECT_EQ(Violation(), "invariant violated: storagenode1 orders.sender ticked while paused");
}

}  // namespace
}  // namespace testplanet
