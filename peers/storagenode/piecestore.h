// Piecestore: the storage node's endpoint for piece uploads and downloads.
//
// Every transfer comes with the satellite's signed order limit and the uplink's signed order.
// Before storing or serving a byte the node checks: the satellite is trusted and signed the
// limit; the limit names this node and the right action and has not expired; the order's serial
// matches and the uplink signed it; the amount is within the limit and covers the bytes moved.
// Then it keeps the piece (a file beside its Store: BlobStore) and enqueues the order, which
// the orders Sender will settle later.
//
// Methods: "piecestore.Upload" (one PieceUploadRequest, one PieceUploadResponse) and
// "piecestore.Download" (one PieceDownloadRequest, one PieceDownloadResponse).
#ifndef TESTPLANET_PEERS_STORAGENODE_PIECESTORE_H_
#define TESTPLANET_PEERS_STORAGENODE_PIECESTORE_H_

#include <cstdint>
#include <string>

#include "peers/identity/identity.h"
#include "peers/protocol/orders.pb.h"
#include "peers/rpc/transport.h"
#include "peers/storage/blob_store.h"
#include "peers/storage/store.h"
#include "peers/storagenode/orders_db.h"
#include "peers/storagenode/trust.h"
#include "sim/simulator.h"

namespace testplanet::storagenode {

namespace piecestore_kinds {
// A transfer's order was enqueued (its Enqueue returned OK). a = PieceAction, b = amount.
TESTPLANET_TRACE_KIND(kOrderStored, "piecestore.order.stored");
}  // namespace piecestore_kinds

struct PiecestoreStats {
  std::uint64_t uploads = 0;
  std::uint64_t downloads = 0;
  std::uint64_t refused = 0;  // transfers refused by a check
  std::uint64_t bytes_stored = 0;
};

class Piecestore {
 public:
  // REQUIRES: every reference outlives the endpoint.
  Piecestore(Simulator& sim, PeerId peer, const Identity& self, Store& store, OrdersDb& orders,
             TrustSource& trust);

  // Registers "piecestore.Upload" and "piecestore.Download" on `server`.
  void Register(rpc::Server& server);

  // Returns OK iff `limit` and `order` allow moving `bytes` bytes for `action` now.
  Status Verify(const pb::OrderLimit& limit, const pb::Order& order, pb::PieceAction action,
                std::int64_t bytes);

  const PiecestoreStats& stats() const { return stats_; }

 private:
  Awaitable<StatusOr<std::string>> Upload(Context ctx, const PeerIdentity& caller,
                                          std::string request);
  Awaitable<StatusOr<std::string>> Download(Context ctx, const PeerIdentity& caller,
                                            std::string request);
  Status Refuse(Status status);

  Simulator* sim_;
  PeerId peer_;
  const Identity* self_;
  BlobStore pieces_;
  OrdersDb* orders_;
  TrustSource* trust_;
  PiecestoreStats stats_;
};

}  // namespace testplanet::storagenode

#endif  // TESTPLANET_PEERS_STORAGENODE_PIECESTORE_H_
