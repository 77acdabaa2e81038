// InvariantChecker: the order path's safety properties, checked at each step that could break
// them rather than only at the end of a run.
//
// It keeps its own ledger of every order, fed by watching each storage node's orders DB (a
// decorator) and each satellite's settlement decisions (an observer), and checks:
//   * no order lost: every order a node's Enqueue acknowledged is listed as unsent, or archived,
//     exactly once — checked whenever the Sender lists unsent orders and after every restart;
//   * an archived order is never listed as unsent again (it would be sent again), and never
//     archived twice;
//   * an order a node archives as ACCEPTED was accepted by its satellite;
//   * no order is counted twice: a satellite accepts each serial at most once, and its rollup for
//     a node equals the amounts it accepted from that node (a REJECTED order never reaches it) —
//     the hour a decision counts in at each decision, every hour at the end (CheckRollups);
//   * CleanArchive deletes exactly the archived orders archived at or before now - TTL, judged on
//     the node's own clock and its configured TTL (not on what the caller passed);
//   * a satellite accepts an order only from the node its limit names, and its expiry decisions
//     agree with its own clock: an order is expired iff its limit's expiration is before the
//     satellite's now, and an order rejected for a reason checked after expiry was not expired.
// Harness code that sees a violation itself (a hostile peer's refused order that was accepted,
// a chore breaking its contract) reports it through Report.
// A write that failed may still have landed (a failed fsync), so the ledger keeps such writes in
// doubt until the next listing settles them: an order whose Enqueue failed may appear later, an
// order whose Archive failed may turn out archived, a failed CleanArchive may have deleted, and
// a satellite's storage error may or may not have counted its order. It allows those outcomes and
// nothing else.
// The first violation fails the simulation (Simulator::Fail) at the event that broke it, with a
// message that starts "invariant violated:", and is recorded in the trace.
#ifndef TESTPLANET_SCENARIOS_INVARIANTS_H_
#define TESTPLANET_SCENARIOS_INVARIANTS_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "peers/satellite/orders.h"
#include "peers/storagenode/orders_db.h"
#include "sim/simulator.h"

namespace testplanet {

namespace invariant_kinds {
// An invariant was violated. a = the node or satellite index, b = 0 node / 1 satellite.
TESTPLANET_TRACE_KIND(kViolated, "invariant.violated");
}  // namespace invariant_kinds

class InvariantChecker {
 public:
  explicit InvariantChecker(Simulator& sim) : sim_(&sim) {}

  // Wraps storage node `index`'s orders DB; call for every (re)build of the node. `peer` is the
  // node in the simulation (its clock judges cleanups) and `archive_ttl` its configured TTL.
  std::unique_ptr<storagenode::OrdersDb> WatchNode(int index, std::string name, NodeId id,
                                                   PeerId peer, Duration archive_ttl,
                                                   std::unique_ptr<storagenode::OrdersDb> db);
  // Returns the observer for satellite `index`, which settles as `id`; `endpoint` gives its
  // current settlement endpoint (to read rollups), or null while it is down.
  satellite::SettlementObserver WatchSatellite(
      int index, std::string name, NodeId id, std::function<satellite::OrdersEndpoint*()> endpoint);

  // Compares node `index`'s whole orders DB with the ledger (after a restart, at the end).
  void CheckNode(int index, storagenode::OrdersDb& db);
  // Compares every running satellite's whole rollup for every node with the ledger (at the end:
  // each decision reads only its own window).
  void CheckRollups();

  // A violation that harness code found: fails the simulation like the checker's own.
  void Report(const std::string& what) { Violate(0, false, what); }

  std::uint64_t checks() const { return checks_; }
  bool violated() const { return violated_; }
  // Orders the ledger knows, over every node: how many are unsent now.
  std::uint64_t unsent() const;

  // Used by the decorator.
  void Enqueued(int node, const storagenode::OrderInfo& info, bool ok);
  void Listed(int node, const std::map<NodeId, std::vector<storagenode::OrderInfo>>& listed);
  void Archived(int node, TimePoint at, const std::vector<storagenode::ArchiveRequest>& requests,
                const Status& status);
  // A CleanArchive on node `index` returned; the ledger judges it on the node's own clock.
  void Cleaned(int node, std::uint64_t deleted);
  void CleanFailed(int node);

 private:
  struct Order {
    NodeId satellite;
    std::int64_t amount = 0;
    bool archived = false;
    storagenode::OrderStatus status = storagenode::OrderStatus::kUnsent;
    TimePoint archived_at{};
    // Its Archive failed: it is unsent, or archived with `status` at `archived_at`.
    bool archive_in_doubt = false;
  };
  // What a cleanup reads (every node cleans every 5 minutes) comes first, in one cache line of
  // its own: it was spread over two or three lines of a 208-byte row, each a miss at 25,000
  // nodes.
  struct alignas(64) NodeLedger {
    PeerId peer = kSimulatorPeer;
    Duration archive_ttl{};
    // No archived order in `orders` was archived before this: a cleanup whose cutoff is earlier
    // expires nothing and walks nothing (a week's orders stay archived for days).
    TimePoint oldest_archived = TimePoint::max();
    std::uint64_t maybe_cleaned = 0;  // a failed CleanArchive may have deleted these
    std::string name;
    std::map<std::string, Order> orders;  // by serial
    // The serials in `orders` not archived (those in doubt included): what a listing must show.
    // A listing walks these, not the week of archived orders `orders` also holds.
    std::set<std::string> unarchived;
    std::set<std::string> maybe;  // Enqueue failed: may have landed
  };
  // An order's Archive is known to have landed: checks it against its satellite.
  void ResolveArchived(int node, const std::string& serial, Order& order);
  // What a satellite's rollup for one node must hold, in all and in the window of the node's
  // latest decision. A decision changes only its own window, so each decision reads that window
  // (a node's rollup holds a row per hour it was paid for: reading them all at every order made
  // a long run's checks grow with its length); every window is read at the end of the run.
  struct Rollup {
    std::int64_t expected = 0;  // sum of the amounts counted
    std::int64_t slack = 0;     // sum of the amounts in doubt (storage errors)
    std::int64_t window = std::numeric_limits<std::int64_t>::min();
    std::int64_t window_expected = 0;
    std::int64_t window_slack = 0;
  };
  struct SatelliteLedger {
    std::string name;
    NodeId id;
    std::function<satellite::OrdersEndpoint*()> endpoint;
    std::set<std::string> counted;     // serials accepted
    std::set<std::string> ambiguous;   // storage errors: counted or not
    std::map<NodeId, Rollup> rollups;  // per node
  };

  void Settled(int satellite, const satellite::SettlementEvent& event);
  // The decision's node and time agree with the limit (see the contract above).
  void CheckDecision(SatelliteLedger& ledger, int index, const satellite::SettlementEvent& event);
  // Adds a decision's `amount` to what its hour (`window`) may hold: counted, or else in doubt.
  // The totals are the caller's (a doubtful order adds to the slack once).
  static void Expect(Rollup& rollup, std::int64_t window, std::int64_t amount, bool counted);
  // Reads the hour of a decision in `window` (or the whole rollup, for an hour no longer kept).
  void CheckRollup(SatelliteLedger& ledger, int index, const NodeId& node, const Rollup& rollup,
                   std::int64_t window);
  // Reads `node`'s rollup (one window, or all when `window` is null) and fails unless it holds
  // between `low` and `low + slack` bytes.
  void CheckRollupSum(SatelliteLedger& ledger, int index, const NodeId& node,
                      const std::int64_t* window, std::int64_t low, std::int64_t slack);
  // The instant at or before which node `ledger`'s archived orders are expired now.
  TimePoint Cutoff(const NodeLedger& ledger) const;
  // Drops archived orders archived at or before `cutoff` from the ledger; returns how many.
  static std::uint64_t Expire(NodeLedger& ledger, TimePoint cutoff);
  // `order` (at `serial`) is archived now, at its archived_at.
  static void MarkArchived(NodeLedger& ledger, const std::string& serial, Order& order);
  void Violate(int index, bool satellite, const std::string& what);
  NodeLedger& Node(int index);
  std::string NodeName(const NodeId& id) const;
  SatelliteLedger* SatelliteById(const NodeId& id);

  Simulator* sim_;
  // By node index (every cleanup looks its node up); a deque, so growing keeps references.
  std::deque<NodeLedger> nodes_;
  std::map<int, SatelliteLedger> satellites_;
  std::map<NodeId, std::string> node_names_;
  std::uint64_t checks_ = 0;
  bool violated_ = false;
};

}  // namespace testplanet

#endif  // TESTPLANET_SCENARIOS_INVARIANTS_H_
