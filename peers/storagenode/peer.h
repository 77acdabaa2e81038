// StorageNode: one storage node, wired from its subsystems.
//
// Create opens the node's Store, then builds the orders DB, the orders service (Sender and
// Cleanup chores), the piece store endpoint and the contact chore, and registers the endpoints
// on the node's rpc::Server. A failure part-way closes what was built. Run starts the services
// through a LifecycleGroup under the given context; Close closes them in reverse order, then the
// Store.
//
// Reach a chore the Storj way: `node.orders().sender().Pause(); ... .TriggerWait();`, or by
// name: `node.Chore("orders.sender")`.
#ifndef TESTPLANET_PEERS_STORAGENODE_PEER_H_
#define TESTPLANET_PEERS_STORAGENODE_PEER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "peers/identity/identity.h"
#include "peers/rpc/transport.h"
#include "peers/storage/store.h"
#include "peers/storagenode/contact.h"
#include "peers/storagenode/orders_config.h"
#include "peers/storagenode/orders_service.h"
#include "peers/storagenode/piecestore.h"
#include "peers/storagenode/rocksdb_orders_db.h"
#include "peers/storagenode/trust.h"
#include "sim/chore_control.h"
#include "sim/lifecycle.h"
#include "sim/simulator.h"

namespace testplanet::storagenode {

struct Config {
  rpc::Address address;  // where the node listens
  OrdersConfig orders;   // release defaults unless overridden
  Duration contact_interval = std::chrono::hours(1);
  Duration contact_dial_timeout = std::chrono::seconds(15);
  StorageOptions storage;  // where its RocksDB lives
  // Wraps the node's orders DB (the planet's invariant checker watches it this way); null: none.
  std::function<std::unique_ptr<OrdersDb>(std::unique_ptr<OrdersDb>)> wrap_orders_db;

  // Storj testplanet's values: 15s chores, no jitter.
  static Config Testplanet() {
    Config config;
    config.orders = OrdersConfig::Testplanet();
    config.contact_interval = std::chrono::seconds(15);
    return config;
  }
};

class StorageNode {
 public:
  // Builds a node. `dialer` and `trust` are the node's view of the world.
  static StatusOr<std::unique_ptr<StorageNode>> Create(Simulator& sim, PeerId peer,
                                                       Identity identity, Config config,
                                                       std::unique_ptr<rpc::Dialer> dialer,
                                                       TrustSource& trust);
  ~StorageNode();

  // Runs every service until `ctx` ends or one fails (then the rest are cancelled).
  Awaitable<Status> Run(Context ctx);
  // Closes services in reverse order of creation, then the database. Idempotent.
  Status Close();

  const Identity& identity() const { return identity_; }
  const NodeId& id() const { return identity_.id(); }
  PeerId peer() const { return peer_; }
  const Config& config() const { return config_; }
  const rpc::Address& address() const { return config_.address; }
  rpc::Server& server() { return server_; }
  OrdersService& orders() { return *orders_; }
  OrdersDb& orders_db() { return *orders_db_; }
  Piecestore& piecestore() { return *piecestore_; }
  ContactChore& contact() { return *contact_; }
  // The node's chores by name: "orders.sender", "orders.cleanup", "contact.chore", in that order.
  // Scenarios and the planet reach chores this way, so that no layer above keeps a list of them.
  static const std::vector<std::string_view>& ChoreNames();
  // The chore named `name`, or null when the node has none by that name.
  ChoreControl* Chore(std::string_view name);
  Store& store() { return *store_; }

 private:
  StorageNode(Simulator& sim, PeerId peer, Identity identity, Config config,
              std::unique_ptr<rpc::Dialer> dialer);

  PeerId peer_;
  Identity identity_;
  Config config_;
  std::unique_ptr<rpc::Dialer> dialer_;
  rpc::Server server_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<OrdersDb> orders_db_;
  std::unique_ptr<OrdersService> orders_;
  std::unique_ptr<Piecestore> piecestore_;
  std::unique_ptr<ContactChore> contact_;
  LifecycleGroup services_;
  bool closed_ = false;
};

}  // namespace testplanet::storagenode

#endif  // TESTPLANET_PEERS_STORAGENODE_PEER_H_
