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

#include <boost/container/small_vector.hpp>

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
  // Ends every span still open at `end_ns`, unfinished: chore runs by peer, then RPC streams.
  void EndAll(std::int64_t end_ns);

  // Every distinct text a span used so far; texts()[0] is "".
  const std::vector<std::string>& texts() const { return texts_; }
  std::vector<std::string> TakeTexts() { return std::move(texts_); }
  // Per peer, the lanes its spans used (at least 1; peers past the last with spans: none).
  std::vector<int> Lanes() const;

 private:
  // A chore run begun and not yet ended (its begin record's a = chore, c = run number).
  struct OpenRun {
    std::uint64_t chore, run;
    Span span;
    std::size_t handle;
  };
  struct OpenStream {
    Span span;
    std::size_t handle;
  };
  // A peer's open runs (a storage node has its three chores at most, so they sit in the entry)
  // and its lanes: how many it has used, which of the first 64 hold an open span (a bit each:
  // a record costs no second cache miss for a vector of lanes), and the free ones past those,
  // lowest first (a heap; only a peer with more than 64 spans open at once has any).
  using OpenRuns = boost::container::small_vector<OpenRun, 3>;
  struct PeerState {
    OpenRuns runs;
    std::uint64_t busy = 0;
    int lanes = 0;
    std::vector<int> free_high;
  };

  PeerState& StateOf(PeerId peer);
  static OpenRuns::iterator FindRun(PeerState& peer, const TraceRecord& r);
  void Begin(Span& span, std::size_t& handle);
  void End(Span& span, std::size_t handle, std::int64_t end_ns, std::uint64_t status);
  void Drop(const Span& span, std::size_t handle);
  int TakeLane(PeerState& peer);
  void FreeLane(PeerState& peer, int lane);

  Span ChoreSpan(const TraceRecord& begin, const NameTables& tables);
  Span RpcSpan(const TraceRecord& open, const NameTables& tables);
  template <typename TextOf>
  std::uint32_t Cached(std::map<std::uint64_t, std::uint32_t>& cache, std::uint64_t key,
                       TextOf text_of);
  std::uint32_t Intern(std::string_view text);

  Sink& sink_;
  std::vector<PeerState> peers_;
  std::map<std::uint64_t, OpenStream> streams_;  // open streams by id
  std::vector<std::string> texts_;
  std::map<std::string, std::uint32_t, std::less<>> text_ids_;
  std::map<std::uint64_t, std::uint32_t> name_texts_, reason_texts_, caller_texts_, status_texts_;
};

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_SPAN_TRACKER_H_
