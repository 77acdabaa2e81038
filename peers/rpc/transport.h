// What peers need from a network: dial an address, open message streams, serve methods.
//
// Production-shaped code depends only on these interfaces; fakes/ implements them as a
// simulated network on the virtual clock (and as GoogleMock mocks). Messages are opaque bytes
// (serialized protobuf): nothing but bytes crosses between peers.
//
// Stream semantics follow gRPC's bidirectional streams: messages arrive in order; CloseSend ends
// the caller's direction; the callee's handler returning ends the other direction, and its
// Status reaches the caller after every message the handler sent. A broken connection (peer
// down, reset) fails pending and later operations with UNAVAILABLE.
#ifndef TESTPLANET_PEERS_RPC_TRANSPORT_H_
#define TESTPLANET_PEERS_RPC_TRANSPORT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "peers/identity/identity.h"
#include "sim/asio.h"
#include "sim/context.h"
#include "sim/status.h"
#include "sim/unique_function.h"

namespace testplanet::rpc {

using Address = std::string;

class Stream {
 public:
  virtual ~Stream() = default;
  // Queues one message for the other side. Fails if the stream is broken, this side already
  // closed sending, or `ctx` has ended.
  virtual Awaitable<Status> Send(Context ctx, std::string message) = 0;
  // Returns the next message. At the end of the other side's messages: OUT_OF_RANGE when it
  // ended cleanly, else its error. UNAVAILABLE if the connection broke; ctx's error if it ended.
  virtual Awaitable<StatusOr<std::string>> Recv(Context ctx) = 0;
  // Ends this side's messages; the other side sees OUT_OF_RANGE after the last one.
  virtual void CloseSend() = 0;

  // Fast paths for a transport that can answer at once (the simulated network always can):
  // they spare a unary call a coroutine frame per step, which at thousands of peers is a fresh
  // allocation and its cache misses every time. std::nullopt means "co_await the method
  // instead"; the defaults always say so, so a transport need not offer them.
  // Send's result if it completes without waiting; `message` is moved from iff a value returns.
  virtual std::optional<Status> TrySend(const Context& /*ctx*/, std::string& /*message*/) {
    return std::nullopt;
  }
  // Recv's result if it is known without waiting: a message that has arrived, or the end.
  virtual std::optional<StatusOr<std::string>> TryRecv() { return std::nullopt; }
};

// Returns true iff `status` is the clean end of a stream.
inline bool IsEndOfStream(const Status& status) { return status.code() == StatusCode::kOutOfRange; }

class Connection {
 public:
  virtual ~Connection() = default;
  // Who is at the other end, as authenticated by the transport.
  virtual const PeerIdentity& remote() const = 0;
  virtual Awaitable<StatusOr<std::unique_ptr<Stream>>> OpenStream(Context ctx,
                                                                  std::string method) = 0;
  // OpenStream's result if it completes without waiting (see Stream::TrySend).
  virtual std::optional<StatusOr<std::unique_ptr<Stream>>> TryOpenStream(
      const Context& /*ctx*/, std::string_view /*method*/) {
    return std::nullopt;
  }
};

class Dialer {
 public:
  virtual ~Dialer() = default;
  // Connects to `address`. Fails with UNAVAILABLE when nothing listens there, or with ctx's
  // error when it cannot be reached before ctx ends.
  virtual Awaitable<StatusOr<std::unique_ptr<Connection>>> Dial(Context ctx,
                                                                const Address& address) = 0;
};

// Serves one stream: `caller` is the authenticated peer that opened it. The handler's Status
// ends the stream for the caller.
using StreamHandler =
    UniqueFunction<Awaitable<Status>(Context ctx, const PeerIdentity& caller, Stream& stream)>;

// The methods one peer serves, by name ("orders.Settlement").
class Server {
 public:
  void Register(std::string method, StreamHandler handler) {
    handlers_[std::move(method)] = std::move(handler);
  }
  // Returns the handler for `method`, or nullptr.
  StreamHandler* Find(std::string_view method) {
    auto it = handlers_.find(method);
    return it == handlers_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, StreamHandler, std::less<>> handlers_;
};

// One request, one response over a fresh stream (a unary call). Takes the transport's fast
// paths where it offers them: the same steps in the same order, without a frame for each.
Awaitable<StatusOr<std::string>> CallUnary(Context ctx, Connection& connection, std::string method,
                                           std::string request);

// Serves a unary method: reads one request, writes `respond(request)`'s answer.
using UnaryHandler = UniqueFunction<Awaitable<StatusOr<std::string>>(
    Context ctx, const PeerIdentity& caller, std::string request)>;
StreamHandler ServeUnary(UnaryHandler handler);

}  // namespace testplanet::rpc

#endif  // TESTPLANET_PEERS_RPC_TRANSPORT_H_
