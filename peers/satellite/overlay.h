// Overlay: the satellite's table of storage nodes — identity, address and last contact — fed by
// check-ins ("contact.CheckIn") and kept in the satellite's Store under overlay/<node id>.
// Node selection for uploads draws from the seeded stream over nodes in ID order, so it is the
// same in every run with the same seed. With a staleness, as Storj's satellite does (its upload
// selection cache), it draws from a snapshot of the online nodes instead of reading every node
// per upload: at 25,000 nodes a read of the whole overlay per upload cost more than the upload.
// Snapshots come from a copy of the table in memory, read from the store once and then kept up
// to date by check-ins; Get and List read the store.
// With a check-in wait period, as Storj's satellite has, a check-in that only repeats the
// node's record (same key and address, its last contact within the period) is not written: the
// record's last contact, and so what selection sees, lags by up to the period.
#ifndef TESTPLANET_PEERS_SATELLITE_OVERLAY_H_
#define TESTPLANET_PEERS_SATELLITE_OVERLAY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "peers/identity/identity.h"
#include "peers/protocol/orders.pb.h"
#include "peers/rpc/transport.h"
#include "peers/storage/store.h"
#include "sim/random.h"
#include "sim/simulator.h"

namespace testplanet::satellite {

struct NodeInfo {
  NodeId id;
  std::string public_key;
  rpc::Address address;
  TimePoint last_contact{};
};

struct OverlayConfig {
  // A check-in that repeats the node's record within this long of its last contact is not
  // written (Storj's overlay.node-check-in-wait-period: 1h10m in production, so an hourly
  // check-in is written every other hour). Zero: every check-in is written.
  Duration check_in_wait_period = Duration::zero();
};

class Overlay {
 public:
  Overlay(Simulator& sim, PeerId peer, Store& store, RandomStream selection,
          OverlayConfig config = {});

  // Registers "contact.CheckIn" on `server`.
  void Register(rpc::Server& server);

  // Records that `node` checked in now from `address`, unless that only repeats its record
  // (see OverlayConfig).
  Status CheckIn(const PeerIdentity& node, const rpc::Address& address);
  StatusOr<std::optional<NodeInfo>> Get(const NodeId& id);
  // Every known node, in ID order.
  StatusOr<std::vector<NodeInfo>> List();
  // Picks `count` distinct nodes that checked in within `online_window`, uniformly at random.
  // Returns fewer when fewer are online. With a positive `staleness`, "online" is as of a
  // snapshot taken at most that long ago on the satellite's clock (Storj: 3 minutes), so a node
  // that went away since is still picked until the next snapshot, as in production.
  StatusOr<std::vector<NodeInfo>> SelectNodes(int count, Duration online_window,
                                              Duration staleness = Duration::zero());

  // Check-ins received, and those of them not written because they repeated the record.
  std::uint64_t check_ins() const { return check_ins_; }
  std::uint64_t redundant_check_ins() const { return redundant_check_ins_; }

 private:
  Simulator* sim_;
  PeerId peer_;
  Store* store_;
  RandomStream selection_;
  OverlayConfig config_;
  std::uint64_t check_ins_ = 0;
  std::uint64_t redundant_check_ins_ = 0;
  // Every node as the store holds it, kept beside the store so that a snapshot reads memory
  // rather than parsing every record (at 25,000 nodes, four satellites' snapshots every 3
  // minutes were an eighth of a run). Read from one scan at the first snapshot, updated by each
  // check-in the store took, and read again after a write the store refused.
  //
  // A sorted vector, so that a check-in's lookup and a snapshot's walk read contiguous memory
  // (a std::map of 25,000 nodes cost a cache miss a level and a node, 100,000 times an hour).
  // Nodes first seen after the load wait in `joined_` until the next snapshot merges them, so a
  // node joining never moves the whole vector. A check-in updates its node's info in place,
  // unless the current snapshot holds it: then the old info moves to the snapshot's `retired`
  // and the node gets a new one, so a snapshot keeps what it saw.
  struct Entry {
    // Copies of info's, beside it so that a lookup and a snapshot's walk read no info.
    NodeId id;
    TimePoint last_contact{};
    std::uint64_t snapshot = 0;  // the snapshot that holds `info`, if it is the current one
    std::unique_ptr<NodeInfo> info;
  };
  Status LoadMirror();
  bool Redundant(const Entry& entry, const PeerIdentity& node, const rpc::Address& address,
                 TimePoint now) const;
  Entry* FindEntry(const NodeId& id);
  void MergeJoined();
  void ClearMirror();
  // Rebuilds mirror_prefixes_: called wherever mirror_ changes.
  void IndexMirror();
  std::vector<Entry> mirror_;
  // The first 8 bytes of each mirror_ entry's id, at the same index: a lookup's binary search
  // runs over 200 KB that stay in the cache rather than over 25,000 scattered 56-byte entries,
  // and reads one entry.
  std::vector<std::uint64_t> mirror_prefixes_;
  std::map<NodeId, Entry> joined_;
  static constexpr std::size_t kJoinedToMerge = 64;
  bool mirror_loaded_ = false;
  // The online nodes as of `taken`, in ID order, and a permutation of their indexes that every
  // selection shuffles further (a partial Fisher-Yates from any permutation is uniform).
  struct Snapshot {
    bool valid = false;
    std::uint64_t number = 0;  // counts snapshots taken; an entry's `snapshot` refers to it
    TimePoint taken{};
    std::vector<const NodeInfo*> nodes;
    std::vector<std::uint32_t> order;
    // Infos replaced since this snapshot was taken, which it still shows.
    std::vector<std::unique_ptr<NodeInfo>> retired;
  };
  Status TakeSnapshot(TimePoint now, Duration online_window);
  // Whether the current snapshot shows `entry`'s info (so it must not change under it).
  bool ShownBySnapshot(const Entry& entry) const {
    return entry.info != nullptr && snapshot_.number != 0 && entry.snapshot == snapshot_.number;
  }
  Snapshot snapshot_;
};

}  // namespace testplanet::satellite

#endif  // TESTPLANET_PEERS_SATELLITE_OVERLAY_H_
