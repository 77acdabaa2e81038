// BlobStore: pieces as files beside the database, on the same (faulty) disk: what was put is
// read back, a Put that failed leaves nothing under the blob's name, a synced blob survives a
// crash, and the database itself never holds a blob's bytes.
#include "peers/storage/blob_store.h"

#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <memory>
#include <string>
#include <vector>

#include "fakes/faulty_fs.h"
#include "peers/work.h"
#include "tests/status_matchers.h"

namespace testplanet {
namespace {

constexpr char kDirectory[] = "/blob-store-test";

// One disk: memory under the fault layer, and a Store on it.
struct Disk {
  Disk()
      : memory(rocksdb::NewMemEnv(rocksdb::Env::Default())),
        fs(std::make_shared<fakes::FaultyFileSystem>(memory->GetFileSystem())),
        env(rocksdb::NewCompositeEnv(fs)) {}
  std::unique_ptr<Store> Open() const {
    StorageOptions options;
    options.directory = kDirectory;
    options.env = env.get();
    auto store = Store::Open(options);
    EXPECT_THAT(store, IsOk());
    return store.ok() ? std::move(*store) : nullptr;
  }
  // Every file under `directory`, recursively, as MemEnv lists them.
  std::vector<std::string> Files(const std::string& directory) const {
    std::vector<std::string> names;
    EXPECT_TRUE(memory->GetChildren(directory, &names).ok());
    return names;
  }
  std::unique_ptr<rocksdb::Env> memory;
  std::shared_ptr<fakes::FaultyFileSystem> fs;
  std::unique_ptr<rocksdb::Env> env;
};

TEST(BlobStore, GetReadsBackWhatPutWroteAndNothingForAnUnknownId) {
  Disk disk;
  auto store = disk.Open();
  BlobStore blobs(*store);
  const std::string id("\x01\xab\xff\x00piece", 9);  // ids are bytes, not names
  ASSERT_THAT(blobs.Put(id, "first"), IsOk());
  ASSERT_THAT(blobs.Put("other", std::string(5000, 'o')), IsOk());
  auto got = blobs.Get(id);
  ASSERT_THAT(got, IsOk());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, "first");
  EXPECT_EQ(*blobs.Get("other").value(), std::string(5000, 'o'));
  ASSERT_THAT(blobs.Put(id, "second"), IsOk());
  EXPECT_EQ(*blobs.Get(id).value(), "second") << "a Put replaces the blob";
  auto missing = blobs.Get("never put");
  ASSERT_THAT(missing, IsOk());
  EXPECT_FALSE(missing->has_value());
}

TEST(BlobStore, BlobsAreFilesBesideTheDatabaseNotRowsInIt) {
  Disk disk;
  auto store = disk.Open();
  BlobStore blobs(*store);
  const Work before = ProcessWork();
  ASSERT_THAT(blobs.Put("\x12\x34piece", std::string(4096, 'p')), IsOk());
  EXPECT_EQ(ProcessWork().blob_writes, before.blob_writes + 1);
  EXPECT_EQ(ProcessWork().db_writes, before.db_writes) << "the database took no write";
  // <directory>/blobs/<two hex digits>/<the id's hex>, and no temporary file left.
  const std::string subdirectory = std::string(kDirectory) + "/blobs/12";
  EXPECT_EQ(disk.Files(subdirectory), std::vector<std::string>{"12347069656365"});
  EXPECT_TRUE(BlobStore::IsBlobPath(subdirectory + "/12347069656365"));
  EXPECT_TRUE(BlobStore::IsBlobPath(subdirectory + "/12347069656365.partial"));
  EXPECT_FALSE(BlobStore::IsBlobPath(std::string(kDirectory) + "/000004.log"));
  EXPECT_FALSE(BlobStore::IsBlobPath("/home/me/blobs/run/db/MANIFEST-000005"))
      << "a store that lives under a directory named blobs has no blobs for that";
  EXPECT_FALSE(BlobStore::IsBlobPath("blobs/12"));
  // A one-byte id has a name too.
  ASSERT_THAT(blobs.Put("\xab", "short id"), IsOk());
  EXPECT_EQ(*blobs.Get("\xab").value(), "short id");
  auto row = store->Get("\x12\x34piece");
  ASSERT_THAT(row, IsOk());
  EXPECT_FALSE(row->has_value());
}

TEST(BlobStore, AFailedSyncFailsThePutAndLeavesNothingUnderItsName) {
  Disk disk;
  auto store = disk.Open();
  BlobStore blobs(*store);
  std::vector<std::string> offered;
  disk.fs->SetErrorPolicy([&](fakes::DiskOp op, const std::string& path) {
    if (op == fakes::DiskOp::kRead) return false;
    offered.push_back(path);
    return op == fakes::DiskOp::kSync;
  });
  Status put = blobs.Put("piece", "bytes");
  EXPECT_EQ(put.code(), StatusCode::kUnavailable) << put.ToString();
  ASSERT_FALSE(offered.empty()) << "a blob's writes are offered to the fault policy";
  EXPECT_TRUE(BlobStore::IsBlobPath(offered.front())) << offered.front();
  disk.fs->SetErrorPolicy(nullptr);
  auto got = blobs.Get("piece");
  ASSERT_THAT(got, IsOk());
  EXPECT_FALSE(got->has_value()) << "no torn or unsynced blob under the piece's name";
  EXPECT_EQ(disk.Files(std::string(kDirectory) + "/blobs/70"), std::vector<std::string>{})
      << "the temporary file went too";
}

TEST(BlobStore, AReadErrorIsAnErrorNotAMissingBlob) {
  Disk disk;
  auto store = disk.Open();
  BlobStore blobs(*store);
  ASSERT_THAT(blobs.Put("piece", "bytes"), IsOk());
  disk.fs->SetErrorPolicy(
      [](fakes::DiskOp op, const std::string&) { return op == fakes::DiskOp::kRead; });
  auto got = blobs.Get("piece");
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable) << got.status().ToString();
}

TEST(BlobStore, APutThatReturnedSurvivesACrash) {
  Disk disk;
  {
    auto store = disk.Open();
    BlobStore blobs(*store);
    ASSERT_THAT(blobs.Put("kept", std::string(300, 'k')), IsOk());
    disk.fs->Crash();
    EXPECT_FALSE(blobs.Put("lost", "never written").ok()) << "a crashed disk takes no writes";
  }
  ASSERT_THAT(disk.fs->Recover(), IsOk());
  auto store = disk.Open();
  BlobStore blobs(*store);
  EXPECT_EQ(*blobs.Get("kept").value(), std::string(300, 'k'));
  EXPECT_FALSE(blobs.Get("lost").value().has_value());
}

}  // namespace
}  // namespace testplanet
