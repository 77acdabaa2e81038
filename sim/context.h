// Context: a cancellation and deadline scope for work inside the simulation, after Go's context.
//
// A Context is a cheap handle to shared state; copies name the same scope. A child made with
// WithCancel/WithTimeout/WithDeadline ends when its parent ends, when its deadline passes
// (DEADLINE_EXCEEDED), or when someone calls Cancel on it (CANCELLED, or the given status).
// A per-satellite settlement runs under WithTimeout(SenderTimeout); a stopped peer cancels the
// context its services run under, and every sleep and wait under it returns early.
//
// Promises: the parent outlives nothing it should not: a child holds its parent alive; a parent
// only knows its children weakly. Callbacks registered with OnDone run synchronously inside the
// Cancel that ends the scope, in registration order, children's after the parent's own.
// Trap: OnDone callbacks must be short (typically: post a continuation to the simulator); they
// must not destroy the Context they were registered on.
#ifndef TESTPLANET_SIM_CONTEXT_H_
#define TESTPLANET_SIM_CONTEXT_H_

#include <cstdint>
#include <memory>

#include "sim/clock.h"
#include "sim/status.h"
#include "sim/unique_function.h"

namespace testplanet {

class Simulator;

class Context {
 public:
  struct State;

  // A root context for `sim`: never ends by itself.
  static Context Background(Simulator& sim);

  Context WithCancel() const;
  Context WithDeadline(TimePoint deadline) const;
  Context WithTimeout(Duration timeout) const;

  // Ends this scope and every descendant with `reason` (CANCELLED when omitted). No effect on
  // a scope that has already ended.
  void Cancel() const;
  void Cancel(const Status& reason) const;

  // Returns true iff the scope has ended.
  bool Done() const;
  // Returns why the scope ended, or OK while it has not.
  Status Err() const;
  // Returns the earliest deadline of this scope and its ancestors, or kTimeInfinity.
  TimePoint Deadline() const;
  Simulator& sim() const;
  // Where the scope's state lives, for an EventWarmth: a sleep or a chore touches it first when
  // it wakes. Never dereference it.
  const void* state_address() const { return state_.get(); }

  // What OnDone and Link register: something to tell when the scope ends. Embed one (derive
  // from it) to register without a separate allocation, as Sleep does for every sleeping
  // coroutine; OnDone wraps a callback in one. Unlinks itself when destroyed or Unlinked.
  // OnContextDone runs once, inside the Cancel that ends the scope, after the waiter has been
  // unlinked: it may destroy the waiter, provided it touches nothing of it afterwards.
  class Waiter {
   public:
    Waiter() = default;
    Waiter(const Waiter&) = delete;
    Waiter& operator=(const Waiter&) = delete;
    virtual ~Waiter() { Unlink(); }
    // Stops waiting (no-op if not linked).
    void Unlink();
    bool linked() const { return linked_; }

   protected:
    virtual void OnContextDone() = 0;

   private:
    friend class Context;
    std::shared_ptr<State> state_;
    std::uint32_t index_ = 0;  // where it sits in the state's list while linked
    bool linked_ = false;
  };

  // Links `waiter` to this scope: its OnContextDone runs when the scope ends (at once, before
  // returning, if it already has). REQUIRES: `waiter` is not linked.
  void Link(Waiter& waiter) const;

  // A callback registered with OnDone. Unregisters itself when destroyed or Reset.
  class Registration {
   public:
    Registration();
    Registration(Registration&&) noexcept;
    Registration& operator=(Registration&&) noexcept;
    ~Registration();
    void Reset();

   private:
    friend class Context;
    struct Node;
    std::unique_ptr<Node> node_;
  };

  // Calls `on_done` when the scope ends (at once, before returning, if it already has).
  // The returned Registration must be kept for as long as the callback may run.
  [[nodiscard]] Registration OnDone(UniqueFunction<void()> on_done) const;

 private:
  explicit Context(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_CONTEXT_H_
