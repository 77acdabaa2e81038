#include "scenarios/planet/chore_ledger.h"

#include <algorithm>

#include "sim/cycle.h"

namespace testplanet {

std::string_view ChoreOpName(ChoreOp op) {
  switch (op) {
    case ChoreOp::kPause:
      return "pause";
    case ChoreOp::kRestart:
      return "restart";
    case ChoreOp::kTrigger:
      return "trigger";
    case ChoreOp::kChangeInterval:
      return "change_interval";
    case ChoreOp::kStop:
      return "stop";
    case ChoreOp::kTriggerWait:
      return "trigger_wait";
  }
  return "?";
}

ChoreLedger::ChoreLedger(std::function<void(const std::string&)> violation,
                         std::function<std::string(PeerId, std::uint64_t)> describe)
    : violation_(std::move(violation)), describe_(std::move(describe)) {}

void ChoreLedger::Started(PeerId peer,
                          const std::vector<std::pair<std::uint64_t, Duration>>& chores,
                          TimePoint chores_begin) {
  for (const auto& [chore, interval] : chores) {
    State& state = Slot(peer, chore);
    const State::Counts counts = state.counts;  // they go on across restarts
    state = State{};
    state.counts = counts;
    state.interval = interval;
    state.armed_at = chores_begin;
  }
  if (peer < chores_.size()) chores_[peer].chores_begin = chores_begin;
}

ChoreLedger::Runs ChoreLedger::RunsOf(PeerId peer, std::uint64_t chore) const {
  const State* state = Find(peer, chore);
  Runs runs;
  if (state == nullptr) return runs;
  const State::Counts& counts = state->counts;
  runs.started = counts.started;
  runs.by_reason[static_cast<std::size_t>(CycleRunReason::kFirst)] =
      counts.started - counts.ticked - counts.triggered;
  runs.by_reason[static_cast<std::size_t>(CycleRunReason::kTick)] = counts.ticked;
  runs.by_reason[static_cast<std::size_t>(CycleRunReason::kTrigger)] = counts.triggered;
  runs.ticks_dropped = counts.ticks_dropped;
  if (counts.started > 0) runs.last_started = counts.last_started;
  return runs;
}

ChoreLedger::State& ChoreLedger::Slot(PeerId peer, std::uint64_t chore) {
  if (peer >= chores_.size()) chores_.resize(static_cast<std::size_t>(peer) + 1);
  PeerChores& of_peer = chores_[peer];
  for (std::uint32_t i = 0; i < of_peer.count; ++i) {
    if (of_peer.names[i] == chore) return of_peer.states[i];
  }
  for (auto& [name, state] : of_peer.more) {
    if (name == chore) return state;
  }
  if (of_peer.count < kInlineChores) {
    of_peer.names[of_peer.count] = chore;
    return of_peer.states[of_peer.count++];
  }
  return of_peer.more.emplace_back(chore, State{}).second;
}

const ChoreLedger::State* ChoreLedger::Find(PeerId peer, std::uint64_t chore) const {
  if (peer >= chores_.size()) return nullptr;
  const PeerChores& of_peer = chores_[peer];
  for (std::uint32_t i = 0; i < of_peer.count; ++i) {
    if (of_peer.names[i] == chore) return &of_peer.states[i];
  }
  for (const auto& [name, state] : of_peer.more) {
    if (name == chore) return &state;
  }
  return nullptr;
}

void ChoreLedger::OnRecord(const TraceRecord& record) {
  const std::uint64_t kind = record.kind;
  if (kind != chore_kinds::kControl.id && kind != trace_kinds::kCycleRunBegin.id &&
      kind != trace_kinds::kCycleRunEnd.id && kind != trace_kinds::kCycleTickDropped.id &&
      kind != trace_kinds::kCycleStopped.id) {
    return;
  }
  State& state = Slot(record.peer, record.a);
  if (kind == chore_kinds::kControl.id) {
    Control(state, chores_[record.peer].chores_begin, record);
  } else if (kind == trace_kinds::kCycleRunBegin.id) {
    RunBegan(state, record);
  } else if (kind == trace_kinds::kCycleRunEnd.id) {
    state.running = false;
  } else if (kind == trace_kinds::kCycleTickDropped.id) {
    ++state.counts.ticks_dropped;
  } else {
    state.stopped = true;  // Run returned: no run can begin any more
  }
}

void ChoreLedger::Control(State& state, TimePoint chores_begin, const TraceRecord& record) {
  // Asked before the peer's chores begin, a Restart or ChangeInterval arms the ticker as it
  // begins (Cycle::Start), not now.
  const TimePoint now = std::max(TimePoint{Duration(record.time_ns)}, chores_begin);
  switch (static_cast<ChoreOp>(record.b)) {
    case ChoreOp::kPause:
      state.paused = true;
      break;
    case ChoreOp::kRestart:
      state.paused = false;
      state.armed_at = now;
      state.ticked_since_arm = false;
      break;
    case ChoreOp::kChangeInterval:
      state.interval = Duration(static_cast<std::int64_t>(record.c));
      state.paused = false;
      state.armed_at = now;
      state.ticked_since_arm = false;
      break;
    case ChoreOp::kStop:
      state.stopped = true;
      break;
    case ChoreOp::kTrigger:
    case ChoreOp::kTriggerWait:
      break;
  }
}

void ChoreLedger::RunBegan(State& state, const TraceRecord& record) {
  const TimePoint now{Duration(record.time_ns)};
  const auto reason = static_cast<CycleRunReason>(record.b);
  if (state.running) Violate(record, "began a run while its previous run was in progress");
  if (state.stopped) Violate(record, "ran after it was stopped");
  if (reason == CycleRunReason::kTick) {
    if (state.paused) Violate(record, "ticked while paused (only triggers may run it)");
    if (state.interval < Duration::zero()) {
      Violate(record, "ticked while disabled (only triggers may run it)");
    } else if (!state.ticked_since_arm && state.interval > Duration::zero() &&
               now < state.armed_at + state.interval) {
      Violate(record, "ticked " + FormatDuration(now - state.armed_at) +
                          " after its ticker was armed at " + FormatTime(state.armed_at) +
                          "; the first tick comes one full interval (" +
                          FormatDuration(state.interval) + ") later");
    }
    state.ticked_since_arm = true;
  }
  state.running = true;
  ++state.counts.started;
  if (reason == CycleRunReason::kTick) ++state.counts.ticked;
  if (reason == CycleRunReason::kTrigger) ++state.counts.triggered;
  state.counts.last_started = now;
}

void ChoreLedger::Violate(const TraceRecord& record, const std::string& what) {
  if (!violation_) return;
  violation_(describe_(record.peer, record.a) + " " + what + " (run at " +
             FormatTime(TimePoint(Duration(record.time_ns))) + ")");
}

}  // namespace testplanet
