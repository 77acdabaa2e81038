// Crashes: a peer dropped without Close at any instant, its disk losing what was not synced,
// and RocksDB's own recovery on restart.
#include <gtest/gtest.h>

#include <string>

#include "peers/storage/blob_store.h"
#include "scenarios/gtest/testplanet_run.h"
#include "tests/status_matchers.h"

namespace testplanet {
namespace {

using namespace std::chrono_literals;

TEST(Crash, SyncedOrdersSurviveACrashAndSettleAfterRestart) {
  testplanet::Run(Config{}, [](Planet& planet) {
    for (auto& node : planet.storage_nodes()) node->orders().sender().Pause();
    ASSERT_THAT(planet.Upload(0, 0, "b", "o1", std::string(100, 'x')), IsOk());
    ASSERT_THAT(planet.Upload(0, 0, "b", "o2", std::string(60, 'y')), IsOk());
    ASSERT_THAT(planet.CrashStorageNode(1), IsOk());
    EXPECT_EQ(planet.CrashStorageNode(1).code(), StatusCode::kFailedPrecondition)
        << "a crashed node is not running";
    ASSERT_THAT(planet.RunFor(Duration::zero()), IsOk());
    EXPECT_TRUE(planet.StorageNodeDown(1)) << "the node unwound at the crash instant";
    EXPECT_EQ(planet.bytes_lost_in_crashes(), 0u) << "every write was synced";
    ASSERT_THAT(planet.RunFor(1h), IsOk());
    ASSERT_THAT(planet.StartStorageNode(1), IsOk());
    auto& node = *planet.storage_nodes()[1];
    EXPECT_EQ(node.orders_db().Count()->unsent, 2u) << "both orders came back from the WAL";
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
    EXPECT_EQ(node.orders_db().Count()->accepted, 2u);
    EXPECT_EQ(*planet.satellites()[0]->orders().NodeSettled(node.id()), 160);
  });
}

TEST(Crash, UnsyncedWritesAreLostInACrash) {
  Config config;
  config.check_invariants = false;  // the next test shows the checker catching this loss
  config.reconfigure_storage_node = [](int index, storagenode::Config& node) {
    if (index == 0) node.storage.sync_writes = false;  // a misconfigured node
  };
  testplanet::Run(config, [](Planet& planet) {
    for (auto& node : planet.storage_nodes()) node->orders().sender().Pause();
    ASSERT_THAT(planet.Upload(0, 0, "b", "o1", std::string(100, 'x')), IsOk());
    EXPECT_EQ(planet.storage_nodes()[0]->orders_db().Count()->unsent, 1u);
    ASSERT_THAT(planet.CrashStorageNode(0), IsOk());
    ASSERT_THAT(planet.CrashStorageNode(1), IsOk());
    ASSERT_THAT(planet.RunFor(1s), IsOk());
    EXPECT_GT(planet.bytes_lost_in_crashes(), 0u);
    ASSERT_THAT(planet.StartStorageNode(0), IsOk());
    ASSERT_THAT(planet.StartStorageNode(1), IsOk());
    EXPECT_EQ(planet.storage_nodes()[0]->orders_db().Count()->unsent, 0u)
        << "the order was acknowledged but never synced: the crash took it";
    EXPECT_EQ(planet.storage_nodes()[1]->orders_db().Count()->unsent, 1u)
        << "the node that syncs kept its order";
  });
}

TEST(Crash, AGracefulStopFromInsideTheSimulationKeepsEvenUnsyncedWrites) {
  Config config;
  config.reconfigure_storage_node = [](int index, storagenode::Config& node) {
    if (index == 0) node.storage.sync_writes = false;
  };
  testplanet::Run(config, [](Planet& planet) {
    for (auto& node : planet.storage_nodes()) node->orders().sender().Pause();
    ASSERT_THAT(planet.Upload(0, 0, "b", "o1", std::string(100, 'x')), IsOk());
    planet.sim().Post([&planet] { EXPECT_THAT(planet.BeginStopStorageNode(0), IsOk()); });
    ASSERT_THAT(planet.RunFor(1s), IsOk());
    EXPECT_TRUE(planet.StorageNodeDown(0)) << "closed once its services finished";
    EXPECT_EQ(planet.bytes_lost_in_crashes(), 0u);
    ASSERT_THAT(planet.StartStorageNode(0), IsOk());
    EXPECT_EQ(planet.storage_nodes()[0]->orders_db().Count()->unsent, 1u)
        << "Close wrote out what a crash would have lost";
  });
}

TEST(Crash, TheInvariantCheckerCatchesAnAcknowledgedOrderLostInACrash) {
  Config config;
  config.reconfigure_storage_node = [](int index, storagenode::Config& node) {
    if (index == 0) node.storage.sync_writes = false;
  };
  auto planet = Planet::Create(config);
  ASSERT_THAT(planet, IsOk());
  Planet& p = **planet;
  ASSERT_THAT(p.Start(), IsOk());
  for (auto& node : p.storage_nodes()) node->orders().sender().Pause();
  ASSERT_THAT(p.Upload(0, 0, "b", "o1", std::string(100, 'x')), IsOk());
  ASSERT_THAT(p.CrashStorageNode(0), IsOk());
  ASSERT_THAT(p.RunFor(1s), IsOk());
  EXPECT_THAT(p.StartStorageNode(0), ::testing::Not(IsOk()));
  EXPECT_THAT(p.sim().status(), StatusIs(StatusCode::kDataLoss));
  EXPECT_NE(p.sim().status().message().find("storagenode0 lost order"), std::string::npos)
      << p.sim().status().ToString();
}

TEST(Crash, ASatelliteCrashMidSettlementCountsEachOrderOnce) {
  Config config;
  config.network.min_latency = 100ms;
  config.network.max_latency = 100ms;
  testplanet::Run(config, [](Planet& planet) {
    auto& node = *planet.storage_nodes()[0];
    node.orders().sender().Pause();
    for (int i = 0; i < 5; ++i) {
      ASSERT_THAT(planet.Upload(0, 0, "b", "o" + std::to_string(i), std::string(10, 'z')), IsOk());
    }
    // Settle, and crash the satellite while the orders are on the wire: after the dial (two
    // round trips of 100ms) and partway into the stream.
    node.orders().sender().Trigger();
    ASSERT_THAT(planet.RunFor(350ms), IsOk());
    ASSERT_THAT(planet.CrashSatellite(0), IsOk());
    ASSERT_THAT(planet.RunFor(1min), IsOk());
    ASSERT_THAT(planet.StartSatellite(0), IsOk());
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
    // The satellite had settled all five when it crashed; its answers were lost with it. The
    // node resends them, the satellite refuses them as already spent, and counts nothing twice.
    auto counts = node.orders_db().Count();
    EXPECT_EQ(counts->unsent, 0u);
    EXPECT_EQ(counts->rejected, 5u);
    EXPECT_EQ(*planet.satellites()[0]->orders().NodeSettled(node.id()), 50);
    EXPECT_EQ(planet.satellites()[0]->orders().stats().accepted, 0u)
        << "stats are in memory and started again; the rollup is on disk";
  });
}

TEST(DiskFaults, AFailedLogSyncIsReportedAndTheStoreTakesWritesAgain) {
  testplanet::Run(Config{}, [](Planet& planet) {
    for (auto& node : planet.storage_nodes()) node->orders().sender().Pause();
    int failures_left = 1;
    std::vector<std::string> failed;
    planet.storage_node_disk(0).SetErrorPolicy([&](fakes::DiskOp op, const std::string& path) {
      if (op != fakes::DiskOp::kSync || !path.ends_with(".log") || failures_left == 0) {
        return false;
      }
      --failures_left;
      failed.push_back(path);
      return true;
    });
    auto first = planet.Upload(0, 0, "b", "o1", std::string(100, 'x'));
    ASSERT_THAT(first, IsOk());
    EXPECT_EQ(first->failed, 1) << "node 0 reported its disk error to the uplink";
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_TRUE(failed[0].ends_with(".log")) << failed[0];
    auto second = planet.Upload(0, 0, "b", "o2", std::string(100, 'x'));
    ASSERT_THAT(second, IsOk());
    EXPECT_EQ(second->failed, 0) << "the store reopened and takes writes again";
    // The first order's bytes reached the log before its sync failed, and with no crash they
    // stay (as after a real fsync error): the reopened store found both orders.
    EXPECT_EQ(planet.storage_nodes()[0]->orders_db().Count()->unsent, 2u);
  });
}

// Read errors. Small flushes put the peers' data in table files early, so that their lookups
// and scans reach the disk.
Config WithTables() {
  Config config;
  config.flush_bytes = 1024;
  return config;
}

TEST(DiskFaults, TheWritesOfferedToThePolicyAreTheWriteAheadLogsAndThePieceFiles) {
  testplanet::Run(WithTables(), [](Planet& planet) {
    std::vector<std::string> written;
    int reads = 0;
    planet.storage_node_disk(0).SetErrorPolicy([&](fakes::DiskOp op, const std::string& path) {
      if (op == fakes::DiskOp::kRead) {
        ++reads;
      } else {
        written.push_back(path);
      }
      return false;
    });
    for (int i = 0; i < 10; ++i) {
      ASSERT_THAT(planet.Upload(0, 0, "b", "o" + std::to_string(i), "data"), IsOk());
      ASSERT_THAT(planet.Download(0, 0, "b", "o" + std::to_string(i)), IsOk());
    }
    int logs = 0;
    int pieces = 0;
    for (const std::string& path : written) {
      logs += path.ends_with(".log") ? 1 : 0;
      pieces += BlobStore::IsBlobPath(path) ? 1 : 0;
    }
    EXPECT_GT(logs, 0);
    EXPECT_GT(pieces, 0);
    EXPECT_EQ(logs + pieces, static_cast<int>(written.size())) << "no table or manifest write";
    EXPECT_GT(reads, 0) << "downloads read pieces back from their files";
  });
}

// A policy that fails every read on a disk while `on`, counting the failures.
struct FailReads {
  bool on = true;
  int failed = 0;
  fakes::FaultyFileSystem::ErrorPolicy Policy() {
    return [this](fakes::DiskOp op, const std::string&) {
      if (!on || op != fakes::DiskOp::kRead) return false;
      ++failed;
      return true;
    };
  }
};

// Eight objects of 50 bytes, each on every node: eight orders per node.
void UploadObjects(Planet& planet) {
  for (int i = 0; i < 8; ++i) {
    ASSERT_THAT(planet.Upload(0, 0, "b", "o" + std::to_string(i), std::string(50, 'r')), IsOk());
  }
}

TEST(DiskFaults, ASatelliteThatCannotReadLeavesOrdersUnsentUntilItCan) {
  testplanet::Run(WithTables(), [](Planet& planet) {
    auto& node = *planet.storage_nodes()[0];
    node.orders().sender().Pause();
    ASSERT_NO_FATAL_FAILURE(UploadObjects(planet));
    FailReads reads;
    planet.satellite_disk(0).SetErrorPolicy(reads.Policy());
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk())
        << "an error is logged; the chore goes on";
    EXPECT_GT(reads.failed, 0) << "settlement read the satellite's tables";
    EXPECT_EQ(node.orders_db().Count()->unsent, 8u) << "no answer, so nothing archived";
    EXPECT_EQ(planet.satellites()[0]->orders().stats().accepted, 0u);

    reads.on = false;
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
    auto counts = node.orders_db().Count();
    EXPECT_EQ(counts->unsent, 0u);
    EXPECT_EQ(counts->accepted, 8u) << "each order counted once, none lost to the errors";
    EXPECT_EQ(*planet.satellites()[0]->orders().NodeSettled(node.id()), 8 * 50);
  });
}

TEST(DiskFaults, ANodeThatCannotReadItsOrdersSendsThemOnceItCan) {
  testplanet::Run(WithTables(), [](Planet& planet) {
    auto& node = *planet.storage_nodes()[0];
    node.orders().sender().Pause();
    ASSERT_NO_FATAL_FAILURE(UploadObjects(planet));
    FailReads reads;
    planet.storage_node_disk(0).SetErrorPolicy(reads.Policy());
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
    EXPECT_GT(reads.failed, 0) << "listing the unsent orders read the node's tables";
    EXPECT_EQ(planet.satellites()[0]->orders().stats().accepted, 0u) << "nothing was sent";
    reads.on = false;
    EXPECT_EQ(node.orders_db().Count()->unsent, 8u);
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
    EXPECT_EQ(node.orders_db().Count()->accepted, 8u);
  });
}

TEST(DiskFaults, ARestartThatCannotReadFailsAndALaterOneRecoversEveryOrder) {
  testplanet::Run(WithTables(), [](Planet& planet) {
    for (auto& node : planet.storage_nodes()) node->orders().sender().Pause();
    ASSERT_NO_FATAL_FAILURE(UploadObjects(planet));
    ASSERT_THAT(planet.CrashStorageNode(1), IsOk());
    ASSERT_THAT(planet.RunFor(1s), IsOk());
    FailReads reads;
    planet.storage_node_disk(1).SetErrorPolicy(reads.Policy());
    Status failed = planet.StartStorageNode(1);
    EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.ToString();
    EXPECT_GT(reads.failed, 0);
    EXPECT_TRUE(planet.StorageNodeDown(1)) << "a node that cannot open its store is not up";
    reads.on = false;
    ASSERT_THAT(planet.StartStorageNode(1), IsOk()) << "the next start recovers";
    EXPECT_EQ(planet.storage_nodes()[1]->orders_db().Count()->unsent, 8u);
    ASSERT_THAT(planet.storage_nodes()[1]->orders().sender().TriggerWait(), IsOk());
    EXPECT_EQ(planet.storage_nodes()[1]->orders_db().Count()->accepted, 8u);
  });
}

}  // namespace
}  // namespace testplanet
