#include "fakes/sim_network.h"

#include <algorithm>
#include <array>
#include <exception>
#include <optional>

#include "sim/sleep.h"

namespace testplanet::fakes {
namespace {

Status EndOfStream() { return Status(StatusCode::kOutOfRange, "end of stream"); }

// Adds `item` to a list of weak pointers, first dropping the expired ones when the list is full.
// A weak_ptr keeps its object's memory (make_shared puts the object and its counts in one
// block), so lists never pruned held every connection a node ever had: about 450 MB a day at
// 25,000 nodes. Pruning keeps the order, and grows the list when it stays over half full, so
// a push costs O(1) amortized.
template <typename T>
void Track(std::vector<std::weak_ptr<T>>& list, const std::shared_ptr<T>& item) {
  if (list.size() == list.capacity() && !list.empty()) {
    std::erase_if(list, [](const std::weak_ptr<T>& weak) { return weak.expired(); });
    if (list.size() > list.capacity() / 2) list.reserve(2 * list.capacity());
  }
  list.push_back(item);
}

}  // namespace

struct SimNetwork::Endpoint {
  rpc::Address address;
  std::uint32_t index = 0;
  PeerId peer = kSimulatorPeer;
  PeerIdentity identity;
  rpc::Server* server = nullptr;
  std::optional<Context> serve_ctx;
  bool up = true;
  bool listening = true;  // false once the peer behind it is gone (Unlisten)
  Duration extra_latency{};
  std::vector<std::weak_ptr<ConnState>> connections;
  // The latency of links to other endpoints, by their index, drawn once (SimNetwork::LinkLatency
  // keeps each at one of its ends). Here rather than in one map of every link, which cost a
  // cache miss a level and ~64 bytes a link.
  std::vector<std::pair<std::uint32_t, Duration>> links;
  // Faults on messages to or from this endpoint, drawn from its own stream.
  MessageFaults faults;
  double dial_failure = 0;
  std::optional<RandomStream> fault_random;
  std::optional<RandomStream> jitter_random;  // its outgoing messages' jitter
  bool held = false;
  struct Held {
    std::uint32_t from = 0, to = 0;
    UniqueFunction<void()> deliver;
  };
  std::vector<Held> held_messages;  // in order; a vector, as a deque allocates when made
};

struct SimNetwork::ConnState {
  std::uint32_t client = 0;
  std::uint32_t server = 0;
  Duration latency{};
  bool broken = false;
  Status broken_status;
  std::vector<std::weak_ptr<StreamState>> streams;
};

namespace {

// Messages arrived and not yet read, oldest first. Most streams carry a message or two each
// way, and a std::deque allocates its map and a 512-byte block as soon as it is made: four
// allocations and a kilobyte for every stream, most of a check-in's. This allocates on the
// first message only, and reads from `head_`; read slots are dropped once the queue empties,
// or once they are more than half of it (a reader that lags by one on a long stream).
class Inbox {
 public:
  bool empty() const { return head_ == messages_.size(); }
  void push_back(std::string message) { messages_.push_back(std::move(message)); }
  std::string pop_front() {
    std::string message = std::move(messages_[head_++]);
    if (head_ == messages_.size()) {
      messages_.clear();
      head_ = 0;
    } else if (head_ >= 16 && head_ * 2 > messages_.size()) {
      messages_.erase(messages_.begin(), messages_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    return message;
  }

 private:
  std::vector<std::string> messages_;
  std::size_t head_ = 0;
};

}  // namespace

// What one side of a stream sends: the opening (client to server only), a message, or its end.
struct SimNetwork::Frame {
  enum class Kind : std::uint8_t { kOpen, kMessage, kEnd };
  Kind kind = Kind::kMessage;
  std::string message;  // kMessage
  Status end;           // kEnd: the writer's status (OK: a clean end)
};

// Frames of one direction of a stream that arrive at the same instant, delivered by one event in
// the order they were sent. DRPC, Storj's transport, writes a unary call's invoke, message and
// close as one batch, and a server's reply with its close; so a check-in crosses as two packets,
// not five messages, and costs two events.
struct SimNetwork::Packet {
  TimePoint arrival{};
  std::uint64_t hold_epoch = 0;  // see SimNetwork::hold_epoch_
  // The frames in order: a unary call's three fit in place, a longer stream's go on in `more`.
  static constexpr std::size_t kInPlace = 3;
  std::array<Frame, kInPlace> first;
  std::size_t count = 0;
  std::vector<Frame> more;

  void Add(Frame frame) {
    if (count < kInPlace) {
      first[count] = std::move(frame);
    } else {
      more.push_back(std::move(frame));
    }
    ++count;
  }
  Frame& At(std::size_t i) { return i < kInPlace ? first[i] : more[i - kInPlace]; }
};

namespace {

// One direction of a stream: what has arrived and who waits for it.
struct HalfPipe {
  Inbox inbox;
  std::optional<Status> end;   // the writer's end, once delivered (OK: a clean end)
  TimePoint last_arrival{};    // keeps deliveries in order
  TimePoint latest_arrival{};  // the latest of any message so far: the end comes after it
  bool send_closed = false;    // the writer has closed or ended this direction
  // The reader's parked continuation (see Simulator::Park): a reader's coroutine owns the
  // stream it waits on, so the simulator, not the stream, must own the continuation.
  std::optional<Simulator::ParkId> waiter;
  Context::Registration waiter_registration;
  // The packet last sent this way while it is in flight: frames sent for the same instant join
  // it. Owned by its event (PacketEvent), which clears this when it fires or is destroyed.
  SimNetwork::Packet* in_flight = nullptr;
};

using RecvContinuation = UniqueFunction<void(StatusOr<std::string>)>;

}  // namespace

struct SimNetwork::StreamState {
  SimNetwork* network = nullptr;
  std::shared_ptr<ConnState> connection;
  std::string method;
  HalfPipe to_server;
  HalfPipe to_client;
  std::optional<Context> server_ctx;  // cancelled when the connection breaks

  // The direction toward the server iff `server`.
  HalfPipe& Toward(bool server) { return server ? to_server : to_client; }

  ~StreamState() {
    for (HalfPipe* half : {&to_server, &to_client}) {
      half->waiter_registration.Reset();
      if (half->waiter) network->sim_->Discard(*half->waiter);
    }
  }
};

namespace {

// What a reader of `half` gets right now, if anything.
std::optional<StatusOr<std::string>> Ready(HalfPipe& half, const SimNetwork::ConnState& conn) {
  if (!half.inbox.empty()) return StatusOr<std::string>(half.inbox.pop_front());
  if (conn.broken) return StatusOr<std::string>(conn.broken_status);
  if (half.end) return StatusOr<std::string>(half.end->ok() ? EndOfStream() : *half.end);
  return std::nullopt;
}

// Hands the next result to a waiting reader, if there is one and a result is ready.
void Wake(Simulator& sim, HalfPipe& half, const SimNetwork::ConnState& conn) {
  if (!half.waiter) return;
  std::optional<StatusOr<std::string>> result = Ready(half, conn);
  if (!result) return;
  RecvContinuation waiter = sim.Unpark<void(StatusOr<std::string>)>(*half.waiter);
  half.waiter.reset();
  half.waiter_registration.Reset();
  if (waiter) waiter(std::move(*result));
}

}  // namespace

// --- Streams -----------------------------------------------------------------------------------

class SimNetwork::SimStream : public rpc::Stream {
 public:
  SimStream(std::shared_ptr<StreamState> state, bool client)
      : state_(std::move(state)), client_(client) {}
  ~SimStream() override {
    // Dropping a stream abandons its reader and, for a client, ends its direction.
    HalfPipe& in = Inbound();
    in.waiter_registration.Reset();
    if (in.waiter) {
      const Simulator::ParkId parked = *in.waiter;
      in.waiter.reset();
      state_->network->sim_->Discard(parked);
    }
    if (client_) CloseSend();
  }

  // A simulated send never waits: the message is queued (or lost) at once.
  std::optional<Status> TrySend(const Context& ctx, std::string& message) override {
    return SendNow(ctx, std::move(message));
  }
  Awaitable<Status> Send(Context ctx, std::string message) override {
    co_return *TrySend(ctx, message);
  }

  std::optional<StatusOr<std::string>> TryRecv() override {
    return Ready(Inbound(), *state_->connection);
  }

  Awaitable<StatusOr<std::string>> Recv(Context ctx) override {
    if (auto ready = TryRecv()) co_return std::move(*ready);
    if (ctx.Done()) co_return ctx.Err();
    co_return co_await boost::asio::async_initiate<const UseAwaitable&,
                                                   void(StatusOr<std::string>)>(
        [this](auto handler, Context wait_ctx) {
          HalfPipe& in = Inbound();
          Simulator& sim = *state_->network->sim_;
          in.waiter = sim.Park(RecvContinuation(std::move(handler)));
          std::weak_ptr<StreamState> weak = state_;
          const bool client = client_;
          in.waiter_registration = wait_ctx.OnDone([weak, client, &sim, wait_ctx] {
            auto state = weak.lock();
            if (!state) return;
            HalfPipe& half = state->Toward(!client);
            if (!half.waiter) return;
            RecvContinuation waiter = sim.Unpark<void(StatusOr<std::string>)>(*half.waiter);
            half.waiter.reset();
            if (!waiter) return;
            sim.Post([waiter = std::move(waiter), err = wait_ctx.Err()]() mutable { waiter(err); });
          });
        },
        kUseAwaitable, std::move(ctx));
  }

  void CloseSend() override { EndDirection(Status::Ok()); }

  // Ends this side's direction with `status` (the server handler's result), once.
  void EndDirection(const Status& status) {
    HalfPipe& out = Outbound();
    if (out.send_closed) return;
    out.send_closed = true;
    SimNetwork& network = *state_->network;
    const SimNetwork::Transit transit = network.Route(
        From(), To(), *state_->connection, out.last_arrival, out.latest_arrival, /*data=*/false);
    if (transit.lost) return;
    network.Dispatch(From(), To(), transit.arrival, state_, client_,
                     Frame{Frame::Kind::kEnd, {}, status});
  }

 private:
  HalfPipe& Inbound() { return state_->Toward(!client_); }
  HalfPipe& Outbound() { return state_->Toward(client_); }

  std::uint32_t From() const {
    return client_ ? state_->connection->client : state_->connection->server;
  }
  std::uint32_t To() const {
    return client_ ? state_->connection->server : state_->connection->client;
  }

  Status SendNow(const Context& ctx, std::string message) {
    const ConnState& conn = *state_->connection;
    if (conn.broken) return conn.broken_status;
    if (ctx.Done()) return ctx.Err();
    HalfPipe& out = Outbound();
    if (out.send_closed) return FailedPreconditionError("send on a closed stream");
    SimNetwork& network = *state_->network;
    const SimNetwork::Transit transit =
        network.Route(From(), To(), conn, out.last_arrival, out.latest_arrival, /*data=*/true);
    if (transit.lost) return Status::Ok();  // the sender cannot tell
    if (transit.duplicate) {
      network.Dispatch(From(), To(), transit.arrival, state_, client_,
                       Frame{Frame::Kind::kMessage, message, {}});
    }
    network.Dispatch(From(), To(), transit.arrival, state_, client_,
                     Frame{Frame::Kind::kMessage, std::move(message), {}});
    return Status::Ok();
  }

  std::shared_ptr<StreamState> state_;
  bool client_;
};

void SimNetwork::Deliver(StreamState& stream, bool to_server, std::string message) {
  const ConnState& conn = *stream.connection;
  if (conn.broken) return;  // lost with the connection
  const Endpoint& from = *by_index_[to_server ? conn.client : conn.server];
  const Endpoint& to = *by_index_[to_server ? conn.server : conn.client];
  ++messages_delivered_;
  bytes_delivered_ += message.size();
  sim_->Record(to.peer, net_kinds::kMessage, from.peer, to.peer, message.size());
  HalfPipe& half = stream.Toward(to_server);
  half.inbox.push_back(std::move(message));
  Wake(*sim_, half, conn);
}

void SimNetwork::OpenAtServer(const std::shared_ptr<StreamState>& stream) {
  const std::string& method = stream->method;
  ConnState& conn = *stream->connection;
  if (conn.broken) return;
  Endpoint& server = *by_index_[conn.server];
  const Endpoint& client = *by_index_[conn.client];
  rpc::StreamHandler* handler = server.server ? server.server->Find(method) : nullptr;
  auto server_side = std::make_shared<SimStream>(stream, /*client=*/false);
  if (handler == nullptr || !server.serve_ctx) {
    server_side->EndDirection(
        Status(StatusCode::kUnimplemented, "no method " + method + " at " + server.address));
    return;
  }
  const std::uint64_t stream_id = next_stream_id_++;
  sim_->Record(server.peer, net_kinds::kStreamOpen, client.peer, sim_->trace().InternName(method),
               stream_id);
  stream->server_ctx = server.serve_ctx->WithCancel();
  const PeerId client_peer = client.peer, server_peer = server.peer;
  Simulator* sim = sim_;
  boost::asio::co_spawn(sim_->io(), (*handler)(*stream->server_ctx, client.identity, *server_side),
                        [server_side, sim, client_peer, server_peer, stream_id](
                            std::exception_ptr error, Status status) {
                          if (error) status = StatusFromException(error).WithContext("handler");
                          sim->Record(server_peer, net_kinds::kStreamEnd, client_peer,
                                      static_cast<std::uint64_t>(status.code()), stream_id);
                          server_side->EndDirection(status);
                        });
}

// --- Connections and dialing -------------------------------------------------------------------

class SimNetwork::SimConnection : public rpc::Connection {
 public:
  // `remote` is the dialed endpoint's: endpoints live as long as the network, and an address
  // is only ever listened on again under the same identity, so no copy (and no allocation for
  // its key) is needed per connection.
  SimConnection(SimNetwork* network, std::shared_ptr<ConnState> conn, const PeerIdentity& remote)
      : network_(network), conn_(std::move(conn)), remote_(&remote) {}

  const PeerIdentity& remote() const override { return *remote_; }

  Awaitable<StatusOr<std::unique_ptr<rpc::Stream>>> OpenStream(Context ctx,
                                                               std::string method) override {
    co_return *TryOpenStream(ctx, method);
  }

  // Opening never waits here: the opening frame is sent (or lost) at once.
  std::optional<StatusOr<std::unique_ptr<rpc::Stream>>> TryOpenStream(
      const Context& ctx, std::string_view method) override {
    if (conn_->broken) return conn_->broken_status;
    if (ctx.Done()) return ctx.Err();
    auto state = std::make_shared<StreamState>();
    state->network = network_;
    state->connection = conn_;
    state->method = std::string(method);
    Track(conn_->streams, state);
    const Transit transit =
        network_->Route(conn_->client, conn_->server, *conn_, state->to_server.last_arrival,
                        state->to_server.latest_arrival, /*data=*/false);
    if (!transit.lost) {
      network_->Dispatch(conn_->client, conn_->server, transit.arrival, state, /*to_server=*/true,
                         Frame{Frame::Kind::kOpen, {}, {}});
    }
    return std::unique_ptr<rpc::Stream>(std::make_unique<SimStream>(state, /*client=*/true));
  }

 private:
  SimNetwork* network_;
  std::shared_ptr<ConnState> conn_;
  const PeerIdentity* remote_;
};

class SimNetwork::SimDialer : public rpc::Dialer {
 public:
  SimDialer(SimNetwork* network, std::uint32_t self) : network_(network), self_(self) {}

  Awaitable<StatusOr<std::unique_ptr<rpc::Connection>>> Dial(Context ctx,
                                                             const rpc::Address& address) override {
    SimNetwork& net = *network_;
    Simulator& sim = *net.sim_;
    Endpoint* target = Find(address);
    const Endpoint& self = *net.by_index_[self_];
    const Duration latency =
        target ? net.LinkLatency(self_, target->index) + self.extra_latency + target->extra_latency
               : net.options_.min_latency;
    // While partitioned (either way), SYNs or their answers are lost: retry each second until
    // the context ends.
    bool counted = false;
    while (target && (net.PartitionedIndices(self_, target->index) ||
                      net.one_way_.count({self_, target->index}) ||
                      net.one_way_.count({target->index, self_}))) {
      if (!counted && !net.PartitionedIndices(self_, target->index)) {
        counted = true;  // a one-way cut swallowed this handshake
        net.Fired("one_way", self_, target->index);
      }
      if (!co_await Sleep(ctx, std::chrono::seconds(1))) co_return Finish(ctx.Err(), target);
    }
    // Waking, the dial reads this dialer and its known addresses first.
    if (!co_await Sleep(ctx, 2 * latency, WakeHint{this, known_.data()})) {
      co_return Finish(ctx.Err(), target);
    }
    target = Find(address);
    if (target == nullptr || !target->up || !target->listening || !self.up) {
      co_return Finish(UnavailableError("connection refused: " + address), target);
    }
    if (net.PartitionedIndices(self_, target->index)) {
      co_return Finish(DeadlineExceededError("dial " + address + ": partitioned"), target);
    }
    if (target->dial_failure > 0) {
      if (!target->fault_random) {
        target->fault_random = sim.random().Stream("net/faults/" + target->address);
      }
      if (target->fault_random->Bernoulli(target->dial_failure)) {
        net.Fired("dial_failure", self_, target->index);
        co_return Finish(UnavailableError("connection refused: " + address + " (injected)"),
                         target);
      }
    }
    auto conn = std::make_shared<ConnState>();
    conn->client = self_;
    conn->server = target->index;
    conn->latency = latency;
    Track(net.by_index_[self_]->connections, conn);
    Track(target->connections, conn);
    Finish(Status::Ok(), target).IgnoreError();
    co_return std::unique_ptr<rpc::Connection>(
        std::make_unique<SimConnection>(network_, std::move(conn), target->identity));
  }

 private:
  Status Finish(Status status, const Endpoint* target) {
    network_->sim_->Record(network_->by_index_[self_]->peer, net_kinds::kDial,
                           network_->by_index_[self_]->peer, target ? target->peer : 0,
                           static_cast<std::uint64_t>(status.code()));
    return status;
  }

  // The network's endpoint at `address`. A peer dials the same few addresses over and over (a
  // node its satellites, each hour): those are kept here, so that most dials do not walk the
  // network's map of every address, a cache miss per level in a planet of thousands.
  // Endpoints are never removed, so a kept pointer stays the network's.
  Endpoint* Find(const rpc::Address& address) {
    for (const auto& [known, endpoint] : known_) {
      if (known == address) return endpoint;
    }
    Endpoint* endpoint = network_->Find(address);
    if (endpoint != nullptr && known_.size() < kKnown) known_.emplace_back(address, endpoint);
    return endpoint;
  }

  static constexpr std::size_t kKnown = 4;
  SimNetwork* network_;
  std::uint32_t self_;
  std::vector<std::pair<rpc::Address, Endpoint*>> known_;
};

// --- The network -------------------------------------------------------------------------------

SimNetwork::SimNetwork(Simulator& sim, NetworkOptions options) : sim_(&sim), options_(options) {}
SimNetwork::~SimNetwork() = default;

SimNetwork::Endpoint* SimNetwork::Find(const rpc::Address& address) const {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? nullptr : it->second;
}

Status SimNetwork::Listen(const rpc::Address& address, PeerId peer, const PeerIdentity& identity,
                          rpc::Server* server, Context serve_ctx) {
  Endpoint* endpoint = Find(address);
  if (endpoint != nullptr && endpoint->identity.id != identity.id) {
    return Status(StatusCode::kAlreadyExists, "address " + address + " is taken");
  }
  if (endpoint == nullptr) {
    auto created = std::make_unique<Endpoint>();
    created->address = address;
    created->index = static_cast<std::uint32_t>(by_index_.size());
    endpoint = created.get();
    by_index_.push_back(endpoint);
    by_address_.emplace(endpoint->address, endpoint);
    endpoints_.emplace(address, std::move(created));
  }
  endpoint->peer = peer;
  endpoint->identity = identity;
  endpoint->server = server;
  endpoint->serve_ctx = std::move(serve_ctx);
  endpoint->up = true;
  endpoint->listening = true;
  return Status::Ok();
}

void SimNetwork::Unlisten(const rpc::Address& address) {
  Endpoint* endpoint = Find(address);
  if (endpoint == nullptr) return;
  SetDown(address);
  endpoint->listening = false;
  endpoint->server = nullptr;
  endpoint->serve_ctx.reset();
}

void SimNetwork::SetServeContext(const rpc::Address& address, Context serve_ctx) {
  if (Endpoint* endpoint = Find(address)) endpoint->serve_ctx = std::move(serve_ctx);
}

std::unique_ptr<rpc::Dialer> SimNetwork::DialerFor(const rpc::Address& self) {
  Endpoint* endpoint = Find(self);
  if (endpoint == nullptr) {
    // A peer that only dials (an uplink) still needs an identity on the network.
    Status s = Listen(self, kSimulatorPeer, PeerIdentity{}, nullptr, Context::Background(*sim_));
    s.IgnoreError();
    endpoint = Find(self);
  }
  return std::make_unique<SimDialer>(this, endpoint->index);
}

Duration SimNetwork::LinkLatency(std::uint32_t a, std::uint32_t b) {
  // A link is kept by whichever end had fewer links when it was drawn, so a satellite's or an
  // uplink's list stays as short as a node's: look in both, the shorter first.
  using Links = std::vector<std::pair<std::uint32_t, Duration>>;
  auto find = [](Links& links, std::uint32_t index) {
    return std::lower_bound(links.begin(), links.end(), index,
                            [](const auto& link, std::uint32_t i) { return link.first < i; });
  };
  std::uint32_t self = a;
  std::uint32_t other = b;
  if (by_index_[b]->links.size() < by_index_[a]->links.size()) std::swap(self, other);
  Links& near = by_index_[self]->links;
  Links& far = by_index_[other]->links;
  const auto in_near = find(near, other);
  if (in_near != near.end() && in_near->first == other) return in_near->second;
  if (const auto in_far = find(far, self); in_far != far.end() && in_far->first == self) {
    return in_far->second;
  }
  const auto key = std::minmax(a, b);
  RandomStream stream = sim_->random().Stream("net/link/" + by_index_[key.first]->address + "/" +
                                              by_index_[key.second]->address);
  const Duration latency = stream.UniformDuration(options_.min_latency, options_.max_latency);
  near.insert(in_near, {other, latency});
  return latency;
}

Duration SimNetwork::Latency(const rpc::Address& a, const rpc::Address& b) {
  Endpoint* x = Find(a);
  Endpoint* y = Find(b);
  return x && y ? LinkLatency(x->index, y->index) : options_.min_latency;
}

Duration SimNetwork::MessageDelay(const ConnState& conn) const {
  return conn.latency + by_index_[conn.client]->extra_latency +
         by_index_[conn.server]->extra_latency;
}

void SimNetwork::SetExtraLatency(const rpc::Address& address, Duration extra) {
  if (Endpoint* endpoint = Find(address)) endpoint->extra_latency = extra;
}

bool SimNetwork::PartitionedIndices(std::uint32_t a, std::uint32_t b) const {
  return partitions_.count(std::minmax(a, b)) != 0;
}

void SimNetwork::ResetConnections(const Endpoint& endpoint, const Endpoint* other,
                                  const Status& why) {
  for (auto& weak : endpoint.connections) {
    auto conn = weak.lock();
    if (!conn || conn->broken) continue;
    const std::uint32_t far = conn->client == endpoint.index ? conn->server : conn->client;
    if (other != nullptr && far != other->index) continue;
    conn->broken = true;
    conn->broken_status = why;
    sim_->Record(endpoint.peer, net_kinds::kReset, by_index_[conn->client]->peer,
                 by_index_[conn->server]->peer);
    for (auto& weak_stream : conn->streams) {
      auto stream = weak_stream.lock();
      if (!stream) continue;
      if (stream->server_ctx) stream->server_ctx->Cancel(why);
      // Wake readers from an event of their own: this may run outside the simulation.
      sim_->Post([stream, sim = sim_] {
        Wake(*sim, stream->to_server, *stream->connection);
        Wake(*sim, stream->to_client, *stream->connection);
      });
    }
  }
}

void SimNetwork::SetDown(const rpc::Address& address) {
  Endpoint* endpoint = Find(address);
  if (endpoint == nullptr || !endpoint->up) return;
  endpoint->up = false;
  ResetConnections(*endpoint, nullptr,
                   UnavailableError("connection reset: " + address + " is down"));
}

void SimNetwork::SetUp(const rpc::Address& address) {
  if (Endpoint* endpoint = Find(address)) endpoint->up = true;
}

bool SimNetwork::IsUp(const rpc::Address& address) const {
  Endpoint* endpoint = Find(address);
  return endpoint != nullptr && endpoint->up;
}

void SimNetwork::Partition(const rpc::Address& a, const rpc::Address& b) {
  Endpoint* x = Find(a);
  Endpoint* y = Find(b);
  if (x == nullptr || y == nullptr) return;
  partitions_.insert(std::minmax(x->index, y->index));
  ResetConnections(*x, y,
                   UnavailableError("connection reset: " + a + " and " + b + " partitioned"));
}

void SimNetwork::Heal(const rpc::Address& a, const rpc::Address& b) {
  Endpoint* x = Find(a);
  Endpoint* y = Find(b);
  if (x != nullptr && y != nullptr) partitions_.erase(std::minmax(x->index, y->index));
}

SimNetwork::Transit SimNetwork::Route(std::uint32_t from, std::uint32_t to, const ConnState& conn,
                                      TimePoint& last, TimePoint& latest, bool data) {
  Transit transit;
  if (!one_way_.empty() && one_way_.count({from, to})) {
    Fired("one_way", from, to);
    transit.lost = true;
    return transit;
  }
  const TimePoint now = sim_->Now();
  Duration delay = MessageDelay(conn);
  Endpoint& sender = *by_index_[from];
  if (options_.jitter > Duration::zero()) {
    if (!sender.jitter_random) {
      sender.jitter_random = sim_->random().Stream("net/jitter/" + sender.address);
    }
    delay += sender.jitter_random->UniformDuration(Duration::zero(), options_.jitter);
  }
  TimePoint arrival = now + delay;
  bool reordered = false;
  if (data) {
    for (std::uint32_t index : {from, to}) {
      Endpoint& end = *by_index_[index];
      if (!end.faults.any()) continue;
      if (!end.fault_random) end.fault_random = sim_->random().Stream("net/faults/" + end.address);
      RandomStream& random = *end.fault_random;
      if (end.faults.drop > 0 && random.Bernoulli(end.faults.drop)) {
        Fired("drop", from, to);
        transit.lost = true;
        return transit;
      }
      if (end.faults.duplicate > 0 && random.Bernoulli(end.faults.duplicate)) {
        Fired("duplicate", from, to);
        transit.duplicate = true;
      }
      if (end.faults.reorder > 0 && random.Bernoulli(end.faults.reorder)) {
        Fired("reorder", from, to);
        reordered = true;
        arrival += random.UniformDuration(Duration::zero(), 2 * conn.latency);
      }
    }
  }
  if (!clogs_.empty()) {
    auto clog = clogs_.find(std::minmax(from, to));
    if (clog != clogs_.end() && clog->second > arrival) {
      Fired("clog", from, to);
      arrival = clog->second;
    }
  }
  // A reordered message may arrive after later ones; the rest keep their order, and opening or
  // ending a stream comes after everything sent before it.
  if (!data) arrival = std::max(arrival, latest);
  if (!reordered) {
    arrival = std::max(arrival, last);
    last = arrival;
  }
  latest = std::max(latest, arrival);
  transit.arrival = arrival;
  return transit;
}

// The event that delivers a packet. It owns the packet; the stream's pointer to it (HalfPipe::
// in_flight) is cleared when it fires, or if it is destroyed unfired (a simulator torn down).
class SimNetwork::PacketEvent {
 public:
  PacketEvent(std::shared_ptr<SimNetwork::StreamState> stream,
              std::unique_ptr<SimNetwork::Packet> packet, bool to_server)
      : stream_(std::move(stream)), packet_(std::move(packet)), to_server_(to_server) {}
  PacketEvent(PacketEvent&&) noexcept = default;
  PacketEvent& operator=(PacketEvent&&) = delete;
  ~PacketEvent() { Land(); }

  void operator()() {
    Land();  // frames sent from here on, at this instant, go in a packet of their own
    SimNetwork& network = *stream_->network;
    for (std::size_t i = 0; i < packet_->count; ++i) {
      network.Arrive(stream_, to_server_, std::move(packet_->At(i)));
    }
  }

 private:
  void Land() {
    if (packet_ == nullptr) return;
    HalfPipe& half = stream_->Toward(to_server_);
    if (half.in_flight == packet_.get()) half.in_flight = nullptr;
  }

  std::shared_ptr<SimNetwork::StreamState> stream_;
  std::unique_ptr<SimNetwork::Packet> packet_;
  bool to_server_;
};

void SimNetwork::Dispatch(std::uint32_t from, std::uint32_t to, TimePoint arrival,
                          const std::shared_ptr<StreamState>& stream, bool to_server, Frame frame) {
  Endpoint& a = *by_index_[from];
  Endpoint& b = *by_index_[to];
  if (a.held || b.held) {
    Fired("hold", from, to);
    (a.held ? a : b)
        .held_messages.push_back(
            {from, to, [this, stream, to_server, frame = std::move(frame)]() mutable {
               Arrive(stream, to_server, std::move(frame));
             }});
    return;
  }
  HalfPipe& half = stream->Toward(to_server);
  if (Packet* packet = half.in_flight;
      packet != nullptr && packet->arrival == arrival && packet->hold_epoch == hold_epoch_) {
    packet->Add(std::move(frame));
    return;
  }
  auto packet = std::make_unique<Packet>();
  packet->arrival = arrival;
  packet->hold_epoch = hold_epoch_;
  packet->Add(std::move(frame));
  half.in_flight = packet.get();
  sim_->ScheduleAt(arrival, PacketEvent(stream, std::move(packet), to_server), EventTag{},
                   EventWarmth{stream.get(), stream->connection.get()});
}

void SimNetwork::Arrive(const std::shared_ptr<StreamState>& stream, bool to_server, Frame frame) {
  switch (frame.kind) {
    case Frame::Kind::kOpen:
      OpenAtServer(stream);
      return;
    case Frame::Kind::kMessage:
      Deliver(*stream, to_server, std::move(frame.message));
      return;
    case Frame::Kind::kEnd: {
      HalfPipe& half = stream->Toward(to_server);
      half.end = std::move(frame.end);
      Wake(*sim_, half, *stream->connection);
      return;
    }
  }
}

void SimNetwork::Fired(const char* fault, std::uint32_t from, std::uint32_t to) {
  ++faults_fired_[fault];
  sim_->Record(by_index_[from]->peer, net_kinds::kFault, sim_->trace().InternName(fault),
               by_index_[from]->peer, by_index_[to]->peer);
}

void SimNetwork::PartitionOneWay(const rpc::Address& from, const rpc::Address& to) {
  Endpoint* x = Find(from);
  Endpoint* y = Find(to);
  if (x != nullptr && y != nullptr) one_way_.insert({x->index, y->index});
}

void SimNetwork::HealOneWay(const rpc::Address& from, const rpc::Address& to) {
  Endpoint* x = Find(from);
  Endpoint* y = Find(to);
  if (x != nullptr && y != nullptr) one_way_.erase({x->index, y->index});
}

void SimNetwork::SetMessageFaults(const rpc::Address& address, MessageFaults faults) {
  if (Endpoint* endpoint = Find(address)) endpoint->faults = faults;
}

void SimNetwork::Clog(const rpc::Address& a, const rpc::Address& b, TimePoint until) {
  Endpoint* x = Find(a);
  Endpoint* y = Find(b);
  if (x == nullptr || y == nullptr) return;
  TimePoint& clog = clogs_[std::minmax(x->index, y->index)];
  clog = std::max(clog, until);
}

void SimNetwork::Hold(const rpc::Address& address) {
  Endpoint* endpoint = Find(address);
  if (endpoint == nullptr) return;
  endpoint->held = true;
  // Frames held now are released later, behind the packets in flight: no later frame may
  // join one of those and overtake them.
  ++hold_epoch_;
}

void SimNetwork::Release(const rpc::Address& address) {
  Endpoint* endpoint = Find(address);
  if (endpoint == nullptr || !endpoint->held) return;
  endpoint->held = false;
  std::vector<Endpoint::Held> held = std::move(endpoint->held_messages);
  endpoint->held_messages.clear();
  for (Endpoint::Held& message : held) {
    Endpoint& other = *by_index_[message.from == endpoint->index ? message.to : message.from];
    if (other.held) {
      other.held_messages.push_back(std::move(message));
      continue;
    }
    // In order: equal delays on one link keep their scheduling order.
    sim_->ScheduleAt(sim_->Now() + LinkLatency(message.from, message.to),
                     std::move(message.deliver));
  }
}

void SimNetwork::SetDialFailure(const rpc::Address& address, double p) {
  if (Endpoint* endpoint = Find(address)) endpoint->dial_failure = p;
}

void SimNetwork::ClearFaults() {
  partitions_.clear();
  one_way_.clear();
  clogs_.clear();
  for (Endpoint* endpoint : by_index_) {
    endpoint->faults = MessageFaults{};
    endpoint->dial_failure = 0;
    endpoint->extra_latency = Duration::zero();
  }
  for (Endpoint* endpoint : by_index_) Release(endpoint->address);
}

std::string SimNetwork::DescribeFaults() const {
  std::string out;
  for (const auto& [a, b] : partitions_) {
    out += "partitioned " + by_index_[a]->address + " " + by_index_[b]->address + "\n";
  }
  for (const auto& [from, to] : one_way_) {
    out += "one-way " + by_index_[from]->address + " -> " + by_index_[to]->address + "\n";
  }
  for (const auto& [link, until] : clogs_) {
    if (until <= sim_->Now()) continue;
    out += "clogged " + by_index_[link.first]->address + " " + by_index_[link.second]->address +
           " until " + FormatTime(until) + "\n";
  }
  for (const auto& [address, endpoint] : endpoints_) {
    if (!endpoint->up) out += "down " + address + "\n";
    if (endpoint->held) {
      out += "held " + address + " (" + std::to_string(endpoint->held_messages.size()) +
             " messages)\n";
    }
    if (endpoint->faults.any()) {
      out += "lossy " + address + " drop " + std::to_string(endpoint->faults.drop) + " duplicate " +
             std::to_string(endpoint->faults.duplicate) + " reorder " +
             std::to_string(endpoint->faults.reorder) + "\n";
    }
    if (endpoint->dial_failure > 0) {
      out += "refusing " + address + " p " + std::to_string(endpoint->dial_failure) + "\n";
    }
    if (endpoint->extra_latency > Duration::zero()) {
      out += "slow " + address + " +" + FormatDuration(endpoint->extra_latency) + "\n";
    }
  }
  return out;
}

bool SimNetwork::Partitioned(const rpc::Address& a, const rpc::Address& b) const {
  Endpoint* x = Find(a);
  Endpoint* y = Find(b);
  return x != nullptr && y != nullptr && PartitionedIndices(x->index, y->index);
}

}  // namespace testplanet::fakes
