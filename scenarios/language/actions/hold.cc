// hold and release: messages to or from peers wait, in order, until they are released.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class HoldStep final : public StepAction {
 public:
  HoldStep(std::vector<PeerRef> peers, bool release)
      : peers_(std::move(peers)), release_(release) {}
  void Apply(RunContext& run) const override {
    if (!release_) run.AskFor("hold");
    for (const PeerRef& peer : peers_) {
      if (release_) {
        run.network().Release(peer.Address());
      } else {
        run.network().Hold(peer.Address());
      }
    }
  }

 private:
  std::vector<PeerRef> peers_;
  bool release_;
};

class HoldKind final : public StepKind {
 public:
  explicit HoldKind(bool release)
      : StepKind(release ? StepKindInfo{.field = "release",
                                        .group = "network",
                                        .doc = "delivers held messages, in order",
                                        .drawn_with = "hold"}
                         : StepKindInfo{.field = "hold",
                                        .group = "network",
                                        .doc = "messages to or from peers wait, in order, until "
                                               "a release",
                                        .faults = {"hold"}}),
        release_(release) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers("peer", {});
    if (!peers.ok()) return peers.status();
    return std::make_unique<HoldStep>(std::move(*peers), release_);
  }

  void Draw(SwarmDraw& swarm) const override {
    if (release_ || !swarm.On()) return;
    const auto [from, to] = swarm.Window();
    const std::string node = swarm.Node().Name();
    swarm.Add(from).mutable_hold()->set_peer(node);
    swarm.Add(to).mutable_release()->set_peer(node);
    swarm.Say("hold " + node + " " + FormatDuration(from) + ".." + FormatDuration(to));
  }

 private:
  bool release_;
};

}  // namespace

TESTPLANET_ACTIONS_FILE(hold) {
  registry.Add(std::make_unique<HoldKind>(/*release=*/false));
  registry.Add(std::make_unique<HoldKind>(/*release=*/true));
}

}  // namespace testplanet::scenario
