// RocksdbOrdersDb: OrdersDb on the node's Store.
//
// Key schema (all integers big-endian, so keys sort numerically):
//   orders/unsent/<satellite id: 32 bytes><serial: 16 bytes>          -> OrderRecord (status 0)
//   orders/archived/<archived at: 8 bytes, Unix ns><satellite><serial> -> OrderRecord
// Unsent orders list in (satellite, serial) order; archived ones by archive time, so that
// CleanArchive deletes a key range from the front. Archive deletes the unsent keys and writes
// the archived ones in one WriteBatch.
// CleanArchive reads the store only when an archived order may be due: the db keeps a lower
// bound on the archive times it holds (learnt by the last clean, lowered by every Archive), so
// the cleanup chore, which runs every 5 minutes on every node, costs no read while the oldest
// order is younger than the TTL (Storj's SQL delete finds that in its index the same way).
// Listing unsent orders reads the store only when it may hold one: the db knows it holds none
// once a listing found none and nothing was enqueued since, so the hourly sender of a node with
// nothing to send costs no iterator (Storj's sender finds its unsent-orders spool empty as
// cheaply).
// Trap: the bound and the hint assume this object is the only writer of order keys in its store.
#ifndef TESTPLANET_PEERS_STORAGENODE_ROCKSDB_ORDERS_DB_H_
#define TESTPLANET_PEERS_STORAGENODE_ROCKSDB_ORDERS_DB_H_

#include "peers/storage/store.h"
#include "peers/storagenode/orders_db.h"

namespace testplanet::storagenode {

class RocksdbOrdersDb : public OrdersDb {
 public:
  // REQUIRES: `store` outlives this.
  explicit RocksdbOrdersDb(Store& store) : store_(&store) {}

  Status Enqueue(const OrderInfo& info) override;
  StatusOr<std::vector<OrderInfo>> ListUnsent(std::size_t limit) override;
  StatusOr<std::map<NodeId, std::vector<OrderInfo>>> ListUnsentBySatellite() override;
  Status Archive(TimePoint archived_at, const std::vector<ArchiveRequest>& requests) override;
  StatusOr<std::vector<ArchivedOrder>> ListArchived(std::size_t limit) override;
  StatusOr<std::uint64_t> CleanArchive(TimePoint now, Duration ttl) override;
  StatusOr<OrderCounts> Count() override;
  StatusOr<std::map<NodeId, OrderCounts>> CountBySatellite() override;

  // Unsent records that could not be parsed and were skipped by listings.
  std::uint64_t corrupt_records() const { return corrupt_records_; }

 private:
  // Every archived key's time (Unix ns, as in the key) is at least this; 0 is "unknown", and
  // UINT64_MAX "no archived orders".
  static constexpr std::uint64_t kArchiveFloorUnknown = 0;
  Store* store_;
  std::uint64_t corrupt_records_ = 0;
  std::uint64_t archive_floor_ = kArchiveFloorUnknown;
  // False only when the store holds no unsent order (see the top of this file).
  bool may_hold_unsent_ = true;
};

}  // namespace testplanet::storagenode

#endif  // TESTPLANET_PEERS_STORAGENODE_ROCKSDB_ORDERS_DB_H_
