#include "scenarios/planet/planet.h"

#include <rocksdb/env.h>

#include <exception>
#include <filesystem>
#include <regex>
#include <system_error>
#include <type_traits>

#include "sim/await.h"

namespace testplanet {

Planet::Planet(Config config) : config_(std::move(config)) {}

namespace {

// An earlier planet's database for one peer: a directory named for the peer holding only what
// RocksDB writes. Anything else is not ours to delete.
bool IsPeerDatabase(const std::filesystem::directory_entry& entry) {
  static const std::regex kPeer("(satellite|storagenode)[0-9]+");
  static const std::regex kRocksDbFile(
      "CURRENT|IDENTITY|LOCK|LOG(\\.old\\.[0-9]+)?|MANIFEST-[0-9]+|OPTIONS-[0-9]+(\\.dbtmp)?|"
      "[0-9]+\\.(log|sst|dbtmp)");
  std::error_code error;
  if (!entry.is_directory(error) || !std::regex_match(entry.path().filename().string(), kPeer)) {
    return false;
  }
  for (const auto& file : std::filesystem::directory_iterator(entry.path(), error)) {
    if (!file.is_regular_file(error) ||
        !std::regex_match(file.path().filename().string(), kRocksDbFile)) {
      return false;
    }
  }
  return !error;
}

// The entries of `directory` (none if it is missing), each an earlier planet's database; fails
// on the first entry that is anything else.
StatusOr<std::vector<std::filesystem::path>> EarlierDatabases(const std::string& directory) {
  std::vector<std::filesystem::path> earlier;
  std::error_code error;
  if (!std::filesystem::exists(directory, error)) return earlier;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (!IsPeerDatabase(entry)) {
      return FailedPreconditionError(
          directory + " holds " + entry.path().filename().string() +
          ", which is not a database of an earlier run; choose an empty run directory");
    }
    earlier.push_back(entry.path());
  }
  if (error) return Status(StatusCode::kUnavailable, "list " + directory + ": " + error.message());
  return earlier;
}

// A planet on disk starts from empty disks, as a planet in memory does: an earlier planet's
// databases under `directory` are removed.
Status ClearEarlierDatabases(const std::string& directory) {
  auto earlier = EarlierDatabases(directory);
  if (!earlier.ok()) return earlier.status();
  for (const auto& path : *earlier) {
    std::error_code error;
    std::filesystem::remove_all(path, error);
    if (error) {
      return Status(StatusCode::kUnavailable, "remove " + path.string() + ": " + error.message());
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckDiskDirectory(const std::string& directory) {
  return EarlierDatabases(directory).status();
}

StatusOr<std::unique_ptr<Planet>> Planet::Create(Config config) {
  if (config.satellites < 0 || config.storage_nodes < 0 || config.uplinks < 0) {
    return InvalidArgumentError("peer counts must not be negative");
  }
  if (config.storage == StorageMode::kOnDisk) {
    if (config.run_directory.empty()) {
      return InvalidArgumentError("on-disk storage needs a run directory");
    }
    if (Status s = ClearEarlierDatabases(config.run_directory); !s.ok()) return s;
  }
  std::unique_ptr<Planet> planet(new Planet(std::move(config)));
  if (Status s = planet->Build(); !s.ok()) return s;
  return planet;
}

Status Planet::Build() {
  sim_ = std::make_unique<Simulator>(
      SimulatorOptions{.seed = config_.seed, .trace_detail = config_.trace_detail});
  network_ = std::make_unique<fakes::SimNetwork>(*sim_, config_.network);
  if (config_.check_invariants) invariants_ = std::make_unique<InvariantChecker>(*sim_);
  root_ = Context::Background(*sim_);

  auto storage_for = [this](const std::string& name) {
    StorageOptions storage;
    storage.flush_bytes = config_.flush_bytes;
    storage.in_memory = config_.storage == StorageMode::kInMemory;
    storage.directory = config_.storage == StorageMode::kInMemory
                            ? "/testplanet/" + name
                            : config_.run_directory + "/" + name;
    return storage;
  };

  for (int i = 0; i < config_.satellites; ++i) {
    const std::string name = "satellite" + std::to_string(i);
    sim_->trace().RegisterPeer(name);
    satellite::Config sat_config;
    sat_config.address = name + ":7777";
    sat_config.storage = storage_for(name);
    satellite_disks_.push_back(MakeDisk());
    sat_config.storage.env = satellite_disks_.back().env.get();
    if (config_.reconfigure_satellite) config_.reconfigure_satellite(i, sat_config);
    satellite_configs_.push_back(sat_config);
    satellite_ctx_.emplace_back();
    satellite_running_.push_back(false);
    auto created = MakeSatellite(i);
    if (!created.ok()) return created.status();
    satellites_.push_back(std::move(*created));
    trust_.Add({satellites_.back()->identity().peer(), satellites_.back()->address()});
  }
  for (int i = 0; i < config_.storage_nodes; ++i) {
    const std::string name = "storagenode" + std::to_string(i);
    sim_->trace().RegisterPeer(name);
    storagenode::Config node_config = storagenode::Config::Testplanet();
    node_config.address = name + ":28967";
    node_config.storage = storage_for(name);
    // The planet owns each node's disk, so a stopped or crashed node's data survives until it
    // starts again.
    node_disks_.push_back(MakeDisk());
    node_config.storage.env = node_disks_.back().env.get();
    if (config_.reconfigure_storage_node) config_.reconfigure_storage_node(i, node_config);
    node_configs_.push_back(node_config);
    node_ctx_.emplace_back();
    node_running_.push_back(false);
    auto created = MakeStorageNode(i);
    if (!created.ok()) return created.status();
    nodes_.push_back(std::move(*created));
  }
  for (int i = 0; i < config_.uplinks; ++i) {
    const std::string name = "uplink" + std::to_string(i);
    const PeerId peer = sim_->trace().RegisterPeer(name);
    RandomStream keys = sim_->random().Stream("identity/" + name);
    Identity identity = Identity::FromStream(keys);
    const std::string address = name + ":0";
    if (Status s = network_->Listen(address, peer, identity.peer(), nullptr, *root_); !s.ok()) {
      return s;
    }
    uplink::Config uplink_config;
    if (config_.reconfigure_uplink) config_.reconfigure_uplink(i, uplink_config);
    uplinks_.push_back(std::make_unique<uplink::Uplink>(
        *sim_, peer, std::move(identity), network_->DialerFor(address), uplink_config));
  }
  return Status::Ok();
}

Planet::Disk Planet::MakeDisk() {
  Disk disk;
  std::shared_ptr<rocksdb::FileSystem> base = rocksdb::Env::Default()->GetFileSystem();
  if (config_.storage == StorageMode::kInMemory) {
    disk.data.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
    base = disk.data->GetFileSystem();
  }
  disk.fs = std::make_shared<fakes::FaultyFileSystem>(base, sim_.get());
  disk.env = rocksdb::NewCompositeEnv(disk.fs);
  return disk;
}

StatusOr<std::unique_ptr<satellite::Satellite>> Planet::MakeSatellite(int index) {
  const std::string name = "satellite" + std::to_string(index);
  const PeerId peer = static_cast<PeerId>(1 + index);
  RandomStream keys = sim_->random().Stream("identity/" + name);
  Identity identity = Identity::FromStream(keys);
  if (invariants_) {
    satellite_configs_[index].settlement_observer = invariants_->WatchSatellite(
        index, name, identity.id(), [this, index]() -> satellite::OrdersEndpoint* {
          return satellites_[index] ? &satellites_[index]->orders() : nullptr;
        });
  }
  auto created = satellite::Satellite::Create(*sim_, peer, std::move(identity),
                                              satellite_configs_[index]);
  if (!created.ok()) return created.status();
  satellite::Satellite& sat = **created;
  satellite_ctx_[index] = root_->WithCancel();
  if (Status s = network_->Listen(sat.address(), peer, sat.identity().peer(), &sat.server(),
                                  *satellite_ctx_[index]);
      !s.ok()) {
    return s;
  }
  return created;
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

Status Planet::StopSatellite(int index) {
  if (Status s = BeginStopSatellite(index); !s.ok()) return s;
  return FinishStop(satellite_disks_[index], [this, index] { return SatelliteDown(index); },
                    "satellite" + std::to_string(index));
}

Status Planet::StartSatellite(int index) {
  return StartPeer("satellite", satellites_, satellite_ctx_, satellite_running_, satellite_disks_,
                   index,
                   &Planet::MakeSatellite);
}

StatusOr<std::unique_ptr<storagenode::StorageNode>> Planet::MakeStorageNode(int index) {
  const std::string name = "storagenode" + std::to_string(index);
  const PeerId peer = static_cast<PeerId>(1 + config_.satellites + index);
  RandomStream keys = sim_->random().Stream("identity/" + name);
  Identity identity = Identity::FromStream(keys);
  storagenode::Config& node_config = node_configs_[index];
  if (invariants_) {
    node_config.wrap_orders_db = [this, index, name, id = identity.id()](
                                     std::unique_ptr<storagenode::OrdersDb> db) {
      return invariants_->WatchNode(index, name, id, std::move(db));
    };
  }
  if (Status s = network_->Listen(node_config.address, peer, identity.peer(), nullptr, *root_);
      !s.ok()) {
    return s;
  }
  auto created = storagenode::StorageNode::Create(*sim_, peer, std::move(identity), node_config,
                                                  network_->DialerFor(node_config.address), trust_);
  if (!created.ok()) return created.status();
  storagenode::StorageNode& node = **created;
  node_ctx_[index] = root_->WithCancel();
  if (Status s = network_->Listen(node.address(), peer, node.identity().peer(), &node.server(),
                                  *node_ctx_[index]);
      !s.ok()) {
    return s;
  }
  return created;
}

void Planet::RunPeer(Awaitable<Status> run, std::string name, std::vector<bool>* running,
                     int index, std::function<void()>* on_exit) {
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
    if (graceful) {
      disk.closed = peers[index]->Close();
      peers[index].reset();
      if (!disk.closed.ok()) {
        sim_->WriteLog(peer, LogLevel::kWarn, "close: " + disk.closed.ToString());
      }
      sim_->Record(peer, planet_kinds::kStopped);
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
                  static_cast<PeerId>(1 + config_.satellites + index), index, graceful);
}

Status Planet::DropSatellite(int index, bool graceful) {
  if (index < 0 || index >= static_cast<int>(satellites_.size())) {
    return InvalidArgumentError("no satellite" + std::to_string(index));
  }
  return DropPeer("satellite", satellites_, satellite_ctx_, satellite_running_,
                  satellite_disks_[index], static_cast<PeerId>(1 + index), index, graceful);
}

Status Planet::StopStorageNode(int index) {
  if (Status s = BeginStopStorageNode(index); !s.ok()) return s;
  return FinishStop(node_disks_[index], [this, index] { return StorageNodeDown(index); },
                    "storagenode" + std::to_string(index));
}

Status Planet::StartStorageNode(int index) {
  return StartPeer("storagenode", nodes_, node_ctx_, node_running_, node_disks_, index,
                   &Planet::MakeStorageNode);
}

Planet::~Planet() { Shutdown().IgnoreError(); }

Status Planet::CheckInvariants() {
  if (!invariants_) return sim_->status();
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i] && node_running_[i]) {
      invariants_->CheckNode(static_cast<int>(i), nodes_[i]->orders_db());
    }
  }
  return sim_->status();
}

Status Planet::Start() {
  if (started_) return FailedPreconditionError("planet already started");
  started_ = true;
  for (std::size_t i = 0; i < satellites_.size(); ++i) {
    RunPeer(satellites_[i]->Run(*satellite_ctx_[i]), satellites_[i]->address(), &satellite_running_,
            static_cast<int>(i), &satellite_disks_[i].after_exit);
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    RunPeer(nodes_[i]->Run(*node_ctx_[i]), nodes_[i]->address(), &node_running_,
            static_cast<int>(i), &node_disks_[i].after_exit);
  }
  // Like Storj's testplanet: every node checks in before the test body, so satellites know them.
  for (auto& node : nodes_) {
    if (!Await(*sim_, node->contact().CheckInAll(*root_))) {
      return sim_->status().ok() ? InternalError("check-in did not finish") : sim_->status();
    }
  }
  return sim_->status();
}

Status Planet::Shutdown() {
  if (shut_down_) return Status::Ok();
  shut_down_ = true;
  StatusGroup errors;
  if (started_ && root_) {
    root_->Cancel();
    if (!sim_->InsideEvent()) {
      sim_->RunUntil([this] { return running_ == 0; }, std::chrono::hours(24));
    }
  }
  for (auto it = uplinks_.rbegin(); it != uplinks_.rend(); ++it) it->reset();
  for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) {
    if (*it) errors.Add((*it)->Close());
  }
  for (auto it = satellites_.rbegin(); it != satellites_.rend(); ++it) {
    if (*it) errors.Add((*it)->Close());
  }
  return errors.Combined();
}

StatusOr<uplink::UploadResult> Planet::Upload(int uplink, int satellite, const std::string& bucket,
                                              const std::string& path, const std::string& data,
                                              int nodes) {
  auto result =
      Await(*sim_, uplinks_.at(uplink)->Upload(*root_, satellites_.at(satellite)->address(), bucket,
                                               path, data, nodes));
  if (!result)
    return sim_->status().ok() ? DeadlineExceededError("upload did not finish") : sim_->status();
  return std::move(*result);
}

StatusOr<std::string> Planet::Download(int uplink, int satellite, const std::string& bucket,
                                       const std::string& path) {
  auto result = Await(*sim_, uplinks_.at(uplink)->Download(
                                 *root_, satellites_.at(satellite)->address(), bucket, path));
  if (!result)
    return sim_->status().ok() ? DeadlineExceededError("download did not finish") : sim_->status();
  return std::move(*result);
}

}  // namespace testplanet
