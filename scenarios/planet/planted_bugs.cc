#include "scenarios/planet/planted_bugs.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

namespace testplanet {
namespace {

using storagenode::ArchiveRequest;
using storagenode::OrderInfo;
using storagenode::OrdersDb;
using storagenode::OrderStatus;

// --- Installing: each bug goes inside whatever the hook did already. -----------------------

using WrapDb = std::function<std::unique_ptr<OrdersDb>(std::unique_ptr<OrdersDb>)>;

// Puts `make(db)` next to every node's real orders DB, inside any wrapper already there.
template <typename Decorator>
void WrapEveryOrdersDb(Config& config) {
  auto previous = config.reconfigure_storage_node;
  config.reconfigure_storage_node = [previous](int index, storagenode::Config& node) {
    if (previous) previous(index, node);
    WrapDb outer = node.wrap_orders_db;
    node.wrap_orders_db = [outer](std::unique_ptr<OrdersDb> db) {
      std::unique_ptr<OrdersDb> planted = std::make_unique<Decorator>(std::move(db));
      return outer ? outer(std::move(planted)) : std::move(planted);
    };
  };
}

template <typename Decorator>
void WrapEveryOrderChecks(Config& config) {
  auto previous = config.reconfigure_satellite;
  config.reconfigure_satellite = [previous](int index, satellite::Config& sat) {
    if (previous) previous(index, sat);
    satellite::WrapOrderChecks outer = sat.wrap_order_checks;
    sat.wrap_order_checks = [outer](std::unique_ptr<satellite::OrderChecks> checks) {
      std::unique_ptr<satellite::OrderChecks> planted =
          std::make_unique<Decorator>(std::move(checks));
      return outer ? outer(std::move(planted)) : std::move(planted);
    };
  };
}

template <typename Decorator>
void WrapEveryChore(Config& config) {
  auto outer = config.wrap_chore;
  config.wrap_chore = [outer](PeerRef peer, std::unique_ptr<ChoreControl> chore) {
    std::unique_ptr<ChoreControl> planted = std::make_unique<Decorator>(std::move(chore));
    return outer ? outer(peer, std::move(planted)) : std::move(planted);
  };
}

// --- The sender and the node's start. ------------------------------------------------------

// archive-before-answer: when a settlement is cut short, the orders it sent but got no answer
// for are archived as ACCEPTED with the answered ones — money the satellite never counted.
class ArchiveBeforeAnswer : public storagenode::OrdersDbWrapper {
 public:
  using OrdersDbWrapper::OrdersDbWrapper;

  StatusOr<std::map<NodeId, std::vector<OrderInfo>>> ListUnsentBySatellite() override {
    auto listed = inner().ListUnsentBySatellite();
    if (listed.ok()) listed_ = *listed;
    return listed;
  }
  Status Archive(TimePoint at, const std::vector<ArchiveRequest>& requests) override {
    std::vector<ArchiveRequest> all = requests;
    std::set<std::string> answered;
    for (const ArchiveRequest& request : requests) answered.insert(request.serial);
    if (!requests.empty()) {
      for (const OrderInfo& info : listed_[requests.front().satellite]) {
        if (answered.insert(info.limit.serial_number()).second) {
          all.push_back(
              {requests.front().satellite, info.limit.serial_number(), OrderStatus::kAccepted});
        }
      }
    }
    return inner().Archive(at, all);
  }

 private:
  std::map<NodeId, std::vector<OrderInfo>> listed_;
};

// resend-archived-after-restart: a start-up "recovery" puts every archived order back in the
// unsent queue, so that a restarted node sends them again.
class ResendArchivedAfterRestart : public storagenode::OrdersDbWrapper {
 public:
  explicit ResendArchivedAfterRestart(std::unique_ptr<OrdersDb> inner)
      : OrdersDbWrapper(std::move(inner)) {
    auto archived = this->inner().ListArchived(std::numeric_limits<std::size_t>::max());
    if (!archived.ok()) return;
    for (const auto& order : *archived) {
      this->inner().Enqueue(OrderInfo{order.limit, order.order}).IgnoreError();
    }
  }
};

// --- Cleanup. ------------------------------------------------------------------------------

// cleanup-strict-boundary: an order archived exactly one TTL ago survives the cleanup (the
// cutoff compared with < where it should be <=).
class CleanupStrictBoundary : public storagenode::OrdersDbWrapper {
 public:
  using OrdersDbWrapper::OrdersDbWrapper;
  StatusOr<std::uint64_t> CleanArchive(TimePoint now, Duration ttl) override {
    return inner().CleanArchive(now - Duration(1), ttl);
  }
};

// --- The satellite's checks. ---------------------------------------------------------------

class OrderChecksWrapper : public satellite::OrderChecks {
 public:
  explicit OrderChecksWrapper(std::unique_ptr<satellite::OrderChecks> inner)
      : inner_(std::move(inner)) {}

 protected:
  satellite::OrderChecks& inner() { return *inner_; }

 private:
  std::unique_ptr<satellite::OrderChecks> inner_;
};

// expiry-off-by-one: an order settled at exactly its limit's expiration is judged expired (the
// expiration compared with <= where it should be <).
class ExpiryOffByOne : public OrderChecksWrapper {
 public:
  using OrderChecksWrapper::OrderChecksWrapper;
  satellite::RejectReason Check(const NodeId& caller, const pb::SettlementRequest& request,
                                std::int64_t now, pb::SerialRecord& serial) override {
    using satellite::RejectReason;
    const RejectReason reason = inner().Check(caller, request, now, serial);
    const bool past_expiry_check =
        reason == RejectReason::kNone || reason == RejectReason::kOverLimit ||
        reason == RejectReason::kUnknownSerial || reason == RejectReason::kDoubleSpend;
    if (past_expiry_check && request.limit().order_expiration() == now) {
      return RejectReason::kExpired;
    }
    return reason;
  }
};

// accept-other-nodes-orders: the satellite forgets to check that the node settling an order is
// the node its limit names, so a node can cash another node's orders.
class AcceptOtherNodesOrders : public OrderChecksWrapper {
 public:
  using OrderChecksWrapper::OrderChecksWrapper;
  satellite::RejectReason Check(const NodeId& caller, const pb::SettlementRequest& request,
                                std::int64_t now, pb::SerialRecord& serial) override {
    const satellite::RejectReason reason = inner().Check(caller, request, now, serial);
    if (reason != satellite::RejectReason::kWrongNode) return reason;
    auto named = NodeId::FromBytes(request.limit().storage_node_id());
    return named.ok() ? inner().Check(*named, request, now, serial) : reason;
  }
};

// --- The Cycle. ----------------------------------------------------------------------------

// trigger-unpauses: a trigger on a paused chore un-pauses it, so it goes back to ticking (the
// contract: a trigger while paused runs once and leaves it paused).
class TriggerUnpauses : public ChoreControlWrapper {
 public:
  using ChoreControlWrapper::ChoreControlWrapper;
  void Trigger() override {
    if (inner().Paused()) inner().Restart();
    inner().Trigger();
  }
  Awaitable<Status> TriggerWaitAsync() override {
    if (inner().Paused()) inner().Restart();
    return inner().TriggerWaitAsync();
  }
};

}  // namespace

const std::vector<PlantedBug>& PlantedBugs() {
  static const std::vector<PlantedBug> kBugs = {
      {"archive-before-answer", "sender",
       "when a settlement is cut short, unanswered orders are archived as accepted",
       &WrapEveryOrdersDb<ArchiveBeforeAnswer>},
      {"resend-archived-after-restart", "node start",
       "a restarted node puts its archived orders back in the unsent queue",
       &WrapEveryOrdersDb<ResendArchivedAfterRestart>},
      {"cleanup-strict-boundary", "cleanup",
       "an order archived exactly one TTL ago survives the cleanup (< where <= belongs)",
       &WrapEveryOrdersDb<CleanupStrictBoundary>},
      {"expiry-off-by-one", "satellite checks",
       "an order settled at exactly its expiration is judged expired (<= where < belongs)",
       &WrapEveryOrderChecks<ExpiryOffByOne>},
      {"accept-other-nodes-orders", "satellite checks",
       "the satellite does not check that the settling node is the one the limit names",
       &WrapEveryOrderChecks<AcceptOtherNodesOrders>},
      {"trigger-unpauses", "cycle",
       "a trigger on a paused chore un-pauses it, and it goes back to ticking",
       &WrapEveryChore<TriggerUnpauses>},
  };
  return kBugs;
}

Status PlantBug(std::string_view name, Config& config) {
  if (name.empty() || name == "none") return Status::Ok();
  std::string names;
  for (const PlantedBug& bug : PlantedBugs()) {
    if (bug.name == name) {
      bug.install(config);
      return Status::Ok();
    }
    names += (names.empty() ? "" : ", ") + std::string(bug.name);
  }
  return InvalidArgumentError("no planted bug \"" + std::string(name) + "\" (there are: " + names +
                              ")");
}

}  // namespace testplanet
