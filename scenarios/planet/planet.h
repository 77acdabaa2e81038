// Planet: a whole storage network on one simulator — satellites, storage nodes and uplinks on
// one simulated network — in the spirit of Storj's testplanet.
//
// Create builds every peer (identities from the seed, RocksDB stores in memory or under a run
// directory), wires each storage node's trust list to every satellite and attaches every peer to
// the network. Start runs every peer and has every node check in once (Storj's checkInManually),
// so that satellites can hand out order limits at once. Shutdown cancels every peer, lets their
// services finish, and closes them in reverse order of creation.
//
// Trap: call Start/Shutdown/Upload/Download from test code, not from inside the simulation.
#ifndef TESTPLANET_SCENARIOS_PLANET_H_
#define TESTPLANET_SCENARIOS_PLANET_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fakes/faulty_fs.h"
#include "fakes/sim_network.h"
#include "fakes/static_trust.h"
#include "peers/satellite/peer.h"
#include "peers/storagenode/peer.h"
#include "peers/uplink/uplink.h"
#include "scenarios/planet/invariants.h"
#include "sim/simulator.h"

namespace rocksdb {
class Env;
}

namespace testplanet {

enum class StorageMode { kInMemory, kOnDisk };

namespace planet_kinds {
// A peer crashed (recorded on it): its disk froze and its services were cancelled.
inline constexpr TraceKind kCrash{"planet.crash"};
// A crashed peer is gone and its disk dropped what was not synced. a = bytes lost.
inline constexpr TraceKind kRecovered{"planet.crash.recovered"};
// A peer began a graceful stop (its services cancelled), and then was closed.
inline constexpr TraceKind kStop{"planet.stop"};
inline constexpr TraceKind kStopped{"planet.stopped"};
}  // namespace planet_kinds

struct Config {
  int satellites = 1;
  int storage_nodes = 4;
  int uplinks = 1;
  std::uint64_t seed = 1;
  StorageMode storage = StorageMode::kInMemory;
  // kOnDisk: peers' databases go under it. A planet starts from empty disks: it removes an
  // earlier planet's databases there, and refuses a directory that holds anything else.
  std::string run_directory;
  TraceDetail trace_detail = TraceDetail::kDigestOnly;
  fakes::NetworkOptions network;
  // Every peer's store flushes its memtable to a table file after this many bytes written.
  std::uint64_t flush_bytes = StorageOptions{}.flush_bytes;
  // Check the order path's invariants at every step (see invariants.h); a violation fails the
  // simulation at the event that broke it.
  bool check_invariants = true;
  // Per-peer hooks, called with the peer's index and its config before it is built. Peers start
  // from Storj testplanet's values (15s chores, no jitter).
  std::function<void(int index, satellite::Config&)> reconfigure_satellite;
  std::function<void(int index, storagenode::Config&)> reconfigure_storage_node;
  std::function<void(int index, uplink::Config&)> reconfigure_uplink;
};

// Returns OK iff `directory` may hold an on-disk planet's databases: it is missing, empty, or
// holds only earlier planets' databases (which Planet::Create removes). Anything else there is
// refused (FailedPrecondition), never deleted.
Status CheckDiskDirectory(const std::string& directory);

class Planet {
 public:
  static StatusOr<std::unique_ptr<Planet>> Create(Config config);
  ~Planet();

  // Runs every peer and checks every node in with every satellite.
  Status Start();
  // Stops every peer and closes them, newest first. Idempotent.
  Status Shutdown();

  Simulator& sim() { return *sim_; }
  // The context every peer runs under; work started for a test should run under it too.
  const Context& root() const { return *root_; }
  fakes::SimNetwork& network() { return *network_; }
  const Config& config() const { return config_; }
  std::vector<std::unique_ptr<satellite::Satellite>>& satellites() { return satellites_; }
  std::vector<std::unique_ptr<storagenode::StorageNode>>& storage_nodes() { return nodes_; }
  std::vector<std::unique_ptr<uplink::Uplink>>& uplinks() { return uplinks_; }

  Status RunFor(Duration d) { return sim_->RunFor(d); }
  bool RunUntil(UniqueFunction<bool()> predicate, Duration limit) {
    return sim_->RunUntil(std::move(predicate), limit);
  }

  // Stops storage node `index` gracefully: cancels its services, waits for them to finish,
  // takes it off the network and closes it. Its data stays (in memory or on disk).
  Status StopStorageNode(int index);
  // Rebuilds stopped node `index` from its identity, config and data, and runs it again.
  // Trap: references to the node object from before the stop are invalid afterwards.
  Status StartStorageNode(int index);
  bool StorageNodeRunning(int index) const { return node_running_.at(index); }
  // The same for satellite `index`: its overlay, serials and rollups survive the stop.
  Status StopSatellite(int index);
  Status StartSatellite(int index);
  bool SatelliteRunning(int index) const { return satellite_running_.at(index); }

  // Crashes storage node `index` at this instant: its disk stops taking writes, it leaves the
  // network and its services are cancelled; no Close runs. Once they have unwound (at this
  // virtual instant, from events of their own) the node object is dropped and its disk loses
  // every unsynced byte. Callable from inside the simulation. StartStorageNode restarts it
  // through RocksDB's recovery. Trap: a restart needs the unwinding to have finished.
  Status CrashStorageNode(int index);
  Status CrashSatellite(int index);
  // A graceful stop that, unlike StopStorageNode, may be called from inside the simulation: it
  // cancels the peer's services and returns at once; the peer is closed (its data kept) when they
  // have finished, and StorageNodeDown turns true. StartStorageNode starts it again.
  Status BeginStopStorageNode(int index);
  Status BeginStopSatellite(int index);
  // True once a crashed peer is gone and its disk recovered, so that it can be started.
  bool StorageNodeDown(int index) const { return nodes_.at(index) == nullptr; }
  bool SatelliteDown(int index) const { return satellites_.at(index) == nullptr; }
  // Each peer's disk, for injected I/O errors (kInMemory and kOnDisk alike).
  fakes::FaultyFileSystem& storage_node_disk(int index) { return *node_disks_.at(index).fs; }
  fakes::FaultyFileSystem& satellite_disk(int index) { return *satellite_disks_.at(index).fs; }
  // Bytes lost to crashes, over every peer.
  std::uint64_t bytes_lost_in_crashes() const { return bytes_lost_; }

  // The invariant checker, or null when Config::check_invariants is off.
  InvariantChecker* invariants() { return invariants_.get(); }
  // Compares every running node's orders with the checker's ledger now; returns the
  // simulation's status (a violation fails it).
  Status CheckInvariants();

  // Blocking helpers for tests: run the simulation until the transfer is done.
  StatusOr<uplink::UploadResult> Upload(int uplink, int satellite, const std::string& bucket,
                                        const std::string& path, const std::string& data,
                                        int nodes = 4);
  StatusOr<std::string> Download(int uplink, int satellite, const std::string& bucket,
                                 const std::string& path);

 private:
  // One peer's disk: the data (a MemEnv in memory), the fault layer over it, and the Env that
  // RocksDB is given.
  struct Disk {
    std::unique_ptr<rocksdb::Env> data;
    std::shared_ptr<fakes::FaultyFileSystem> fs;
    std::unique_ptr<rocksdb::Env> env;
    std::function<void()> after_exit;  // set while a crashed or stopping peer unwinds
    Status closed;                     // what Close said at the last graceful stop
  };
  Disk MakeDisk();

  explicit Planet(Config config);
  Status Build();
  StatusOr<std::unique_ptr<storagenode::StorageNode>> MakeStorageNode(int index);
  StatusOr<std::unique_ptr<satellite::Satellite>> MakeSatellite(int index);
  // Stop and start for either kind of peer; the vectors are that kind's.
  template <typename Peer>
  Status StartPeer(const std::string& kind, std::vector<std::unique_ptr<Peer>>& peers,
                   std::vector<std::optional<Context>>& contexts, std::vector<bool>& running,
                   std::vector<Disk>& disks, int index,
                   StatusOr<std::unique_ptr<Peer>> (Planet::*make)(int));
  // Crashes (or, `graceful`, stops) a peer from inside the simulation; see CrashStorageNode.
  template <typename Peer>
  Status DropPeer(const std::string& kind, std::vector<std::unique_ptr<Peer>>& peers,
                  std::vector<std::optional<Context>>& contexts, std::vector<bool>& running,
                  Disk& disk, PeerId peer, int index, bool graceful);
  Status DropStorageNode(int index, bool graceful);
  // Runs the simulation until a peer whose graceful stop began is `down`; its Close's status.
  Status FinishStop(Disk& disk, UniqueFunction<bool()> down, const std::string& name);
  Status DropSatellite(int index, bool graceful);
  // Spawns `run` as a peer's lifetime; `running` is cleared when it returns, then `on_exit`
  // runs (from an event of its own).
  void RunPeer(Awaitable<Status> run, std::string name, std::vector<bool>* running, int index,
               std::function<void()>* on_exit = nullptr);

  Config config_;
  std::unique_ptr<Simulator> sim_;
  std::unique_ptr<fakes::SimNetwork> network_;
  std::unique_ptr<InvariantChecker> invariants_;
  fakes::StaticTrust trust_;
  std::vector<std::unique_ptr<satellite::Satellite>> satellites_;
  std::vector<std::unique_ptr<storagenode::StorageNode>> nodes_;
  std::vector<std::unique_ptr<uplink::Uplink>> uplinks_;
  std::optional<Context> root_;
  std::vector<satellite::Config> satellite_configs_;
  std::vector<std::optional<Context>> satellite_ctx_;
  std::vector<bool> satellite_running_;
  std::vector<Disk> satellite_disks_;
  std::vector<storagenode::Config> node_configs_;
  std::vector<std::optional<Context>> node_ctx_;  // each node's lifetime, under root_
  std::vector<bool> node_running_;
  std::vector<Disk> node_disks_;  // data that outlives a stop or a crash
  int running_ = 0;
  std::uint64_t bytes_lost_ = 0;
  bool started_ = false;
  bool shut_down_ = false;
};

}  // namespace testplanet

#endif  // TESTPLANET_SCENARIOS_PLANET_H_
