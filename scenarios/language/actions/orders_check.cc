// orders: the orders the selected storage nodes hold — unsent, accepted, rejected, archived —
// summed, for every satellite or for one.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/judgement.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"

namespace testplanet::scenario {
namespace {

struct OrderBounds {
  Expectation unsent, accepted, rejected, archived;
};

class OrdersCheck final : public CheckAction {
 public:
  OrdersCheck(std::vector<PeerRef> peers, std::optional<int> satellite, OrderBounds bounds)
      : peers_(std::move(peers)), satellite_(satellite), bounds_(std::move(bounds)) {}

  void Judge(RunContext& run, Judgement& judgement) const override {
    const storagenode::OrderCounts sum = Sum(run.planet());
    const auto judge = [&](const Expectation& expected, std::uint64_t found, const char* what) {
      if (!expected.empty()) judgement.Count(expected, static_cast<std::int64_t>(found), what);
    };
    judge(bounds_.unsent, sum.unsent, "unsent");
    judge(bounds_.accepted, sum.accepted, "accepted");
    judge(bounds_.rejected, sum.rejected, "rejected");
    judge(bounds_.archived, sum.accepted + sum.rejected, "archived");
  }

 private:
  // Over the selected nodes that run; a node that is down holds its orders on a disk nobody
  // reads now.
  storagenode::OrderCounts Sum(Planet& planet) const {
    storagenode::OrderCounts sum;
    const satellite::Satellite* only =
        satellite_ ? planet.satellites().at(static_cast<std::size_t>(*satellite_)).get() : nullptr;
    for (const PeerRef& peer : peers_) {
      auto* node = planet.storage_nodes().at(static_cast<std::size_t>(peer.index)).get();
      if (node == nullptr) continue;
      storagenode::OrderCounts counts;
      if (satellite_) {
        if (only == nullptr) continue;
        auto by_satellite = node->orders_db().CountBySatellite();
        if (!by_satellite.ok()) continue;
        auto it = by_satellite->find(only->id());
        if (it != by_satellite->end()) counts = it->second;
      } else {
        auto all = node->orders_db().Count();
        if (!all.ok()) continue;
        counts = *all;
      }
      sum.unsent += counts.unsent;
      sum.accepted += counts.accepted;
      sum.rejected += counts.rejected;
    }
    return sum;
  }

  std::vector<PeerRef> peers_;
  std::optional<int> satellite_;
  OrderBounds bounds_;
};

class OrdersCheckKind final : public CheckKind {
 public:
  OrdersCheckKind()
      : CheckKind({.field = "orders",
                   .doc = "orders the selected nodes hold (unsent, accepted, rejected, archived), "
                          "summed; with `satellite`, only that satellite's"}) {}

  StatusOr<std::unique_ptr<CheckAction>> Load(FieldReader& in) const override {
    auto peers = in.ReadPeers(
        "peer", {.satellites = false, .uplinks = false, .why = "orders are held by storage nodes"});
    if (!peers.ok()) return peers.status();
    std::optional<int> satellite;
    if (in.Has("satellite")) {
      auto index = in.ReadIndex("satellite", PeerKind::kSatellite);
      if (!index.ok()) return index.status();
      satellite = *index;
    }
    OrderBounds bounds;
    for (auto [field, bound] :
         {std::pair{"unsent", &bounds.unsent}, std::pair{"accepted", &bounds.accepted},
          std::pair{"rejected", &bounds.rejected}, std::pair{"archived", &bounds.archived}}) {
      auto read = in.ReadExpect(field, /*required=*/false);
      if (!read.ok()) return read.status();
      *bound = std::move(*read);
    }
    if (bounds.unsent.empty() && bounds.accepted.empty() && bounds.rejected.empty() &&
        bounds.archived.empty()) {
      return in.Error("", "needs unsent, accepted, rejected or archived");
    }
    return std::make_unique<OrdersCheck>(std::move(*peers), satellite, std::move(bounds));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(orders_check) { registry.Add(std::make_unique<OrdersCheckKind>()); }

}  // namespace testplanet::scenario
