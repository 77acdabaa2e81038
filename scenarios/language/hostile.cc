#include "scenarios/language/hostile.h"

#include <algorithm>

#include "peers/protocol/signing.h"

namespace testplanet::scenario {
namespace {

constexpr Duration kDialTimeout = std::chrono::minutes(1);

}  // namespace

std::vector<storagenode::OrderInfo> OrdersOf(Planet& planet, PeerRef node, PeerRef satellite,
                                             std::size_t max, bool unsent, bool accepted_only) {
  std::vector<storagenode::OrderInfo> orders;
  auto* peer = planet.storage_nodes().at(static_cast<std::size_t>(node.index)).get();
  const auto* sat = planet.satellites().at(static_cast<std::size_t>(satellite.index)).get();
  if (peer == nullptr || sat == nullptr) return orders;
  Simulator::Observation observing(planet.sim());
  if (unsent) {
    auto listed = peer->orders_db().ListUnsentBySatellite();
    if (listed.ok()) {
      auto it = listed->find(sat->id());
      if (it != listed->end()) orders = it->second;
    }
  }
  auto archived = peer->orders_db().ListArchived(std::numeric_limits<std::size_t>::max());
  if (archived.ok()) {
    for (const auto& order : *archived) {
      if (order.limit.satellite_id() != sat->id().bytes()) continue;
      if (accepted_only && order.status != storagenode::OrderStatus::kAccepted) continue;
      orders.push_back({order.limit, order.order});
    }
  }
  std::stable_sort(orders.begin(), orders.end(), [](const auto& a, const auto& b) {
    return std::pair(a.limit.order_expiration(), a.limit.serial_number()) <
           std::pair(b.limit.order_expiration(), b.limit.serial_number());
  });
  if (orders.size() > max) orders.resize(max);
  return orders;
}

Awaitable<StatusOr<std::vector<pb::SettlementResponse>>> SettleAs(
    Planet& planet, PeerRef node, PeerRef satellite, std::vector<pb::SettlementRequest> requests) {
  const Context ctx = planet.root();
  std::unique_ptr<rpc::Dialer> dialer = planet.network().DialerFor(node.Address());
  auto connection = co_await dialer->Dial(ctx.WithTimeout(kDialTimeout), satellite.Address());
  if (!connection.ok()) co_return connection.status();
  auto stream = co_await (*connection)->OpenStream(ctx, "orders.Settlement");
  if (!stream.ok()) co_return stream.status();
  for (const pb::SettlementRequest& request : requests) {
    if (Status s = co_await (*stream)->Send(ctx, DeterministicBytes(request)); !s.ok()) {
      co_return s;
    }
  }
  (*stream)->CloseSend();
  std::vector<pb::SettlementResponse> answers;
  for (;;) {
    StatusOr<std::string> message = co_await (*stream)->Recv(ctx);
    if (!message.ok()) {
      if (rpc::IsEndOfStream(message.status())) co_return answers;
      co_return message.status();
    }
    pb::SettlementResponse answer;
    if (!answer.ParseFromString(*message)) co_return InternalError("malformed answer");
    answers.push_back(std::move(answer));
  }
}

Awaitable<Status> SettleExpectingRefusal(RunContext& run, PeerRef node, PeerRef satellite,
                                         std::vector<pb::SettlementRequest> requests,
                                         std::string why) {
  auto answers = co_await SettleAs(run.planet(), node, satellite, std::move(requests));
  if (!answers.ok()) co_return answers.status();
  for (const pb::SettlementResponse& answer : *answers) {
    if (answer.status() != pb::SettlementResponse::ACCEPTED) continue;
    run.Violation(satellite.Name() + " accepted order " + HexOf(answer.serial_number()) + " from " +
                  node.Name() + ", which it had to refuse: " + why);
  }
  co_return Status::Ok();
}

}  // namespace testplanet::scenario
