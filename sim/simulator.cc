#include "sim/simulator.h"

#include <algorithm>
#include <exception>
#include <string>

#include "sim/asio.h"

namespace testplanet {
namespace {

// Reading whether the io_context has handlers ready to run, without polling it.
//
// An empty poll() costs about as much as firing an event (thread bookkeeping, a call stack
// push, the queue check), and the driver would pay it after every event. Asio keeps ready
// handlers in the private member scheduler::op_queue_ (outside poll(), every post lands there:
// we never run the context on a thread, and no reactor task exists because no socket or timer
// service is ever created); an explicit template instantiation may name a private member
// (C++ [temp.spec]/6), which is how we read it. The work count would not do: every suspended
// co_spawn'ed coroutine holds work.
// Trap: tied to Boost.Asio's internals (1.74 here); a rename is a compile error, not a
// silent change of behaviour.
using ReadyQueue = boost::asio::detail::op_queue<boost::asio::detail::scheduler_operation>;
struct ReadyHandlers {
  using Member = ReadyQueue boost::asio::detail::scheduler::*;
  friend Member MemberOf(ReadyHandlers);
};
template <typename Tag, typename Tag::Member kMember>
struct ExposeMember {
  friend typename Tag::Member MemberOf(Tag) { return kMember; }
};
template struct ExposeMember<ReadyHandlers, &boost::asio::detail::scheduler::op_queue_>;

}  // namespace

Simulator::Simulator(SimulatorOptions options)
    : options_(options),
      random_(options.seed),
      trace_(options.trace_detail),
      // One thread, and no locking: the simulation never touches the context from another.
      io_(std::make_unique<boost::asio::io_context>(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE)),
      io_ready_(&(boost::asio::use_service<boost::asio::detail::scheduler>(*io_).*
                  MemberOf(ReadyHandlers{}))) {
  heap_.Reserve(1024);
}

Simulator::~Simulator() {
  // Pending callbacks may own suspended coroutines whose destructors cancel timers; the flag
  // turns those Cancel calls into no-ops while the containers are torn down.
  tearing_down_ = true;
  // Parked continuations first: destroying them ends suspended coroutines, whose destructors
  // may cancel timers and discard other parked continuations (both no-ops by now).
  std::map<ParkId, std::unique_ptr<ParkedBase>> parked = std::move(parked_);
  parked_.clear();
  parked.clear();
  std::vector<std::unique_ptr<Slot[]>> chunks = std::move(slot_chunks_);
  chunks.clear();
  heap_.Clear();
  io_.reset();
}

TimerId Simulator::ScheduleAt(TimePoint when, UniqueFunction<void()> fn, EventTag tag,
                              EventWarmth warmth) {
  if (when < now_) when = now_;
  std::uint32_t slot_index;
  if (free_slots_.empty() && slot_count_ >= kMaxPendingEvents) {
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
    slot_index = slot_count_++;
    if ((slot_index & kChunkMask) == 0) {
      slot_chunks_.push_back(std::make_unique<Slot[]>(std::size_t{1} << kChunkBits));
    }
  }
  const std::uint64_t seq = next_seq_++;
  Slot& slot = SlotAt(slot_index);
  slot.fn = std::move(fn);
  slot.seq = seq;
  slot.tag = tag;
  slot.warmth = warmth;
  heap_.Push(HeapEntry{when.time_since_epoch().count(), seq << kSlotBits | slot_index});
  return TimerId{slot_index, seq};
}

void Simulator::SetClockSkew(PeerId peer, Duration offset, std::int64_t drift_ppm) {
  if (peer >= clock_skews_.size()) clock_skews_.resize(peer + 1);
  clock_skews_[peer] =
      ClockSkew{offset, std::clamp<std::int64_t>(drift_ppm, -1'000'000, 1'000'000)};
}

bool Simulator::Cancel(TimerId id) {
  if (tearing_down_ || !id || id.slot >= slot_count_) return false;
  Slot& slot = SlotAt(id.slot);
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
  heap_.EraseIf([this](const HeapEntry& e) { return SlotAt(SlotOf(e)).seq != SeqOf(e); });
  stale_in_heap_ = 0;
}

void Simulator::SkipStale() {
  while (!heap_.empty() && SlotAt(SlotOf(heap_.top())).seq != SeqOf(heap_.top())) {
    heap_.Pop();
    --stale_in_heap_;
  }
}

TimePoint Simulator::NextEventTime() {
  SkipStale();
  return heap_.empty() ? kTimeInfinity : TimePoint(Duration(heap_.top().time));
}

// Past this many pending events, the queue's slots and the objects they wake are mostly out of
// the cache, and FireTop prefetches them.
constexpr std::size_t kLargeQueue = 4096;

void Simulator::FireTop() {
  const HeapEntry entry = heap_.top();
  heap_.Pop();
  // The next events' slots are likely cache misses on a large queue; start loading them now so
  // that the misses overlap this event's callback: the next top, and on a large queue its
  // children too (one of them is the top after it). On a small one the slots are in the cache
  // and the extra prefetches only cost.
  if (!heap_.empty()) {
    heap_.top();  // refills the near heap if this pop emptied it
    const std::vector<HeapEntry>& near = heap_.NearEntries();
    const bool large = heap_.size() > kLargeQueue;
    const std::size_t ahead = std::min<std::size_t>(near.size(), large ? 5 : 1);
    for (std::size_t i = 0; i < ahead; ++i) {
      const char* next = reinterpret_cast<const char*>(&SlotAt(SlotOf(near[i])));
      __builtin_prefetch(next);
      if (large) __builtin_prefetch(next + 64);
    }
    // The next event's slot was prefetched by the events before this one: what its callback
    // reads first can start loading now, while this callback runs.
    if (large) {
      const EventWarmth& warmth = SlotAt(SlotOf(near[0])).warmth;
      if (warmth.first != nullptr) __builtin_prefetch(warmth.first);
      if (warmth.second != nullptr) __builtin_prefetch(warmth.second);
      if (warmth.third != nullptr) __builtin_prefetch(warmth.third);
      if (warmth.fourth != nullptr) __builtin_prefetch(warmth.fourth);
    }
  }
  const std::uint32_t slot_index = SlotOf(entry);
  Slot& slot = SlotAt(slot_index);
  // The event is no longer pending (Cancel of it is a no-op from here on), but its slot is not
  // free until the callback has returned: the callback runs in place.
  slot.seq = 0;

  now_ = TimePoint(Duration(entry.time));
  current_seq_ = SeqOf(entry);
  ++events_fired_;
  trace_.Record(TraceRecord{entry.time, current_seq_, slot.tag.peer, trace_kinds::kEvent.id,
                            slot.tag.label, 0, 0});
  ++depth_;
  try {
    slot.fn();
  } catch (const std::exception& e) {
    Fail(InternalError(std::string("exception escaped an event at ") + FormatTime(now_) + ": " +
                       e.what()));
  } catch (...) {
    Fail(InternalError("unknown exception escaped an event at " + FormatTime(now_)));
  }
  --depth_;
  slot.fn.Reset();
  free_slots_.push_back(slot_index);
}

void Simulator::PollExecutor() {
  if (static_cast<const ReadyQueue*>(io_ready_)->empty()) return;
  ++depth_;
  try {
    // Without a work guard the context stops itself whenever it runs dry; restart() re-arms
    // it so that the handlers posted since then run.
    io_->restart();
    io_->poll();
  } catch (const std::exception& e) {
    Fail(InternalError(std::string("exception escaped a coroutine at ") + FormatTime(now_) + ": " +
                       e.what()));
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
    if (heap_.empty() || heap_.top().time > deadline.time_since_epoch().count()) return false;
    if (events_fired_ >= options_.max_events) {
      Fail(ResourceExhaustedError("runaway simulation: " + std::to_string(events_fired_) +
                                  " events fired by " + FormatTime(now_) +
                                  " (SimulatorOptions::max_events)"));
      return false;
    }
    if (heap_.top().time > time_cap.time_since_epoch().count()) {
      Fail(
          ResourceExhaustedError("runaway simulation: an event is due after the virtual time cap " +
                                 FormatTime(time_cap) + " (SimulatorOptions::max_time)"));
      return false;
    }
    FireTop();
    if (progress_every_ != 0 && --progress_countdown_ == 0) {
      progress_countdown_ = progress_every_;
      progress_hook_();
      if (stop_after_ < deadline) deadline = stop_after_;
    }
  }
}

Status Simulator::RunUntil(TimePoint until) {
  if (Status s = CheckCanRun(); !s.ok()) return s;
  Drive(until, nullptr);
  const TimePoint reached = std::min(until, std::exchange(stop_after_, kTimeInfinity));
  if (!status_.ok()) return status_;
  if (reached > now_) now_ = reached;
  return Status::Ok();
}

Status Simulator::RunFor(Duration d) { return RunUntil(now_ + d); }

bool Simulator::RunUntil(UniqueFunction<bool()> predicate, Duration limit) {
  if (!CheckCanRun().ok()) return false;
  const bool infinite = limit >= kTimeInfinity - now_;
  const TimePoint deadline = infinite ? kTimeInfinity : now_ + limit;
  const bool held = Drive(deadline, &predicate);
  const TimePoint reached = std::min(deadline, std::exchange(stop_after_, kTimeInfinity));
  if (held) return true;
  if (!status_.ok()) return false;
  if (reached != kTimeInfinity && reached > now_) now_ = reached;
  return false;
}

Status Simulator::RunUntilIdle() {
  if (Status s = CheckCanRun(); !s.ok()) return s;
  Drive(kTimeInfinity, nullptr);
  stop_after_ = kTimeInfinity;
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
