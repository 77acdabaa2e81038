// Chores by name: the handles Planet::Chore gives out, which record every control call in the
// trace (the chore ledger reads those records) before passing it on.
#include <utility>

#include "scenarios/planet/planet.h"

namespace testplanet {
namespace {

// Records each control call (planet.chore.control) on the chore's peer, then forwards it.
class RecordedChore final : public ChoreControlWrapper {
 public:
  RecordedChore(Simulator& sim, PeerId peer, std::unique_ptr<ChoreControl> inner)
      : ChoreControlWrapper(std::move(inner)),
        sim_(&sim),
        peer_(peer),
        name_id_(sim.trace().InternName(name())) {}

  void Pause() override {
    Note(ChoreOp::kPause);
    inner().Pause();
  }
  void Restart() override {
    Note(ChoreOp::kRestart);
    inner().Restart();
  }
  void Trigger() override {
    Note(ChoreOp::kTrigger);
    inner().Trigger();
  }
  Status ChangeInterval(Duration interval) override {
    Note(ChoreOp::kChangeInterval, static_cast<std::uint64_t>(interval.count()));
    return inner().ChangeInterval(interval);
  }
  void Stop() override {
    Note(ChoreOp::kStop);
    inner().Stop();
  }
  Awaitable<Status> TriggerWaitAsync() override {
    Note(ChoreOp::kTriggerWait);
    return inner().TriggerWaitAsync();
  }

 private:
  void Note(ChoreOp op, std::uint64_t interval = 0) {
    sim_->Record(peer_, chore_kinds::kControl, name_id_, static_cast<std::uint64_t>(op), interval);
  }

  Simulator* sim_;
  PeerId peer_;
  std::uint64_t name_id_;
};

}  // namespace

const std::vector<std::string_view>& Planet::ChoreNames(PeerKind kind) {
  static const std::vector<std::string_view> kNone;
  switch (kind) {
    case PeerKind::kSatellite:
      return satellite::Satellite::ChoreNames();
    case PeerKind::kStorageNode:
      return storagenode::StorageNode::ChoreNames();
    case PeerKind::kUplink:
      return kNone;
  }
  return kNone;
}

ChoreControl* Planet::Chore(PeerRef peer, std::string_view name) {
  ChoreControl* chore = nullptr;
  if (peer.is_storage_node() && peer.index >= 0 && peer.index < config_.storage_nodes &&
      nodes_[peer.index] && node_running_[peer.index]) {
    chore = nodes_[peer.index]->Chore(name);
  } else if (peer.is_satellite() && peer.index >= 0 && peer.index < config_.satellites &&
             satellites_[peer.index] && satellite_running_[peer.index]) {
    chore = satellites_[peer.index]->Chore(name);
  }
  if (chore == nullptr) return nullptr;
  // A handle lives as long as the peer's current start; a restarted peer gets fresh ones.
  ChoreHandle& handle = chore_handles_[{peer, std::string(name)}];
  const std::uint64_t generation = generations_[peer];
  if (!handle.handle || handle.generation != generation) {
    std::unique_ptr<ChoreControl> chain = std::make_unique<ChoreControlWrapper>(*chore);
    if (config_.wrap_chore) chain = config_.wrap_chore(peer, std::move(chain));
    handle.handle = std::make_unique<RecordedChore>(*sim_, PeerIdOf(peer), std::move(chain));
    handle.generation = generation;
  }
  return handle.handle.get();
}

}  // namespace testplanet
