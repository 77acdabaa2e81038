// partition and heal: cut two groups of peers apart in both directions (connections reset, dials
// refused), and join them again.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/peer_pairs.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class PartitionStep final : public StepAction {
 public:
  PartitionStep(PeerPairs pairs, bool heal) : pairs_(std::move(pairs)), heal_(heal) {}
  void Apply(RunContext& run) const override {
    pairs_.ForEach([&](const PeerRef& a, const PeerRef& b) {
      if (heal_) {
        run.network().Heal(a.Address(), b.Address());
      } else {
        run.network().Partition(a.Address(), b.Address());
      }
    });
    for (const PeerRef& a : pairs_.a) run.Fired(heal_ ? "heal" : "partition", a);
  }

 private:
  PeerPairs pairs_;
  bool heal_;
};

class PartitionKind final : public StepKind {
 public:
  explicit PartitionKind(bool heal)
      : StepKind(heal ? StepKindInfo{.field = "heal",
                                     .group = "network",
                                     .doc = "ends a partition between a and b",
                                     .faults = {"heal"},
                                     .drawn_with = "partition"}
                      : StepKindInfo{.field = "partition",
                                     .group = "network",
                                     .doc = "cuts a and b apart both ways: connections reset, "
                                            "dials refused, until a heal",
                                     .faults = {"partition"}}),
        heal_(heal) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto pairs = ReadPeerPairs(in);
    if (!pairs.ok()) return pairs.status();
    return std::make_unique<PartitionStep>(std::move(*pairs), heal_);
  }

  // Some nodes from the satellites for a while.
  void Draw(SwarmDraw& swarm) const override {
    if (heal_ || !swarm.On()) return;
    const auto [from, to] = swarm.Window();
    const std::string peers = swarm.NodeRange();
    Partition& cut = *swarm.Add(from).mutable_partition();
    cut.set_a(peers);
    cut.set_b("satellite*");
    *swarm.Add(to).mutable_heal() = cut;
    swarm.Say("partition " + peers + " from the satellites " + FormatDuration(from) + ".." +
              FormatDuration(to));
  }

 private:
  bool heal_;
};

}  // namespace

TESTPLANET_ACTIONS_FILE(partition) {
  registry.Add(std::make_unique<PartitionKind>(/*heal=*/false));
  registry.Add(std::make_unique<PartitionKind>(/*heal=*/true));
}

}  // namespace testplanet::scenario
