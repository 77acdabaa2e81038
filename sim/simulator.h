// Simulator: the virtual clock, the event scheduler and the driver of one simulated world.
//
// Events are callbacks scheduled at virtual instants. They fire in a total order: by time, then
// by the sequence number given when they were scheduled, so ties at one instant run in
// scheduling order — never by pointer, hash or container order. Time jumps straight to the next
// event. Every fired event is recorded in the trace (time, sequence, peer, label).
//
// Boost.Asio's io_context is the executor for coroutines (co_spawn, awaitable); the simulator
// drains it with poll() at the current instant between events and never calls run(), which
// would sleep in real time. Handlers posted to it run at the instant they were posted.
//
// Driving: RunFor, RunUntil(time), RunUntil(predicate, limit) and RunUntilIdle fire everything
// due before they return; Step fires one event. A runaway guard (SimulatorOptions::max_events,
// max_time) stops a run with RESOURCE_EXHAUSTED instead of spinning forever. Any failure — the
// guard, an exception escaping a callback, Fail() — is sticky: later Run calls return it.
//
// Threading: none. Everything runs on the thread that calls Run*.
// Trap: Run* must not be called from inside an event; they return FAILED_PRECONDITION there.
#ifndef TESTPLANET_SIM_SIMULATOR_H_
#define TESTPLANET_SIM_SIMULATOR_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "sim/clock.h"
#include "sim/event_heap.h"
#include "sim/log.h"
#include "sim/random.h"
#include "sim/status.h"
#include "sim/trace.h"
#include "sim/unique_function.h"
#include "sim/warmth.h"

namespace boost::asio {
class io_context;
}

namespace testplanet {

// Limits of the event queue's packed entries: sequence numbers (events ever scheduled) and
// events pending at once.
inline constexpr std::uint64_t kMaxScheduledEvents = std::uint64_t{1} << 40;
inline constexpr std::uint64_t kMaxPendingEvents = std::uint64_t{1} << 24;

struct SimulatorOptions {
  std::uint64_t seed = 1;
  // Runaway guards: a run that fires more events, or reaches a later virtual time, fails.
  std::uint64_t max_events = 2'000'000'000;
  Duration max_time = std::chrono::hours(24 * 365 * 10);
  TraceDetail trace_detail = TraceDetail::kDigestOnly;
};

// Identifies a scheduled event so that it can be cancelled. Default-constructed: no event.
struct TimerId {
  std::uint32_t slot = 0;
  std::uint64_t seq = 0;  // 0 never names a live event
  explicit operator bool() const { return seq != 0; }
};

// Who an event belongs to and what it is, for the trace. `label` is free for the caller.
struct EventTag {
  PeerId peer = kSimulatorPeer;
  std::uint64_t label = 0;
};

class Simulator {
 public:
  explicit Simulator(SimulatorOptions options = {});
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  TimePoint Now() const { return now_; }
  // What `peer`'s own clock reads now: virtual time moved by its skew (offset plus drift in
  // parts per million of the time since the epoch). Peers take decisions that compare times —
  // expiry, TTLs — on this clock, so that a skewed peer decides as a skewed machine would.
  // Timers still run on virtual time.
  TimePoint PeerNow(PeerId peer) const {
    if (peer >= clock_skews_.size()) return now_;
    const ClockSkew& skew = clock_skews_[peer];
    const std::int64_t since_epoch = now_.time_since_epoch().count();
    // Split to keep the product in 64 bits: drift is bounded to +-1,000,000 ppm.
    const std::int64_t drift = (since_epoch / 1'000'000) * skew.drift_ppm +
                               (since_epoch % 1'000'000) * skew.drift_ppm / 1'000'000;
    return now_ + skew.offset + Duration(drift);
  }
  // Sets `peer`'s clock skew (zero offset and drift: a true clock). `drift_ppm` is clamped to
  // [-1e6, 1e6].
  void SetClockSkew(PeerId peer, Duration offset, std::int64_t drift_ppm);
  Random& random() { return random_; }
  Trace& trace() { return trace_; }
  Log& log() { return log_; }
  // Writes a log line at the current instant.
  void WriteLog(PeerId peer, LogLevel level, std::string message) {
    log_.Write(now_, peer, level, std::move(message));
  }
  const SimulatorOptions& options() const { return options_; }
  // The executor for coroutines. Never call run() on it.
  boost::asio::io_context& io() { return *io_; }

  // Schedules `fn` at `when` (clamped to Now() if earlier). Returns an id for Cancel.
  TimerId ScheduleAt(TimePoint when, UniqueFunction<void()> fn, EventTag tag = {},
                     EventWarmth warmth = {});
  TimerId ScheduleAfter(Duration delay, UniqueFunction<void()> fn, EventTag tag = {}) {
    return ScheduleAt(now_ + delay, std::move(fn), tag);
  }
  // Schedules `fn` at the current instant, after everything already scheduled for it.
  TimerId Post(UniqueFunction<void()> fn, EventTag tag = {}) {
    return ScheduleAt(now_, std::move(fn), tag);
  }
  // Cancels a pending event and destroys its callback. Returns true iff it was still pending.
  bool Cancel(TimerId id);

  // Fires every event due up to Now() + d, then sets the clock to Now() + d.
  Status RunFor(Duration d);
  // Fires every event due up to `until`, then sets the clock to `until` (if it is later).
  Status RunUntil(TimePoint until);
  // Fires events until `predicate` holds (checked before each event and at the start) or
  // `limit` of virtual time has passed. Returns true iff the predicate held. When no event is
  // left the clock moves to the limit (unless the limit is infinite) and the answer is final.
  bool RunUntil(UniqueFunction<bool()> predicate, Duration limit);
  // Fires events until none is left.
  Status RunUntilIdle();
  // Fires the next event (after draining the executor). Returns false when none is left or
  // the simulation has failed.
  bool Step();

  // Marks the simulation failed with `status` (the first failure wins); Run* stop at once.
  void Fail(const Status& status);
  const Status& status() const { return status_; }

  // Returns true iff the caller is inside a fired event or a coroutine the simulator runs.
  bool InsideEvent() const { return depth_ > 0; }

  // The harness reading the world (a check, an invariant check, a report) rather than the peers
  // acting in it. While an Observation lives, fault injectors neither fire nor draw from their
  // streams, so that observing more or less leaves the rest of the run as it was.
  class Observation {
   public:
    explicit Observation(Simulator& sim) : sim_(&sim) { ++sim_->observing_; }
    ~Observation() { --sim_->observing_; }
    Observation(const Observation&) = delete;
    Observation& operator=(const Observation&) = delete;

   private:
    Simulator* sim_;
  };
  // Returns true iff an Observation is alive.
  bool observing() const { return observing_ > 0; }
  std::uint64_t events_fired() const { return events_fired_; }

  // Calls `hook` between events, once every `every_events` fired events, while Run* drives: for
  // a long run's progress (virtual time, events/s) shown on a real clock by the command line.
  // The hook only reads — it must not schedule, record or touch a peer (it may call StopAfter)
  // — so a run with a hook is the same run. One hook at a time; an empty one (or every_events 0)
  // removes it.
  void SetProgressHook(std::uint64_t every_events, UniqueFunction<void()> hook) {
    progress_every_ = hook ? every_events : 0;
    progress_hook_ = std::move(hook);
    progress_countdown_ = progress_every_;
  }
  // Called from the progress hook: the Run* in progress returns once every event due at or
  // before `t` has fired, exactly as if it had been asked to run until `t` (so a run stopped so
  // is the same run as one stopped there by its caller). A stop for Ctrl-C. Forgotten when that
  // Run* returns.
  void StopAfter(TimePoint t) { stop_after_ = std::min(stop_after_, t); }
  std::size_t pending_events() const { return heap_.size() - stale_in_heap_; }
  // Returns the time of the next pending event, or kTimeInfinity when there is none.
  TimePoint NextEventTime();

  // The parking lot: where coroutine continuations wait for something other than time (a
  // fence, a message). The simulator owns them, so that tearing it down destroys every suspended
  // coroutine — even one that owns the very object it waits on, which would otherwise keep
  // itself alive. Park returns an id; Unpark takes the continuation back (empty if it is gone);
  // Discard destroys it unrun (the coroutine is abandoned).
  using ParkId = std::uint64_t;
  template <typename Signature>
  ParkId Park(UniqueFunction<Signature> continuation) {
    auto parked = std::make_unique<Parked<Signature>>();
    parked->fn = std::move(continuation);
    const ParkId id = next_park_id_++;
    parked_.emplace(id, std::move(parked));
    return id;
  }
  template <typename Signature>
  UniqueFunction<Signature> Unpark(ParkId id) {
    auto node = parked_.extract(id);
    if (node.empty()) return {};
    return std::move(static_cast<Parked<Signature>&>(*node.mapped()).fn);
  }
  void Discard(ParkId id) {
    auto node = parked_.extract(id);  // out of the lot first: destroying it may call Discard
  }
  std::size_t parked() const { return parked_.size(); }

  // Records a semantic trace record at the current instant, attributed to the current event.
  void Record(PeerId peer, const TraceKind& kind, std::uint64_t a = 0, std::uint64_t b = 0,
              std::uint64_t c = 0) {
    trace_.Record(
        TraceRecord{now_.time_since_epoch().count(), current_seq_, peer, kind.id, a, b, c});
  }

 private:
  // A heap entry's key packs the event's sequence (high 40 bits) above its slot index (low 24
  // bits): 16-byte entries move as little as a bare (time, seq) pair does, and comparing keys
  // compares sequences, since sequences are unique.
  static std::uint64_t SeqOf(const HeapEntry& e) { return e.key >> kSlotBits; }
  static std::uint32_t SlotOf(const HeapEntry& e) {
    return static_cast<std::uint32_t>(e.key & kSlotMask);
  }
  static constexpr int kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  // Two whole cache lines: what is read before the callback (seq, tag, warmth) fills the first,
  // the callback the second. The scheduler prefetches both lines of the next slots, and reads
  // the next slot's warmth while this event runs. At 112 bytes packed anywhere, the warmth sat in a
  // line no prefetch had asked for, and loading it stalled every event of a large planet.
  struct alignas(64) Slot {
    std::uint64_t seq = 0;  // the live event's sequence, 0 when free
    EventTag tag;
    EventWarmth warmth;
    UniqueFunction<void()> fn;
  };
  static_assert(sizeof(Slot) == 128, "a slot is two cache lines");

  // The one driver loop behind every Run*. Returns true iff the predicate (if any) held.
  bool Drive(TimePoint deadline, UniqueFunction<bool()>* predicate);
  // Drops cancelled entries from the top of the heap.
  void SkipStale();
  // Rebuilds the heap without cancelled entries once they outnumber live ones.
  void MaybeCompact();
  // Fires the top entry. REQUIRES: the top is live.
  void FireTop();
  // Runs ready executor handlers at the current instant.
  void PollExecutor();
  Status CheckCanRun() const;

  struct ParkedBase {
    virtual ~ParkedBase() = default;
  };
  template <typename Signature>
  struct Parked : ParkedBase {
    UniqueFunction<Signature> fn;
  };

  SimulatorOptions options_;
  TimePoint now_{};
  std::uint64_t next_seq_ = 1;
  std::uint64_t current_seq_ = 0;
  std::uint64_t events_fired_ = 0;
  std::uint64_t progress_every_ = 0;      // 0: no progress hook
  std::uint64_t progress_countdown_ = 0;  // events until the hook runs next
  UniqueFunction<void()> progress_hook_;
  TimePoint stop_after_ = kTimeInfinity;  // StopAfter's, for the Run* in progress
  std::size_t stale_in_heap_ = 0;
  int depth_ = 0;
  int observing_ = 0;
  bool tearing_down_ = false;
  Status status_;
  Slot& SlotAt(std::uint32_t index) {
    return slot_chunks_[index >> kChunkBits][index & kChunkMask];
  }

  // Slots live in fixed-size chunks so that their addresses never change: a callback runs in
  // place and may schedule new events (adding chunks) while it runs.
  static constexpr int kChunkBits = 10;
  static constexpr std::uint32_t kChunkMask = (1u << kChunkBits) - 1;
  EventHeap heap_;
  std::vector<std::unique_ptr<Slot[]>> slot_chunks_;
  std::uint32_t slot_count_ = 0;
  std::vector<std::uint32_t> free_slots_;
  Random random_;
  Trace trace_;
  Log log_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::map<ParkId, std::unique_ptr<ParkedBase>> parked_;  // ordered: teardown order is fixed
  struct ClockSkew {
    Duration offset{};
    std::int64_t drift_ppm = 0;
  };
  std::vector<ClockSkew> clock_skews_;  // by peer
  ParkId next_park_id_ = 1;
  // io_'s queue of handlers ready to run (see PollExecutor); read to skip empty polls.
  const void* io_ready_ = nullptr;
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_SIMULATOR_H_
