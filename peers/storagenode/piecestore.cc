#include "peers/storagenode/piecestore.h"

#include <sodium.h>

#include "peers/protocol/signing.h"

namespace testplanet::storagenode {
namespace {

std::string Blake2b(std::string_view data) {
  std::string hash(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(hash.data()), hash.size(),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  return hash;
}

}  // namespace

Piecestore::Piecestore(Simulator& sim, PeerId peer, const Identity& self, Store& store,
                       OrdersDb& orders, TrustSource& trust)
    : sim_(&sim), peer_(peer), self_(&self), pieces_(store), orders_(&orders), trust_(&trust) {}

void Piecestore::Register(rpc::Server& server) {
  server.Register(
      "piecestore.Upload",
      rpc::ServeUnary([this](Context ctx, const PeerIdentity& caller, std::string request) {
        return Upload(std::move(ctx), caller, std::move(request));
      }));
  server.Register(
      "piecestore.Download",
      rpc::ServeUnary([this](Context ctx, const PeerIdentity& caller, std::string request) {
        return Download(std::move(ctx), caller, std::move(request));
      }));
}

Status Piecestore::Refuse(Status status) {
  ++stats_.refused;
  sim_->WriteLog(peer_, LogLevel::kInfo, "refused a transfer: " + status.ToString());
  return status;
}

Status Piecestore::Verify(const pb::OrderLimit& limit, const pb::Order& order,
                          pb::PieceAction action, std::int64_t bytes) {
  StatusOr<NodeId> satellite_id = NodeId::FromBytes(limit.satellite_id());
  if (!satellite_id.ok()) return Status(StatusCode::kPermissionDenied, "limit has no satellite");
  StatusOr<TrustedSatellite> satellite = trust_->Lookup(*satellite_id);
  if (!satellite.ok()) return Status(StatusCode::kPermissionDenied, "untrusted satellite");
  if (!VerifyOrderLimitSignature(satellite->identity.public_key, limit)) {
    return Status(StatusCode::kPermissionDenied, "bad satellite signature on the limit");
  }
  if (limit.storage_node_id() != self_->id().bytes()) {
    return Status(StatusCode::kPermissionDenied, "the limit is for another node");
  }
  if (limit.action() != action) {
    return Status(StatusCode::kPermissionDenied, "the limit is for another action");
  }
  // Valid through its expiration instant, as on the satellite (Storj: OrderExpiration.Before(now)).
  if (limit.order_expiration() < ToUnixNanos(sim_->PeerNow(peer_))) {
    return Status(StatusCode::kPermissionDenied, "the limit has expired");
  }
  if (order.serial_number() != limit.serial_number()) {
    return Status(StatusCode::kPermissionDenied, "the order's serial does not match the limit");
  }
  if (!VerifyOrderSignature(limit.uplink_public_key(), order)) {
    return Status(StatusCode::kPermissionDenied, "bad uplink signature on the order");
  }
  if (order.amount() > limit.limit()) {
    return Status(StatusCode::kPermissionDenied, "the order is over its limit");
  }
  if (order.amount() < bytes) {
    return Status(StatusCode::kPermissionDenied, "the order does not cover the bytes moved");
  }
  return Status::Ok();
}

Awaitable<StatusOr<std::string>> Piecestore::Upload(Context, const PeerIdentity&,
                                                    std::string request) {
  pb::PieceUploadRequest upload;
  if (!upload.ParseFromString(request)) co_return Refuse(InvalidArgumentError("malformed upload"));
  const auto size = static_cast<std::int64_t>(upload.data().size());
  if (Status ok = Verify(upload.limit(), upload.order(), pb::PUT, size); !ok.ok()) {
    co_return Refuse(ok);
  }
  if (upload.limit().piece_id().empty()) co_return Refuse(InvalidArgumentError("no piece ID"));
  if (Status s = pieces_.Put(upload.limit().piece_id(), upload.data()); !s.ok()) {
    co_return s;
  }
  if (Status s = orders_->Enqueue(OrderInfo{upload.limit(), upload.order()}); !s.ok()) co_return s;
  sim_->Record(peer_, piecestore_kinds::kOrderStored, static_cast<std::uint64_t>(pb::PUT),
               static_cast<std::uint64_t>(upload.order().amount()));
  ++stats_.uploads;
  stats_.bytes_stored += upload.data().size();
  pb::PieceUploadResponse response;
  response.set_piece_hash(Blake2b(upload.data()));
  co_return DeterministicBytes(response);
}

Awaitable<StatusOr<std::string>> Piecestore::Download(Context, const PeerIdentity&,
                                                      std::string request) {
  pb::PieceDownloadRequest download;
  if (!download.ParseFromString(request)) {
    co_return Refuse(InvalidArgumentError("malformed download"));
  }
  StatusOr<std::optional<std::string>> data = pieces_.Get(download.limit().piece_id());
  if (!data.ok()) co_return data.status();
  if (!data->has_value()) co_return Refuse(NotFoundError("no such piece"));
  const auto size = static_cast<std::int64_t>((*data)->size());
  if (Status ok = Verify(download.limit(), download.order(), pb::GET, size); !ok.ok()) {
    co_return Refuse(ok);
  }
  if (Status s = orders_->Enqueue(OrderInfo{download.limit(), download.order()}); !s.ok()) {
    co_return s;
  }
  sim_->Record(peer_, piecestore_kinds::kOrderStored, static_cast<std::uint64_t>(pb::GET),
               static_cast<std::uint64_t>(download.order().amount()));
  ++stats_.downloads;
  pb::PieceDownloadResponse response;
  response.set_data(std::move(**data));
  co_return DeterministicBytes(response);
}

}  // namespace testplanet::storagenode
