// Planet: a whole storage network on one simulator — satellites, storage nodes and uplinks on
// one simulated network — in the spirit of Storj's testplanet.
//
// Create builds every peer (identities from the seed, RocksDB stores in memory or under a run
// directory), wires each storage node's trust list to every satellite and attaches every peer to
// the network. Start runs every peer and has every node check in once (Storj's checkInManually),
// so that satellites can hand out order limits at once. Shutdown cancels every peer, lets their
// services finish, and closes them in reverse order of creation.
//
// Peers are named by PeerRef (peer_ref.h); the planet reaches each peer's chores by name through
// handles that record every control call in the trace (planet.chore.control), and keeps two
// ledgers from the trace: every chore's runs (ChoreLedger, which also checks the Cycle contract
// when invariants are on) and every satellite's settlement decisions (SettlementLedger).
//
// Hooks compose: a Config's wrap_orders_db (set in reconfigure_storage_node) sits inside the
// invariant checker's decorator, which is outermost and so sees exactly what the node's code
// gets back; a satellite's settlement_observer is called after the checker's; wrap_chore
// decorates each chore handle inside the recording one.
//
// Trap: call Start/Shutdown/Upload/Download from test code, not from inside the simulation.
#ifndef TESTPLANET_SCENARIOS_PLANET_H_
#define TESTPLANET_SCENARIOS_PLANET_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/faulty_fs.h"
#include "fakes/sim_network.h"
#include "fakes/static_trust.h"
#include "peers/satellite/peer.h"
#include "peers/storagenode/peer.h"
#include "peers/uplink/uplink.h"
#include "scenarios/planet/chore_ledger.h"
#include "scenarios/planet/invariants.h"
#include "scenarios/planet/peer_ref.h"
#include "scenarios/planet/settlement_ledger.h"
#include "sim/chore_control.h"
#include "sim/simulator.h"

namespace rocksdb {
class Env;
}

namespace testplanet {

enum class StorageMode { kInMemory, kOnDisk };

namespace planet_kinds {
// A peer crashed (recorded on it): its disk froze and its services were cancelled.
TESTPLANET_TRACE_KIND(kCrash, "planet.crash");
// A crashed peer is gone and its disk dropped what was not synced. a = bytes lost.
TESTPLANET_TRACE_KIND(kRecovered, "planet.crash.recovered");
// A peer began a graceful stop (its services cancelled), and then was closed.
TESTPLANET_TRACE_KIND(kStop, "planet.stop");
TESTPLANET_TRACE_KIND(kStopped, "planet.stopped");
// A peer started (at Start, or again after a crash or stop), recorded on it.
TESTPLANET_TRACE_KIND(kStarted, "planet.started");
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
  // The run fails with RESOURCE_EXHAUSTED once this many events have fired (a runaway guard).
  std::uint64_t max_events = 2'000'000'000;
  fakes::NetworkOptions network;
  // Every peer's store flushes its memtable to a table file after this many bytes written.
  std::uint64_t flush_bytes = StorageOptions{}.flush_bytes;
  // Storage node i of N starts its services (its chores) at i * start_spread / N after Start,
  // as a real network's nodes started at different times; until then it is up: serving, and
  // checked in by Start. Zero: all at once, as Storj's testplanet starts peers. Spread, a large
  // planet's chores stop ticking all at one instant (every 5 minutes, 25,000 cleanups).
  Duration start_spread{};
  // Check the order path's invariants at every step (see invariants.h); a violation fails the
  // simulation at the event that broke it.
  bool check_invariants = true;
  // Per-peer hooks, called with the peer's index and its config before it is built. Peers start
  // from Storj testplanet's values (15s chores, no jitter).
  std::function<void(int index, satellite::Config&)> reconfigure_satellite;
  std::function<void(int index, storagenode::Config&)> reconfigure_storage_node;
  std::function<void(int index, uplink::Config&)> reconfigure_uplink;
  // Decorates each chore handle Planet::Chore gives out (inside the handle that records every
  // call); `chore` is what to forward to. Null: none.
  std::function<std::unique_ptr<ChoreControl>(PeerRef peer, std::unique_ptr<ChoreControl> chore)>
      wrap_chore;
};

// Returns OK iff `directory` may hold an on-disk planet's databases: it is missing, empty, or
// marked as testplanet's (owned_directory.h), when Planet::Create empties it. Anything else
// there is refused (FailedPrecondition), never deleted.
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
  PeerCounts counts() const { return {config_.satellites, config_.storage_nodes, config_.uplinks}; }

  // --- Peers by reference ---------------------------------------------------------------------
  // The peer's index in the trace (its PeerId): satellites first, then nodes, then uplinks.
  PeerId PeerIdOf(PeerRef peer) const;
  // A satellite's or storage node's ID, whether it runs or not.
  const NodeId& NodeIdOf(PeerRef peer) const {
    return peer.is_satellite() ? satellite_ids_.at(static_cast<std::size_t>(peer.index))
                               : node_ids_.at(static_cast<std::size_t>(peer.index));
  }
  // Crash, BeginStop and Start for any satellite or storage node (see the per-kind methods
  // below); INVALID_ARGUMENT for an uplink or an index out of range. `on_down` (may be null) runs
  // once a graceful stop has closed the peer.
  Status Crash(PeerRef peer);
  Status BeginStop(PeerRef peer, std::function<void()> on_down = {});
  Status Start(PeerRef peer);
  // True while the peer is crashed or stopped and gone (not for uplinks, which never go).
  bool IsDown(PeerRef peer) const;
  // The disk under a satellite's or storage node's store.
  fakes::FaultyFileSystem& DiskOf(PeerRef peer);
  // The names of the chores a peer of `kind` has, in its order ("orders.sender", ...).
  static const std::vector<std::string_view>& ChoreNames(PeerKind kind);
  // The chore `name` of `peer` while it runs, behind a handle that records every control call
  // (planet.chore.control) and the Config's wrap_chore; null when the peer is down or has no
  // such chore. Valid until the peer stops or crashes.
  ChoreControl* Chore(PeerRef peer, std::string_view name);
  // Every chore's runs, from the trace, across restarts.
  const ChoreLedger& chore_runs() const { return chore_ledger_; }
  // Every satellite's settlement decisions, from the trace, across restarts.
  const SettlementLedger& settlements() const { return settlement_ledger_; }
  // The configuration storage node `index` was built with.
  const storagenode::Config& storage_node_config(int index) const {
    return node_configs_.at(index);
  }

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
  // Compares every running node's orders and every satellite's rollups with the checker's
  // ledger now; returns the simulation's status (a violation fails it).
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
    std::function<void()> on_down;     // runs once a graceful stop has closed the peer
    Status closed;                     // what Close said at the last graceful stop
  };
  Disk MakeDisk();
  // Removes an earlier planet's databases under `directory` (see CheckDiskDirectory).
  static Status ClearEarlierDatabases(const std::string& directory);

  explicit Planet(Config config);
  Status Build();
  Status BuildSatellite(int index);
  Status BuildStorageNode(int index);
  Status BuildUplink(int index);
  StorageOptions StorageFor(PeerRef peer) const;
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
  // Storage node `index`'s services, begun `delay` after its start (Config::start_spread); a
  // stop before then ends it as a stop during its run would.
  Awaitable<Status> RunNodeAfter(int index, Duration delay);
  // Tells the trace and the chore ledger that `peer` (a satellite or node) has just started, its
  // chores beginning `chores_after` from now (RunNodeAfter's delay).
  void NoteStarted(PeerRef peer, Duration chores_after = Duration::zero());
  // Routes every trace record to the ledgers.
  void OnRecord(const TraceRecord& record);
  struct ChoreHandle {
    std::uint64_t generation = 0;  // the peer's start count when the handle was made
    std::unique_ptr<ChoreControl> handle;
  };

  Config config_;
  // Before the simulator: the trace feeds them until the very end, peers' teardown included.
  ChoreLedger chore_ledger_;
  SettlementLedger settlement_ledger_;
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
  std::vector<
      std::function<std::unique_ptr<storagenode::OrdersDb>(std::unique_ptr<storagenode::OrdersDb>)>>
      user_wrap_orders_db_;  // by node: the Config's own wrapper, inside the checker's
  std::vector<satellite::SettlementObserver> user_settlement_observers_;  // by satellite
  std::vector<NodeId> satellite_ids_, node_ids_;
  std::map<PeerRef, std::uint64_t> generations_;  // how many times each peer has started
  std::map<std::pair<PeerRef, std::string>, ChoreHandle> chore_handles_;
  int running_ = 0;
  std::uint64_t bytes_lost_ = 0;
  bool started_ = false;
  bool shut_down_ = false;
  bool listening_ = true;  // false once the planet is being destroyed: records reach no ledger
};

}  // namespace testplanet

#endif  // TESTPLANET_SCENARIOS_PLANET_H_
