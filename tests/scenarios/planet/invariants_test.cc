// The invariant checker catches each violation it names, and allows what failed writes allow.
#include "scenarios/planet/invariants.h"

#include <gtest/gtest.h>

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
    checker_.WatchNode(0, "storagenode0", node_, nullptr).reset();
  }
  std::map<NodeId, std::vector<OrderInfo>> Listing(std::vector<OrderInfo> orders) {
    return {{sat_, std::move(orders)}};
  }
  std::string Violation() const { return std::string(sim_.status().message()); }

  Simulator sim_;
  InvariantChecker checker_{sim_};
  NodeId sat_ = Id(1), node_ = Id(2);
  satellite::SettlementObserver observer_;
};

TEST_F(InvariantsTest, AnOrderThatVanishesIsLost) {
  checker_.Enqueued(0, Order("s1", 10, sat_), true);
  checker_.Listed(0, Listing({}));
  EXPECT_TRUE(checker_.violated());
  EXPECT_NE(Violation().find("storagenode0 lost order"), std::string::npos) << Violation();
}

TEST_F(InvariantsTest, AnArchivedOrderListedAgainWouldBeResent) {
  checker_.Enqueued(0, Order("s1", 10, sat_), true);
  observer_({node_, "s1", 10, satellite::RejectReason::kNone});
  checker_.Archived(0, TimePoint{}, {{sat_, "s1", OrderStatus::kAccepted}}, Status::Ok());
  EXPECT_FALSE(checker_.violated());
  checker_.Listed(0, Listing({Order("s1", 10, sat_)}));
  EXPECT_NE(Violation().find("would be sent again"), std::string::npos) << Violation();
}

TEST_F(InvariantsTest, ArchivingAsAcceptedWhatTheSatelliteNeverAcceptedIsCaught) {
  checker_.Enqueued(0, Order("s1", 10, sat_), true);
  checker_.Archived(0, TimePoint{}, {{sat_, "s1", OrderStatus::kAccepted}}, Status::Ok());
  EXPECT_NE(Violation().find("never accepted it"), std::string::npos) << Violation();
}

TEST_F(InvariantsTest, ASerialAcceptedTwiceIsCountedTwice) {
  observer_({node_, "s1", 10, satellite::RejectReason::kNone});
  EXPECT_FALSE(checker_.violated());
  observer_({node_, "s1", 10, satellite::RejectReason::kNone});
  EXPECT_NE(Violation().find("counted twice"), std::string::npos) << Violation();
}

TEST_F(InvariantsTest, AFailedArchiveMayLandAndAFailedEnqueueMayAppear) {
  checker_.Enqueued(0, Order("s1", 10, sat_), true);
  checker_.Enqueued(0, Order("s2", 20, sat_), false);  // failed, but landed after all
  observer_({node_, "s1", 10, satellite::RejectReason::kNone});
  checker_.Archived(0, TimePoint{}, {{sat_, "s1", OrderStatus::kAccepted}},
                    Status(StatusCode::kUnavailable, "sync failed"));
  checker_.Listed(0, Listing({Order("s2", 20, sat_)}));  // s1's archive landed; s2 appeared
  EXPECT_FALSE(checker_.violated()) << Violation();
  EXPECT_EQ(checker_.unsent(), 1u);
}

TEST_F(InvariantsTest, CleaningMustDeleteExactlyTheExpiredOrders) {
  checker_.Enqueued(0, Order("s1", 10, sat_), true);
  observer_({node_, "s1", 10, satellite::RejectReason::kNone});
  checker_.Archived(0, TimePoint(std::chrono::hours(1)), {{sat_, "s1", OrderStatus::kAccepted}},
                    Status::Ok());
  checker_.Cleaned(0, TimePoint(std::chrono::hours(2)), std::chrono::hours(2), 0);
  EXPECT_FALSE(checker_.violated()) << "not expired yet";
  checker_.Cleaned(0, TimePoint(std::chrono::hours(4)), std::chrono::hours(2), 0);
  EXPECT_NE(Violation().find("older than the TTL"), std::string::npos) << Violation();
}

}  // namespace
}  // namespace testplanet
