// One order from uplink to archive, through the whole planet: 1 satellite, 4 storage nodes and
// 1 uplink on the simulated network, real RocksDB stores and real signatures.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "peers/protocol/signing.h"
#include "scenarios/planet/planet.h"
#include "tests/status_matchers.h"

namespace testplanet {
namespace {

using namespace std::chrono_literals;
using satellite::RejectReason;
using storagenode::OrderStatus;

class OrdersFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config;
    config.satellites = 1;
    config.storage_nodes = 4;
    config.uplinks = 1;
    // A replayed order is a node misbehaving on purpose, which the checker would (rightly) stop.
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    config.check_invariants = std::string(test->name()) != "AReplayedOrderIsRejectedAndCountedOnce";
    auto planet = Planet::Create(config);
    ASSERT_THAT(planet, IsOk());
    planet_ = std::move(*planet);
    ASSERT_THAT(planet_->Start(), IsOk()) << planet_->sim().status().ToString();
    for (auto& node : planet_->storage_nodes()) node->orders().sender().Pause();
  }
  void TearDown() override {
    if (planet_) {
      EXPECT_THAT(planet_->Shutdown(), IsOk());
    }
  }

  satellite::Satellite& sat() { return *planet_->satellites()[0]; }
  storagenode::StorageNode& node(int i) { return *planet_->storage_nodes()[i]; }
  uplink::Uplink& uplink() { return *planet_->uplinks()[0]; }

  // A real limit from the satellite for `node`, and the uplink's signed order for `amount`.
  storagenode::OrderInfo RealOrder(storagenode::StorageNode& for_node, std::int64_t limit,
                                   std::int64_t amount) {
    pb::CreateOrderLimitsRequest request;
    request.set_bucket_id("testbucket");
    request.set_action(pb::PUT);
    request.set_limit(limit);
    request.set_piece_id("handmade");
    request.add_storage_node_ids(std::string(for_node.id().bytes()));
    auto limits = sat().orders().CreateOrderLimits(uplink().identity().peer(), request);
    EXPECT_THAT(limits, IsOk());
    storagenode::OrderInfo info;
    info.limit = limits->limits(0).limit();
    info.order.set_serial_number(info.limit.serial_number());
    info.order.set_amount(amount);
    SignOrder(uplink().identity(), info.order);
    return info;
  }

  std::unique_ptr<Planet> planet_;
};

TEST_F(OrdersFlowTest, UploadedOrdersAreAllSettledAcceptedAndRolledUp) {
  std::int64_t total = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string data(std::size_t{1000} * (i + 1), static_cast<char>('a' + i));
    auto uploaded = planet_->Upload(0, 0, "testbucket", "object" + std::to_string(i), data);
    ASSERT_THAT(uploaded, IsOk());
    EXPECT_EQ(uploaded->nodes.size(), 4u);
    total += static_cast<std::int64_t>(data.size());
  }
  auto downloaded = planet_->Download(0, 0, "testbucket", "object1");
  ASSERT_THAT(downloaded, IsOk());
  EXPECT_EQ(*downloaded, std::string(2000, 'b'));

  std::int64_t expected_bytes = 0;
  for (auto& n : planet_->storage_nodes()) {
    auto before = n->orders_db().ListUnsent(1000);
    ASSERT_THAT(before, IsOk());
    std::int64_t node_bytes = 0;
    for (const auto& info : *before) node_bytes += info.order.amount();
    expected_bytes += node_bytes;

    ASSERT_THAT(n->orders().sender().TriggerWait(), IsOk());

    auto counts = n->orders_db().Count();
    ASSERT_THAT(counts, IsOk());
    EXPECT_EQ(counts->unsent, 0u) << n->address();
    EXPECT_EQ(counts->accepted, before->size()) << n->address();
    EXPECT_EQ(counts->rejected, 0u);
    EXPECT_EQ(*sat().orders().NodeSettled(n->id()), node_bytes) << n->address();
  }
  // Every node stored all three objects; one node also served the download.
  EXPECT_EQ(expected_bytes, 4 * total + 2000);
  EXPECT_EQ(*sat().orders().BucketSettled("testbucket"), expected_bytes);
  EXPECT_EQ(sat().orders().stats().rejected, 0u);
}

TEST_F(OrdersFlowTest, BadOrdersAreEachRejectedAndCountedNowhere) {
  storagenode::StorageNode& n = node(0);
  storagenode::StorageNode& other = node(1);

  // Forged: a limit signed by someone who is not the satellite, in its name.
  storagenode::OrderInfo forged = RealOrder(n, 100, 50);
  RandomStream impostor_keys = Random(99).Stream("impostor");
  SignOrderLimit(Identity::FromStream(impostor_keys), forged.limit);
  // Tampered: a real limit with its size raised after signing.
  storagenode::OrderInfo tampered = RealOrder(n, 100, 50);
  tampered.limit.set_limit(1 << 30);
  // Over the limit: the uplink signed for more than the limit allows.
  storagenode::OrderInfo over = RealOrder(n, 100, 101);
  // Wrong node: a limit for another node, sent by this one.
  storagenode::OrderInfo wrong_node = RealOrder(other, 100, 50);
  // Uplink signature broken.
  storagenode::OrderInfo bad_uplink = RealOrder(n, 100, 50);
  bad_uplink.order.set_amount(40);
  for (const auto* info : {&forged, &tampered, &over, &wrong_node, &bad_uplink}) {
    ASSERT_THAT(n.orders_db().Enqueue(*info), IsOk());
  }
  ASSERT_THAT(n.orders().sender().TriggerWait(), IsOk());
  auto counts = n.orders_db().Count();
  EXPECT_EQ(counts->unsent, 0u);
  EXPECT_EQ(counts->accepted, 0u);
  EXPECT_EQ(counts->rejected, 5u);
  const auto& stats = sat().orders().stats();
  EXPECT_EQ(stats.accepted, 0u);
  EXPECT_EQ(stats.Rejected(RejectReason::kBadSatelliteSignature), 2u);  // forged, tampered
  EXPECT_EQ(stats.Rejected(RejectReason::kOverLimit), 1u);
  EXPECT_EQ(stats.Rejected(RejectReason::kWrongNode), 1u);
  EXPECT_EQ(stats.Rejected(RejectReason::kBadUplinkSignature), 1u);
  EXPECT_EQ(*sat().orders().NodeSettled(n.id()), 0);
  EXPECT_EQ(*sat().orders().NodeSettled(other.id()), 0);
  EXPECT_EQ(*sat().orders().BucketSettled("testbucket"), 0);
}

TEST_F(OrdersFlowTest, AReplayedOrderIsRejectedAndCountedOnce) {
  storagenode::StorageNode& n = node(0);
  storagenode::OrderInfo order = RealOrder(n, 100, 60);
  ASSERT_THAT(n.orders_db().Enqueue(order), IsOk());
  ASSERT_THAT(n.orders().sender().TriggerWait(), IsOk());
  ASSERT_THAT(n.orders_db().Enqueue(order), IsOk());  // the same order again
  ASSERT_THAT(n.orders().sender().TriggerWait(), IsOk());
  auto counts = n.orders_db().Count();
  EXPECT_EQ(counts->accepted, 1u);
  EXPECT_EQ(counts->rejected, 1u);
  EXPECT_EQ(sat().orders().stats().Rejected(RejectReason::kDoubleSpend), 1u);
  EXPECT_EQ(*sat().orders().NodeSettled(n.id()), 60);
}

TEST_F(OrdersFlowTest, AnExpiredOrderIsRejected) {
  storagenode::StorageNode& n = node(0);
  ASSERT_THAT(n.orders_db().Enqueue(RealOrder(n, 100, 60)), IsOk());
  for (auto& each : planet_->storage_nodes()) {  // a quiet week: only time passes
    each->contact().cycle().Pause();
    each->orders().cleanup().Pause();
  }
  ASSERT_THAT(planet_->RunFor(8 * 24h), IsOk());  // past the 7-day expiration; the sender is paused
  ASSERT_THAT(n.orders().sender().TriggerWait(), IsOk());
  EXPECT_EQ(n.orders_db().Count()->rejected, 1u);
  EXPECT_EQ(sat().orders().stats().Rejected(RejectReason::kExpired), 1u);
  EXPECT_EQ(*sat().orders().NodeSettled(n.id()), 0);
}

TEST_F(OrdersFlowTest, OrdersWaitWhileTheSatelliteIsDownThenSettle) {
  ASSERT_THAT(planet_->Upload(0, 0, "testbucket", "o", std::string(500, 'x')), IsOk());
  storagenode::StorageNode& n = node(2);
  planet_->network().SetDown(sat().address());
  ASSERT_THAT(n.orders().sender().TriggerWait(), IsOk());
  EXPECT_EQ(n.orders_db().Count()->unsent, 1u) << "no answer: the order stays unsent";
  planet_->network().SetUp(sat().address());
  ASSERT_THAT(n.orders().sender().TriggerWait(), IsOk());
  EXPECT_EQ(n.orders_db().Count()->unsent, 0u);
  EXPECT_EQ(n.orders_db().Count()->accepted, 1u);
}

TEST_F(OrdersFlowTest, ThePieceStoreRefusesTransfersWithoutAValidOrder) {
  storagenode::OrderInfo over = RealOrder(node(0), 100, 101);
  EXPECT_THAT(node(0).piecestore().Verify(over.limit, over.order, pb::PUT, 101),
              ::testing::Not(IsOk()));
  storagenode::OrderInfo fine = RealOrder(node(0), 100, 100);
  EXPECT_THAT(node(0).piecestore().Verify(fine.limit, fine.order, pb::PUT, 100), IsOk());
  EXPECT_THAT(node(1).piecestore().Verify(fine.limit, fine.order, pb::PUT, 100),
              ::testing::Not(IsOk()))
      << "a limit for another node";
  EXPECT_THAT(node(0).piecestore().Verify(fine.limit, fine.order, pb::GET, 100),
              ::testing::Not(IsOk()))
      << "a PUT limit used for a GET";
}

TEST(Planet, TheSameSeedGivesTheSameDigest) {
  auto run = [](std::uint64_t seed) {
    Config config;
    config.seed = seed;
    auto planet = Planet::Create(config);
    EXPECT_THAT(planet, IsOk());
    EXPECT_THAT((*planet)->Start(), IsOk());
    for (int i = 0; i < 3; ++i) {
      EXPECT_THAT((*planet)->Upload(0, 0, "b", "o" + std::to_string(i), std::string(100, 'x')),
                  IsOk());
    }
    EXPECT_THAT((*planet)->RunFor(2min), IsOk());
    EXPECT_THAT((*planet)->Shutdown(), IsOk());
    return (*planet)->sim().trace().digest();
  };
  EXPECT_EQ(run(5), run(5));
  EXPECT_NE(run(5), run(6));
}

}  // namespace
}  // namespace testplanet
