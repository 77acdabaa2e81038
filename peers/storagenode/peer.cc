#include "peers/storagenode/peer.h"

namespace testplanet::storagenode {
namespace {

// The node's chores: each name once, with where the node keeps that chore.
struct ChoreEntry {
  std::string_view name;
  Cycle& (*of)(StorageNode&);
};
constexpr ChoreEntry kChores[] = {
    {kSenderChore, [](StorageNode& node) -> Cycle& { return node.orders().sender(); }},
    {kCleanupChore, [](StorageNode& node) -> Cycle& { return node.orders().cleanup(); }},
    {kContactChore, [](StorageNode& node) -> Cycle& { return node.contact().cycle(); }},
};

}  // namespace

const std::vector<std::string_view>& StorageNode::ChoreNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const ChoreEntry& chore : kChores) names.push_back(chore.name);
    return names;
  }();
  return kNames;
}

ChoreControl* StorageNode::Chore(std::string_view name) {
  for (const ChoreEntry& chore : kChores) {
    if (chore.name == name) return &chore.of(*this);
  }
  return nullptr;
}

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
  node->orders_db_ = std::make_unique<RocksdbOrdersDb>(*node->store_);
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
