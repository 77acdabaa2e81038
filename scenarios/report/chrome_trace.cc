// trace.json in the Chrome trace event format, which the Perfetto UI (ui.perfetto.dev) and
// chrome://tracing open: tracks per peer, a complete ("X") slice per chore run and per served
// RPC, an instant event per fault and per check. Timestamps are virtual microseconds.
// Complete slices on one track must nest; concurrent work on one peer (an upload served while
// the sender runs) does not, so each peer's spans are packed into lanes (run_model.h) and every
// lane past the first is a track of its own, "storagenode3 (2)", sorted under the peer's.
#include <nlohmann/json.hpp>

#include "scenarios/report/reports.h"
#include "scenarios/report/run_model.h"

namespace testplanet::report {
namespace {

using nlohmann::json;

double Micros(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

// Track ids, dense and in peer order: a peer's lanes are consecutive tracks, however many lanes
// a peer needs (a satellite serving thousands of nodes at once needs thousands).
class Tracks {
 public:
  explicit Tracks(const RunModel& model) {
    std::int64_t next = 0;
    for (std::size_t peer = 0; peer < model.peer_names.size(); ++peer) {
      first_.push_back(next);
      next += peer < model.lanes.size() ? model.lanes[peer] : 1;
    }
  }
  std::int64_t Of(PeerId peer, int lane) const {
    return peer < first_.size() ? first_[peer] + lane : lane;
  }

 private:
  std::vector<std::int64_t> first_;
};

void Metadata(const scenario::RunResult& result, const RunModel& model, const Tracks& tracks,
              json& events) {
  for (std::size_t peer = 0; peer < model.peer_names.size(); ++peer) {
    const int lanes = peer < model.lanes.size() ? model.lanes[peer] : 1;
    for (int lane = 0; lane < lanes; ++lane) {
      const std::int64_t tid = tracks.Of(static_cast<PeerId>(peer), lane);
      const std::string name =
          model.peer_names[peer] + (lane == 0 ? "" : " (" + std::to_string(lane + 1) + ")");
      events.push_back({{"name", "thread_name"},
                        {"ph", "M"},
                        {"pid", 1},
                        {"tid", tid},
                        {"args", {{"name", name}}}});
      events.push_back({{"name", "thread_sort_index"},
                        {"ph", "M"},
                        {"pid", 1},
                        {"tid", tid},
                        {"args", {{"sort_index", tid}}}});
    }
  }
  events.push_back(
      {{"name", "process_name"},
       {"ph", "M"},
       {"pid", 1},
       {"args", {{"name", result.scenario + " (seed " + std::to_string(result.seed) + ")"}}}});
}

json Slice(const Span& span, const Tracks& tracks) {
  const bool chore = span.kind == Span::Kind::kChore;
  json args = chore ? json{{"run", span.run}, {"why", span.why}} : json{{"caller", span.why}};
  args["status"] = span.finished ? span.status : "unfinished at the end of the run";
  return {{"name", span.finished ? span.name : span.name + " (unfinished)"},
          {"cat", chore ? "chore" : "rpc"},
          {"ph", "X"},
          {"pid", 1},
          {"tid", tracks.Of(span.peer, span.lane)},
          {"ts", Micros(span.begin_ns)},
          {"dur", Micros(span.end_ns - span.begin_ns)},
          {"args", args}};
}

}  // namespace

Status WriteChromeTrace(const std::string& path, const scenario::RunResult& result) {
  const RunModel model = BuildRunModel(result);
  const Tracks tracks(model);
  json events = json::array();
  Metadata(result, model, tracks, events);
  for (const Span& span : model.spans) events.push_back(Slice(span, tracks));
  for (const Mark& fault : model.faults) {
    events.push_back({{"name", fault.what},
                      {"cat", "fault"},
                      {"ph", "i"},
                      {"s", "t"},
                      {"pid", 1},
                      {"tid", tracks.Of(fault.peer, 0)},
                      {"ts", Micros(fault.time_ns)}});
  }
  for (const Mark& check : model.checks) {
    events.push_back({{"name", check.passed ? "check passed" : "check FAILED"},
                      {"cat", "check"},
                      {"ph", "i"},
                      {"s", "g"},
                      {"pid", 1},
                      {"tid", 0},
                      {"ts", Micros(check.time_ns)},
                      {"args", {{"check", check.what}}}});
  }
  const json trace = {
      {"traceEvents", events},
      {"displayTimeUnit", "ms"},
      {"otherData", {{"seed", result.seed}, {"digest", Trace::FormatDigest(result.digest)}}}};
  return WriteFile(path, trace.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
}

}  // namespace testplanet::report
