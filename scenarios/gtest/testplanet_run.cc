#include "scenarios/gtest/testplanet_run.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "scenarios/language/runner.h"
#include "scenarios/report/reports.h"

namespace testplanet {
namespace {

// This test binary, as a path a person can paste: /proc/self/exe, else argv[0].
std::string ThisBinary() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) return self.string();
  const auto argv = ::testing::internal::GetArgvs();
  return argv.empty() ? "<this test binary>" : argv.front();
}

std::string CurrentTest() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return "?";
  return std::string(info->test_suite_name()) + "." + info->name();
}

// Where a failing test's run directory goes: $TESTPLANET_OUT/SUITE.TEST-seed-N.
std::string RunDirectory(const std::string& test, std::uint64_t seed) {
  const char* base = std::getenv("TESTPLANET_OUT");
  std::string name = test + "-seed-" + std::to_string(seed);
  for (char& c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-' || c == '_';
    if (!plain) c = '_';  // parameterized tests have '/' in their names
  }
  const std::string parent = base != nullptr && *base != '\0' ? base : "testplanet-out/gtest";
  std::error_code error;
  const auto absolute = std::filesystem::absolute(parent, error);
  return (error ? parent : absolute.lexically_normal().string()) + "/" + name;
}

// The run so far as the reporters take it; `log` is what the planet's peers logged.
void WriteFailedRun(Planet& planet, const std::string& test, std::uint64_t seed,
                    std::vector<LogLine> log, const std::string& reproduce) {
  scenario::RunResult result;
  result.scenario = test;
  result.seed = seed;
  result.status = planet.sim().status();
  result.checks.push_back({"the test body",
                           test,
                           planet.sim().Now(),
                           false,
                           "the test passes",
                           "it failed (see the test's output)",
                           {}});
  scenario::CollectPeers(planet, result);
  const Status shutdown = planet.Shutdown();
  if (result.status.ok() && !shutdown.ok()) result.status = shutdown;
  scenario::CollectTrace(planet, result);
  result.log = std::move(log);
  const std::string directory = RunDirectory(test, seed);
  report::RunFiles files{nullptr, &result, reproduce, 0};
  const Status written = report::WriteTraceFiles(directory, files);
  if (written.ok()) {
    ADD_FAILURE() << "testplanet: the failing run is in " << directory
                  << "/ (open report.html; trace.json in https://ui.perfetto.dev)\n  reproduce: "
                  << reproduce;
  } else {
    ADD_FAILURE() << "testplanet: could not write the run directory: " << written.ToString();
  }
}

}  // namespace

void Run(Config config, const std::function<void(Planet&)>& body) {
  if (const char* seed = std::getenv("TESTPLANET_SEED")) {
    char* end = nullptr;
    const unsigned long long parsed = std::strtoull(seed, &end, 10);
    if (end == seed || *end != '\0') {
      ADD_FAILURE() << "TESTPLANET_SEED=\"" << seed << "\" is not a number";
      return;
    }
    config.seed = parsed;
  }
  // Every record is kept, so that a failing test's run directory can show the whole run.
  config.trace_detail = TraceDetail::kRecords;
  const std::string test = CurrentTest();
  const std::string reproduce = "TESTPLANET_SEED=" + std::to_string(config.seed) + " " +
                                ThisBinary() + " --gtest_filter=" + test;
  SCOPED_TRACE("testplanet seed " + std::to_string(config.seed) + "; reproduce: " + reproduce);
  auto planet = Planet::Create(config);
  ASSERT_TRUE(planet.ok()) << "building the planet: " << planet.status().ToString();
  // The peers' log, kept for the run directory should the test fail.
  std::vector<LogLine> log;
  (*planet)->sim().log().SetSink([&log](const LogLine& line) { log.push_back(line); });
  ASSERT_TRUE((*planet)->Start().ok())
      << "starting the planet: " << (*planet)->sim().status().ToString();
  body(**planet);
  EXPECT_TRUE((*planet)->sim().status().ok())
      << "the simulation failed: " << (*planet)->sim().status().ToString();
  if (::testing::Test::HasFailure()) {
    WriteFailedRun(**planet, test, config.seed, std::move(log), reproduce);
    return;
  }
  const Status shutdown = (*planet)->Shutdown();
  EXPECT_TRUE(shutdown.ok()) << "shutting down: " << shutdown.ToString();
}

}  // namespace testplanet
