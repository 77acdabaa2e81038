// The OrdersDb contract (peers/storagenode/orders_db.h), run against every implementation:
// the RocksDB store in memory and on disk.
#include <gtest/gtest.h>
#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "peers/storage/store.h"
#include "peers/storagenode/rocksdb_orders_db.h"
#include "peers/work.h"
#include "sim/random.h"
#include "tests/status_matchers.h"

namespace testplanet::storagenode {
namespace {

using namespace std::chrono_literals;

struct Backend {
  std::string name;
  bool in_memory;
};

class OrdersDbContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    options_.in_memory = GetParam().in_memory;
    options_.directory =
        (std::filesystem::temp_directory_path() /
         ("testplanet-ordersdb-" + std::string(info->name()) + "-" + GetParam().name))
            .string();
    std::filesystem::remove_all(options_.directory);
    Reopen();
  }
  void TearDown() override {
    db_.reset();
    store_.reset();
    std::filesystem::remove_all(options_.directory);
  }
  void Reopen() {
    db_.reset();
    store_.reset();
    auto store = Store::Open(options_);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    db_ = std::make_unique<RocksdbOrdersDb>(*store_);
  }

  static std::string Id(char c) { return std::string(32, c); }
  static std::string Serial(int n) {
    std::string serial(16, '\0');
    serial[15] = static_cast<char>(n);
    return serial;
  }
  static OrderInfo Order(char satellite, int serial, std::int64_t amount = 100) {
    OrderInfo info;
    info.limit.set_satellite_id(Id(satellite));
    info.limit.set_serial_number(Serial(serial));
    info.limit.set_limit(1000);
    info.order.set_serial_number(Serial(serial));
    info.order.set_amount(amount);
    return info;
  }
  static NodeId Sat(char c) { return NodeId::FromBytes(Id(c)).value(); }

  StorageOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RocksdbOrdersDb> db_;
};

TEST_P(OrdersDbContract, EnqueuedOrdersAreListedUnsentGroupedBySatelliteInOrder) {
  ASSERT_THAT(db_->Enqueue(Order('b', 2)), IsOk());
  ASSERT_THAT(db_->Enqueue(Order('a', 9)), IsOk());
  ASSERT_THAT(db_->Enqueue(Order('b', 1)), IsOk());
  auto by_satellite = db_->ListUnsentBySatellite();
  ASSERT_THAT(by_satellite, IsOk());
  ASSERT_EQ(by_satellite->size(), 2u);
  EXPECT_EQ(by_satellite->begin()->first, Sat('a'));
  const auto& b = by_satellite->at(Sat('b'));
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].limit.serial_number(), Serial(1));
  EXPECT_EQ(b[1].limit.serial_number(), Serial(2));
  EXPECT_EQ(b[1].order.amount(), 100);
  auto limited = db_->ListUnsent(2);
  ASSERT_THAT(limited, IsOk());
  EXPECT_EQ(limited->size(), 2u);
}

TEST_P(OrdersDbContract, EnqueueRefusesOrdersWithoutSatelliteOrSerial) {
  OrderInfo bad = Order('a', 1);
  bad.limit.set_satellite_id("short");
  EXPECT_EQ(db_->Enqueue(bad).code(), StatusCode::kInvalidArgument);
  bad = Order('a', 1);
  bad.limit.clear_serial_number();
  EXPECT_EQ(db_->Enqueue(bad).code(), StatusCode::kInvalidArgument);
}

TEST_P(OrdersDbContract, ArchiveMovesOrdersWithTheirStatusAndTime) {
  ASSERT_THAT(db_->Enqueue(Order('a', 1)), IsOk());
  ASSERT_THAT(db_->Enqueue(Order('a', 2)), IsOk());
  ASSERT_THAT(db_->Enqueue(Order('a', 3)), IsOk());
  const TimePoint when(5h);
  ASSERT_THAT(db_->Archive(when, {{Sat('a'), Serial(1), OrderStatus::kAccepted},
                                  {Sat('a'), Serial(2), OrderStatus::kRejected}}),
              IsOk());
  auto unsent = db_->ListUnsent(100);
  ASSERT_THAT(unsent, IsOk());
  ASSERT_EQ(unsent->size(), 1u);
  EXPECT_EQ((*unsent)[0].limit.serial_number(), Serial(3));
  auto archived = db_->ListArchived(100);
  ASSERT_THAT(archived, IsOk());
  ASSERT_EQ(archived->size(), 2u);
  std::map<std::string, OrderStatus> statuses;
  for (const auto& a : *archived) {
    statuses[a.limit.serial_number()] = a.status;
    EXPECT_EQ(a.archived_at, when);
    EXPECT_EQ(a.order.amount(), 100);
  }
  EXPECT_EQ(statuses[Serial(1)], OrderStatus::kAccepted);
  EXPECT_EQ(statuses[Serial(2)], OrderStatus::kRejected);
  auto counts = db_->Count();
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ(counts->unsent, 1u);
  EXPECT_EQ(counts->accepted, 1u);
  EXPECT_EQ(counts->rejected, 1u);
}

TEST_P(OrdersDbContract, ArchivingAnUnknownOrderReportsNotFoundButArchivesTheRest) {
  ASSERT_THAT(db_->Enqueue(Order('a', 1)), IsOk());
  Status s = db_->Archive(TimePoint(1h), {{Sat('a'), Serial(1), OrderStatus::kAccepted},
                                          {Sat('a'), Serial(7), OrderStatus::kAccepted}});
  EXPECT_THAT(s, StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(db_->Count()->accepted, 1u);
  // An archived order is never unsent again, and cannot be archived twice.
  EXPECT_EQ(db_->Archive(TimePoint(2h), {{Sat('a'), Serial(1), OrderStatus::kRejected}}).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(db_->Count()->accepted, 1u);
  EXPECT_EQ(db_->Count()->rejected, 0u);
  EXPECT_TRUE(db_->ListUnsent(10)->empty());
}

TEST_P(OrdersDbContract, CleanArchiveDeletesOnlyOrdersOlderThanTheTtl) {
  for (int i = 1; i <= 4; ++i) ASSERT_THAT(db_->Enqueue(Order('a', i)), IsOk());
  ASSERT_THAT(db_->Archive(TimePoint(1h), {{Sat('a'), Serial(1), OrderStatus::kAccepted},
                                           {Sat('a'), Serial(2), OrderStatus::kRejected}}),
              IsOk());
  ASSERT_THAT(db_->Archive(TimePoint(10h), {{Sat('a'), Serial(3), OrderStatus::kAccepted}}),
              IsOk());
  // now = 12h, ttl = 5h: archived before 7h goes.
  auto deleted = db_->CleanArchive(TimePoint(12h), 5h);
  ASSERT_THAT(deleted, IsOk());
  EXPECT_EQ(*deleted, 2u);
  auto archived = db_->ListArchived(10);
  ASSERT_EQ(archived->size(), 1u);
  EXPECT_EQ((*archived)[0].limit.serial_number(), Serial(3));
  EXPECT_EQ(db_->Count()->unsent, 1u) << "cleanup never touches unsent orders";
  EXPECT_EQ(*db_->CleanArchive(TimePoint(12h), 5h), 0u);
}

// Storj's rule: archived_at <= now - ttl goes. At exactly one TTL after its archiving an order
// is deleted; a nanosecond before, it is kept; a nanosecond after, it is gone too.
TEST_P(OrdersDbContract, CleanArchiveDeletesAnOrderArchivedExactlyOneTtlAgo) {
  ASSERT_THAT(db_->Enqueue(Order('a', 1)), IsOk());
  ASSERT_THAT(db_->Archive(TimePoint(1h), {{Sat('a'), Serial(1), OrderStatus::kAccepted}}), IsOk());
  EXPECT_EQ(*db_->CleanArchive(TimePoint(6h) - Duration(1), 5h), 0u) << "1 ns before: kept";
  EXPECT_EQ(*db_->CleanArchive(TimePoint(6h), 5h), 1u) << "at the instant: deleted";
  ASSERT_THAT(db_->Enqueue(Order('a', 2)), IsOk());
  ASSERT_THAT(db_->Archive(TimePoint(2h), {{Sat('a'), Serial(2), OrderStatus::kAccepted}}), IsOk());
  EXPECT_EQ(*db_->CleanArchive(TimePoint(7h) + Duration(1), 5h), 1u) << "1 ns after: deleted";
}

// The db skips the read while nothing archived can be due: an order archived at an earlier time
// than every one it kept (a clock stepped back) must still be found.
TEST_P(OrdersDbContract, CleanArchiveFindsAnOrderArchivedBeforeTheOnesItKept) {
  for (int i = 1; i <= 2; ++i) ASSERT_THAT(db_->Enqueue(Order('a', i)), IsOk());
  ASSERT_THAT(db_->Archive(TimePoint(10h), {{Sat('a'), Serial(1), OrderStatus::kAccepted}}),
              IsOk());
  EXPECT_EQ(*db_->CleanArchive(TimePoint(12h), 5h), 0u);
  ASSERT_THAT(db_->Archive(TimePoint(1h), {{Sat('a'), Serial(2), OrderStatus::kAccepted}}), IsOk());
  EXPECT_EQ(*db_->CleanArchive(TimePoint(12h), 5h), 1u);
  EXPECT_EQ(*db_->CleanArchive(TimePoint(15h), 5h), 1u) << "then the one it kept, when due";
  EXPECT_EQ(db_->Count()->accepted, 0u);
}

TEST_P(OrdersDbContract, CleanArchiveOfAnEmptyArchiveStillSeesOrdersArchivedLater) {
  EXPECT_EQ(*db_->CleanArchive(TimePoint(12h), 5h), 0u);
  ASSERT_THAT(db_->Enqueue(Order('a', 1)), IsOk());
  ASSERT_THAT(db_->Archive(TimePoint(13h), {{Sat('a'), Serial(1), OrderStatus::kAccepted}}),
              IsOk());
  EXPECT_EQ(*db_->CleanArchive(TimePoint(18h) - Duration(1), 5h), 0u);
  EXPECT_EQ(*db_->CleanArchive(TimePoint(18h), 5h), 1u);
}

// The cleanup chore runs every 5 minutes on every node: while its oldest archived order is
// younger than the TTL, a clean costs no read of the store.
TEST_P(OrdersDbContract, CleanArchiveReadsNothingWhileNoArchivedOrderIsDue) {
  ASSERT_THAT(db_->Enqueue(Order('a', 1)), IsOk());
  ASSERT_THAT(db_->Archive(TimePoint(10h), {{Sat('a'), Serial(1), OrderStatus::kAccepted}}),
              IsOk());
  EXPECT_EQ(*db_->CleanArchive(TimePoint(11h), 5h), 0u);  // learns the oldest time
  const std::uint64_t scans = ProcessWork().db_scans;
  for (int minutes = 5; minutes < 240; minutes += 5) {
    EXPECT_EQ(*db_->CleanArchive(TimePoint(11h) + std::chrono::minutes(minutes), 5h), 0u);
  }
  EXPECT_EQ(ProcessWork().db_scans, scans);
  EXPECT_EQ(*db_->CleanArchive(TimePoint(15h), 5h), 1u);
  EXPECT_EQ(ProcessWork().db_scans, scans + 1);
}

// The sender lists unsent orders every hour on every node, and most have none most hours: once a
// listing found none, the next ones read nothing until an order is enqueued.
TEST_P(OrdersDbContract, ListingReadsNothingWhileNothingIsUnsent) {
  std::uint64_t scans = ProcessWork().db_scans;
  EXPECT_TRUE(db_->ListUnsentBySatellite()->empty());
  EXPECT_EQ(ProcessWork().db_scans, scans + 1) << "the first listing must look";
  scans = ProcessWork().db_scans;
  for (int hour = 0; hour < 5; ++hour) EXPECT_TRUE(db_->ListUnsentBySatellite()->empty());
  EXPECT_TRUE(db_->ListUnsent(10)->empty());
  EXPECT_EQ(ProcessWork().db_scans, scans);
  ASSERT_THAT(db_->Enqueue(Order('a', 1)), IsOk());
  auto listed = db_->ListUnsentBySatellite();
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(Sat('a')).size(), 1u);
  ASSERT_THAT(db_->Archive(TimePoint(1h), {{Sat('a'), Serial(1), OrderStatus::kAccepted}}), IsOk());
  EXPECT_TRUE(db_->ListUnsentBySatellite()->empty());
  scans = ProcessWork().db_scans;
  EXPECT_TRUE(db_->ListUnsentBySatellite()->empty());
  EXPECT_EQ(ProcessWork().db_scans, scans);
  // A listing cut short by its limit still knows there were orders.
  ASSERT_THAT(db_->Enqueue(Order('a', 2)), IsOk());
  EXPECT_TRUE(db_->ListUnsent(0)->empty());
  EXPECT_EQ(db_->ListUnsent(10)->size(), 1u);
}

// A node's store flushes rarely, so the deletions archiving leaves behind stay in its memtable
// among the unsent keys, a week of them. A listing reads from the first unsent key it knows of to
// the last, not the whole range: it steps over no deletion outside them.
TEST_P(OrdersDbContract, ListingStepsOverNoArchivedOrderOutsideTheUnsentOnes) {
  std::vector<ArchiveRequest> settled;
  for (int serial = 1; serial <= 40; ++serial) {
    ASSERT_THAT(db_->Enqueue(Order('a', serial)), IsOk());
    if (serial != 20) settled.push_back({Sat('a'), Serial(serial), OrderStatus::kAccepted});
  }
  ASSERT_EQ(db_->ListUnsent(100)->size(), 40u);  // a whole listing: the db learns the range
  ASSERT_THAT(db_->Archive(TimePoint(1h), settled), IsOk());

  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  auto listed = db_->ListUnsent(100);
  const std::uint64_t skipped = rocksdb::get_perf_context()->internal_delete_skipped_count;
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().limit.serial_number(), Serial(20));
  EXPECT_EQ(skipped, 0u) << "deletions stepped over";

  // Orders enqueued later widen the range, and ones archived or found gone narrow it again.
  ASSERT_THAT(db_->Enqueue(Order('a', 41)), IsOk());
  ASSERT_THAT(db_->Enqueue(Order('b', 1)), IsOk());
  auto by_satellite = db_->ListUnsentBySatellite();
  ASSERT_THAT(by_satellite, IsOk());
  EXPECT_EQ(by_satellite->at(Sat('a')).size(), 2u);
  EXPECT_EQ(by_satellite->at(Sat('b')).size(), 1u);
  ASSERT_THAT(db_->Archive(TimePoint(2h), {{Sat('a'), Serial(20), OrderStatus::kAccepted},
                                           {Sat('a'), Serial(41), OrderStatus::kRejected},
                                           {Sat('b'), Serial(1), OrderStatus::kAccepted}}),
              IsOk());
  EXPECT_TRUE(db_->ListUnsent(100)->empty());
  const std::uint64_t scans = ProcessWork().db_scans;
  EXPECT_TRUE(db_->ListUnsentBySatellite()->empty());
  EXPECT_EQ(ProcessWork().db_scans, scans) << "nothing unsent: nothing to read";
}

// Only the on-disk store can be reopened: an in-memory one ends with its Env.
class OrdersDbOnDisk : public OrdersDbContract {};

TEST_P(OrdersDbOnDisk, OrdersSurviveReopening) {
  ASSERT_THAT(db_->Enqueue(Order('a', 1)), IsOk());
  ASSERT_THAT(db_->Enqueue(Order('a', 2)), IsOk());
  ASSERT_THAT(db_->Archive(TimePoint(1h), {{Sat('a'), Serial(1), OrderStatus::kAccepted}}), IsOk());
  Reopen();
  auto counts = db_->Count();
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ(counts->unsent, 1u);
  EXPECT_EQ(counts->accepted, 1u);
}

INSTANTIATE_TEST_SUITE_P(Rocksdb, OrdersDbContract,
                         ::testing::Values(Backend{"memory", true}, Backend{"disk", false}),
                         [](const auto& param_info) { return param_info.param.name; });
INSTANTIATE_TEST_SUITE_P(Rocksdb, OrdersDbOnDisk, ::testing::Values(Backend{"disk", false}),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace testplanet::storagenode
