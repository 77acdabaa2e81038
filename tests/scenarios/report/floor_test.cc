// The floor model: a run counts the work it drives, the same for the same seed, and its floor is
// that work at the given unit costs, reported in summary.json beside the wall time.
#include "scenarios/report/floor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "scenarios/report/reports.h"
#include "tests/scenarios/language/run_text.h"

namespace testplanet::report {
namespace {

constexpr const char* kTraffic = R"(
name: "traffic"
duration: "2h"
planet { satellites: 1 storage_nodes: 3 uplinks: 1 storage_node { sender_interval: "10m" } }
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "5m" until: "1h" size: 4096 download_previous: true } }
)";

scenario::RunResult TrafficRun() {
  scenario::RunOptions options;
  options.trace_detail = TraceDetail::kDigestOnly;
  return scenario::RunText(kTraffic, options);
}

TEST(Floor, ARunCountsItsWorkTheSameForTheSameSeed) {
  const scenario::RunResult first = TrafficRun();
  const scenario::RunResult second = TrafficRun();
  ASSERT_TRUE(first.passed()) << first.status.ToString();
  // Each upload: the satellite signs limits, the uplink signs orders, nodes verify both and
  // store; the sender settles: the same signatures checked again (remembered, not verified
  // again: peers/identity/signature_memo.h), orders archived, scans of the queue.
  EXPECT_GT(first.work.signatures, 20u);
  EXPECT_GT(first.work.verifications + first.work.verifications_remembered, first.work.signatures);
  EXPECT_GT(first.work.verifications_remembered, 10u);
  EXPECT_GT(first.work.db_writes, 20u);
  EXPECT_GT(first.work.db_reads, 0u);
  EXPECT_GT(first.work.db_scans, 10u);
  EXPECT_EQ(first.work.signatures, second.work.signatures);
  EXPECT_EQ(first.work.verifications, second.work.verifications);
  EXPECT_EQ(first.work.verifications_remembered, second.work.verifications_remembered);
  EXPECT_EQ(first.work.db_reads, second.work.db_reads);
  EXPECT_EQ(first.work.db_writes, second.work.db_writes);
  EXPECT_EQ(first.work.db_scans, second.work.db_scans);
}

TEST(Floor, IsEachCountTimesItsUnitCost) {
  scenario::RunResult result;
  result.events = 1'000'000;
  result.work = {.signatures = 100,
                 .verifications = 200,
                 .db_reads = 300,
                 .db_writes = 400,
                 .db_scans = 500,
                 .blob_writes = 600,
                 .blob_reads = 700};
  const UnitCosts costs{.event_ns = 10,
                        .sign_ns = 20'000,
                        .verify_ns = 50'000,
                        .db_read_ns = 1'000,
                        .db_write_ns = 2'000,
                        .db_scan_ns = 3'000,
                        .blob_write_ns = 4'000,
                        .blob_read_ns = 1'000};
  // 10 ms + 2 ms + 10 ms + 0.3 ms + 0.8 ms + 1.5 ms + 2.4 ms + 0.7 ms
  EXPECT_NEAR(FloorSeconds(result, costs), 0.0277, 1e-12);
  EXPECT_EQ(FloorSeconds(result, UnitCosts{}), 0.0);
}

TEST(Floor, SummaryReportsItBesideTheWallTimeOnlyWhenCostsWereMeasured) {
  const scenario::RunResult result = TrafficRun();
  const auto dir =
      std::filesystem::temp_directory_path() / ("testplanet-floor-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "summary.json").string();
  RunFiles files{nullptr, &result, "testplanet run x", 2.0, false};
  ASSERT_TRUE(WriteSummary(path, files).ok());
  EXPECT_FALSE(nlohmann::json::parse(std::ifstream(path)).contains("floor"));
  files.unit_costs = UnitCosts{.event_ns = 100, .sign_ns = 1e6};
  ASSERT_TRUE(WriteSummary(path, files).ok());
  const auto floor = nlohmann::json::parse(std::ifstream(path)).at("floor");
  const double seconds = FloorSeconds(result, *files.unit_costs);
  EXPECT_GT(seconds, 0);
  EXPECT_DOUBLE_EQ(floor.at("seconds").get<double>(), seconds);
  EXPECT_DOUBLE_EQ(floor.at("floor_over_wall").get<double>(), seconds / 2.0);
  EXPECT_EQ(floor.at("signatures").get<std::uint64_t>(), result.work.signatures);
  EXPECT_EQ(floor.at("unit_ns").at("sign").get<double>(), 1e6);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace testplanet::report
