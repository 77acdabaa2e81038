// The order path's speed against its floor, in one process.
//
// BM_SettleOrdersEndToEnd: a storage node enqueues N real orders (satellite-signed limits,
// uplink-signed orders), then its Sender settles them with the satellite over the simulated
// network — serialization, the settlement endpoint's checks and rollups, the answers, and the
// atomic archive — until every order is archived ACCEPTED.
// BM_SettleOrdersFloor: the same enqueues, the same endpoint checks (two signature
// verifications, the serial and double-spend lookups, the rollup writes) and the same archive
// batch, called directly in a loop: no network, no coroutines, no scheduler.
// Limits and orders are made (and signed) outside the timed region in both.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "peers/identity/signature_memo.h"
#include "peers/protocol/signing.h"
#include "scenarios/planet/planet.h"
#include "tests/bench/ratio_reporter.h"

namespace testplanet {
namespace {

std::unique_ptr<Planet> MakePlanet() {
  Config config;
  config.satellites = 1;
  config.storage_nodes = 1;
  config.uplinks = 1;
  auto planet = Planet::Create(config);
  if (!planet.ok() || !(*planet)->Start().ok()) return nullptr;
  (*planet)->storage_nodes()[0]->orders().sender().Pause();
  for (auto& node : (*planet)->storage_nodes()) {
    node->contact().cycle().Pause();
    node->orders().cleanup().Pause();
  }
  return std::move(*planet);
}

// N fresh orders for node 0 (new serials each time: a serial settles only once).
std::vector<storagenode::OrderInfo> MakeOrders(Planet& planet, int n) {
  auto& sat = *planet.satellites()[0];
  auto& node = *planet.storage_nodes()[0];
  auto& uplink = *planet.uplinks()[0];
  std::vector<storagenode::OrderInfo> orders;
  orders.reserve(n);
  for (int i = 0; i < n; ++i) {
    pb::CreateOrderLimitsRequest request;
    request.set_bucket_id("bench");
    request.set_action(pb::PUT);
    request.set_limit(4096);
    request.set_piece_id("piece");
    request.add_storage_node_ids(std::string(node.id().bytes()));
    auto limits = sat.orders().CreateOrderLimits(uplink.identity().peer(), request);
    storagenode::OrderInfo info;
    info.limit = limits->limits(0).limit();
    info.order.set_serial_number(info.limit.serial_number());
    info.order.set_amount(4096);
    SignOrder(uplink.identity(), info.order);
    orders.push_back(std::move(info));
  }
  // Signing here remembered each limit and order as valid (signature_memo.h); forgotten, so that
  // the settlement checks both signatures for real, as it does for orders no node checked.
  SignatureMemo::Process().Clear();
  return orders;
}

void BM_SettleOrdersEndToEnd(benchmark::State& state) {
  auto planet = MakePlanet();
  if (!planet) return state.SkipWithError("planet did not start");
  auto& node = *planet->storage_nodes()[0];
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto orders = MakeOrders(*planet, n);
    state.ResumeTiming();
    for (const auto& info : orders) {
      if (!node.orders_db().Enqueue(info).ok()) return state.SkipWithError("enqueue failed");
    }
    if (!node.orders().sender().TriggerWait().ok()) return state.SkipWithError("send failed");
  }
  if (node.orders_db().Count()->unsent != 0) state.SkipWithError("orders left unsent");
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_SettleOrdersFloor(benchmark::State& state) {
  auto planet = MakePlanet();
  if (!planet) return state.SkipWithError("planet did not start");
  auto& node = *planet->storage_nodes()[0];
  auto& sat = *planet->satellites()[0];
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto orders = MakeOrders(*planet, n);
    state.ResumeTiming();
    std::vector<storagenode::ArchiveRequest> answered;
    answered.reserve(n);
    for (const auto& info : orders) {
      if (!node.orders_db().Enqueue(info).ok()) return state.SkipWithError("enqueue failed");
    }
    for (const auto& info : orders) {
      pb::SettlementRequest request;
      *request.mutable_limit() = info.limit;
      *request.mutable_order() = info.order;
      if (sat.orders().SettleOne(node.id(), request) != satellite::RejectReason::kNone) {
        return state.SkipWithError("rejected");
      }
      answered.push_back(
          {sat.id(), info.limit.serial_number(), storagenode::OrderStatus::kAccepted});
    }
    if (!node.orders_db().Archive(planet->sim().Now(), answered).ok()) {
      return state.SkipWithError("archive failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * n);
}

BENCHMARK(BM_SettleOrdersEndToEnd)
    ->Arg(256)
    ->Repetitions(3)
    ->ReportAggregatesOnly()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SettleOrdersFloor)
    ->Arg(256)
    ->Repetitions(3)
    ->ReportAggregatesOnly()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace testplanet

int main(int argc, char** argv) {
  testplanet::bench::RatioReporter reporter(
      "settlement end to end vs its floor (goal: end to end >= 50% of the floor, ratio <= 2x)",
      {{"BM_SettleOrdersEndToEnd", "BM_SettleOrdersFloor"}});
  return testplanet::bench::RunWithRatios(argc, argv, reporter);
}
