// boundary_clock: stop a peer's clock exactly on an order's boundary (plus an offset of a
// nanosecond or so), so that its next decisions meet that instant exactly — the limit's expiry
// on a satellite, the archive TTL on a node.
#include "peers/storagenode/orders_service.h"
#include "scenarios/language/field_reader.h"
#include "scenarios/language/hostile.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

// A drift of -1,000,000 ppm stops a clock: it then reads the epoch plus its offset.
constexpr std::int64_t kStopped = -1'000'000;

class BoundaryClockStep final : public StepAction {
 public:
  BoundaryClockStep(PeerRef peer, bool expiry, PeerRef of, Duration offset)
      : peer_(peer), expiry_(expiry), of_(of), offset_(offset) {}

  void Apply(RunContext& run) const override {
    run.AskFor("boundary_clock");
    const std::optional<TimePoint> boundary = expiry_ ? Expiry(run) : ArchiveTtl(run);
    if (!boundary) return;  // no order to stand on: the fault did not fire
    run.SetClock(peer_, (*boundary + offset_).time_since_epoch(), kStopped);
    run.Fired("boundary_clock", peer_);
  }

 private:
  // The expiration of the limit of node of_'s order that expires first, for satellite peer_.
  std::optional<TimePoint> Expiry(RunContext& run) const {
    auto orders = OrdersOf(run.planet(), of_, peer_, 1, /*unsent=*/true, /*accepted_only=*/false);
    if (orders.empty()) return std::nullopt;
    const std::int64_t unix_ns = orders.front().limit.order_expiration();
    return TimePoint(Duration(unix_ns - kEpochUnixSeconds * 1'000'000'000));
  }
  // The archive time of node of_'s oldest archived order plus the node's archive TTL.
  std::optional<TimePoint> ArchiveTtl(RunContext& run) const {
    auto* node = run.planet().storage_nodes().at(static_cast<std::size_t>(of_.index)).get();
    if (node == nullptr) return std::nullopt;
    Simulator::Observation observing(run.sim());
    auto archived = node->orders_db().ListArchived(1);
    if (!archived.ok() || archived->empty()) return std::nullopt;
    return archived->front().archived_at +
           run.planet().storage_node_config(of_.index).orders.archive_ttl;
  }

  PeerRef peer_;
  bool expiry_;
  PeerRef of_;
  Duration offset_;
};

class BoundaryClockKind final : public StepKind {
 public:
  BoundaryClockKind()
      : StepKind({.field = "boundary_clock",
                  .group = "clock",
                  .doc = "stops a peer's clock exactly at an order's boundary plus `offset`: a "
                         "satellite at node `of`'s soonest limit expiry (LIMIT_EXPIRY), node `of` "
                         "at its oldest archived order's TTL (ARCHIVE_TTL)",
                  .faults = {"boundary_clock"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto boundary = in.ReadEnum("boundary", /*required=*/true);
    if (!boundary.ok()) return boundary.status();
    const bool expiry = *boundary == BoundaryClock::LIMIT_EXPIRY;
    auto of = in.ReadPeer("of", {.satellites = false, .uplinks = false});
    if (!of.ok()) return of.status();
    auto peer = in.ReadPeer("peer", {.satellites = expiry,
                                     .storage_nodes = !expiry,
                                     .uplinks = false,
                                     .why = expiry ? "LIMIT_EXPIRY stops a satellite's clock"
                                                   : "ARCHIVE_TTL stops node `of`'s clock"});
    if (!peer.ok()) return peer.status();
    if (!expiry && *peer != *of) return in.Error("peer", "must be node `of` for ARCHIVE_TTL");
    auto offset = in.ReadDuration("offset", {.fallback = Duration::zero(), .negative_ok = true});
    if (!offset.ok()) return offset.status();
    if (*offset > std::chrono::hours(1) || *offset < -std::chrono::hours(1)) {
      return in.Error("offset", "must be within 1h either way");
    }
    return std::make_unique<BoundaryClockStep>(*peer, expiry, *of, *offset);
  }

  // A boundary met exactly (offset -1ns, 0 or +1ns), then what decides on it: the node
  // resubmits its settled orders to the stopped satellite, or the node's cleanup runs.
  void Draw(SwarmDraw& swarm) const override {
    if (!swarm.On()) return;
    const bool expiry = swarm.random().Bernoulli(0.5);
    const PeerRef of = swarm.Node();
    const PeerRef peer = expiry ? swarm.Satellite() : of;
    const Duration offset(static_cast<Duration::rep>(swarm.random().Below(3)) - 1);
    const Duration at = swarm.Time();
    BoundaryClock& clock = *swarm.Add(at).mutable_boundary_clock();
    clock.set_peer(peer.Name());
    clock.set_boundary(expiry ? BoundaryClock::LIMIT_EXPIRY : BoundaryClock::ARCHIVE_TTL);
    clock.set_of(of.Name());
    clock.set_offset(FormatDuration(offset));
    const Duration then = at + std::chrono::seconds(1);
    if (expiry) {
      ResubmitOrders& resubmit = *swarm.Add(then).mutable_resubmit_orders();
      resubmit.set_peer(of.Name());
      resubmit.set_satellite(peer.index);
    } else {
      Chore& cleanup = *swarm.Add(then).mutable_chore();
      cleanup.set_peer(of.Name());
      cleanup.set_chore(std::string(storagenode::kCleanupChore));
      cleanup.set_op(Chore::TRIGGER);
    }
    swarm.Say("stop " + peer.Name() + "'s clock at " + of.Name() + "'s " +
              (expiry ? "limit expiry" : "archive TTL") + " " + clock.offset() + " at " +
              FormatDuration(at));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(boundary_clock) { registry.Add(std::make_unique<BoundaryClockKind>()); }

}  // namespace testplanet::scenario
