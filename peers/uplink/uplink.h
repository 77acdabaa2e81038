// Uplink: a client that stores and fetches objects through a satellite's order limits.
//
// Upload asks the satellite for PUT limits on `nodes` storage nodes, then sends the whole object
// as one piece to each of them concurrently, with an order signed for its size. Download asks
// for GET limits on the nodes that took the object and fetches it from the first that answers.
// Every transfer leaves a signed order on a storage node: the traffic the orders Sender settles.
// The uplink remembers where it put each object (there is no metadata service in this model).
#ifndef TESTPLANET_PEERS_UPLINK_UPLINK_H_
#define TESTPLANET_PEERS_UPLINK_UPLINK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "peers/identity/identity.h"
#include "peers/protocol/orders.pb.h"
#include "peers/rpc/transport.h"
#include "sim/random.h"
#include "sim/simulator.h"

namespace testplanet::uplink {

struct Config {
  Duration dial_timeout = std::chrono::seconds(20);
  Duration transfer_timeout = std::chrono::minutes(5);
};

struct UploadResult {
  std::string piece_id;
  std::int64_t size = 0;      // bytes
  std::vector<NodeId> nodes;  // the nodes that stored the piece
  int failed = 0;             // nodes that did not
};

struct UplinkStats {
  std::uint64_t uploads = 0;
  std::uint64_t downloads = 0;
  std::uint64_t failures = 0;
  std::uint64_t orders_signed = 0;
  std::uint64_t bytes_uploaded = 0;  // summed over every node that stored a piece
};

class Uplink {
 public:
  Uplink(Simulator& sim, PeerId peer, Identity identity, std::unique_ptr<rpc::Dialer> dialer,
         Config config = {});

  // Stores `data` as bucket/path on `nodes` storage nodes the satellite picks. Succeeds iff at
  // least one node stored it.
  Awaitable<StatusOr<UploadResult>> Upload(Context ctx, rpc::Address satellite, std::string bucket,
                                           std::string path, std::string data, int nodes = 4);
  // Fetches bucket/path from one of the nodes that stored it.
  Awaitable<StatusOr<std::string>> Download(Context ctx, rpc::Address satellite, std::string bucket,
                                            std::string path);

  const Identity& identity() const { return identity_; }
  PeerId peer() const { return peer_; }
  const UplinkStats& stats() const { return stats_; }
  // The objects stored so far, by "bucket/path".
  const std::map<std::string, UploadResult>& objects() const { return objects_; }

 private:
  Awaitable<StatusOr<std::string>> Call(Context ctx, const rpc::Address& address,
                                        std::string method, std::string request);
  Awaitable<Status> PutPiece(Context ctx, std::string address, std::string request);
  // Asks `satellite` for signed order limits.
  Awaitable<StatusOr<pb::CreateOrderLimitsResponse>> RequestLimits(
      Context ctx, const rpc::Address& satellite, const pb::CreateOrderLimitsRequest& request);

  Simulator* sim_;
  PeerId peer_;
  Identity identity_;
  std::unique_ptr<rpc::Dialer> dialer_;
  Config config_;
  RandomStream piece_ids_;
  UplinkStats stats_;
  std::map<std::string, UploadResult> objects_;
};

}  // namespace testplanet::uplink

#endif  // TESTPLANET_PEERS_UPLINK_UPLINK_H_
