#include "sim/sleep.h"

#include <algorithm>

#include "sim/simulator.h"

namespace testplanet {
namespace {

// One sleeping coroutine: its timer's callback owns it, and it waits on the context itself (no
// registration of its own to allocate, nor to reach when it wakes).
struct SleepOp final : Context::Waiter {
  SleepOp(Simulator& s, UniqueFunction<void(bool)> d) : sim(&s), done(std::move(d)) {}
  // The context ended first: cancel the timer (which destroys this op) and resume with false.
  void OnContextDone() override {
    UniqueFunction<void(bool)> resume = std::move(done);
    Simulator& s = *sim;
    s.Cancel(timer);  // destroys the op; nothing of it is touched from here on
    s.Post([resume = std::move(resume)]() mutable { resume(false); });
  }
  Simulator* sim;
  TimerId timer;
  UniqueFunction<void(bool)> done;
};

void StartSleep(const Context& ctx, TimePoint until, WakeHint wake,
                UniqueFunction<void(bool)> done) {
  Simulator& sim = ctx.sim();
  if (ctx.Done()) {
    sim.Post([done = std::move(done)]() mutable { done(false); });
    return;
  }
  auto op = std::make_unique<SleepOp>(sim, std::move(done));
  SleepOp* raw = op.get();
  raw->timer = sim.ScheduleAt(
      until,
      [op = std::move(op)]() mutable {
        op->Unlink();
        UniqueFunction<void(bool)> resume = std::move(op->done);
        resume(true);
      },
      EventTag{}, EventWarmth{raw, ctx.state_address(), wake.first, wake.second});
  ctx.Link(*raw);
}

}  // namespace

Awaitable<bool> SleepUntil(Context ctx, TimePoint until, WakeHint wake) {
  return boost::asio::async_initiate<const UseAwaitable&, void(bool)>(
      [wake](auto handler, const Context& sleep_ctx, TimePoint sleep_until) {
        StartSleep(sleep_ctx, sleep_until, wake, std::move(handler));
      },
      kUseAwaitable, std::move(ctx), until);
}

Awaitable<bool> Sleep(Context ctx, Duration d, WakeHint wake) {
  const TimePoint now = ctx.sim().Now();
  return SleepUntil(std::move(ctx), d >= kTimeInfinity - now ? kTimeInfinity : now + d, wake);
}

Awaitable<bool> Fence::Wait(Context ctx) {
  return boost::asio::async_initiate<const UseAwaitable&, void(bool)>(
      [this](auto handler, const Context& wait_ctx) { StartWait(wait_ctx, std::move(handler)); },
      kUseAwaitable, std::move(ctx));
}

struct Fence::Waiter {
  std::uint64_t id;
  Context::Registration registration;
  Simulator::ParkId parked;  // the waiting coroutine's continuation
};

Fence::Fence(Simulator& sim) : sim_(&sim) {}

Fence::~Fence() {
  // Reset registrations first: a waiter's ctx must not call back into a dead fence.
  std::vector<std::unique_ptr<Waiter>> waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& waiter : waiters) waiter->registration.Reset();
  for (auto& waiter : waiters) sim_->Discard(waiter->parked);
}

void Fence::Release() {
  if (released_) return;
  released_ = true;
  std::vector<std::unique_ptr<Waiter>> waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& waiter : waiters) {
    waiter->registration.Reset();
    if (auto done = sim_->Unpark<void(bool)>(waiter->parked)) {
      sim_->Post([done = std::move(done)]() mutable { done(true); });
    }
  }
}

void Fence::StartWait(const Context& ctx, UniqueFunction<void(bool)> done) {
  if (released_ || ctx.Done()) {
    sim_->Post([done = std::move(done), ok = released_]() mutable { done(ok); });
    return;
  }
  auto waiter = std::make_unique<Waiter>();
  waiter->id = next_waiter_id_++;
  waiter->parked = sim_->Park(std::move(done));
  Waiter* raw = waiter.get();
  waiters_.push_back(std::move(waiter));
  raw->registration = ctx.OnDone([this, id = raw->id] { Finish(id, false); });
}

void Fence::Finish(std::uint64_t id, bool released) {
  auto it = std::find_if(waiters_.begin(), waiters_.end(),
                         [id](const auto& waiter) { return waiter->id == id; });
  if (it == waiters_.end()) return;
  std::unique_ptr<Waiter> waiter = std::move(*it);
  waiters_.erase(it);
  if (auto done = sim_->Unpark<void(bool)>(waiter->parked)) {
    sim_->Post([done = std::move(done), released]() mutable { done(released); });
  }
}

}  // namespace testplanet
