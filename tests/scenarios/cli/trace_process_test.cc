// ChromeTraceProcess: trace.json written by a child process from the records and names sent to
// it as the run goes (names that appear mid-run included) is the file a stream in this process
// writes, byte for byte; the child's errors come back from Finish, naming the file; and a child
// that died is an error, never a signal that kills the run.
#include "scenarios/cli/trace_process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <string>

#include "tests/scenarios/language/run_text.h"
#include "tests/scenarios/report/busy_scenario.h"
#include "tests/status_matchers.h"
#include "tests/temp_files.h"

namespace testplanet::cli {
namespace {

using report::kBusy;
using scenario::RunOptions;
using scenario::RunResult;

report::ChromeTraceStream::Options SmallParts() {
  return {.scenario = "busy", .seed = 1, .check_name = {}, .part_bytes = 64 << 10};
}

// Runs kBusy feeding `sink` as the command does; the run's result.
RunResult RunInto(report::ChromeTraceSink& sink) {
  RunOptions options;
  options.trace_detail = TraceDetail::kRecords;
  options.on_record = [&sink](const TraceRecord& record, const Trace& trace) {
    sink.Add(record, {trace.peer_names(), trace.names()});
  };
  return scenario::RunText(kBusy, options);
}

TEST(ChromeTraceProcess, WritesTheFileAStreamHereWritesByteForByte) {
  const std::string child_dir = TempDir("trace-process-child");
  ChromeTraceProcess process(child_dir + "/trace.json", SmallParts());
  ASSERT_GT(process.child(), 0);
  const RunResult result = RunInto(process);
  ASSERT_TRUE(result.passed()) << result.status.ToString();
  ASSERT_THAT(process.Finish(result), IsOk());
  EXPECT_EQ(process.child(), -1);

  const std::string here_dir = TempDir("trace-process-here");
  report::ChromeTraceStream here(here_dir + "/trace.json", SmallParts());
  for (const TraceRecord& r : result.records) here.Add(r, {result.peer_names, result.names});
  ASSERT_THAT(here.Finish(result), IsOk());
  int parts = 0;
  for (int part = 1;; ++part) {
    const std::string name = part == 1 ? "/trace.json" : "/trace." + std::to_string(part) + ".json";
    if (!std::filesystem::exists(here_dir + name)) {
      EXPECT_FALSE(std::filesystem::exists(child_dir + name)) << name;
      break;
    }
    ++parts;
    EXPECT_TRUE(ReadAll(child_dir + name) == ReadAll(here_dir + name)) << name;
  }
  EXPECT_GT(parts, 2);
}

TEST(ChromeTraceProcess, AFileTheChildCannotWriteIsAnErrorNamingIt) {
  const std::string dir = TempDir("trace-process-missing");
  const std::string path = dir + "/no/such/directory/trace.json";
  ChromeTraceProcess process(path, SmallParts());
  const RunResult result = RunInto(process);
  EXPECT_THAT(process.Finish(result), StatusIs(StatusCode::kUnavailable, testing::HasSubstr(path)));
}

TEST(ChromeTraceProcess, AChildThatDiedIsAnErrorAndTheRunGoesOn) {
  const std::string dir = TempDir("trace-process-killed");
  ChromeTraceProcess process(dir + "/trace.json", SmallParts());
  ASSERT_GT(process.child(), 0);
  ASSERT_EQ(::kill(process.child(), SIGKILL), 0);
  // Every record after this is sent to a child that is gone: no SIGPIPE ends this process.
  const RunResult result = RunInto(process);
  EXPECT_TRUE(result.passed()) << result.status.ToString();
  EXPECT_THAT(process.Finish(result),
              StatusIs(StatusCode::kInternal, testing::HasSubstr("killed by signal 9")));
}

}  // namespace
}  // namespace testplanet::cli
