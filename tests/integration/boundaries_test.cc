// Every time boundary on the order path, at exactly its instant and one nanosecond either side:
// a limit is valid through its expiration instant (Storj: OrderExpiration.Before(now) is
// expired), on the node that stores the piece and on the satellite that settles the order. The
// archive TTL's boundary is in tests/peers/orders_db_contract_test.cc and, on a running planet,
// tests/scenarios/language/actions/boundary_clock_test.cc. There is no grace period on this path.
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "peers/protocol/signing.h"
#include "peers/storage/store.h"
#include "scenarios/gtest/testplanet_run.h"
#include "sim/await.h"
#include "tests/status_matchers.h"

namespace testplanet {
namespace {

using namespace std::chrono_literals;

// A stream whose one incoming message is given; what the handler sends back is kept.
class OneMessage : public rpc::Stream {
 public:
  explicit OneMessage(std::string in) : in_(std::move(in)) {}
  Awaitable<Status> Send(Context, std::string message) override {
    sent_.push_back(std::move(message));
    co_return Status::Ok();
  }
  Awaitable<StatusOr<std::string>> Recv(Context) override {
    if (done_) co_return Status(StatusCode::kOutOfRange, "end of stream");
    done_ = true;
    co_return in_;
  }
  void CloseSend() override {}

 private:
  std::string in_;
  bool done_ = false;
  std::vector<std::string> sent_;
};

// A signed limit for node 0 from satellite 0, and the uplink's order for `amount` bytes.
pb::SettlementRequest LimitAndOrder(Planet& planet, std::int64_t amount) {
  satellite::Satellite& satellite = *planet.satellites()[0];
  const uplink::Uplink& uplink = *planet.uplinks()[0];
  pb::CreateOrderLimitsRequest request;
  request.set_bucket_id("bucket");
  request.set_action(pb::PUT);
  request.set_limit(amount);
  request.add_storage_node_ids(std::string(planet.storage_nodes()[0]->id().bytes()));
  request.set_piece_id(std::string(16, 'p'));
  auto limits = satellite.orders().CreateOrderLimits(uplink.identity().peer(), request);
  EXPECT_THAT(limits, IsOk());
  pb::SettlementRequest out;
  *out.mutable_limit() = limits->limits(0).limit();
  out.mutable_order()->set_serial_number(out.limit().serial_number());
  out.mutable_order()->set_amount(amount);
  SignOrder(uplink.identity(), *out.mutable_order());
  return out;
}

// Sets `peer`'s clock so that it reads `unix_ns` now.
void SetClockTo(Planet& planet, PeerRef peer, std::int64_t unix_ns) {
  const std::int64_t now = ToUnixNanos(planet.sim().Now());
  planet.sim().SetClockSkew(planet.PeerIdOf(peer), Duration(unix_ns - now), 0);
}

// Uploads a 4-byte piece with `order` to node 0 through its real handler; the handler's status.
Status UploadPiece(Planet& planet, const pb::SettlementRequest& order) {
  pb::PieceUploadRequest upload;
  *upload.mutable_limit() = order.limit();
  *upload.mutable_order() = order.order();
  upload.set_data("data");
  rpc::StreamHandler* handler = planet.storage_nodes()[0]->server().Find("piecestore.Upload");
  OneMessage stream(DeterministicBytes(upload));
  auto done = Await(planet.sim(),
                    (*handler)(planet.root(), planet.uplinks()[0]->identity().peer(), stream));
  return done ? *done : InternalError("the upload did not finish");
}

TEST(Boundaries, ANodeStoresAPieceThroughItsLimitsExpirationInstant) {
  testplanet::Run(Config{}, [](Planet& planet) {
    const PeerRef node = PeerRef::StorageNode(0);
    for (const auto& [delta, ok] : {std::pair{-1, true}, {0, true}, {1, false}}) {
      const pb::SettlementRequest order = LimitAndOrder(planet, 4);
      SetClockTo(planet, node, order.limit().order_expiration() + delta);
      const Status stored = UploadPiece(planet, order);
      if (ok) {
        EXPECT_THAT(stored, IsOk()) << "the node's clock " << delta << " ns from expiration";
      } else {
        EXPECT_THAT(stored, StatusIs(StatusCode::kPermissionDenied,
                                     ::testing::HasSubstr("the limit has expired")));
      }
    }
  });
}

TEST(Boundaries, ASatelliteSettlesAnOrderThroughItsLimitsExpirationInstant) {
  testplanet::Run(Config{}, [](Planet& planet) {
    const NodeId node = planet.storage_nodes()[0]->id();
    for (const auto& [delta, reason] : {std::pair{-1, satellite::RejectReason::kNone},
                                        {0, satellite::RejectReason::kNone},
                                        {1, satellite::RejectReason::kExpired}}) {
      const pb::SettlementRequest order = LimitAndOrder(planet, 4);
      SetClockTo(planet, PeerRef::Satellite(0), order.limit().order_expiration() + delta);
      EXPECT_EQ(planet.satellites()[0]->orders().SettleOne(node, order), reason)
          << "the satellite's clock " << delta << " ns from expiration";
    }
  });
}

// The arithmetic boundary: a rollup one order short of 2^63-1 bytes refuses the order that would
// take it past, and the totals never wrap negative.
TEST(Boundaries, ARollupNeverWrapsPastTheLargestAmount) {
  Config config;
  config.check_invariants = false;  // the rollups are filled behind the checker's back
  testplanet::Run(config, [](Planet& planet) {
    satellite::Satellite& satellite = *planet.satellites()[0];
    const NodeId node = planet.storage_nodes()[0]->id();
    ASSERT_EQ(satellite.orders().SettleOne(node, LimitAndOrder(planet, 4)),
              satellite::RejectReason::kNone);
    // Push each rollup this order wrote to 2^63-1 - 4, as if a long history had filled it.
    std::vector<std::string> keys;
    ASSERT_THAT(satellite.store().ScanPrefix("rollups/",
                                             [&](std::string_view key, std::string_view) {
                                               keys.emplace_back(key);
                                               return true;
                                             }),
                IsOk());
    ASSERT_EQ(keys.size(), 2u) << "one node rollup and one bucket rollup";
    std::string almost_full;
    AppendBigEndian64(almost_full, std::uint64_t{INT64_MAX} - 4);
    for (const std::string& key : keys)
      ASSERT_THAT(satellite.store().Put(key, almost_full), IsOk());

    EXPECT_EQ(satellite.orders().SettleOne(node, LimitAndOrder(planet, 4)),
              satellite::RejectReason::kNone)
        << "exactly 2^63-1 fits";
    EXPECT_EQ(satellite.orders().SettleOne(node, LimitAndOrder(planet, 1)),
              satellite::RejectReason::kRollupOverflow);
    auto total = satellite.orders().NodeSettled(node);
    ASSERT_THAT(total, IsOk());
    EXPECT_EQ(*total, INT64_MAX);
  });
}

}  // namespace
}  // namespace testplanet
