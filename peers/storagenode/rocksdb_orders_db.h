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
// Listing unsent orders reads only where an unsent order may be: once a listing has seen every
// unsent key, the db keeps a superset of them (a key joins at its write, failed or not, and leaves
// once a write deleted it or a read found it gone), and the next listing reads from its first key
// to its last. So the hourly sender of a node with nothing to send costs no iterator (Storj's
// sender finds its unsent-orders spool empty as cheaply), and one with a few orders does not walk
// the deletions that archiving left behind: a node's store flushes rarely, and its memtable keeps a
// week of them among the unsent keys, which a whole-prefix scan stepped over one by one.
// Trap: the bound and the superset assume this object is the only writer of order keys in its
// store.
#ifndef TESTPLANET_PEERS_STORAGENODE_ROCKSDB_ORDERS_DB_H_
#define TESTPLANET_PEERS_STORAGENODE_ROCKSDB_ORDERS_DB_H_

#include <set>
#include <string>

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
  // Every unsent key in the store, and perhaps keys already gone (see the top of this file);
  // meaningful once a listing has seen the whole range.
  std::set<std::string> unsent_keys_;
  bool unsent_keys_known_ = false;
};

}  // namespace testplanet::storagenode

#endif  // TESTPLANET_PEERS_STORAGENODE_ROCKSDB_ORDERS_DB_H_
