#include "peers/uplink/uplink.h"

#include <exception>

#include "peers/protocol/orders.pb.h"
#include "peers/protocol/signing.h"
#include "sim/wait_group.h"

namespace testplanet::uplink {
namespace {}  // namespace

Uplink::Uplink(Simulator& sim, PeerId peer, Identity identity, std::unique_ptr<rpc::Dialer> dialer,
               Config config)
    : sim_(&sim),
      peer_(peer),
      identity_(std::move(identity)),
      dialer_(std::move(dialer)),
      config_(config),
      piece_ids_(sim.random().Stream("uplink/" + identity_.id().Hex() + "/pieces")) {}

Awaitable<StatusOr<std::string>> Uplink::Call(Context ctx, const rpc::Address& address,
                                              std::string method, std::string request) {
  auto connection = co_await dialer_->Dial(ctx.WithTimeout(config_.dial_timeout), address);
  if (!connection.ok()) co_return connection.status();
  co_return co_await rpc::CallUnary(ctx, **connection, std::move(method), std::move(request));
}

Awaitable<StatusOr<pb::CreateOrderLimitsResponse>> Uplink::RequestLimits(
    Context ctx, const rpc::Address& satellite, const pb::CreateOrderLimitsRequest& request) {
  StatusOr<std::string> raw =
      co_await Call(ctx, satellite, "orders.CreateOrderLimits", DeterministicBytes(request));
  if (!raw.ok()) co_return raw.status();
  pb::CreateOrderLimitsResponse limits;
  if (!limits.ParseFromString(*raw)) co_return InternalError("malformed order limits");
  co_return limits;
}

Awaitable<Status> Uplink::PutPiece(Context ctx, std::string address, std::string request) {
  StatusOr<std::string> response =
      co_await Call(ctx, address, "piecestore.Upload", std::move(request));
  if (!response.ok()) co_return response.status();
  pb::PieceUploadResponse parsed;
  if (!parsed.ParseFromString(*response)) co_return InternalError("malformed upload response");
  co_return Status::Ok();
}

Awaitable<StatusOr<UploadResult>> Uplink::Upload(Context ctx, rpc::Address satellite,
                                                 std::string bucket, std::string path,
                                                 std::string data, int nodes) {
  ctx = ctx.WithTimeout(config_.transfer_timeout);
  UploadResult result;
  result.piece_id = piece_ids_.Bytes(16);
  result.size = static_cast<std::int64_t>(data.size());
  pb::CreateOrderLimitsRequest request;
  request.set_bucket_id(bucket);
  request.set_action(pb::PUT);
  request.set_limit(static_cast<std::int64_t>(data.size()));
  request.set_count(nodes);
  request.set_piece_id(result.piece_id);
  StatusOr<pb::CreateOrderLimitsResponse> limits = co_await RequestLimits(ctx, satellite, request);
  if (!limits.ok()) {
    ++stats_.failures;
    co_return limits.status();
  }

  // One signed order per node, for the whole piece; all nodes in parallel.
  struct Attempt {
    NodeId node;
    Status status = InternalError("not finished");
  };
  auto attempts = std::make_shared<std::vector<Attempt>>(limits->limits_size());
  auto group = std::make_shared<WaitGroup>(*sim_);
  for (int i = 0; i < limits->limits_size(); ++i) {
    const pb::AddressedOrderLimit& addressed = limits->limits(i);
    (*attempts)[i].node = NodeId::FromBytes(addressed.limit().storage_node_id()).value();
    pb::PieceUploadRequest upload;
    *upload.mutable_limit() = addressed.limit();
    upload.mutable_order()->set_serial_number(addressed.limit().serial_number());
    upload.mutable_order()->set_amount(static_cast<std::int64_t>(data.size()));
    SignOrder(identity_, *upload.mutable_order());
    ++stats_.orders_signed;
    upload.set_data(data);
    group->Add();
    boost::asio::co_spawn(
        sim_->io(), PutPiece(ctx, addressed.address(), DeterministicBytes(upload)),
        [attempts, group, i](std::exception_ptr error, Status status) {
          (*attempts)[i].status = error ? InternalError("upload threw") : std::move(status);
          group->Done();
        });
  }
  co_await group->Wait();
  for (const Attempt& attempt : *attempts) {
    if (attempt.status.ok()) {
      result.nodes.push_back(attempt.node);
      stats_.bytes_uploaded += data.size();
    } else {
      ++result.failed;
      sim_->WriteLog(peer_, LogLevel::kWarn,
                     "upload to " + attempt.node.Short() + ": " + attempt.status.ToString());
    }
  }
  if (result.nodes.empty()) {
    ++stats_.failures;
    co_return UnavailableError("no node stored " + bucket + "/" + path);
  }
  ++stats_.uploads;
  objects_[bucket + "/" + path] = result;
  co_return result;
}

Awaitable<StatusOr<std::string>> Uplink::Download(Context ctx, rpc::Address satellite,
                                                  std::string bucket, std::string path) {
  ctx = ctx.WithTimeout(config_.transfer_timeout);
  const std::string key = bucket + "/" + path;
  auto object = objects_.find(key);
  if (object == objects_.end()) co_return NotFoundError("no object " + key);
  const UploadResult stored = object->second;
  const std::int64_t size = stored.size;

  pb::CreateOrderLimitsRequest request;
  request.set_bucket_id(bucket);
  request.set_action(pb::GET);
  request.set_limit(size);
  request.set_piece_id(stored.piece_id);
  for (const NodeId& node : stored.nodes) request.add_storage_node_ids(std::string(node.bytes()));
  StatusOr<pb::CreateOrderLimitsResponse> limits = co_await RequestLimits(ctx, satellite, request);
  if (!limits.ok()) {
    ++stats_.failures;
    co_return limits.status();
  }
  Status last = UnavailableError("no node to download from");
  for (const pb::AddressedOrderLimit& addressed : limits->limits()) {
    pb::PieceDownloadRequest download;
    *download.mutable_limit() = addressed.limit();
    download.mutable_order()->set_serial_number(addressed.limit().serial_number());
    download.mutable_order()->set_amount(size);
    SignOrder(identity_, *download.mutable_order());
    ++stats_.orders_signed;
    StatusOr<std::string> response = co_await Call(ctx, addressed.address(), "piecestore.Download",
                                                   DeterministicBytes(download));
    pb::PieceDownloadResponse piece;
    if (response.ok() && piece.ParseFromString(*response)) {
      ++stats_.downloads;
      co_return std::move(*piece.mutable_data());
    }
    last = response.ok() ? InternalError("malformed download response") : response.status();
  }
  ++stats_.failures;
  co_return last;
}

}  // namespace testplanet::uplink
