// disk: the peers' disks fail reads, log appends and log syncs with probabilities (all 0 ends
// it).
#include "scenarios/language/field_reader.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class DiskStep final : public StepAction {
 public:
  DiskStep(std::vector<PeerRef> peers, DiskRates rates) : peers_(std::move(peers)), rates_(rates) {}
  void Apply(RunContext& run) const override {
    if (rates_.write > 0) run.AskFor("disk_write");
    if (rates_.sync > 0) run.AskFor("disk_sync");
    if (rates_.read > 0) run.AskFor("disk_read");
    for (const PeerRef& peer : peers_) run.SetDiskFaults(peer, rates_);
  }

 private:
  std::vector<PeerRef> peers_;
  DiskRates rates_;
};

class DiskKind final : public StepKind {
 public:
  DiskKind()
      : StepKind({.field = "disk",
                  .group = "disk",
                  .doc = "fails reads, log writes and log syncs on peers' disks with "
                         "probabilities (all 0 ends it)",
                  .faults = {"disk_read", "disk_write", "disk_sync"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers("peer", {.uplinks = false, .why = "uplinks have no disk"});
    if (!peers.ok()) return peers.status();
    DiskRates rates;
    for (auto [field, rate] : {std::pair{"write", &rates.write}, std::pair{"sync", &rates.sync},
                               std::pair{"read", &rates.read}}) {
      auto p = in.ReadProbability(field);
      if (!p.ok()) return p.status();
      *rate = *p;
    }
    return std::make_unique<DiskStep>(std::move(*peers), rates);
  }

  void Draw(SwarmDraw& swarm) const override {
    if (!swarm.On()) return;
    DiskFaults& d = *swarm.Add(swarm.Time()).mutable_disk();
    d.set_peer(swarm.random().Bernoulli(0.25) ? swarm.Satellite().Name() : swarm.NodeRange());
    d.set_write(swarm.Probability(0.02));
    d.set_sync(swarm.Probability(0.02));
    d.set_read(swarm.Probability(0.02));
    swarm.Say("disk errors on " + d.peer() + ": write " + std::to_string(d.write()).substr(0, 5) +
              " sync " + std::to_string(d.sync()).substr(0, 5) + " read " +
              std::to_string(d.read()).substr(0, 5));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(disk) { registry.Add(std::make_unique<DiskKind>()); }

}  // namespace testplanet::scenario
