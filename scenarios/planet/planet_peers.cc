// Single peers of a running planet: crash, stop and start satellites and storage nodes, by
// index or by PeerRef.
#include <exception>
#include <type_traits>
#include <utility>

#include "scenarios/planet/planet.h"

namespace testplanet {

PeerId Planet::PeerIdOf(PeerRef peer) const {
  switch (peer.kind) {
    case PeerKind::kSatellite:
      return static_cast<PeerId>(1 + peer.index);
    case PeerKind::kStorageNode:
      return static_cast<PeerId>(1 + config_.satellites + peer.index);
    case PeerKind::kUplink:
      return static_cast<PeerId>(1 + config_.satellites + config_.storage_nodes + peer.index);
  }
  return kSimulatorPeer;
}

template <typename Peer>
Status Planet::StartPeer(const std::string& kind, std::vector<std::unique_ptr<Peer>>& peers,
                         std::vector<std::optional<Context>>& contexts, std::vector<bool>& running,
                         std::vector<Disk>& disks, int index,
                         StatusOr<std::unique_ptr<Peer>> (Planet::*make)(int)) {
  const std::string name = kind + std::to_string(index);
  if (index < 0 || index >= static_cast<int>(peers.size())) {
    return InvalidArgumentError("no " + name);
  }
  if (peers[index] != nullptr) {
    return FailedPreconditionError(name + (running[index] ? " is running" : " is still stopping"));
  }
  auto created = (this->*make)(index);
  if (!created.ok()) return created.status();
  peers[index] = std::move(*created);
  network_->SetUp(peers[index]->address());
  const bool node = std::is_same_v<Peer, storagenode::StorageNode>;
  NoteStarted(node ? PeerRef::StorageNode(index) : PeerRef::Satellite(index));
  RunPeer(peers[index]->Run(*contexts[index]), peers[index]->address(), &running, index,
          &disks[index].after_exit);
  if constexpr (std::is_same_v<Peer, storagenode::StorageNode>) {
    // What came back from the disk must be exactly what the node acknowledged.
    if (invariants_) invariants_->CheckNode(index, peers[index]->orders_db());
  }
  // Let its services start at this instant, so that the caller finds them running.
  if (!sim_->InsideEvent()) return sim_->RunFor(Duration::zero());
  return sim_->status();
}

void Planet::RunPeer(Awaitable<Status> run, std::string name, std::vector<bool>* running, int index,
                     std::function<void()>* on_exit) {
  ++running_;
  if (running != nullptr) (*running)[index] = true;
  boost::asio::co_spawn(
      sim_->io(), std::move(run),
      [this, name, running, index, on_exit](std::exception_ptr error, Status status) {
        --running_;
        if (running != nullptr) (*running)[index] = false;
        const bool crashed = on_exit != nullptr && *on_exit;
        const bool expected =
            !error && (status.ok() || status.code() == StatusCode::kCancelled || crashed);
        if (!expected && !shut_down_) {
          sim_->Fail(status.WithContext(name + " stopped"));
        }
        if (crashed) {
          // Not from inside the peer's own coroutine's completion: it is about to be freed.
          sim_->Post([f = std::exchange(*on_exit, nullptr)] { f(); });
        }
      });
}

template <typename Peer>
Status Planet::DropPeer(const std::string& kind, std::vector<std::unique_ptr<Peer>>& peers,
                        std::vector<std::optional<Context>>& contexts, std::vector<bool>& running,
                        Disk& disk, PeerId peer, int index, bool graceful) {
  const std::string name = kind + std::to_string(index);
  if (index < 0 || index >= static_cast<int>(peers.size())) {
    return InvalidArgumentError("no " + name);
  }
  if (!running[index] || disk.after_exit) {
    return FailedPreconditionError(name + " is not running");
  }
  // For a crash the order matters: the disk dies first, so nothing the unwinding code does can
  // persist.
  if (!graceful) disk.fs->Crash();
  network_->SetDown(peers[index]->address());
  disk.after_exit = [this, &peers, &disk, peer, index, name, graceful] {
    // Nothing may reach the peer's server once the peer is gone.
    network_->Unlisten(peers[index]->address());
    if (graceful) {
      disk.closed = peers[index]->Close();
      peers[index].reset();
      if (!disk.closed.ok()) {
        sim_->WriteLog(peer, LogLevel::kWarn, "close: " + disk.closed.ToString());
      }
      sim_->Record(peer, planet_kinds::kStopped);
      if (auto on_down = std::exchange(disk.on_down, nullptr)) on_down();
      return;
    }
    // Dropping the peer runs its destructor, but whatever it tries to write finds a dead disk.
    peers[index].reset();
    StatusOr<std::uint64_t> lost = disk.fs->Recover();
    if (!lost.ok()) {
      sim_->Fail(lost.status().WithContext(name + " disk recovery"));
      return;
    }
    bytes_lost_ += *lost;
    sim_->Record(peer, planet_kinds::kRecovered, *lost);
  };
  sim_->Record(peer, graceful ? planet_kinds::kStop : planet_kinds::kCrash);
  contexts[index]->Cancel(graceful ? CancelledError(name + " stopping")
                                   : UnavailableError(name + " crashed"));
  return Status::Ok();
}

Status Planet::FinishStop(Disk& disk, UniqueFunction<bool()> down, const std::string& name) {
  if (!sim_->RunUntil(std::move(down), std::chrono::hours(24))) {
    return sim_->status().ok() ? DeadlineExceededError(name + " did not stop") : sim_->status();
  }
  return disk.closed;
}

Status Planet::CrashStorageNode(int index) { return DropStorageNode(index, /*graceful=*/false); }
Status Planet::CrashSatellite(int index) { return DropSatellite(index, /*graceful=*/false); }
Status Planet::BeginStopStorageNode(int index) { return DropStorageNode(index, /*graceful=*/true); }
Status Planet::BeginStopSatellite(int index) { return DropSatellite(index, /*graceful=*/true); }

Status Planet::DropStorageNode(int index, bool graceful) {
  if (index < 0 || index >= static_cast<int>(nodes_.size())) {
    return InvalidArgumentError("no storagenode" + std::to_string(index));
  }
  return DropPeer("storagenode", nodes_, node_ctx_, node_running_, node_disks_[index],
                  PeerIdOf(PeerRef::StorageNode(index)), index, graceful);
}

Status Planet::DropSatellite(int index, bool graceful) {
  if (index < 0 || index >= static_cast<int>(satellites_.size())) {
    return InvalidArgumentError("no satellite" + std::to_string(index));
  }
  return DropPeer("satellite", satellites_, satellite_ctx_, satellite_running_,
                  satellite_disks_[index], PeerIdOf(PeerRef::Satellite(index)), index, graceful);
}

Status Planet::StopStorageNode(int index) {
  if (Status s = BeginStopStorageNode(index); !s.ok()) return s;
  return FinishStop(
      node_disks_[index], [this, index] { return StorageNodeDown(index); },
      "storagenode" + std::to_string(index));
}

Status Planet::StartStorageNode(int index) {
  return StartPeer("storagenode", nodes_, node_ctx_, node_running_, node_disks_, index,
                   &Planet::MakeStorageNode);
}

Status Planet::StopSatellite(int index) {
  if (Status s = BeginStopSatellite(index); !s.ok()) return s;
  return FinishStop(
      satellite_disks_[index], [this, index] { return SatelliteDown(index); },
      "satellite" + std::to_string(index));
}

Status Planet::StartSatellite(int index) {
  return StartPeer("satellite", satellites_, satellite_ctx_, satellite_running_, satellite_disks_,
                   index, &Planet::MakeSatellite);
}

// --- By reference ----------------------------------------------------------------------------

namespace {

Status NotForUplinks(PeerRef peer, const char* what) {
  return InvalidArgumentError(std::string("cannot ") + what + " " + peer.Name() +
                              ": uplinks keep no data and are never down");
}

}  // namespace

Status Planet::Crash(PeerRef peer) {
  if (peer.is_uplink()) return NotForUplinks(peer, "crash");
  return peer.is_satellite() ? CrashSatellite(peer.index) : CrashStorageNode(peer.index);
}

Status Planet::BeginStop(PeerRef peer, std::function<void()> on_down) {
  if (peer.is_uplink()) return NotForUplinks(peer, "stop");
  Status s =
      peer.is_satellite() ? BeginStopSatellite(peer.index) : BeginStopStorageNode(peer.index);
  if (s.ok()) (peer.is_satellite() ? satellite_disks_ : node_disks_)[peer.index].on_down = on_down;
  return s;
}

Status Planet::Start(PeerRef peer) {
  if (peer.is_uplink()) return NotForUplinks(peer, "start");
  return peer.is_satellite() ? StartSatellite(peer.index) : StartStorageNode(peer.index);
}

bool Planet::IsDown(PeerRef peer) const {
  if (peer.is_satellite()) return SatelliteDown(peer.index);
  if (peer.is_storage_node()) return StorageNodeDown(peer.index);
  return false;
}

fakes::FaultyFileSystem& Planet::DiskOf(PeerRef peer) {
  return peer.is_satellite() ? satellite_disk(peer.index) : storage_node_disk(peer.index);
}

}  // namespace testplanet
