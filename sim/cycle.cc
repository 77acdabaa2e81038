#include "sim/cycle.h"

#include <exception>
#include <utility>

namespace testplanet {

std::string_view CycleRunReasonName(CycleRunReason reason) {
  switch (reason) {
    case CycleRunReason::kFirst:
      return "first";
    case CycleRunReason::kTick:
      return "tick";
    case CycleRunReason::kTrigger:
      return "trigger";
  }
  return "unknown";
}

namespace {

bool ValidInterval(Duration interval) {
  return interval > Duration::zero() || interval == Cycle::kDisabled;
}

Status BadInterval(const std::string& name, Duration interval) {
  return InvalidArgumentError("cycle " + name + ": interval " + FormatDuration(interval) +
                              " must be positive, or -1ns (Cycle::kDisabled) to disable");
}

}  // namespace

Cycle::Cycle(Simulator& sim, std::string name, PeerId peer, Duration interval)
    : sim_(&sim),
      name_id_(sim.trace().InternName(name)),
      interval_(interval),
      peer_(peer),
      self_(std::make_shared<Cycle*>(this)),
      name_(std::move(name)) {}

Cycle::~Cycle() {
  *self_ = nullptr;
  DisarmTicker();
  ctx_registration_.Reset();
}

Status Cycle::SetInterval(Duration interval) {
  if (started_) return FailedPreconditionError("cycle " + name_ + ": SetInterval after Start");
  if (!ValidInterval(interval)) return BadInterval(name_, interval);
  interval_ = interval;
  return Status::Ok();
}

Awaitable<Status> Cycle::Run(Context ctx, Fn fn) {
  return boost::asio::async_initiate<const UseAwaitable&, void(Status)>(
      [this](auto handler, Context run_ctx, Fn run_fn) {
        Start(std::move(run_ctx), std::move(run_fn), std::move(handler));
      },
      kUseAwaitable, std::move(ctx), std::move(fn));
}

void Cycle::Start(Context ctx, Fn fn, UniqueFunction<void(Status)> on_exit) {
  if (started_ || closed_) {
    if (on_exit) {
      sim_->Post([on_exit = std::move(on_exit), name = name_]() mutable {
        on_exit(FailedPreconditionError("cycle " + name + ": Start or Run called twice"));
      });
    }
    return;
  }
  started_ = true;
  ctx_ = std::move(ctx);
  fn_ = std::move(fn);
  on_exit_ = std::move(on_exit);
  if (stopping_) {  // Stop before Start: Run returns OK without running fn.
    Exit(Status::Ok());
    return;
  }
  if (!ValidInterval(interval_)) {
    Exit(BadInterval(name_, interval_));
    return;
  }
  ctx_registration_ = ctx_->OnDone([this] { OnContextDone(); });
  if (exited_) return;  // the context had already ended
  if (Disabled()) {
    MaybeStartNext();  // only triggers run a disabled cycle
    return;
  }
  if (!paused_) ArmTicker();
  if (!delay_start_) {
    StartRun(CycleRunReason::kFirst, {});
  } else {
    MaybeStartNext();
  }
}

void Cycle::ArmTicker() {
  DisarmTicker();
  next_tick_ = sim_->Now() + interval_;
  ScheduleTick();
}

void Cycle::ScheduleTick() {
  tick_timer_ = sim_->ScheduleAt(
      next_tick_,
      [this] {
        tick_timer_ = {};
        OnTick();
      },
      EventTag{peer_, name_id_},
      EventWarmth{this, ctx_ ? ctx_->state_address() : nullptr, wake_hint_.first,
                  wake_hint_.second});
}

void Cycle::DisarmTicker() {
  if (tick_timer_) sim_->Cancel(tick_timer_);
  tick_timer_ = {};
}

void Cycle::OnTick() {
  // Keep the ticker's phase: ticks fall on start + k * interval, as Go's ticker does.
  next_tick_ += interval_;
  ScheduleTick();
  if (running_ || HasTriggers()) {
    if (!tick_held_) {
      tick_held_ = true;
    } else {
      ++ticks_dropped_;
      sim_->Record(peer_, trace_kinds::kCycleTickDropped, name_id_);
    }
    return;
  }
  StartRun(CycleRunReason::kTick, {});
}

void Cycle::MaybeStartNext() {
  if (running_ || exited_ || stopping_ || !started_) return;
  if (HasTriggers()) {
    UniqueFunction<void(Status)> done = std::move(triggers_->front());
    triggers_->pop_front();
    StartRun(CycleRunReason::kTrigger, std::move(done));
  } else if (tick_held_) {
    tick_held_ = false;
    StartRun(CycleRunReason::kTick, {});
  }
}

void Cycle::StartRun(CycleRunReason reason, UniqueFunction<void(Status)> on_done) {
  running_ = true;
  last_run_started_ = sim_->Now();
  const std::uint64_t number = ++runs_started_;
  current_done_ = std::move(on_done);
  sim_->Record(peer_, trace_kinds::kCycleRunBegin, name_id_, static_cast<std::uint64_t>(reason),
               number);
  Awaitable<Status> run = fn_(CycleRun{*ctx_, reason, number});
  std::weak_ptr<Cycle*> weak = self_;
  boost::asio::co_spawn(sim_->io(), std::move(run),
                        [weak](std::exception_ptr error, Status status) {
                          auto self = weak.lock();
                          if (!self || *self == nullptr) return;
                          if (error) status = StatusFromException(error).WithContext("fn");
                          (*self)->OnRunDone(std::move(status));
                        });
}

void Cycle::OnRunDone(Status status) {
  running_ = false;
  ++runs_finished_;
  sim_->Record(peer_, trace_kinds::kCycleRunEnd, name_id_,
               static_cast<std::uint64_t>(status.code()), runs_started_);
  if (current_done_) {
    sim_->Post([done = std::move(current_done_), status]() mutable { done(status); });
    current_done_ = {};
  }
  if (!status.ok()) {
    Exit(status.WithContext("cycle " + name_));  // fn's error ends the cycle
  } else if (stopping_) {
    Exit(stop_reason_);
  } else {
    MaybeStartNext();
  }
}

void Cycle::OnContextDone() {
  if (exited_ || stopping_) return;
  stopping_ = true;
  stop_reason_ = ctx_->Err();
  DisarmTicker();
  if (!running_) Exit(stop_reason_);
}

void Cycle::Exit(Status status) {
  if (exited_) return;
  exited_ = true;
  stopping_ = true;
  running_ = false;
  tick_held_ = false;
  DisarmTicker();
  ctx_registration_.Reset();
  exit_status_ = status;
  sim_->Record(peer_, trace_kinds::kCycleStopped, name_id_,
               static_cast<std::uint64_t>(status.code()));
  if (std::unique_ptr<TriggerQueue> triggers = std::move(triggers_)) {
    for (auto& done : *triggers) {
      if (!done) continue;
      sim_->Post([done = std::move(done), name = name_]() mutable {
        done(CancelledError("cycle " + name + " stopped before the triggered run"));
      });
    }
  }
  if (on_exit_) {
    sim_->Post([on_exit = std::move(on_exit_), status]() mutable { on_exit(status); });
    on_exit_ = {};
  }
}

void Cycle::Stop() {
  if (stopping_ || exited_) return;
  stopping_ = true;
  stop_reason_ = Status::Ok();
  DisarmTicker();
  if (started_ && !running_) Exit(Status::Ok());
  // A run in progress finishes; OnRunDone then exits. Queued triggers are dropped by Exit.
}

Status Cycle::Close(Duration limit) {
  if (closed_) return exit_status_;
  Stop();
  if (started_ && !exited_ && !sim_->InsideEvent()) {
    if (!sim_->RunUntil([this] { return exited_; }, limit)) {
      return DeadlineExceededError("cycle " + name_ + ": Close timed out waiting for fn to return");
    }
  }
  closed_ = true;
  return exit_status_;
}

void Cycle::Pause() {
  if (closed_ || exited_ || Disabled()) return;
  paused_ = true;
  tick_held_ = false;  // Go drains one pending tick
  DisarmTicker();
}

void Cycle::Restart() {
  if (closed_ || exited_ || Disabled()) return;
  paused_ = false;
  tick_held_ = false;
  if (started_ && !stopping_) ArmTicker();
}

Status Cycle::ChangeInterval(Duration interval) {
  if (!ValidInterval(interval)) return BadInterval(name_, interval);
  if (closed_ || exited_) return Status::Ok();
  interval_ = interval;
  tick_held_ = false;
  paused_ = false;
  if (Disabled()) {
    DisarmTicker();
  } else if (started_ && !stopping_) {
    ArmTicker();
  }
  return Status::Ok();
}

void Cycle::QueueTrigger(UniqueFunction<void(Status)> on_done) {
  if (triggers_ == nullptr) triggers_ = std::make_unique<TriggerQueue>();
  triggers_->push_back(std::move(on_done));
  MaybeStartNext();
}

void Cycle::Trigger() {
  if (closed_ || exited_ || stopping_) return;
  QueueTrigger({});
}

Status Cycle::TriggerWait(Duration limit) {
  if (sim_->InsideEvent()) {
    return FailedPreconditionError("cycle " + name_ +
                                   ": TriggerWait inside the simulation; use TriggerWaitAsync");
  }
  if (closed_ || exited_ || stopping_) {
    return CancelledError("cycle " + name_ + " is stopped");
  }
  if (!started_) {
    return FailedPreconditionError("cycle " + name_ + ": TriggerWait before Start");
  }
  auto result = std::make_shared<std::optional<Status>>();
  QueueTrigger([result](Status status) { *result = std::move(status); });
  if (sim_->RunUntil([result] { return result->has_value(); }, limit)) return **result;
  if (!sim_->status().ok()) return sim_->status();
  if (sim_->NextEventTime() == kTimeInfinity) {
    return FailedPreconditionError("cycle " + name_ +
                                   ": the simulation ran out of events before the triggered run "
                                   "finished (is fn waiting for something that never happens?)");
  }
  return DeadlineExceededError("cycle " + name_ + ": triggered run did not finish within " +
                               FormatDuration(limit) + " of virtual time");
}

Awaitable<Status> Cycle::TriggerWaitAsync() {
  return boost::asio::async_initiate<const UseAwaitable&, void(Status)>(
      [this](auto handler) {
        if (closed_ || exited_ || stopping_) {
          sim_->Post([handler = std::move(handler), name = name_]() mutable {
            std::move(handler)(CancelledError("cycle " + name + " is stopped"));
          });
          return;
        }
        QueueTrigger(std::move(handler));
      },
      kUseAwaitable);
}

}  // namespace testplanet
