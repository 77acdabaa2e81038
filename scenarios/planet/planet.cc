// Building a planet, starting and shutting it down, and the blocking transfer helpers. Stopping,
// crashing and restarting single peers is in planet_peers.cc, chore handles in
// planet_chores.cc, disks in planet_disks.cc.
#include "scenarios/planet/planet.h"

#include <utility>

#include "sim/await.h"
#include "sim/sleep.h"

namespace testplanet {
namespace {

// Node `index` of `count`'s share of `spread`: evenly in node order, without overflow.
Duration StartOffset(Duration spread, std::size_t index, std::size_t count) {
  const auto n = static_cast<Duration::rep>(count);
  const auto i = static_cast<Duration::rep>(index);
  return Duration(spread.count() / n * i + spread.count() % n * i / n);
}

}  // namespace

Planet::Planet(Config config)
    : config_(std::move(config)),
      chore_ledger_(
          [this](const std::string& what) {
            if (invariants_) invariants_->Report(what);
          },
          [this](PeerId peer, std::uint64_t chore) {
            return std::string(sim_->trace().PeerName(peer)) + " " +
                   std::string(sim_->trace().NameOf(chore));
          }) {}

Planet::~Planet() {
  Shutdown().IgnoreError();
  listening_ = false;  // the members the ledgers report to go before the simulator does
}

StatusOr<std::unique_ptr<Planet>> Planet::Create(Config config) {
  if (config.satellites < 0 || config.storage_nodes < 0 || config.uplinks < 0) {
    return InvalidArgumentError("peer counts must not be negative");
  }
  if (config.start_spread < Duration::zero()) {
    return InvalidArgumentError("start_spread must not be negative");
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

StorageOptions Planet::StorageFor(PeerRef peer) const {
  StorageOptions storage;
  storage.flush_bytes = config_.flush_bytes;
  storage.in_memory = config_.storage == StorageMode::kInMemory;
  storage.directory = config_.storage == StorageMode::kInMemory
                          ? "/testplanet/" + peer.Name()
                          : config_.run_directory + "/" + peer.Name();
  return storage;
}

Status Planet::Build() {
  sim_ = std::make_unique<Simulator>(SimulatorOptions{.seed = config_.seed,
                                                      .max_events = config_.max_events,
                                                      .trace_detail = config_.trace_detail});
  sim_->trace().AddListener([this](const TraceRecord& record) { OnRecord(record); });
  network_ = std::make_unique<fakes::SimNetwork>(*sim_, config_.network);
  if (config_.check_invariants) invariants_ = std::make_unique<InvariantChecker>(*sim_);
  root_ = Context::Background(*sim_);
  for (int i = 0; i < config_.satellites; ++i) {
    if (Status s = BuildSatellite(i); !s.ok()) return s;
  }
  for (int i = 0; i < config_.storage_nodes; ++i) {
    if (Status s = BuildStorageNode(i); !s.ok()) return s;
  }
  for (int i = 0; i < config_.uplinks; ++i) {
    if (Status s = BuildUplink(i); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Planet::BuildSatellite(int index) {
  const PeerRef ref = PeerRef::Satellite(index);
  sim_->trace().RegisterPeer(ref.Name());
  satellite::Config sat_config;
  sat_config.address = ref.Address();
  sat_config.storage = StorageFor(ref);
  satellite_disks_.push_back(MakeDisk());
  sat_config.storage.env = satellite_disks_.back().env.get();
  if (config_.reconfigure_satellite) config_.reconfigure_satellite(index, sat_config);
  user_settlement_observers_.push_back(std::move(sat_config.settlement_observer));
  satellite_configs_.push_back(sat_config);
  satellite_ctx_.emplace_back();
  satellite_running_.push_back(false);
  auto created = MakeSatellite(index);
  if (!created.ok()) return created.status();
  satellites_.push_back(std::move(*created));
  satellite_ids_.push_back(satellites_.back()->id());
  trust_.Add({satellites_.back()->identity().peer(), satellites_.back()->address()});
  return Status::Ok();
}

Status Planet::BuildStorageNode(int index) {
  const PeerRef ref = PeerRef::StorageNode(index);
  sim_->trace().RegisterPeer(ref.Name());
  storagenode::Config node_config = storagenode::Config::Testplanet();
  node_config.address = ref.Address();
  node_config.storage = StorageFor(ref);
  // The planet owns each node's disk, so a stopped or crashed node's data survives until it
  // starts again.
  node_disks_.push_back(MakeDisk());
  node_config.storage.env = node_disks_.back().env.get();
  if (config_.reconfigure_storage_node) config_.reconfigure_storage_node(index, node_config);
  user_wrap_orders_db_.push_back(std::move(node_config.wrap_orders_db));
  node_configs_.push_back(node_config);
  node_ctx_.emplace_back();
  node_running_.push_back(false);
  auto created = MakeStorageNode(index);
  if (!created.ok()) return created.status();
  nodes_.push_back(std::move(*created));
  node_ids_.push_back(nodes_.back()->id());
  return Status::Ok();
}

Status Planet::BuildUplink(int index) {
  const PeerRef ref = PeerRef::Uplink(index);
  const PeerId peer = sim_->trace().RegisterPeer(ref.Name());
  RandomStream keys = sim_->random().Stream("identity/" + ref.Name());
  Identity identity = Identity::FromStream(keys);
  const std::string address = ref.Address();
  if (Status s = network_->Listen(address, peer, identity.peer(), nullptr, *root_); !s.ok()) {
    return s;
  }
  uplink::Config uplink_config;
  if (config_.reconfigure_uplink) config_.reconfigure_uplink(index, uplink_config);
  uplinks_.push_back(std::make_unique<uplink::Uplink>(*sim_, peer, std::move(identity),
                                                      network_->DialerFor(address), uplink_config));
  return Status::Ok();
}

StatusOr<std::unique_ptr<satellite::Satellite>> Planet::MakeSatellite(int index) {
  const PeerRef ref = PeerRef::Satellite(index);
  const PeerId peer = PeerIdOf(ref);
  RandomStream keys = sim_->random().Stream("identity/" + ref.Name());
  Identity identity = Identity::FromStream(keys);
  satellite::Config config = satellite_configs_[index];
  // The checker observes first; the Config's own observer after it.
  if (invariants_) {
    satellite::SettlementObserver checker = invariants_->WatchSatellite(
        index, ref.Name(), identity.id(), [this, index]() -> satellite::OrdersEndpoint* {
          return satellites_[index] ? &satellites_[index]->orders() : nullptr;
        });
    config.settlement_observer =
        [checker = std::move(checker),
         user = user_settlement_observers_[index]](const satellite::SettlementEvent& event) {
          checker(event);
          if (user) user(event);
        };
  }
  auto created = satellite::Satellite::Create(*sim_, peer, std::move(identity), config);
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

StatusOr<std::unique_ptr<storagenode::StorageNode>> Planet::MakeStorageNode(int index) {
  const PeerRef ref = PeerRef::StorageNode(index);
  const PeerId peer = PeerIdOf(ref);
  RandomStream keys = sim_->random().Stream("identity/" + ref.Name());
  Identity identity = Identity::FromStream(keys);
  storagenode::Config config = node_configs_[index];
  // The checker's decorator is outermost, so that it sees exactly what the node's code gets back;
  // the Config's own wrapper sits inside it.
  config.wrap_orders_db =
      [this, index, ref, peer, id = identity.id(),
       user = user_wrap_orders_db_[index]](std::unique_ptr<storagenode::OrdersDb> db) {
        if (user) db = user(std::move(db));
        if (!invariants_) return db;
        return invariants_->WatchNode(index, ref.Name(), id, peer,
                                      node_configs_[index].orders.archive_ttl, std::move(db));
      };
  if (Status s = network_->Listen(config.address, peer, identity.peer(), nullptr, *root_);
      !s.ok()) {
    return s;
  }
  auto created = storagenode::StorageNode::Create(*sim_, peer, std::move(identity), config,
                                                  network_->DialerFor(config.address), trust_);
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

Status Planet::CheckInvariants() {
  if (!invariants_) return sim_->status();
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i] && node_running_[i]) {
      invariants_->CheckNode(static_cast<int>(i), nodes_[i]->orders_db());
    }
  }
  invariants_->CheckRollups();
  return sim_->status();
}

Status Planet::Start() {
  if (started_) return FailedPreconditionError("planet already started");
  started_ = true;
  for (std::size_t i = 0; i < satellites_.size(); ++i) {
    NoteStarted(PeerRef::Satellite(static_cast<int>(i)));
    RunPeer(satellites_[i]->Run(*satellite_ctx_[i]), satellites_[i]->address(), &satellite_running_,
            static_cast<int>(i), &satellite_disks_[i].after_exit);
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Duration offset = StartOffset(config_.start_spread, i, nodes_.size());
    const int index = static_cast<int>(i);
    NoteStarted(PeerRef::StorageNode(index), offset);
    RunPeer(offset > Duration::zero() ? RunNodeAfter(index, offset) : nodes_[i]->Run(*node_ctx_[i]),
            nodes_[i]->address(), &node_running_, index, &node_disks_[i].after_exit);
  }
  // Like Storj's testplanet: every node checks in before the test body, so satellites know them.
  // All at once, as peers that start together do: one after another, 25,000 nodes took over two
  // virtual hours to start and every step at "1m" fired late.
  std::vector<Awaitable<void>> check_ins;
  check_ins.reserve(nodes_.size());
  for (auto& node : nodes_) check_ins.push_back(node->contact().CheckInAll(*root_));
  if (!AwaitAll(*sim_, std::move(check_ins))) {
    return sim_->status().ok() ? InternalError("check-in did not finish") : sim_->status();
  }
  return sim_->status();
}

Awaitable<Status> Planet::RunNodeAfter(int index, Duration delay) {
  const Context ctx = *node_ctx_[static_cast<std::size_t>(index)];
  if (!co_await Sleep(ctx, delay)) co_return ctx.Err();
  co_return co_await nodes_[static_cast<std::size_t>(index)]->Run(ctx);
}

void Planet::NoteStarted(PeerRef peer, Duration chores_after) {
  const PeerId id = PeerIdOf(peer);
  ++generations_[peer];
  sim_->Record(id, planet_kinds::kStarted);
  std::vector<std::pair<std::uint64_t, Duration>> chores;
  for (std::string_view name : ChoreNames(peer.kind)) {
    ChoreControl* chore = peer.is_storage_node() ? nodes_[peer.index]->Chore(name) : nullptr;
    if (chore != nullptr) chores.emplace_back(sim_->trace().InternName(name), chore->interval());
  }
  chore_ledger_.Started(id, chores, sim_->Now() + chores_after);
}

void Planet::OnRecord(const TraceRecord& record) {
  if (!listening_) return;
  chore_ledger_.OnRecord(record);
  settlement_ledger_.OnRecord(record);
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
  chore_handles_.clear();
  for (auto it = uplinks_.rbegin(); it != uplinks_.rend(); ++it) it->reset();
  // Oldest first, unlike the rest: RocksDB's one process-wide timer keeps a cancelled database's
  // task until its next due time, and after every close scans its tasks newest-first for a live
  // one. Closing newest-first made each scan step over every database closed before it: O(n^2)
  // in storage nodes (10% of a 10,000-node hour). Nodes share nothing, so their order is free.
  for (auto& node : nodes_) {
    if (node) errors.Add(node->Close());
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
