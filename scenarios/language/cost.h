// What a scenario will cost to run, estimated at load, and the budgets it must fit: a scenario
// that could never finish (an object every nanosecond, 100,000 nodes, 64 MiB a minute for a
// week) is refused in milliseconds with a message naming the file, the line that costs most and
// the flag that raises the budget, instead of running until memory or patience is gone.
//
// The estimate counts simulator events (chore ticks, transfers) and the memory a run holds
// (peers, stored pieces, trace records) up to the run's end (--stop-at, when sooner), at its trace
// level. It is rough by design: a fault mix can double the events. The event budget is also
// enforced while running (RunOptions::budget): a run that reaches it stops with RESOURCE_EXHAUSTED
// naming the flag, never with bad_alloc.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_COST_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_COST_H_

#include <cstdint>
#include <optional>
#include <string>

#include "scenarios/language/plan.h"
#include "scenarios/language/trace_level.h"

namespace testplanet::scenario {

struct Budget {
  static constexpr std::uint64_t kDefaultEvents = 50'000'000;
  static constexpr std::uint64_t kDefaultMemoryBytes = std::uint64_t{8} << 30;
  std::uint64_t events = kDefaultEvents;             // --max-events
  std::uint64_t memory_bytes = kDefaultMemoryBytes;  // --max-memory
};

// What of the scenario a run does: up to --stop-at when it is sooner than the duration, keeping
// the records --trace keeps.
struct RunShape {
  std::optional<Duration> stop_at;
  TraceLevel trace_level = TraceLevel::kAll;
};

struct Cost {
  std::uint64_t peers = 0;
  std::uint64_t events = 0;
  std::uint64_t memory_bytes = 0;
  // The step that adds the most of each ("file:line"), or "the planet's chores".
  std::string most_events, most_memory;
};

Cost EstimateCost(const Plan& plan, const RunShape& shape = {});

// OK, or INVALID_ARGUMENT: "FILE: the scenario would fire about N events (most from FILE:LINE),
// more than the budget of M; raise it with --max-events".
Status CheckBudget(const Plan& plan, const Budget& budget, const RunShape& shape = {});

// "512MiB", "8GiB", "1234" bytes; and back ("--max-memory 16GiB"). Parse refuses anything else.
std::string FormatBytes(std::uint64_t bytes);
StatusOr<std::uint64_t> ParseBytes(const std::string& text);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_COST_H_
