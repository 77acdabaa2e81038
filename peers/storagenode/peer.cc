#include "peers/storagenode/peer.h"

namespace testplanet::storagenode {

StorageNode::StorageNode(Simulator& sim, PeerId peer, Identity identity, Config config,
                         std::unique_ptr<rpc::Dialer> dialer)
    : peer_(peer),
      identity_(std::move(identity)),
      config_(std::move(config)),
      dialer_(std::move(dialer)),
      services_(sim, peer) {}

StatusOr<std::unique_ptr<StorageNode>> StorageNode::Create(Simulator& sim, PeerId peer,
                                                           Identity identity, Config config,
                                                           std::unique_ptr<rpc::Dialer> dialer,
                                                           TrustSource& trust) {
  std::unique_ptr<StorageNode> node(
      new StorageNode(sim, peer, std::move(identity), std::move(config), std::move(dialer)));
  StatusOr<std::unique_ptr<Store>> store = Store::Open(node->config_.storage);
  if (!store.ok()) {
    Status closed = node->Close();
    return store.status().WithContext("storage node " + node->config_.address);
  }
  node->store_ = std::move(*store);
  auto orders_db = std::make_unique<RocksdbOrdersDb>(*node->store_);
#ifdef TESTPLANET_PLANTED_BUGS
  if (node->config_.orders.planted_bug == PlantedBug::kResendArchivedAfterRestart) {
    if (Status s = orders_db->RequeueArchived(); !s.ok()) {
      node->Close().IgnoreError();
      return s;
    }
  }
#endif
  node->orders_db_ = std::move(orders_db);
  if (node->config_.wrap_orders_db) {
    node->orders_db_ = node->config_.wrap_orders_db(std::move(node->orders_db_));
  }

  RandomStream jitter = sim.random().Stream("storagenode/" + node->id().Hex() + "/orders-jitter");
  node->orders_ = std::make_unique<OrdersService>(sim, peer, node->config_.orders,
                                                  *node->orders_db_, *node->dialer_, trust, jitter);
  node->services_.Add({"orders", [n = node.get()](Context ctx) { return n->orders_->Run(ctx); },
                       [n = node.get()] { return n->orders_->Close(); }});

  node->piecestore_ = std::make_unique<Piecestore>(sim, peer, node->identity_, *node->store_,
                                                   *node->orders_db_, trust);
  node->piecestore_->Register(node->server_);

  node->contact_ = std::make_unique<ContactChore>(sim, peer, node->config_.contact_interval,
                                                  node->config_.address, *node->dialer_, trust,
                                                  node->config_.contact_dial_timeout);
  node->services_.Add({"contact", [n = node.get()](Context ctx) { return n->contact_->Run(ctx); },
                       [n = node.get()] { return n->contact_->Close(); }});
  return node;
}

StorageNode::~StorageNode() { Close().IgnoreError(); }

Awaitable<Status> StorageNode::Run(Context ctx) { return services_.Run(std::move(ctx)); }

Status StorageNode::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  StatusGroup errors;
  errors.Add(services_.Close());
  store_.reset();  // last: the services above use it
  return errors.Combined();
}

}  // namespace testplanet::storagenode
