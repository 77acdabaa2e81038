// Running a Plan on a planet, and what the run leaves for the reporters.
//
// RunScenario builds the planet the plan describes (seeded by RunOptions::seed, with a planted
// bug if asked), starts it, schedules every step at its time (or arms it for its event) and every
// check at its time, runs to the scenario's end (or to RunOptions::stop_at) and collects: each
// check's outcome (expected, found, when, which way it missed), each peer's orders, each chore's
// runs, the faults fired, and the trace. At the end, every fault a step asked for must have fired
// and every step waiting for an event must have met it (unless the scenario allows otherwise),
// and after a quiesce every order must have settled. Nothing here reads a real clock; the same
// plan and seed give the same RunResult and digest on every build.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_RUNNER_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_RUNNER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "peers/work.h"
#include "scenarios/language/cost.h"
#include "scenarios/language/plan.h"
#include "scenarios/language/trace_level.h"
#include "sim/log.h"
#include "sim/trace.h"

namespace testplanet {
class Planet;
}  // namespace testplanet

namespace testplanet::scenario {

// Where a run is, for a progress line: read on the command line's real clock, never by the run.
struct RunProgress {
  TimePoint now{};  // virtual
  TimePoint end{};  // where the run will stop
  std::uint64_t events = 0;
};

struct RunOptions {
  std::uint64_t seed = 1;
  std::optional<Duration> stop_at = {};  // stop here instead of at the end; Inspect describes it
  TraceDetail trace_detail = TraceDetail::kRecords;
  TraceLevel trace_level = TraceLevel::kAll;  // at kRecords, which records are kept (--trace)
  std::string run_directory = {};             // where "disk" storage lives
  Budget budget = {};                         // cost.h: the run stops at budget.events
  bool invariants = true;        // check the order path's invariants continuously (invariants.h)
  std::string planted_bug = {};  // by name (planted_bugs.h); empty: none
  // Called between events every few thousand events while the scenario runs (not while the
  // planet starts or the reports are written). It must only read: the run is the same without.
  std::function<void(const RunProgress&)> progress = {};
  // Asked at the same moments: true ends the run at the virtual instant it has reached (Ctrl-C
  // on the command line), once that instant's events have fired. The run is then the one
  // stop_at at that instant gives — the same digest, the state described, no end-of-run checks —
  // and RunResult says so (`interrupted`, with `stop_at` the instant).
  std::function<bool()> stop_requested = {};
  // Handed every record as it is made, with the trace that names its peers and ids, from the
  // planet's start to its shutdown (how trace.json is written as the run goes). It must only
  // read: the run is the same without.
  std::function<void(const TraceRecord&, const Trace&)> on_record = {};
};

struct CheckOutcome {
  std::string name;
  std::string where;  // "file:line"
  TimePoint at{};
  bool passed = false;
  std::string expected;  // e.g. "unsent == 0"
  std::string found;     // e.g. "unsent = 3"
  // Which way each failed part missed ("unsent above"): the failure's meaning, for shrinking.
  std::vector<std::string> misses;
};

struct PeerOrders {
  std::string peer;
  std::uint64_t unsent = 0, accepted = 0, rejected = 0;
};

struct ChoreRuns {
  std::string peer;
  std::string chore;
  std::uint64_t runs = 0;
  std::uint64_t ticks_dropped = 0;
  std::optional<Duration> interval;    // at the end; nullopt: the peer was down
  std::optional<TimePoint> last_run;   // when the last run started
  std::optional<TimePoint> next_tick;  // the tick due next; nullopt: none (stopped, disabled)
};

struct RunResult {
  std::string scenario;  // name
  std::uint64_t seed = 0;
  std::string planted_bug;                    // as run, for the manifest
  bool invariants = true;                     // as run
  TraceLevel trace_level = TraceLevel::kAll;  // as run: which records `records` holds
  std::optional<Duration> stop_at;            // as run: asked for, or where a stop request ended it
  bool interrupted = false;                   // RunOptions::stop_requested ended it, at stop_at
  Budget budget;                              // as run
  Status status;  // why the run itself failed (a runaway guard, a violated invariant)
  std::uint64_t digest = 0;
  std::uint64_t events = 0;
  std::uint64_t record_count = 0;
  TimePoint end{};
  std::vector<CheckOutcome> checks;
  std::vector<PeerOrders> orders;
  std::vector<ChoreRuns> chores;
  std::map<std::string, std::uint64_t> faults;  // fired, by kind
  std::uint64_t invariant_checks = 0;           // steps the invariant checker verified
  std::uint64_t bytes_lost_in_crashes = 0;
  std::map<std::string, std::uint64_t> traffic;  // uploads, downloads, failures
  std::string inspect;                           // the state at stop_at, when asked
  Work work;  // what the peers did that costs real time (peers/work.h), for the floor model
  // The trace and log, for reporters.
  RecordLog records;
  std::vector<std::string> peer_names;
  std::map<std::uint64_t, std::string> names;  // name id -> text, for kinds and chores
  std::vector<LogLine> log;

  bool passed() const {
    if (!status.ok()) return false;
    for (const auto& c : checks) {
      if (!c.passed) return false;
    }
    return true;
  }
};

RunResult RunScenario(const Plan& plan, const RunOptions& options);

// What the reporters need from a planet, in two parts because the first needs the peers alive
// and the second wants the whole trace: each node's orders and each chore's runs (with interval,
// last run and next tick), then, after the planet shut down, its end, digest, records, names.
// RunScenario calls both; testplanet::Run calls them for a failing test's run directory.
// CollectTrace moves the records out of the planet's trace (they may be most of the memory).
void CollectPeers(Planet& planet, RunResult& result);
void CollectTrace(Planet& planet, RunResult& result);

// Returns OK iff RunScenario and the reports may use options.run_directory: it is missing, empty
// or testplanet's (owned_directory.h), and so is RUN_DIRECTORY/db, where a scenario on disk keeps
// its peers' databases (an earlier run's are removed when the run starts). Anything else there
// is refused, never deleted or overwritten.
Status CheckRunDirectory(const Plan& plan, const RunOptions& options);

// Trace kinds the runner records.
namespace scenario_kinds {
// A fault fired. a = fault kind id (name id of "partition", "down", ...), b = peer index.
TESTPLANET_TRACE_KIND(kFault, "scenario.fault");
// A check ran. a = check index, b = 1 passed / 0 failed.
TESTPLANET_TRACE_KIND(kCheck, "scenario.check");
// The quiesce phase began: faults stopped.
TESTPLANET_TRACE_KIND(kQuiesce, "scenario.quiesce");
// A step waiting for an event met it. a = step index.
TESTPLANET_TRACE_KIND(kTriggered, "scenario.triggered");
}  // namespace scenario_kinds

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_RUNNER_H_
