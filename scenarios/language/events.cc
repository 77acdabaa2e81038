#include "scenarios/language/events.h"

#include "peers/satellite/orders.h"
#include "peers/storagenode/orders_service.h"
#include "peers/storagenode/piecestore.h"
#include "scenarios/planet/planet.h"

namespace testplanet::scenario {

const std::vector<EventDef>& Events() {
  using storagenode::order_kinds::kArchive;
  using storagenode::order_kinds::kSettle;
  using storagenode::piecestore_kinds::kOrderStored;
  static const std::vector<EventDef> kEvents = {
      {"order.stored", "a node stored a transfer's order (its Enqueue returned)", kOrderStored.id,
       "storage nodes", false, nullptr},
      {"orders.settled", "a node's settlement with one satellite ended (answered or not)",
       kSettle.id, "storage nodes", false, nullptr},
      {"orders.archived", "a node archived the orders a satellite answered", kArchive.id,
       "storage nodes", false, nullptr},
      {"satellite.accepted", "a satellite accepted an order (and counted it)",
       satellite::satellite_kinds::kSettleOrder.id, "satellites", false,
       [](const TraceRecord& r) { return r.a == 1; }},
      {"satellite.rejected", "a satellite rejected an order",
       satellite::satellite_kinds::kSettleOrder.id, "satellites", false,
       [](const TraceRecord& r) { return r.a == 0; }},
      {"chore.began", "a run of the chore began", trace_kinds::kCycleRunBegin.id, "storage nodes",
       true, nullptr},
      {"chore.ended", "a run of the chore ended", trace_kinds::kCycleRunEnd.id, "storage nodes",
       true, nullptr},
      {"peer.started", "a peer started (at the start, or again after a crash or stop)",
       planet_kinds::kStarted.id, "storage nodes and satellites", false, nullptr},
      {"peer.crashed", "a peer crashed", planet_kinds::kCrash.id, "storage nodes and satellites",
       false, nullptr},
  };
  return kEvents;
}

const EventDef* FindEvent(std::string_view name) {
  for (const EventDef& event : Events()) {
    if (event.name == name) return &event;
  }
  return nullptr;
}

}  // namespace testplanet::scenario
