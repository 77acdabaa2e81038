// The command line's side writer: a job run in a child process comes back with its status, or
// with why it has none, and a run's files are the same bytes whether trace.json was written
// there or in turn.
#include "scenarios/cli/side_process.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "scenarios/language/loader.h"
#include "scenarios/language/runner.h"
#include "scenarios/planet/owned_directory.h"
#include "tests/status_matchers.h"
#include "tests/temp_files.h"

namespace testplanet::cli {
namespace {

TEST(ChildProcessWriter, RunsTheJobInAnotherProcessAndReturnsItsStatus) {
  const std::string dir = TempDir("side-ok");
  const pid_t self = ::getpid();
  int changed_here = 0;
  ChildProcessWriter writer("job");
  writer.Start([&] {
    changed_here = 1;  // the child's copy: this process never sees it
    std::ofstream(dir + "/pid") << ::getpid();
    return Status::Ok();
  });
  EXPECT_THAT(writer.Wait(), IsOk());
  EXPECT_EQ(changed_here, 0);
  const std::string written = ReadAll(dir + "/pid");
  ASSERT_FALSE(written.empty());
  EXPECT_NE(std::stol(written), static_cast<long>(self));
}

TEST(ChildProcessWriter, ReturnsTheJobsErrorWithItsCodeAndMessage) {
  ChildProcessWriter writer("job");
  writer.Start(
      [] { return Status(StatusCode::kNotFound, "/nowhere/trace.json: no such directory"); });
  const Status status = writer.Wait();
  EXPECT_THAT(status, StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(status.message(), "/nowhere/trace.json: no such directory");
  // Waiting again, with nothing started, is OK: the error was handed over once.
  EXPECT_THAT(writer.Wait(), IsOk());
}

TEST(ChildProcessWriter, SaysSoWhenTheJobDiesWithoutAnAnswer) {
  ChildProcessWriter writer("trace.json");
  writer.Start([]() -> Status {
    const rlimit no_core{0, 0};  // a test's abort leaves no core file behind
    ::setrlimit(RLIMIT_CORE, &no_core);
    std::abort();
  });
  const Status status = writer.Wait();
  EXPECT_THAT(status, StatusIs(StatusCode::kInternal));
  EXPECT_NE(status.message().find("trace.json: its writer"), std::string::npos)
      << status.ToString();
  EXPECT_NE(status.message().find("killed by signal 6"), std::string::npos) << status.ToString();
}

TEST(ChildProcessWriter, OneJobAfterAnother) {
  ChildProcessWriter writer("job");
  for (int i = 0; i < 3; ++i) {
    writer.Start([i] { return i == 1 ? InternalError("second") : Status::Ok(); });
    EXPECT_EQ(writer.Wait().ok(), i != 1) << i;
  }
}

constexpr const char* kScenario = R"(
name: "side"
duration: "2h"
planet { satellites: 1 storage_nodes: 4 uplinks: 1 storage_node { sender_interval: "15m" } }
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "5m" until: "90m" size: 2048 download_previous: true } }
step { at: "40m" messages { peer: "storagenode1" drop: 0.2 } }
)";

TEST(ChildProcessWriter, ARunsFilesAreTheSameBytesAsWrittenInTurn) {
  auto plan = scenario::LoadScenarioText("side.textproto", kScenario);
  ASSERT_THAT(plan.status(), IsOk());
  scenario::RunOptions options;
  const scenario::RunResult result = scenario::RunScenario(*plan, options);
  ASSERT_THAT(result.status, IsOk());
  report::RunFiles files{&*plan, &result, "testplanet run side.textproto", 1.0, false};
  const std::string in_turn = TempDir("side-in-turn"), beside = TempDir("side-beside");
  ASSERT_THAT(report::WriteRunDirectory(in_turn, files), IsOk());
  ChildProcessWriter writer("trace.json");
  files.side_writer = &writer;
  ASSERT_THAT(report::WriteRunDirectory(beside, files), IsOk());
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(in_turn)) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(ReadAll(entry.path().string()), ReadAll(beside + "/" + name)) << name;
    ++compared;
  }
  EXPECT_GE(compared, 8);
  EXPECT_GT(ReadAll(beside + "/trace.json").size(), 1000u);
}

TEST(ChildProcessWriter, ATraceJsonThatCannotBeWrittenIsTheRunsError) {
  auto plan = scenario::LoadScenarioText("side.textproto", kScenario);
  ASSERT_THAT(plan.status(), IsOk());
  const scenario::RunResult result = scenario::RunScenario(*plan, scenario::RunOptions{});
  ASSERT_THAT(result.status, IsOk());
  const std::string dir = TempDir("side-blocked");
  ASSERT_THAT(ClaimDirectory(dir), IsOk());
  std::filesystem::create_directories(dir + "/trace.json");  // a directory where the file goes
  ChildProcessWriter writer("trace.json");
  report::RunFiles files{&*plan, &result, "testplanet run side.textproto", 1.0, false};
  files.side_writer = &writer;
  const Status status = report::WriteRunDirectory(dir, files);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.ToString().find("trace.json"), std::string::npos) << status.ToString();
  // The other reports were still written.
  EXPECT_TRUE(std::filesystem::exists(dir + "/report.html"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/trace.bin"));
}

}  // namespace
}  // namespace testplanet::cli
