#include "scenarios/report/run_model.h"

#include <algorithm>
#include <limits>
#include <map>
#include <string_view>
#include <tuple>

#include "fakes/sim_network.h"
#include "peers/storagenode/orders_service.h"
#include "peers/storagenode/piecestore.h"

namespace testplanet::report {
namespace {

class ModelBuilder : public SpanTracker::Sink {
 public:
  explicit ModelBuilder(const scenario::RunResult& result) : result_(result), tracker_(*this) {
    model_.end_ns = result.end.time_since_epoch().count();
    model_.peer_names = result.peer_names;
    model_.orders_recorded =
        scenario::KeepsKind(result.trace_level, storagenode::piecestore_kinds::kOrderStored.id);
  }

  // Each span takes its place when it begins and is completed when it ends, so the spans come
  // out in the order they began without sorting them: a week of the network has ~60 M, and
  // sorting them (then moving each to its place) was most of building the model.
  RunModel Build() {
    ReserveSpans();
    const NameTables tables{result_.peer_names, result_.names};
    for (const TraceRecord& r : result_.records) {
      if (!tracker_.Add(r, tables)) AddMark(r, tables);
    }
    // Runs and streams still open are spans to the run's end, unfinished: already in place.
    tracker_.EndAll(model_.end_ns);
    model_.lanes = tracker_.Lanes();
    if (model_.lanes.size() < model_.peer_names.size()) {
      model_.lanes.resize(model_.peer_names.size(), 1);
    }
    model_.texts = tracker_.TakeTexts();
    if (abandoned_ > 0) {
      std::erase_if(model_.spans, [](const Span& span) { return span.lane == kAbandoned; });
    }
    // Records come in time order from a run; a trace put together otherwise (a test's) may not,
    // and is sorted by begin, stably (rare and small: the buffer stable_sort takes is fine), its
    // lanes packed again in that order.
    if (!std::is_sorted(model_.spans.begin(), model_.spans.end(), BeganBefore)) {
      std::stable_sort(model_.spans.begin(), model_.spans.end(), BeganBefore);
      PackLanes();
    }
    return std::move(model_);
  }

  std::size_t Began(const Span& span) override {
    model_.spans.push_back(span);
    return model_.spans.size() - 1;
  }
  void Ended(const Span& span, std::size_t handle) override { model_.spans[handle] = span; }
  void Dropped(std::size_t handle) override {
    model_.spans[handle].lane = kAbandoned;
    ++abandoned_;
  }

 private:
  void AddMark(const TraceRecord& r, const NameTables& tables) {
    if (r.kind == scenario::scenario_kinds::kFault.id) {
      model_.faults.push_back({r.time_ns, r.peer, std::string(tables.NameOf(r.a)), true, false});
    } else if (r.kind == fakes::net_kinds::kFault.id) {
      model_.faults.push_back({r.time_ns, r.peer, std::string(tables.NameOf(r.a)), true, true});
    } else if (r.kind == scenario::scenario_kinds::kCheck.id) {
      // A check's outcome joins the result as its record is made: the n-th check record is the
      // n-th outcome (checks run in time order, not in the order the file lists them).
      const std::size_t n = checks_seen_++;
      const std::string name =
          n < result_.checks.size() ? result_.checks[n].name : "check " + std::to_string(r.a);
      model_.checks.push_back({r.time_ns, r.peer, name, r.b != 0, false});
    } else if (r.kind == storagenode::piecestore_kinds::kOrderStored.id) {
      Backlog(r.peer, r.time_ns, 1);
    } else if (r.kind == storagenode::order_kinds::kArchive.id) {
      Backlog(r.peer, r.time_ns, -static_cast<std::int64_t>(r.a + r.b));
    }
  }

  // Every chore run the ledger counted is a span (finished or not), and the trace keeps them at
  // every level: the vector is sized once instead of doubling through millions of spans (each
  // doubling copied them all and touched fresh pages). RPC spans, kept at the `all` level only,
  // grow it past that as before.
  void ReserveSpans() {
    std::uint64_t runs = 0;
    for (const scenario::ChoreRuns& chore : result_.chores) runs += chore.runs;
    model_.spans.reserve(static_cast<std::size_t>(std::min(runs, result_.records.size())));
  }

  static bool BeganBefore(const Span& a, const Span& b) { return a.begin_ns < b.begin_ns; }

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

  // Greedy interval packing per peer, for spans sorted after the fact: each span goes to the
  // first lane free at its begin.
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
    model_.lanes.assign(lane_ends.size(), 1);
    for (std::size_t peer = 0; peer < lane_ends.size(); ++peer) {
      model_.lanes[peer] = std::max<int>(1, static_cast<int>(lane_ends[peer].size()));
    }
  }

  // A span whose run began again before it ended: dropped when the model is done.
  static constexpr int kAbandoned = -1;

  const scenario::RunResult& result_;
  RunModel model_;
  SpanTracker tracker_;
  std::size_t abandoned_ = 0;
  std::size_t checks_seen_ = 0;
};

}  // namespace

const std::string& RunModel::PeerName(PeerId peer) const {
  static const std::string kUnknown = "?";
  return peer < peer_names.size() ? peer_names[peer] : kUnknown;
}

std::string_view PeerKind(std::string_view name) {
  std::size_t end = name.size();
  while (end > 0 && name[end - 1] >= '0' && name[end - 1] <= '9') --end;
  return name.substr(0, end);
}

namespace {

// Satellites, then storage nodes, then the rest (by name): the reports' row order.
int KindRank(std::string_view kind) {
  if (kind == "satellite") return 0;
  if (kind == "storagenode") return 1;
  return 2;
}

}  // namespace

std::vector<PeerId> RunModel::RowOrder() const {
  std::vector<bool> active(peer_names.size(), false);
  for (const Span& span : spans) {
    if (span.peer < active.size()) active[span.peer] = true;
  }
  for (const Mark& fault : faults) {
    if (fault.peer < active.size()) active[fault.peer] = true;
  }
  // Every satellite and storage node (ranks 0 and 1), then any other peer with something drawn.
  std::vector<PeerId> rows;
  for (int rank = 0; rank <= 2; ++rank) {
    for (std::size_t p = 0; p < peer_names.size(); ++p) {
      if (KindRank(PeerKind(peer_names[p])) == rank && (rank < 2 || active[p])) {
        rows.push_back(static_cast<PeerId>(p));
      }
    }
  }
  return rows;
}

RunModel BuildRunModel(const scenario::RunResult& result) { return ModelBuilder(result).Build(); }

namespace {

// The slice of [0, span] that `time` falls in, of `slices`: exact in integers while they cannot
// overflow (runs up to ~100 virtual days at 1,000 slices), in long double past that.
std::size_t SliceOf(std::int64_t time, int slices, std::int64_t span) {
  const std::int64_t t = std::clamp<std::int64_t>(time, 0, span);
  const std::int64_t slice =
      span <= std::numeric_limits<std::int64_t>::max() / slices
          ? t * slices / span
          : static_cast<std::int64_t>(static_cast<long double>(t) * slices / span);
  return static_cast<std::size_t>(std::min<std::int64_t>(slice, slices - 1));
}

}  // namespace

std::vector<ChoreDensity> ChoreDensities(const RunModel& model, int slices, std::int64_t span_ns) {
  slices = std::max(slices, 1);
  const std::int64_t span = std::max<std::int64_t>(span_ns, 1);
  // A week of 25,000 nodes has ~50 M spans, so a span costs a lookup in a map of a few integer
  // keys: each peer's kind is found once, and texts are distinct, so a span's chore and status
  // compare by id.
  std::map<std::string_view, std::uint32_t> kind_ids;
  std::vector<std::string_view> kinds;
  std::vector<std::uint32_t> kind_of(model.peer_names.size());
  for (std::size_t p = 0; p < model.peer_names.size(); ++p) {
    const auto [it, added] = kind_ids.try_emplace(PeerKind(model.peer_names[p]),
                                                  static_cast<std::uint32_t>(kinds.size()));
    if (added) kinds.push_back(it->first);
    kind_of[p] = it->second;
  }
  const auto ok = std::find(model.texts.begin(), model.texts.end(), "OK");
  const auto ok_id = static_cast<std::uint32_t>(ok - model.texts.begin());  // size(): no OK
  struct Entry {
    ChoreDensity density;
    std::vector<bool> seen;  // by peer
  };
  std::map<std::pair<std::uint32_t, std::uint32_t>, Entry> by_id;  // (kind id, chore text id)
  for (const Span& s : model.spans) {
    if (s.kind != Span::Kind::kChore || s.peer >= model.peer_names.size()) continue;
    const auto [it, added] = by_id.try_emplace({kind_of[s.peer], s.name});
    ChoreDensity& density = it->second.density;
    std::vector<bool>& seen = it->second.seen;
    if (added) {
      density.kind = std::string(kinds[kind_of[s.peer]]);
      density.chore = model.Text(s.name);
      density.started.assign(static_cast<std::size_t>(slices), 0);
      density.failures.assign(static_cast<std::size_t>(slices), 0);
      seen.assign(model.peer_names.size(), false);
    }
    if (!seen[s.peer]) {
      seen[s.peer] = true;
      ++density.peers;
    }
    const std::size_t slice = SliceOf(s.begin_ns, slices, span);
    ++density.runs;
    ++density.started[slice];
    if (s.finished && s.status != ok_id) {
      ++density.failed;
      ++density.failures[slice];
    }
  }
  std::vector<ChoreDensity> out;
  out.reserve(by_id.size());
  for (auto& [key, entry] : by_id) out.push_back(std::move(entry.density));
  // The reports' order: kinds in row order, then by name; chores by name.
  std::sort(out.begin(), out.end(), [](const ChoreDensity& a, const ChoreDensity& b) {
    return std::tuple(KindRank(a.kind), std::string_view(a.kind), std::string_view(a.chore)) <
           std::tuple(KindRank(b.kind), std::string_view(b.kind), std::string_view(b.chore));
  });
  return out;
}

}  // namespace testplanet::report
