// crash: drop storage nodes or satellites at once, without Close; each disk keeps only what was
// synced. A restart brings them back through RocksDB's recovery.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/peer_step.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class CrashKind final : public StepKind {
 public:
  CrashKind()
      : StepKind({.field = "crash",
                  .group = "peers",
                  .doc = "drops nodes or satellites at once, without Close: each disk keeps only "
                         "what was synced, until a restart recovers it",
                  .faults = {"crash"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers("peer", {.uplinks = false, .why = "uplinks keep no data"});
    if (!peers.ok()) return peers.status();
    return std::make_unique<PeerStep>(std::move(*peers), &RunContext::Crash, "crash");
  }

  // One to three crashes at any instant (to the second or to the nanosecond), each restarted.
  void Draw(SwarmDraw& swarm) const override {
    if (!swarm.On()) return;
    const int crashes = 1 + static_cast<int>(swarm.random().Below(3));
    for (int i = 0; i < crashes; ++i) {
      auto [from, to] = swarm.Window();
      // Half the crashes fall between whole seconds, inside the work they interrupt.
      if (swarm.random().Bernoulli(0.5)) {
        from += Duration(static_cast<Duration::rep>(swarm.random().Below(1'000'000'000)));
      }
      const std::string peer =
          swarm.random().Bernoulli(0.25) ? swarm.Satellite().Name() : swarm.Node().Name();
      swarm.Add(from).mutable_crash()->set_peer(peer);
      swarm.Add(to).mutable_restart()->set_peer(peer);
      swarm.Say("crash " + peer + " " + FormatDuration(from) + ", restart " + FormatDuration(to));
    }
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(crash) { registry.Add(std::make_unique<CrashKind>()); }

}  // namespace testplanet::scenario
