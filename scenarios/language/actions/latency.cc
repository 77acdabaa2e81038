// latency: every message to or from the peers takes `extra` longer ("0s" ends it).
#include "scenarios/language/field_reader.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class LatencyStep final : public StepAction {
 public:
  LatencyStep(std::vector<PeerRef> peers, Duration extra)
      : peers_(std::move(peers)), extra_(extra) {}
  void Apply(RunContext& run) const override {
    for (const PeerRef& peer : peers_) {
      run.network().SetExtraLatency(peer.Address(), extra_);
      run.Fired("latency", peer);
    }
  }

 private:
  std::vector<PeerRef> peers_;
  Duration extra_;
};

class LatencyKind final : public StepKind {
 public:
  LatencyKind()
      : StepKind({.field = "latency",
                  .group = "network",
                  .doc = "adds `extra` to the delay of every message to or from peers (\"0s\" "
                         "ends it)",
                  .faults = {"latency"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers("peer", {});
    if (!peers.ok()) return peers.status();
    auto extra = in.ReadDuration("extra", {.required = true});
    if (!extra.ok()) return extra.status();
    return std::make_unique<LatencyStep>(std::move(*peers), *extra);
  }

  // A slow peer (up to a minute a message) for a while.
  void Draw(SwarmDraw& swarm) const override {
    if (!swarm.On()) return;
    const auto [from, to] = swarm.Window();
    const std::string peer =
        swarm.random().Bernoulli(0.3) ? swarm.Satellite().Name() : swarm.Node().Name();
    const auto extra = std::chrono::milliseconds(100 + swarm.random().Below(60'000));
    Latency& slow = *swarm.Add(from).mutable_latency();
    slow.set_peer(peer);
    slow.set_extra(FormatDuration(extra));
    Latency& fast = *swarm.Add(to).mutable_latency();
    fast.set_peer(peer);
    fast.set_extra("0s");
    swarm.Say("latency " + peer + " +" + slow.extra() + " " + FormatDuration(from) + ".." +
              FormatDuration(to));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(latency) { registry.Add(std::make_unique<LatencyKind>()); }

}  // namespace testplanet::scenario
