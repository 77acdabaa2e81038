#include "fakes/sim_network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "sim/await.h"
#include "sim/sleep.h"
#include "tests/status_matchers.h"

namespace testplanet::fakes {
namespace {

using namespace std::chrono_literals;

Identity Make(const char* name) {
  RandomStream stream = Random(1).Stream(name);
  return Identity::FromStream(stream);
}

// Reads `stream` to its end into `into`; returns the status that ended it.
Awaitable<Status> ReadToEnd(rpc::Stream& stream, Context ctx, std::vector<std::string>& into) {
  for (;;) {
    StatusOr<std::string> message = co_await stream.Recv(ctx);
    if (!message.ok()) co_return message.status();
    into.push_back(*std::move(message));
  }
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
    ASSERT_THAT(network_.Listen("server:1", server_peer_, server_id_.peer(), &server_, root_),
                IsOk());
    ASSERT_THAT(network_.Listen("client:1", client_peer_, client_id_.peer(), nullptr, root_),
                IsOk());
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
    exchange.end = co_await ReadToEnd(**stream, root_, exchange.replies);
    exchange.finished = sim_.Now();
    co_return exchange;
  }

  // Dials the server and opens an echo stream; null if either fails.
  Awaitable<std::unique_ptr<rpc::Stream>> OpenEcho() {
    auto connection = co_await dialer_->Dial(root_, "server:1");
    if (!connection.ok()) co_return nullptr;
    auto stream = co_await (*connection)->OpenStream(root_, "echo");
    if (!stream.ok()) co_return nullptr;
    co_return std::move(*stream);
  }

  Awaitable<void> TalkInto(std::optional<Exchange>& out, std::vector<std::string> messages) {
    Exchange exchange = co_await Talk(std::move(messages));
    out = std::move(exchange);
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
  EXPECT_THAT(exchange->end, StatusIs(StatusCode::kPermissionDenied));
}

TEST_F(SimNetworkTest, AnUnknownMethodIsUnimplemented) {
  auto exchange = Await(sim_, Talk({"a"}, "nope"));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_THAT(exchange->end, StatusIs(StatusCode::kUnimplemented));
}

TEST_F(SimNetworkTest, DialingADownPeerIsRefused) {
  network_.SetDown("server:1");
  auto exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_THAT(exchange->end, StatusIs(StatusCode::kUnavailable));
  network_.SetUp("server:1");
  exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->replies.size(), 1u);
}

TEST_F(SimNetworkTest, APeerThatIsGoneStaysUnreachableEvenWhenItsAddressIsSetUp) {
  network_.Unlisten("server:1");  // the server object may be gone: nothing may reach it
  network_.SetUp("server:1");
  auto exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->end.code(), StatusCode::kUnavailable) << exchange->end.ToString();
  EXPECT_TRUE(callers_.empty());
  ASSERT_THAT(network_.Listen("server:1", server_peer_, server_id_.peer(), &server_, root_),
              IsOk());
  exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->replies.size(), 1u) << "listening again, it answers";
}

TEST_F(SimNetworkTest, DialingAcrossAPartitionTimesOutAndWorksAfterHealing) {
  network_.Partition("client:1", "server:1");
  const TimePoint start = sim_.Now();
  auto exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_THAT(exchange->end, StatusIs(StatusCode::kDeadlineExceeded));
  EXPECT_EQ(sim_.Now() - start, 1min) << "the dial waited for its context's deadline";
  network_.Heal("client:1", "server:1");
  exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
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
        EXPECT_THAT(first, IsOk());
        auto second = co_await (*stream)->Recv(root_);  // the server never closes
        end = second.status();
      },
      boost::asio::detached);
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  EXPECT_FALSE(end.has_value());
  network_.SetDown("server:1");
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->code(), StatusCode::kUnavailable);
}

TEST_F(SimNetworkTest, LinkLatencyIsDrawnFromTheSeedPerLink) {
  Simulator a_sim, b_sim;
  SimNetwork a(a_sim), b(b_sim);
  for (SimNetwork* n : {&a, &b}) {
    ASSERT_THAT(n->Listen("x:1", 0, Make("x").peer(), nullptr, Context::Background(a_sim)), IsOk());
    ASSERT_THAT(n->Listen("y:1", 0, Make("y").peer(), nullptr, Context::Background(a_sim)), IsOk());
    ASSERT_THAT(n->Listen("z:1", 0, Make("z").peer(), nullptr, Context::Background(a_sim)), IsOk());
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

// --- Faults ------------------------------------------------------------------------------------

TEST_F(SimNetworkTest, DroppedMessagesAreLostButTheStreamStillEnds) {
  network_.SetMessageFaults("server:1", MessageFaults{.drop = 1.0});
  auto exchange = Await(sim_, Talk({"a", "b", "c"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_TRUE(exchange->replies.empty());
  EXPECT_TRUE(rpc::IsEndOfStream(exchange->end)) << "ends of streams are never dropped";
  EXPECT_EQ(network_.faults_fired().at("drop"), 3u);
}

TEST_F(SimNetworkTest, DuplicatedMessagesArriveTwice) {
  network_.SetMessageFaults("server:1", MessageFaults{.duplicate = 1.0});
  auto exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  // "a" reaches the server twice; each of its two answers is doubled on the way back.
  EXPECT_EQ(exchange->replies, (std::vector<std::string>{"A", "A", "A", "A"}));
  EXPECT_EQ(network_.faults_fired().at("duplicate"), 3u);
}

TEST_F(SimNetworkTest, ReorderedMessagesAllArriveOutOfOrder) {
  network_.SetMessageFaults("server:1", MessageFaults{.reorder = 1.0});
  std::vector<std::string> sent;
  for (char c = 'a'; c <= 't'; ++c) sent.push_back(std::string(1, c));
  auto exchange = Await(sim_, Talk(sent));
  ASSERT_TRUE(exchange.has_value());
  std::vector<std::string> got = exchange->replies;
  EXPECT_NE(got, (std::vector<std::string>{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J",
                                           "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"}));
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got.size(), 20u);
  EXPECT_EQ(got.front(), "A");
  EXPECT_EQ(got.back(), "T");
  EXPECT_EQ(network_.faults_fired().at("reorder"), 40u);
}

TEST_F(SimNetworkTest, AOneWayPartitionLosesOneDirectionAndHangsDials) {
  std::optional<StatusOr<std::string>> reply;
  std::vector<std::string> received;
  server_.Register("sink",
                   [&](Context ctx, const PeerIdentity&, rpc::Stream& stream) -> Awaitable<Status> {
                     auto message = co_await stream.Recv(ctx);
                     if (message.ok()) received.push_back(*message);
                     co_return co_await stream.Send(ctx, "ack");
                   });
  boost::asio::co_spawn(
      sim_.io(),
      [&]() -> Awaitable<void> {
        auto connection = co_await dialer_->Dial(root_, "server:1");
        network_.PartitionOneWay("server:1", "client:1");
        auto stream = co_await (*connection)->OpenStream(root_, "sink");
        (void)co_await (*stream)->Send(root_, "hello");
        reply = co_await (*stream)->Recv(root_.WithTimeout(10s));
      },
      boost::asio::detached);
  ASSERT_THAT(sim_.RunFor(1min), IsOk());
  EXPECT_EQ(received, (std::vector<std::string>{"hello"})) << "client to server still works";
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status().code(), StatusCode::kDeadlineExceeded) << "the answer was lost";
  EXPECT_GE(network_.faults_fired().at("one_way"), 1u);

  auto exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->end.code(), StatusCode::kDeadlineExceeded) << "a handshake needs both ways";
  network_.HealOneWay("server:1", "client:1");
  exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->replies.size(), 1u);
}

TEST_F(SimNetworkTest, AClogDelaysEverythingOnTheLinkUntilItEnds) {
  network_.Clog("client:1", "server:1", TimePoint(5s));
  auto exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->replies, (std::vector<std::string>{"A"}));
  EXPECT_GE(exchange->finished, TimePoint(5s));
  EXPECT_LE(exchange->finished, TimePoint(5s + 30ms));
  EXPECT_GE(network_.faults_fired().at("clog"), 1u);
}

TEST_F(SimNetworkTest, HeldMessagesWaitForTheirRelease) {
  network_.Hold("server:1");
  std::optional<Exchange> exchange;
  boost::asio::co_spawn(sim_.io(), TalkInto(exchange, {"a", "b"}), boost::asio::detached);
  ASSERT_THAT(sim_.RunFor(1h), IsOk());
  EXPECT_FALSE(exchange.has_value()) << "nothing moves while held";
  EXPECT_NE(network_.DescribeFaults().find("held server:1"), std::string::npos);
  network_.Release("server:1");
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->replies, (std::vector<std::string>{"A", "B"})) << "released in order";
}

// A unary call's opening, request and end reach the server together, and its reply and end
// come back together: two packets, so two events, as DRPC sends them; one event per frame would
// be five.
TEST_F(SimNetworkTest, AUnaryCallCrossesAsTwoPackets) {
  server_.Register("upper",
                   rpc::ServeUnary([](Context, const PeerIdentity&,
                                      std::string request) -> Awaitable<StatusOr<std::string>> {
                     for (char& c : request) c = static_cast<char>(std::toupper(c));
                     co_return request;
                   }));
  std::uint64_t events_in_call = 0;
  auto call = [&]() -> Awaitable<StatusOr<std::string>> {
    auto connection = co_await dialer_->Dial(root_, "server:1");
    if (!connection.ok()) co_return connection.status();
    const std::uint64_t before = sim_.events_fired();
    StatusOr<std::string> reply = co_await rpc::CallUnary(root_, **connection, "upper", "hi");
    events_in_call = sim_.events_fired() - before;
    co_return reply;
  };
  auto reply = Await(sim_, call());
  ASSERT_TRUE(reply.has_value());
  ASSERT_THAT(*reply, IsOk());
  EXPECT_EQ(**reply, "HI");
  EXPECT_EQ(events_in_call, 2u);
  EXPECT_EQ(network_.messages_delivered(), 2u);
}

// A message sent after a Hold and Release at the same instant as a packet in flight does not
// join that packet: the held message, released behind it, would be overtaken.
TEST_F(SimNetworkTest, AMessageSentAfterAHoldNeverOvertakesTheHeldOnes) {
  auto talk = [&]() -> Awaitable<std::vector<std::string>> {
    std::vector<std::string> replies;
    std::unique_ptr<rpc::Stream> stream = co_await OpenEcho();
    if (stream == nullptr) co_return replies;
    (void)co_await stream->Send(root_, "a");  // in flight, with the stream's opening
    network_.Hold("server:1");
    (void)co_await stream->Send(root_, "b");  // held
    network_.Release("server:1");             // b leaves now, arriving with a
    (void)co_await stream->Send(root_, "c");  // arrives then too, after b
    stream->CloseSend();
    (void)co_await ReadToEnd(*stream, root_, replies);
    co_return replies;
  };
  auto replies = Await(sim_, talk());
  ASSERT_TRUE(replies.has_value());
  EXPECT_EQ(*replies, (std::vector<std::string>{"A", "B", "C"}));
}

// A reader that falls behind finds every message, in order: replies pile up while it sleeps,
// it reads part of them, more arrive behind the rest, and it reads to the end.
TEST_F(SimNetworkTest, AReaderThatFallsBehindGetsEveryMessageInOrder) {
  auto talk = [&]() -> Awaitable<std::vector<std::string>> {
    std::vector<std::string> replies;
    std::unique_ptr<rpc::Stream> stream = co_await OpenEcho();
    if (stream == nullptr) co_return replies;
    auto send = [&](int from, int to) -> Awaitable<void> {
      for (int i = from; i < to; ++i) (void)co_await stream->Send(root_, "m" + std::to_string(i));
    };
    co_await send(0, 40);
    co_await Sleep(root_, 1s);  // all 40 replies wait
    for (int i = 0; i < 25; ++i) replies.push_back(*co_await stream->Recv(root_));
    co_await send(40, 80);
    co_await Sleep(root_, 1s);  // 15 unread, 40 more behind them
    stream->CloseSend();
    (void)co_await ReadToEnd(*stream, root_, replies);
    co_return replies;
  };
  auto replies = Await(sim_, talk());
  ASSERT_TRUE(replies.has_value());
  std::vector<std::string> expected;
  expected.reserve(80);
  for (int i = 0; i < 80; ++i) expected.push_back("M" + std::to_string(i));
  EXPECT_EQ(*replies, expected);
}

TEST_F(SimNetworkTest, InjectedDialFailuresAreRefusals) {
  network_.SetDialFailure("server:1", 1.0);
  auto exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_THAT(exchange->end, StatusIs(StatusCode::kUnavailable));
  EXPECT_EQ(network_.faults_fired().at("dial_failure"), 1u);
  network_.ClearFaults();
  exchange = Await(sim_, Talk({"a"}));
  ASSERT_TRUE(exchange.has_value());
  EXPECT_EQ(exchange->replies.size(), 1u);
  EXPECT_EQ(network_.DescribeFaults(), "");
}

TEST(SimNetworkJitter, JitteredMessagesStillArriveInOrder) {
  Simulator sim;
  SimNetwork network(sim, NetworkOptions{10ms, 10ms, 50ms});
  rpc::Server server;
  server.Register("echo",
                  [](Context ctx, const PeerIdentity&, rpc::Stream& stream) -> Awaitable<Status> {
                    for (;;) {
                      auto message = co_await stream.Recv(ctx);
                      if (!message.ok()) co_return Status::Ok();
                      if (Status s = co_await stream.Send(ctx, *message); !s.ok()) co_return s;
                    }
                  });
  Context root = Context::Background(sim);
  ASSERT_THAT(network.Listen("s:1", 0, Make("s").peer(), &server, root), IsOk());
  ASSERT_THAT(network.Listen("c:1", 0, Make("c").peer(), nullptr, root), IsOk());
  auto dialer = network.DialerFor("c:1");
  auto replies = Await(sim, [&]() -> Awaitable<std::vector<std::string>> {
    std::vector<std::string> got;
    auto connection = co_await dialer->Dial(root, "s:1");
    auto stream = co_await (*connection)->OpenStream(root, "echo");
    for (int i = 0; i < 10; ++i) (void)co_await (*stream)->Send(root, std::to_string(i));
    (*stream)->CloseSend();
    (void)co_await ReadToEnd(**stream, root, got);
    co_return got;
  }());
  ASSERT_TRUE(replies.has_value());
  EXPECT_EQ(*replies, (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
}

}  // namespace
}  // namespace testplanet::fakes
