// GoogleMock mocks of the peers' interfaces, for unit tests: the dialer, connection and stream,
// the trust source and the orders DB. Coroutine methods return Awaitables; give them actions
// with the helpers at the bottom (Ready(value) makes an Awaitable that completes at once).
#ifndef TESTPLANET_FAKES_MOCKS_H_
#define TESTPLANET_FAKES_MOCKS_H_

#include <gmock/gmock.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "peers/rpc/transport.h"
#include "peers/storagenode/orders_db.h"
#include "peers/storagenode/trust.h"

namespace testplanet::fakes {

class MockStream : public rpc::Stream {
 public:
  MOCK_METHOD(Awaitable<Status>, Send, (Context ctx, std::string message), (override));
  MOCK_METHOD(Awaitable<StatusOr<std::string>>, Recv, (Context ctx), (override));
  MOCK_METHOD(void, CloseSend, (), (override));
  // The fast paths: a NiceMock's default (std::nullopt) sends callers to Send and Recv.
  MOCK_METHOD(std::optional<Status>, TrySend, (const Context& ctx, std::string& message),
              (override));
  MOCK_METHOD(std::optional<StatusOr<std::string>>, TryRecv, (), (override));
};

class MockConnection : public rpc::Connection {
 public:
  MOCK_METHOD(const PeerIdentity&, remote, (), (const, override));
  MOCK_METHOD(Awaitable<StatusOr<std::unique_ptr<rpc::Stream>>>, OpenStream,
              (Context ctx, std::string method), (override));
  // The fast path: a NiceMock's default (std::nullopt) sends callers to OpenStream.
  MOCK_METHOD(std::optional<StatusOr<std::unique_ptr<rpc::Stream>>>, TryOpenStream,
              (const Context& ctx, std::string_view method), (override));
};

class MockDialer : public rpc::Dialer {
 public:
  MOCK_METHOD(Awaitable<StatusOr<std::unique_ptr<rpc::Connection>>>, Dial,
              (Context ctx, const rpc::Address& address), (override));
};

class MockTrust : public storagenode::TrustSource {
 public:
  MOCK_METHOD(StatusOr<storagenode::TrustedSatellite>, Lookup, (const NodeId& id), (override));
  MOCK_METHOD(storagenode::SatelliteList, List, (), (override));
};

class MockOrdersDb : public storagenode::OrdersDb {
 public:
  MOCK_METHOD(Status, Enqueue, (const storagenode::OrderInfo& info), (override));
  MOCK_METHOD(StatusOr<std::vector<storagenode::OrderInfo>>, ListUnsent, (std::size_t limit),
              (override));
  using UnsentMap = std::map<NodeId, std::vector<storagenode::OrderInfo>>;
  MOCK_METHOD(StatusOr<UnsentMap>, ListUnsentBySatellite, (), (override));
  MOCK_METHOD(Status, Archive,
              (TimePoint archived_at, const std::vector<storagenode::ArchiveRequest>& requests),
              (override));
  MOCK_METHOD(StatusOr<std::vector<storagenode::ArchivedOrder>>, ListArchived, (std::size_t limit),
              (override));
  MOCK_METHOD(StatusOr<std::uint64_t>, CleanArchive, (TimePoint now, Duration ttl), (override));
  MOCK_METHOD(StatusOr<storagenode::OrderCounts>, Count, (), (override));
  using CountMap = std::map<NodeId, storagenode::OrderCounts>;
  MOCK_METHOD(StatusOr<CountMap>, CountBySatellite, (), (override));
};

// An Awaitable that completes at once with `value`.
template <typename T>
Awaitable<T> Ready(T value) {
  co_return value;
}

}  // namespace testplanet::fakes

#endif  // TESTPLANET_FAKES_MOCKS_H_
