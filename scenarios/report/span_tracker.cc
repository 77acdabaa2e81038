#include "scenarios/report/span_tracker.h"

#include <algorithm>
#include <bit>

#include "fakes/sim_network.h"
#include "sim/status.h"

namespace testplanet::report {
namespace {

// The text id of "", interned first: the status of a span still open.
constexpr std::uint32_t kNoText = 0;

}  // namespace

std::string_view NameTables::NameOf(std::uint64_t id) const {
  auto it = names.find(id);
  return it == names.end() ? std::string_view("?") : std::string_view(it->second);
}

SpanTracker::SpanTracker(Sink& sink) : sink_(sink) { Intern(""); }

bool SpanTracker::Add(const TraceRecord& r, const NameTables& tables) {
  if (r.kind == trace_kinds::kCycleRunBegin.id) {
    Span span = ChoreSpan(r, tables);
    std::uint32_t* open = FindRun(StateOf(r.peer), r);
    if (*open != kNoRun) {
      // The same run begun again: its later begin is the span's.
      const std::size_t handle = runs_[*open].handle;
      const Span dropped = TakeRun(open, r.peer);
      Drop(r.peer, dropped.lane, handle);
    }
    std::size_t handle = 0;
    Begin(span, handle);
    std::uint32_t index = free_runs_;
    if (index == kNoRun) {
      index = static_cast<std::uint32_t>(runs_.size());
      runs_.emplace_back();
    } else {
      free_runs_ = runs_[index].next;
    }
    PeerState& peer = StateOf(r.peer);
    runs_[index] = {r.a, r.c, span.begin_ns, handle, span.name, span.why, span.lane, peer.runs};
    peer.runs = index;
  } else if (r.kind == trace_kinds::kCycleRunEnd.id) {
    std::uint32_t* open = FindRun(StateOf(r.peer), r);
    if (*open == kNoRun) return true;  // begun before the trace: no span
    const std::size_t handle = runs_[*open].handle;
    Span span = TakeRun(open, r.peer);
    End(span, handle, r.time_ns, r.b);
  } else if (r.kind == fakes::net_kinds::kStreamOpen.id) {
    OpenStream begun{RpcSpan(r, tables), 0};
    auto [it, added] = streams_.try_emplace(r.c, begun);
    if (!added) {
      Drop(it->second.span.peer, it->second.span.lane, it->second.handle);
      it->second = begun;
    }
    Begin(it->second.span, it->second.handle);
  } else if (r.kind == fakes::net_kinds::kStreamEnd.id) {
    auto it = streams_.find(r.c);
    if (it == streams_.end()) return true;
    End(it->second.span, it->second.handle, r.time_ns, r.b);
    streams_.erase(it);
  } else {
    return false;
  }
  return true;
}

void SpanTracker::EndAll(std::int64_t end_ns) {
  for (std::size_t p = 0; p < peers_.size(); ++p) {
    PeerState& peer = peers_[p];
    while (peer.runs != kNoRun) {
      const std::size_t handle = runs_[peer.runs].handle;
      Span span = TakeRun(&peer.runs, static_cast<PeerId>(p));
      span.end_ns = end_ns;
      sink_.Ended(span, handle);
    }
  }
  for (auto& [id, stream] : streams_) {
    stream.span.end_ns = end_ns;
    sink_.Ended(stream.span, stream.handle);
  }
  streams_.clear();
}

std::vector<int> SpanTracker::Lanes() const {
  std::vector<int> lanes(peers_.size());
  for (std::size_t p = 0; p < peers_.size(); ++p) lanes[p] = std::max(1, peers_[p].lanes);
  return lanes;
}

std::uint32_t* SpanTracker::FindRun(PeerState& peer, const TraceRecord& r) {
  std::uint32_t* link = &peer.runs;
  while (*link != kNoRun) {
    OpenRun& run = runs_[*link];
    if (run.chore == r.a && run.run == r.c) break;
    link = &run.next;
  }
  return link;
}

Span SpanTracker::TakeRun(std::uint32_t* link, PeerId peer) {
  const std::uint32_t index = *link;
  OpenRun& run = runs_[index];
  Span span;
  span.kind = Span::Kind::kChore;
  span.finished = false;
  span.peer = peer;
  span.name = run.name;
  span.why = run.why;
  span.status = kNoText;
  span.lane = run.lane;
  span.begin_ns = run.begin_ns;
  span.run = run.run;
  *link = run.next;
  run.next = free_runs_;
  free_runs_ = index;
  return span;
}

SpanTracker::PeerState& SpanTracker::StateOf(PeerId peer) {
  if (peer >= peers_.size()) peers_.resize(peer + std::size_t{1});
  return peers_[peer];
}

void SpanTracker::Begin(Span& span, std::size_t& handle) {
  span.finished = false;
  span.status = kNoText;
  span.lane = TakeLane(span.peer, StateOf(span.peer));
  handle = sink_.Began(span);
}

void SpanTracker::End(Span& span, std::size_t handle, std::int64_t end_ns, std::uint64_t status) {
  span.end_ns = end_ns;
  span.finished = true;
  span.status = Cached(status_texts_, status,
                       [&] { return StatusCodeName(static_cast<StatusCode>(status)); });
  FreeLane(span.peer, span.lane);
  sink_.Ended(span, handle);
}

void SpanTracker::Drop(PeerId peer, int lane, std::size_t handle) {
  FreeLane(peer, lane);
  sink_.Dropped(handle);
}

int SpanTracker::TakeLane(PeerId id, PeerState& peer) {
  if (peer.busy != ~std::uint64_t{0}) {
    const int lane = std::countr_one(peer.busy);
    peer.busy |= std::uint64_t{1} << lane;
    peer.lanes = std::max(peer.lanes, lane + 1);
    return lane;
  }
  auto high = free_high_.find(id);
  if (high == free_high_.end() || high->second.empty()) return peer.lanes++;  // lanes >= 64
  std::vector<int>& free = high->second;
  std::pop_heap(free.begin(), free.end(), std::greater<>());
  const int lane = free.back();
  free.pop_back();
  return lane;
}

void SpanTracker::FreeLane(PeerId id, int lane) {
  if (lane < 64) {
    StateOf(id).busy &= ~(std::uint64_t{1} << lane);
    return;
  }
  std::vector<int>& free = free_high_[id];
  free.push_back(lane);
  std::push_heap(free.begin(), free.end(), std::greater<>());
}

// A span as its begin record gives it (a = chore, b = reason, c = run number).
Span SpanTracker::ChoreSpan(const TraceRecord& begin, const NameTables& tables) {
  static constexpr const char* kReasons[] = {"", "first", "tick", "trigger"};
  Span span;
  span.kind = Span::Kind::kChore;
  span.peer = begin.peer;
  span.name = Cached(name_texts_, begin.a, [&] { return tables.NameOf(begin.a); });
  span.begin_ns = begin.time_ns;
  span.why = Cached(reason_texts_, begin.b, [&] { return begin.b < 4 ? kReasons[begin.b] : "?"; });
  span.run = begin.c;
  return span;
}

// An RPC served, from its stream's open record (a = the caller, b = the method).
Span SpanTracker::RpcSpan(const TraceRecord& open, const NameTables& tables) {
  Span span;
  span.kind = Span::Kind::kRpc;
  span.peer = open.peer;
  span.name = Cached(name_texts_, open.b, [&] { return tables.NameOf(open.b); });
  span.begin_ns = open.time_ns;
  span.why = Cached(caller_texts_, open.a, [&] {
    return open.a < tables.peer_names.size() ? std::string_view(tables.peer_names[open.a])
                                             : std::string_view("?");
  });
  return span;
}

// Text ids by the trace's small numbers, each interned once: millions of spans share a few
// dozen texts, and a string map lookup per span was most of building the model.
template <typename TextOf>
std::uint32_t SpanTracker::Cached(std::map<std::uint64_t, std::uint32_t>& cache, std::uint64_t key,
                                  TextOf text_of) {
  auto it = cache.lower_bound(key);
  if (it != cache.end() && it->first == key) return it->second;
  const std::uint32_t id = Intern(text_of());
  cache.emplace_hint(it, key, id);
  return id;
}

std::uint32_t SpanTracker::Intern(std::string_view text) {
  auto it = text_ids_.find(text);
  if (it != text_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(texts_.size());
  texts_.emplace_back(text);
  text_ids_.emplace(std::string(text), id);
  return id;
}

}  // namespace testplanet::report
