#include "sim/simulator.h"

#include <algorithm>
#include <exception>
#include <string>

#include "sim/asio.h"
#include "boost/asio/executor_work_guard.hpp"

namespace testplanet {

struct Simulator::WorkGuard {
  explicit WorkGuard(boost::asio::io_context& io) : guard(io.get_executor()) {}
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard;
};

Simulator::Simulator(SimulatorOptions options)
    : options_(options),
      random_(options.seed),
      trace_(options.trace_detail),
      // One thread, and no locking: the simulation never touches the context from another.
      io_(std::make_unique<boost::asio::io_context>(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE)),
      work_(std::make_unique<WorkGuard>(*io_)) {
  heap_.reserve(1024);
  slots_.reserve(1024);
}

Simulator::~Simulator() {
  // Pending callbacks may own suspended coroutines whose destructors cancel timers; the flag
  // turns those Cancel calls into no-ops while the containers are torn down.
  tearing_down_ = true;
  std::vector<Slot> slots = std::move(slots_);
  slots.clear();
  heap_.clear();
  work_.reset();
  io_.reset();
}

TimerId Simulator::ScheduleAt(TimePoint when, UniqueFunction<void()> fn, EventTag tag) {
  if (when < now_) when = now_;
  std::uint32_t slot_index;
  if (free_slots_.empty() && slots_.size() >= kMaxPendingEvents) {
    Fail(ResourceExhaustedError("more than " + std::to_string(kMaxPendingEvents) +
                                " events pending at once"));
    return TimerId{};
  }
  if (next_seq_ >= kMaxScheduledEvents) {
    Fail(ResourceExhaustedError("the event sequence is exhausted"));
    return TimerId{};
  }
  if (!free_slots_.empty()) {
    slot_index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot_index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  const std::uint64_t seq = next_seq_++;
  Slot& slot = slots_[slot_index];
  slot.fn = std::move(fn);
  slot.seq = seq;
  slot.tag = tag;
  heap_.push_back(HeapEntry{when.time_since_epoch().count(), seq << kSlotBits | slot_index});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  return TimerId{slot_index, seq};
}

bool Simulator::Cancel(TimerId id) {
  if (tearing_down_ || !id || id.slot >= slots_.size()) return false;
  Slot& slot = slots_[id.slot];
  if (slot.seq != id.seq) return false;
  slot.seq = 0;
  free_slots_.push_back(id.slot);
  ++stale_in_heap_;
  // Destroying the callback may cancel other events; the slot is already free.
  UniqueFunction<void()> doomed = std::move(slot.fn);
  doomed.Reset();
  MaybeCompact();
  return true;
}

void Simulator::MaybeCompact() {
  if (stale_in_heap_ < 1024 || stale_in_heap_ * 2 < heap_.size()) return;
  std::erase_if(heap_, [this](const HeapEntry& e) { return slots_[e.slot()].seq != e.seq(); });
  std::make_heap(heap_.begin(), heap_.end(), Later{});
  stale_in_heap_ = 0;
}

void Simulator::SkipStale() {
  while (!heap_.empty() && slots_[heap_.front().slot()].seq != heap_.front().seq()) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
    --stale_in_heap_;
  }
}

TimePoint Simulator::NextEventTime() {
  SkipStale();
  return heap_.empty() ? kTimeInfinity : TimePoint(Duration(heap_.front().time));
}

void Simulator::FireTop() {
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  const HeapEntry entry = heap_.back();
  heap_.pop_back();
  Slot& slot = slots_[entry.slot()];
  // Move the callback out: it may schedule events, which can reallocate slots_.
  UniqueFunction<void()> fn = std::move(slot.fn);
  const EventTag tag = slot.tag;
  slot.seq = 0;
  free_slots_.push_back(entry.slot());

  now_ = TimePoint(Duration(entry.time));
  current_seq_ = entry.seq();
  ++events_fired_;
  trace_.Record(TraceRecord{entry.time, entry.seq(), tag.peer, trace_kinds::kEvent.id, tag.label,
                            0, 0});
  ++depth_;
  try {
    fn();
  } catch (const std::exception& e) {
    Fail(InternalError(std::string("exception escaped an event at ") + FormatTime(now_) + ": " +
                       e.what()));
  } catch (...) {
    Fail(InternalError("unknown exception escaped an event at " + FormatTime(now_)));
  }
  --depth_;
}

void Simulator::PollExecutor() {
  ++depth_;
  try {
    io_->poll();
  } catch (const std::exception& e) {
    Fail(InternalError(std::string("exception escaped a coroutine at ") + FormatTime(now_) +
                       ": " + e.what()));
  }
  --depth_;
}

void Simulator::Fail(const Status& status) {
  if (status_.ok() && !status.ok()) status_ = status;
}

Status Simulator::CheckCanRun() const {
  if (depth_ > 0) {
    return FailedPreconditionError(
        "Run* called from inside the simulation; use the awaitable forms there");
  }
  return status_;
}

bool Simulator::Drive(TimePoint deadline, UniqueFunction<bool()>* predicate) {
  const TimePoint time_cap = TimePoint(options_.max_time);
  for (;;) {
    PollExecutor();
    if (!status_.ok()) return false;
    if (predicate != nullptr && (*predicate)()) return true;
    SkipStale();
    if (heap_.empty() || heap_.front().time > deadline.time_since_epoch().count()) return false;
    if (events_fired_ >= options_.max_events) {
      Fail(ResourceExhaustedError("runaway simulation: " + std::to_string(events_fired_) +
                                  " events fired by " + FormatTime(now_) +
                                  " (SimulatorOptions::max_events)"));
      return false;
    }
    if (heap_.front().time > time_cap.time_since_epoch().count()) {
      Fail(ResourceExhaustedError("runaway simulation: an event is due after the virtual time cap " +
                                  FormatTime(time_cap) + " (SimulatorOptions::max_time)"));
      return false;
    }
    FireTop();
  }
}

Status Simulator::RunUntil(TimePoint until) {
  if (Status s = CheckCanRun(); !s.ok()) return s;
  Drive(until, nullptr);
  if (!status_.ok()) return status_;
  if (until > now_) now_ = until;
  return Status::Ok();
}

Status Simulator::RunFor(Duration d) { return RunUntil(now_ + d); }

bool Simulator::RunUntil(UniqueFunction<bool()> predicate, Duration limit) {
  if (!CheckCanRun().ok()) return false;
  const bool infinite = limit >= kTimeInfinity - now_;
  const TimePoint deadline = infinite ? kTimeInfinity : now_ + limit;
  if (Drive(deadline, &predicate)) return true;
  if (!status_.ok()) return false;
  if (!infinite && deadline > now_) now_ = deadline;
  return false;
}

Status Simulator::RunUntilIdle() {
  if (Status s = CheckCanRun(); !s.ok()) return s;
  Drive(kTimeInfinity, nullptr);
  return status_;
}

bool Simulator::Step() {
  if (!CheckCanRun().ok()) return false;
  PollExecutor();
  SkipStale();
  if (!status_.ok() || heap_.empty()) return false;
  FireTop();
  PollExecutor();
  return status_.ok();
}

}  // namespace testplanet
