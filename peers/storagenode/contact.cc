#include "peers/storagenode/contact.h"

#include "peers/protocol/orders.pb.h"
#include "peers/protocol/signing.h"

namespace testplanet::storagenode {

ContactChore::ContactChore(Simulator& sim, PeerId peer, Duration interval,
                           rpc::Address self_address, rpc::Dialer& dialer, TrustSource& trust,
                           Duration dial_timeout)
    : sim_(&sim),
      peer_(peer),
      dialer_(&dialer),
      trust_(&trust),
      dial_timeout_(dial_timeout),
      cycle_(sim, std::string(kContactChore), peer, interval) {
  pb::CheckInRequest request;
  request.set_address(std::move(self_address));
  check_in_request_ = DeterministicBytes(request);
}

Awaitable<Status> ContactChore::Run(Context ctx) {
  co_return co_await cycle_.Run(std::move(ctx), [this](CycleRun run) -> Awaitable<Status> {
    co_await CheckInAll(run.ctx);
    co_return Status::Ok();
  });
}

Awaitable<void> ContactChore::CheckInAll(Context ctx) {
  // The snapshot stays whole across the awaits below, whatever trust does meanwhile.
  const SatelliteList satellites = trust_->List();
  for (const TrustedSatellite& satellite : *satellites) {
    if (Status s = co_await CheckIn(ctx, satellite); !s.ok()) {
      if (ctx.Done()) co_return;  // shutting down: not a failure worth a line
      ++failures_;
      sim_->WriteLog(peer_, LogLevel::kWarn,
                     "check-in with " + satellite.address + ": " + s.ToString());
    }
  }
}

Awaitable<Status> ContactChore::CheckIn(Context ctx, const TrustedSatellite& satellite) {
  auto connection = co_await dialer_->Dial(ctx.WithTimeout(dial_timeout_), satellite.address);
  if (!connection.ok()) co_return connection.status();
  if ((*connection)->remote().id != satellite.identity.id) {
    co_return Status(StatusCode::kUnauthenticated, satellite.address + " is someone else");
  }
  auto response = co_await rpc::CallUnary(ctx.WithTimeout(dial_timeout_), **connection,
                                          "contact.CheckIn", check_in_request_);
  if (!response.ok()) co_return response.status();
  ++check_ins_;
  co_return Status::Ok();
}

}  // namespace testplanet::storagenode
