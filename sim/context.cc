#include "sim/context.h"

#include <algorithm>

#include "sim/simulator.h"

namespace testplanet {

struct Context::Registration::Node {
  std::shared_ptr<Context::State> state;
  Node* prev = nullptr;
  Node* next = nullptr;
  bool linked = false;
  UniqueFunction<void()> fn;
};

struct Context::State : std::enable_shared_from_this<Context::State> {
  using Node = Registration::Node;

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
  void LinkNode(Node* node) {
    node->prev = last_node;
    if (last_node != nullptr)
      last_node->next = node;
    else
      first_node = node;
    last_node = node;
    node->linked = true;
  }
  void UnlinkNode(Node* node) {
    (node->prev ? node->prev->next : first_node) = node->next;
    (node->next ? node->next->prev : last_node) = node->prev;
    node->prev = node->next = nullptr;
    node->linked = false;
  }

  void End(const Status& reason) {
    if (done) return;
    done = true;
    err = reason;
    if (deadline_event) {
      sim->Cancel(deadline_event);
      deadline_event = {};
    }
    // Unlink each callback before calling it, so a callback may reset other registrations.
    while (first_node != nullptr) {
      Node* node = first_node;
      UnlinkNode(node);
      UniqueFunction<void()> fn = std::move(node->fn);
      fn();
    }
    for (State* child = first_child; child != nullptr;) {
      std::shared_ptr<State> keep = child->weak_from_this().lock();
      if (keep) keep->End(reason);
      child = child->next_sibling;
    }
  }

  Simulator* sim;
  std::shared_ptr<State> parent;
  bool done = false;
  Status err;
  TimePoint deadline = kTimeInfinity;
  TimerId deadline_event;
  State* first_child = nullptr;
  State* last_child = nullptr;
  State* prev_sibling = nullptr;
  State* next_sibling = nullptr;
  Node* first_node = nullptr;
  Node* last_node = nullptr;
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

Context::Registration Context::OnDone(UniqueFunction<void()> on_done) const {
  Registration registration;
  if (state_->done) {
    on_done();
    return registration;
  }
  registration.node_ = std::make_unique<Registration::Node>();
  registration.node_->state = state_;
  registration.node_->fn = std::move(on_done);
  state_->LinkNode(registration.node_.get());
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

void Context::Registration::Reset() {
  if (node_ == nullptr) return;
  if (node_->linked) node_->state->UnlinkNode(node_.get());
  node_.reset();
}

}  // namespace testplanet
