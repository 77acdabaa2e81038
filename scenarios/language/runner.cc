#include "scenarios/language/runner.h"

#include <exception>
#include <memory>
#include <set>
#include <sstream>

#include "scenarios/planet/planet.h"
#include "scenarios/planet/planted_bugs.h"
#include "sim/asio.h"

namespace testplanet::scenario {
namespace {

std::string DatabaseDirectory(const RunOptions& options) {
  return (options.run_directory.empty() ? "." : options.run_directory) + "/db";
}

// How long a supervisor waits before starting a peer again whose start failed on its disk.
constexpr Duration kRestartRetry = std::chrono::minutes(1);

Duration MustParse(const std::string& text) {
  // The loader has validated every duration; "-1ns" (disabled) is the one negative allowed.
  if (text == "-1") return Duration(-1);
  return ParseDuration(text).value();
}

void Apply(const NodeConfig& in, storagenode::Config& out) {
  if (!in.sender_interval().empty()) out.orders.sender_interval = MustParse(in.sender_interval());
  if (!in.sender_timeout().empty()) out.orders.sender_timeout = MustParse(in.sender_timeout());
  if (!in.sender_dial_timeout().empty()) {
    out.orders.sender_dial_timeout = MustParse(in.sender_dial_timeout());
  }
  if (!in.cleanup_interval().empty())
    out.orders.cleanup_interval = MustParse(in.cleanup_interval());
  if (!in.archive_ttl().empty()) out.orders.archive_ttl = MustParse(in.archive_ttl());
  if (!in.max_sleep().empty()) out.orders.max_sleep = MustParse(in.max_sleep());
  if (!in.contact_interval().empty()) out.contact_interval = MustParse(in.contact_interval());
}

// Returns true iff every bound in `expect` holds for `value`; describes the bounds.
bool Holds(const Expect& expect, std::int64_t value, const std::string& what, std::string& text) {
  bool ok = true;
  auto bound = [&](bool present, const char* op, std::int64_t limit, bool holds) {
    if (!present) return;
    if (!text.empty()) text += " and ";
    text += what + " " + op + " " + std::to_string(limit);
    ok = ok && holds;
  };
  bound(expect.has_eq(), "==", expect.eq(), value == expect.eq());
  bound(expect.has_ge(), ">=", expect.ge(), value >= expect.ge());
  bound(expect.has_le(), "<=", expect.le(), value <= expect.le());
  bound(expect.has_gt(), ">", expect.gt(), value > expect.gt());
  bound(expect.has_lt(), "<", expect.lt(), value < expect.lt());
  return ok;
}

class Run {
 public:
  Run(const LoadedScenario& loaded, const RunOptions& options, RunResult& result)
      : loaded_(loaded), spec_(loaded.spec), options_(options), result_(result) {}

  void Go() {
    result_.scenario = spec_.name();
    result_.seed = options_.seed;
    result_.planted_bug = options_.planted_bug;
    result_.invariants = options_.invariants;
    const PlanetSpec& ps = spec_.planet();
    Config config;
    config.satellites = ps.satellites();
    config.storage_nodes = ps.storage_nodes();
    config.uplinks = ps.uplinks();
    config.seed = options_.seed;
    config.trace_detail = options_.trace_detail;
    config.storage = ps.storage() == "disk" ? StorageMode::kOnDisk : StorageMode::kInMemory;
    config.run_directory = DatabaseDirectory(options_);
    if (!ps.network().min_latency().empty()) {
      config.network.min_latency = MustParse(ps.network().min_latency());
    }
    if (!ps.network().max_latency().empty()) {
      config.network.max_latency = MustParse(ps.network().max_latency());
    }
    if (!ps.network().jitter().empty()) config.network.jitter = MustParse(ps.network().jitter());
    if (ps.flush_bytes() > 0) config.flush_bytes = ps.flush_bytes();
    config.check_invariants = options_.invariants;
    config.reconfigure_storage_node = [&ps](int index, storagenode::Config& node) {
      if (ps.preset() == "release") {
        node.orders = storagenode::OrdersConfig::Release();
        node.contact_interval = std::chrono::hours(1);
      }
      Apply(ps.storage_node(), node);
      const std::string name = "storagenode" + std::to_string(index);
      for (const NodeOverride& o : ps.node()) {
        auto peers = ExpandSelector(o.peer(), 0, ps.storage_nodes(), 0);
        if (!peers.ok()) continue;
        for (const std::string& peer : *peers) {
          if (peer == name) Apply(o.config(), node);
        }
      }
    };
    if (Status s = PlantBug(options_.planted_bug, config); !s.ok()) {
      result_.status = s;
      return;
    }
    auto planet = Planet::Create(config);
    if (!planet.ok()) {
      result_.status = planet.status();
      return;
    }
    planet_ = std::move(*planet);
    Simulator& sim = planet_->sim();
    sim.log().SetSink([this](const LogLine& line) { result_.log.push_back(line); });
    if (Status s = planet_->Start(); !s.ok()) {
      result_.status = s.WithContext("starting the planet");
      Finish();
      return;
    }
    for (std::size_t i = 0; i < planet_->storage_nodes().size(); ++i) {
      node_ids_["storagenode" + std::to_string(i)] = planet_->storage_nodes()[i]->id();
    }
    for (int i = 0; i < spec_.step_size(); ++i) {
      sim.ScheduleAt(TimePoint(MustParse(spec_.step(i).at())), [this, i] { DoStep(i); });
    }
    for (int i = 0; i < spec_.check_size(); ++i) {
      sim.ScheduleAt(TimePoint(MustParse(spec_.check(i).at())), [this, i] { DoCheck(i); });
    }
    if (spec_.has_quiesce()) {
      sim.ScheduleAt(TimePoint(MustParse(spec_.quiesce().at())), [this] { Quiesce(); });
    }
    TimePoint end(loaded_.duration);
    const bool stopped_early = options_.stop_at && TimePoint(*options_.stop_at) < end;
    if (stopped_early) end = TimePoint(*options_.stop_at);
    result_.status = sim.RunUntil(end);
    if (result_.status.ok()) result_.status = planet_->CheckInvariants();
    if (options_.stop_at) result_.inspect = Inspect();
    for (const auto& [kind, count] : planet_->network().faults_fired()) {
      result_.faults[kind] += count;
    }
    if (!stopped_early && result_.status.ok()) EndOfRunChecks();
    Finish();
  }

 private:
  // A peer's network address, whether or not it is running now (the planet's naming).
  static std::string AddressOf(const std::string& peer) {
    if (peer.rfind("satellite", 0) == 0) return peer + ":7777";
    if (peer.rfind("storagenode", 0) == 0) return peer + ":28967";
    return peer + ":0";  // uplinks listen nowhere; their address names them on the network
  }
  static bool IsSatellite(const std::string& peer) { return peer.rfind("satellite", 0) == 0; }
  static int IndexOf(const std::string& peer) {
    return std::stoi(peer.substr(IsSatellite(peer) ? 9 : peer.rfind("storagenode", 0) == 0 ? 11 : 6));
  }
  PeerId PeerIdOf(const std::string& peer) {
    const auto& names = planet_->sim().trace().peer_names();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == peer) return static_cast<PeerId>(i);
    }
    return kSimulatorPeer;
  }

  // The step asks for `kind` to fire; the end of the run checks that it did.
  void AskFor(const std::string& kind, int step) { asked_.try_emplace(kind, step); }
  std::uint64_t Fired(const std::string& kind) const {
    auto it = result_.faults.find(kind);
    return it == result_.faults.end() ? 0 : it->second;
  }

  std::vector<std::string> Select(const std::string& selector) {
    const PlanetSpec& ps = spec_.planet();
    auto peers = ExpandSelector(selector, ps.satellites(), ps.storage_nodes(), ps.uplinks());
    return peers.ok() ? *peers : std::vector<std::string>{};
  }

  // The node named `name`, or null if it is not one or is down (crashed, not yet restarted).
  storagenode::StorageNode* Node(const std::string& name) {
    const std::string prefix = "storagenode";
    if (name.rfind(prefix, 0) != 0) return nullptr;
    const int index = std::stoi(name.substr(prefix.size()));
    return planet_->storage_nodes().at(index).get();
  }

  Cycle* ChoreOf(storagenode::StorageNode& node, const std::string& chore) {
    if (chore == "orders.sender") return &node.orders().sender();
    if (chore == "orders.cleanup") return &node.orders().cleanup();
    if (chore == "contact.chore") return &node.contact().cycle();
    return nullptr;
  }  // replaced with the registry of actions in the next change

  void Fault(const std::string& kind, const std::string& peer) {
    ++result_.faults[kind];
    Simulator& sim = planet_->sim();
    const PeerId id = PeerIdOf(peer);
    sim.Record(id, scenario_kinds::kFault, sim.trace().InternName(kind), id);
    sim.WriteLog(id, LogLevel::kInfo, "fault: " + kind + " " + peer);
  }

  fakes::FaultyFileSystem& DiskOf(const std::string& peer) {
    return IsSatellite(peer) ? planet_->satellite_disk(IndexOf(peer))
                             : planet_->storage_node_disk(IndexOf(peer));
  }

  // Installs (or, with zero rates, removes) seeded read, log write and log sync errors on
  // `peer`'s disk.
  void SetDiskFaults(const std::string& peer, const DiskFaults& rates) {
    fakes::FaultyFileSystem& disk = DiskOf(peer);
    if (rates.write() <= 0 && rates.sync() <= 0 && rates.read() <= 0) {
      disk.SetErrorPolicy(nullptr);
      return;
    }
    auto& state = disk_random_[peer];
    if (!state) {
      state = std::make_unique<RandomStream>(planet_->sim().random().Stream("disk/" + peer));
    }
    RandomStream* random = state.get();
    disk.SetErrorPolicy([this, peer, rates, random](fakes::DiskOp op, const std::string&) {
      const double p = op == fakes::DiskOp::kWrite  ? rates.write()
                       : op == fakes::DiskOp::kSync ? rates.sync()
                                                    : rates.read();
      if (p <= 0 || !random->Bernoulli(p)) return false;
      Fault(std::string("disk_") + fakes::DiskOpName(op), peer);
      return true;
    });
  }

  // Crashes `peer`, or with `graceful` stops it; either way it stays down until a restart.
  void Drop(const std::string& peer, bool graceful) {
    const int index = IndexOf(peer);
    const char* what = graceful ? "stop" : "crash";
    Status s = IsSatellite(peer)
                   ? (graceful ? planet_->BeginStopSatellite(index) : planet_->CrashSatellite(index))
                   : (graceful ? planet_->BeginStopStorageNode(index)
                               : planet_->CrashStorageNode(index));
    if (!s.ok()) {
      planet_->sim().WriteLog(PeerIdOf(peer), LogLevel::kWarn,
                              std::string(what) + " " + peer + " did not happen: " + s.ToString());
      return;
    }
    crashed_.insert(peer);
    Fault(what, peer);
  }

  // Starts a crashed or stopped `peer` again. A start that fails on its disk (a read error
  // while RocksDB recovers) is tried again a minute later, as a supervisor would, for as long
  // as the peer is down; the quiesce's restart ends the disk faults first.
  void Restart(const std::string& peer) {
    const int index = IndexOf(peer);
    Status s = IsSatellite(peer) ? planet_->StartSatellite(index)
                                 : planet_->StartStorageNode(index);
    if (!s.ok()) {
      Simulator& sim = planet_->sim();
      const bool retry = s.code() == StatusCode::kUnavailable && crashed_.count(peer) > 0;
      sim.WriteLog(PeerIdOf(peer), LogLevel::kWarn,
                   "restart " + peer + (retry ? " failed: " : " did not happen: ") +
                       s.ToString() + (retry ? "; trying again in 1m" : ""));
      if (retry) {
        Fault("restart_failed", peer);
        sim.ScheduleAfter(kRestartRetry, [this, peer] {
          if (crashed_.count(peer) > 0) Restart(peer);
        });
      }
      return;
    }
    crashed_.erase(peer);
    Fault("restart", peer);
  }

  // Faults stop: the network heals, disks and clocks are true again, peers come back.
  void Quiesce() {
    Simulator& sim = planet_->sim();
    sim.WriteLog(kSimulatorPeer, LogLevel::kInfo, "quiesce: faults stop");
    sim.Record(kSimulatorPeer, scenario_kinds::kQuiesce);
    planet_->network().ClearFaults();
    for (const std::string& peer : down_) planet_->network().SetUp(AddressOf(peer));
    down_.clear();
    for (const std::string& peer : skewed_) sim.SetClockSkew(PeerIdOf(peer), Duration::zero(), 0);
    skewed_.clear();
    for (const auto& [peer, random] : disk_random_) DiskOf(peer).SetErrorPolicy(nullptr);
    const std::set<std::string> crashed = crashed_;
    for (const std::string& peer : crashed) Restart(peer);
  }

  void Spawn(Awaitable<Status> work, std::string what) {
    Simulator& sim = planet_->sim();
    boost::asio::co_spawn(sim.io(), std::move(work),
                          [this, what = std::move(what), &sim](std::exception_ptr error, Status s) {
                            if (error) s = InternalError("threw");
                            if (s.ok()) {
                              ++result_.traffic[what];
                            } else {
                              ++result_.traffic[what + "_failed"];
                              sim.WriteLog(kSimulatorPeer, LogLevel::kWarn,
                                           what + " failed: " + s.ToString());
                            }
                          });
  }

  Awaitable<Status> UploadTask(int uplink, int satellite, std::string bucket, std::string path,
                               std::int64_t size, int nodes) {
    std::string data(static_cast<std::size_t>(size), static_cast<char>('a' + path.size() % 26));
    auto result = co_await planet_->uplinks().at(uplink)->Upload(
        planet_->root(), AddressOf("satellite" + std::to_string(satellite)), bucket, path,
        std::move(data), nodes);
    co_return result.ok() ? Status::Ok() : result.status();
  }

  Awaitable<Status> DownloadTask(int uplink, int satellite, std::string bucket, std::string path) {
    auto result = co_await planet_->uplinks().at(uplink)->Download(
        planet_->root(), AddressOf("satellite" + std::to_string(satellite)), bucket, path);
    co_return result.ok() ? Status::Ok() : result.status();
  }

  void TrafficTick(int step, int n) {
    const Traffic& t = spec_.step(step).traffic();
    const std::string prefix = "traffic" + std::to_string(step) + "-";
    Spawn(UploadTask(t.uplink(), t.satellite(), t.bucket(), prefix + std::to_string(n), t.size(),
                     t.nodes()),
          "uploads");
    if (t.download_previous() && n > 0) {
      Spawn(DownloadTask(t.uplink(), t.satellite(), t.bucket(), prefix + std::to_string(n - 1)),
            "downloads");
    }
    Simulator& sim = planet_->sim();
    const TimePoint until(t.until().empty() ? loaded_.duration : MustParse(t.until()));
    const TimePoint next = sim.Now() + MustParse(t.every());
    if (next <= until) sim.ScheduleAt(next, [this, step, n] { TrafficTick(step, n + 1); });
  }

  void DoStep(int i) {
    const Step& step = spec_.step(i);
    fakes::SimNetwork& network = planet_->network();
    switch (step.action_case()) {
      case Step::kUpload: {
        const Upload& u = step.upload();
        Spawn(UploadTask(u.uplink(), u.satellite(), u.bucket(), u.path(), u.size(), u.nodes()),
              "uploads");
        break;
      }
      case Step::kDownload: {
        const Download& d = step.download();
        Spawn(DownloadTask(d.uplink(), d.satellite(), d.bucket(), d.path()), "downloads");
        break;
      }
      case Step::kTraffic:
        TrafficTick(i, 0);
        break;
      case Step::kChore: {
        const ChoreControl& c = step.chore();
        for (const std::string& peer : Select(c.peer())) {
          ::testplanet::ChoreControl* cycle = planet_->Chore(PeerRef::StorageNode(IndexOf(peer)), c.chore());
          if (cycle == nullptr) continue;
          switch (c.op()) {
            case ChoreControl::PAUSE:
              cycle->Pause();
              break;
            case ChoreControl::RESTART:
              cycle->Restart();
              break;
            case ChoreControl::TRIGGER:
              cycle->Trigger();
              break;
            case ChoreControl::STOP:
              cycle->Stop();
              break;
            case ChoreControl::CHANGE_INTERVAL:
              cycle->ChangeInterval(MustParse(c.interval())).IgnoreError();  // validated
              break;
            default:
              break;
          }
        }
        break;
      }
      case Step::kPartition:
      case Step::kHeal: {
        const bool heal = step.action_case() == Step::kHeal;
        const Partition& p = heal ? step.heal() : step.partition();
        for (const std::string& a : Select(p.a())) {
          for (const std::string& b : Select(p.b())) {
            if (a == b) continue;
            if (heal) {
              network.Heal(AddressOf(a), AddressOf(b));
            } else {
              network.Partition(AddressOf(a), AddressOf(b));
            }
          }
          Fault(heal ? "heal" : "partition", a);
        }
        break;
      }
      case Step::kDown:
        for (const std::string& peer : Select(step.down().peer())) {
          network.SetDown(AddressOf(peer));
          down_.insert(peer);
          Fault("down", peer);
        }
        break;
      case Step::kUp:
        for (const std::string& peer : Select(step.up().peer())) {
          network.SetUp(AddressOf(peer));
          down_.erase(peer);
          Fault("up", peer);
        }
        break;
      case Step::kCrash:
        AskFor("crash", i);
        for (const std::string& peer : Select(step.crash().peer())) Drop(peer, false);
        break;
      case Step::kStop:
        AskFor("stop", i);
        for (const std::string& peer : Select(step.stop().peer())) Drop(peer, true);
        break;
      case Step::kRestart:
        AskFor("restart", i);
        for (const std::string& peer : Select(step.restart().peer())) Restart(peer);
        break;
      case Step::kMessages: {
        const MessageFaults& m = step.messages();
        if (m.drop() > 0) AskFor("drop", i);
        if (m.duplicate() > 0) AskFor("duplicate", i);
        if (m.reorder() > 0) AskFor("reorder", i);
        for (const std::string& peer : Select(m.peer())) {
          network.SetMessageFaults(AddressOf(peer), fakes::MessageFaults{.drop = m.drop(),
                                                                         .duplicate = m.duplicate(),
                                                                         .reorder = m.reorder()});
        }
        break;
      }
      case Step::kOneWay:
      case Step::kHealOneWay: {
        const bool heal = step.action_case() == Step::kHealOneWay;
        const Partition& p = heal ? step.heal_one_way() : step.one_way();
        if (!heal) AskFor("one_way", i);
        for (const std::string& a : Select(p.a())) {
          for (const std::string& b : Select(p.b())) {
            if (a == b) continue;
            if (heal) {
              network.HealOneWay(AddressOf(a), AddressOf(b));
            } else {
              network.PartitionOneWay(AddressOf(a), AddressOf(b));
            }
          }
        }
        break;
      }
      case Step::kClog: {
        AskFor("clog", i);
        const Clog& c = step.clog();
        const TimePoint until = planet_->sim().Now() + MustParse(c.duration());
        for (const std::string& a : Select(c.a())) {
          for (const std::string& b : Select(c.b())) {
            if (a != b) network.Clog(AddressOf(a), AddressOf(b), until);
          }
        }
        break;
      }
      case Step::kHold:
        AskFor("hold", i);
        for (const std::string& peer : Select(step.hold().peer())) network.Hold(AddressOf(peer));
        break;
      case Step::kRelease:
        for (const std::string& peer : Select(step.release().peer())) {
          network.Release(AddressOf(peer));
        }
        break;
      case Step::kDialFailure: {
        const DialFailure& d = step.dial_failure();
        if (d.probability() > 0) AskFor("dial_failure", i);
        for (const std::string& peer : Select(d.peer())) {
          network.SetDialFailure(AddressOf(peer), d.probability());
        }
        break;
      }
      case Step::kClock: {
        const ClockSkew& c = step.clock();
        AskFor("clock_skew", i);
        for (const std::string& peer : Select(c.peer())) {
          planet_->sim().SetClockSkew(PeerIdOf(peer), MustParse(c.offset()), c.drift_ppm());
          skewed_.insert(peer);
          Fault("clock_skew", peer);
        }
        break;
      }
      case Step::kDisk: {
        const DiskFaults& d = step.disk();
        if (d.write() > 0) AskFor("disk_write", i);
        if (d.sync() > 0) AskFor("disk_sync", i);
        if (d.read() > 0) AskFor("disk_read", i);
        for (const std::string& peer : Select(d.peer())) SetDiskFaults(peer, d);
        break;
      }
      case Step::kLatency:
        for (const std::string& peer : Select(step.latency().peer())) {
          network.SetExtraLatency(AddressOf(peer), MustParse(step.latency().extra()));
          Fault("latency", peer);
        }
        break;
      case Step::ACTION_NOT_SET:
        break;
    }
  }

  void DoCheck(int i) {
    Simulator::Observation observing(planet_->sim());
    const Check& check = spec_.check(i);
    CheckOutcome outcome;
    outcome.name = check.name();
    outcome.where = loaded_.CheckWhere(i);
    outcome.at = planet_->sim().Now();
    std::string expected, found;
    bool passed = true;
    auto judge = [&](const Expect& expect, std::int64_t value, const std::string& what) {
      std::string text;
      passed = Holds(expect, value, what, text) && passed;
      if (!expected.empty()) expected += ", ";
      expected += text;
      if (!found.empty()) found += ", ";
      found += what + " = " + std::to_string(value);
    };
    switch (check.what_case()) {
      case Check::kOrders: {
        const OrderCheck& o = check.orders();
        storagenode::OrderCounts sum;
        for (const std::string& peer : Select(o.peer())) {
          storagenode::StorageNode* node = Node(peer);
          if (node == nullptr) continue;  // down: its orders are on a disk nobody reads now
          auto counts = node->orders_db().Count();
          if (!counts.ok()) continue;
          sum.unsent += counts->unsent;
          sum.accepted += counts->accepted;
          sum.rejected += counts->rejected;
        }
        if (o.has_unsent()) judge(o.unsent(), static_cast<std::int64_t>(sum.unsent), "unsent");
        if (o.has_accepted())
          judge(o.accepted(), static_cast<std::int64_t>(sum.accepted), "accepted");
        if (o.has_rejected())
          judge(o.rejected(), static_cast<std::int64_t>(sum.rejected), "rejected");
        if (o.has_archived()) {
          judge(o.archived(), static_cast<std::int64_t>(sum.accepted + sum.rejected), "archived");
        }
        break;
      }
      case Check::kChoreRuns: {
        const ChoreCheck& c = check.chore_runs();
        std::int64_t runs = 0;
        for (const std::string& peer : Select(c.peer())) {
          storagenode::StorageNode* node = Node(peer);
          Cycle* cycle = node ? ChoreOf(*node, c.chore()) : nullptr;
          if (cycle == nullptr) continue;
          runs += static_cast<std::int64_t>(cycle->runs_started());
          if (!c.has_last_run()) continue;
          // The latest run on each peer must have begun inside the window.
          const TimeWindow& window = c.last_run();
          const std::optional<TimePoint> last = cycle->last_run_started();
          std::string text = peer + " " + c.chore() + " last run in [" +
                             (window.not_before().empty() ? "start" : window.not_before()) + ", " +
                             (window.not_after().empty() ? "now" : window.not_after()) + "]";
          bool inside = last.has_value();
          if (inside && !window.not_before().empty()) {
            inside = *last >= TimePoint(MustParse(window.not_before()));
          }
          if (inside && !window.not_after().empty()) {
            inside = *last <= TimePoint(MustParse(window.not_after()));
          }
          passed = passed && inside;
          if (!expected.empty()) expected += ", ";
          expected += text;
          if (!found.empty()) found += ", ";
          found += peer + " last run " + (last ? FormatTime(*last) : std::string("never"));
        }
        if (c.has_runs()) judge(c.runs(), runs, c.chore() + " runs");
        break;
      }
      case Check::kRollup: {
        const RollupCheck& r = check.rollup();
        satellite::Satellite* sat = planet_->satellites().at(r.satellite()).get();
        if (sat == nullptr) {
          passed = false;
          expected = "satellite" + std::to_string(r.satellite()) + " running";
          found = "it is down";
          break;
        }
        auto& orders = sat->orders();
        std::int64_t bytes = 0;
        if (!r.bucket().empty()) {
          auto settled = orders.BucketSettled(r.bucket());
          bytes = settled.ok() ? *settled : 0;
        } else {
          for (const std::string& peer : Select(r.node())) {
            auto settled = orders.NodeSettled(node_ids_.at(peer));
            bytes += settled.ok() ? *settled : 0;
          }
        }
        judge(r.bytes(), bytes, "settled bytes");
        break;
      }
      case Check::WHAT_NOT_SET:
        break;
    }
    outcome.passed = passed;
    outcome.expected = expected;
    outcome.found = found;
    planet_->sim().Record(kSimulatorPeer, scenario_kinds::kCheck, static_cast<std::uint64_t>(i),
                          passed ? 1 : 0);
    result_.checks.push_back(std::move(outcome));
  }

  std::string Inspect() {
    std::ostringstream out;
    Simulator& sim = planet_->sim();
    Simulator::Observation observing(sim);
    out << "state at " << FormatTime(sim.Now()) << " (seed " << options_.seed << ")\n";
    for (std::size_t i = 0; i < planet_->storage_nodes().size(); ++i) {
      if (!planet_->storage_nodes()[i]) {
        out << "storagenode" << i << "  down (crashed)\n";
        continue;
      }
      auto& node = *planet_->storage_nodes()[i];
      auto counts = node.orders_db().Count();
      out << "storagenode" << i << "  orders: unsent " << (counts.ok() ? counts->unsent : 0)
          << ", accepted " << (counts.ok() ? counts->accepted : 0) << ", rejected "
          << (counts.ok() ? counts->rejected : 0) << "\n";
      for (Cycle* cycle :
           {&node.orders().sender(), &node.orders().cleanup(), &node.contact().cycle()}) {
        std::string state = cycle->Stopped()    ? "stopped"
                            : cycle->Running()  ? "running"
                            : cycle->Disabled() ? "disabled"
                            : cycle->Paused()   ? "paused"
                                                : "idle";
        out << "    " << cycle->name() << ": " << state << ", interval "
            << FormatDuration(cycle->interval()) << ", runs " << cycle->runs_started();
        if (cycle->NextTick() != kTimeInfinity)
          out << ", next tick " << FormatTime(cycle->NextTick());
        out << "\n";
      }
    }
    for (std::size_t i = 0; i < planet_->satellites().size(); ++i) {
      if (!planet_->satellites()[i]) {
        out << "satellite" << i << "  down (crashed)\n";
        continue;
      }
      const auto& stats = planet_->satellites()[i]->orders().stats();
      out << "satellite" << i << "  settled: accepted " << stats.accepted << ", rejected "
          << stats.rejected << ", bytes " << stats.settled_bytes << "\n";
    }
    const std::string faults = planet_->network().DescribeFaults();
    out << "network faults: " << (faults.empty() ? "none\n" : "\n" + faults);
    return out.str();
  }

  // Every fault a step asked for fired; after a quiesce, every order settled.
  void EndOfRunChecks() {
    Simulator::Observation observing(planet_->sim());
    for (const auto& [kind, step] : asked_) {
      if (spec_.unfired_faults_ok()) break;
      CheckOutcome outcome;
      outcome.name = "fault " + kind + " fired";
      outcome.where = loaded_.StepWhere(step);
      outcome.at = planet_->sim().Now();
      outcome.expected = kind + " fired >= 1";
      outcome.found = kind + " fired " + std::to_string(Fired(kind));
      outcome.passed = Fired(kind) > 0;
      result_.checks.push_back(std::move(outcome));
    }
    if (spec_.has_quiesce()) {
      CheckOutcome outcome;
      outcome.name = "liveness: every order settled after the quiesce";
      outcome.where = loaded_.path + ":quiesce";
      outcome.at = planet_->sim().Now();
      outcome.expected = "unsent == 0 on every storage node";
      std::uint64_t unsent = 0;
      std::string holders;
      for (std::size_t i = 0; i < planet_->storage_nodes().size(); ++i) {
        auto* node = planet_->storage_nodes()[i].get();
        if (node == nullptr) {
          holders += (holders.empty() ? "" : ", ") + std::string("storagenode") +
                     std::to_string(i) + " is down";
          unsent += 1;
          continue;
        }
        auto counts = node->orders_db().Count();
        if (counts.ok() && counts->unsent > 0) {
          unsent += counts->unsent;
          holders += (holders.empty() ? "" : ", ") + std::string("storagenode") +
                     std::to_string(i) + " " + std::to_string(counts->unsent);
        }
      }
      outcome.found = "unsent = " + std::to_string(unsent) + (holders.empty() ? "" : " (" + holders + ")");
      outcome.passed = unsent == 0;
      result_.checks.push_back(std::move(outcome));
    }
  }

  void Finish() {
    Simulator& sim = planet_->sim();
    if (InvariantChecker* invariants = planet_->invariants()) {
      result_.invariant_checks = invariants->checks();
    }
    result_.bytes_lost_in_crashes = planet_->bytes_lost_in_crashes();
    {
      Simulator::Observation observing(sim);
      for (std::size_t i = 0; i < planet_->storage_nodes().size(); ++i) {
        if (!planet_->storage_nodes()[i]) continue;
        auto& node = *planet_->storage_nodes()[i];
        const std::string name = "storagenode" + std::to_string(i);
        auto counts = node.orders_db().Count();
        if (counts.ok())
          result_.orders.push_back({name, counts->unsent, counts->accepted, counts->rejected});
        for (Cycle* cycle :
             {&node.orders().sender(), &node.orders().cleanup(), &node.contact().cycle()}) {
          result_.chores.push_back(
              {name, cycle->name(), cycle->runs_started(), cycle->ticks_dropped()});
        }
      }
    }
    result_.end = sim.Now();
    Status shutdown = planet_->Shutdown();
    if (result_.status.ok() && !shutdown.ok()) result_.status = shutdown;
    result_.digest = sim.trace().digest();
    result_.events = sim.events_fired();
    result_.record_count = sim.trace().count();
    result_.records = sim.trace().records();
    result_.fingerprints = sim.trace().fingerprints();
    result_.peer_names = sim.trace().peer_names();
    result_.names = sim.trace().names();
  }

  const LoadedScenario& loaded_;
  const Scenario& spec_;
  const RunOptions& options_;
  RunResult& result_;
  std::unique_ptr<Planet> planet_;
  std::map<std::string, int> asked_;  // fault kind -> the first step that asked for it
  std::set<std::string> down_;        // taken off the network by a step
  std::set<std::string> crashed_;     // crashed or stopped by a step, not restarted yet
  std::set<std::string> skewed_;      // clocks a step skewed
  std::map<std::string, std::unique_ptr<RandomStream>> disk_random_;  // by peer
  std::map<std::string, NodeId> node_ids_;
};

}  // namespace

Status CheckRunDirectory(const LoadedScenario& scenario, const RunOptions& options) {
  if (scenario.spec.planet().storage() != "disk") return Status::Ok();
  return CheckDiskDirectory(DatabaseDirectory(options));
}

RunResult RunScenario(const LoadedScenario& scenario, const RunOptions& options) {
  RunResult result;
  Run run(scenario, options, result);
  run.Go();
  return result;
}

}  // namespace testplanet::scenario
