// extreme_limits: an uplink asks a satellite for order limits of sizes no limit may have. The
// satellite must refuse every one.
#include "peers/protocol/signing.h"
#include "peers/satellite/orders.h"
#include "scenarios/language/field_reader.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

// Asks for one limit of `bytes` as uplink `uplink`; a granted one is a violation.
Awaitable<Status> AskForLimit(RunContext& run, int uplink, PeerRef satellite, std::int64_t bytes) {
  Planet& planet = run.planet();
  std::unique_ptr<rpc::Dialer> dialer =
      planet.network().DialerFor(PeerRef::Uplink(uplink).Address());
  auto connection = co_await dialer->Dial(planet.root().WithTimeout(std::chrono::minutes(1)),
                                          satellite.Address());
  if (!connection.ok()) co_return connection.status();
  pb::CreateOrderLimitsRequest request;
  request.set_bucket_id("bucket");
  request.set_action(pb::PUT);
  request.set_limit(bytes);
  request.set_count(1);
  request.set_piece_id(run.Stream("extreme_limits/pieces").Bytes(16));
  auto answer = co_await rpc::CallUnary(planet.root(), **connection, "orders.CreateOrderLimits",
                                        DeterministicBytes(request));
  if (answer.ok()) {
    run.Violation(satellite.Name() + " granted an order limit of " + std::to_string(bytes) +
                  " bytes to uplink" + std::to_string(uplink) + "; limits are 1 to " +
                  std::to_string(satellite::OrdersConfig::kMaxOrderLimit) + " bytes");
  }
  co_return Status::Ok();
}

class ExtremeLimitsStep final : public StepAction {
 public:
  ExtremeLimitsStep(int uplink, PeerRef satellite, std::vector<std::int64_t> limits)
      : uplink_(uplink), satellite_(satellite), limits_(std::move(limits)) {}

  void Apply(RunContext& run) const override {
    run.AskFor("extreme_limits");
    run.Fired("extreme_limits", PeerRef::Uplink(uplink_));
    for (std::int64_t bytes : limits_) {
      run.Spawn(AskForLimit(run, uplink_, satellite_, bytes), "hostile_limit_requests");
    }
  }

 private:
  int uplink_;
  PeerRef satellite_;
  std::vector<std::int64_t> limits_;
};

class ExtremeLimitsKind final : public StepKind {
 public:
  ExtremeLimitsKind()
      : StepKind({.field = "extreme_limits",
                  .group = "hostile",
                  .doc = "an uplink asks for order limits of 0, -1, just over the maximum and "
                         "INT64_MAX bytes (or `limits`); the satellite must refuse each",
                  .faults = {"extreme_limits"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto uplink = in.ReadIndex("uplink", PeerKind::kUplink);
    if (!uplink.ok()) return uplink.status();
    auto satellite = in.ReadIndex("satellite", PeerKind::kSatellite);
    if (!satellite.ok()) return satellite.status();
    const auto& given = static_cast<const ExtremeLimits&>(in.message()).limits();
    std::vector<std::int64_t> limits(given.begin(), given.end());
    for (std::int64_t bytes : limits) {
      if (bytes >= 1 && bytes <= satellite::OrdersConfig::kMaxOrderLimit) {
        return in.Error("limits", std::to_string(bytes) +
                                      " is a valid limit: hostile limits are outside 1 to " +
                                      std::to_string(satellite::OrdersConfig::kMaxOrderLimit));
      }
    }
    if (limits.empty()) {
      limits = {0, -1, satellite::OrdersConfig::kMaxOrderLimit + 1, INT64_MAX};
    }
    return std::make_unique<ExtremeLimitsStep>(*uplink, PeerRef::Satellite(*satellite),
                                               std::move(limits));
  }

  void Draw(SwarmDraw& swarm) const override {
    if (swarm.counts().uplinks == 0 || !swarm.On(0.25)) return;
    const Duration at = swarm.Time();
    ExtremeLimits& ask = *swarm.Add(at).mutable_extreme_limits();
    ask.set_uplink(swarm.Uplink());
    ask.set_satellite(swarm.Satellite().index);
    swarm.Say("extreme limits from uplink" + std::to_string(ask.uplink()) + " at " +
              FormatDuration(at));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(extreme_limits) { registry.Add(std::make_unique<ExtremeLimitsKind>()); }

}  // namespace testplanet::scenario
