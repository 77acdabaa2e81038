// Cycle: a periodic chore on virtual time, with the API and contract of Storj's sync2.Cycle.
//
// fn runs once at start (unless SetDelayStart), then on every tick of a ticker with the
// interval, measured start to start. Runs never overlap. A tick that falls due while fn runs
// is held (one, like Go's ticker channel of capacity 1) and further ones are dropped (recorded
// as cycle.tick.dropped); the held tick starts the next run as soon as the current one ends.
// Trigger queues a manual run; TriggerWait also waits for it. fn learns why it runs from
// CycleRun (first, tick, trigger) — ManuallyTriggered() is Go's IsManuallyTriggeredCycle.
// An error from fn ends the cycle: Run completes with that error. Stop ends it with OK once
// the current run (if any) has finished; Stop does not cancel fn's context (as in Go).
// Interval -1 (kDisabled) disables the cycle.
//
// Every run is recorded in the trace: cycle.run.begin / cycle.run.end with the cycle's name,
// its peer, the reason and the run number, at the virtual start and end instants.
//
// Deliberate deviations from Go, each documented at its method:
//   * Pause/Restart/ChangeInterval/Trigger never block, even while fn runs (Go's "Pause is slow").
//   * Trigger on a disabled cycle runs fn once (Go does nothing; Storj's own TODO asks for this).
//   * TriggerWait returns fn's error (Go swallows it).
//   * Misuse (bad interval, control after Close) returns an error or is ignored; never panics.
//
// Two cycles (or a cycle and any other event) due at the same virtual instant run in the order
// their events were scheduled: a tick is scheduled when the previous tick fires (or when the
// ticker is armed by Start, Restart or ChangeInterval), so of two cycles ticking at one instant
// the one whose ticker was scheduled first runs first. Never by name, peer or address.
//
// Trap: the Simulator must outlive the Cycle; a Cycle must outlive any Run coroutine using it
// (destroying a Cycle abandons its current run).
#ifndef TESTPLANET_SIM_CYCLE_H_
#define TESTPLANET_SIM_CYCLE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sim/asio.h"
#include "sim/chore_control.h"
#include "sim/clock.h"
#include "sim/context.h"
#include "sim/simulator.h"
#include "sim/status.h"
#include "sim/unique_function.h"

namespace testplanet {

enum class CycleRunReason : std::uint8_t {
  kFirst = 1,    // the immediate run at start
  kTick = 2,     // the ticker fell due
  kTrigger = 3,  // Trigger or TriggerWait
};
std::string_view CycleRunReasonName(CycleRunReason reason);

// What fn receives for one run.
struct CycleRun {
  Context ctx;            // ends when the cycle's Run context ends
  CycleRunReason reason;  // why this run happens
  std::uint64_t number;   // 1 for the first run of this cycle, then 2, 3, ...
  bool ManuallyTriggered() const { return reason == CycleRunReason::kTrigger; }
};

class Cycle final : public ChoreControl {
 public:
  using Fn = UniqueFunction<Awaitable<Status>(CycleRun)>;
  static constexpr Duration kDisabled = Duration(-1);
  // How much virtual time TriggerWait and Close let pass before giving up.
  static constexpr Duration kDefaultWaitLimit = std::chrono::hours(24 * 7);

  // `name` identifies the chore in the trace ("orders.sender"); `peer` is its owner.
  Cycle(Simulator& sim, std::string name, PeerId peer, Duration interval);
  ~Cycle();
  Cycle(const Cycle&) = delete;
  Cycle& operator=(const Cycle&) = delete;

  // Sets the interval before Start/Run. Returns INVALID_ARGUMENT for an interval that is
  // neither positive nor kDisabled (Go panics later instead), FAILED_PRECONDITION once started.
  Status SetInterval(Duration interval);
  // Waits one interval before the first run instead of running at once.
  void SetDelayStart() { delay_start_ = true; }
  // What fn reads first when a run starts — its owner's objects — for the scheduler to warm
  // with each tick (see WakeHint). Changes nothing that runs.
  void SetWakeHint(WakeHint hint) { wake_hint_ = hint; }

  // Runs the cycle until Stop, the context ending, or fn failing; returns nil (OK) after Stop,
  // ctx.Err() on cancellation, or fn's error. A disabled cycle does not run fn by itself but
  // stays alive for Trigger (deviation) until stopped. Call Run or Start once.
  Awaitable<Status> Run(Context ctx, Fn fn);
  // Starts the cycle without waiting for it; `on_exit` (optional) gets what Run would return.
  void Start(Context ctx, Fn fn, UniqueFunction<void(Status)> on_exit = {});

  // Stops the cycle for good. Idempotent. No new run starts; a run in progress finishes and
  // then Run returns OK. Deviation: never blocks (Go waits for Run to exit); from test code,
  // Close waits. Queued triggers are dropped; their TriggerWait returns CANCELLED.
  void Stop() override;
  // Stop, then (from outside the simulation) run it until Run has returned. Control calls
  // after Close are ignored (Go panics). Returns what Run returned, or OK if it never ran.
  Status Close(Duration limit = kDefaultWaitLimit);

  // Stops ticking; triggers still run and do not un-pause. Drops a held tick.
  // Deviation: takes effect at once, even while fn runs (Go blocks until fn returns).
  void Pause() override;
  // Un-pauses and re-arms the ticker so that the next tick is one full interval away.
  void Restart() override;
  // Sets a new interval and re-arms the ticker one new interval away; like Go, this un-pauses.
  // Deviation: kDisabled disables a running cycle and a positive interval re-enables a disabled
  // one (Go panics on both). Other values return INVALID_ARGUMENT and change nothing.
  Status ChangeInterval(Duration interval) override;

  // Queues one manual run; it starts when no run is in progress (at once if idle).
  // Returns without waiting for it. Deviation: on a disabled cycle it still runs fn once.
  void Trigger() override;
  // Queues one manual run and, from test code outside the simulation, runs the simulation
  // until that run has finished. Returns fn's error from that run (deviation: Go returns
  // nothing); CANCELLED if the cycle stopped first; FAILED_PRECONDITION if called from inside
  // the simulation (use TriggerWaitAsync there), before Start, or when the simulation ran out
  // of events first; DEADLINE_EXCEEDED if `limit` of virtual time passed first.
  Status TriggerWait(Duration limit = kDefaultWaitLimit);
  // The awaitable form of TriggerWait, for code inside the simulation.
  Awaitable<Status> TriggerWaitAsync() override;

  bool Disabled() const override { return interval_ == kDisabled; }
  bool Paused() const override { return paused_; }
  bool Running() const override { return running_; }  // fn is in progress
  bool Started() const { return started_; }
  bool Stopped() const override { return exited_; }  // Run has returned
  Duration interval() const override { return interval_; }
  const std::string& name() const override { return name_; }
  PeerId peer() const { return peer_; }
  std::uint64_t runs_started() const override { return runs_started_; }
  std::uint64_t runs_finished() const { return runs_finished_; }
  std::uint64_t ticks_dropped() const override { return ticks_dropped_; }
  // When the latest run began, if any has.
  std::optional<TimePoint> last_run_started() const { return last_run_started_; }
  // The instant of the next tick, or kTimeInfinity when none is armed (paused, disabled...).
  TimePoint NextTick() const override { return tick_timer_ ? next_tick_ : kTimeInfinity; }
  // What Run returned, once it has.
  const Status& exit_status() const { return exit_status_; }

 private:
  void ArmTicker();
  // Schedules the tick at next_tick_.
  void ScheduleTick();
  void DisarmTicker();
  void OnTick();
  void QueueTrigger(UniqueFunction<void(Status)> on_done);
  // Starts the next run if idle and something (trigger, held tick) is waiting.
  void MaybeStartNext();
  void StartRun(CycleRunReason reason, UniqueFunction<void(Status)> on_done);
  void OnRunDone(Status status);
  void OnContextDone();
  void Exit(Status status);
  bool HasTriggers() const { return triggers_ != nullptr && !triggers_->empty(); }

  // Laid out by use: a planet holds tens of thousands of cycles, each touched cold a few times
  // an hour, so what a tick and a run's end read comes first, in as few cache lines as fit it,
  // and what only control calls and exits read comes after.
  Simulator* sim_;
  std::uint64_t name_id_;
  Duration interval_;
  TimePoint next_tick_{};
  TimerId tick_timer_;
  WakeHint wake_hint_;
  PeerId peer_;
  bool delay_start_ = false;
  bool started_ = false;
  bool stopping_ = false;
  bool exited_ = false;
  bool closed_ = false;
  bool paused_ = false;
  bool running_ = false;
  bool tick_held_ = false;
  std::uint64_t runs_started_ = 0;
  std::uint64_t runs_finished_ = 0;
  std::optional<TimePoint> last_run_started_;
  std::optional<Context> ctx_;  // set by Start
  // Queued manual runs, in the order triggered; each may carry a TriggerWait continuation. Made
  // on the first trigger: most cycles are never triggered, and an empty deque allocates.
  using TriggerQueue = std::deque<UniqueFunction<void(Status)>>;
  std::unique_ptr<TriggerQueue> triggers_;
  Fn fn_;
  UniqueFunction<void(Status)> current_done_;  // the continuation of the run in progress
  // Lets callbacks that may outlive the Cycle (a finishing fn coroutine) notice it is gone.
  std::shared_ptr<Cycle*> self_;

  std::string name_;
  std::uint64_t ticks_dropped_ = 0;
  TimerId start_timer_;
  Context::Registration ctx_registration_;
  UniqueFunction<void(Status)> on_exit_;
  Status exit_status_;
  Status stop_reason_;  // what Run returns once the current run ends: OK after Stop, ctx.Err()
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_CYCLE_H_
