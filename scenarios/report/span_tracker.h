// SpanTracker: a run's records turned into spans as they come. A chore run is a span from its
// begin record to its end record, a served RPC from its stream's open record to its end; each
// takes a lane of its peer when it begins (the lowest lane with no span open), so no two spans
// of one lane overlap. The run model (built after the run) and trace.json (written as the run
// goes) are both fed through it, so they show the same spans in the same lanes.
// Promises: a span reaches the sink once when it begins and once when it ends (or is dropped:
// its run began again before it ended); EndAll ends the spans still open, unfinished. Memory
// holds the open spans and each peer's lanes, never the spans that ended.
// Texts (chore names, methods, callers, reasons, statuses) are interned: a span carries ids into
// texts(). Trap: a record's names are looked up when it comes, in the tables Add is given, so
// they must hold every name the record uses by then (a running Trace's do, and a RunResult's).
#ifndef TESTPLANET_SCENARIOS_REPORT_SPAN_TRACKER_H_
#define TESTPLANET_SCENARIOS_REPORT_SPAN_TRACKER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.h"

namespace testplanet::report {

// A chore run or a served RPC. Its texts are ids into the tracker's (and RunModel's) texts: a
// long run has millions of spans and a few dozen distinct texts, so a span is 48 bytes, not 150.
struct Span {
  enum class Kind : std::uint8_t { kChore, kRpc };
  Kind kind = Kind::kChore;
  bool finished = true;  // false: still running when the run ended
  PeerId peer = 0;
  std::uint32_t name = 0;    // the chore ("orders.sender") or the RPC method
  std::uint32_t why = 0;     // chore: "first", "tick", "trigger"; rpc: the caller's name
  std::uint32_t status = 0;  // "OK", "DEADLINE_EXCEEDED", ...; "" when unfinished
  int lane = 0;              // within the peer: no two spans of one lane overlap
  std::int64_t begin_ns = 0, end_ns = 0;
  std::uint64_t run = 0;  // chore: its run number
};

// What names a record's peers and ids: a running Trace's tables, or a RunResult's.
struct NameTables {
  const std::vector<std::string>& peer_names;
  const std::map<std::uint64_t, std::string>& names;

  // The name for `id`, or "?" when it was never interned.
  std::string_view NameOf(std::uint64_t id) const;
};

class SpanTracker {
 public:
  class Sink {
   public:
    virtual ~Sink() = default;
    // A span began, unfinished, its lane set; returns a handle Ended or Dropped get back.
    virtual std::size_t Began(const Span& span) = 0;
    // The span ended: finished, or (from EndAll) unfinished at the run's end.
    virtual void Ended(const Span& span, std::size_t handle) = 0;
    // Its run began again before it ended: the span is not one.
    virtual void Dropped(std::size_t handle) = 0;
  };

  explicit SpanTracker(Sink& sink);

  // Takes one record; false if it is not part of a span (a fault, a check: the caller's).
  bool Add(const TraceRecord& r, const NameTables& tables);
  // Ends every span still open at `end_ns`, unfinished: chore runs by peer (the latest begun
  // first), then RPC streams.
  void EndAll(std::int64_t end_ns);

  // Every distinct text a span used so far; texts()[0] is "".
  const std::vector<std::string>& texts() const { return texts_; }
  std::vector<std::string> TakeTexts() { return std::move(texts_); }
  // Per peer, the lanes its spans used (at least 1; peers past the last with spans: none).
  std::vector<int> Lanes() const;

 private:
  static constexpr std::uint32_t kNoRun = ~std::uint32_t{0};
  // A chore run begun and not yet ended: its begin record's chore (a) and run number (c), and
  // what its span needs when it ends. Open runs sit in one pool, each peer's chained from its
  // entry: most peers have none open at a time, so a peer's entry is 16 bytes, and the entries
  // of a 25,000-node network (400 KB) stay in cache beside the simulation's own memory.
  struct OpenRun {
    std::uint64_t chore, run;
    std::int64_t begin_ns;
    std::size_t handle;
    std::uint32_t name, why;
    int lane;
    std::uint32_t next;  // the peer's next open run, or kNoRun
  };
  struct OpenStream {
    Span span;
    std::size_t handle;
  };
  struct PeerState {
    std::uint64_t busy = 0;       // which of the first 64 lanes hold an open span, a bit each
    int lanes = 0;                // how many lanes its spans have used
    std::uint32_t runs = kNoRun;  // its latest begun open run in runs_
  };

  PeerState& StateOf(PeerId peer);
  // The link (a peer's entry or an open run) holding the open run a begin or end record names
  // (a = chore, c = run number), or the chain's last link, which holds kNoRun.
  std::uint32_t* FindRun(PeerState& peer, const TraceRecord& r);
  // Takes the run `*link` holds out of its chain and the pool; returns its span.
  Span TakeRun(std::uint32_t* link, PeerId peer);
  void Begin(Span& span, std::size_t& handle);
  void End(Span& span, std::size_t handle, std::int64_t end_ns, std::uint64_t status);
  void Drop(PeerId peer, int lane, std::size_t handle);
  int TakeLane(PeerId id, PeerState& peer);
  void FreeLane(PeerId id, int lane);

  Span ChoreSpan(const TraceRecord& begin, const NameTables& tables);
  Span RpcSpan(const TraceRecord& open, const NameTables& tables);
  template <typename TextOf>
  std::uint32_t Cached(std::map<std::uint64_t, std::uint32_t>& cache, std::uint64_t key,
                       TextOf text_of);
  std::uint32_t Intern(std::string_view text);

  Sink& sink_;
  std::vector<PeerState> peers_;
  std::vector<OpenRun> runs_;  // the open runs, and the free slots chained from free_runs_
  std::uint32_t free_runs_ = kNoRun;
  // A peer's free lanes from 64 up, lowest first (a heap): only a peer that had more than 64
  // spans open at once has any.
  std::map<PeerId, std::vector<int>> free_high_;
  std::map<std::uint64_t, OpenStream> streams_;  // open streams by id
  std::vector<std::string> texts_;
  std::map<std::string, std::uint32_t, std::less<>> text_ids_;
  std::map<std::uint64_t, std::uint32_t> name_texts_, reason_texts_, caller_texts_, status_texts_;
};

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_SPAN_TRACKER_H_
