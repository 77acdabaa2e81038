// Store: one peer's RocksDB database, called synchronously on the simulation thread.
//
// Every peer opens one Store (a directory under the run directory, or an in-memory Env when
// StorageOptions::in_memory). It keeps no OPTIONS file (a record for RocksDB's tools that
// DB::Open never reads, and over half the cost of an open). RocksDB does no work of its own here:
// no background flushes or compactions, no block cache, no file deletions of its own. Write flushes
// and compacts synchronously after every `flush_bytes` written, and the Store then deletes the
// files that became obsolete, on the calling thread. So which files exist, and which calls read
// them, follow from the simulation alone (a crash at any instant leaves the same files behind);
// memory stays small per peer (a memtable under `flush_bytes`), so thousands of peers fit. Reads
// see every write before them. Each table keeps a Bloom filter in memory: a Get of a key the
// database lacks reads (and so meets a read fault in) no table file but for a ~1% false positive.
//
// Keys are byte strings; each user of the Store owns a documented prefix. RocksDB's headers stay
// out of this header: Batch and Store keep their RocksDB objects behind pointers.
// A write that fails with an I/O error reopens the database (RocksDB refuses writes after a
// failed log write until then), so one bad write does not take the peer's store down for good.
// Trap: Scan calls `visit` with views valid only during that call.
#ifndef TESTPLANET_PEERS_STORAGE_STORE_H_
#define TESTPLANET_PEERS_STORAGE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sim/status.h"
#include "sim/unique_function.h"

namespace rocksdb {
class DB;
class Env;
class FileSystem;
class WriteBatch;
}  // namespace rocksdb

namespace testplanet {

struct StorageOptions {
  std::string directory;        // on disk: the database lives here (created if missing)
  bool in_memory = false;       // in memory: `directory` only names the database
  bool sync_writes = true;      // fsync the log on every write: nothing acknowledged is lost
  rocksdb::Env* env = nullptr;  // a custom Env (fault injection); overrides in_memory
  // Written bytes after which the memtable is flushed to a table file, at most
  // Store::kMaxFlushBytes. Small values put data in table files early, so that reads reach the
  // disk.
  std::uint64_t flush_bytes = 1 << 20;
};

// An atomic group of writes.
class Batch {
 public:
  Batch();
  ~Batch();
  Batch(Batch&&) noexcept;
  Batch& operator=(Batch&&) noexcept;
  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  std::size_t count() const;

 private:
  friend class Store;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
};

class Store {
 public:
  static constexpr std::uint64_t kMaxFlushBytes = 32 << 20;

  // Opens (or creates) the database described by `options`.
  static StatusOr<std::unique_ptr<Store>> Open(const StorageOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Returns the value at `key`, or nullopt when there is none.
  StatusOr<std::optional<std::string>> Get(std::string_view key);
  Status Put(std::string_view key, std::string_view value);
  // Applies every write in `batch` atomically.
  Status Write(Batch& batch);
  // Calls `visit(key, value)` for each key in [begin, end) in key order, until it returns false.
  Status Scan(std::string_view begin, std::string_view end,
              UniqueFunction<bool(std::string_view, std::string_view)> visit);
  // Scan over every key that starts with `prefix`.
  Status ScanPrefix(std::string_view prefix,
                    UniqueFunction<bool(std::string_view, std::string_view)> visit);

  const std::string& directory() const { return options_.directory; }
  // The file system the database is on (with its faults), for files kept beside it (BlobStore).
  rocksdb::FileSystem& file_system() const;

 private:
  static constexpr int kFlushesPerCompaction = 4;

  Store() = default;
  Status OpenDb();
  // Reopens the database if a reopen after a failed write did not succeed.
  Status EnsureOpen(std::string_view what);
  // Flushes the memtable (and compacts every few flushes) once flush_bytes were written, then
  // deletes the files that made obsolete.
  Status MaybeFlush();
  // Deletes obsolete files now, on this thread; RocksDB's own deletions stay switched off.
  Status DeleteObsoleteFiles();
  StorageOptions options_;
  std::unique_ptr<rocksdb::Env> mem_env_;
  std::unique_ptr<rocksdb::Env> env_;  // the configured file system, less the OPTIONS file
  std::unique_ptr<rocksdb::DB> db_;
  std::uint64_t unflushed_bytes_ = 0;
  int flushes_since_compaction_ = 0;
};

// Key helpers: fixed-width big-endian integers sort in numeric order.
void AppendBigEndian64(std::string& key, std::uint64_t value);
std::uint64_t ReadBigEndian64(std::string_view bytes);  // REQUIRES: bytes.size() >= 8
// Returns the smallest key greater than every key that starts with `prefix`.
std::string PrefixEnd(std::string_view prefix);

}  // namespace testplanet

#endif  // TESTPLANET_PEERS_STORAGE_STORE_H_
