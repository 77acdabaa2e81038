// chore: a test's hand on a chore — pause, restart, trigger (and wait), change its interval,
// stop — on the selected peers, through the planet's recording handles.
#include <iterator>

#include "scenarios/language/field_reader.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

ChoreOp OpOf(int op) {
  switch (op) {
    case Chore::PAUSE:
      return ChoreOp::kPause;
    case Chore::RESTART:
      return ChoreOp::kRestart;
    case Chore::TRIGGER:
      return ChoreOp::kTrigger;
    case Chore::CHANGE_INTERVAL:
      return ChoreOp::kChangeInterval;
    case Chore::STOP:
      return ChoreOp::kStop;
    default:
      return ChoreOp::kTriggerWait;
  }
}

class ChoreStep final : public StepAction {
 public:
  ChoreStep(std::vector<PeerRef> peers, std::string chore, ChoreOp op, Duration interval)
      : peers_(std::move(peers)), chore_(std::move(chore)), op_(op), interval_(interval) {}
  void Apply(RunContext& run) const override {
    for (const PeerRef& peer : peers_) run.ControlChore(peer, chore_, op_, interval_);
  }

 private:
  std::vector<PeerRef> peers_;
  std::string chore_;
  ChoreOp op_;
  Duration interval_;
};

class ChoreKind final : public StepKind {
 public:
  ChoreKind()
      : StepKind({.field = "chore",
                  .group = "chores",
                  .doc = "PAUSE, RESTART, TRIGGER, TRIGGER_WAIT, CHANGE_INTERVAL or STOP a chore "
                         "of the selected peers",
                  .faults = {"chore_pause", "chore_restart", "chore_trigger", "chore_trigger_wait",
                             "chore_change_interval", "chore_stop"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers("peer", {});
    if (!peers.ok()) return peers.status();
    auto chore = in.ReadChore("chore", *peers);
    if (!chore.ok()) return chore.status();
    auto op = in.ReadEnum("op", /*required=*/true);
    if (!op.ok()) return op.status();
    Duration interval{};
    if (*op == Chore::CHANGE_INTERVAL) {
      auto read = in.ReadInterval("interval", /*required=*/true);
      if (!read.ok()) return read.status();
      interval = **read;
    } else if (in.Has("interval")) {
      return in.Error("interval", "is for CHANGE_INTERVAL only");
    }
    return std::make_unique<ChoreStep>(std::move(*peers), *chore, OpOf(*op), interval);
  }

  // One to three episodes, each on one chore of one node: a first hand at it (a pause, mostly,
  // so that what follows meets a paused chore), then one or two more later.
  void Draw(SwarmDraw& swarm) const override {
    if (!swarm.On()) return;
    const int episodes = 1 + static_cast<int>(swarm.random().Below(3));
    for (int i = 0; i < episodes; ++i) {
      const std::string node = swarm.Node().Name();
      const std::string chore = swarm.Chore(PeerKind::kStorageNode);
      auto [first, second] = swarm.Window();
      std::string said = chore;
      said += " on " + node + ":";
      Add(swarm, first, node, chore, swarm.random().Bernoulli(0.75) ? Chore::PAUSE : AnyOp(swarm),
          said);
      Add(swarm, second, node, chore, AnyOp(swarm), said);
      if (swarm.random().Bernoulli(0.5)) {
        Add(swarm, second + (second - first) / 2, node, chore, AnyOp(swarm), said);
      }
      swarm.Say(said);
    }
  }

 private:
  static Chore::Op AnyOp(SwarmDraw& swarm) {
    static constexpr Chore::Op kOps[] = {
        Chore::TRIGGER,         Chore::TRIGGER, Chore::TRIGGER_WAIT, Chore::RESTART,
        Chore::CHANGE_INTERVAL, Chore::PAUSE,   Chore::STOP};
    return kOps[swarm.random().Below(std::size(kOps))];
  }
  static void Add(SwarmDraw& swarm, Duration at, const std::string& node, const std::string& name,
                  Chore::Op op, std::string& said) {
    if (at >= swarm.quiesce()) return;
    Chore& chore = *swarm.Add(at).mutable_chore();
    chore.set_peer(node);
    chore.set_chore(name);
    chore.set_op(op);
    said += " " + Chore::Op_Name(op) + " " + FormatDuration(at);
    if (op == Chore::CHANGE_INTERVAL) {
      const auto seconds = 30 + swarm.random().Below(3600);
      chore.set_interval(FormatDuration(std::chrono::seconds(seconds)));
      said += " (" + chore.interval() + ")";
    }
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(chore) { registry.Add(std::make_unique<ChoreKind>()); }

}  // namespace testplanet::scenario
