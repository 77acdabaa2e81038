// The Store: RocksDB with no background work of its own, flushing and compacting in step.
#include "peers/storage/store.h"

#include <gtest/gtest.h>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fakes/faulty_fs.h"
#include "tests/status_matchers.h"

namespace testplanet {
namespace {

std::string Key(int i) {
  std::string key = "k/";
  AppendBigEndian64(key, static_cast<std::uint64_t>(i));
  return key;
}

TEST(Store, KeepsEveryWriteThroughFlushesCompactionsAndReopening) {
  StorageOptions options;
  options.in_memory = true;
  options.directory = "/store-test";
  auto store = Store::Open(options);
  ASSERT_THAT(store, IsOk());
  const std::string value(1000, 'v');
  // 6 MB: several synchronous flushes and a compaction.
  for (int i = 0; i < 6000; ++i)
    ASSERT_THAT((*store)->Put(Key(i), value + std::to_string(i)), IsOk());
  for (int i = 0; i < 6000; i += 97) {
    auto got = (*store)->Get(Key(i));
    ASSERT_TRUE(got.ok() && got->has_value()) << i;
    EXPECT_EQ(**got, value + std::to_string(i));
  }
  int seen = 0;
  ASSERT_THAT((*store)->ScanPrefix("k/",
                                   [&](std::string_view key, std::string_view) {
                                     EXPECT_EQ(key, Key(seen));
                                     ++seen;
                                     return true;
                                   }),
              IsOk());
  EXPECT_EQ(seen, 6000) << "every key, in order";
}

TEST(Store, AnOnDiskStoreReopensWithItsData) {
  const std::string dir = ::testing::TempDir() + "/store-test-disk";
  std::filesystem::remove_all(dir);  // a fresh database, not an earlier run's
  StorageOptions options;
  options.directory = dir;
  {
    auto store = Store::Open(options);
    ASSERT_THAT(store, IsOk());
    for (int i = 0; i < 1500; ++i)
      ASSERT_THAT((*store)->Put(Key(i), std::string(1000, 'x')), IsOk());
  }
  auto reopened = Store::Open(options);
  ASSERT_THAT(reopened, IsOk());
  auto got = (*reopened)->Get(Key(1499));
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->size(), 1000u);
  // The database is whole without RocksDB's OPTIONS file, which the Store does not write.
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("OPTIONS"))
        << entry.path() << " was written";
  }
  EXPECT_TRUE(std::filesystem::exists(dir + "/CURRENT"));
}

// A database's identity comes from its directory, not from the kernel's random source: the
// same bytes on the simulated disk on every run, and distinct stores told apart.
TEST(Store, ADatabaseIdentityIsItsDirectorysOnEveryRun) {
  auto identity_of = [](const std::string& directory) {
    StorageOptions options;
    options.in_memory = true;  // each open its own fresh file system
    options.directory = directory;
    auto store = Store::Open(options);
    EXPECT_THAT(store, IsOk());
    std::string identity;
    if (!store.ok()) return identity;
    EXPECT_TRUE(
        rocksdb::ReadFileToString(&(*store)->file_system(), directory + "/IDENTITY", &identity)
            .ok());
    return identity;
  };
  const std::string first = identity_of("/node-a");
  EXPECT_TRUE(first.starts_with("testplanet-")) << first;
  EXPECT_EQ(identity_of("/node-a"), first);
  EXPECT_NE(identity_of("/node-b"), first);
}

// Every table carries a Bloom filter, held in memory from the table's open: a lookup of a key
// the database does not have (a satellite's double-spend check of a new order, the common case)
// reads no table file, while one of a key in a table still does. Without the filter, each lookup
// read and decompressed a data block of every table in turn.
TEST(Store, LooksUpAnAbsentKeyWithoutReadingATable) {
  std::unique_ptr<rocksdb::Env> memory(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  auto fs = std::make_shared<fakes::FaultyFileSystem>(memory->GetFileSystem());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  StorageOptions options;
  options.directory = "/filter-test";
  options.env = env.get();
  options.flush_bytes = 4096;  // a table every few dozen keys
  auto store = Store::Open(options);
  ASSERT_THAT(store, IsOk());
  for (int i = 0; i < 200; i += 2)
    ASSERT_THAT((*store)->Put(Key(i), std::string(100, 'v')), IsOk());
  int table_reads = 0;
  fs->SetErrorPolicy([&](fakes::DiskOp op, const std::string& path) {
    if (op == fakes::DiskOp::kRead && path.ends_with(".sst")) ++table_reads;
    return false;  // count, never fail
  });
  // Between the keys the tables hold, so every table's range covers them.
  constexpr int kLookups = 99;
  for (int i = 1; i < 2 * kLookups; i += 2) {
    auto got = (*store)->Get(Key(i));
    ASSERT_THAT(got, IsOk());
    EXPECT_FALSE(got->has_value()) << i;
  }
  // A Bloom filter of 10 bits a key answers "maybe" for about 1% of absent keys.
  EXPECT_LT(table_reads, kLookups / 10) << "absent keys were looked for in table files";
  const int absent_reads = table_reads;
  auto present = (*store)->Get(Key(2));  // long flushed: in a table, not the memtable
  ASSERT_TRUE(present.ok() && present->has_value());
  EXPECT_GT(table_reads, absent_reads) << "a key in a table was found without reading it";
}

}  // namespace
}  // namespace testplanet
