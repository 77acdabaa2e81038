#include "scenarios/report/run_model.h"

#include <algorithm>
#include <tuple>

#include "fakes/sim_network.h"
#include "peers/storagenode/orders_service.h"
#include "peers/storagenode/piecestore.h"

namespace testplanet::report {
namespace {

class ModelBuilder {
 public:
  explicit ModelBuilder(const scenario::RunResult& result) : result_(result) {
    model_.end_ns = result.end.time_since_epoch().count();
    model_.peer_names = result.peer_names;
  }

  RunModel Build() {
    for (const TraceRecord& r : result_.records) Add(r);
    for (const auto& [key, begin] : runs_) {
      model_.spans.push_back(ChoreSpan(begin, model_.end_ns, false, ""));
    }
    for (const auto& [id, open] : streams_) {
      model_.spans.push_back(RpcSpan(open, model_.end_ns, false, ""));
    }
    std::stable_sort(model_.spans.begin(), model_.spans.end(),
                     [](const Span& a, const Span& b) { return a.begin_ns < b.begin_ns; });
    PackLanes();
    return std::move(model_);
  }

 private:
  std::string NameOf(std::uint64_t id) const {
    auto it = result_.names.find(id);
    return it == result_.names.end() ? std::string("?") : it->second;
  }

  void Add(const TraceRecord& r) {
    if (r.kind == trace_kinds::kCycleRunBegin.id) {
      runs_[{r.peer, r.a, r.c}] = r;
    } else if (r.kind == trace_kinds::kCycleRunEnd.id) {
      auto it = runs_.find({r.peer, r.a, r.c});
      if (it == runs_.end()) return;
      model_.spans.push_back(
          ChoreSpan(it->second, r.time_ns, true, StatusCodeName(static_cast<StatusCode>(r.b))));
      runs_.erase(it);
    } else if (r.kind == fakes::net_kinds::kStreamOpen.id) {
      streams_[r.c] = r;
    } else if (r.kind == fakes::net_kinds::kStreamEnd.id) {
      auto it = streams_.find(r.c);
      if (it == streams_.end()) return;
      model_.spans.push_back(
          RpcSpan(it->second, r.time_ns, true, StatusCodeName(static_cast<StatusCode>(r.b))));
      streams_.erase(it);
    } else if (r.kind == scenario::scenario_kinds::kFault.id) {
      model_.faults.push_back({r.time_ns, r.peer, NameOf(r.a), true, false});
    } else if (r.kind == fakes::net_kinds::kFault.id) {
      model_.faults.push_back({r.time_ns, r.peer, NameOf(r.a), true, true});
    } else if (r.kind == scenario::scenario_kinds::kCheck.id) {
      model_.checks.push_back({r.time_ns, r.peer, CheckName(r.a), r.b != 0, false});
    } else if (r.kind == storagenode::piecestore_kinds::kOrderStored.id) {
      Backlog(r.peer, r.time_ns, 1);
    } else if (r.kind == storagenode::order_kinds::kArchive.id) {
      Backlog(r.peer, r.time_ns, -static_cast<std::int64_t>(r.a + r.b));
    }
  }

  std::string CheckName(std::uint64_t index) const {
    return index < result_.checks.size() ? result_.checks[index].name
                                         : "check " + std::to_string(index);
  }

  Span ChoreSpan(const TraceRecord& begin, std::int64_t end, bool finished,
                 std::string_view status) const {
    static constexpr const char* kReasons[] = {"", "first", "tick", "trigger"};
    Span span;
    span.kind = Span::Kind::kChore;
    span.peer = begin.peer;
    span.name = NameOf(begin.a);
    span.begin_ns = begin.time_ns;
    span.end_ns = end;
    span.finished = finished;
    span.why = begin.b < 4 ? kReasons[begin.b] : "?";
    span.status = std::string(status);
    span.run = begin.c;
    return span;
  }

  Span RpcSpan(const TraceRecord& open, std::int64_t end, bool finished,
               std::string_view status) const {
    Span span;
    span.kind = Span::Kind::kRpc;
    span.peer = open.peer;
    span.name = NameOf(open.b);
    span.begin_ns = open.time_ns;
    span.end_ns = end;
    span.finished = finished;
    span.why = open.a < result_.peer_names.size() ? result_.peer_names[open.a] : "?";
    span.status = std::string(status);
    return span;
  }

  void Backlog(PeerId peer, std::int64_t time, std::int64_t change) {
    auto& series = model_.backlog[peer];
    const std::int64_t before = series.empty() ? 0 : series.back().unsent;
    if (series.empty()) series.push_back({0, 0});
    AppendPoint(series, time, std::max<std::int64_t>(0, before + change));
    const std::int64_t total =
        model_.total_backlog.empty() ? 0 : model_.total_backlog.back().unsent;
    if (model_.total_backlog.empty()) model_.total_backlog.push_back({0, 0});
    AppendPoint(model_.total_backlog, time, std::max<std::int64_t>(0, total + change));
  }

  // One point per instant: changes at the same time fold into the last point.
  static void AppendPoint(std::vector<BacklogPoint>& series, std::int64_t time,
                          std::int64_t unsent) {
    if (series.back().time_ns == time) {
      series.back().unsent = unsent;
    } else {
      series.push_back({time, unsent});
    }
  }

  // Greedy interval packing per peer: each span goes to the first lane free at its begin.
  void PackLanes() {
    std::vector<std::vector<std::int64_t>> lane_ends(model_.peer_names.size());
    for (Span& span : model_.spans) {
      if (span.peer >= lane_ends.size()) lane_ends.resize(span.peer + 1);
      auto& ends = lane_ends[span.peer];
      std::size_t lane = 0;
      while (lane < ends.size() && ends[lane] > span.begin_ns) ++lane;
      if (lane == ends.size()) ends.push_back(0);
      ends[lane] = span.end_ns;
      span.lane = static_cast<int>(lane);
    }
    model_.lanes.resize(lane_ends.size());
    for (std::size_t peer = 0; peer < lane_ends.size(); ++peer) {
      model_.lanes[peer] = std::max<int>(1, static_cast<int>(lane_ends[peer].size()));
    }
  }

  const scenario::RunResult& result_;
  RunModel model_;
  // Open runs and streams, by value: the log decodes each record into one place as it goes.
  std::map<std::tuple<PeerId, std::uint64_t, std::uint64_t>, TraceRecord> runs_;
  std::map<std::uint64_t, TraceRecord> streams_;
};

}  // namespace

const std::string& RunModel::PeerName(PeerId peer) const {
  static const std::string kUnknown = "?";
  return peer < peer_names.size() ? peer_names[peer] : kUnknown;
}

std::vector<PeerId> RunModel::RowOrder() const {
  std::vector<bool> active(peer_names.size(), false);
  for (const Span& span : spans) {
    if (span.peer < active.size()) active[span.peer] = true;
  }
  for (const Mark& fault : faults) {
    if (fault.peer < active.size()) active[fault.peer] = true;
  }
  std::vector<PeerId> rows;
  for (const char* prefix : {"satellite", "storagenode"}) {
    for (std::size_t p = 0; p < peer_names.size(); ++p) {
      if (peer_names[p].rfind(prefix, 0) == 0) rows.push_back(static_cast<PeerId>(p));
    }
  }
  for (std::size_t p = 0; p < peer_names.size(); ++p) {
    const bool listed =
        peer_names[p].rfind("satellite", 0) == 0 || peer_names[p].rfind("storagenode", 0) == 0;
    if (!listed && active[p]) rows.push_back(static_cast<PeerId>(p));
  }
  return rows;
}

RunModel BuildRunModel(const scenario::RunResult& result) { return ModelBuilder(result).Build(); }

}  // namespace testplanet::report
