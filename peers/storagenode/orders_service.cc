#include "peers/storagenode/orders_service.h"

#include <exception>
#include <memory>
#include <optional>
#include <set>

#include "peers/protocol/signing.h"
#include "sim/sleep.h"
#include "sim/wait_group.h"

namespace testplanet::storagenode {

OrdersService::OrdersService(Simulator& sim, PeerId peer, const OrdersConfig& config, OrdersDb& db,
                             rpc::Dialer& dialer, TrustSource& trust, RandomStream jitter)
    : sim_(&sim),
      peer_(peer),
      config_(config),
      db_(&db),
      dialer_(&dialer),
      trust_(&trust),
      jitter_(jitter),
      sender_(sim, std::string(kSenderChore), peer, config.sender_interval),
      cleanup_(sim, std::string(kCleanupChore), peer, config.cleanup_interval) {
  // A run begins with its jitter (config_, jitter_) and wakes from it into the database.
  sender_.SetWakeHint(WakeHint{this, &jitter_});
  cleanup_.SetWakeHint(WakeHint{this, &jitter_});
}

Awaitable<Status> OrdersService::Run(Context ctx) {
  struct RunState {
    explicit RunState(Simulator& sim) : group(sim) {}
    WaitGroup group;
    StatusGroup errors;
  };
  auto state = std::make_shared<RunState>(*sim_);
  state->group.Add(2);
  auto on_exit = [state](Status status) {
    state->errors.Add(status);
    state->group.Done();
  };
  sender_.Start(
      ctx, [this](CycleRun run) { return SenderRun(std::move(run)); }, on_exit);
  cleanup_.Start(
      ctx, [this](CycleRun run) { return CleanupRun(std::move(run)); }, on_exit);
  co_await state->group.Wait();
  co_return state->errors.Combined();
}

Status OrdersService::Close() {
  sender_.Stop();
  cleanup_.Stop();
  return Status::Ok();
}

std::optional<Duration> OrdersService::NextJitter() {
  if (config_.max_sleep <= Duration::zero()) return std::nullopt;
  return Duration(static_cast<Duration::rep>(
      jitter_.Below(static_cast<std::uint64_t>(config_.max_sleep.count()))));
}

// Each run sleeps its jitter in its own frame rather than in a coroutine of its own: a cleanup
// runs every 5 minutes on every node, and the nested coroutine cost each run a frame (its
// allocation, and the cache misses of writing fresh memory) for nothing but one sleep.
// A sleep cut short (the chore stopping) ends the pause: the run goes on, as Storj's does.
Awaitable<Status> OrdersService::SenderRun(CycleRun run) {
  if (const std::optional<Duration> pause = NextJitter()) {
    co_await Sleep(run.ctx, *pause, WakeHint{this, db_});
  }
  co_await SendOrders(run.ctx);
  co_return Status::Ok();  // errors are logged; the chore goes on
}

Awaitable<Status> OrdersService::CleanupRun(CycleRun run) {
  if (const std::optional<Duration> pause = NextJitter()) {
    co_await Sleep(run.ctx, *pause, WakeHint{this, db_});
  }
  CleanArchive().IgnoreError();  // logged inside
  co_return Status::Ok();
}

Awaitable<void> OrdersService::SendOrders(Context ctx) {
  StatusOr<std::map<NodeId, std::vector<OrderInfo>>> by_satellite = db_->ListUnsentBySatellite();
  if (!by_satellite.ok()) {
    Say(LogLevel::kError, "listing unsent orders: " + by_satellite.status().ToString());
    co_return;
  }
  if (by_satellite->empty()) co_return;
  Context send_ctx = ctx.WithTimeout(config_.sender_timeout);
  auto group = std::make_shared<WaitGroup>(*sim_);
  // Each satellite settles concurrently, in satellite-ID order of starting.
  for (auto& [satellite, orders] : *by_satellite) {
    group->Add();
    boost::asio::co_spawn(sim_->io(), SettleAndArchive(send_ctx, satellite, std::move(orders)),
                          [this, group](std::exception_ptr error, Status) {
                            if (error) Say(LogLevel::kError, "settle threw an exception");
                            group->Done();
                          });
  }
  co_await group->Wait();
}

Awaitable<Status> OrdersService::SettleAndArchive(Context ctx, NodeId satellite,
                                                  std::vector<OrderInfo> orders) {
  std::vector<ArchiveRequest> answered;
  const Status status = co_await Settle(ctx, satellite, orders, answered);
  ++stats_.settles;
  if (!status.ok() && ctx.Done() && ctx.Err().code() == StatusCode::kCancelled) {
    co_return status;  // shutting down: the orders simply stay unsent
  }
  if (!status.ok()) {
    ++stats_.settle_failures;
    Say(LogLevel::kWarn, "settle with satellite " + satellite.Short() + ": " + status.ToString() +
                             " (" + std::to_string(orders.size() - answered.size()) +
                             " orders stay unsent)");
  }
  sim_->Record(peer_, order_kinds::kSettle, orders.size(), answered.size(),
               static_cast<std::uint64_t>(status.code()));
  if (answered.empty()) co_return status;
  std::uint64_t accepted = 0, rejected = 0;
  for (const ArchiveRequest& request : answered) {
    (request.status == OrderStatus::kAccepted ? accepted : rejected) += 1;
  }
  // One atomic batch per satellite: either every answered order moves to the archive or none.
  if (Status archived = db_->Archive(sim_->PeerNow(peer_), answered); !archived.ok()) {
    Say(LogLevel::kError, "archiving settled orders: " + archived.ToString());
    co_return status;
  }
  stats_.accepted += accepted;
  stats_.rejected += rejected;
  sim_->Record(peer_, order_kinds::kArchive, accepted, rejected);
  Say(LogLevel::kInfo, "settled with satellite " + satellite.Short() + ": " +
                           std::to_string(accepted) + " accepted, " + std::to_string(rejected) +
                           " rejected, " + std::to_string(orders.size() - answered.size()) +
                           " unanswered");
  co_return status;
}

Awaitable<Status> OrdersService::Settle(Context ctx, NodeId satellite,
                                        const std::vector<OrderInfo>& orders,
                                        std::vector<ArchiveRequest>& answered) {
  StatusOr<TrustedSatellite> trusted = trust_->Lookup(satellite);
  if (!trusted.ok()) co_return trusted.status().WithContext("untrusted satellite");
  StatusOr<std::unique_ptr<rpc::Connection>> connection =
      co_await dialer_->Dial(ctx.WithTimeout(config_.sender_dial_timeout), trusted->address);
  if (!connection.ok()) co_return connection.status().WithContext("dial " + trusted->address);
  if ((*connection)->remote().id != satellite) {
    co_return Status(StatusCode::kUnauthenticated,
                     trusted->address + " is not satellite " + satellite.Short());
  }
  StatusOr<std::unique_ptr<rpc::Stream>> stream =
      co_await (*connection)->OpenStream(ctx, "orders.Settlement");
  if (!stream.ok()) co_return stream.status().WithContext("open settlement");

  std::set<std::string> waiting;  // serials sent and not yet answered
  for (const OrderInfo& info : orders) {
    pb::SettlementRequest request;
    *request.mutable_limit() = info.limit;
    *request.mutable_order() = info.order;
    if (Status sent = co_await (*stream)->Send(ctx, DeterministicBytes(request)); !sent.ok()) {
      co_return sent.WithContext("send order");
    }
    waiting.insert(info.limit.serial_number());
  }
  (*stream)->CloseSend();

  for (;;) {
    StatusOr<std::string> message = co_await (*stream)->Recv(ctx);
    if (!message.ok()) {
      if (rpc::IsEndOfStream(message.status())) co_return Status::Ok();
      co_return message.status().WithContext("receive settlement");
    }
    pb::SettlementResponse response;
    if (!response.ParseFromString(*message))
      co_return InternalError("malformed settlement response");
    if (waiting.erase(response.serial_number()) == 0) {
      Say(LogLevel::kWarn, "satellite " + satellite.Short() + " answered an order we did not send");
      continue;
    }
    switch (response.status()) {
      case pb::SettlementResponse::ACCEPTED:
        answered.push_back({satellite, response.serial_number(), OrderStatus::kAccepted});
        break;
      case pb::SettlementResponse::REJECTED:
        answered.push_back({satellite, response.serial_number(), OrderStatus::kRejected});
        break;
      default:
        Say(LogLevel::kWarn, "satellite " + satellite.Short() + " gave an invalid order status");
        break;
    }
  }
}

Status OrdersService::CleanArchive() {
  StatusOr<std::uint64_t> deleted = db_->CleanArchive(sim_->PeerNow(peer_), config_.archive_ttl);
  if (!deleted.ok()) {
    Say(LogLevel::kError, "cleaning the order archive: " + deleted.status().ToString());
    return deleted.status();
  }
  stats_.cleaned += *deleted;
  return Status::Ok();
}

}  // namespace testplanet::storagenode
