// rpc::CallUnary and rpc::ServeUnary over a transport with and without the fast paths (TrySend,
// TryRecv, TryOpenStream): the same steps, in the same order, with the same result.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fakes/mocks.h"
#include "peers/rpc/transport.h"
#include "sim/await.h"
#include "sim/simulator.h"

namespace testplanet::rpc {
namespace {

using ::testing::_;
using ::testing::InSequence;
using ::testing::NiceMock;
using ::testing::Return;
using ::testing::StrictMock;

class TransportTest : public ::testing::Test {
 protected:
  Simulator sim_;
  Context root_ = Context::Background(sim_);
};

// A transport that offers no fast path: every step is awaited.
TEST_F(TransportTest, AUnaryCallAwaitsEachStepWhenTheTransportHasNoFastPath) {
  auto stream = std::make_unique<NiceMock<fakes::MockStream>>();
  std::vector<std::string> steps;
  ON_CALL(*stream, Send(_, _)).WillByDefault([&](Context, std::string message) {
    steps.push_back("send " + message);
    return fakes::Ready(Status::Ok());
  });
  ON_CALL(*stream, CloseSend()).WillByDefault([&] { steps.push_back("close"); });
  ON_CALL(*stream, Recv(_)).WillByDefault([&](Context) {
    steps.push_back("recv");
    return fakes::Ready(StatusOr<std::string>("pong"));
  });
  NiceMock<fakes::MockConnection> connection;
  EXPECT_CALL(connection, OpenStream(_, "m.Ping")).WillOnce([&](Context, std::string) {
    steps.push_back("open");
    return fakes::Ready(StatusOr<std::unique_ptr<Stream>>(std::move(stream)));
  });

  std::optional<StatusOr<std::string>> reply =
      Await(sim_, CallUnary(root_, connection, "m.Ping", "ping"));

  ASSERT_TRUE(reply.has_value());
  ASSERT_TRUE(reply->ok()) << reply->status().ToString();
  EXPECT_EQ(**reply, "pong");
  EXPECT_THAT(steps, ::testing::ElementsAre("open", "send ping", "close", "recv"));
}

// A transport whose every step completes at once: the awaitable methods are never called.
TEST_F(TransportTest, AUnaryCallTakesTheFastPathsAndNeverAwaitsThem) {
  auto stream = std::make_unique<StrictMock<fakes::MockStream>>();
  {
    InSequence in_order;
    EXPECT_CALL(*stream, TrySend(_, _)).WillOnce([](const Context&, std::string& message) {
      EXPECT_EQ(message, "ping");
      message.clear();  // taken
      return std::optional<Status>(Status::Ok());
    });
    EXPECT_CALL(*stream, CloseSend());
    EXPECT_CALL(*stream, TryRecv())
        .WillOnce(Return(std::optional<StatusOr<std::string>>(StatusOr<std::string>("pong"))));
  }
  StrictMock<fakes::MockConnection> connection;
  EXPECT_CALL(connection, TryOpenStream(_, "m.Ping"))
      .WillOnce([&](const Context&, std::string_view) {
        return std::optional<StatusOr<std::unique_ptr<Stream>>>(std::move(stream));
      });

  std::optional<StatusOr<std::string>> reply =
      Await(sim_, CallUnary(root_, connection, "m.Ping", "ping"));

  ASSERT_TRUE(reply.has_value());
  ASSERT_TRUE(reply->ok()) << reply->status().ToString();
  EXPECT_EQ(**reply, "pong");
}

// A fast path that fails ends the call with its status, as the awaited step would.
TEST_F(TransportTest, AFailedFastSendEndsTheCallWithItsStatus) {
  auto stream = std::make_unique<NiceMock<fakes::MockStream>>();
  EXPECT_CALL(*stream, TrySend(_, _))
      .WillOnce(Return(std::optional<Status>(UnavailableError("connection reset"))));
  EXPECT_CALL(*stream, Send(_, _)).Times(0);
  EXPECT_CALL(*stream, Recv(_)).Times(0);
  NiceMock<fakes::MockConnection> connection;
  EXPECT_CALL(connection, TryOpenStream(_, _)).WillOnce([&](const Context&, std::string_view) {
    return std::optional<StatusOr<std::unique_ptr<Stream>>>(std::move(stream));
  });

  std::optional<StatusOr<std::string>> reply =
      Await(sim_, CallUnary(root_, connection, "m.Ping", "ping"));

  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status().code(), StatusCode::kUnavailable);
}

// The server side: the request comes from TryRecv when it has arrived, else from Recv; the
// response goes out through TrySend when the transport takes it at once, else through Send.
TEST_F(TransportTest, AUnaryHandlerReadsAndAnswersThroughEitherPath) {
  StreamHandler handler = ServeUnary(
      [](Context, const PeerIdentity&, std::string request) -> Awaitable<StatusOr<std::string>> {
        co_return "re: " + request;
      });
  const PeerIdentity caller;

  NiceMock<fakes::MockStream> slow;
  EXPECT_CALL(slow, Recv(_)).WillOnce([](Context) {
    return fakes::Ready(StatusOr<std::string>("a"));
  });
  EXPECT_CALL(slow, Send(_, "re: a")).WillOnce([](Context, std::string) {
    return fakes::Ready(Status::Ok());
  });
  std::optional<Status> slow_status = Await(sim_, handler(root_, caller, slow));
  ASSERT_TRUE(slow_status.has_value());
  EXPECT_TRUE(slow_status->ok()) << slow_status->ToString();

  StrictMock<fakes::MockStream> fast;
  EXPECT_CALL(fast, TryRecv())
      .WillOnce(Return(std::optional<StatusOr<std::string>>(StatusOr<std::string>("b"))));
  std::string answered;
  EXPECT_CALL(fast, TrySend(_, _)).WillOnce([&](const Context&, std::string& message) {
    answered = std::move(message);
    return std::optional<Status>(Status::Ok());
  });
  std::optional<Status> fast_status = Await(sim_, handler(root_, caller, fast));
  ASSERT_TRUE(fast_status.has_value());
  EXPECT_TRUE(fast_status->ok()) << fast_status->ToString();
  EXPECT_EQ(answered, "re: b");
}

}  // namespace
}  // namespace testplanet::rpc
