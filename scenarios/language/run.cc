// A run: building the planet from the plan, scheduling the timeline, arming steps that wait for
// events, and collecting what the reporters need at the end.
#include "scenarios/language/run.h"

#include <filesystem>

#include <sstream>
#include <utility>

#include "peers/identity/signature_memo.h"
#include "peers/work.h"
#include "scenarios/language/judgement.h"
#include "scenarios/planet/owned_directory.h"
#include "scenarios/planet/planted_bugs.h"
#include "sim/asio.h"

namespace testplanet::scenario {

// Often enough for a line every few seconds on a 25,000-node planet, rare enough to cost nothing.
constexpr std::uint64_t kProgressEveryEvents = 1 << 14;

Run::Run(const Plan& plan, const RunOptions& options, RunResult& result)
    : plan_(&plan), options_(&options), result_(&result) {}

void Run::Go() {
  result_->scenario = plan_->name;
  result_->seed = options_->seed;
  result_->planted_bug = options_->planted_bug;
  result_->invariants = options_->invariants;
  result_->trace_level = options_->trace_level;
  result_->stop_at = options_->stop_at;
  result_->budget = options_->budget;
  ProcessWork() = Work{};            // this run's work from here (peers/work.h)
  SignatureMemo::Process().Clear();  // ... and its own real verifications
  if (!Setup()) return;
  Schedule();
  Simulator& sim = planet_->sim();
  TimePoint end(plan_->duration);
  bool stopped_early = options_->stop_at && TimePoint(*options_->stop_at) < end;
  if (stopped_early) end = TimePoint(*options_->stop_at);
  if (options_->progress || options_->stop_requested) {
    sim.SetProgressHook(kProgressEveryEvents, [this, &sim, end] {
      if (options_->progress) options_->progress(RunProgress{sim.Now(), end, sim.events_fired()});
      // Asked to stop: the rest of this instant fires, and the run is the one --stop-at here is.
      if (options_->stop_requested && options_->stop_requested()) sim.StopAfter(sim.Now());
    });
  }
  result_->status = sim.RunUntil(end);
  sim.SetProgressHook(0, {});
  if (sim.Now() < end && result_->status.ok()) {
    stopped_early = true;
    result_->interrupted = true;
    result_->stop_at = sim.Now().time_since_epoch();
  }
  if (sim.events_fired() >= options_->budget.events && !result_->status.ok()) {
    result_->status = ResourceExhaustedError(
        "the event budget of " + std::to_string(options_->budget.events) +
        " events was reached at " + FormatTime(sim.Now()) + "; raise it with --max-events");
  }
  if (result_->status.ok()) result_->status = planet_->CheckInvariants();
  if (result_->stop_at) result_->inspect = Inspect();
  for (const auto& [kind, count] : planet_->network().faults_fired()) {
    result_->faults[kind] += count;
  }
  if (!stopped_early && result_->status.ok()) EndOfRunChecks();
  Finish();
}

bool Run::Setup() {
  Config config = plan_->planet.ToConfig(options_->seed);
  config.trace_detail = options_->trace_detail;
  const std::string directory = options_->run_directory.empty() ? "." : options_->run_directory;
  config.run_directory = directory + "/db";
  if (config.storage == StorageMode::kOnDisk) {
    // The run directory is claimed before its db/ is made in it (owned_directory.h).
    if (Status s = ClaimDirectory(directory); !s.ok()) {
      result_->status = s;
      return false;
    }
  }
  config.check_invariants = options_->invariants;
  config.max_events = options_->budget.events;
  if (Status s = PlantBug(options_->planted_bug, config); !s.ok()) {
    result_->status = s;
    return false;
  }
  auto planet = Planet::Create(config);
  if (!planet.ok()) {
    result_->status = planet.status();
    return false;
  }
  planet_ = std::move(*planet);
  // The memory budget, kept while the run goes: what grows with its length is the trace and the
  // log it keeps for the reports (cost.h estimated the rest, and checked it, at load).
  planet_->sim().log().SetSink([this](const LogLine& line) {
    Hold(sizeof(LogLine) + line.message.size());
    result_->log.push_back(line);
  });
  if (options_->trace_detail == TraceDetail::kRecords) {
    if (options_->trace_level != TraceLevel::kAll) {
      planet_->sim().trace().KeepOnlyKinds(
          [level = options_->trace_level](std::uint64_t kind) { return KeepsKind(level, kind); });
    }
    // A run with a directory streams its records there, compressed, as it goes: memory holds
    // only the block being filled (a week of 25,000 nodes records gigabytes).
    if (!options_->run_directory.empty()) {
      std::error_code ignored;  // no directory: SpillTo fails and the records stay in memory
      std::filesystem::create_directories(options_->run_directory, ignored);
      planet_->sim().trace().SpillRecordsTo(options_->run_directory);
    }
    // The log holds its records in blocks: count a block when it is taken, not per record.
    planet_->sim().trace().AddListener([this](const TraceRecord&) {
      const std::uint64_t held = planet_->sim().trace().records().held_bytes();
      if (held > records_held_) {
        Hold(held - std::exchange(records_held_, held));
      } else if (held < records_held_) {  // a block went to the spill file
        held_bytes_ -= std::exchange(records_held_, held) - held;
      }
    });
  }
  if (options_->on_record) {
    planet_->sim().trace().AddListener(
        [this](const TraceRecord& record) { options_->on_record(record, planet_->sim().trace()); });
  }
  if (Status s = planet_->Start(); !s.ok()) {
    result_->status = s.WithContext("starting the planet");
    Finish();
    return false;
  }
  return true;
}

void Run::Schedule() {
  Simulator& sim = planet_->sim();
  for (const PlannedStep& step : plan_->steps) {
    if (step.on) {
      Arm(step);
    } else {
      sim.ScheduleAt(TimePoint(step.at), [this, index = step.index] { ApplyStep(index); });
    }
  }
  if (!armed_.empty()) {
    sim.trace().AddListener([this](const TraceRecord& record) { OnRecord(record); });
  }
  for (const PlannedCheck& check : plan_->checks) {
    sim.ScheduleAt(TimePoint(check.at), [this, index = check.index] { DoCheck(index); });
  }
  if (plan_->quiesce) sim.ScheduleAt(TimePoint(*plan_->quiesce), [this] { Quiesce(); });
}

void Run::Arm(const PlannedStep& step) {
  const PlannedTrigger& on = *step.on;
  Armed armed{step.index, on.event->kind, {}, 0, on.count};
  for (const PeerRef& peer : on.peers) armed.peers.insert(planet_->PeerIdOf(peer));
  if (!on.chore.empty()) armed.chore = planet_->sim().trace().InternName(on.chore);
  armed_by_kind_[armed.kind].push_back(armed_.size());
  armed_.push_back(std::move(armed));
}

void Run::Hold(std::uint64_t bytes) {
  held_bytes_ += bytes;
  if (held_bytes_ <= options_->budget.memory_bytes || over_memory_) return;
  over_memory_ = true;
  planet_->sim().Fail(ResourceExhaustedError(
      "the memory budget of " + FormatBytes(options_->budget.memory_bytes) + " was reached at " +
      FormatTime(planet_->sim().Now()) + " by the trace and log the run keeps; raise it with " +
      "--max-memory"));
}

void Run::OnRecord(const TraceRecord& record) {
  auto it = armed_by_kind_.find(record.kind);
  if (it == armed_by_kind_.end()) return;
  for (std::size_t index : it->second) {
    Armed& armed = armed_[index];
    if (armed.met || (!armed.peers.empty() && !armed.peers.count(record.peer))) continue;
    if (armed.chore != 0 && record.a != armed.chore) continue;
    const PlannedStep& step = plan_->steps[static_cast<std::size_t>(armed.step)];
    if (step.on->event->matches && !step.on->event->matches(record)) continue;
    if (--armed.remaining > 0) continue;
    armed.met = true;
    // After the event that recorded it, as an event of its own at this instant (or later).
    planet_->sim().ScheduleAfter(step.on->after, [this, at = armed.step] {
      planet_->sim().Record(kSimulatorPeer, scenario_kinds::kTriggered,
                            static_cast<std::uint64_t>(at));
      ApplyStep(at);
    });
  }
}

void Run::ApplyStep(int index) {
  applying_ = index;
  plan_->steps[static_cast<std::size_t>(index)].action->Apply(*this);
  applying_ = -1;
}

void Run::Spawn(Awaitable<Status> work, std::string counter) {
  Simulator& sim = planet_->sim();
  boost::asio::co_spawn(
      sim.io(), std::move(work),
      [this, counter = std::move(counter), &sim](std::exception_ptr error, Status s) {
        if (error) s = InternalError("threw");
        if (s.ok()) {
          ++result_->traffic[counter];
          return;
        }
        ++result_->traffic[counter + "_failed"];
        sim.WriteLog(kSimulatorPeer, LogLevel::kWarn, counter + " failed: " + s.ToString());
      });
}

void Run::After(Duration delay, UniqueFunction<void()> fn) {
  planet_->sim().ScheduleAfter(delay, std::move(fn));
}

RandomStream& Run::Stream(std::string_view purpose) {
  auto it = streams_.find(purpose);
  if (it == streams_.end()) {
    it = streams_
             .emplace(std::string(purpose),
                      planet_->sim().random().Stream("scenario/" + std::string(purpose)))
             .first;
  }
  return it->second;
}

void Run::Violation(const std::string& what) {
  if (InvariantChecker* invariants = planet_->invariants()) {
    invariants->Report(what);
  } else {
    planet_->sim().WriteLog(kSimulatorPeer, LogLevel::kWarn, "not checked: " + what);
  }
}

std::string Run::Inspect() {
  std::ostringstream out;
  Simulator& sim = planet_->sim();
  Simulator::Observation observing(sim);
  out << "state at " << FormatTime(sim.Now()) << " (seed " << options_->seed << ")\n";
  // The planet starts as Storj's testplanet does, every node checked in before the scenario's
  // first step; a stop inside that start can only show the state once it is over.
  if (options_->stop_at && TimePoint(*options_->stop_at) < sim.Now()) {
    out << "(the planet's start, every node's first check-in, ran to " << FormatTime(sim.Now())
        << ", past the stop asked for at " << FormatTime(TimePoint(*options_->stop_at)) << ")\n";
  }
  for (std::size_t i = 0; i < planet_->storage_nodes().size(); ++i) {
    auto* node = planet_->storage_nodes()[i].get();
    const std::string name = PeerRef::StorageNode(static_cast<int>(i)).Name();
    if (node == nullptr) {
      out << name << "  down (crashed)\n";
      continue;
    }
    auto counts = node->orders_db().Count();
    out << name << "  orders: unsent " << (counts.ok() ? counts->unsent : 0) << ", accepted "
        << (counts.ok() ? counts->accepted : 0) << ", rejected "
        << (counts.ok() ? counts->rejected : 0) << "\n";
    for (std::string_view chore_name : storagenode::StorageNode::ChoreNames()) {
      const ChoreControl& chore = *node->Chore(chore_name);
      const char* state = chore.Stopped()    ? "stopped"
                          : chore.Running()  ? "running"
                          : chore.Disabled() ? "disabled"
                          : chore.Paused()   ? "paused"
                                             : "idle";
      out << "    " << chore.name() << ": " << state << ", interval "
          << FormatDuration(chore.interval()) << ", runs " << chore.runs_started();
      if (chore.NextTick() != kTimeInfinity) out << ", next tick " << FormatTime(chore.NextTick());
      out << "\n";
    }
  }
  for (std::size_t i = 0; i < planet_->satellites().size(); ++i) {
    const std::string name = PeerRef::Satellite(static_cast<int>(i)).Name();
    const SettlementLedger::Counts settled =
        planet_->settlements().Of(planet_->PeerIdOf(PeerRef::Satellite(static_cast<int>(i))));
    out << name << (planet_->satellites()[i] ? "" : "  down (crashed)") << "  settled: accepted "
        << settled.accepted << ", rejected " << settled.rejected << "\n";
  }
  const std::string faults = planet_->network().DescribeFaults();
  out << "network faults: " << (faults.empty() ? "none\n" : "\n" + faults);
  return out.str();
}

void Run::Finish() {
  if (InvariantChecker* invariants = planet_->invariants()) {
    result_->invariant_checks = invariants->checks();
  }
  result_->bytes_lost_in_crashes = planet_->bytes_lost_in_crashes();
  CollectPeers(*planet_, *result_);
  Status shutdown = planet_->Shutdown();
  if (result_->status.ok() && !shutdown.ok()) result_->status = shutdown;
  CollectTrace(*planet_, *result_);
  result_->work = ProcessWork();
}

void CollectPeers(Planet& planet, RunResult& result) {
  Simulator& sim = planet.sim();
  Simulator::Observation observing(sim);
  for (std::size_t i = 0; i < planet.storage_nodes().size(); ++i) {
    const PeerRef ref = PeerRef::StorageNode(static_cast<int>(i));
    storagenode::StorageNode* node = planet.storage_nodes()[i].get();
    if (node != nullptr) {
      auto counts = node->orders_db().Count();
      if (counts.ok()) {
        result.orders.push_back({ref.Name(), counts->unsent, counts->accepted, counts->rejected});
      }
    }
    for (std::string_view chore : storagenode::StorageNode::ChoreNames()) {
      const ChoreLedger::Runs runs =
          planet.chore_runs().RunsOf(planet.PeerIdOf(ref), sim.trace().InternName(chore));
      ChoreRuns entry;
      entry.peer = ref.Name();
      entry.chore = std::string(chore);
      entry.runs = runs.started;
      entry.ticks_dropped = runs.ticks_dropped;
      entry.last_run = runs.last_started;
      if (const ChoreControl* control = node ? node->Chore(chore) : nullptr) {
        entry.interval = control->interval();
        if (control->NextTick() != kTimeInfinity) entry.next_tick = control->NextTick();
      }
      result.chores.push_back(std::move(entry));
    }
  }
  result.end = sim.Now();
}

void CollectTrace(Planet& planet, RunResult& result) {
  Simulator& sim = planet.sim();
  result.digest = sim.trace().digest();
  result.events = sim.events_fired();
  result.record_count = sim.trace().count();
  result.records = sim.trace().TakeRecords();
  result.peer_names = sim.trace().peer_names();
  result.names = sim.trace().names();
}

}  // namespace testplanet::scenario
