// The faulty file system under a real Store: read errors reach the caller as errors, recovery
// that cannot read fails instead of losing data, and the harness's own reads are never faulted.
#include "fakes/faulty_fs.h"

#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <memory>
#include <string>
#include <vector>

#include "peers/storage/store.h"
#include "sim/simulator.h"
#include "tests/status_matchers.h"

namespace testplanet::fakes {
namespace {

std::string Key(int i) {
  std::string key = "k/";
  AppendBigEndian64(key, static_cast<std::uint64_t>(i));
  return key;
}

// One disk: memory under the fault layer, and the Env a Store is given.
struct Disk {
  explicit Disk(const Simulator* sim = nullptr)
      : memory(rocksdb::NewMemEnv(rocksdb::Env::Default())),
        fs(std::make_shared<FaultyFileSystem>(memory->GetFileSystem(), sim)),
        env(rocksdb::NewCompositeEnv(fs)) {}
  StorageOptions Options() const {
    StorageOptions options;
    options.directory = "/faulty-fs-test";
    options.env = env.get();
    options.flush_bytes = 4096;  // tables after a few writes
    return options;
  }
  std::unique_ptr<rocksdb::Env> memory;
  std::shared_ptr<FaultyFileSystem> fs;
  std::unique_ptr<rocksdb::Env> env;
};

// Writes `n` keys of 200 bytes: with 4 KiB flushes, most of them reach table files.
void Fill(Store& store, int n) {
  for (int i = 0; i < n; ++i) ASSERT_THAT(store.Put(Key(i), std::string(200, 'v')), IsOk()) << i;
}

TEST(FaultyFs, AFailedTableReadIsAnErrorNotAMissingKey) {
  Disk disk;
  auto store = Store::Open(disk.Options());
  ASSERT_THAT(store, IsOk());
  Fill(**store, 100);
  std::vector<std::string> failed;
  disk.fs->SetErrorPolicy([&](DiskOp op, const std::string& path) {
    if (op != DiskOp::kRead) return false;
    failed.push_back(path);
    return true;
  });
  auto got = (*store)->Get(Key(3));
  ASSERT_THAT(got, ::testing::Not(IsOk())) << "a key in a table file cannot be read";
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable) << got.status().ToString();
  ASSERT_FALSE(failed.empty());
  EXPECT_TRUE(failed[0].ends_with(".sst")) << failed[0];
  int seen = 0;
  Status scan = (*store)->ScanPrefix("k/", [&](std::string_view, std::string_view) {
    ++seen;
    return true;
  });
  EXPECT_EQ(scan.code(), StatusCode::kUnavailable) << "a scan reports it too, however far it got";

  disk.fs->SetErrorPolicy(nullptr);
  got = (*store)->Get(Key(3));
  ASSERT_TRUE(got.ok() && got->has_value()) << "a failed read is not remembered";
  EXPECT_EQ(**got, std::string(200, 'v'));
}

TEST(FaultyFs, RecoveryThatCannotReadFailsAndALaterOpenFindsEverything) {
  Disk disk;
  {
    auto store = Store::Open(disk.Options());
    ASSERT_THAT(store, IsOk());
    Fill(**store, 30);  // some in tables, the last few only in the log
    disk.fs->Crash();
  }
  ASSERT_THAT(disk.fs->Recover(), IsOk());
  std::vector<std::string> offered;
  disk.fs->SetErrorPolicy([&](DiskOp op, const std::string& path) {
    offered.push_back(path);
    return op == DiskOp::kRead && path.ends_with(".log");
  });
  auto failed = Store::Open(disk.Options());
  ASSERT_THAT(failed, ::testing::Not(IsOk()))
      << "RocksDB must not replay a log it could not read as if it ended";
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable) << failed.status().ToString();
  bool read_manifest = false;
  for (const std::string& path : offered) read_manifest |= path.find("MANIFEST") != path.npos;
  EXPECT_TRUE(read_manifest) << "recovery's reads of the manifest are offered too";

  disk.fs->SetErrorPolicy(nullptr);
  auto reopened = Store::Open(disk.Options());
  ASSERT_THAT(reopened, IsOk());
  for (int i = 0; i < 30; ++i) {
    auto got = (*reopened)->Get(Key(i));
    ASSERT_TRUE(got.ok() && got->has_value()) << "key " << i << " survived";
  }
}

TEST(FaultyFs, ReadsWhileTheSimulationObservesAreNotOffered) {
  Simulator sim(SimulatorOptions{});
  Disk disk(&sim);
  auto store = Store::Open(disk.Options());
  ASSERT_THAT(store, IsOk());
  Fill(**store, 100);
  int offered = 0;
  disk.fs->SetErrorPolicy([&](DiskOp, const std::string&) {
    ++offered;
    return true;
  });
  {
    Simulator::Observation observing(sim);
    auto got = (*store)->Get(Key(3));
    EXPECT_TRUE(got.ok() && got->has_value()) << "a check reads what is there";
  }
  EXPECT_EQ(offered, 0);
  EXPECT_THAT((*store)->Get(Key(3)), ::testing::Not(IsOk())) << "the peers' own reads still fail";
  EXPECT_GT(offered, 0);
}

// Writes `bytes` to `path` through `fs`, synced when `sync`, and closes it.
void WriteFile(rocksdb::FileSystem& fs, const std::string& path, const std::string& bytes,
               bool sync) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  const rocksdb::IOOptions io;
  ASSERT_TRUE(fs.NewWritableFile(path, rocksdb::FileOptions(), &file, nullptr).ok());
  ASSERT_TRUE(file->Append(rocksdb::Slice(bytes), io, nullptr).ok());
  if (sync) {
    ASSERT_TRUE(file->Sync(io, nullptr).ok());
  }
  ASSERT_TRUE(file->Close(io, nullptr).ok());
}

std::string ReadFile(rocksdb::FileSystem& fs, const std::string& path) {
  std::string bytes;
  EXPECT_TRUE(rocksdb::ReadFileToString(&fs, path, &bytes).ok()) << path;
  return bytes;
}

TEST(FaultyFs, RenamesInMemoryByCopyingAndOnARealDiskByRenaming) {
  Disk disk;
  EXPECT_TRUE(disk.fs->renames_by_copy());
  FaultyFileSystem on_disk(rocksdb::Env::Default()->GetFileSystem());
  EXPECT_FALSE(on_disk.renames_by_copy());
}

TEST(FaultyFs, ARenameInMemoryMovesTheBytesReplacesTheTargetAndLeavesTheRestAlone) {
  Disk disk;
  const rocksdb::IOOptions io;
  ASSERT_TRUE(disk.fs->CreateDirIfMissing("/d", io, nullptr).ok());
  WriteFile(*disk.fs, "/d/piece.partial", "the piece", /*sync=*/true);
  WriteFile(*disk.fs, "/d/piece", "an older piece", /*sync=*/true);
  WriteFile(*disk.fs, "/d/other", "another piece", /*sync=*/true);
  ASSERT_TRUE(disk.fs->RenameFile("/d/piece.partial", "/d/piece", io, nullptr).ok());
  EXPECT_EQ(ReadFile(*disk.fs, "/d/piece"), "the piece");
  EXPECT_TRUE(disk.fs->FileExists("/d/piece.partial", io, nullptr).IsNotFound());
  EXPECT_EQ(ReadFile(*disk.fs, "/d/other"), "another piece");
  // A rename onto itself keeps the file; one from nowhere fails and makes nothing.
  ASSERT_TRUE(disk.fs->RenameFile("/d/piece", "/d/piece", io, nullptr).ok());
  EXPECT_EQ(ReadFile(*disk.fs, "/d/piece"), "the piece");
  EXPECT_FALSE(disk.fs->RenameFile("/d/nothing", "/d/something", io, nullptr).ok());
  EXPECT_TRUE(disk.fs->FileExists("/d/something", io, nullptr).IsNotFound());
}

TEST(FaultyFs, ARenamedFileKeepsWhatWasSyncedAcrossACrash) {
  Disk disk;
  const rocksdb::IOOptions io;
  WriteFile(*disk.fs, "/synced.tmp", "kept", /*sync=*/true);
  WriteFile(*disk.fs, "/unsynced.tmp", "lost", /*sync=*/false);
  ASSERT_TRUE(disk.fs->RenameFile("/synced.tmp", "/synced", io, nullptr).ok());
  ASSERT_TRUE(disk.fs->RenameFile("/unsynced.tmp", "/unsynced", io, nullptr).ok());
  disk.fs->Crash();
  auto lost = disk.fs->Recover();
  ASSERT_THAT(lost, IsOk());
  EXPECT_EQ(*lost, 4u);
  EXPECT_EQ(ReadFile(*disk.fs, "/synced"), "kept");
  EXPECT_EQ(ReadFile(*disk.fs, "/unsynced"), "");
}

TEST(Store, ObsoleteFilesAreGoneWhenAWriteReturns) {
  Disk disk;
  auto store = Store::Open(disk.Options());
  ASSERT_THAT(store, IsOk());
  // 600 writes over 40 keys: about 30 flushes of overlapping tables and 7 compactions that
  // merge them, each leaving files obsolete.
  for (int i = 0; i < 600; ++i) {
    ASSERT_THAT((*store)->Put(Key(i % 40), std::string(200, 'v')), IsOk());
    std::vector<std::string> children;
    ASSERT_THAT(disk.env->GetChildren("/faulty-fs-test", &children), IsOk());
    int logs = 0, tables = 0;
    for (const std::string& name : children) {
      logs += name.ends_with(".log") ? 1 : 0;
      tables += name.ends_with(".sst") ? 1 : 0;
    }
    ASSERT_EQ(logs, 1) << "after write " << i << ": only the live log";
    ASSERT_LE(tables, 4) << "after write " << i
                         << ": a compaction every 4 flushes, its inputs gone";
  }
}

}  // namespace
}  // namespace testplanet::fakes
