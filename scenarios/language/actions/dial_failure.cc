// dial_failure: dials to the peers are refused with a probability (0 ends it).
#include "scenarios/language/field_reader.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class DialFailureStep final : public StepAction {
 public:
  DialFailureStep(std::vector<PeerRef> peers, double probability)
      : peers_(std::move(peers)), probability_(probability) {}
  void Apply(RunContext& run) const override {
    if (probability_ > 0) run.AskFor("dial_failure");
    for (const PeerRef& peer : peers_) run.network().SetDialFailure(peer.Address(), probability_);
  }

 private:
  std::vector<PeerRef> peers_;
  double probability_;
};

class DialFailureKind final : public StepKind {
 public:
  DialFailureKind()
      : StepKind({.field = "dial_failure",
                  .group = "network",
                  .doc = "dials to peers are refused with a probability (0 ends it)",
                  .faults = {"dial_failure"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers("peer", {});
    if (!peers.ok()) return peers.status();
    auto probability = in.ReadProbability("probability");
    if (!probability.ok()) return probability.status();
    return std::make_unique<DialFailureStep>(std::move(*peers), *probability);
  }

  void Draw(SwarmDraw& swarm) const override {
    if (!swarm.On()) return;
    DialFailure& d = *swarm.Add(swarm.Time()).mutable_dial_failure();
    d.set_peer(swarm.Satellite().Name());
    d.set_probability(swarm.Probability(0.5));
    swarm.Say("dial failures to " + d.peer() + " " + std::to_string(d.probability()).substr(0, 5));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(dial_failure) { registry.Add(std::make_unique<DialFailureKind>()); }

}  // namespace testplanet::scenario
