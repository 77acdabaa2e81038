#include "sim/record_log.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "sim/hash.h"

namespace testplanet {
namespace {

// Records whose fields take every awkward value: time and sequence that go back as well as
// forward, the extremes of every field, and kinds seen again after others.
std::vector<TraceRecord> AwkwardRecords(std::size_t count) {
  std::vector<TraceRecord> records;
  std::uint64_t state = 7;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t i = 0; i < count; ++i) {
    state = Mix64(state + i);
    TraceRecord r{};
    r.time_ns = (i % 97 == 0)
                    ? std::numeric_limits<std::int64_t>::min() + static_cast<std::int64_t>(i)
                    : static_cast<std::int64_t>(state >> (i % 3 == 0 ? 1 : 40));
    r.seq = (i % 89 == 0) ? kMax - i : state >> 20;
    r.peer = (i % 13 == 0) ? std::numeric_limits<PeerId>::max() : static_cast<PeerId>(i % 50);
    r.kind = StableHash(i % 7 == 0 ? "a.kind" : (i % 5 == 0 ? "b.kind" : "c.kind"));
    r.a = (i % 11 == 0) ? kMax : state;
    r.b = i;
    r.c = (i % 17 == 0) ? 0 : kMax - state;
    records.push_back(r);
  }
  return records;
}

TEST(RecordLog, GivesBackEveryRecordInOrderAcrossBlocks) {
  // 200,000 records of up to 70 bytes: many blocks, of every size from 64 KiB to 1 MiB.
  const std::vector<TraceRecord> records = AwkwardRecords(200'000);
  RecordLog log;
  for (const TraceRecord& r : records) log.Append(r);
  ASSERT_EQ(log.size(), records.size());
  std::size_t i = 0;
  for (const TraceRecord& r : log) {
    ASSERT_LT(i, records.size());
    ASSERT_EQ(r, records[i]) << "record #" << i;
    ++i;
  }
  EXPECT_EQ(i, records.size());
  EXPECT_GT(log.block_count(), 5u);
  // Random fields barely compress: sealed blocks may stay as coded, and the open one is
  // allocated whole.
  EXPECT_LE(log.held_bytes(), log.coded_bytes() + (std::uint64_t{1} << 20));
}

// What a run records: time moves forward in small steps, sequence by one, small fields.
RecordLog RunLikeLog(std::uint64_t count) {
  RecordLog log;
  for (std::uint64_t i = 0; i < count; ++i) {
    log.Append({static_cast<std::int64_t>(i * 1'000'000 + (i % 7) * 1000), i,
                static_cast<PeerId>(i % 100), StableHash(i % 3 == 0 ? "sim.event" : "rpc.sent"),
                i % 3, i / 10, 0});
  }
  return log;
}

TEST(RecordLog, CodesARunsRecordsInAFractionOfTheirSize) {
  const RecordLog log = RunLikeLog(10'000);
  EXPECT_LT(log.coded_bytes(), log.size() * sizeof(TraceRecord) / 4);
}

TEST(RecordLog, CompressesFilledBlocksAndStillGivesEveryRecordBack) {
  const std::uint64_t count = 1'000'000;  // ~10 MB coded: blocks of 64 KiB up to 1 MiB
  const RecordLog log = RunLikeLog(count);
  ASSERT_GT(log.block_count(), 5u);
  // Every block but the open one is compressed: the log holds far less than the coded bytes.
  EXPECT_LT(log.held_bytes(), log.coded_bytes() / 2);
  std::uint64_t i = 0;
  auto it = log.begin();
  auto copy = it;  // an iterator's copy walks the same records on its own
  for (; it != log.end(); ++it, ++i) {
    ASSERT_EQ(it->seq, i);
    ASSERT_EQ(it->time_ns, static_cast<std::int64_t>(i * 1'000'000 + (i % 7) * 1000));
    ASSERT_EQ(it->b, i / 10);
  }
  EXPECT_EQ(i, count);
  for (std::uint64_t j = 0; j < 5; ++j, ++copy) ASSERT_EQ(copy->seq, j);
  // trace.bin's frames: one a block, compressed (ReadRecords decodes them: run_files_test.cc).
  std::uint64_t frames = 0, frame_bytes = 0;
  log.ForEachFrame([&](std::string_view frame) {
    ++frames;
    frame_bytes += frame.size();
  });
  EXPECT_EQ(frames, log.block_count());
  EXPECT_LT(frame_bytes, log.coded_bytes() / 2);
}

// A spilling log holds the open block only; every record, and every frame of trace.bin, comes
// back from the file, for compressed blocks and for ones kept as coded (awkward records barely
// compress); the log moves with its file, and leaves no file behind.
TEST(RecordLog, SpilledBlocksComeBackFromTheFile) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "testplanet-record-log-spill";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::vector<TraceRecord> awkward = AwkwardRecords(200'000);
  RecordLog spilled, kept;
  ASSERT_TRUE(spilled.SpillTo(dir.string()));
  for (std::uint64_t i = 0; i < 1'000'000; ++i) {
    const TraceRecord r =
        i % 5 == 0 ? awkward[i / 5] : TraceRecord{static_cast<std::int64_t>(i * 1000),
                                                  i,
                                                  static_cast<PeerId>(i % 100),
                                                  3,
                                                  i % 3,
                                                  0,
                                                  0};
    spilled.Append(r);
    kept.Append(r);
  }
  ASSERT_GT(spilled.block_count(), 5u);
  EXPECT_LE(spilled.held_bytes(), std::uint64_t{1} << 20) << "more than the open block";
  EXPECT_GT(spilled.spilled_bytes(), 0u);
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "the spill file has a name";
  RecordLog moved = std::move(spilled);
  auto it = moved.begin();
  std::uint64_t i = 0;
  for (const TraceRecord& r : kept) {
    ASSERT_NE(it, moved.end());
    ASSERT_EQ(*it, r) << "record #" << i;
    ++it, ++i;
  }
  EXPECT_EQ(it, moved.end());
  std::vector<std::string> kept_frames, moved_frames;
  kept.ForEachFrame([&](std::string_view f) { kept_frames.emplace_back(f); });
  moved.ForEachFrame([&](std::string_view f) { moved_frames.emplace_back(f); });
  EXPECT_EQ(moved_frames, kept_frames);
  EXPECT_EQ(moved.At(999'999), kept.At(999'999));
  std::filesystem::remove_all(dir);
}

TEST(RecordLog, SpillingToADirectoryThatIsNotThereKeepsRecordsInMemory) {
  RecordLog log;
  EXPECT_FALSE(log.SpillTo("/nonexistent-testplanet-dir/x"));
  for (const TraceRecord& r : AwkwardRecords(100'000)) log.Append(r);
  EXPECT_EQ(log.spilled_bytes(), 0u);
  EXPECT_EQ(log.At(99'999), AwkwardRecords(100'000)[99'999]);
}

TEST(RecordLog, KindsAreListedInTheOrderFirstSeen) {
  RecordLog log;
  for (const char* kind : {"z", "a", "z", "m", "a"})
    log.Append({0, 0, 0, StableHash(kind), 0, 0, 0});
  EXPECT_EQ(log.kinds(),
            (std::vector<std::uint64_t>{StableHash("z"), StableHash("a"), StableHash("m")}));
}

TEST(RecordLog, AtFindsOneRecordAndNothingPastTheEnd) {
  const std::vector<TraceRecord> records = AwkwardRecords(1'000);
  RecordLog log;
  for (const TraceRecord& r : records) log.Append(r);
  EXPECT_EQ(log.At(0), records[0]);
  EXPECT_EQ(log.At(999), records[999]);
  EXPECT_FALSE(log.At(1'000).has_value());
  EXPECT_FALSE(RecordLog().At(0).has_value());
}

TEST(RecordLog, ClearGivesTheMemoryBack) {
  RecordLog log;
  for (const TraceRecord& r : AwkwardRecords(10'000)) log.Append(r);
  ASSERT_GT(log.held_bytes(), 0u);
  log.Clear();
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(log.held_bytes(), 0u);
  EXPECT_EQ(log.begin(), log.end());
  log.Append({5, 6, 7, 8, 9, 10, 11});
  EXPECT_EQ(log.At(0), (TraceRecord{5, 6, 7, 8, 9, 10, 11})) << "deltas start again from zero";
}

}  // namespace
}  // namespace testplanet
