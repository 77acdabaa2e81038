#include "scenarios/report/run_model.h"

#include <algorithm>
#include <limits>
#include <map>
#include <string_view>
#include <tuple>

#include <boost/container/small_vector.hpp>

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
    model_.orders_recorded =
        scenario::KeepsKind(result.trace_level, storagenode::piecestore_kinds::kOrderStored.id);
    Intern("");  // kNoText
  }

  // Each span takes its place when it begins and is completed when it ends, so the spans come
  // out in the order they began without sorting them: a week of the network has ~60 M, and
  // sorting them (then moving each to its place) was most of building the model.
  RunModel Build() {
    ReserveSpans();
    runs_.resize(model_.peer_names.size());
    for (const TraceRecord& r : result_.records) Add(r);
    // Runs and streams still open are spans to the run's end, unfinished: already in place.
    for (PeerRuns& open : runs_) {
      for (const OpenRun& run : open) model_.spans[run.span].end_ns = model_.end_ns;
    }
    for (const auto& [id, span] : streams_) model_.spans[span].end_ns = model_.end_ns;
    if (abandoned_ > 0) {
      std::erase_if(model_.spans, [](const Span& span) { return span.lane == kAbandoned; });
    }
    // Records come in time order from a run; a trace put together otherwise (a test's) may not,
    // and is sorted by begin, stably (rare and small: the buffer stable_sort takes is fine).
    if (!std::is_sorted(model_.spans.begin(), model_.spans.end(), BeganBefore)) {
      std::stable_sort(model_.spans.begin(), model_.spans.end(), BeganBefore);
    }
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
      const OpenRun begun{r.a, r.c, Begin(ChoreSpan(r))};
      if (OpenRun* open = FindRun(r)) {
        Abandon(open->span);  // the same run begun again: its later begin is the span's
        *open = begun;
      } else {
        runs_[r.peer].push_back(begun);
      }
    } else if (r.kind == trace_kinds::kCycleRunEnd.id) {
      OpenRun* open = FindRun(r);
      if (open == nullptr) return;  // begun before the trace: no span
      End(model_.spans[open->span], r.time_ns, r.b);
      PeerRuns& peer_runs = runs_[r.peer];
      *open = peer_runs.back();
      peer_runs.pop_back();
    } else if (r.kind == fakes::net_kinds::kStreamOpen.id) {
      const std::size_t span = Begin(RpcSpan(r));
      const auto [it, added] = streams_.try_emplace(r.c, span);
      if (!added) {
        Abandon(it->second);
        it->second = span;
      }
    } else if (r.kind == fakes::net_kinds::kStreamEnd.id) {
      auto it = streams_.find(r.c);
      if (it == streams_.end()) return;
      End(model_.spans[it->second], r.time_ns, r.b);
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

  // A chore run begun and not yet ended (its begin record's a = chore, c = run number), and
  // where its span is.
  struct OpenRun {
    std::uint64_t chore, run;
    std::size_t span;
  };

  // A span as its begin record gives it (b = reason): unfinished until End.
  Span ChoreSpan(const TraceRecord& begin) {
    static constexpr const char* kReasons[] = {"", "first", "tick", "trigger"};
    Span span;
    span.kind = Span::Kind::kChore;
    span.peer = begin.peer;
    span.name = NameText(begin.a);
    span.begin_ns = begin.time_ns;
    span.why =
        Cached(reason_texts_, begin.b, [&] { return begin.b < 4 ? kReasons[begin.b] : "?"; });
    span.run = begin.c;
    return span;
  }

  // An RPC served, from its stream's open record (a = the caller, b = the method).
  Span RpcSpan(const TraceRecord& open) {
    Span span;
    span.kind = Span::Kind::kRpc;
    span.peer = open.peer;
    span.name = NameText(open.b);
    span.begin_ns = open.time_ns;
    span.why = Cached(caller_texts_, open.a, [&] {
      return open.a < result_.peer_names.size() ? std::string_view(result_.peer_names[open.a])
                                                : std::string_view("?");
    });
    return span;
  }

  // Places a begun span after every span begun before it; returns where.
  std::size_t Begin(Span span) {
    span.finished = false;
    span.status = kNoText;
    model_.spans.push_back(span);
    return model_.spans.size() - 1;
  }
  void End(Span& span, std::int64_t end_ns, std::uint64_t status) {
    span.end_ns = end_ns;
    span.finished = true;
    span.status = StatusText(status);
  }
  // A span whose run began again before it ended: dropped when the model is done.
  static constexpr int kAbandoned = -1;
  void Abandon(std::size_t span) {
    model_.spans[span].lane = kAbandoned;
    ++abandoned_;
  }

  OpenRun* FindRun(const TraceRecord& r) {
    if (r.peer >= runs_.size()) runs_.resize(r.peer + std::size_t{1});
    for (OpenRun& open : runs_[r.peer]) {
      if (open.chore == r.a && open.run == r.c) return &open;
    }
    return nullptr;
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

  // Text ids by the trace's small numbers, each interned once: millions of spans share a few
  // dozen texts, and a string map lookup per span was most of building the model.
  template <typename TextOf>
  std::uint32_t Cached(std::map<std::uint64_t, std::uint32_t>& cache, std::uint64_t key,
                       TextOf text_of) {
    auto it = cache.lower_bound(key);
    if (it != cache.end() && it->first == key) return it->second;
    const std::uint32_t id = Intern(text_of());
    cache.emplace_hint(it, key, id);
    return id;
  }
  std::uint32_t NameText(std::uint64_t name) {
    return Cached(name_texts_, name, [&] { return NameOf(name); });
  }
  std::uint32_t StatusText(std::uint64_t code) {
    return Cached(status_texts_, code,
                  [&] { return StatusCodeName(static_cast<StatusCode>(code)); });
  }

  // The text id of "", interned first: the status of a span still open.
  static constexpr std::uint32_t kNoText = 0;

  static bool BeganBefore(const Span& a, const Span& b) { return a.begin_ns < b.begin_ns; }

  std::uint32_t Intern(std::string_view text) {
    auto it = text_ids_.find(text);
    if (it != text_ids_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(model_.texts.size());
    model_.texts.emplace_back(text);
    text_ids_.emplace(std::string(text), id);
    return id;
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
  // Open runs (by peer) and streams, each with where its span is. Runs are looked up once per
  // record of a run: a tree of every open run over thousands of peers was a cache miss per
  // level, and a vector per peer a second miss after the first. A peer has a few open at most
  // (a storage node's three chores), so they sit in its entry.
  using PeerRuns = boost::container::small_vector<OpenRun, 3>;
  std::vector<PeerRuns> runs_;
  std::map<std::uint64_t, std::size_t> streams_;  // open streams by id: where their spans are
  std::size_t abandoned_ = 0;
  std::map<std::string, std::uint32_t, std::less<>> text_ids_;
  std::map<std::uint64_t, std::uint32_t> name_texts_, reason_texts_, caller_texts_, status_texts_;
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
