// messages: drop, duplicate and reorder messages to or from peers, with probabilities.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class MessagesStep final : public StepAction {
 public:
  MessagesStep(std::vector<PeerRef> peers, fakes::MessageFaults faults)
      : peers_(std::move(peers)), faults_(faults) {}
  void Apply(RunContext& run) const override {
    if (faults_.drop > 0) run.AskFor("drop");
    if (faults_.duplicate > 0) run.AskFor("duplicate");
    if (faults_.reorder > 0) run.AskFor("reorder");
    for (const PeerRef& peer : peers_) run.network().SetMessageFaults(peer.Address(), faults_);
  }

 private:
  std::vector<PeerRef> peers_;
  fakes::MessageFaults faults_;
};

class MessagesKind final : public StepKind {
 public:
  MessagesKind()
      : StepKind({.field = "messages",
                  .group = "network",
                  .doc = "drops, duplicates and reorders messages to or from peers, each with a "
                         "probability (all 0 ends it)",
                  .faults = {"drop", "duplicate", "reorder"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers("peer", {});
    if (!peers.ok()) return peers.status();
    fakes::MessageFaults faults;
    for (auto [field, rate] :
         {std::pair{"drop", &faults.drop}, std::pair{"duplicate", &faults.duplicate},
          std::pair{"reorder", &faults.reorder}}) {
      auto p = in.ReadProbability(field);
      if (!p.ok()) return p.status();
      *rate = *p;
    }
    return std::make_unique<MessagesStep>(std::move(*peers), faults);
  }

  void Draw(SwarmDraw& swarm) const override {
    if (!swarm.On()) return;
    MessageFaults& m = *swarm.Add(swarm.Time()).mutable_messages();
    m.set_peer(swarm.NodeRange());
    m.set_drop(swarm.Probability(0.1));
    m.set_duplicate(swarm.Probability(0.1));
    m.set_reorder(swarm.Probability(0.3));
    swarm.Say("messages on " + m.peer() + ": drop " + std::to_string(m.drop()).substr(0, 5) +
              " duplicate " + std::to_string(m.duplicate()).substr(0, 5) + " reorder " +
              std::to_string(m.reorder()).substr(0, 5));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(messages) { registry.Add(std::make_unique<MessagesKind>()); }

}  // namespace testplanet::scenario
