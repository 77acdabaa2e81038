#include "peers/storage/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <filesystem>

#include "peers/storage/rocks_status.h"
#include "peers/work.h"
#include "sim/hash.h"

namespace testplanet {
namespace {

// RocksDB's informational log, discarded. Even at HEADER_LEVEL every open wrote a dump of all
// its options (tens of KiB, kept in memory for an in-memory planet, thousands of times over)
// that no test or user read; failures reach callers as statuses.
class DiscardingLogger final : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

// The database's file system, less RocksDB's OPTIONS file. That file records the options for
// tools (ldb, OptionsUtil); DB::Open never reads it. Writing it meant serializing every option
// to text and parsing the file back to verify it: over half of each open, and a planet opens
// tens of thousands of databases. Refusing to create it makes RocksDB skip both (the open goes
// on: fail_if_options_file_error is off).
class WithoutOptionsFile final : public rocksdb::FileSystemWrapper {
 public:
  explicit WithoutOptionsFile(const std::shared_ptr<rocksdb::FileSystem>& target)
      : rocksdb::FileSystemWrapper(target) {}
  static const char* kClassName() { return "TestplanetWithoutOptionsFile"; }
  const char* Name() const override { return kClassName(); }

  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* debug) override {
    // RocksDB writes OPTIONS-<number>.dbtmp, then renames it to OPTIONS-<number>.
    const std::string_view name = std::string_view(path).substr(path.rfind('/') + 1);
    if (name.starts_with("OPTIONS-") && name.ends_with(".dbtmp")) {
      return rocksdb::IOStatus::NotSupported("testplanet's stores keep no OPTIONS file");
    }
    return target()->NewWritableFile(path, options, result, debug);
  }
};

// The environment, less real entropy in a database's identity. RocksDB names a new database
// with a UUID from the kernel's random source (the IDENTITY file, and the id in its tables'
// properties): other bytes on the simulated disk on every run, and a read of /proc for each of
// a planet's thousands of opens. The identity is the directory's instead — unique among a
// planet's stores, the same on every run.
class DirectoryIdentityEnv final : public rocksdb::EnvWrapper {
 public:
  DirectoryIdentityEnv(std::unique_ptr<rocksdb::Env> target, std::string_view directory)
      : rocksdb::EnvWrapper(std::move(target)), id_(IdOf(directory)) {}
  static const char* kClassName() { return "TestplanetDirectoryIdentityEnv"; }
  const char* Name() const override { return kClassName(); }
  std::string GenerateUniqueId() override { return id_; }

 private:
  static std::string IdOf(std::string_view directory) {
    static constexpr char kHex[] = "0123456789abcdef";
    const std::uint64_t hash = StableHash(directory);
    std::string id = "testplanet-";
    for (int shift = 60; shift >= 0; shift -= 4) id += kHex[(hash >> shift) & 0xf];
    return id;
  }
  const std::string id_;
};

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// The options every Store opens with, less its Env: built once. A planet opens tens of thousands
// of databases, and each default-constructed rocksdb::Options builds a block-based table factory
// with its own 8 MiB block cache (sixteen cache-line-aligned shards), only to be replaced by the
// factory below; that factory keeps no per-database state, so one serves every Store.
const rocksdb::Options& TemplateOptions() {
  static const rocksdb::Options* const options = [] {
    auto* db_options = new rocksdb::Options();
    db_options->create_if_missing = true;
    // No background work at all: RocksDB never flushes or compacts on its own thread at moments of
    // its choosing. The memtable is sized past anything a Store lets it reach, and Write flushes
    // (and compacts) synchronously once flush_bytes have been written. So the files on disk, and
    // which reads touch them, follow from the simulation alone (DESIGN rule 6), and a fault policy
    // may fail reads deterministically. File deletions are switched off once the database is open
    // (DeleteObsoleteFiles does them), and tables are opened on this thread at Open, not on a pool.
    db_options->write_buffer_size = 2 * Store::kMaxFlushBytes;
    // Memtables grow in RocksDB's smallest steps: thousands live here, most holding a few orders.
    // With 64 KiB steps, each node's first few orders took a block of its own: 25,000 nodes grew
    // by ~40 MiB a virtual hour of traffic, page faults included.
    db_options->arena_block_size = 4 << 10;
    db_options->max_write_buffer_number = 2;
    db_options->disable_auto_compactions = true;
    db_options->max_open_files = 64;
    db_options->keep_log_file_num = 2;
    db_options->max_background_jobs = 1;
    // Tables are opened at Open on this thread: with RocksDB's default pool of 16, which thread
    // opened (and so read) which table varied from run to run, and read faults did not replay.
    db_options->max_file_opening_threads = 1;
    // One shard for the (table-file handle) cache instead of 64: a planet opens thousands of
    // databases, and each shard is allocated and zeroed at open.
    db_options->table_cache_numshardbits = 0;
    // Table properties name the host by default: the same run would write other bytes elsewhere.
    db_options->db_host_id = "";
    db_options->info_log = std::make_shared<DiscardingLogger>();
    db_options->stats_dump_period_sec = 0;
    db_options->stats_persist_period_sec = 0;
    // Closing must not wait for a memtable flush: the log already holds every write, and a
    // planet closes thousands of these.
    db_options->avoid_flush_during_shutdown = true;
    // Two levels, not seven: flushes fill level 0 and every compaction is a whole-range one into
    // the last level, so levels 1-5 were never used, yet each database kept statistics and a
    // file list for each of them (~6 KiB a node; measured with tests/planet_memory).
    db_options->num_levels = 2;
    rocksdb::BlockBasedTableOptions table;
    // Every table read reaches the file system: whether a read hits a shared cache would depend on
    // every other peer (and on RocksDB's per-open session ids, which pick cache shards).
    table.no_block_cache = true;
    // A Bloom filter per table (10 bits a key, ~1% false positives), held in memory from the
    // table's open: a lookup of an absent key -- a satellite's double-spend check of each new
    // order, the most common read of a planet -- skips the table instead of reading and
    // decompressing one of its data blocks. 25,000 nodes, 12 h: 0.92x the wall (0.86-0.98),
    // same digest, +4 MB peak.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    db_options->table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    db_options->fail_if_options_file_error = false;  // there is none: see WithoutOptionsFile
    return db_options;
  }();
  return *options;
}

}  // namespace

Batch::Batch() : batch_(std::make_unique<rocksdb::WriteBatch>()) {}
Batch::~Batch() = default;
Batch::Batch(Batch&&) noexcept = default;
Batch& Batch::operator=(Batch&&) noexcept = default;
void Batch::Put(std::string_view key, std::string_view value) {
  batch_->Put(ToSlice(key), ToSlice(value));
}
void Batch::Delete(std::string_view key) { batch_->Delete(ToSlice(key)); }
std::size_t Batch::count() const { return static_cast<std::size_t>(batch_->Count()); }

StatusOr<std::unique_ptr<Store>> Store::Open(const StorageOptions& options) {
  if (options.flush_bytes == 0 || options.flush_bytes > kMaxFlushBytes) {
    return InvalidArgumentError("flush_bytes must be in [1, " + std::to_string(kMaxFlushBytes) +
                                "], not " + std::to_string(options.flush_bytes));
  }
  std::unique_ptr<Store> store(new Store());
  store->options_ = options;
  if (options.env == nullptr && options.in_memory) {
    store->mem_env_.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
  } else if (!options.in_memory) {
    std::error_code error;
    std::filesystem::create_directories(options.directory, error);
    if (error) {
      return Status(StatusCode::kUnavailable,
                    "create " + options.directory + ": " + error.message());
    }
  }
  rocksdb::Env* base = options.env != nullptr ? options.env
                       : store->mem_env_      ? store->mem_env_.get()
                                              : rocksdb::Env::Default();
  store->env_ = std::make_unique<DirectoryIdentityEnv>(
      rocksdb::NewCompositeEnv(std::make_shared<WithoutOptionsFile>(base->GetFileSystem())),
      options.directory);
  if (Status s = store->OpenDb(); !s.ok()) return s;
  return store;
}

Status Store::OpenDb() {
  rocksdb::Options db_options = TemplateOptions();
  db_options.env = env_.get();
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options_.directory, &db);
  if (!s.ok()) return FromRocks(s, "open " + options_.directory);
  db_.reset(db);
  unflushed_bytes_ = 0;
  // Open deleted what recovery left obsolete, on this thread. From here on only
  // DeleteObsoleteFiles deletes, at one known point after each flush: RocksDB purges from its
  // flush and compaction threads and from whichever thread drops an old version, and which files
  // a crash finds (and recovery then reads) must not depend on that.
  return FromRocks(db_->DisableFileDeletions(), "open " + options_.directory);
}

rocksdb::FileSystem& Store::file_system() const { return *env_->GetFileSystem(); }

Status Store::DeleteObsoleteFiles() {
  // Enabling purges synchronously; the flush or compaction that made the files obsolete has
  // finished, so nothing else is deleting concurrently.
  if (rocksdb::Status s = db_->EnableFileDeletions(/*force=*/true); !s.ok()) {
    return FromRocks(s, "delete obsolete files");
  }
  return FromRocks(db_->DisableFileDeletions(), "delete obsolete files");
}

Status Store::EnsureOpen(std::string_view what) {
  if (db_) return Status::Ok();
  // A reopen after a failed write failed too (a read error during recovery, say): try again.
  if (Status s = OpenDb(); !s.ok()) return s.WithContext(std::string(what));
  return Status::Ok();
}

Status Store::MaybeFlush() {
  if (unflushed_bytes_ < options_.flush_bytes) return Status::Ok();
  unflushed_bytes_ = 0;
  rocksdb::FlushOptions flush;
  flush.wait = true;
  if (rocksdb::Status s = db_->Flush(flush); !s.ok()) return FromRocks(s, "flush");
  if (++flushes_since_compaction_ >= kFlushesPerCompaction) {
    flushes_since_compaction_ = 0;
    rocksdb::CompactRangeOptions compact;
    compact.exclusive_manual_compaction = true;
    if (rocksdb::Status s = db_->CompactRange(compact, nullptr, nullptr); !s.ok()) {
      return FromRocks(s, "compact");
    }
  }
  return DeleteObsoleteFiles();
}

Store::~Store() {
  if (db_) {
    db_->Close().PermitUncheckedError();
    db_.reset();
  }
}

StatusOr<std::optional<std::string>> Store::Get(std::string_view key) {
  ++ProcessWork().db_reads;
  if (Status s = EnsureOpen("get"); !s.ok()) return s;
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "get");
  return std::optional<std::string>(std::move(value));
}

Status Store::Put(std::string_view key, std::string_view value) {
  Batch batch;
  batch.Put(key, value);
  return Write(batch);
}

Status Store::Write(Batch& batch) {
  ++ProcessWork().db_writes;
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync_writes;
  if (Status s = EnsureOpen("write"); !s.ok()) return s;
  rocksdb::Status s = db_->Write(write_options, batch.batch_.get());
  if (s.IsIOError()) {
    // A failed log write or sync leaves RocksDB refusing writes, and Resume cannot clear a log
    // error. Reopen, as a restarted process would: the caller hears of this write's failure
    // (whose bytes may or may not have reached the log, as after a real fsync error), and the
    // next write finds a working database.
    db_->Close().PermitUncheckedError();
    db_.reset();
    if (Status reopened = OpenDb(); !reopened.ok()) {
      return FromRocks(s, "write").WithContext("and reopening failed: " + reopened.ToString());
    }
    return FromRocks(s, "write");
  }
  if (!s.ok()) return FromRocks(s, "write");
  unflushed_bytes_ += batch.batch_->GetDataSize();
  return MaybeFlush();
}

Status Store::Scan(std::string_view begin, std::string_view end,
                   UniqueFunction<bool(std::string_view, std::string_view)> visit) {
  ++ProcessWork().db_scans;
  if (Status s = EnsureOpen("scan"); !s.ok()) return s;
  rocksdb::ReadOptions read_options;
  const rocksdb::Slice upper = ToSlice(end);
  read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options));
  for (it->Seek(ToSlice(begin)); it->Valid(); it->Next()) {
    if (!visit(ToView(it->key()), ToView(it->value()))) break;
  }
  return FromRocks(it->status(), "scan");
}

Status Store::ScanPrefix(std::string_view prefix,
                         UniqueFunction<bool(std::string_view, std::string_view)> visit) {
  return Scan(prefix, PrefixEnd(prefix), std::move(visit));
}

void AppendBigEndian64(std::string& key, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) key += static_cast<char>((value >> shift) & 0xff);
}

std::uint64_t ReadBigEndian64(std::string_view bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;  // empty: no upper bound would be right; callers use non-empty prefixes
}

}  // namespace testplanet
