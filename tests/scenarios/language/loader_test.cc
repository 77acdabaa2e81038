// Bad scenarios are refused before any run, with the file, line, column and field.
#include "scenarios/language/loader.h"
#include "scenarios/language/selector.h"
#include "tests/status_matchers.h"

#include <gtest/gtest.h>

#include <string>

namespace testplanet::scenario {
namespace {

using namespace std::chrono_literals;

std::string ErrorOf(const std::string& text) {
  auto loaded = LoadScenarioText("bad.textproto", text);
  EXPECT_THAT(loaded, ::testing::Not(IsOk())) << "accepted:\n" << text;
  if (loaded.ok()) return "";
  EXPECT_THAT(loaded, StatusIs(StatusCode::kInvalidArgument));
  return std::string(loaded.status().message());
}

TEST(ScenarioLoader, AcceptsAMinimalScenarioAndFillsDefaults) {
  auto loaded = LoadScenarioText("dir/minimal.textproto", "duration: \"1h\"\n");
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->duration, 1h);
  EXPECT_EQ(loaded->name, "minimal");
  EXPECT_EQ(loaded->spec.planet().satellites(), 1);
  EXPECT_EQ(loaded->spec.planet().storage_nodes(), 4);
  EXPECT_EQ(loaded->spec.planet().uplinks(), 1);
  EXPECT_EQ(loaded->spec.planet().preset(), "testplanet");
  EXPECT_EQ(loaded->spec.planet().storage(), "memory");
  EXPECT_EQ(loaded->spec.planet().flush_bytes(), 1u << 20);
}

// How long the storage nodes take to start: none by default, any duration within the run, and
// a bad one refused at its line and field.
TEST(ScenarioLoader, TheStartSpreadIsADurationWithinTheRun) {
  auto SpreadOf = [](const std::string& planet) {
    auto loaded =
        LoadScenarioText("spread.textproto", "duration: \"2h\"\nplanet { " + planet + " }\n");
    EXPECT_THAT(loaded, IsOk());
    return loaded.ok() ? loaded->planet.ToConfig(1).start_spread : Duration(-1);
  };
  EXPECT_EQ(SpreadOf(""), Duration::zero());
  EXPECT_EQ(SpreadOf("start_spread: \"1h\""), 1h);
  std::string e = ErrorOf("duration: \"1h\"\nplanet { start_spread: \"-5m\" }\n");
  EXPECT_EQ(e.rfind("bad.textproto:2:", 0), 0u) << e;
  EXPECT_NE(e.find("planet.start_spread: must not be negative"), std::string::npos) << e;
  e = ErrorOf("duration: \"1h\"\nplanet { start_spread: \"2h\" }\n");
  EXPECT_NE(e.find("planet.start_spread: is after the end of the run"), std::string::npos) << e;
  e = ErrorOf("duration: \"1h\"\nplanet { start_spread: \"soon\" }\n");
  EXPECT_NE(e.find("planet.start_spread:"), std::string::npos) << e;
}

// The satellite's check-in wait period: 0 by default, Storj's 70 minutes with the release
// preset, and what the file says over either.
TEST(ScenarioLoader, TheCheckInWaitPeriodComesFromThePresetOrTheFile) {
  auto WaitOf = [](const std::string& planet) {
    auto loaded =
        LoadScenarioText("wait.textproto", "duration: \"1h\"\nplanet { " + planet + " }\n");
    EXPECT_THAT(loaded, IsOk());
    if (!loaded.ok()) return Duration(-1);
    satellite::Config config;
    loaded->planet.ToConfig(1).reconfigure_satellite(0, config);
    return config.overlay.check_in_wait_period;
  };
  EXPECT_EQ(WaitOf(""), Duration::zero());
  EXPECT_EQ(WaitOf("preset: \"release\""), 70min);
  EXPECT_EQ(WaitOf("preset: \"release\" satellite { check_in_wait_period: \"0s\" }"),
            Duration::zero());
  EXPECT_EQ(WaitOf("satellite { check_in_wait_period: \"2h\" }"), 2h);
  const std::string e =
      ErrorOf("duration: \"1h\"\nplanet { satellite { check_in_wait_period: \"-1m\" } }\n");
  EXPECT_EQ(e.rfind("bad.textproto:2:", 0), 0u) << e;
  EXPECT_NE(e.find("planet.satellite.check_in_wait_period: must not be negative"),
            std::string::npos)
      << e;
}

TEST(ScenarioLoader, SyntaxErrorsNameLineAndColumn) {
  EXPECT_EQ(ErrorOf("duration: \"1h\"\nplanet {\n  satelites: 2\n}\n").rfind("bad.textproto:3:", 0),
            0u);
  const std::string unterminated = ErrorOf("duration: \"1h\nplanet {}\n");
  EXPECT_EQ(unterminated.rfind("bad.textproto:1:", 0), 0u) << unterminated;
}

TEST(ScenarioLoader, BadValuesNameTheFieldAndWhereItIs) {
  std::string e = ErrorOf("duration: \"1h\"\nstep {\n  at: \"1x\"\n  upload {}\n}\n");
  EXPECT_EQ(e.rfind("bad.textproto:3:3: step[0].at: invalid duration \"1x\"", 0), 0u) << e;

  e = ErrorOf("duration: \"1h\"\nstep { at: \"2h\" upload {} }\n");
  EXPECT_NE(e.find("step[0].at: is after the end of the run"), std::string::npos) << e;

  e = ErrorOf(
      "duration: \"1h\"\nstep { chore { peer: \"storagenode9\" chore: \"orders.sender\" op: PAUSE "
      "} }\n");
  EXPECT_NE(e.find("bad.textproto:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("step[0].chore.peer: \"storagenode9\" is out of range: the planet has 4"),
            std::string::npos)
      << e;

  e = ErrorOf(
      "duration: \"1h\"\nstep { chore { peer: \"storagenode0\" chore: \"orders.sendr\" op: PAUSE } "
      "}\n");
  EXPECT_NE(e.find("unknown chore \"orders.sendr\""), std::string::npos) << e;

  e = ErrorOf(
      "duration: \"1h\"\nstep { chore { peer: \"storagenode0\" chore: \"orders.sender\" } }\n");
  EXPECT_NE(e.find("step[0].chore.op: is required"), std::string::npos) << e;

  e = ErrorOf("duration: \"1h\"\nstep { at: \"1m\" }\n");
  EXPECT_NE(e.find("step[0]: has no action"), std::string::npos) << e;

  e = ErrorOf("duration: \"1h\"\ncheck { orders { peer: \"storagenode0\" unsent {} } }\n");
  EXPECT_NE(e.find("check[0].orders.unsent: needs a bound"), std::string::npos) << e;

  e = ErrorOf("duration: \"1h\"\nplanet { storage_nodes: -3 }\n");
  EXPECT_NE(e.find("bad.textproto:2:10: planet.storage_nodes: must be between 0 and"),
            std::string::npos)
      << e;

  e = ErrorOf("duration: \"1h\"\nplanet { storage_node { sender_interval: \"0s\" } }\n");
  EXPECT_NE(e.find("planet.storage_node.sender_interval: must be positive"), std::string::npos)
      << e;

  e = ErrorOf("duration: \"1h\"\nstep { partition { a: \"storagenode*\" b: \"sattelite0\" } }\n");
  EXPECT_NE(e.find("step[0].partition.b: \"sattelite0\" is not a peer selector"), std::string::npos)
      << e;

  e = ErrorOf(
      "duration: \"1h\"\ncheck { chore_runs { peer: \"storagenode0\" chore: \"orders.sender\" "
      "last_run { not_before: \"x\" } } }\n");
  EXPECT_NE(e.find("check[0].chore_runs.last_run.not_before: invalid duration \"x\""),
            std::string::npos)
      << e;

  e = ErrorOf("planet {}\n");
  EXPECT_NE(e.find("duration: is required"), std::string::npos) << e;

  e = ErrorOf("duration: \"1h\"\nplanet { flush_bytes: 100 }\n");
  EXPECT_NE(e.find("bad.textproto:2:10: planet.flush_bytes: must be between 1024 and 33554432, "
                   "got 100"),
            std::string::npos)
      << e;

  e = ErrorOf("duration: \"1h\"\nstep { disk { peer: \"storagenode0\" read: 1.5 } }\n");
  EXPECT_NE(e.find("step[0].disk.read:"), std::string::npos) << e;

  e = ErrorOf("duration: \"1h\"\ncheck { rollup { satellite: 0 bytes { eq: 1 } } }\n");
  EXPECT_NE(e.find("check[0].rollup: needs exactly one of node and bucket"), std::string::npos)
      << e;
}

TEST(ScenarioLoader, AMissingFileIsNotFound) {
  auto loaded = LoadScenarioFile("/nonexistent/scenario.textproto");
  EXPECT_THAT(loaded, StatusIs(StatusCode::kNotFound));
  EXPECT_NE(loaded.status().message().find("/nonexistent/scenario.textproto"),
            std::string_view::npos);
}

std::vector<std::string> Names(std::string_view selector) {
  auto peers = ParseSelector(selector, PeerCounts{1, 3, 1});
  std::vector<std::string> names;
  if (peers.ok()) {
    for (const PeerRef& peer : *peers) names.push_back(peer.Name());
  }
  return names;
}

TEST(Selector, ResolvesToPeers) {
  EXPECT_EQ(Names("storagenode*"),
            (std::vector<std::string>{"storagenode0", "storagenode1", "storagenode2"}));
  EXPECT_EQ(Names("storagenode[1..2]"), (std::vector<std::string>{"storagenode1", "storagenode2"}));
  EXPECT_EQ(Names("satellite0"), (std::vector<std::string>{"satellite0"}));
  for (const char* bad : {"storagenode3", "storagenode[2..1]", "storagenode[0..9]", "node0",
                          "storagenode", "storagenode-1", "storagenode[a..b]", "uplink*x",
                          "storagenode+1", "storagenode[0..1", "storagenode99999999999"}) {
    EXPECT_THAT(ParseSelector(bad, PeerCounts{1, 3, 1}), ::testing::Not(IsOk())) << bad;
  }
}

}  // namespace
}  // namespace testplanet::scenario
