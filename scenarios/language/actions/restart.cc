// restart: start crashed or stopped peers again from their own data (RocksDB's real recovery); a
// start that fails on its disk is tried again each minute while the peer is down.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/peer_step.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"

namespace testplanet::scenario {
namespace {

class RestartKind final : public StepKind {
 public:
  RestartKind()
      : StepKind({.field = "restart",
                  .group = "peers",
                  .doc = "starts crashed or stopped peers again from their data; a start that "
                         "fails on its disk is retried each minute",
                  .faults = {"restart", "restart_failed"},
                  .drawn_with = "crash"}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers("peer", {.uplinks = false, .why = "uplinks keep no data"});
    if (!peers.ok()) return peers.status();
    return std::make_unique<PeerStep>(std::move(*peers), &RunContext::Restart, "restart");
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(restart) { registry.Add(std::make_unique<RestartKind>()); }

}  // namespace testplanet::scenario
