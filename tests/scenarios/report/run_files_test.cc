// The files a run leaves, as tools read them: trace.json slices that nest on every track,
// trace.bin that reads back exactly, a timeline that is well-formed whatever the scenario is
// called, and a backlog curve that agrees with the orders database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <zstd.h>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "scenarios/report/chrome_trace.h"
#include "scenarios/report/junit.h"
#include "scenarios/report/reports.h"
#include "scenarios/report/run_model.h"
#include "tests/scenarios/language/run_text.h"
#include "tests/scenarios/report/busy_scenario.h"
#include "tests/temp_files.h"

namespace testplanet::report {
namespace {

using scenario::RunOptions;
using scenario::RunResult;

RunResult BusyRun() {
  RunOptions options;
  options.trace_detail = TraceDetail::kRecords;
  return scenario::RunText(kBusy, options);
}

// trace.json of `result`, written in a scratch directory named `name` and parsed back.
nlohmann::json WrittenTrace(const RunResult& result, const std::string& name) {
  const std::string dir = TempDir(name);
  EXPECT_TRUE(WriteChromeTrace(dir + "/trace.json", result).ok());
  return nlohmann::json::parse(ReadAll(dir + "/trace.json"));
}

// Its complete slices ("X" events), in file order.
std::vector<nlohmann::json> SlicesOf(const nlohmann::json& trace) {
  std::vector<nlohmann::json> slices;
  for (const auto& event : trace["traceEvents"]) {
    if (event["ph"] == "X") slices.push_back(event);
  }
  return slices;
}

TEST(ChromeTrace, CompleteSlicesOnOneTrackNeverPartlyOverlap) {
  const RunResult result = BusyRun();
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  const nlohmann::json trace = WrittenTrace(result, "report-trace");
  const std::vector<nlohmann::json> slices = SlicesOf(trace);
  std::map<std::int64_t, std::vector<std::pair<double, double>>> by_track;
  for (const auto& slice : slices) {
    const double begin = slice["ts"], end = begin + slice["dur"].get<double>();
    by_track[slice["tid"].get<std::int64_t>()].push_back({begin, end});
  }
  ASSERT_GT(slices.size(), 100u);
  EXPECT_GT(by_track.size(), result.peer_names.size() / 2) << "concurrent work got lanes";
  std::size_t overlaps = 0;
  for (auto& [track, spans] : by_track) {
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i) {
      // Nested (inside the one before) is allowed; starting inside and ending after is not.
      const auto& [b0, e0] = spans[i - 1];
      const auto& [b1, e1] = spans[i];
      if (b1 < e0 && e1 > e0) ++overlaps;
    }
  }
  EXPECT_EQ(overlaps, 0u);
  // The lanes are real tracks: each has a name.
  std::size_t named = 0;
  for (const auto& event : trace["traceEvents"]) {
    if (event["ph"] == "M" && event["name"] == "thread_name") ++named;
  }
  EXPECT_GE(named, by_track.size());
}

// Each slice's texts as the model has them, escaped where JSON needs it: a finished chore run,
// one still open at the end, and a served RPC named by its caller.
TEST(ChromeTrace, SlicesCarryTheirTextsEscapedAndUnfinishedRunsSaySo) {
  RunResult result;
  result.peer_names = {"sim", "storagenode0", "uplink \"0\""};
  const std::uint64_t sender = StableHash("orders.sender"), method = StableHash("piece\\put");
  result.names = {{sender, "orders.sender"}, {method, "piece\\put"}};
  result.end = TimePoint(std::chrono::microseconds(100));
  result.records.Append({1000, 0, 1, trace_kinds::kCycleRunBegin.id, sender, 2, 1});
  result.records.Append({2000, 0, 1, trace_kinds::kCycleRunEnd.id, sender, 4, 1});
  result.records.Append({3000, 0, 1, trace_kinds::kCycleRunBegin.id, sender, 3, 2});
  result.records.Append({4000, 0, 1, fakes::net_kinds::kStreamOpen.id, 2, method, 77});
  result.records.Append({5500, 0, 1, fakes::net_kinds::kStreamEnd.id, 2, 0, 77});
  // Slices are written as they end: the open run last, when the run ends.
  const std::vector<nlohmann::json> slices = SlicesOf(WrittenTrace(result, "report-trace-texts"));
  ASSERT_EQ(slices.size(), 3u);
  EXPECT_EQ(slices[0]["name"], "orders.sender");
  EXPECT_EQ(slices[0]["cat"], "chore");
  EXPECT_EQ(slices[0]["args"]["why"], "tick");
  EXPECT_EQ(slices[0]["args"]["status"], "DEADLINE_EXCEEDED");
  EXPECT_EQ(slices[0]["dur"], 1.0);
  EXPECT_EQ(slices[1]["name"], "piece\\put");
  EXPECT_EQ(slices[1]["cat"], "rpc");
  EXPECT_EQ(slices[1]["args"]["caller"], "uplink \"0\"");
  EXPECT_EQ(slices[1]["args"]["status"], "OK");
  EXPECT_EQ(slices[1]["dur"], 1.5);
  EXPECT_EQ(slices[2]["name"], "orders.sender (unfinished)");
  EXPECT_EQ(slices[2]["args"]["why"], "trigger");
  EXPECT_EQ(slices[2]["args"]["status"], "unfinished at the end of the run");
  EXPECT_EQ(slices[2]["dur"], 97.0);
}

// Texts longer than an event's usual size (a chore, peer or caller named at length) come through
// whole, beside the short ones, with every number after them in place.
TEST(ChromeTrace, LongTextsComeThroughWhole) {
  RunResult result;
  const std::string caller = "uplink-" + std::string(3000, 'c');
  const std::string node = "storagenode-" + std::string(2000, 'n');
  result.peer_names = {"sim", node, caller};
  const std::string chore = "orders." + std::string(700, 's');
  const std::uint64_t id = StableHash(chore), method = StableHash("piece.put");
  result.names = {{id, chore}, {method, "piece.put"}};
  result.end = TimePoint(std::chrono::microseconds(100));
  result.records.Append({1000, 0, 1, trace_kinds::kCycleRunBegin.id, id, 2, 1});
  result.records.Append({2000, 0, 1, trace_kinds::kCycleRunEnd.id, id, 0, 1});
  result.records.Append({4000, 0, 1, fakes::net_kinds::kStreamOpen.id, 2, method, 77});
  result.records.Append({5500, 0, 1, fakes::net_kinds::kStreamEnd.id, 2, 0, 77});
  const nlohmann::json trace = WrittenTrace(result, "report-trace-long");
  bool node_track = false;
  for (const auto& event : trace["traceEvents"]) {
    if (event["ph"] == "M" && event["args"].value("name", "") == node) node_track = true;
  }
  EXPECT_TRUE(node_track);
  const std::vector<nlohmann::json> slices = SlicesOf(trace);
  ASSERT_EQ(slices.size(), 2u);
  EXPECT_EQ(slices[0]["name"], chore);
  EXPECT_EQ(slices[0]["ts"], 1.0);
  EXPECT_EQ(slices[0]["dur"], 1.0);
  EXPECT_EQ(slices[0]["args"]["run"], 1);
  EXPECT_EQ(slices[0]["args"]["status"], "OK");
  EXPECT_EQ(slices[1]["args"]["caller"], caller);
  EXPECT_EQ(slices[1]["ts"], 4.0);
  EXPECT_EQ(slices[1]["dur"], 1.5);
  EXPECT_EQ(slices[1]["args"]["status"], "OK");
}

// When an event was written, in virtual nanoseconds: a slice when it ended, an instant when it
// happened.
std::int64_t WrittenAt(const nlohmann::json& event) {
  const std::int64_t at = std::llround(event["ts"].get<double>() * 1000);
  return event["ph"] == "X" ? at + std::llround(event["dur"].get<double>() * 1000) : at;
}

// A trace past its part size goes on in trace.2.json, ...: each part a whole trace (it parses,
// names the tracks it uses, carries the run's digest), the parts in time order, every slice and
// fault in exactly one of them.
TEST(ChromeTrace, ALongTraceIsCutIntoWholeTracesOfConsecutiveWindows) {
  const RunResult result = BusyRun();
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  const RunModel model = BuildRunModel(result);
  const std::string dir = TempDir("report-parts");
  std::ofstream(dir + "/trace.40.json") << "from an earlier run";
  ASSERT_TRUE(WriteChromeTrace(dir + "/trace.json", result, 64 << 10).ok());
  std::size_t slices = 0, faults = 0;
  std::int64_t last_from = -1;
  std::int64_t last_written = -1;
  int parts = 0;
  for (int part = 1;; ++part) {
    const std::string path =
        part == 1 ? dir + "/trace.json" : dir + "/trace." + std::to_string(part) + ".json";
    if (!std::filesystem::exists(path)) break;
    ++parts;
    const auto trace = nlohmann::json::parse(ReadAll(path));  // throws if not whole
    EXPECT_EQ(trace["otherData"]["part"], part);
    EXPECT_EQ(trace["otherData"]["digest"], Trace::FormatDigest(result.digest));
    const std::int64_t from = trace["otherData"]["from_ns"];
    EXPECT_GT(from, last_from) << "part " << part << " starts after the one before";
    last_from = from;
    std::set<std::int64_t> named;
    for (const auto& event : trace["traceEvents"]) {
      if (event["ph"] == "M") {
        if (event["name"] == "thread_name") named.insert(event["tid"].get<std::int64_t>());
        continue;
      }
      EXPECT_TRUE(named.count(event["tid"].get<std::int64_t>()))
          << "part " << part << " names a track before its first event there";
      const std::int64_t written = WrittenAt(event);
      EXPECT_GE(written, last_written) << "events go forward in time across parts";
      EXPECT_GE(written, from) << "part " << part;
      last_written = written;
      slices += event["ph"] == "X" ? 1 : 0;
      faults += event.value("cat", "") == "fault" ? 1 : 0;
    }
  }
  EXPECT_GT(parts, 2);
  EXPECT_EQ(slices, model.spans.size());
  EXPECT_EQ(faults, model.faults.size());
  EXPECT_FALSE(std::filesystem::exists(dir + "/trace.40.json")) << "an earlier run's part went";

  // Written again in one part: the later parts go.
  ASSERT_TRUE(WriteChromeTrace(dir + "/trace.json", result).ok());
  EXPECT_TRUE(std::filesystem::exists(dir + "/trace.json"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/trace.2.json"));
}

// The command's trace.json: fed record by record while the run goes, its first parts are on
// disk, whole, before the run ends (its digest still to come), and once finished it is the same
// file, byte for byte, as one written afterwards from the run's records.
TEST(ChromeTrace, IsWrittenAsTheRunGoesAndEndsAsTheOneWrittenAfter) {
  const std::string dir = TempDir("report-streamed");
  ChromeTraceStream stream(
      dir + "/trace.json",
      {.scenario = "busy", .seed = 1, .check_name = {}, .part_bytes = 64 << 10});
  bool part_one_whole_during_run = false;
  RunOptions options;
  options.trace_detail = TraceDetail::kRecords;
  options.on_record = [&](const TraceRecord& record, const Trace& trace) {
    stream.Add(record, {trace.peer_names(), trace.names()});
    if (!part_one_whole_during_run && std::filesystem::exists(dir + "/trace.2.json")) {
      const auto first = nlohmann::json::parse(ReadAll(dir + "/trace.json"));
      part_one_whole_during_run = first["otherData"]["digest"] == "(run unfinished)";
    }
  };
  const RunResult result = scenario::RunText(kBusy, options);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  EXPECT_TRUE(part_one_whole_during_run);
  ASSERT_TRUE(stream.Finish(result).ok());

  const std::string after = TempDir("report-streamed-after");
  ASSERT_TRUE(WriteChromeTrace(after + "/trace.json", result, 64 << 10).ok());
  int parts = 0;
  for (int part = 1;; ++part) {
    const std::string name = part == 1 ? "/trace.json" : "/trace." + std::to_string(part) + ".json";
    if (!std::filesystem::exists(after + name)) break;
    ++parts;
    EXPECT_EQ(ReadAll(dir + name), ReadAll(after + name)) << name;
  }
  EXPECT_GT(parts, 2);
}

TEST(RunModel, LanesHoldSpansThatNeverOverlap) {
  const RunResult result = BusyRun();
  const RunModel model = BuildRunModel(result);
  std::map<std::pair<PeerId, int>, std::int64_t> lane_end;
  int most_lanes = 0;
  for (const Span& span : model.spans) {
    auto [it, added] = lane_end.try_emplace({span.peer, span.lane}, span.end_ns);
    if (!added) {
      EXPECT_LE(it->second, span.begin_ns) << model.PeerName(span.peer) << " lane " << span.lane;
      it->second = span.end_ns;
    }
    most_lanes = std::max(most_lanes, span.lane + 1);
  }
  EXPECT_GT(most_lanes, 1) << "the busy run has concurrent work on some peer";
}

// Spans go by begin; spans that begin together keep the order they began in (the trace's order,
// whatever order they ended in), and every span's texts come back from the model's table.
TEST(RunModel, SpansAreOrderedByBeginThenByTheTrace) {
  RunResult result;
  result.peer_names = {"sim", "storagenode0"};
  const std::uint64_t sender = StableHash("orders.sender"), cleanup = StableHash("orders.cleanup");
  result.names = {{sender, "orders.sender"}, {cleanup, "orders.cleanup"}};
  result.end = TimePoint(std::chrono::seconds(100));
  auto add = [&result](std::int64_t t, std::uint64_t kind, std::uint64_t chore, std::uint64_t run) {
    result.records.Append(
        {t, 0, 1, kind, chore, kind == trace_kinds::kCycleRunBegin.id ? 2u : 0u, run});
  };
  add(10, trace_kinds::kCycleRunBegin.id, sender, 1);
  add(10, trace_kinds::kCycleRunBegin.id, cleanup, 1);
  add(5, trace_kinds::kCycleRunBegin.id, sender, 7);  // out of order in time on purpose
  add(20, trace_kinds::kCycleRunEnd.id, cleanup, 1);  // ends first, yet began second
  add(30, trace_kinds::kCycleRunEnd.id, sender, 1);
  add(40, trace_kinds::kCycleRunEnd.id, sender, 7);
  const RunModel model = BuildRunModel(result);
  ASSERT_EQ(model.spans.size(), 3u);
  EXPECT_EQ(model.spans[0].begin_ns, 5);
  EXPECT_EQ(model.spans[0].end_ns, 40);
  EXPECT_EQ(model.Text(model.spans[1].name), "orders.sender");
  EXPECT_EQ(model.spans[1].end_ns, 30);
  EXPECT_EQ(model.Text(model.spans[1].why), "tick");
  EXPECT_EQ(model.Text(model.spans[1].status), "OK");
  EXPECT_EQ(model.Text(model.spans[2].name), "orders.cleanup");
  EXPECT_EQ(model.spans[2].end_ns, 20);
  EXPECT_EQ(model.Text(0), "");
}

// Runs still open when the run ends are spans to its end, unfinished, each once, among equal
// begins in the order they began; an end with no begin (its begin fell before the trace) is no
// span; a run begun twice under one number keeps its later begin (and its place).
TEST(RunModel, RunsOpenAtTheEndAreUnfinishedSpansToTheEnd) {
  RunResult result;
  result.peer_names = {"sim", "storagenode0", "storagenode1"};
  const std::uint64_t sender = StableHash("orders.sender"), cleanup = StableHash("orders.cleanup");
  result.names = {{sender, "orders.sender"}, {cleanup, "orders.cleanup"}};
  result.end = TimePoint(std::chrono::nanoseconds(100));
  auto add = [&result](std::int64_t t, PeerId peer, std::uint64_t kind, std::uint64_t chore,
                       std::uint64_t run) {
    result.records.Append(
        {t, 0, peer, kind, chore, kind == trace_kinds::kCycleRunBegin.id ? 2u : 0u, run});
  };
  add(10, 2, trace_kinds::kCycleRunBegin.id, cleanup, 4);
  add(10, 1, trace_kinds::kCycleRunBegin.id, sender, 3);
  add(10, 1, trace_kinds::kCycleRunBegin.id, cleanup, 9);
  add(10, 1, trace_kinds::kCycleRunBegin.id, sender, 2);
  add(15, 1, trace_kinds::kCycleRunEnd.id, cleanup, 1);  // begun before the trace: no span
  add(20, 2, trace_kinds::kCycleRunBegin.id, sender, 5);
  add(30, 2, trace_kinds::kCycleRunEnd.id, sender, 5);
  add(40, 2, trace_kinds::kCycleRunBegin.id, cleanup, 4);  // the same run begun again: kept once
  const RunModel model = BuildRunModel(result);
  ASSERT_EQ(model.spans.size(), 5u);
  struct Seen {
    std::int64_t begin;
    PeerId peer;
    std::string name;
    std::uint64_t run;
    bool finished;
    bool operator==(const Seen&) const = default;
  };
  std::vector<Seen> seen;
  for (const Span& span : model.spans) {
    seen.push_back({span.begin_ns, span.peer, model.Text(span.name), span.run, span.finished});
    EXPECT_EQ(span.end_ns, span.finished ? 30 : 100);
    EXPECT_EQ(model.Text(span.status), span.finished ? "OK" : "");
  }
  // At 10: storagenode0's (peer 1) runs as they began; storagenode1's cleanup 4 began at 10 too,
  // but again at 40, and that is its span.
  std::vector<Seen> want = {{10, 1, "orders.sender", 3, false},
                            {10, 1, "orders.cleanup", 9, false},
                            {10, 1, "orders.sender", 2, false}};
  want.push_back({20, 2, "orders.sender", 5, true});
  want.push_back({40, 2, "orders.cleanup", 4, false});
  EXPECT_EQ(seen, want);
}

// A served RPC is a span from its stream's open to its end, in its place among the chore runs
// by begin; a stream id opened again before it ended keeps its later open, and a stream still
// open at the end is unfinished to the end.
TEST(RunModel, StreamsAreSpansInTheirPlaceByBegin) {
  RunResult result;
  result.peer_names = {"sim", "satellite0", "storagenode0"};
  const std::uint64_t check_in = StableHash("contact.CheckIn"),
                      sender = StableHash("orders.sender");
  result.names = {{check_in, "contact.CheckIn"}, {sender, "orders.sender"}};
  result.end = TimePoint(std::chrono::nanoseconds(100));
  auto open = [&result](std::int64_t t, std::uint64_t stream) {
    result.records.Append(
        {t, 0, 1, fakes::net_kinds::kStreamOpen.id, 2, StableHash("contact.CheckIn"), stream});
  };
  auto end = [&result](std::int64_t t, std::uint64_t stream) {
    result.records.Append({t, 0, 1, fakes::net_kinds::kStreamEnd.id, 2, 0, stream});
  };
  open(10, 7);
  result.records.Append({12, 0, 2, trace_kinds::kCycleRunBegin.id, sender, 2, 1});
  open(15, 7);  // stream 7 again, before its end
  open(20, 8);  // never ends
  end(30, 7);
  result.records.Append({40, 0, 2, trace_kinds::kCycleRunEnd.id, sender, 0, 1});
  const RunModel model = BuildRunModel(result);
  ASSERT_EQ(model.spans.size(), 3u);
  EXPECT_EQ(model.spans[0].kind, Span::Kind::kChore);
  EXPECT_EQ(model.spans[0].begin_ns, 12);
  EXPECT_EQ(model.spans[0].end_ns, 40);
  EXPECT_EQ(model.spans[1].kind, Span::Kind::kRpc);
  EXPECT_EQ(model.spans[1].begin_ns, 15);
  EXPECT_EQ(model.spans[1].end_ns, 30);
  EXPECT_TRUE(model.spans[1].finished);
  EXPECT_EQ(model.Text(model.spans[1].name), "contact.CheckIn");
  EXPECT_EQ(model.Text(model.spans[1].why), "storagenode0");
  EXPECT_EQ(model.Text(model.spans[1].status), "OK");
  EXPECT_EQ(model.spans[2].begin_ns, 20);
  EXPECT_EQ(model.spans[2].end_ns, 100);
  EXPECT_FALSE(model.spans[2].finished);
  EXPECT_EQ(model.Text(model.spans[2].status), "");
  for (const Span& span : model.spans) EXPECT_GE(span.lane, 0);
}

// Checks run in time order, not in the order the file lists them: a check record's outcome is
// the one made with it, so the later-listed check that ran first is named first, in the model
// and in trace.json.
TEST(RunModel, ChecksAreNamedByTheOutcomeMadeWithTheirRecord) {
  RunResult result;
  result.peer_names = {"sim"};
  result.end = TimePoint(std::chrono::seconds(3));
  result.records.Append({1'000'000'000, 0, 0, scenario::scenario_kinds::kCheck.id, 1, 1, 0});
  result.records.Append({2'000'000'000, 0, 0, scenario::scenario_kinds::kCheck.id, 0, 0, 0});
  result.checks.resize(2);
  result.checks[0].name = "listed second, ran first";
  result.checks[0].passed = true;
  result.checks[1].name = "listed first, ran second";
  const RunModel model = BuildRunModel(result);
  ASSERT_EQ(model.checks.size(), 2u);
  EXPECT_EQ(model.checks[0].what, "listed second, ran first");
  EXPECT_TRUE(model.checks[0].passed);
  EXPECT_EQ(model.checks[1].what, "listed first, ran second");
  EXPECT_FALSE(model.checks[1].passed);
  std::vector<std::string> marks;
  const nlohmann::json trace = WrittenTrace(result, "report-trace-checks");
  for (const auto& event : trace["traceEvents"]) {
    if (event.value("cat", "") == "check") {
      marks.push_back(event["name"].get<std::string>() + ": " +
                      event["args"]["check"].get<std::string>());
    }
  }
  EXPECT_THAT(marks, testing::ElementsAre("check passed: listed second, ran first",
                                          "check FAILED: listed first, ran second"));
}

TEST(RunModel, BacklogEndsAtWhatTheOrdersDatabaseHolds) {
  const RunResult result = BusyRun();
  const RunModel model = BuildRunModel(result);
  ASSERT_FALSE(model.total_backlog.empty());
  std::int64_t highest = 0;
  for (const auto& point : model.total_backlog) highest = std::max(highest, point.unsent);
  EXPECT_GT(highest, 0);
  std::uint64_t unsent = 0;
  for (const auto& orders : result.orders) unsent += orders.unsent;
  EXPECT_EQ(static_cast<std::uint64_t>(model.total_backlog.back().unsent), unsent);
  for (const auto& [peer, series] : model.backlog) {
    for (std::size_t i = 1; i < series.size(); ++i) {
      EXPECT_LT(series[i - 1].time_ns, series[i].time_ns) << "one point per instant";
    }
  }
}

TEST(TraceBin, ReadsBackEveryRecordExactlyAndSmallerThanFixedWidth) {
  const RunResult result = BusyRun();
  const std::string dir = TempDir("report-bin");
  ASSERT_TRUE(WriteRecords(dir + "/trace.bin", result.records).ok());
  auto read = ReadRecords(dir + "/trace.bin");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), result.records.size());
  EXPECT_FALSE(FirstDifference(*read, result.records).has_value());
  EXPECT_LT(std::filesystem::file_size(dir + "/trace.bin"), result.records.size() * 56 / 3);
}

TEST(TraceBin, RefusesTruncatedFilesNamingThem) {
  const RunResult result = BusyRun();
  const std::string dir = TempDir("report-truncated");
  ASSERT_TRUE(WriteRecords(dir + "/trace.bin", result.records).ok());
  std::filesystem::resize_file(dir + "/trace.bin",
                               std::filesystem::file_size(dir + "/trace.bin") / 2);
  auto read = ReadRecords(dir + "/trace.bin");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().ToString().find(dir + "/trace.bin"), std::string::npos);
}

// A long run's records: many blocks, all but the last compressed in memory and in the file.
TEST(TraceBin, ALongRunsRecordsGoThroughCompressedFramesExactly) {
  RecordLog records;
  for (std::uint64_t i = 0; i < 600'000; ++i) {
    records.Append({static_cast<std::int64_t>(i * 1000 + (i % 5)), i, static_cast<PeerId>(i % 300),
                    i % 4 == 0 ? trace_kinds::kEvent.id : trace_kinds::kCycleRunBegin.id, i % 9,
                    i / 3, i % 2});
  }
  ASSERT_GT(records.block_count(), 3u);
  const std::string dir = TempDir("report-frames");
  const std::string path = dir + "/trace.bin";
  ASSERT_TRUE(WriteRecords(path, records).ok());
  EXPECT_LT(std::filesystem::file_size(path), records.coded_bytes() / 2) << "compressed";
  auto read = ReadRecords(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), records.size());
  EXPECT_FALSE(FirstDifference(*read, records).has_value());

  // A frame damaged in the middle of the file is refused, naming the file, never decoded.
  std::string bytes = ReadAll(path);
  for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) bytes[i] ^= 0x5a;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  auto damaged = ReadRecords(path);
  ASSERT_FALSE(damaged.ok());
  EXPECT_NE(damaged.status().ToString().find(path), std::string::npos);
}

// A few bytes of zstd can stand for a megabyte of zeros, which decode as valid records: a file
// made of such frames is refused before it becomes billions of records.
TEST(TraceBin, RefusesFramesThatExpandFarMoreThanRecordsDo) {
  // 149,796 records of seven zero bytes each: a frame of well-formed records, just under 1 MiB.
  const std::uint64_t per_frame = 149'796;
  const std::string zeros(per_frame * 7, '\0');
  std::string frame(ZSTD_compressBound(zeros.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), zeros.data(), zeros.size(), 19));
  ASSERT_LT(frame.size(), 128u) << "a one-byte size below";
  const std::uint64_t frames = 64;
  std::string file = "TPTRACE3";
  AppendVarint(file, per_frame * frames);  // exactly what the frames hold
  AppendVarint(file, 1);                   // one kind
  file.append(8, '\0');
  AppendVarint(file, frames);
  for (std::uint64_t i = 0; i < frames; ++i) {
    AppendVarint(file, frame.size());
    file += frame;
  }
  const std::string path = TempDir("report-bomb") + "/trace.bin";
  {
    std::ofstream out(path, std::ios::binary);
    out << file;
  }
  auto read = ReadRecords(path);
  ASSERT_FALSE(read.ok()) << read->size() << " records decoded from " << file.size() << " bytes";
  EXPECT_NE(read.status().ToString().find(path), std::string::npos);
}

// Files written before the records were compressed (version 2: the coded records as they are).
TEST(TraceBin, StillReadsVersionTwo) {
  std::string file = "TPTRACE2";
  AppendVarint(file, 2);  // records
  AppendVarint(file, 1);  // kinds
  for (int i = 0; i < 8; ++i) file += static_cast<char>((trace_kinds::kEvent.id >> (8 * i)) & 0xff);
  for (std::uint64_t v :
       {ZigZag(10), ZigZag(1), std::uint64_t{3}, std::uint64_t{0}, std::uint64_t{4},
        std::uint64_t{5}, std::uint64_t{6}, ZigZag(-4), ZigZag(1), std::uint64_t{2},
        std::uint64_t{0}, std::uint64_t{7}, std::uint64_t{8}, std::uint64_t{9}}) {
    AppendVarint(file, v);
  }
  const std::string path = TempDir("report-v2") + "/trace.bin";
  {
    std::ofstream out(path, std::ios::binary);
    out << file;
  }
  auto read = ReadRecords(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ(read->At(0), (TraceRecord{10, 1, 3, trace_kinds::kEvent.id, 4, 5, 6}));
  EXPECT_EQ(read->At(1), (TraceRecord{6, 2, 2, trace_kinds::kEvent.id, 7, 8, 9}));
}

TEST(TimelineSvg, IsWellFormedWhateverTheScenarioIsCalledAndShowsEveryPeer) {
  RunResult result = BusyRun();
  result.scenario = std::string("ctl\x01<&>\"\xff", 9);
  const std::string dir = TempDir("report-svg");
  ASSERT_TRUE(WriteTimelineSvg(dir + "/timeline.svg", result).ok());
  const std::string svg = ReadAll(dir + "/timeline.svg");
  EXPECT_EQ(svg.find('\x01'), std::string::npos);
  EXPECT_EQ(svg.find("\xff"), std::string::npos);
  EXPECT_NE(svg.find("ctl\xEF\xBF\xBD&lt;&amp;&gt;"), std::string::npos);
  EXPECT_NE(svg.find(">satellite0</text>"), std::string::npos);
  EXPECT_NE(svg.find(">storagenode2</text>"), std::string::npos);
  EXPECT_NE(svg.find("unsent orders"), std::string::npos);
  EXPECT_NE(svg.find(">partition storagenode1</text>"), std::string::npos) << "faults labelled";
  // Round grid times for a 3h run: every 15 minutes.
  EXPECT_NE(svg.find(">+15m0s</text>"), std::string::npos);
  EXPECT_NE(svg.find(">+2h45m0s</text>"), std::string::npos);
}

TEST(TimelineSvg, APlanetOfManyNodesShowsTheFirstRowsAndCountsTheRest) {
  RunOptions options;
  options.trace_detail = TraceDetail::kRecords;
  const RunResult result = scenario::RunText(R"(
name: "many"
duration: "8m"
planet { satellites: 1 storage_nodes: 450 uplinks: 1 }
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "1m" size: 1024 nodes: 80 } }
)",
                                             options);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  const std::string dir = TempDir("report-many");
  ASSERT_TRUE(WriteTimelineSvg(dir + "/timeline.svg", result).ok());
  const std::string svg = ReadAll(dir + "/timeline.svg");
  EXPECT_NE(svg.find(">storagenode398</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">storagenode399</text>"), std::string::npos)
      << "400 rows, a satellite's first";
  EXPECT_NE(svg.find("(+51 more peers not shown)"), std::string::npos) << "451 peers, 400 rows";
  // Above them, every node's runs in one row for the kind, a band per chore.
  EXPECT_NE(svg.find(">storagenode* (450)</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>storagenode* orders.cleanup: "), std::string::npos);
  EXPECT_LT(svg.find(">storagenode* (450)</text>"), svg.find(">satellite0</text>"));
  // A faint backlog line per node with a row, and the total: not one per node.
  const RunModel model = BuildRunModel(result);
  std::vector<PeerId> rows = model.RowOrder();
  rows.resize(400);
  std::size_t with_row = 0;
  for (const auto& [peer, series] : model.backlog) {
    with_row += std::find(rows.begin(), rows.end(), peer) != rows.end() ? 1 : 0;
  }
  ASSERT_LT(with_row, model.backlog.size()) << "some node with orders has no row";
  std::size_t lines = 0;
  for (std::size_t at = svg.find("<polyline"); at != std::string::npos;
       at = svg.find("<polyline", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, with_row + 1);
}

TEST(TimelineSvg, ARunThatTakesNoVirtualTimeStillShowsItsRuns) {
  RunOptions options;
  options.trace_detail = TraceDetail::kRecords;
  options.stop_at = Duration::zero();
  const RunResult result = scenario::RunText(kBusy, options);
  const std::string dir = TempDir("report-zero");
  ASSERT_TRUE(WriteTimelineSvg(dir + "/timeline.svg", result).ok());
  const std::string svg = ReadAll(dir + "/timeline.svg");
  EXPECT_NE(svg.find("fill-opacity"), std::string::npos) << "the first runs are drawn";
  EXPECT_NE(svg.find(">+1s</text>"), std::string::npos) << "the axis spans a second at least";
}

// A planet of more peers than the reports draw: 120 storage nodes with chores every minute.
RunResult ManyNodesRun(scenario::TraceLevel level = scenario::TraceLevel::kAll) {
  RunOptions options;
  options.trace_detail = TraceDetail::kRecords;
  options.trace_level = level;
  return scenario::RunText(R"(
name: "many"
duration: "30m"
planet { satellites: 1 storage_nodes: 120 uplinks: 1
  storage_node { sender_interval: "5m" cleanup_interval: "1m" } }
step { at: "1m" traffic { uplink: 0 satellite: 0 every: "1m" size: 1024 nodes: 30 } }
)",
                           options);
}

TEST(RunModel, DensitiesCountEveryRunOfEachKindAndChoreInTheSliceItBegan) {
  const RunResult result = ManyNodesRun();
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  const RunModel model = BuildRunModel(result);
  constexpr int kSlices = 30;
  const std::vector<ChoreDensity> densities = ChoreDensities(model, kSlices, model.end_ns);
  // Expected, from the spans themselves.
  std::map<std::pair<std::string, std::string>, std::vector<std::uint32_t>> started;
  std::map<std::pair<std::string, std::string>, std::set<PeerId>> peers;
  for (const Span& s : model.spans) {
    if (s.kind != Span::Kind::kChore) continue;
    std::string kind = model.peer_names[s.peer];
    while (!kind.empty() && std::isdigit(static_cast<unsigned char>(kind.back()))) kind.pop_back();
    auto& slices = started[{kind, model.Text(s.name)}];
    slices.resize(kSlices);
    ++slices[std::min<std::int64_t>(kSlices - 1, s.begin_ns * kSlices / model.end_ns)];
    peers[{kind, model.Text(s.name)}].insert(s.peer);
  }
  ASSERT_EQ(densities.size(), started.size());
  ASSERT_FALSE(densities.empty());
  EXPECT_EQ(densities.front().kind, "storagenode") << "no satellite chore here; nodes first";
  for (const ChoreDensity& d : densities) {
    const auto key = std::make_pair(d.kind, d.chore);
    ASSERT_TRUE(started.count(key)) << d.kind << " " << d.chore;
    EXPECT_EQ(d.started, started[key]) << d.kind << " " << d.chore;
    EXPECT_EQ(d.peers, peers[key].size()) << d.kind << " " << d.chore;
    std::uint64_t runs = 0;
    for (std::uint32_t n : d.started) runs += n;
    EXPECT_EQ(d.runs, runs);
    EXPECT_EQ(d.failed, 0u) << "nothing failed in this run";
    EXPECT_EQ(d.failures, std::vector<std::uint32_t>(kSlices, 0));
  }
  const auto cleanup = std::find_if(densities.begin(), densities.end(), [](const ChoreDensity& d) {
    return d.kind == "storagenode" && d.chore == "orders.cleanup";
  });
  ASSERT_NE(cleanup, densities.end());
  EXPECT_EQ(cleanup->peers, 120u);
  EXPECT_GE(cleanup->runs, 120u * 30) << "every node cleans up every minute of 30";
}

TEST(RunModel, DensitiesCountARunWhereItBeganItsFailuresAndKindsInRowOrder) {
  RunModel model;
  model.end_ns = 100;
  model.peer_names = {"uplink0", "storagenode10", "satellite0", "storagenode2"};
  model.texts = {"", "orders.sender", "OK", "DEADLINE_EXCEEDED", "rollups"};
  auto run = [&](PeerId peer, std::uint32_t name, std::int64_t begin, std::int64_t end,
                 std::uint32_t status, bool finished = true) {
    Span s;
    s.peer = peer;
    s.name = name;
    s.begin_ns = begin;
    s.end_ns = end;
    s.status = status;
    s.finished = finished;
    model.spans.push_back(s);
  };
  run(1, 1, 5, 95, 2);           // begins in slice 0, ends in slice 3
  run(3, 1, 30, 31, 3);          // slice 1, failed
  run(1, 1, 99, 100, 2);         // the last slice
  run(3, 1, 60, 100, 0, false);  // still running at the end: not a failure
  run(2, 4, 0, 0, 2);
  run(0, 1, 10, 10, 3);
  Span rpc;
  rpc.kind = Span::Kind::kRpc;
  rpc.peer = 2;
  rpc.name = 1;
  model.spans.push_back(rpc);  // RPCs are not chore runs
  const std::vector<ChoreDensity> densities = ChoreDensities(model, 4, model.end_ns);
  ASSERT_EQ(densities.size(), 3u);
  EXPECT_EQ(densities[0].kind, "satellite");
  EXPECT_EQ(densities[0].chore, "rollups");
  EXPECT_EQ(densities[0].started, (std::vector<std::uint32_t>{1, 0, 0, 0}));
  EXPECT_EQ(densities[1].kind, "storagenode");
  EXPECT_EQ(densities[1].chore, "orders.sender");
  EXPECT_EQ(densities[1].peers, 2u);
  EXPECT_EQ(densities[1].runs, 4u);
  EXPECT_EQ(densities[1].started, (std::vector<std::uint32_t>{1, 1, 1, 1}));
  EXPECT_EQ(densities[1].failed, 1u);
  EXPECT_EQ(densities[1].failures, (std::vector<std::uint32_t>{0, 1, 0, 0}));
  EXPECT_EQ(densities[2].kind, "uplink");
  EXPECT_EQ(densities[2].failed, 1u);
  // Over an axis twice the run's length, the runs fill the first half of the slices.
  EXPECT_EQ(ChoreDensities(model, 4, 200)[1].started, (std::vector<std::uint32_t>{2, 2, 0, 0}));
}

// The JSON report.html draws from.
nlohmann::json PageData(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"run-data\">";
  const std::size_t from = html.find(open);
  const std::size_t to = html.find("</script>", from);
  if (from == std::string::npos || to == std::string::npos) return nullptr;
  return nlohmann::json::parse(html.substr(from + open.size(), to - from - open.size()));
}

TEST(ReportHtml, PastItsSpanBudgetDrawsWholePeersAndEveryPeersRunsAsDensities) {
  const RunResult result = ManyNodesRun();
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  const RunModel model = BuildRunModel(result);
  const RunFiles files{nullptr, &result, "testplanet run many", 1.0, false};
  std::map<PeerId, std::size_t> runs_of;
  std::size_t runs = 0;
  for (const Span& s : model.spans) {
    if (s.kind != Span::Kind::kChore) continue;
    ++runs_of[s.peer];
    ++runs;
  }
  // Room for about ten nodes' runs: the satellite (no chore runs) and the first nodes, whole.
  const std::size_t budget = runs / 12;
  const nlohmann::json data = PageData(ReportHtml(files, model, {.spans = budget}));
  ASSERT_TRUE(data.is_object());
  const auto& rows = data["row_order"];
  ASSERT_GE(rows.size(), 5u);
  ASSERT_LT(rows.size(), 30u);
  const std::vector<PeerId> order = model.RowOrder();
  std::size_t kept_runs = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].get<PeerId>(), order[i]) << "a prefix of the row order";
    kept_runs += runs_of[order[i]];
  }
  EXPECT_LE(data["spans"].size(), budget);
  EXPECT_GT(kept_runs + runs_of[order[rows.size()]], budget) << "the next peer did not fit";
  // Every run of a drawn peer is on the page, up to the run's end: none is cut off in time.
  std::map<PeerId, std::size_t> on_page;
  for (const auto& span : data["spans"]) {
    if (span[7] == 0) ++on_page[span[0].get<PeerId>()];
  }
  for (const auto& row : rows) {
    EXPECT_EQ(on_page[row.get<PeerId>()], runs_of[row.get<PeerId>()]) << "peer " << row;
  }
  EXPECT_EQ(data["peers_left_out"].get<std::size_t>(), order.size() - rows.size());
  EXPECT_EQ(data["runs_left_out"].get<std::size_t>(), runs - kept_runs);
  // The whole planet, as densities: every run, drawn peer or not.
  std::uint64_t density_runs = 0;
  for (const auto& d : data["densities"]) density_runs += d["runs"].get<std::uint64_t>();
  EXPECT_EQ(density_runs, runs);
  EXPECT_EQ(data["orders_recorded"], true);

  // A budget below any node's runs: no node is drawn, the satellite (no chore runs) still is,
  // and the densities still count every run.
  const nlohmann::json tiny = PageData(ReportHtml(files, model, {.spans = 3}));
  EXPECT_LE(tiny["spans"].size(), 3u);
  for (const auto& row : tiny["row_order"]) EXPECT_LE(runs_of[row.get<PeerId>()], 3u);
  ASSERT_FALSE(tiny["row_order"].empty());
  EXPECT_EQ(tiny["row_order"][0].get<PeerId>(), order.front());
  EXPECT_EQ(model.PeerName(order.front()), "satellite0");
  density_runs = 0;
  for (const auto& d : tiny["densities"]) density_runs += d["runs"].get<std::uint64_t>();
  EXPECT_EQ(density_runs, runs);

  // The chores table: within its limit a row per peer and chore; past it, the totals per kind of
  // peer and chore first, then the drawn peers' rows.
  EXPECT_EQ(data["chores"].size(), result.chores.size());
  EXPECT_EQ(data["chore_rows_left_out"], 0);
  const nlohmann::json few =
      PageData(ReportHtml(files, model, {.spans = budget, .chore_rows = 20}));
  const auto& chores = few["chores"];
  ASSERT_LE(chores.size(), 20u);
  ASSERT_TRUE(chores[0].value("total", false));
  std::uint64_t cleanup_total = 0;
  for (const auto& c : result.chores) {
    if (c.chore == "orders.cleanup" && c.peer.rfind("storagenode", 0) == 0) cleanup_total += c.runs;
  }
  bool cleanup_row = false;
  for (const auto& c : chores) {
    if (!c.value("total", false)) {
      EXPECT_NE(std::find(rows.begin(), rows.end(),
                          std::find(model.peer_names.begin(), model.peer_names.end(),
                                    c["peer"].get<std::string>()) -
                              model.peer_names.begin()),
                rows.end())
          << c["peer"] << " is drawn one by one";
    } else if (c["chore"] == "orders.cleanup" && c["peer"] == "storagenode* (120)") {
      cleanup_row = true;
      EXPECT_EQ(c["runs"].get<std::string>().rfind(std::to_string(cleanup_total) + " (", 0), 0u)
          << c["runs"];
    }
  }
  EXPECT_TRUE(cleanup_row);
  const auto per_peer = std::count_if(chores.begin(), chores.end(), [](const nlohmann::json& c) {
    return !c.value("total", false);
  });
  EXPECT_GT(per_peer, 0);
  EXPECT_EQ(few["chore_rows_left_out"].get<std::size_t>() + static_cast<std::size_t>(per_peer),
            result.chores.size());

  // Within the budget, everything and no densities.
  const nlohmann::json whole = PageData(ReportHtml(files, model, {.spans = model.spans.size()}));
  EXPECT_EQ(whole["row_order"].size(), order.size());
  EXPECT_EQ(whole["spans"].size(), model.spans.size());
  EXPECT_TRUE(whole["densities"].empty());
  EXPECT_EQ(whole["runs_left_out"], 0);
}

TEST(TimelineSvg, ARunThatKeptNoOrdersSaysSoRatherThanThatNoneWereStored) {
  const RunResult chores_only = ManyNodesRun(scenario::TraceLevel::kChores);
  ASSERT_TRUE(chores_only.status.ok()) << chores_only.status.ToString();
  const std::string dir = TempDir("report-chores-only");
  ASSERT_TRUE(WriteTimelineSvg(dir + "/timeline.svg", chores_only).ok());
  std::string svg = ReadAll(dir + "/timeline.svg");
  EXPECT_NE(svg.find("orders were not recorded"), std::string::npos);
  EXPECT_EQ(svg.find("no orders were stored"), std::string::npos);
  const RunFiles files{nullptr, &chores_only, "testplanet run many", 1.0, false};
  EXPECT_EQ(PageData(ReportHtml(files))["orders_recorded"], false);

  const RunResult all = ManyNodesRun();
  ASSERT_TRUE(WriteTimelineSvg(dir + "/timeline.svg", all).ok());
  svg = ReadAll(dir + "/timeline.svg");
  EXPECT_EQ(svg.find("orders were not recorded"), std::string::npos);
}

TEST(Junit, PutsTheLineInItsOwnAttributeWithTimesAndFailureTypes) {
  EXPECT_EQ(SplitFileLine("dir/x.textproto:16"),
            (std::pair<std::string, int>{"dir/x.textproto", 16}));
  EXPECT_EQ(SplitFileLine("x.textproto:quiesce"),
            (std::pair<std::string, int>{"x.textproto:quiesce", 0}));
  EXPECT_EQ(SplitFileLine("c:\\x"), (std::pair<std::string, int>{"c:\\x", 0}));
  JunitSuite suite{"s", 1.23456, {{"seed", "1"}}, {}};
  suite.cases.push_back({"c", "ok", "x.textproto", 16, 0.5, std::nullopt});
  suite.cases.push_back({"c", "bad", "", 0, 0, JunitFailure{"check", "m\"<", "text"}});
  const std::string xml = JunitXml({suite});
  EXPECT_NE(xml.find(R"(file="x.textproto" line="16")"), std::string::npos);
  EXPECT_NE(xml.find(R"(time="1.235")"), std::string::npos);
  EXPECT_NE(xml.find(R"(<failure type="check" message="m&quot;&lt;">text</failure>)"),
            std::string::npos);
}

}  // namespace
}  // namespace testplanet::report
