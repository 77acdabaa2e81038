// OrdersService: the storage node's two order chores, Sender and Cleanup.
//
// Sender, every SenderInterval: list unsent orders by satellite; settle every satellite
// concurrently under one SenderTimeout (dialing each under SenderDialTimeout); archive what each
// satellite answered — ACCEPTED or REJECTED — in one atomic batch per satellite. Orders that got
// no answer (dial failed, stream broke, timeout) stay unsent for the next run. Errors are logged
// and the cycle goes on: fn never fails. Cleanup, every CleanupInterval: delete archived orders
// older than ArchiveTTL. Both runs first sleep a jitter in [0, MaxSleep) from the seeded stream.
//
// The Storj idiom works: `node.orders().sender().Pause(); ...; sender().TriggerWait();`.
#ifndef TESTPLANET_PEERS_STORAGENODE_ORDERS_SERVICE_H_
#define TESTPLANET_PEERS_STORAGENODE_ORDERS_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "peers/rpc/transport.h"
#include "peers/storagenode/orders_config.h"
#include "peers/storagenode/orders_db.h"
#include "peers/storagenode/trust.h"
#include "sim/cycle.h"
#include "sim/random.h"
#include "sim/simulator.h"

namespace testplanet::storagenode {

// The names of the service's chores, as the trace and scenarios know them.
inline constexpr std::string_view kSenderChore = "orders.sender";
inline constexpr std::string_view kCleanupChore = "orders.cleanup";

namespace order_kinds {
// A settle with one satellite ended. a = sent, b = answered, c = StatusCode of the attempt.
TESTPLANET_TRACE_KIND(kSettle, "orders.settle");
// Orders were archived. a = accepted, b = rejected.
TESTPLANET_TRACE_KIND(kArchive, "orders.archive");
}  // namespace order_kinds

struct SenderStats {
  std::uint64_t settles = 0;          // satellite settle attempts
  std::uint64_t settle_failures = 0;  // attempts that ended in an error (some orders unanswered)
  std::uint64_t accepted = 0;         // orders archived as accepted
  std::uint64_t rejected = 0;         // orders archived as rejected
  std::uint64_t cleaned = 0;          // archived orders deleted by cleanup
};

class OrdersService {
 public:
  // REQUIRES: every reference outlives the service.
  OrdersService(Simulator& sim, PeerId peer, const OrdersConfig& config, OrdersDb& db,
                rpc::Dialer& dialer, TrustSource& trust, RandomStream jitter);

  Cycle& sender() { return sender_; }
  Cycle& cleanup() { return cleanup_; }
  const OrdersConfig& config() const { return config_; }
  const SenderStats& stats() const { return stats_; }

  // Runs both chores until `ctx` ends or Close.
  Awaitable<Status> Run(Context ctx);
  // Stops both chores.
  Status Close();

  // One full send, as the Sender chore does it (without jitter): every satellite concurrently.
  Awaitable<void> SendOrders(Context ctx);
  // Settles `orders` with one satellite; appends to `answered` each order it answered. Returns
  // the error that cut the settlement short, if any.
  Awaitable<Status> Settle(Context ctx, NodeId satellite, const std::vector<OrderInfo>& orders,
                           std::vector<ArchiveRequest>& answered);
  // One cleanup pass, as the Cleanup chore does it (without jitter).
  Status CleanArchive();

 private:
  Awaitable<Status> SenderRun(CycleRun run);
  Awaitable<Status> CleanupRun(CycleRun run);
  Awaitable<Status> SettleAndArchive(Context ctx, NodeId satellite, std::vector<OrderInfo> orders);
  // The pause a run begins with (Storj's jitter: uniform under MaxSleep), drawn from the
  // service's stream; none without a MaxSleep (no draw either).
  std::optional<Duration> NextJitter();
  void Say(LogLevel level, std::string message) {
    sim_->WriteLog(peer_, level, std::move(message));
  }

  Simulator* sim_;
  PeerId peer_;
  OrdersConfig config_;
  OrdersDb* db_;
  rpc::Dialer* dialer_;
  TrustSource* trust_;
  RandomStream jitter_;
  SenderStats stats_;  // before the chores (hundreds of bytes each): a run reads it with the above
  Cycle sender_;
  Cycle cleanup_;
};

}  // namespace testplanet::storagenode

#endif  // TESTPLANET_PEERS_STORAGENODE_ORDERS_SERVICE_H_
