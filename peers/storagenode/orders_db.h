// OrdersDb: the storage node's orders — unsent until a satellite answers, then archived.
//
// The contract every implementation keeps (tests/peers/orders_db_contract_test.cc runs it):
//   * Enqueue stores an order as unsent; once it returns OK the order survives a crash.
//   * ListUnsentBySatellite groups every unsent order by its limit's satellite, satellites and
//     serials in ascending byte order (deterministic).
//   * Archive moves each named unsent order to the archive with its status and time, all in one
//     atomic write; requests naming no unsent order are skipped and reported as NOT_FOUND after
//     the others are archived. An archived order is never listed as unsent again.
//   * CleanArchive(now, ttl) deletes the archived orders archived at or before now - ttl (Storj's
//     rule, archived_at <= now - ttl: an order archived at t is gone in a cleanup at t + ttl) and
//     says how many.
// Calls are synchronous: they run on the simulation thread and take no virtual time.
#ifndef TESTPLANET_PEERS_STORAGENODE_ORDERS_DB_H_
#define TESTPLANET_PEERS_STORAGENODE_ORDERS_DB_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "peers/identity/identity.h"
#include "peers/protocol/orders.pb.h"
#include "sim/clock.h"
#include "sim/status.h"

namespace testplanet::storagenode {

enum class OrderStatus : int { kUnsent = 0, kAccepted = 1, kRejected = 2 };
const char* OrderStatusName(OrderStatus status);

// An order the node holds: the satellite's limit and the uplink's signed order under it.
struct OrderInfo {
  pb::OrderLimit limit;
  pb::Order order;
};

struct ArchivedOrder {
  pb::OrderLimit limit;
  pb::Order order;
  OrderStatus status = OrderStatus::kUnsent;
  TimePoint archived_at{};
};

struct ArchiveRequest {
  NodeId satellite;
  std::string serial;  // OrderLimit.serial_number
  OrderStatus status = OrderStatus::kAccepted;
};

struct OrderCounts {
  std::uint64_t unsent = 0;
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
};

class OrdersDb {
 public:
  virtual ~OrdersDb() = default;
  virtual Status Enqueue(const OrderInfo& info) = 0;
  // Returns up to `limit` unsent orders, in (satellite, serial) order.
  virtual StatusOr<std::vector<OrderInfo>> ListUnsent(std::size_t limit) = 0;
  virtual StatusOr<std::map<NodeId, std::vector<OrderInfo>>> ListUnsentBySatellite() = 0;
  virtual Status Archive(TimePoint archived_at, const std::vector<ArchiveRequest>& requests) = 0;
  // Returns up to `limit` archived orders, oldest archive time first.
  virtual StatusOr<std::vector<ArchivedOrder>> ListArchived(std::size_t limit) = 0;
  virtual StatusOr<std::uint64_t> CleanArchive(TimePoint now, Duration ttl) = 0;
  virtual StatusOr<OrderCounts> Count() = 0;
  // The same counts, for each satellite that has orders here.
  virtual StatusOr<std::map<NodeId, OrderCounts>> CountBySatellite() = 0;
};

// An OrdersDb that forwards every call to another; decorators derive from it and override what
// they change (as LevelDB's EnvWrapper does for Env).
class OrdersDbWrapper : public OrdersDb {
 public:
  explicit OrdersDbWrapper(std::unique_ptr<OrdersDb> inner) : inner_(std::move(inner)) {}

  Status Enqueue(const OrderInfo& info) override { return inner_->Enqueue(info); }
  StatusOr<std::vector<OrderInfo>> ListUnsent(std::size_t limit) override {
    return inner_->ListUnsent(limit);
  }
  StatusOr<std::map<NodeId, std::vector<OrderInfo>>> ListUnsentBySatellite() override {
    return inner_->ListUnsentBySatellite();
  }
  Status Archive(TimePoint archived_at, const std::vector<ArchiveRequest>& requests) override {
    return inner_->Archive(archived_at, requests);
  }
  StatusOr<std::vector<ArchivedOrder>> ListArchived(std::size_t limit) override {
    return inner_->ListArchived(limit);
  }
  StatusOr<std::uint64_t> CleanArchive(TimePoint now, Duration ttl) override {
    return inner_->CleanArchive(now, ttl);
  }
  StatusOr<OrderCounts> Count() override { return inner_->Count(); }
  StatusOr<std::map<NodeId, OrderCounts>> CountBySatellite() override {
    return inner_->CountBySatellite();
  }

 protected:
  OrdersDb& inner() { return *inner_; }

 private:
  std::unique_ptr<OrdersDb> inner_;
};

}  // namespace testplanet::storagenode

#endif  // TESTPLANET_PEERS_STORAGENODE_ORDERS_DB_H_
