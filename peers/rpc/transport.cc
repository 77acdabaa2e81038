#include "peers/rpc/transport.h"

#include <memory>

namespace testplanet::rpc {

Awaitable<StatusOr<std::string>> CallUnary(Context ctx, Connection& connection, std::string method,
                                           std::string request) {
  StatusOr<std::unique_ptr<Stream>> stream = co_await connection.OpenStream(ctx, method);
  if (!stream.ok()) co_return stream.status();
  if (Status sent = co_await (*stream)->Send(ctx, std::move(request)); !sent.ok()) {
    co_return sent;
  }
  (*stream)->CloseSend();
  StatusOr<std::string> response = co_await (*stream)->Recv(ctx);
  if (!response.ok() && IsEndOfStream(response.status())) {
    co_return InternalError(method + ": the server ended the call without a response");
  }
  co_return response;
}

StreamHandler ServeUnary(UnaryHandler handler) {
  auto shared = std::make_shared<UnaryHandler>(std::move(handler));
  return [shared](Context ctx, const PeerIdentity& caller, Stream& stream) -> Awaitable<Status> {
    StatusOr<std::string> request = co_await stream.Recv(ctx);
    if (!request.ok()) co_return request.status();
    StatusOr<std::string> response = co_await (*shared)(ctx, caller, std::move(*request));
    if (!response.ok()) co_return response.status();
    co_return co_await stream.Send(ctx, std::move(*response));
  };
}

}  // namespace testplanet::rpc
