// FileWriter: every byte reaches the file, in order, however the appends fall across flushes and
// stretches; a file it cannot write is an error naming it; and the stretches written long ago
// are out of the page cache, so a 10 GB trace does not crowd the run's own memory.
#include "scenarios/report/file_writer.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/status_matchers.h"
#include "tests/temp_files.h"

namespace testplanet::report {
namespace {

// `bytes` of a pattern that differs at every position of a stretch, so a stretch lost, doubled
// or misplaced shows.
std::string Pattern(std::size_t bytes) {
  std::string out(bytes, '\0');
  std::uint64_t x = 0x9e3779b97f4a7c15;
  for (std::size_t i = 0; i < bytes; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x);
  }
  return out;
}

// Writes `text` in appends of uneven sizes, flushing as a streaming writer does.
Status WriteInPieces(const std::string& path, const std::string& text, std::size_t stretch) {
  FileWriter out(path, stretch);
  std::size_t at = 0;
  for (std::size_t piece = 1; at < text.size(); piece = piece * 7 % 100'003 + 1) {
    const std::size_t n = std::min(piece, text.size() - at);
    out.buffer().append(text, at, n);
    at += n;
    out.MaybeFlush();
    if (out.size() != at) return InternalError("size() is not the bytes appended");
  }
  return out.Close();
}

TEST(FileWriter, WritesEveryByteInOrderAcrossManyStretches) {
  const std::string dir = TempDir("file-writer");
  const std::string text = Pattern(12 * FileWriter::kFlushBytes + 12345);
  ASSERT_THAT(WriteInPieces(dir + "/out", text, FileWriter::kFlushBytes), IsOk());
  EXPECT_TRUE(ReadAll(dir + "/out") == text);  // not EXPECT_EQ: 12 MB would be printed
  // An empty file and a file shorter than a flush.
  ASSERT_THAT(WriteInPieces(dir + "/empty", "", FileWriter::kFlushBytes), IsOk());
  EXPECT_EQ(ReadAll(dir + "/empty"), "");
  ASSERT_THAT(WriteInPieces(dir + "/short", "{}\n", FileWriter::kFlushBytes), IsOk());
  EXPECT_EQ(ReadAll(dir + "/short"), "{}\n");
}

TEST(FileWriter, AFileItCannotWriteIsAnErrorNamingIt) {
  const std::string dir = TempDir("file-writer-missing");
  const std::string path = dir + "/no/such/directory/trace.json";
  FileWriter out(path);
  out.buffer() = "{}";
  EXPECT_THAT(out.Close(), StatusIs(StatusCode::kUnavailable, testing::HasSubstr(path)));
}

// How many of the file's first `bytes` are in the page cache, in pages.
std::size_t ResidentPages(const std::string& path, std::size_t bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return ~std::size_t{0};
  void* map = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return ~std::size_t{0};
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((bytes + page - 1) / page);
  std::size_t count = ~std::size_t{0};
  if (::mincore(map, bytes, resident.data()) == 0) {
    count = 0;
    for (unsigned char r : resident) count += r & 1;
  }
  ::munmap(map, bytes);
  return count;
}

TEST(FileWriter, StretchesWrittenLongAgoLeaveThePageCache) {
  const std::string dir = TempDir("file-writer-cache");
  struct statfs fs {};
  ASSERT_EQ(::statfs(dir.c_str(), &fs), 0);
  if (fs.f_type == TMPFS_MAGIC) {
    GTEST_SKIP() << dir << " is in memory (tmpfs): its pages have no disk to leave for";
  }
  constexpr std::size_t kStretch = 4 * FileWriter::kFlushBytes;
  const std::string text = Pattern(10 * kStretch);
  ASSERT_THAT(WriteInPieces(dir + "/trace.json", text, kStretch), IsOk());
  // The last two stretches may still be cached (one being written back, one never waited on);
  // of the eight before, written and dropped, at most a few pages came back.
  const std::size_t early_pages = 8 * kStretch / static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  EXPECT_LT(ResidentPages(dir + "/trace.json", 8 * kStretch), early_pages / 16);
}

}  // namespace
}  // namespace testplanet::report
