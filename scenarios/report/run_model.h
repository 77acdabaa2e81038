// What the visual reports draw, read once out of a run's trace: every chore run and served RPC
// as a span (packed into lanes so that no two spans in one lane overlap), faults and checks as
// marks, and each storage node's unsent-orders backlog as a step series. The timeline SVG and
// report.html draw from this one model; trace.json is written from the same SpanTracker as the
// run goes, so all three show the same spans in the same lanes.
// The backlog is counted from the trace: +1 per order a node's piece store enqueued, minus the
// orders each archive batch settled. A crash that loses unsynced orders is not subtracted.
#ifndef TESTPLANET_SCENARIOS_REPORT_RUN_MODEL_H_
#define TESTPLANET_SCENARIOS_REPORT_RUN_MODEL_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/language/runner.h"
#include "scenarios/report/span_tracker.h"

namespace testplanet::report {

struct Mark {
  std::int64_t time_ns = 0;
  PeerId peer = 0;
  std::string what;      // fault: its kind ("partition"); check: its name
  bool passed = true;    // checks only
  bool network = false;  // a fault the network drew per message (drop, clog, ...), on the sender
};

struct BacklogPoint {
  std::int64_t time_ns = 0;
  std::int64_t unsent = 0;
};

struct RunModel {
  std::int64_t end_ns = 0;
  // Whether the run kept its order records (--trace all): at "chores" the backlog is unknown,
  // not empty.
  bool orders_recorded = true;
  std::vector<Span> spans;   // ordered by begin, then in the order they began (the trace's)
  std::vector<int> lanes;    // per peer: how many lanes its spans use (at least 1)
  std::vector<Mark> faults;  // in trace order: the scenario's faults and the network's
  std::vector<Mark> checks;  // in trace order
  std::map<PeerId, std::vector<BacklogPoint>> backlog;  // per storage node, from 0
  std::vector<BacklogPoint> total_backlog;

  const std::string& PeerName(PeerId peer) const;
  // The text a span's name, why or status id stands for.
  const std::string& Text(std::uint32_t id) const { return texts.at(id); }
  std::vector<std::string> texts;  // each distinct text once; texts[0] is ""
  std::vector<std::string> peer_names;
  // The peers the reports draw rows for, in row order: satellites, storage nodes, then any
  // other peer that has spans or faults (uplinks, the simulator itself).
  std::vector<PeerId> RowOrder() const;
};

RunModel BuildRunModel(const scenario::RunResult& result);

// "storagenode" for "storagenode12": a peer's name without its number, the kind of peer.
std::string_view PeerKind(std::string_view name);

// Every run of one chore by the peers of one kind, counted in equal slices of the run: what the
// reports draw for a planet with more peers than they have rows for, so that the whole planet's
// chores show over the whole run, beside the rows of the peers drawn one by one.
struct ChoreDensity {
  std::string kind;       // the peers' name without its number: "storagenode"
  std::string chore;      // "orders.cleanup"
  std::size_t peers = 0;  // peers of that kind that began at least one run of it
  std::uint64_t runs = 0;
  std::uint64_t failed = 0;             // runs that ended with a status other than OK
  std::vector<std::uint32_t> started;   // runs begun in each slice
  std::vector<std::uint32_t> failures;  // of those, the failed ones
};

// Kinds in row order (satellites, storage nodes, then the rest by name), chores by name; each
// with `slices` equal slices (at least one) of [0, span_ns] (at least 1 ns), the span the report
// draws: a run that took less than its axis fills only the first slices.
std::vector<ChoreDensity> ChoreDensities(const RunModel& model, int slices, std::int64_t span_ns);

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_RUN_MODEL_H_
