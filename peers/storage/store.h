// Store: one peer's RocksDB database, called synchronously on the simulation thread.
//
// Every peer opens one Store (a directory under the run directory, or an in-memory Env when
// StorageOptions::in_memory). Peers in one process share a block cache and a write-buffer budget
// (StorageBudget), so that thousands of peers do not each claim RocksDB's defaults. Reads see
// every write before them; no decision is taken from RocksDB's background flush or compaction
// timing or statistics.
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
class Cache;
class DB;
class Env;
class WriteBatch;
class WriteBufferManager;
}  // namespace rocksdb

namespace testplanet {

// Memory shared by every Store in a process: one block cache and one memtable budget.
class StorageBudget {
 public:
  explicit StorageBudget(std::size_t block_cache_bytes = 64 << 20,
                         std::size_t write_buffer_bytes = 256 << 20);
  ~StorageBudget();
  const std::shared_ptr<rocksdb::Cache>& block_cache() const { return block_cache_; }
  const std::shared_ptr<rocksdb::WriteBufferManager>& write_buffers() const {
    return write_buffers_;
  }

 private:
  std::shared_ptr<rocksdb::Cache> block_cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers_;
};

struct StorageOptions {
  std::string directory;    // on disk: the database lives here (created if missing)
  bool in_memory = false;   // in memory: `directory` only names the database
  bool sync_writes = true;  // fsync the log on every write: nothing acknowledged is lost
  std::shared_ptr<StorageBudget> budget;  // shared across peers; a private one if null
  rocksdb::Env* env = nullptr;            // a custom Env (fault injection); overrides in_memory
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

 private:
  Store() = default;
  Status OpenDb();
  StorageOptions options_;
  std::unique_ptr<rocksdb::Env> mem_env_;
  std::unique_ptr<rocksdb::DB> db_;
  std::shared_ptr<StorageBudget> budget_;
};

// Key helpers: fixed-width big-endian integers sort in numeric order.
void AppendBigEndian64(std::string& key, std::uint64_t value);
std::uint64_t ReadBigEndian64(std::string_view bytes);  // REQUIRES: bytes.size() >= 8
// Returns the smallest key greater than every key that starts with `prefix`.
std::string PrefixEnd(std::string_view prefix);

}  // namespace testplanet

#endif  // TESTPLANET_PEERS_STORAGE_STORE_H_
