// The satellite's side of orders: it issues signed order limits to uplinks and settles the orders
// storage nodes send back, keeping bandwidth rollups per node and per bucket.
//
// Settlement ("orders.Settlement", a bidirectional stream from a storage node) answers every
// order ACCEPTED or REJECTED. An order is accepted iff, checked in this order:
//   1. the calling node (as the transport authenticated it) is the node the limit names —
//      a node cannot settle another node's orders;
//   2. this satellite issued and signed the limit;
//   3. the uplink named in the limit signed the order;
//   4. the order's serial is the limit's serial;
//   5. the limit has not expired: it expires after its order_expiration instant, by this
//      satellite's clock — an order settled at exactly that instant is still valid, as in Storj
//      (`OrderExpiration.Before(now)` is expired);
//   6. 0 <= amount <= limit;
//   7. this satellite created the serial, and it has not been settled before (double spend).
// The checks are an OrderChecks (a seam: Config::wrap_order_checks decorates them). Order limits
// are issued for 1 byte to OrdersConfig::max_limit; anything else is refused (INVALID_ARGUMENT).
// An accepted order marks its serial used and adds its amount to the node's and the bucket's
// rollup for the current hour, all in one atomic write. A rejected order changes nothing. When
// that write fails the order gets no answer: the stream ends with UNAVAILABLE, and the node keeps
// it unsent (the write may have landed; a resubmission is then refused as spent).
//
// Keys in the satellite's Store (integers big-endian):
//   serials/<serial 16B>                                   -> SerialRecord
//   used/<serial 16B>                                      -> "" (settled)
//   meta/starts (peer.cc)                                  -> how many times it started
//   rollups/node/<node id 32B><hour, Unix ns><action 1B>   -> settled bytes (8 bytes)
//   rollups/bucket/<len 1B><bucket id><hour><action 1B>    -> settled bytes (8 bytes)
#ifndef TESTPLANET_PEERS_SATELLITE_ORDERS_H_
#define TESTPLANET_PEERS_SATELLITE_ORDERS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "peers/identity/identity.h"
#include "peers/protocol/orders.pb.h"
#include "peers/rpc/transport.h"
#include "peers/satellite/overlay.h"
#include "peers/storage/store.h"
#include "sim/random.h"
#include "sim/simulator.h"

namespace testplanet::satellite {

struct OrdersConfig {
  Duration expiration = std::chrono::hours(24 * 7);  // how long a limit may be settled
  Duration online_window = std::chrono::hours(4);    // nodes seen this recently get uploads
  // Uploads pick from a snapshot of the online nodes at most this old (Storj's
  // overlay.node-selection-cache.staleness, 3m in production); zero: from the overlay as it is
  // at each upload, which reads every node per upload (testplanet's preset: exact, small).
  Duration selection_staleness = Duration::zero();
  std::int64_t max_limit = kMaxOrderLimit;  // the most bytes one limit may allow
  // The largest piece an uplink may store or fetch with one limit: 64 MiB, Storj's maximum
  // segment size.
  static constexpr std::int64_t kMaxOrderLimit = std::int64_t{64} << 20;
};

enum class RejectReason : int {
  kNone = 0,
  kMalformed,
  kWrongNode,
  kWrongSatellite,
  kBadSatelliteSignature,
  kBadUplinkSignature,
  kSerialMismatch,
  kExpired,
  kOverLimit,
  kUnknownSerial,
  kDoubleSpend,
  kStorageError,
  // The order would take a rollup past 2^63-1 bytes: refused, never wrapped.
  kRollupOverflow,
};
inline constexpr int kRejectReasonCount = 13;
const char* RejectReasonName(RejectReason reason);

struct SettlementStats {
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t settled_bytes = 0;
  std::array<std::uint64_t, kRejectReasonCount> by_reason{};
  std::uint64_t Rejected(RejectReason reason) const {
    return by_reason[static_cast<std::size_t>(reason)];
  }
};

namespace satellite_kinds {
// One order was settled. a = 1 accepted / 0 rejected, b = RejectReason, c = amount.
TESTPLANET_TRACE_KIND(kSettleOrder, "satellite.settle");
}  // namespace satellite_kinds

// What the satellite decided about one order, for observers (the planet's invariant checker).
struct SettlementEvent {
  NodeId node;                                // who sent it (as the transport authenticated it)
  std::string_view serial;                    // the order limit's serial number
  std::int64_t amount = 0;                    // the order's amount, whatever the decision
  RejectReason reason = RejectReason::kNone;  // kNone: accepted and counted
  std::string_view limit_node;                // the node the limit names (raw ID bytes)
  std::int64_t expiration = 0;                // the limit's order_expiration, Unix ns
  std::int64_t now = 0;                       // the satellite's clock when it decided, Unix ns
};
using SettlementObserver = std::function<void(const SettlementEvent&)>;

// The checks an order must pass to be counted (1 to 7 above, in that order). A seam: the
// planet's planted bugs decorate it through Config::wrap_order_checks.
class OrderChecks {
 public:
  virtual ~OrderChecks() = default;
  // Returns why `request`, sent by `caller`, must be rejected when the satellite's clock reads
  // `now` (Unix ns), or kNone; fills `serial` once the serial's record has been read.
  virtual RejectReason Check(const NodeId& caller, const pb::SettlementRequest& request,
                             std::int64_t now, pb::SerialRecord& serial) = 0;
};
using WrapOrderChecks = std::function<std::unique_ptr<OrderChecks>(std::unique_ptr<OrderChecks>)>;

class OrdersEndpoint {
 public:
  // `wrap_checks` (may be null) decorates the order checks.
  OrdersEndpoint(Simulator& sim, PeerId peer, const Identity& self, Store& store, Overlay& overlay,
                 OrdersConfig config, RandomStream serials,
                 const WrapOrderChecks& wrap_checks = {});

  // Registers "orders.CreateOrderLimits" and "orders.Settlement" on `server`.
  void Register(rpc::Server& server);

  // Issues one signed limit per node for `uplink` (the caller); INVALID_ARGUMENT for a limit
  // outside 1..max_limit bytes.
  StatusOr<pb::CreateOrderLimitsResponse> CreateOrderLimits(
      const PeerIdentity& uplink, const pb::CreateOrderLimitsRequest& request);

  // Checks and, if valid, applies one order sent by `caller`. Returns the reason it was
  // rejected, or kNone when it was accepted.
  RejectReason SettleOne(const NodeId& caller, const pb::SettlementRequest& request);

  // Sum of settled bytes for a node (every hour and action) and for a bucket.
  StatusOr<std::int64_t> NodeSettled(const NodeId& node);
  StatusOr<std::int64_t> BucketSettled(std::string_view bucket_id);
  // The rollup window (its start, Unix ns) an order accepted when the clock reads `now` counts
  // in, and a node's settled bytes in the window starting at `window` (every action): what one
  // decision can change, read without walking the node's other windows.
  static std::int64_t RollupWindow(std::int64_t now);
  StatusOr<std::int64_t> NodeSettledInWindow(const NodeId& node, std::int64_t window);

  const SettlementStats& stats() const { return stats_; }
  // Called after every decision, once it is on disk.
  void SetObserver(SettlementObserver observer) { observer_ = std::move(observer); }

 private:
  Awaitable<Status> Settlement(Context ctx, const PeerIdentity& caller, rpc::Stream& stream);
  StatusOr<std::int64_t> SumRollups(std::string_view prefix);

  Simulator* sim_;
  PeerId peer_;
  const Identity* self_;
  Store* store_;
  Overlay* overlay_;
  OrdersConfig config_;
  RandomStream serials_;
  std::unique_ptr<OrderChecks> checks_;
  SettlementStats stats_;
  SettlementObserver observer_;
};

}  // namespace testplanet::satellite

#endif  // TESTPLANET_PEERS_SATELLITE_ORDERS_H_
