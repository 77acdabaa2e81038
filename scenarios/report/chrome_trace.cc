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

class ChromeTrace {
 public:
  explicit ChromeTrace(const scenario::RunResult& result) : result_(result) {}

  json Build() {
    Metadata();
    for (const TraceRecord& r : result_.records) Add(r);
    // Runs still open at the end of the trace show as running to its end.
    const std::int64_t end = result_.end.time_since_epoch().count();
    for (const auto& [key, begin] : runs_) {
      events_.push_back({{"name", NameOf(begin->a) + " (unfinished)"},
                         {"cat", "chore"},
                         {"ph", "X"},
                         {"pid", 1},
                         {"tid", begin->peer},
                         {"ts", Micros(begin->time_ns)},
                         {"dur", Micros(end - begin->time_ns)}});
    }
    return {
        {"traceEvents", events_},
        {"displayTimeUnit", "ms"},
        {"otherData", {{"seed", result_.seed}, {"digest", Trace::FormatDigest(result_.digest)}}}};
  }

 private:
  std::string NameOf(std::uint64_t id) const {
    auto it = result_.names.find(id);
    return it == result_.names.end() ? std::string("?") : it->second;
  }

  // A track (thread) per peer, in peer order, and the process named for the run.
  void Metadata() {
    for (std::size_t peer = 0; peer < result_.peer_names.size(); ++peer) {
      events_.push_back({{"name", "thread_name"},
                         {"ph", "M"},
                         {"pid", 1},
                         {"tid", peer},
                         {"args", {{"name", result_.peer_names[peer]}}}});
      events_.push_back({{"name", "thread_sort_index"},
                         {"ph", "M"},
                         {"pid", 1},
                         {"tid", peer},
                         {"args", {{"sort_index", peer}}}});
    }
    events_.push_back(
        {{"name", "process_name"},
         {"ph", "M"},
         {"pid", 1},
         {"args", {{"name", result_.scenario + " (seed " + std::to_string(result_.seed) + ")"}}}});
  }

  void Add(const TraceRecord& r) {
    if (r.kind == trace_kinds::kCycleRunBegin.id) {
      runs_[{r.peer, r.a, r.c}] = &r;
    } else if (r.kind == trace_kinds::kCycleRunEnd.id) {
      RunEnded(r);
    } else if (r.kind == fakes::net_kinds::kStreamOpen.id) {
      streams_[r.c] = &r;
    } else if (r.kind == fakes::net_kinds::kStreamEnd.id) {
      StreamEnded(r);
    } else if (r.kind == scenario::scenario_kinds::kFault.id) {
      events_.push_back({{"name", NameOf(r.a)},
                         {"cat", "fault"},
                         {"ph", "i"},
                         {"s", "t"},
                         {"pid", 1},
                         {"tid", r.peer},
                         {"ts", Micros(r.time_ns)}});
    } else if (r.kind == scenario::scenario_kinds::kCheck.id) {
      events_.push_back({{"name", r.b ? "check passed" : "check FAILED"},
                         {"cat", "check"},
                         {"ph", "i"},
                         {"s", "g"},
                         {"pid", 1},
                         {"tid", 0},
                         {"ts", Micros(r.time_ns)},
                         {"args", {{"check", r.a}}}});
    }
  }

  // A complete slice per chore run, on its peer's track.
  void RunEnded(const TraceRecord& r) {
    auto it = runs_.find({r.peer, r.a, r.c});
    if (it == runs_.end()) return;
    const TraceRecord& begin = *it->second;
    static const char* kReasons[] = {"", "first", "tick", "trigger"};
    events_.push_back({{"name", NameOf(r.a)},
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
    runs_.erase(it);
  }

  // A complete slice per served RPC, on the server's track.
  void StreamEnded(const TraceRecord& r) {
    auto it = streams_.find(r.c);
    if (it == streams_.end()) return;
    const TraceRecord& open = *it->second;
    const std::string caller =
        open.a < result_.peer_names.size() ? result_.peer_names[open.a] : "?";
    events_.push_back({{"name", NameOf(open.b)},
                       {"cat", "rpc"},
                       {"ph", "X"},
                       {"pid", 1},
                       {"tid", r.peer},
                       {"ts", Micros(open.time_ns)},
                       {"dur", Micros(r.time_ns - open.time_ns)},
                       {"args",
                        {{"caller", caller},
                         {"status", std::string(StatusCodeName(static_cast<StatusCode>(r.b)))}}}});
    streams_.erase(it);
  }

  const scenario::RunResult& result_;
  json events_ = json::array();
  // Open slices: chore runs by (peer, chore, run number), RPCs by stream id.
  std::map<std::tuple<PeerId, std::uint64_t, std::uint64_t>, const TraceRecord*> runs_;
  std::map<std::uint64_t, const TraceRecord*> streams_;
};

}  // namespace

Status WriteChromeTrace(const std::string& path, const scenario::RunResult& result) {
  const json trace = ChromeTrace(result).Build();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << trace.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  out.close();
  if (!out) return UnavailableError("cannot write " + path);
  return Status::Ok();
}

}  // namespace testplanet::report
