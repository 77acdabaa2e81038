// one_way and heal_one_way: lose everything sent from a to b (the other direction still works),
// and stop losing it.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/peer_pairs.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class OneWayStep final : public StepAction {
 public:
  OneWayStep(PeerPairs pairs, bool heal) : pairs_(std::move(pairs)), heal_(heal) {}
  void Apply(RunContext& run) const override {
    if (!heal_) run.AskFor("one_way");
    pairs_.ForEach([&](const PeerRef& a, const PeerRef& b) {
      if (heal_) {
        run.network().HealOneWay(a.Address(), b.Address());
      } else {
        run.network().PartitionOneWay(a.Address(), b.Address());
      }
    });
  }

 private:
  PeerPairs pairs_;
  bool heal_;
};

class OneWayKind final : public StepKind {
 public:
  explicit OneWayKind(bool heal)
      : StepKind(heal ? StepKindInfo{.field = "heal_one_way",
                                     .group = "network",
                                     .doc = "ends a one-way cut from a to b",
                                     .drawn_with = "one_way"}
                      : StepKindInfo{.field = "one_way",
                                     .group = "network",
                                     .doc = "everything sent from a to b is lost (messages and "
                                            "handshakes), until heal_one_way",
                                     .faults = {"one_way"}}),
        heal_(heal) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto pairs = ReadPeerPairs(in);
    if (!pairs.ok()) return pairs.status();
    return std::make_unique<OneWayStep>(std::move(*pairs), heal_);
  }

  // One node and one satellite, one direction, for a while.
  void Draw(SwarmDraw& swarm) const override {
    if (heal_ || !swarm.On()) return;
    const auto [from, to] = swarm.Window();
    const std::string node = swarm.Node().Name(), satellite = swarm.Satellite().Name();
    const bool outbound = swarm.random().Bernoulli(0.5);
    Partition& cut = *swarm.Add(from).mutable_one_way();
    cut.set_a(outbound ? node : satellite);
    cut.set_b(outbound ? satellite : node);
    *swarm.Add(to).mutable_heal_one_way() = cut;
    swarm.Say("one-way " + cut.a() + " -> " + cut.b() + " " + FormatDuration(from) + ".." +
              FormatDuration(to));
  }

 private:
  bool heal_;
};

}  // namespace

TESTPLANET_ACTIONS_FILE(one_way) {
  registry.Add(std::make_unique<OneWayKind>(/*heal=*/false));
  registry.Add(std::make_unique<OneWayKind>(/*heal=*/true));
}

}  // namespace testplanet::scenario
