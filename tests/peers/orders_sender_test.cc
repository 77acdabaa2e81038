// The storage node's Sender and Cleanup, against mocks of the dialer, stream, trust source and
// orders DB: what gets archived, and what stays unsent, for each way a satellite can answer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fakes/mocks.h"
#include "peers/protocol/signing.h"
#include "peers/storagenode/orders_service.h"
#include "sim/await.h"
#include "sim/sleep.h"
#include "tests/status_matchers.h"

namespace testplanet::storagenode {
namespace {

using namespace std::chrono_literals;
using ::testing::_;
using ::testing::NiceMock;
using ::testing::Return;
using ::testing::UnorderedElementsAreArray;

enum class Answer {
  kAcceptAll,
  kRejectAll,
  kRejectEvenSerials,
  kAnswerOneThenBreak,  // answers the first order, then the connection breaks
  kRefuseDial,          // dialing fails at once
  kHang,                // dials, but never answers: the sender's timeout ends it
};

// One scripted satellite behind the mocks.
struct FakeSatellite {
  NodeId id;
  std::string address;
  Answer answer = Answer::kAcceptAll;
  std::vector<std::string> received;  // serials, in the order they were sent
  bool closed_send = false;
  int dials = 0;
};

class SenderTest : public ::testing::Test {
 protected:
  SenderTest() {
    ON_CALL(trust_, Lookup(_))
        .WillByDefault([this](const NodeId& id) -> StatusOr<TrustedSatellite> {
          for (auto& sat : satellites_) {
            if (sat->id == id) return TrustedSatellite{PeerIdentity{sat->id, ""}, sat->address};
          }
          return NotFoundError("untrusted");
        });
    ON_CALL(dialer_, Dial(_, _)).WillByDefault([this](Context ctx, const rpc::Address& address) {
      return Dial(ctx, address);
    });
  }

  FakeSatellite& AddSatellite(char c, Answer answer) {
    auto sat = std::make_unique<FakeSatellite>();
    sat->id = NodeId::FromBytes(std::string(32, c)).value();
    sat->address = std::string("sat-") + c + ":7777";
    sat->answer = answer;
    satellites_.push_back(std::move(sat));
    return *satellites_.back();
  }

  static OrderInfo Order(const FakeSatellite& sat, int serial) {
    OrderInfo info;
    info.limit.set_satellite_id(std::string(sat.id.bytes()));
    std::string s(16, '\0');
    s[15] = static_cast<char>(serial);
    info.limit.set_serial_number(s);
    info.order.set_serial_number(s);
    info.order.set_amount(std::int64_t{10} * serial);
    return info;
  }

  Awaitable<StatusOr<std::unique_ptr<rpc::Connection>>> Dial(Context ctx, rpc::Address address) {
    FakeSatellite* sat = nullptr;
    for (auto& s : satellites_) {
      if (s->address == address) sat = s.get();
    }
    if (sat == nullptr) co_return UnavailableError("no such address");
    ++sat->dials;
    if (sat->answer == Answer::kRefuseDial) co_return UnavailableError("connection refused");
    co_await Sleep(ctx, 5ms);
    auto connection = std::make_unique<NiceMock<fakes::MockConnection>>();
    remotes_.push_back(std::make_unique<PeerIdentity>(PeerIdentity{sat->id, ""}));
    ON_CALL(*connection, remote()).WillByDefault(::testing::ReturnRef(*remotes_.back()));
    ON_CALL(*connection, OpenStream(_, "orders.Settlement"))
        .WillByDefault([this, sat](Context, std::string) {
          return fakes::Ready<StatusOr<std::unique_ptr<rpc::Stream>>>(MakeStream(*sat));
        });
    co_return std::unique_ptr<rpc::Connection>(std::move(connection));
  }

  std::unique_ptr<rpc::Stream> MakeStream(FakeSatellite& sat) {
    auto stream = std::make_unique<NiceMock<fakes::MockStream>>();
    auto next = std::make_shared<std::size_t>(0);
    ON_CALL(*stream, Send(_, _)).WillByDefault([&sat](Context, std::string message) {
      pb::SettlementRequest request;
      EXPECT_TRUE(request.ParseFromString(message));
      sat.received.push_back(request.limit().serial_number());
      return fakes::Ready(Status::Ok());
    });
    ON_CALL(*stream, CloseSend()).WillByDefault([&sat] { sat.closed_send = true; });
    ON_CALL(*stream, Recv(_)).WillByDefault([this, &sat, next](Context ctx) {
      return Respond(ctx, sat, next);
    });
    return stream;
  }

  Awaitable<StatusOr<std::string>> Respond(Context ctx, FakeSatellite& sat,
                                           std::shared_ptr<std::size_t> next) {
    if (sat.answer == Answer::kHang) {
      Fence never(sim_);
      co_await never.Wait(ctx);
      co_return ctx.Err();
    }
    co_await Sleep(ctx, 5ms);
    if (*next >= sat.received.size()) co_return Status(StatusCode::kOutOfRange, "end");
    const std::string serial = sat.received[(*next)++];
    if (sat.answer == Answer::kAnswerOneThenBreak && *next > 1) {
      co_return UnavailableError("connection reset");
    }
    pb::SettlementResponse response;
    response.set_serial_number(serial);
    const bool reject = sat.answer == Answer::kRejectAll ||
                        (sat.answer == Answer::kRejectEvenSerials && serial.back() % 2 == 0);
    response.set_status(reject ? pb::SettlementResponse::REJECTED
                               : pb::SettlementResponse::ACCEPTED);
    co_return DeterministicBytes(response);
  }

  // Sets what ListUnsentBySatellite returns.
  void Unsent(const std::vector<std::pair<FakeSatellite*, std::vector<int>>>& orders) {
    fakes::MockOrdersDb::UnsentMap unsent;
    for (const auto& [sat, serials] : orders) {
      for (int serial : serials) unsent[sat->id].push_back(Order(*sat, serial));
    }
    EXPECT_CALL(db_, ListUnsentBySatellite()).WillOnce(Return(unsent));
  }

  static std::vector<ArchiveRequest> Requests(const FakeSatellite& sat,
                                              std::vector<std::pair<int, OrderStatus>> serials) {
    std::vector<ArchiveRequest> out;
    for (auto [serial, status] : serials) {
      std::string s(16, '\0');
      s[15] = static_cast<char>(serial);
      out.push_back({sat.id, s, status});
    }
    return out;
  }

  OrdersService MakeService(OrdersConfig config = OrdersConfig::Testplanet()) {
    return OrdersService(sim_, 0, config, db_, dialer_, trust_, RandomStream(1));
  }

  Simulator sim_;
  Context root_ = Context::Background(sim_);
  NiceMock<fakes::MockDialer> dialer_;
  NiceMock<fakes::MockTrust> trust_;
  ::testing::StrictMock<fakes::MockOrdersDb> db_;
  std::vector<std::unique_ptr<FakeSatellite>> satellites_;
  std::vector<std::unique_ptr<PeerIdentity>> remotes_;
};

MATCHER_P(SameRequests, expected, "") {
  if (arg.size() != expected.size()) return false;
  for (std::size_t i = 0; i < arg.size(); ++i) {
    if (arg[i].satellite != expected[i].satellite || arg[i].serial != expected[i].serial ||
        arg[i].status != expected[i].status) {
      return false;
    }
  }
  return true;
}

TEST_F(SenderTest, SettlesEverySatelliteAndArchivesWhatEachAccepted) {
  FakeSatellite& a = AddSatellite('a', Answer::kAcceptAll);
  FakeSatellite& b = AddSatellite('b', Answer::kAcceptAll);
  Unsent({{&a, {1, 2}}, {&b, {3}}});
  EXPECT_CALL(db_, Archive(_, SameRequests(Requests(
                                  a, {{1, OrderStatus::kAccepted}, {2, OrderStatus::kAccepted}}))))
      .WillOnce(Return(Status::Ok()));
  EXPECT_CALL(db_, Archive(_, SameRequests(Requests(b, {{3, OrderStatus::kAccepted}}))))
      .WillOnce(Return(Status::Ok()));
  OrdersService service = MakeService();
  ASSERT_TRUE(Await(sim_, service.SendOrders(root_)));
  EXPECT_EQ(a.received.size(), 2u);
  EXPECT_TRUE(a.closed_send);
  EXPECT_EQ(b.received.size(), 1u);
  EXPECT_EQ(service.stats().accepted, 3u);
  EXPECT_EQ(service.stats().settle_failures, 0u);
}

TEST_F(SenderTest, SatellitesSettleConcurrently) {
  FakeSatellite& a = AddSatellite('a', Answer::kAcceptAll);
  FakeSatellite& b = AddSatellite('b', Answer::kAcceptAll);
  Unsent({{&a, {1}}, {&b, {2}}});
  EXPECT_CALL(db_, Archive(_, _)).Times(2).WillRepeatedly(Return(Status::Ok()));
  OrdersService service = MakeService();
  ASSERT_TRUE(Await(sim_, service.SendOrders(root_)));
  // Each settle takes 5ms to dial and 5ms per answer (one answer, one end): 15ms. In sequence
  // the two would take 30ms.
  EXPECT_EQ(sim_.Now(), TimePoint(15ms));
}

TEST_F(SenderTest, AFailedSatelliteLeavesItsOrdersUnsentWhileOthersSettle) {
  FakeSatellite& down = AddSatellite('a', Answer::kRefuseDial);
  FakeSatellite& up = AddSatellite('b', Answer::kAcceptAll);
  Unsent({{&down, {1, 2}}, {&up, {3}}});
  // Only the reachable satellite's order is archived; nothing for the other.
  EXPECT_CALL(db_, Archive(_, SameRequests(Requests(up, {{3, OrderStatus::kAccepted}}))))
      .WillOnce(Return(Status::Ok()));
  OrdersService service = MakeService();
  ASSERT_TRUE(Await(sim_, service.SendOrders(root_)));
  EXPECT_EQ(down.dials, 1);
  EXPECT_EQ(service.stats().settle_failures, 1u);
  EXPECT_EQ(service.stats().accepted, 1u);
}

TEST_F(SenderTest, ATimedOutSatelliteLeavesItsOrdersUnsentWhileOthersSettle) {
  FakeSatellite& slow = AddSatellite('a', Answer::kHang);
  FakeSatellite& fast = AddSatellite('b', Answer::kAcceptAll);
  Unsent({{&slow, {1}}, {&fast, {2}}});
  EXPECT_CALL(db_, Archive(_, SameRequests(Requests(fast, {{2, OrderStatus::kAccepted}}))))
      .WillOnce(Return(Status::Ok()));
  OrdersConfig config = OrdersConfig::Testplanet();
  config.sender_timeout = 10min;
  OrdersService service = MakeService(config);
  ASSERT_TRUE(Await(sim_, service.SendOrders(root_)));
  EXPECT_EQ(sim_.Now(), TimePoint(10min)) << "the send ends at SenderTimeout";
  EXPECT_EQ(service.stats().settle_failures, 1u);
}

TEST_F(SenderTest, RejectedOrdersAreArchivedAsRejected) {
  FakeSatellite& sat = AddSatellite('a', Answer::kRejectEvenSerials);
  Unsent({{&sat, {1, 2, 3, 4}}});
  EXPECT_CALL(db_, Archive(_, SameRequests(Requests(sat, {{1, OrderStatus::kAccepted},
                                                          {2, OrderStatus::kRejected},
                                                          {3, OrderStatus::kAccepted},
                                                          {4, OrderStatus::kRejected}}))))
      .WillOnce(Return(Status::Ok()));
  OrdersService service = MakeService();
  ASSERT_TRUE(Await(sim_, service.SendOrders(root_)));
  EXPECT_EQ(service.stats().accepted, 2u);
  EXPECT_EQ(service.stats().rejected, 2u);
}

TEST_F(SenderTest, APartialAnswerArchivesOnlyWhatWasAnswered) {
  FakeSatellite& sat = AddSatellite('a', Answer::kAnswerOneThenBreak);
  Unsent({{&sat, {1, 2, 3}}});
  EXPECT_CALL(db_, Archive(_, SameRequests(Requests(sat, {{1, OrderStatus::kAccepted}}))))
      .WillOnce(Return(Status::Ok()));
  OrdersService service = MakeService();
  ASSERT_TRUE(Await(sim_, service.SendOrders(root_)));
  EXPECT_EQ(service.stats().settle_failures, 1u);
  EXPECT_EQ(service.stats().accepted, 1u);
}

TEST_F(SenderTest, AnUntrustedSatelliteIsNotDialed) {
  FakeSatellite stranger;
  stranger.id = NodeId::FromBytes(std::string(32, 'z')).value();
  fakes::MockOrdersDb::UnsentMap unsent;
  unsent[stranger.id].push_back(Order(stranger, 1));
  EXPECT_CALL(db_, ListUnsentBySatellite()).WillOnce(Return(unsent));
  EXPECT_CALL(dialer_, Dial(_, _)).Times(0);
  OrdersService service = MakeService();
  ASSERT_TRUE(Await(sim_, service.SendOrders(root_)));
  EXPECT_EQ(service.stats().settle_failures, 1u);
}

TEST_F(SenderTest, TheSenderChoreSendsEveryIntervalAndTriggerWaitSendsOnce) {
  FakeSatellite& sat = AddSatellite('a', Answer::kAcceptAll);
  fakes::MockOrdersDb::UnsentMap unsent;
  unsent[sat.id].push_back(Order(sat, 1));
  EXPECT_CALL(db_, ListUnsentBySatellite()).WillRepeatedly(Return(unsent));
  EXPECT_CALL(db_, Archive(_, _)).WillRepeatedly(Return(Status::Ok()));
  EXPECT_CALL(db_, CleanArchive(_, _)).WillRepeatedly(Return(std::uint64_t{0}));
  OrdersService service = MakeService();  // 15s intervals
  boost::asio::co_spawn(sim_.io(), service.Run(root_), boost::asio::detached);
  ASSERT_THAT(sim_.RunFor(50s), IsOk());
  EXPECT_EQ(sat.dials, 4) << "runs at 0, 15, 30 and 45s";
  service.sender().Pause();
  ASSERT_THAT(service.sender().TriggerWait(), IsOk());
  EXPECT_EQ(sat.dials, 5);
  ASSERT_THAT(sim_.RunFor(1min), IsOk());
  EXPECT_EQ(sat.dials, 5) << "paused";
  ASSERT_THAT(service.Close(), IsOk());
}

TEST_F(SenderTest, CleanupDeletesArchivedOrdersOlderThanTheTtl) {
  OrdersConfig config = OrdersConfig::Testplanet();
  config.archive_ttl = 1h;
  ASSERT_THAT(sim_.RunFor(3h), IsOk());
  EXPECT_CALL(db_, CleanArchive(TimePoint(3h), Duration(1h))).WillOnce(Return(std::uint64_t{7}));
  OrdersService service = MakeService(config);
  EXPECT_THAT(service.CleanArchive(), IsOk());
  EXPECT_EQ(service.stats().cleaned, 7u);
}

TEST_F(SenderTest, JitterDelaysEachRunByUpToMaxSleep) {
  EXPECT_CALL(db_, ListUnsentBySatellite())
      .WillRepeatedly(Return(fakes::MockOrdersDb::UnsentMap{}));
  EXPECT_CALL(db_, CleanArchive(_, _)).WillRepeatedly(Return(std::uint64_t{0}));
  OrdersConfig config = OrdersConfig::Release();  // MaxSleep 30s
  OrdersService service = MakeService(config);
  service.cleanup().Pause();
  boost::asio::co_spawn(sim_.io(), service.Run(root_), boost::asio::detached);
  ASSERT_THAT(sim_.RunFor(1s), IsOk());
  EXPECT_TRUE(service.sender().Running()) << "the first run sleeps its jitter";
  ASSERT_THAT(sim_.RunFor(30s), IsOk());
  EXPECT_FALSE(service.sender().Running());
  ASSERT_THAT(service.Close(), IsOk());
}

}  // namespace
}  // namespace testplanet::storagenode
