// down and up: take peers off the network (dials refused, connections reset) and put them back;
// the peers keep running.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/peer_step.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class DownKind final : public StepKind {
 public:
  explicit DownKind(bool up)
      : StepKind(up ? StepKindInfo{.field = "up",
                                   .group = "network",
                                   .doc = "puts peers taken down back on the network",
                                   .faults = {"up"},
                                   .drawn_with = "down"}
                    : StepKindInfo{.field = "down",
                                   .group = "network",
                                   .doc = "takes peers off the network (they keep running): dials "
                                          "refused, connections reset, until up",
                                   .faults = {"down"}}),
        up_(up) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers("peer", {});
    if (!peers.ok()) return peers.status();
    return std::make_unique<PeerStep>(std::move(*peers),
                                      up_ ? &RunContext::BringUp : &RunContext::TakeDown, "");
  }

  // A node, or now and then a satellite, unreachable for a while.
  void Draw(SwarmDraw& swarm) const override {
    if (up_ || !swarm.On()) return;
    const auto [from, to] = swarm.Window();
    const std::string peer =
        swarm.random().Bernoulli(0.25) ? swarm.Satellite().Name() : swarm.Node().Name();
    swarm.Add(from).mutable_down()->set_peer(peer);
    swarm.Add(to).mutable_up()->set_peer(peer);
    swarm.Say("down " + peer + " " + FormatDuration(from) + ".." + FormatDuration(to));
  }

 private:
  bool up_;
};

}  // namespace

TESTPLANET_ACTIONS_FILE(down) {
  registry.Add(std::make_unique<DownKind>(/*up=*/false));
  registry.Add(std::make_unique<DownKind>(/*up=*/true));
}

}  // namespace testplanet::scenario
