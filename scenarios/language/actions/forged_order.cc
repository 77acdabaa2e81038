// forged_order: a storage node raises one of its orders' amount to the limit's, signs it with a
// key of its own, and settles it. The satellite must refuse it (bad uplink signature).
#include "peers/protocol/signing.h"
#include "scenarios/language/field_reader.h"
#include "scenarios/language/hostile.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class ForgedOrderStep final : public StepAction {
 public:
  ForgedOrderStep(PeerRef peer, PeerRef satellite) : peer_(peer), satellite_(satellite) {}

  void Apply(RunContext& run) const override {
    run.AskFor("forged_order");
    auto orders = OrdersOf(run.planet(), peer_, satellite_, 1, /*unsent=*/true,
                           /*accepted_only=*/false);
    if (orders.empty()) return;
    pb::SettlementRequest request;
    *request.mutable_limit() = orders.front().limit;
    pb::Order& order = *request.mutable_order();
    order.set_serial_number(orders.front().limit.serial_number());
    order.set_amount(orders.front().limit.limit());
    SignOrder(Identity::FromStream(run.Stream("forged_order/keys")), order);
    run.Fired("forged_order", peer_);
    run.Spawn(SettleExpectingRefusal(run, peer_, satellite_, {std::move(request)},
                                     "its order is not signed by the uplink its limit names"),
              "hostile_settlements");
  }

 private:
  PeerRef peer_, satellite_;
};

class ForgedOrderKind final : public StepKind {
 public:
  ForgedOrderKind()
      : StepKind({.field = "forged_order",
                  .group = "hostile",
                  .doc = "a storage node re-signs one of its orders for the whole limit with its "
                         "own key and settles it; the satellite must refuse it",
                  .faults = {"forged_order"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peer = in.ReadPeer("peer", {.satellites = false, .uplinks = false});
    if (!peer.ok()) return peer.status();
    auto satellite = in.ReadIndex("satellite", PeerKind::kSatellite);
    if (!satellite.ok()) return satellite.status();
    return std::make_unique<ForgedOrderStep>(*peer, PeerRef::Satellite(*satellite));
  }

  void Draw(SwarmDraw& swarm) const override {
    if (!swarm.On()) return;
    const Duration at = swarm.Time();
    ForgedOrder& forged = *swarm.Add(at).mutable_forged_order();
    forged.set_peer(swarm.Node().Name());
    forged.set_satellite(swarm.Satellite().index);
    swarm.Say("forged order from " + forged.peer() + " at " + FormatDuration(at));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(forged_order) { registry.Add(std::make_unique<ForgedOrderKind>()); }

}  // namespace testplanet::scenario
