#include "peers/satellite/orders.h"

#include "peers/protocol/signing.h"
#include "sim/checked_math.h"

namespace testplanet::satellite {
namespace {

constexpr std::int64_t kHourNanos = 3'600'000'000'000;

std::string SerialKey(std::string_view serial) { return "serials/" + std::string(serial); }
std::string UsedKey(std::string_view serial) { return "used/" + std::string(serial); }

std::string NodeRollupPrefix(std::string_view node_id) {
  return "rollups/node/" + std::string(node_id);
}
std::string BucketRollupPrefix(std::string_view bucket_id) {
  std::string key = "rollups/bucket/";
  key += static_cast<char>(bucket_id.size());
  key += bucket_id;
  return key;
}
std::string RollupKey(std::string prefix, std::int64_t hour, pb::PieceAction action) {
  AppendBigEndian64(prefix, static_cast<std::uint64_t>(hour));
  prefix += static_cast<char>(action);
  return prefix;
}

std::string EncodeAmount(std::int64_t amount) {
  std::string out;
  AppendBigEndian64(out, static_cast<std::uint64_t>(amount));
  return out;
}
std::int64_t DecodeAmount(std::string_view bytes) {
  return bytes.size() == 8 ? static_cast<std::int64_t>(ReadBigEndian64(bytes)) : 0;
}

// The checks as the satellite makes them, on its own identity and store.
class StoredOrderChecks final : public OrderChecks {
 public:
  StoredOrderChecks(const Identity& self, Store& store) : self_(&self), store_(&store) {}

  RejectReason Check(const NodeId& caller, const pb::SettlementRequest& request, std::int64_t now,
                     pb::SerialRecord& serial) override {
    if (!request.has_limit() || !request.has_order()) return RejectReason::kMalformed;
    const pb::OrderLimit& limit = request.limit();
    const pb::Order& order = request.order();
    if (limit.storage_node_id() != caller.bytes()) return RejectReason::kWrongNode;
    if (limit.satellite_id() != self_->id().bytes()) return RejectReason::kWrongSatellite;
    if (!VerifyOrderLimitSignature(self_->public_key(), limit)) {
      return RejectReason::kBadSatelliteSignature;
    }
    if (!VerifyOrderSignature(limit.uplink_public_key(), order)) {
      return RejectReason::kBadUplinkSignature;
    }
    if (order.serial_number() != limit.serial_number()) return RejectReason::kSerialMismatch;
    if (limit.order_expiration() < now) return RejectReason::kExpired;
    if (order.amount() < 0 || order.amount() > limit.limit()) return RejectReason::kOverLimit;
    StatusOr<std::optional<std::string>> known = store_->Get(SerialKey(limit.serial_number()));
    if (!known.ok()) return RejectReason::kStorageError;
    if (!known->has_value() || !serial.ParseFromString(**known) ||
        serial.storage_node_id() != limit.storage_node_id()) {
      return RejectReason::kUnknownSerial;
    }
    StatusOr<std::optional<std::string>> used = store_->Get(UsedKey(limit.serial_number()));
    if (!used.ok()) return RejectReason::kStorageError;
    if (used->has_value()) return RejectReason::kDoubleSpend;
    return RejectReason::kNone;
  }

 private:
  const Identity* self_;
  Store* store_;
};

}  // namespace

const char* RejectReasonName(RejectReason reason) {
  static constexpr const char* kNames[kRejectReasonCount] = {"none",
                                                             "malformed",
                                                             "wrong_node",
                                                             "wrong_satellite",
                                                             "bad_satellite_signature",
                                                             "bad_uplink_signature",
                                                             "serial_mismatch",
                                                             "expired",
                                                             "over_limit",
                                                             "unknown_serial",
                                                             "double_spend",
                                                             "storage_error",
                                                             "rollup_overflow"};
  const auto index = static_cast<std::size_t>(reason);
  return index < kRejectReasonCount ? kNames[index] : "unknown";
}

OrdersEndpoint::OrdersEndpoint(Simulator& sim, PeerId peer, const Identity& self, Store& store,
                               Overlay& overlay, OrdersConfig config, RandomStream serials,
                               const WrapOrderChecks& wrap_checks)
    : sim_(&sim),
      peer_(peer),
      self_(&self),
      store_(&store),
      overlay_(&overlay),
      config_(config),
      serials_(serials),
      checks_(std::make_unique<StoredOrderChecks>(self, store)) {
  if (wrap_checks) checks_ = wrap_checks(std::move(checks_));
}

void OrdersEndpoint::Register(rpc::Server& server) {
  server.Register("orders.CreateOrderLimits",
                  rpc::ServeUnary([this](Context, const PeerIdentity& caller,
                                         std::string request) -> Awaitable<StatusOr<std::string>> {
                    pb::CreateOrderLimitsRequest parsed;
                    if (!parsed.ParseFromString(request))
                      co_return InvalidArgumentError("malformed request");
                    StatusOr<pb::CreateOrderLimitsResponse> response =
                        CreateOrderLimits(caller, parsed);
                    if (!response.ok()) co_return response.status();
                    co_return DeterministicBytes(*response);
                  }));
  server.Register("orders.Settlement",
                  [this](Context ctx, const PeerIdentity& caller, rpc::Stream& stream) {
                    return Settlement(std::move(ctx), caller, stream);
                  });
}

StatusOr<pb::CreateOrderLimitsResponse> OrdersEndpoint::CreateOrderLimits(
    const PeerIdentity& uplink, const pb::CreateOrderLimitsRequest& request) {
  if (uplink.public_key.size() != kPublicKeySize) {
    return Status(StatusCode::kUnauthenticated, "order limits need an uplink identity");
  }
  if (request.limit() <= 0 || request.limit() > config_.max_limit) {
    return InvalidArgumentError("limit must be 1 to " + std::to_string(config_.max_limit) +
                                " bytes, got " + std::to_string(request.limit()));
  }
  if (request.bucket_id().empty() || request.bucket_id().size() > 255) {
    return InvalidArgumentError("bucket ID must be 1 to 255 bytes");
  }
  std::vector<NodeInfo> nodes;
  if (request.storage_node_ids_size() > 0) {
    for (const std::string& raw : request.storage_node_ids()) {
      StatusOr<NodeId> id = NodeId::FromBytes(raw);
      if (!id.ok()) return id.status();
      StatusOr<std::optional<NodeInfo>> node = overlay_->Get(*id);
      if (!node.ok()) return node.status();
      if (!node->has_value()) return NotFoundError("unknown node " + id->Short());
      nodes.push_back(std::move(**node));
    }
  } else {
    StatusOr<std::vector<NodeInfo>> selected =
        overlay_->SelectNodes(request.count(), config_.online_window, config_.selection_staleness);
    if (!selected.ok()) return selected.status();
    if (static_cast<int>(selected->size()) < request.count()) {
      return UnavailableError("only " + std::to_string(selected->size()) + " of " +
                              std::to_string(request.count()) + " nodes are online");
    }
    nodes = std::move(*selected);
  }

  const std::int64_t now = ToUnixNanos(sim_->PeerNow(peer_));
  const std::int64_t expiration = now + config_.expiration.count();
  pb::CreateOrderLimitsResponse response;
  Batch batch;
  for (const NodeInfo& node : nodes) {
    pb::OrderLimit limit;
    limit.set_serial_number(serials_.Bytes(16));
    limit.set_satellite_id(std::string(self_->id().bytes()));
    limit.set_uplink_public_key(uplink.public_key);
    limit.set_storage_node_id(std::string(node.id.bytes()));
    limit.set_piece_id(request.piece_id());
    limit.set_limit(request.limit());
    limit.set_action(request.action());
    limit.set_order_creation(now);
    limit.set_order_expiration(expiration);
    limit.set_bucket_id(request.bucket_id());
    SignOrderLimit(*self_, limit);

    pb::SerialRecord serial;
    serial.set_bucket_id(request.bucket_id());
    serial.set_storage_node_id(std::string(node.id.bytes()));
    serial.set_expiration(expiration);
    batch.Put(SerialKey(limit.serial_number()), DeterministicBytes(serial));

    pb::AddressedOrderLimit* addressed = response.add_limits();
    *addressed->mutable_limit() = std::move(limit);
    addressed->set_address(node.address);
  }
  if (Status s = store_->Write(batch); !s.ok()) return s;
  return response;
}

RejectReason OrdersEndpoint::SettleOne(const NodeId& caller, const pb::SettlementRequest& request) {
  pb::SerialRecord serial;
  const std::int64_t now = ToUnixNanos(sim_->PeerNow(peer_));
  RejectReason reason = checks_->Check(caller, request, now, serial);
  if (reason == RejectReason::kNone) {
    const pb::OrderLimit& limit = request.limit();
    const std::int64_t amount = request.order().amount();
    const std::int64_t hour = RollupWindow(now);
    Batch batch;
    batch.Put(UsedKey(limit.serial_number()), "");
    for (const std::string& key :
         {RollupKey(NodeRollupPrefix(limit.storage_node_id()), hour, limit.action()),
          RollupKey(BucketRollupPrefix(serial.bucket_id()), hour, limit.action())}) {
      StatusOr<std::optional<std::string>> current = store_->Get(key);
      if (!current.ok()) {
        reason = RejectReason::kStorageError;
        break;
      }
      const std::int64_t before = current->has_value() ? DecodeAmount(**current) : 0;
      std::int64_t after = 0;
      if (!CheckedAdd(before, amount, after)) {
        reason = RejectReason::kRollupOverflow;
        break;
      }
      batch.Put(key, EncodeAmount(after));
    }
    if (reason == RejectReason::kNone && !store_->Write(batch).ok()) {
      reason = RejectReason::kStorageError;
    }
  }
  const bool accepted = reason == RejectReason::kNone;
  const std::int64_t amount = accepted ? request.order().amount() : 0;
  if (accepted) {
    ++stats_.accepted;
    stats_.settled_bytes = SaturatingAdd(stats_.settled_bytes, static_cast<std::uint64_t>(amount));
  } else {
    ++stats_.rejected;
    ++stats_.by_reason[static_cast<std::size_t>(reason)];
  }
  sim_->Record(peer_, satellite_kinds::kSettleOrder, accepted ? 1 : 0,
               static_cast<std::uint64_t>(reason), static_cast<std::uint64_t>(amount));
  if (observer_) {
    observer_(SettlementEvent{caller, request.limit().serial_number(), request.order().amount(),
                              reason, request.limit().storage_node_id(),
                              request.limit().order_expiration(), now});
  }
  return reason;
}

Awaitable<Status> OrdersEndpoint::Settlement(Context ctx, const PeerIdentity& caller,
                                             rpc::Stream& stream) {
  if (caller.id.IsZero()) co_return Status(StatusCode::kUnauthenticated, "settlement needs a node");
  for (;;) {
    StatusOr<std::string> message = co_await stream.Recv(ctx);
    if (!message.ok()) {
      co_return rpc::IsEndOfStream(message.status()) ? Status::Ok() : message.status();
    }
    pb::SettlementRequest request;
    if (!request.ParseFromString(*message)) co_return InvalidArgumentError("malformed request");
    const RejectReason reason = SettleOne(caller.id, request);
    if (reason == RejectReason::kStorageError) {
      // Not an answer: the write may or may not have landed. The node keeps this order and the
      // rest unsent and tries again; a resubmission of a landed one is then refused as spent.
      co_return Status(StatusCode::kUnavailable, "settlement storage error");
    }
    pb::SettlementResponse response;
    response.set_serial_number(request.limit().serial_number());
    response.set_status(reason == RejectReason::kNone ? pb::SettlementResponse::ACCEPTED
                                                      : pb::SettlementResponse::REJECTED);
    if (Status s = co_await stream.Send(ctx, DeterministicBytes(response)); !s.ok()) co_return s;
  }
}

std::int64_t OrdersEndpoint::RollupWindow(std::int64_t now) { return now - now % kHourNanos; }

StatusOr<std::int64_t> OrdersEndpoint::NodeSettled(const NodeId& node) {
  return SumRollups(NodeRollupPrefix(node.bytes()));
}

StatusOr<std::int64_t> OrdersEndpoint::NodeSettledInWindow(const NodeId& node,
                                                           std::int64_t window) {
  std::string prefix = NodeRollupPrefix(node.bytes());
  AppendBigEndian64(prefix, static_cast<std::uint64_t>(window));
  return SumRollups(prefix);
}

StatusOr<std::int64_t> OrdersEndpoint::BucketSettled(std::string_view bucket_id) {
  return SumRollups(BucketRollupPrefix(bucket_id));
}

StatusOr<std::int64_t> OrdersEndpoint::SumRollups(std::string_view prefix) {
  std::int64_t total = 0;
  bool overflow = false;
  Status s = store_->ScanPrefix(prefix, [&](std::string_view, std::string_view value) {
    overflow = !CheckedAdd(total, DecodeAmount(value), total);
    return !overflow;
  });
  if (!s.ok()) return s;
  if (overflow) return Status(StatusCode::kOutOfRange, "the rollups add up past 2^63-1 bytes");
  return total;
}

}  // namespace testplanet::satellite
