// The planet from C++: testplanet::Run, and stopping and starting one peer.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fakes/faulty_fs.h"
#include "peers/storage/store.h"
#include "scenarios/gtest/testplanet_run.h"
#include "tests/status_matchers.h"

namespace testplanet {
namespace {

using namespace std::chrono_literals;

TEST(TestplanetRun, RunsTheBodyOnAStartedPlanet) {
  bool ran = false;
  testplanet::Run(Config{}, [&](Planet& planet) {
    ran = true;
    EXPECT_EQ(planet.storage_nodes().size(), 4u);
    EXPECT_GE(planet.satellites()[0]->overlay().check_ins(), 4u) << "every node checked in";
    ASSERT_THAT(planet.Upload(0, 0, "b", "o", "data"), IsOk());
  });
  EXPECT_TRUE(ran);
}

TEST(Planet, NodesCheckInAtOnceSoStartTakesNoLongerForMoreNodes) {
  auto start_time = [](int nodes) {
    Config config;
    config.satellites = 2;
    config.storage_nodes = nodes;
    auto planet = Planet::Create(config);
    EXPECT_THAT(planet, IsOk());
    EXPECT_THAT((*planet)->Start(), IsOk());
    for (const auto& satellite : (*planet)->satellites()) {
      EXPECT_GE(satellite->overlay().check_ins(), static_cast<std::uint64_t>(nodes));
    }
    const Duration took = (*planet)->sim().Now().time_since_epoch();
    EXPECT_THAT((*planet)->Shutdown(), IsOk());
    return took;
  };
  const Duration one = start_time(1);
  EXPECT_GT(one, Duration::zero()) << "a check-in crosses the network";
  // One after another, 40 nodes took 40 times as long (25,000 took over two virtual hours).
  EXPECT_LT(start_time(40), 5 * one);
}

// A spread start: node i of N begins its chores at i * spread / N, so their ticks fall on the
// node's own phase, as in a network whose nodes started at different times; every node is up
// and checked in from the start.
TEST(Planet, NodesBeginTheirChoresSpreadOverTheStartSpread) {
  Config config;
  config.start_spread = 40s;  // four nodes: at 0, 10, 20 and 30 s; their chores tick every 15 s
  testplanet::Run(config, [](Planet& planet) {
    auto cleanup = [&](int i) { return planet.Chore(PeerRef::StorageNode(i), "orders.cleanup"); };
    EXPECT_EQ(cleanup(0)->runs_started(), 1u) << "node 0 begins with the planet";
    EXPECT_GE(planet.satellites()[0]->overlay().check_ins(), 4u) << "all checked in at once";
    for (int i = 1; i < 4; ++i) {
      EXPECT_EQ(cleanup(i)->runs_started(), 0u) << i;
      EXPECT_TRUE(planet.StorageNodeRunning(i)) << i;
    }
    ASSERT_THAT(planet.Upload(0, 0, "b", "o", "data"), IsOk()) << "every node serves already";
    ASSERT_THAT(planet.RunFor(1min), IsOk());
    for (int i = 0; i < 4; ++i) {
      const Duration phase = (cleanup(i)->NextTick().time_since_epoch() - i * 10s) % 15s;
      EXPECT_EQ(phase, Duration::zero()) << "node " << i << " ticks on its own start";
      EXPECT_GE(cleanup(i)->runs_started(), 2u) << i;
    }
  });
  // The same planet started at once: every node's ticks fall on the same instants.
  testplanet::Run(Config{}, [](Planet& planet) {
    ASSERT_THAT(planet.RunFor(1min), IsOk());
    const TimePoint first = planet.Chore(PeerRef::StorageNode(0), "orders.cleanup")->NextTick();
    for (int i = 1; i < 4; ++i) {
      EXPECT_EQ(planet.Chore(PeerRef::StorageNode(i), "orders.cleanup")->NextTick(), first) << i;
    }
  });
}

TEST(Planet, ANegativeStartSpreadIsRefused) {
  Config config;
  config.start_spread = -1s;
  EXPECT_THAT(Planet::Create(config), StatusIs(StatusCode::kInvalidArgument));
}

TEST(Planet, AStoppedNodeKeepsItsOrdersAndSettlesThemAfterStarting) {
  testplanet::Run(Config{}, [](Planet& planet) {
    for (auto& node : planet.storage_nodes()) node->orders().sender().Pause();
    ASSERT_THAT(planet.Upload(0, 0, "b", "o", std::string(100, 'x')), IsOk());
    ASSERT_THAT(planet.StopStorageNode(2), IsOk());
    EXPECT_FALSE(planet.StorageNodeRunning(2));
    ASSERT_THAT(planet.RunFor(1h), IsOk());
    ASSERT_THAT(planet.StartStorageNode(2), IsOk());
    EXPECT_TRUE(planet.StorageNodeRunning(2));
    auto& node = *planet.storage_nodes()[2];
    EXPECT_EQ(node.orders_db().Count()->unsent, 1u) << "the order survived the stop";
    Status settled = node.orders().sender().TriggerWait();
    ASSERT_THAT(settled, IsOk());
    EXPECT_EQ(node.orders_db().Count()->accepted, 1u);
    EXPECT_EQ(planet.StopStorageNode(7).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(planet.StartStorageNode(2).code(), StatusCode::kFailedPrecondition);
  });
}

TEST(Planet, AStoppedSatelliteKeepsItsRollupsAndSettlesAfterStarting) {
  testplanet::Run(Config{}, [](Planet& planet) {
    auto& node = *planet.storage_nodes()[0];
    node.orders().sender().Pause();
    ASSERT_THAT(planet.Upload(0, 0, "b", "o1", std::string(100, 'x')), IsOk());
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
    ASSERT_THAT(planet.Upload(0, 0, "b", "o2", std::string(50, 'y')), IsOk());
    ASSERT_THAT(planet.StopSatellite(0), IsOk());
    EXPECT_FALSE(planet.SatelliteRunning(0));
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
    EXPECT_EQ(node.orders_db().Count()->unsent, 1u) << "no satellite: the order waits";
    ASSERT_THAT(planet.StartSatellite(0), IsOk());
    ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
    EXPECT_EQ(node.orders_db().Count()->unsent, 0u);
    EXPECT_EQ(*planet.satellites()[0]->orders().NodeSettled(node.id()), 150)
        << "rollups from before the stop survived it";
  });
}

TEST(Planet, DialsToAStoppedNodeAreRefused) {
  testplanet::Run(Config{}, [](Planet& planet) {
    ASSERT_THAT(planet.StopStorageNode(0), IsOk());
    auto upload = planet.Upload(0, 0, "b", "o", "x", 4);
    ASSERT_THAT(upload, IsOk()) << "three of four nodes are enough";
    EXPECT_EQ(upload->nodes.size(), 3u);
    EXPECT_EQ(upload->failed, 1);
  });
}

}  // namespace
}  // namespace testplanet

namespace testplanet {
namespace {

TEST(Planet, OnDiskAndInMemoryStoresGiveTheSameRun) {
  auto run = [](StorageMode mode, const std::string& directory) {
    Config config;
    config.storage = mode;
    config.run_directory = directory;
    auto planet = Planet::Create(config);
    EXPECT_THAT(planet, IsOk());
    EXPECT_THAT((*planet)->Start(), IsOk());
    EXPECT_THAT((*planet)->Upload(0, 0, "b", "o", std::string(300, 'x')), IsOk());
    EXPECT_THAT((*planet)->RunFor(std::chrono::minutes(2)), IsOk());
    EXPECT_EQ((*planet)->storage_nodes()[0]->orders_db().Count()->accepted, 1u);
    EXPECT_THAT((*planet)->Shutdown(), IsOk());
    return (*planet)->sim().trace().digest();
  };
  const std::string directory =
      (std::filesystem::temp_directory_path() / "testplanet-planet-on-disk").string();
  std::filesystem::remove_all(directory);
  const std::uint64_t in_memory = run(StorageMode::kInMemory, "");
  EXPECT_EQ(in_memory, run(StorageMode::kOnDisk, directory));
  EXPECT_TRUE(std::filesystem::exists(directory + "/storagenode0"));
  EXPECT_EQ(in_memory, run(StorageMode::kOnDisk, directory))
      << "a second planet in the same directory starts from empty disks too";
  std::filesystem::remove_all(directory);
}

TEST(Planet, OnDiskRefusesADirectoryThatHoldsSomethingElse) {
  const std::string directory =
      (std::filesystem::temp_directory_path() / "testplanet-planet-not-ours").string();
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory + "/photos");
  Config config;
  config.storage = StorageMode::kOnDisk;
  config.run_directory = directory;
  auto planet = Planet::Create(config);
  EXPECT_THAT(planet, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_NE(planet.status().message().find("marker"), std::string::npos)
      << planet.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(directory + "/photos")) << "nothing of the user's deleted";
  std::filesystem::remove_all(directory);
}

TEST(Planet, ANodesChoresByNameAreItsCycles) {
  testplanet::Run(Config{}, [](Planet& planet) {
    auto& node = *planet.storage_nodes()[0];
    std::vector<std::string> names;
    for (std::string_view name : storagenode::StorageNode::ChoreNames()) {
      ChoreControl* chore = node.Chore(name);
      ASSERT_NE(chore, nullptr) << name;
      EXPECT_EQ(chore->name(), name);
      names.emplace_back(name);
    }
    EXPECT_EQ(names,
              (std::vector<std::string>{"orders.sender", "orders.cleanup", "contact.chore"}));
    EXPECT_EQ(node.Chore("orders.sender"), &node.orders().sender());
    EXPECT_EQ(node.Chore("nope"), nullptr);
    EXPECT_TRUE(satellite::Satellite::ChoreNames().empty());
  });
}

TEST(Planet, ChoreHandlesRecordEveryCallAndTheLedgerHoldsThemToTheContract) {
  Config config;
  config.trace_detail = TraceDetail::kRecords;
  testplanet::Run(config, [](Planet& planet) {
    const PeerRef node = PeerRef::StorageNode(1);
    ChoreControl* sender = planet.Chore(node, "orders.sender");
    ASSERT_NE(sender, nullptr);
    sender->Pause();
    sender->Trigger();
    ASSERT_THAT(planet.RunFor(1min), IsOk());
    EXPECT_TRUE(planet.storage_nodes()[1]->orders().sender().Paused());
    int controls = 0;
    for (const TraceRecord& record : planet.sim().trace().records()) {
      controls += record.kind == chore_kinds::kControl.id ? 1 : 0;
    }
    EXPECT_EQ(controls, 2);
    const auto runs = planet.chore_runs().RunsOf(planet.PeerIdOf(node),
                                                 planet.sim().trace().InternName("orders.sender"));
    EXPECT_EQ(runs.by_reason[static_cast<int>(CycleRunReason::kTrigger)], 1u);
    EXPECT_EQ(runs.by_reason[static_cast<int>(CycleRunReason::kTick)], 0u) << "paused";
  });
}

TEST(Planet, AUsersOrdersDbWrapperSitsInsideTheInvariantChecker) {
  // A wrapper that loses every Enqueue silently (it claims success): the checker, outermost,
  // sees the success and then the order missing, and says so.
  class LosesEnqueues : public storagenode::OrdersDbWrapper {
   public:
    using OrdersDbWrapper::OrdersDbWrapper;
    Status Enqueue(const storagenode::OrderInfo&) override { return Status::Ok(); }
  };
  Config config;
  config.reconfigure_storage_node = [](int, storagenode::Config& node) {
    node.wrap_orders_db = [](std::unique_ptr<storagenode::OrdersDb> db) {
      return std::unique_ptr<storagenode::OrdersDb>(std::make_unique<LosesEnqueues>(std::move(db)));
    };
  };
  auto planet = Planet::Create(config);
  ASSERT_THAT(planet, IsOk());
  ASSERT_THAT((*planet)->Start(), IsOk());
  ASSERT_THAT((*planet)->Upload(0, 0, "b", "o", "data"), IsOk());
  (*planet)->RunFor(1min).IgnoreError();
  EXPECT_NE((*planet)->sim().status().message().find("invariant violated: storagenode"),
            std::string_view::npos)
      << (*planet)->sim().status().ToString();
}

// A planet whose senders settle on demand, with one uploaded object's orders on every node.
std::unique_ptr<Planet> PlanetWithOrders() {
  auto planet = Planet::Create(Config{});
  EXPECT_THAT(planet, IsOk());
  if (!planet.ok()) return nullptr;
  EXPECT_THAT((*planet)->Start(), IsOk());
  for (auto& node : (*planet)->storage_nodes()) node->orders().sender().Pause();
  EXPECT_THAT((*planet)->Upload(0, 0, "b", "o", "data"), IsOk());
  return std::move(*planet);
}

// Adds `extra` bytes to the first (oldest) row of node 0's rollup on satellite 0, as a bug in
// the satellite's bookkeeping would.
void InflateFirstRollupRow(Planet& planet, std::int64_t extra) {
  Store& store = planet.satellites()[0]->store();
  const std::string prefix = "rollups/node/" + std::string(planet.storage_nodes()[0]->id().bytes());
  std::string key, value;
  ASSERT_THAT(store.ScanPrefix(prefix,
                               [&](std::string_view k, std::string_view v) {
                                 key = k;
                                 value = v;
                                 return false;
                               }),
              IsOk());
  ASSERT_EQ(value.size(), 8u) << "a rollup row is an 8-byte amount";
  std::string inflated;
  AppendBigEndian64(inflated, ReadBigEndian64(value) + static_cast<std::uint64_t>(extra));
  ASSERT_THAT(store.Put(key, inflated), IsOk());
}

std::string Violation(Planet& planet) { return std::string(planet.sim().status().message()); }

TEST(Planet, ARollupThatDisagreesWithTheDecisionsIsCaughtAtTheNextDecision) {
  std::unique_ptr<Planet> planet = PlanetWithOrders();
  ASSERT_NE(planet, nullptr);
  storagenode::StorageNode& node = *planet->storage_nodes()[0];
  ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
  ASSERT_TRUE(planet->sim().status().ok()) << planet->sim().status().ToString();
  InflateFirstRollupRow(*planet, 5);  // this hour's row: the next decision reads it
  ASSERT_THAT(planet->Upload(0, 0, "b", "o2", "more"), IsOk());
  node.orders().sender().TriggerWait().IgnoreError();
  EXPECT_NE(Violation(*planet).find("invariant violated: satellite0's rollup for storagenode0 "
                                    "in the hour from +0s is"),
            std::string::npos)
      << Violation(*planet);
}

TEST(Planet, ARollupRowOfAnEarlierHourThatChangesIsCaughtAtTheEnd) {
  std::unique_ptr<Planet> planet = PlanetWithOrders();
  ASSERT_NE(planet, nullptr);
  storagenode::StorageNode& node = *planet->storage_nodes()[0];
  ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
  ASSERT_THAT(planet->RunFor(1h), IsOk());
  InflateFirstRollupRow(*planet, 5);  // the first hour's row; decisions now read the second's
  ASSERT_THAT(planet->Upload(0, 0, "b", "o2", "more"), IsOk());
  ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
  ASSERT_TRUE(planet->sim().status().ok()) << planet->sim().status().ToString();
  EXPECT_FALSE(planet->CheckInvariants().ok());
  EXPECT_NE(Violation(*planet).find("invariant violated: satellite0's rollup for storagenode0 is"),
            std::string::npos)
      << Violation(*planet);
}

TEST(Planet, AnOrderWhoseSettlementFailedInTwoHoursMayLandInTheSecond) {
  // The first failed write never reaches the satellite's log; the second, an hour later, reaches
  // it but not the disk's sync, so it lands (the store reopens on the error and replays the log).
  // The order was in doubt since the first hour; the checker must allow it in the second.
  std::unique_ptr<Planet> planet = PlanetWithOrders();
  ASSERT_NE(planet, nullptr);
  storagenode::StorageNode& node = *planet->storage_nodes()[0];
  fakes::FaultyFileSystem& disk = planet->satellite_disk(0);
  auto fail = [&](fakes::DiskOp failing) {
    disk.SetErrorPolicy([failing](fakes::DiskOp op, const std::string& path) {
      return op == failing && path.ends_with(".log");
    });
  };
  const satellite::SettlementStats& stats = planet->satellites()[0]->orders().stats();
  fail(fakes::DiskOp::kWrite);
  ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());  // a failed send is not the run's
  disk.SetErrorPolicy(nullptr);
  EXPECT_EQ(stats.Rejected(satellite::RejectReason::kStorageError), 1u);
  ASSERT_THAT(planet->RunFor(1h), IsOk());
  fail(fakes::DiskOp::kSync);
  ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
  disk.SetErrorPolicy(nullptr);
  EXPECT_EQ(stats.Rejected(satellite::RejectReason::kStorageError), 2u);
  ASSERT_TRUE(planet->sim().status().ok()) << Violation(*planet);
  ASSERT_THAT(node.orders().sender().TriggerWait(), IsOk());
  EXPECT_EQ(stats.Rejected(satellite::RejectReason::kDoubleSpend), 1u) << "the second write landed";
  EXPECT_EQ(stats.accepted, 0u);
  EXPECT_THAT(planet->CheckInvariants(), IsOk());
}

}  // namespace
}  // namespace testplanet
