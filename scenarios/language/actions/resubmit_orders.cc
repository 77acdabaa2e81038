// resubmit_orders: a storage node settles orders the satellite already accepted, again. The
// satellite must refuse each (spent, or expired).
#include "scenarios/language/field_reader.h"
#include "scenarios/language/hostile.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class ResubmitOrdersStep final : public StepAction {
 public:
  ResubmitOrdersStep(PeerRef peer, PeerRef satellite, std::size_t max)
      : peer_(peer), satellite_(satellite), max_(max) {}

  void Apply(RunContext& run) const override {
    run.AskFor("resubmit_orders");
    std::vector<pb::SettlementRequest> requests;
    for (const auto& info : OrdersOf(run.planet(), peer_, satellite_, max_, /*unsent=*/false,
                                     /*accepted_only=*/true)) {
      pb::SettlementRequest& request = requests.emplace_back();
      *request.mutable_limit() = info.limit;
      *request.mutable_order() = info.order;
    }
    if (requests.empty()) return;
    run.Fired("resubmit_orders", peer_);
    run.Spawn(SettleExpectingRefusal(run, peer_, satellite_, std::move(requests),
                                     "it was settled before"),
              "hostile_settlements");
  }

 private:
  PeerRef peer_, satellite_;
  std::size_t max_;
};

class ResubmitOrdersKind final : public StepKind {
 public:
  ResubmitOrdersKind()
      : StepKind({.field = "resubmit_orders",
                  .group = "hostile",
                  .doc = "a storage node settles up to `max` of its accepted orders again, "
                         "soonest-expiring first; the satellite must refuse each",
                  .faults = {"resubmit_orders"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peer = in.ReadPeer("peer", {.satellites = false, .uplinks = false});
    if (!peer.ok()) return peer.status();
    auto satellite = in.ReadIndex("satellite", PeerKind::kSatellite);
    if (!satellite.ok()) return satellite.status();
    auto max = in.ReadInt("max", {.min = 1, .max = 1000, .fallback = 10});
    if (!max.ok()) return max.status();
    return std::make_unique<ResubmitOrdersStep>(*peer, PeerRef::Satellite(*satellite),
                                                static_cast<std::size_t>(*max));
  }

  void Draw(SwarmDraw& swarm) const override {
    if (!swarm.On()) return;
    const Duration at = swarm.Time();
    ResubmitOrders& resubmit = *swarm.Add(at).mutable_resubmit_orders();
    resubmit.set_peer(swarm.Node().Name());
    resubmit.set_satellite(swarm.Satellite().index);
    swarm.Say("resubmit " + resubmit.peer() + "'s settled orders at " + FormatDuration(at));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(resubmit_orders) { registry.Add(std::make_unique<ResubmitOrdersKind>()); }

}  // namespace testplanet::scenario
