// Satellite: one satellite, wired from its subsystems — its Store, the overlay (node table and
// the contact endpoint) and the orders endpoint (order limits and settlement) — registered on
// its rpc::Server. It has no periodic chores yet (ChoreNames is empty); Run serves until the
// context ends.
#ifndef TESTPLANET_PEERS_SATELLITE_PEER_H_
#define TESTPLANET_PEERS_SATELLITE_PEER_H_

#include <memory>
#include <string_view>
#include <vector>

#include "peers/identity/identity.h"
#include "peers/rpc/transport.h"
#include "peers/satellite/orders.h"
#include "peers/satellite/overlay.h"
#include "peers/storage/store.h"
#include "sim/chore_control.h"
#include "sim/lifecycle.h"
#include "sim/simulator.h"
#include "sim/sleep.h"

namespace testplanet::satellite {

struct Config {
  rpc::Address address;
  OrdersConfig orders;
  OverlayConfig overlay;
  StorageOptions storage;
  SettlementObserver settlement_observer;  // sees every settlement decision; may be null
  WrapOrderChecks wrap_order_checks;       // decorates the settlement checks; may be null
};

class Satellite {
 public:
  static StatusOr<std::unique_ptr<Satellite>> Create(Simulator& sim, PeerId peer, Identity identity,
                                                     Config config);
  ~Satellite();

  Awaitable<Status> Run(Context ctx);
  Status Close();

  const Identity& identity() const { return identity_; }
  const NodeId& id() const { return identity_.id(); }
  PeerId peer() const { return peer_; }
  const rpc::Address& address() const { return config_.address; }
  rpc::Server& server() { return server_; }
  Overlay& overlay() { return *overlay_; }
  OrdersEndpoint& orders() { return *orders_; }
  // The satellite's chores by name, as a storage node's: none yet.
  static const std::vector<std::string_view>& ChoreNames();
  ChoreControl* Chore(std::string_view) { return nullptr; }
  Store& store() { return *store_; }

 private:
  Satellite(Simulator& sim, PeerId peer, Identity identity, Config config);

  PeerId peer_;
  Identity identity_;
  Config config_;
  rpc::Server server_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Overlay> overlay_;
  std::unique_ptr<OrdersEndpoint> orders_;
  Fence never_;  // the server item waits on it until its context ends
  LifecycleGroup services_;
  bool closed_ = false;
};

}  // namespace testplanet::satellite

#endif  // TESTPLANET_PEERS_SATELLITE_PEER_H_
