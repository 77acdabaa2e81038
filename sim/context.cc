#include "sim/context.h"

#include <algorithm>
#include <cstdint>

#include <boost/container/small_vector.hpp>

#include "sim/simulator.h"

namespace testplanet {

struct Context::Registration::Node final : Context::Waiter {
  explicit Node(UniqueFunction<void()> on_done) : fn(std::move(on_done)) {}
  void OnContextDone() override {
    UniqueFunction<void()> call = std::move(fn);  // the call may destroy this node
    call();
  }
  UniqueFunction<void()> fn;
};

struct Context::State : std::enable_shared_from_this<Context::State> {
  explicit State(Simulator& s) : sim(&s) {}
  ~State() {
    if (deadline_event) sim->Cancel(deadline_event);
    if (parent) parent->UnlinkChild(this);
  }

  void LinkChild(State* child) {
    child->prev_sibling = last_child;
    if (last_child != nullptr)
      last_child->next_sibling = child;
    else
      first_child = child;
    last_child = child;
  }
  void UnlinkChild(State* child) {
    (child->prev_sibling ? child->prev_sibling->next_sibling : first_child) = child->next_sibling;
    (child->next_sibling ? child->next_sibling->prev_sibling : last_child) = child->prev_sibling;
    child->prev_sibling = child->next_sibling = nullptr;
  }
  // Registrations sit in a vector in registration order rather than in a list: linking and
  // unlinking touch the state and one slot, never a neighbour's waiter (in a planet of thousands
  // of peers, each neighbour was a cache miss on every sleep). An unlinked slot is left empty;
  // empty slots at the end are dropped at once, the rest when they outnumber the live ones.
  void LinkWaiter(Waiter* waiter) {
    if (waiters.size() >= 32 && empty_slots * 2 > waiters.size()) Compact();
    waiter->index_ = static_cast<std::uint32_t>(waiters.size());
    waiters.push_back(waiter);
    waiter->linked_ = true;
  }
  void UnlinkWaiter(Waiter* waiter) {
    waiters[waiter->index_] = nullptr;
    waiter->linked_ = false;
    ++empty_slots;
    while (!waiters.empty() && waiters.back() == nullptr) {
      waiters.pop_back();
      --empty_slots;
    }
  }
  void Compact() {
    std::size_t kept = 0;
    for (Waiter* waiter : waiters) {
      if (waiter == nullptr) continue;
      waiter->index_ = static_cast<std::uint32_t>(kept);
      waiters[kept++] = waiter;
    }
    waiters.resize(kept);
    empty_slots = 0;
  }

  void End(const Status& reason) {
    if (done) return;
    done = true;
    err = reason;
    if (deadline_event) {
      sim->Cancel(deadline_event);
      deadline_event = {};
    }
    // Unlink each waiter before telling it, so a callback may reset other registrations
    // (which only empties slots: nothing links to an ended scope, and Compact runs only when
    // linking).
    for (std::size_t i = 0; i < waiters.size(); ++i) {
      Waiter* waiter = waiters[i];
      if (waiter == nullptr) continue;
      UnlinkWaiter(waiter);
      waiter->OnContextDone();  // may destroy the waiter
    }
    for (State* child = first_child; child != nullptr;) {
      std::shared_ptr<State> keep = child->weak_from_this().lock();
      if (keep) keep->End(reason);
      child = child->next_sibling;
    }
  }

  // First what every sleep and wait reads, near the reference count that make_shared puts just
  // before it.
  Simulator* sim;
  bool done = false;
  std::uint32_t empty_slots = 0;  // unlinked slots left in `waiters`
  // The registrations, in registration order; empty slots null. The first few live in the
  // state itself, so a sleep under a peer's context touches no other memory of its own.
  boost::container::small_vector<Waiter*, 4> waiters;
  std::shared_ptr<State> parent;
  Status err;
  TimePoint deadline = kTimeInfinity;
  TimerId deadline_event;
  State* first_child = nullptr;
  State* last_child = nullptr;
  State* prev_sibling = nullptr;
  State* next_sibling = nullptr;
};

Context Context::Background(Simulator& sim) { return Context(std::make_shared<State>(sim)); }

Context Context::WithCancel() const { return WithDeadline(kTimeInfinity); }

Context Context::WithTimeout(Duration timeout) const {
  const TimePoint now = state_->sim->Now();
  return WithDeadline(timeout >= kTimeInfinity - now ? kTimeInfinity : now + timeout);
}

Context Context::WithDeadline(TimePoint deadline) const {
  auto child = std::make_shared<State>(*state_->sim);
  child->parent = state_;
  child->deadline = std::min(deadline, state_->deadline);
  state_->LinkChild(child.get());
  if (state_->done) {
    child->End(state_->err);
  } else if (deadline < state_->deadline) {
    // Only a deadline earlier than the parent's needs a timer: the parent's own ends the rest.
    Simulator& sim = *state_->sim;
    if (deadline <= sim.Now()) {
      child->End(DeadlineExceededError("context deadline exceeded"));
    } else {
      std::weak_ptr<State> weak = child;
      child->deadline_event = sim.ScheduleAt(deadline, [weak] {
        if (auto state = weak.lock()) {
          state->deadline_event = {};
          state->End(DeadlineExceededError("context deadline exceeded"));
        }
      });
    }
  }
  return Context(std::move(child));
}

void Context::Cancel() const { state_->End(CancelledError("context cancelled")); }
void Context::Cancel(const Status& reason) const {
  state_->End(reason.ok() ? CancelledError("context cancelled") : reason);
}
bool Context::Done() const { return state_->done; }
Status Context::Err() const { return state_->err; }
TimePoint Context::Deadline() const { return state_->deadline; }
Simulator& Context::sim() const { return *state_->sim; }

void Context::Link(Waiter& waiter) const {
  if (state_->done) {
    waiter.OnContextDone();
    return;
  }
  waiter.state_ = state_;
  state_->LinkWaiter(&waiter);
}

void Context::Waiter::Unlink() {
  if (!linked_) return;
  state_->UnlinkWaiter(this);
  state_.reset();
}

Context::Registration Context::OnDone(UniqueFunction<void()> on_done) const {
  Registration registration;
  if (state_->done) {
    on_done();
    return registration;
  }
  registration.node_ = std::make_unique<Registration::Node>(std::move(on_done));
  Link(*registration.node_);
  return registration;
}

Context::Registration::Registration() = default;
Context::Registration::Registration(Registration&&) noexcept = default;
Context::Registration::~Registration() { Reset(); }
Context::Registration& Context::Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    Reset();
    node_ = std::move(other.node_);
  }
  return *this;
}

void Context::Registration::Reset() { node_.reset(); }  // the node unlinks itself

}  // namespace testplanet
