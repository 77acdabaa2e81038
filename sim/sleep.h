// Coroutine primitives on virtual time: Sleep, SleepUntil and Fence.
//
// All of them end early when their Context ends, and report whether they completed: they never
// throw for cancellation. A completion always resumes the coroutine from a scheduled event, so a
// Cancel or Release never runs a waiter's code inside the caller's stack.
#ifndef TESTPLANET_SIM_SLEEP_H_
#define TESTPLANET_SIM_SLEEP_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/asio.h"
#include "sim/clock.h"
#include "sim/context.h"
#include "sim/unique_function.h"
#include "sim/warmth.h"

namespace testplanet {

// Sleeps until virtual instant `until`. Returns true iff it was reached, false if `ctx` ended
// first (like Go's sync2.Sleep). `wake` names what the sleeper reads first once it wakes (see
// WakeHint); it changes nothing that runs.
Awaitable<bool> SleepUntil(Context ctx, TimePoint until, WakeHint wake = {});

// Sleeps `d` of virtual time. Returns true iff the whole duration passed.
Awaitable<bool> Sleep(Context ctx, Duration d, WakeHint wake = {});

// A one-shot latch (Go's sync2.Fence): Release opens it for good; Wait returns once it is open.
// Waiters are parked in the simulator (see Simulator::Park), so a coroutine may own the fence it
// waits on. Trap: destroying a Fence abandons its waiters (their coroutines are destroyed).
class Fence {
 public:
  explicit Fence(Simulator& sim);
  ~Fence();
  Fence(const Fence&) = delete;
  Fence& operator=(const Fence&) = delete;

  // Opens the fence and wakes every waiter (at this instant, in the order they began waiting).
  void Release();
  bool Released() const { return released_; }

  // Waits until the fence opens. Returns true iff it opened, false if `ctx` ended first.
  Awaitable<bool> Wait(Context ctx);

 private:
  struct Waiter;
  void StartWait(const Context& ctx, UniqueFunction<void(bool)> done);
  void Finish(std::uint64_t id, bool released);

  Simulator* sim_;
  bool released_ = false;
  std::uint64_t next_waiter_id_ = 1;
  std::vector<std::unique_ptr<Waiter>> waiters_;  // in the order they began waiting
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_SLEEP_H_
