#include "peers/satellite/peer.h"

namespace testplanet::satellite {
namespace {

// Returns how many times this satellite has started, this start included.
StatusOr<std::uint64_t> CountStart(Store& store) {
  static constexpr std::string_view kKey = "meta/starts";
  StatusOr<std::optional<std::string>> known = store.Get(kKey);
  if (!known.ok()) return known.status();
  const std::uint64_t starts =
      1 + (known->has_value() && (*known)->size() == 8 ? ReadBigEndian64(**known) : 0);
  std::string value;
  AppendBigEndian64(value, starts);
  if (Status s = store.Put(kKey, value); !s.ok()) return s;
  return starts;
}

}  // namespace

Satellite::Satellite(Simulator& sim, PeerId peer, Identity identity, Config config)
    : peer_(peer),
      identity_(std::move(identity)),
      config_(std::move(config)),
      never_(sim),
      services_(sim, peer) {}

StatusOr<std::unique_ptr<Satellite>> Satellite::Create(Simulator& sim, PeerId peer,
                                                       Identity identity, Config config) {
  std::unique_ptr<Satellite> satellite(
      new Satellite(sim, peer, std::move(identity), std::move(config)));
  StatusOr<std::unique_ptr<Store>> store = Store::Open(satellite->config_.storage);
  if (!store.ok()) {
    satellite->Close().IgnoreError();
    return store.status().WithContext("satellite " + satellite->config_.address);
  }
  satellite->store_ = std::move(*store);
  const std::string name = "satellite/" + satellite->id().Hex();
  // Each start draws serial numbers from a stream of its own: a restarted satellite must never
  // issue a serial it issued before (the invariant checker caught exactly that). The start count
  // lives in the store, so it survives restarts and crashes like the serials it protects.
  StatusOr<std::uint64_t> starts = CountStart(*satellite->store_);
  if (!starts.ok()) {
    satellite->Close().IgnoreError();
    return starts.status().WithContext("satellite " + satellite->config_.address);
  }
  satellite->overlay_ = std::make_unique<Overlay>(sim, peer, *satellite->store_,
                                                  sim.random().Stream(name + "/selection"),
                                                  satellite->config_.overlay);
  satellite->overlay_->Register(satellite->server_);
  satellite->orders_ = std::make_unique<OrdersEndpoint>(
      sim, peer, satellite->identity_, *satellite->store_, *satellite->overlay_,
      satellite->config_.orders,
      sim.random().Stream(name + "/serials" +
                          (*starts == 1 ? std::string() : "/start" + std::to_string(*starts))),
      satellite->config_.wrap_order_checks);
  satellite->orders_->Register(satellite->server_);
  satellite->orders_->SetObserver(satellite->config_.settlement_observer);
  // Endpoints serve from the network while the peer runs; this item is the peer's lifetime.
  satellite->services_.Add({"server",
                            [s = satellite.get()](Context ctx) -> Awaitable<Status> {
                              co_await s->never_.Wait(ctx);
                              co_return ctx.Err();
                            },
                            {}});
  return satellite;
}

Satellite::~Satellite() { Close().IgnoreError(); }

const std::vector<std::string_view>& Satellite::ChoreNames() {
  static const std::vector<std::string_view> kNone;
  return kNone;
}

Awaitable<Status> Satellite::Run(Context ctx) { return services_.Run(std::move(ctx)); }

Status Satellite::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  Status status = services_.Close();
  store_.reset();
  return status;
}

}  // namespace testplanet::satellite
