#include "fakes/sim_network.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "sim/await.h"

namespace testplanet::fakes {
namespace {

using namespace std::chrono_literals;

Identity Make(const char* name) {
  RandomStream stream = Random(1).Stream(name);
  return Identity::FromStream(stream);
}

// Two peers: "server:1" echoes every message back upper-cased until the client closes, then
// ends with the status in `end_with`; "client:1" dials it.
class SimNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_peer_ = sim_.trace().RegisterPeer("server");
    client_peer_ = sim_.trace().RegisterPeer("client");
    server_.Register(
        "echo",
        [this](Context ctx, const PeerIdentity& caller, rpc::Stream& stream) -> Awaitable<Status> {
          callers_.push_back(caller.id);
          for (;;) {
            StatusOr<std::string> message = co_await stream.Recv(ctx);
            if (!message.ok()) {
              if (rpc::IsEndOfStream(message.status())) co_return end_with_;
              co_return message.status();
            }
            for (char& c : *message) c = static_cast<char>(std::toupper(c));
            if (Status s = co_await stream.Send(ctx, *message); !s.ok()) co_return s;
          }
        });
    ASSERT_TRUE(network_.Listen("server:1", server_peer_, server_id_.peer(), &server_, root_).ok());
    ASSERT_TRUE(network_.Listen("client:1", client_peer_, client_id_.peer(), nullptr, root_).ok());
    dialer_ = network_.DialerFor("client:1");
  }

  // Dials, sends `messages`, closes, and collects the replies and the final status.
  struct Exchange {
    std::vector<std::string> replies;
    Status end;
    TimePoint finished;
  };
  Awaitable<Exchange> Talk(std::vector<std::string> messages, std::string method = "echo") {
    Exchange exchange;
    auto connection = co_await dialer_->Dial(root_.WithTimeout(1min), "server:1");
    if (!connection.ok()) {
      exchange.end = connection.status();
      co_return exchange;
    }
    auto stream = co_await (*connection)->OpenStream(root_, method);
    for (auto& m : messages) (void)co_await (*stream)->Send(root_, m);
    (*stream)->CloseSend();
    for (;;) {
      auto reply = co_await (*stream)->Recv(root_);
      if (!reply.ok()) {
        exchange.end = reply.status();
        break;
      }
      exchange.replies.push_back(*reply);
    }
    exchange.finished = sim_.Now();
    co_return exchange;
  }

  Simulator sim_;
  Context root_ = Context::Background(sim_);
  SimNetwork network_{sim_, NetworkOptions{10ms, 10ms}};
  Identity server_id_ = Make("server");
  Identity client_id_ = Make("client");
  PeerId server_peer_ = 0, client_peer_ = 0;
  rpc::Server server_;
  std::unique_ptr<rpc::Dialer> dialer_;
  std::vector<NodeId> callers_;
  Status end_with_ = Status::Ok();
};

TEST_F(SimNetworkTest, MessagesArriveInOrderAfterTheLinkLatency) {
  auto exchange = Await(sim_, Talk({"a", "b", "c"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->replies, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_TRUE(rpc::IsEndOfStream(exchange->end)) << exchange->end.ToString();
  // Dial: one round trip (20ms); messages: out 10ms, back 10ms; end of stream likewise.
  EXPECT_EQ(exchange->finished, TimePoint(40ms));
  EXPECT_EQ(network_.messages_delivered(), 6u);
}

TEST_F(SimNetworkTest, TheServerLearnsWhoCalled) {
  ASSERT_TRUE(Await(sim_, Talk({"x"})).has_value());
  ASSERT_EQ(callers_.size(), 1u);
  EXPECT_EQ(callers_[0], client_id_.id());
}

TEST_F(SimNetworkTest, AHandlersErrorReachesTheCallerAfterItsMessages) {
  end_with_ = Status(StatusCode::kPermissionDenied, "go away");
  auto exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->replies, (std::vector<std::string>{"A"}));
  EXPECT_EQ(exchange->end.code(), StatusCode::kPermissionDenied);
}

TEST_F(SimNetworkTest, AnUnknownMethodIsUnimplemented) {
  auto exchange = Await(sim_, Talk({"a"}, "nope"));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->end.code(), StatusCode::kUnimplemented);
}

TEST_F(SimNetworkTest, DialingADownPeerIsRefused) {
  network_.SetDown("server:1");
  auto exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->end.code(), StatusCode::kUnavailable);
  network_.SetUp("server:1");
  exchange = Await(sim_, Talk({"a"}));
  EXPECT_EQ(exchange->replies.size(), 1u);
}

TEST_F(SimNetworkTest, DialingAcrossAPartitionTimesOutAndWorksAfterHealing) {
  network_.Partition("client:1", "server:1");
  const TimePoint start = sim_.Now();
  auto exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->end.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(sim_.Now() - start, 1min) << "the dial waited for its context's deadline";
  network_.Heal("client:1", "server:1");
  exchange = Await(sim_, Talk({"a"}));
  EXPECT_EQ(exchange->replies.size(), 1u);
}

TEST_F(SimNetworkTest, APeerGoingDownResetsItsStreams) {
  std::optional<Status> end;
  boost::asio::co_spawn(
      sim_.io(),
      [&]() -> Awaitable<void> {
        auto connection = co_await dialer_->Dial(root_, "server:1");
        auto stream = co_await (*connection)->OpenStream(root_, "echo");
        (void)co_await (*stream)->Send(root_, "a");
        auto first = co_await (*stream)->Recv(root_);
        EXPECT_TRUE(first.ok());
        auto second = co_await (*stream)->Recv(root_);  // the server never closes
        end = second.status();
      },
      boost::asio::detached);
  ASSERT_TRUE(sim_.RunFor(1s).ok());
  EXPECT_FALSE(end.has_value());
  network_.SetDown("server:1");
  ASSERT_TRUE(sim_.RunFor(1s).ok());
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->code(), StatusCode::kUnavailable);
}

TEST_F(SimNetworkTest, LinkLatencyIsDrawnFromTheSeedPerLink) {
  Simulator a_sim, b_sim;
  SimNetwork a(a_sim), b(b_sim);
  for (SimNetwork* n : {&a, &b}) {
    ASSERT_TRUE(n->Listen("x:1", 0, Make("x").peer(), nullptr, Context::Background(a_sim)).ok());
    ASSERT_TRUE(n->Listen("y:1", 0, Make("y").peer(), nullptr, Context::Background(a_sim)).ok());
    ASSERT_TRUE(n->Listen("z:1", 0, Make("z").peer(), nullptr, Context::Background(a_sim)).ok());
  }
  EXPECT_EQ(a.Latency("x:1", "y:1"), b.Latency("x:1", "y:1"));
  EXPECT_EQ(a.Latency("x:1", "y:1"), a.Latency("y:1", "x:1"));
  EXPECT_GE(a.Latency("x:1", "z:1"), 1ms);
  EXPECT_LE(a.Latency("x:1", "z:1"), 40ms);
}

TEST_F(SimNetworkTest, AnAddressCannotBeTakenByAnotherIdentity) {
  EXPECT_EQ(network_.Listen("server:1", 0, client_id_.peer(), nullptr, root_).code(),
            StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace testplanet::fakes
