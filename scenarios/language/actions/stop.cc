// stop: stop nodes or satellites gracefully: their services finish, Close runs, their data stays;
// a restart starts them again.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/peer_step.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {

namespace {

class StopKind final : public StepKind {
 public:
  StopKind()
      : StepKind({.field = "stop",
                  .group = "peers",
                  .doc = "stops nodes or satellites gracefully: services finish, Close runs, data "
                         "stays, until a restart",
                  .faults = {"stop"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers("peer", {.uplinks = false, .why = "uplinks keep no data"});
    if (!peers.ok()) return peers.status();
    return std::make_unique<PeerStep>(std::move(*peers), &RunContext::Stop, "stop");
  }

  void Draw(SwarmDraw& swarm) const override {
    if (!swarm.On(1.0 / 3)) return;
    const auto [from, to] = swarm.Window();
    const std::string peer =
        swarm.random().Bernoulli(0.25) ? swarm.Satellite().Name() : swarm.Node().Name();
    swarm.Add(from).mutable_stop()->set_peer(peer);
    swarm.Add(to).mutable_restart()->set_peer(peer);
    swarm.Say("stop " + peer + " " + FormatDuration(from) + ", restart " + FormatDuration(to));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(stop) { registry.Add(std::make_unique<StopKind>()); }

}  // namespace testplanet::scenario
