#include "scenarios/planet/invariants.h"

#include <algorithm>
#include <utility>

namespace testplanet {
namespace {

using storagenode::ArchivedOrder;
using storagenode::ArchiveRequest;
using storagenode::OrderCounts;
using storagenode::OrderInfo;
using storagenode::OrdersDb;
using storagenode::OrderStatus;

// Forwards every call to the node's real orders DB and tells the checker what happened.
class CheckedOrdersDb : public storagenode::OrdersDbWrapper {
 public:
  CheckedOrdersDb(InvariantChecker& checker, int node, std::unique_ptr<OrdersDb> inner)
      : OrdersDbWrapper(std::move(inner)), checker_(&checker), node_(node) {}

  Status Enqueue(const OrderInfo& info) override {
    Status s = inner().Enqueue(info);
    checker_->Enqueued(node_, info, s.ok());
    return s;
  }
  StatusOr<std::map<NodeId, std::vector<OrderInfo>>> ListUnsentBySatellite() override {
    auto listed = inner().ListUnsentBySatellite();
    if (listed.ok()) checker_->Listed(node_, *listed);
    return listed;
  }
  Status Archive(TimePoint archived_at, const std::vector<ArchiveRequest>& requests) override {
    Status s = inner().Archive(archived_at, requests);
    checker_->Archived(node_, archived_at, requests, s);
    return s;
  }
  StatusOr<std::uint64_t> CleanArchive(TimePoint now, Duration ttl) override {
    auto deleted = inner().CleanArchive(now, ttl);
    if (deleted.ok()) {
      checker_->Cleaned(node_, *deleted);
    } else {
      checker_->CleanFailed(node_);
    }
    return deleted;
  }

 private:
  InvariantChecker* checker_;
  int node_;
};

}  // namespace

std::unique_ptr<OrdersDb> InvariantChecker::WatchNode(int index, std::string name, NodeId id,
                                                      PeerId peer, Duration archive_ttl,
                                                      std::unique_ptr<OrdersDb> db) {
  NodeLedger& ledger = Node(index);
  ledger.name = name;
  ledger.peer = peer;
  ledger.archive_ttl = archive_ttl;
  node_names_[id] = std::move(name);
  return std::make_unique<CheckedOrdersDb>(*this, index, std::move(db));
}

satellite::SettlementObserver InvariantChecker::WatchSatellite(
    int index, std::string name, NodeId id, std::function<satellite::OrdersEndpoint*()> endpoint) {
  SatelliteLedger& ledger = satellites_[index];
  ledger.name = std::move(name);
  ledger.id = id;
  ledger.endpoint = std::move(endpoint);
  return [this, index](const satellite::SettlementEvent& event) { Settled(index, event); };
}

InvariantChecker::NodeLedger& InvariantChecker::Node(int index) {
  const auto at = static_cast<std::size_t>(index);
  if (at >= nodes_.size()) nodes_.resize(at + 1);
  return nodes_[at];
}

InvariantChecker::SatelliteLedger* InvariantChecker::SatelliteById(const NodeId& id) {
  for (auto& [index, ledger] : satellites_) {
    if (ledger.id == id) return &ledger;
  }
  return nullptr;
}

std::uint64_t InvariantChecker::unsent() const {
  std::uint64_t n = 0;
  for (const NodeLedger& node : nodes_) {
    n += node.unarchived.size();
  }
  return n;
}

void InvariantChecker::Violate(int index, bool satellite, const std::string& what) {
  if (violated_) return;
  violated_ = true;
  sim_->Record(kSimulatorPeer, invariant_kinds::kViolated, static_cast<std::uint64_t>(index),
               satellite ? 1 : 0);
  sim_->WriteLog(kSimulatorPeer, LogLevel::kError, "invariant violated: " + what);
  sim_->Fail(Status(StatusCode::kDataLoss, "invariant violated: " + what));
}

void InvariantChecker::Enqueued(int node, const OrderInfo& info, bool ok) {
  ++checks_;
  NodeLedger& ledger = Node(node);
  const std::string& serial = info.limit.serial_number();
  if (!ok) {
    if (!ledger.orders.count(serial)) ledger.maybe.insert(serial);
    return;
  }
  auto [it, inserted] = ledger.orders.try_emplace(serial);
  if (!inserted) {
    if (it->second.archived) {
      Violate(node, false,
              ledger.name + " enqueued order " + HexOf(serial) + " again after archiving it");
    }
    return;  // the same order stored again while unsent: one key, one order
  }
  auto satellite = NodeId::FromBytes(info.limit.satellite_id());
  it->second.satellite = satellite.ok() ? *satellite : NodeId();
  it->second.amount = info.order.amount();
  ledger.unarchived.insert(serial);
  ledger.maybe.erase(serial);
}

void InvariantChecker::Listed(int node, const std::map<NodeId, std::vector<OrderInfo>>& listed) {
  ++checks_;
  NodeLedger& ledger = Node(node);
  std::set<std::string> seen;
  for (const auto& [satellite, orders] : listed) {
    for (const OrderInfo& info : orders) {
      const std::string& serial = info.limit.serial_number();
      seen.insert(serial);
      auto it = ledger.orders.find(serial);
      if (it == ledger.orders.end()) {
        if (ledger.maybe.erase(serial) != 0) {  // a failed write that landed after all
          Order& order = ledger.orders[serial];
          order.satellite = satellite;
          order.amount = info.order.amount();
          ledger.unarchived.insert(serial);
          continue;
        }
        Violate(node, false,
                ledger.name + " lists order " + HexOf(serial) + " as unsent, but never stored it");
        return;
      }
      if (it->second.archive_in_doubt) {  // the failed Archive did not land
        it->second.archive_in_doubt = false;
        continue;
      }
      if (it->second.archived) {
        Violate(node, false,
                ledger.name + " lists archived order " + HexOf(serial) +
                    " as unsent: it would be sent again (archived as " +
                    storagenode::OrderStatusName(it->second.status) + " at " +
                    FormatTime(it->second.archived_at) + ")");
        return;
      }
    }
  }
  for (auto it = ledger.unarchived.begin(); it != ledger.unarchived.end();) {
    const std::string serial = *it;
    ++it;  // MarkArchived below takes `serial` out of the set
    if (seen.count(serial)) continue;
    Order& order = ledger.orders.find(serial)->second;
    if (order.archive_in_doubt) {  // the failed Archive landed after all
      order.archive_in_doubt = false;
      MarkArchived(ledger, serial, order);
      ResolveArchived(node, serial, order);
      if (violated_) return;
      continue;
    }
    Violate(node, false,
            ledger.name + " lost order " + HexOf(serial) +
                ": its enqueue succeeded, and it is neither unsent nor archived");
    return;
  }
}

void InvariantChecker::Archived(int node, TimePoint at, const std::vector<ArchiveRequest>& requests,
                                const Status& status) {
  ++checks_;
  NodeLedger& ledger = Node(node);
  if (!status.ok() && status.code() != StatusCode::kNotFound) {
    // Atomic, but perhaps landed: the next listing tells.
    for (const ArchiveRequest& request : requests) {
      auto it = ledger.orders.find(request.serial);
      if (it == ledger.orders.end() || it->second.archived) continue;
      it->second.archive_in_doubt = true;
      it->second.status = request.status;
      it->second.archived_at = at;
    }
    return;
  }
  for (const ArchiveRequest& request : requests) {
    auto it = ledger.orders.find(request.serial);
    if (it == ledger.orders.end()) {
      if (status.code() == StatusCode::kNotFound) continue;  // skipped by the DB, as promised
      Violate(node, false,
              ledger.name + " archived order " + HexOf(request.serial) + ", which it never stored");
      return;
    }
    Order& order = it->second;
    if (order.archived) {
      if (status.code() == StatusCode::kNotFound) continue;
      Violate(node, false, ledger.name + " archived order " + HexOf(request.serial) + " twice");
      return;
    }
    order.archive_in_doubt = false;
    order.status = request.status;
    order.archived_at = at;
    MarkArchived(ledger, request.serial, order);
    ResolveArchived(node, request.serial, order);
    if (violated_) return;
  }
}

void InvariantChecker::ResolveArchived(int node, const std::string& serial, Order& order) {
  if (order.status != OrderStatus::kAccepted) return;
  SatelliteLedger* satellite = SatelliteById(order.satellite);
  if (satellite != nullptr && !satellite->counted.count(serial) &&
      !satellite->ambiguous.count(serial)) {
    Violate(node, false,
            Node(node).name + " archived order " + HexOf(serial) + " as accepted, but " +
                satellite->name + " never accepted it: its bandwidth is never paid");
  }
}

TimePoint InvariantChecker::Cutoff(const NodeLedger& ledger) const {
  return sim_->PeerNow(ledger.peer) - ledger.archive_ttl;
}

std::uint64_t InvariantChecker::Expire(NodeLedger& ledger, TimePoint cutoff) {
  if (cutoff < ledger.oldest_archived) return 0;
  std::uint64_t expired = 0;
  TimePoint oldest = TimePoint::max();
  for (auto it = ledger.orders.begin(); it != ledger.orders.end();) {
    if (it->second.archived && it->second.archived_at <= cutoff) {
      ++expired;
      it = ledger.orders.erase(it);
      continue;
    }
    if (it->second.archived) oldest = std::min(oldest, it->second.archived_at);
    ++it;
  }
  ledger.oldest_archived = oldest;
  return expired;
}

void InvariantChecker::MarkArchived(NodeLedger& ledger, const std::string& serial, Order& order) {
  order.archived = true;
  ledger.unarchived.erase(serial);
  ledger.oldest_archived = std::min(ledger.oldest_archived, order.archived_at);
}

void InvariantChecker::CleanFailed(int node) {
  NodeLedger& ledger = Node(node);
  ledger.maybe_cleaned += Expire(ledger, Cutoff(ledger));
}

void InvariantChecker::Cleaned(int node, std::uint64_t deleted) {
  ++checks_;
  NodeLedger& ledger = Node(node);
  const TimePoint cutoff = Cutoff(ledger);
  const std::uint64_t expired = Expire(ledger, cutoff);
  // Orders a failed cleanup left behind go now; ones it deleted after all do not come again.
  if (deleted < expired || deleted > expired + ledger.maybe_cleaned) {
    Violate(node, false,
            ledger.name + " cleaned " + std::to_string(deleted) + " archived orders, but " +
                std::to_string(expired) + " were archived at or before " + FormatTime(cutoff) +
                " (its clock less its archive TTL of " + FormatDuration(ledger.archive_ttl) + ")");
    return;
  }
  ledger.maybe_cleaned -= deleted - expired;
}

void InvariantChecker::Settled(int index, const satellite::SettlementEvent& event) {
  ++checks_;
  SatelliteLedger& ledger = satellites_[index];
  const std::string serial(event.serial);
  CheckDecision(ledger, index, event);
  if (violated_) return;
  Rollup& rollup = ledger.rollups[event.node];
  const std::int64_t window = satellite::OrdersEndpoint::RollupWindow(event.now);
  switch (event.reason) {
    case satellite::RejectReason::kNone:
      if (!ledger.counted.insert(serial).second) {
        Violate(index, true,
                ledger.name + " accepted order " + HexOf(serial) + " from " + NodeName(event.node) +
                    " a second time: counted twice");
        return;
      }
      rollup.expected += event.amount;
      Expect(rollup, window, event.amount, true);
      break;
    case satellite::RejectReason::kStorageError:
      // The order's amount may have landed once in all, but in the hour of any of its failed
      // writes: each failure allows it in its own hour, the total only once.
      if (ledger.ambiguous.insert(serial).second) rollup.slack += event.amount;
      Expect(rollup, window, event.amount, false);
      break;
    case satellite::RejectReason::kDoubleSpend:
      if (!ledger.counted.count(serial) && !ledger.ambiguous.count(serial)) {
        Violate(index, true,
                ledger.name + " refused order " + HexOf(serial) + " from " + NodeName(event.node) +
                    " as already spent, but never counted it");
        return;
      }
      break;
    default:
      break;
  }
  CheckRollup(ledger, index, event.node, rollup, window);
}

void InvariantChecker::CheckDecision(SatelliteLedger& ledger, int index,
                                     const satellite::SettlementEvent& event) {
  using satellite::RejectReason;
  const std::string serial(event.serial);
  if (event.reason == RejectReason::kNone && event.limit_node != event.node.bytes()) {
    auto named = NodeId::FromBytes(event.limit_node);
    Violate(index, true,
            ledger.name + " accepted order " + HexOf(serial) + " from " + NodeName(event.node) +
                ", but its limit is for " + (named.ok() ? NodeName(*named) : "another node"));
    return;
  }
  // Expiry is checked after the node, satellite, signatures and serial, before the amount and
  // the serial's record: a decision for a later reason was made on a limit that had not expired.
  const bool expired = event.expiration < event.now;
  const bool judged_valid =
      event.reason == RejectReason::kNone || event.reason == RejectReason::kOverLimit ||
      event.reason == RejectReason::kUnknownSerial || event.reason == RejectReason::kDoubleSpend ||
      event.reason == RejectReason::kStorageError;
  const bool judged_expired = event.reason == RejectReason::kExpired;
  if ((judged_valid && expired) || (judged_expired && !expired)) {
    const std::int64_t delta = event.now - event.expiration;
    Violate(index, true,
            ledger.name + " judged order " + HexOf(serial) + " from " + NodeName(event.node) + " " +
                satellite::RejectReasonName(event.reason) + " when its clock read " +
                (delta >= 0 ? FormatDuration(Duration(delta)) + " after"
                            : FormatDuration(Duration(-delta)) + " before") +
                " the limit's expiration (expired means expiration < now)");
  }
}

void InvariantChecker::Expect(Rollup& rollup, std::int64_t window, std::int64_t amount,
                              bool counted) {
  if (window > rollup.window) {
    rollup.window = window;
    rollup.window_expected = 0;
    rollup.window_slack = 0;
  }
  // A window before the one kept (the satellite's clock went back) is not tracked: its decision
  // is checked against the whole rollup instead.
  if (window == rollup.window) (counted ? rollup.window_expected : rollup.window_slack) += amount;
}

void InvariantChecker::CheckRollup(SatelliteLedger& ledger, int index, const NodeId& node,
                                   const Rollup& rollup, std::int64_t window) {
  if (window == rollup.window) {
    CheckRollupSum(ledger, index, node, &window, rollup.window_expected, rollup.window_slack);
  } else if (window > rollup.window) {  // nothing counted in this hour yet: it must be empty
    CheckRollupSum(ledger, index, node, &window, 0, 0);
  } else {
    CheckRollupSum(ledger, index, node, nullptr, rollup.expected, rollup.slack);
  }
}

void InvariantChecker::CheckRollups() {
  for (auto& [index, ledger] : satellites_) {
    for (const auto& [node, rollup] : ledger.rollups) {
      if (violated_) return;
      CheckRollupSum(ledger, index, node, nullptr, rollup.expected, rollup.slack);
    }
  }
}

void InvariantChecker::CheckRollupSum(SatelliteLedger& ledger, int index, const NodeId& node,
                                      const std::int64_t* window, std::int64_t low,
                                      std::int64_t slack) {
  satellite::OrdersEndpoint* endpoint = ledger.endpoint ? ledger.endpoint() : nullptr;
  if (endpoint == nullptr) return;
  Simulator::Observation observing(*sim_);
  StatusOr<std::int64_t> rollup =
      window ? endpoint->NodeSettledInWindow(node, *window) : endpoint->NodeSettled(node);
  if (!rollup.ok()) return;  // a disk error; the next decision checks again
  const std::int64_t high = low + slack;
  if (*rollup < low || *rollup > high) {
    const std::string where =
        window ? " in the hour from " +
                     FormatTime(TimePoint(Duration(*window - ToUnixNanos(TimePoint()))))
               : "";
    Violate(index, true,
            ledger.name + "'s rollup for " + NodeName(node) + where + " is " +
                std::to_string(*rollup) + " bytes, but it accepted " + std::to_string(low) +
                " bytes of orders from it" + (window ? " then" : "") +
                (high > low ? " (" + std::to_string(high - low) + " more in doubt)" : ""));
  }
}

std::string InvariantChecker::NodeName(const NodeId& id) const {
  auto it = node_names_.find(id);
  return it == node_names_.end() ? id.Short() : it->second;
}

void InvariantChecker::CheckNode(int index, OrdersDb& db) {
  Simulator::Observation observing(*sim_);
  auto listed = db.ListUnsentBySatellite();
  if (listed.ok()) Listed(index, *listed);
  if (violated_) return;
  auto counts = db.Count();
  if (!counts.ok()) return;
  NodeLedger& ledger = Node(index);
  const std::uint64_t archived = ledger.orders.size() - ledger.unarchived.size();
  const std::uint64_t held = counts->accepted + counts->rejected;
  if (held < archived || held > archived + ledger.maybe_cleaned) {
    Violate(index, false,
            ledger.name + " holds " + std::to_string(held) + " archived orders, but archived " +
                std::to_string(archived));
  }
}

}  // namespace testplanet
