// clock: skew peers' clocks — an offset and a drift — as their expiry and TTL decisions read
// them.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class ClockStep final : public StepAction {
 public:
  ClockStep(std::vector<PeerRef> peers, Duration offset, std::int64_t drift_ppm)
      : peers_(std::move(peers)), offset_(offset), drift_ppm_(drift_ppm) {}
  void Apply(RunContext& run) const override {
    run.AskFor("clock_skew");
    for (const PeerRef& peer : peers_) run.SetClock(peer, offset_, drift_ppm_);
  }

 private:
  std::vector<PeerRef> peers_;
  Duration offset_;
  std::int64_t drift_ppm_;
};

class ClockKind final : public StepKind {
 public:
  ClockKind()
      : StepKind({.field = "clock",
                  .group = "clock",
                  .doc = "skews peers' clocks: an offset, and a drift in parts per million "
                         "(-1000000 stops the clock)",
                  .faults = {"clock_skew"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers("peer", {});
    if (!peers.ok()) return peers.status();
    auto offset = in.ReadDuration("offset", {.fallback = Duration::zero(), .negative_ok = true});
    if (!offset.ok()) return offset.status();
    auto drift = in.ReadInt("drift_ppm", {.min = -1'000'000, .max = 1'000'000});
    if (!drift.ok()) return drift.status();
    return std::make_unique<ClockStep>(std::move(*peers), *offset, *drift);
  }

  // A node or a satellite up to ten minutes off, drifting up to 200 ppm.
  void Draw(SwarmDraw& swarm) const override {
    if (!swarm.On()) return;
    ClockSkew& c = *swarm.Add(swarm.Time()).mutable_clock();
    c.set_peer(swarm.random().Bernoulli(0.3) ? swarm.Satellite().Name() : swarm.Node().Name());
    const auto offset = static_cast<std::int64_t>(swarm.random().Below(std::uint64_t{20} * 60)) -
                        std::int64_t{10} * 60;
    c.set_offset(FormatDuration(std::chrono::seconds(offset)));
    c.set_drift_ppm(static_cast<std::int64_t>(swarm.random().Below(401)) - 200);
    swarm.Say("clock " + c.peer() + " offset " + c.offset() + " drift " +
              std::to_string(c.drift_ppm()) + "ppm");
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(clock) { registry.Add(std::make_unique<ClockKind>()); }

}  // namespace testplanet::scenario
