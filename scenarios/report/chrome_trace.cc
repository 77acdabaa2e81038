// trace.json in the Chrome trace event format, which the Perfetto UI (ui.perfetto.dev) and
// chrome://tracing open: one track (thread) per peer, a complete slice per chore run and per
// served RPC, an instant event per fault and per check. Timestamps are virtual microseconds.
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "fakes/sim_network.h"
#include "scenarios/report/reports.h"

namespace testplanet::report {
namespace {

using nlohmann::json;

double Micros(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

}  // namespace

Status WriteChromeTrace(const std::string& path, const scenario::RunResult& result) {
  auto name_of = [&](std::uint64_t id) {
    auto it = result.names.find(id);
    return it == result.names.end() ? std::string("?") : it->second;
  };
  json events = json::array();
  for (std::size_t peer = 0; peer < result.peer_names.size(); ++peer) {
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", 1},
                      {"tid", peer},
                      {"args", {{"name", result.peer_names[peer]}}}});
    events.push_back({{"name", "thread_sort_index"},
                      {"ph", "M"},
                      {"pid", 1},
                      {"tid", peer},
                      {"args", {{"sort_index", peer}}}});
  }
  events.push_back(
      {{"name", "process_name"},
       {"ph", "M"},
       {"pid", 1},
       {"args", {{"name", result.scenario + " (seed " + std::to_string(result.seed) + ")"}}}});

  // Open slices: chore runs by (peer, chore, run number), RPCs by stream id.
  std::map<std::tuple<PeerId, std::uint64_t, std::uint64_t>, const TraceRecord*> runs;
  std::map<std::uint64_t, const TraceRecord*> streams;
  for (const TraceRecord& r : result.records) {
    if (r.kind == trace_kinds::kCycleRunBegin.id) {
      runs[{r.peer, r.a, r.c}] = &r;
    } else if (r.kind == trace_kinds::kCycleRunEnd.id) {
      auto it = runs.find({r.peer, r.a, r.c});
      if (it == runs.end()) continue;
      const TraceRecord& begin = *it->second;
      static const char* kReasons[] = {"", "first", "tick", "trigger"};
      events.push_back({{"name", name_of(r.a)},
                        {"cat", "chore"},
                        {"ph", "X"},
                        {"pid", 1},
                        {"tid", r.peer},
                        {"ts", Micros(begin.time_ns)},
                        {"dur", Micros(r.time_ns - begin.time_ns)},
                        {"args",
                         {{"run", r.c},
                          {"why", begin.b < 4 ? kReasons[begin.b] : "?"},
                          {"status", std::string(StatusCodeName(static_cast<StatusCode>(r.b)))}}}});
      runs.erase(it);
    } else if (r.kind == fakes::net_kinds::kStreamOpen.id) {
      streams[r.c] = &r;
    } else if (r.kind == fakes::net_kinds::kStreamEnd.id) {
      auto it = streams.find(r.c);
      if (it == streams.end()) continue;
      const TraceRecord& open = *it->second;
      const std::string caller =
          open.a < result.peer_names.size() ? result.peer_names[open.a] : "?";
      events.push_back({{"name", name_of(open.b)},
                        {"cat", "rpc"},
                        {"ph", "X"},
                        {"pid", 1},
                        {"tid", r.peer},
                        {"ts", Micros(open.time_ns)},
                        {"dur", Micros(r.time_ns - open.time_ns)},
                        {"args",
                         {{"caller", caller},
                          {"status", std::string(StatusCodeName(static_cast<StatusCode>(r.b)))}}}});
      streams.erase(it);
    } else if (r.kind == scenario::scenario_kinds::kFault.id) {
      events.push_back({{"name", name_of(r.a)},
                        {"cat", "fault"},
                        {"ph", "i"},
                        {"s", "t"},
                        {"pid", 1},
                        {"tid", r.peer},
                        {"ts", Micros(r.time_ns)}});
    } else if (r.kind == scenario::scenario_kinds::kCheck.id) {
      events.push_back({{"name", r.b ? "check passed" : "check FAILED"},
                        {"cat", "check"},
                        {"ph", "i"},
                        {"s", "g"},
                        {"pid", 1},
                        {"tid", 0},
                        {"ts", Micros(r.time_ns)},
                        {"args", {{"check", r.a}}}});
    }
  }
  // Runs still open at the end of the trace show as running to its end.
  const std::int64_t end = result.end.time_since_epoch().count();
  for (const auto& [key, begin] : runs) {
    events.push_back({{"name", name_of(begin->a) + " (unfinished)"},
                      {"cat", "chore"},
                      {"ph", "X"},
                      {"pid", 1},
                      {"tid", begin->peer},
                      {"ts", Micros(begin->time_ns)},
                      {"dur", Micros(end - begin->time_ns)}});
  }
  json trace = {
      {"traceEvents", events},
      {"displayTimeUnit", "ms"},
      {"otherData", {{"seed", result.seed}, {"digest", Trace::FormatDigest(result.digest)}}}};
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << trace.dump() << "\n";
  out.close();
  if (!out) return UnavailableError("cannot write " + path);
  return Status::Ok();
}

}  // namespace testplanet::report
