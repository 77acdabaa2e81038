// replay_orders: a hostile storage node settles orders it has seen on another node. The
// satellite must refuse each: an order is settled only by the node its limit names.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/hostile.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class ReplayOrdersStep final : public StepAction {
 public:
  ReplayOrdersStep(PeerRef peer, PeerRef from, PeerRef satellite, std::size_t max)
      : peer_(peer), from_(from), satellite_(satellite), max_(max) {}

  void Apply(RunContext& run) const override {
    run.AskFor("replay_orders");
    std::vector<pb::SettlementRequest> requests;
    for (const auto& info : OrdersOf(run.planet(), from_, satellite_, max_, /*unsent=*/true,
                                     /*accepted_only=*/false)) {
      pb::SettlementRequest& request = requests.emplace_back();
      *request.mutable_limit() = info.limit;
      *request.mutable_order() = info.order;
    }
    if (requests.empty()) return;  // nothing to replay: the fault did not fire
    run.Fired("replay_orders", peer_);
    run.Spawn(SettleExpectingRefusal(run, peer_, satellite_, std::move(requests),
                                     "its limit is for " + from_.Name()),
              "hostile_settlements");
  }

 private:
  PeerRef peer_, from_, satellite_;
  std::size_t max_;
};

class ReplayOrdersKind final : public StepKind {
 public:
  ReplayOrdersKind()
      : StepKind({.field = "replay_orders",
                  .group = "hostile",
                  .doc = "a storage node settles up to `max` orders it has seen on node `from`; "
                         "the satellite must refuse each",
                  .faults = {"replay_orders"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    const PeerRule node{.satellites = false, .uplinks = false};
    auto peer = in.ReadPeer("peer", node);
    if (!peer.ok()) return peer.status();
    auto from = in.ReadPeer("from", node);
    if (!from.ok()) return from.status();
    if (*from == *peer) return in.Error("from", "must be another node than `peer`");
    auto satellite = in.ReadIndex("satellite", PeerKind::kSatellite);
    if (!satellite.ok()) return satellite.status();
    auto max = in.ReadInt("max", {.min = 1, .max = 1000, .fallback = 10});
    if (!max.ok()) return max.status();
    return std::make_unique<ReplayOrdersStep>(*peer, *from, PeerRef::Satellite(*satellite),
                                              static_cast<std::size_t>(*max));
  }

  void Draw(SwarmDraw& swarm) const override {
    if (swarm.counts().storage_nodes < 2 || !swarm.On()) return;
    const PeerRef peer = swarm.Node();
    PeerRef from = swarm.Node();
    if (from == peer) from.index = (from.index + 1) % swarm.counts().storage_nodes;
    const Duration at = swarm.Time();
    ReplayOrders& replay = *swarm.Add(at).mutable_replay_orders();
    replay.set_peer(peer.Name());
    replay.set_from(from.Name());
    replay.set_satellite(swarm.Satellite().index);
    swarm.Say("replay " + from.Name() + "'s orders as " + peer.Name() + " at " +
              FormatDuration(at));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(replay_orders) { registry.Add(std::make_unique<ReplayOrdersKind>()); }

}  // namespace testplanet::scenario
