// ChoreLedger: every chore's runs and every control call made to it through the planet, kept
// from the trace, and the Cycle contract checked against them.
//
// It counts, per peer and chore, the runs that began (by reason: first, tick, trigger), the ticks
// dropped and when the latest run began — across restarts of the peer, which a Cycle's own
// counters are not. With a violation callback it also checks, at the record that breaks it:
//   * runs of one chore never overlap;
//   * a paused or disabled chore runs only when triggered;
//   * the first tick after Start, Restart or ChangeInterval comes one full interval later, no
//     sooner (a peer whose chores begin after its start, as with a start spread, arms them then);
//   * a stopped chore never runs again.
// "Paused", "stopped" and the interval are what was asked of the chore (planet.chore.control
// records), so a chore that ignores a call is caught too. A peer that starts again starts its
// chores afresh (Started).
#ifndef TESTPLANET_SCENARIOS_PLANET_CHORE_LEDGER_H_
#define TESTPLANET_SCENARIOS_PLANET_CHORE_LEDGER_H_

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/clock.h"
#include "sim/trace.h"

namespace testplanet {

// What was asked of a chore.
enum class ChoreOp : std::uint8_t {
  kPause = 1,
  kRestart = 2,
  kTrigger = 3,
  kChangeInterval = 4,
  kStop = 5,
  kTriggerWait = 6,
};
std::string_view ChoreOpName(ChoreOp op);

namespace chore_kinds {
// A chore was controlled through the planet (Planet::Chore). a = chore name id, b = ChoreOp,
// c = the new interval in ns (ChangeInterval; -1 disables), else 0.
TESTPLANET_TRACE_KIND(kControl, "planet.chore.control");
}  // namespace chore_kinds

class ChoreLedger {
 public:
  struct Runs {
    std::uint64_t started = 0;
    std::array<std::uint64_t, 4> by_reason{};  // indexed by CycleRunReason (1..3)
    std::uint64_t ticks_dropped = 0;
    std::optional<TimePoint> last_started;
  };

  // `violation` (may be null: count only) is called with a message at the record that broke the
  // contract; `describe` names a peer's chore for messages ("storagenode1 orders.sender").
  ChoreLedger(std::function<void(const std::string&)> violation,
              std::function<std::string(PeerId, std::uint64_t)> describe);

  // Peer `peer` (re)started with these chores (name id, interval), which begin at `chores_begin`:
  // fresh state. That is the start itself, or later for a node of a start spread; a Restart or
  // ChangeInterval asked before then arms the chore when it begins.
  void Started(PeerId peer, const std::vector<std::pair<std::uint64_t, Duration>>& chores,
               TimePoint chores_begin);
  // Feeds one trace record (the planet's trace listener calls it for every record).
  void OnRecord(const TraceRecord& record);

  // The runs of `chore` on `peer` so far (zero if it never ran).
  Runs RunsOf(PeerId peer, std::uint64_t chore) const;

 private:
  // One chore's ledger in one cache line: a run's begin and its end each read the peer's chore
  // names and this line (Runs, with its optional and a count per reason, took two).
  struct alignas(64) State {
    // What goes on across the peer's restarts (Started resets the rest).
    struct Counts {
      std::uint64_t started = 0;  // runs begun; those not by tick or trigger were first runs
      std::uint64_t ticked = 0;
      std::uint64_t triggered = 0;
      std::uint64_t ticks_dropped = 0;
      TimePoint last_started{};  // meaningful once started > 0
    } counts;
    Duration interval{};
    TimePoint armed_at{};  // start, or the last Restart/ChangeInterval
    bool running = false;
    bool paused = false;
    bool stopped = false;
    bool ticked_since_arm = false;
  };
  static_assert(sizeof(State) == 64);
  // A peer's chores: their name ids together (the scan for a record's chore reads one line),
  // then their states, a line each; a fourth chore and beyond in `more`.
  static constexpr std::size_t kInlineChores = 3;  // a storage node's
  struct alignas(64) PeerChores {
    std::array<std::uint64_t, kInlineChores> names{};
    std::uint32_t count = 0;   // of names and states in use
    TimePoint chores_begin{};  // of the peer's latest start
    std::vector<std::pair<std::uint64_t, State>> more;
    std::array<State, kInlineChores> states{};
  };
  // The state of `chore` on `peer`, made if there is none; Find: nullptr if there is none.
  State& Slot(PeerId peer, std::uint64_t chore);
  const State* Find(PeerId peer, std::uint64_t chore) const;
  void Control(State& state, TimePoint chores_begin, const TraceRecord& record);
  void RunBegan(State& state, const TraceRecord& record);
  void Violate(const TraceRecord& record, const std::string& what);

  std::function<void(const std::string&)> violation_;
  std::function<std::string(PeerId, std::uint64_t)> describe_;
  // Indexed by peer (ids are dense, from the trace's registry), then a few chores each, found
  // by a short scan: the ledger sees every cycle record, and a map of 75,000 (peer, chore) keys
  // was a cache miss per level. A peer's chores sit inside its entry, so that a record costs two
  // cold lines (the names, the state), not a second allocation to reach.
  std::vector<PeerChores> chores_;
};

}  // namespace testplanet

#endif  // TESTPLANET_SCENARIOS_PLANET_CHORE_LEDGER_H_
