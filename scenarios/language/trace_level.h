// TraceLevel: which trace records a run keeps for its reports and trace.bin (--trace). Every
// level gives the same digest: the digest folds every record; the level only decides what is
// kept. A big planet keeps chore runs and faults, not every event and message.
//   all     every record (the default)
//   chores  chore runs and ticks, lifecycle, crashes, stops, faults (network and scenario),
//           checks, invariant violations: what the timeline's chore rows and markers need.
//           Left out: kernel events, dials, messages, RPC streams, orders: report.html then has
//           no RPC spans and no unsent-orders backlog, and trace.bin holds only what was kept
//           (replay re-runs at the manifest's level and compares those).
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_TRACE_LEVEL_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_TRACE_LEVEL_H_

#include <cstdint>
#include <string_view>

#include "sim/status.h"

namespace testplanet::scenario {

enum class TraceLevel { kAll, kChores };

// "all" or "chores"; anything else is INVALID_ARGUMENT naming the levels.
StatusOr<TraceLevel> ParseTraceLevel(std::string_view text);
std::string_view TraceLevelName(TraceLevel level);
// Whether `level` keeps records of `kind` (a TraceKind id; an unknown kind is kept).
bool KeepsKind(TraceLevel level, std::uint64_t kind);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_TRACE_LEVEL_H_
