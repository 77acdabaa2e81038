// Faults in force during a run — peers crashed, stopped or taken down, clocks skewed, disks
// failing, chores controlled — counted as they fire, and undone by the quiesce.
#include "scenarios/language/run.h"

namespace testplanet::scenario {
namespace {

// How long a supervisor waits before starting a peer again whose start failed on its disk.
constexpr Duration kRestartRetry = std::chrono::minutes(1);

}  // namespace

void Run::AskFor(std::string_view fault) { asked_.try_emplace(std::string(fault), applying_); }

void Run::Fired(std::string_view fault, PeerRef peer) {
  ++result_->faults[std::string(fault)];
  Simulator& sim = planet_->sim();
  const PeerId id = planet_->PeerIdOf(peer);
  sim.Record(id, scenario_kinds::kFault, sim.trace().InternName(fault), id);
  sim.WriteLog(id, LogLevel::kInfo, "fault: " + std::string(fault) + " " + peer.Name());
}

void Run::Crash(PeerRef peer) {
  if (Status s = planet_->Crash(peer); !s.ok()) {
    planet_->sim().WriteLog(planet_->PeerIdOf(peer), LogLevel::kWarn,
                            "crash " + peer.Name() + " did not happen: " + s.ToString());
    return;
  }
  crashed_.insert(peer);
  Fired("crash", peer);
}

void Run::Stop(PeerRef peer) {
  if (Status s = planet_->BeginStop(peer); !s.ok()) {
    planet_->sim().WriteLog(planet_->PeerIdOf(peer), LogLevel::kWarn,
                            "stop " + peer.Name() + " did not happen: " + s.ToString());
    return;
  }
  crashed_.insert(peer);
  Fired("stop", peer);
}

void Run::Restart(PeerRef peer) {
  Simulator& sim = planet_->sim();
  if (Status s = planet_->Start(peer); !s.ok()) {
    const bool retry = s.code() == StatusCode::kUnavailable && crashed_.count(peer) > 0;
    sim.WriteLog(planet_->PeerIdOf(peer), LogLevel::kWarn,
                 "restart " + peer.Name() + (retry ? " failed: " : " did not happen: ") +
                     s.ToString() + (retry ? "; trying again in 1m" : ""));
    if (retry) RetryRestart(peer);
    return;
  }
  crashed_.erase(peer);
  // A started peer's chores are new: nothing a step did to the old ones holds for them.
  for (auto it = chores_.begin(); it != chores_.end();) {
    it = it->first.first == peer ? chores_.erase(it) : std::next(it);
  }
  Fired("restart", peer);
}

void Run::RetryRestart(PeerRef peer) {
  Fired("restart_failed", peer);
  planet_->sim().ScheduleAfter(kRestartRetry, [this, peer] {
    if (crashed_.count(peer) > 0) Restart(peer);
  });
}

void Run::TakeDown(PeerRef peer) {
  planet_->network().SetDown(peer.Address());
  down_.insert(peer);
  Fired("down", peer);
}

void Run::BringUp(PeerRef peer) {
  planet_->network().SetUp(peer.Address());
  down_.erase(peer);
  Fired("up", peer);
}

void Run::SetClock(PeerRef peer, Duration offset, std::int64_t drift_ppm) {
  planet_->sim().SetClockSkew(planet_->PeerIdOf(peer), offset, drift_ppm);
  skewed_.insert(peer);
  Fired("clock_skew", peer);
}

void Run::SetDiskFaults(PeerRef peer, const DiskRates& rates) {
  fakes::FaultyFileSystem& disk = planet_->DiskOf(peer);
  if (!rates.any()) {
    disk.SetErrorPolicy(nullptr);
    return;
  }
  auto& state = disk_random_[peer];
  if (!state) {
    state = std::make_unique<RandomStream>(planet_->sim().random().Stream("disk/" + peer.Name()));
  }
  RandomStream* random = state.get();
  disk.SetErrorPolicy([this, peer, rates, random](fakes::DiskOp op, const std::string&) {
    const double p = op == fakes::DiskOp::kWrite  ? rates.write
                     : op == fakes::DiskOp::kSync ? rates.sync
                                                  : rates.read;
    if (p <= 0 || !random->Bernoulli(p)) return false;
    Fired(std::string("disk_") + fakes::DiskOpName(op), peer);
    return true;
  });
}

bool Run::ControlChore(PeerRef peer, std::string_view name, ChoreOp op, Duration interval) {
  ChoreControl* chore = planet_->Chore(peer, name);
  if (chore == nullptr) return false;
  auto [it, fresh] = chores_.try_emplace({peer, std::string(name)});
  TouchedChore& touched = it->second;
  if (fresh) touched.configured = chore->interval();
  switch (op) {
    case ChoreOp::kPause:
      chore->Pause();
      touched.paused = true;
      break;
    case ChoreOp::kRestart:
      chore->Restart();
      touched.paused = false;
      break;
    case ChoreOp::kTrigger:
      chore->Trigger();
      break;
    case ChoreOp::kChangeInterval:
      chore->ChangeInterval(interval).IgnoreError();  // the loader checked it
      touched.retimed = true;
      touched.paused = false;
      break;
    case ChoreOp::kStop:
      chore->Stop();
      touched.stopped = true;
      break;
    case ChoreOp::kTriggerWait:
      Spawn(chore->TriggerWaitAsync(), "trigger_wait");
      break;
  }
  Fired("chore_" + std::string(ChoreOpName(op)), peer);
  return true;
}

// Faults stop: the network heals, disks and clocks are true again, chores are as configured,
// peers come back.
void Run::Quiesce() {
  Simulator& sim = planet_->sim();
  sim.WriteLog(kSimulatorPeer, LogLevel::kInfo, "quiesce: faults stop");
  sim.Record(kSimulatorPeer, scenario_kinds::kQuiesce);
  planet_->network().ClearFaults();
  for (const PeerRef& peer : down_) planet_->network().SetUp(peer.Address());
  down_.clear();
  for (const PeerRef& peer : skewed_)
    sim.SetClockSkew(planet_->PeerIdOf(peer), Duration::zero(), 0);
  skewed_.clear();
  for (const auto& [peer, random] : disk_random_) planet_->DiskOf(peer).SetErrorPolicy(nullptr);
  const std::set<PeerRef> crashed = crashed_;
  RestoreChores();  // may stop peers to restart them: those start themselves once down
  for (const PeerRef& peer : crashed) Restart(peer);
}

void Run::RestoreChores() {
  std::set<PeerRef> bounce;  // peers with a stopped chore: only a restart runs it again
  for (const auto& [key, touched] : chores_) {
    const PeerRef peer = key.first;
    if (crashed_.count(peer)) continue;  // its restart starts every chore afresh
    if (touched.stopped) {
      bounce.insert(peer);
      continue;
    }
    ChoreControl* chore = planet_->Chore(peer, key.second);
    if (chore == nullptr) continue;
    if (touched.retimed) {
      chore->ChangeInterval(touched.configured).IgnoreError();
    } else if (touched.paused) {
      chore->Restart();
    }
  }
  chores_.clear();
  for (const PeerRef& peer : bounce) {
    if (planet_->BeginStop(peer, [this, peer] { Restart(peer); }).ok()) crashed_.insert(peer);
  }
}

}  // namespace testplanet::scenario
