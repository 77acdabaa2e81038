#include "peers/rpc/transport.h"

#include <memory>
#include <optional>

namespace testplanet::rpc {

// Each step below tries the transport's fast path first, inline: a helper coroutine for the
// "try, else co_await" would cost the very frame the fast path saves.
Awaitable<StatusOr<std::string>> CallUnary(Context ctx, Connection& connection, std::string method,
                                           std::string request) {
  std::optional<StatusOr<std::unique_ptr<Stream>>> opened = connection.TryOpenStream(ctx, method);
  if (!opened) opened = co_await connection.OpenStream(ctx, method);
  StatusOr<std::unique_ptr<Stream>>& stream = *opened;
  if (!stream.ok()) co_return stream.status();
  std::optional<Status> sent = (*stream)->TrySend(ctx, request);
  if (!sent) sent = co_await (*stream)->Send(ctx, std::move(request));
  if (!sent->ok()) co_return *sent;
  (*stream)->CloseSend();
  std::optional<StatusOr<std::string>> received = (*stream)->TryRecv();
  if (!received) received = co_await (*stream)->Recv(ctx);
  StatusOr<std::string> response = std::move(*received);
  if (!response.ok() && IsEndOfStream(response.status())) {
    co_return InternalError(method + ": the server ended the call without a response");
  }
  co_return response;
}

StreamHandler ServeUnary(UnaryHandler handler) {
  auto shared = std::make_shared<UnaryHandler>(std::move(handler));
  return [shared](Context ctx, const PeerIdentity& caller, Stream& stream) -> Awaitable<Status> {
    std::optional<StatusOr<std::string>> request = stream.TryRecv();
    if (!request) request = co_await stream.Recv(ctx);
    if (!request->ok()) co_return request->status();
    StatusOr<std::string> response = co_await (*shared)(ctx, caller, std::move(**request));
    if (!response.ok()) co_return response.status();
    std::optional<Status> sent = stream.TrySend(ctx, *response);
    if (!sent) sent = co_await stream.Send(ctx, std::move(*response));
    co_return *sent;
  };
}

}  // namespace testplanet::rpc
