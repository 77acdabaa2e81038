// Shrinking a failing run: the smallest scenario found that still fails the same way.
//
// "The same way" is the failure's signature (FailureSignature): the run error — an invariant
// violation, say — with numbers and hex digits masked, or else the first failed check's name and
// which way it missed ("unsent above": a check `eq 23` that found 24 must not shrink to one that
// finds 0). ShrinkScenario tries, greedily and in a fixed order, a shorter run (ending just after
// the failure; a liveness failure keeps its settling time after the quiesce), fewer checks, no
// quiesce, fewer timeline steps (chunks, then one at a time) and fewer storage nodes (each kind
// of step fits itself to them, StepKind::FitToNodes), keeping each change that still fails with
// the same signature, until nothing more helps, the run budget is spent or a stop is asked for.
// Every trial is a full run with the original seed; the result is deterministic (an interrupted
// one is a prefix of that search: the smallest failing scenario found when it stopped).
#ifndef TESTPLANET_SCENARIOS_SHRINK_H_
#define TESTPLANET_SCENARIOS_SHRINK_H_

#include <cstdint>
#include <functional>
#include <string>

#include "scenarios/language/plan.h"
#include "scenarios/language/runner.h"

namespace testplanet::scenario {

// What failed, with the incidental parts (serials, indexes, times, counts) masked; "" if the run
// passed.
std::string FailureSignature(const RunResult& result);

struct ShrinkOptions {
  std::uint64_t seed = 1;
  std::string planted_bug = {};
  bool invariants = true;
  std::optional<Duration> stop_at = {};  // the failing run's --stop-at, kept by every trial
  Budget budget = {};
  int max_runs = 300;
  std::string scratch_directory = {};  // for "disk" storage trials
  // Asked before and during every trial (see RunOptions::stop_requested): once true, no trial
  // is kept or started and the result is the smallest failing scenario found so far.
  std::function<bool()> stop_requested = {};
};

struct ShrinkResult {
  Scenario spec;             // the smallest failing scenario found, `seed` set
  std::string signature;     // how it fails (and the original failed)
  std::string failure;       // the shrunk run's own failure message
  int runs = 0;              // trial runs made
  bool interrupted = false;  // stop_requested ended the shrinking: it may shrink further
  int steps_before = 0, steps_after = 0;
  int checks_before = 0, checks_after = 0;
  int nodes_before = 0, nodes_after = 0;
  std::string duration_before, duration_after;
};

// FAILED_PRECONDITION if `failing` does not fail with this seed; CANCELLED if a stop was asked
// for before its run ended.
StatusOr<ShrinkResult> ShrinkScenario(const Plan& failing, const ShrinkOptions& options);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_SHRINK_H_
