// FaultyFileSystem: one peer's disk under RocksDB, able to crash and to fail.
//
// A rocksdb::FileSystemWrapper over the peer's real storage (a MemEnv's file system, or the
// machine's). It remembers, for every file written through it, how many bytes were synced.
//   * Crash(): from this instant every call fails, as if the process were gone; the peer's
//     objects may then be torn down without anything reaching the disk.
//   * Recover(): drops every byte written but not synced (files never synced become empty),
//     then lets calls through again, so that the next Open runs RocksDB's real recovery over
//     exactly what a power cut would have left. Renames and deletes count as durable at once
//     (directory fsync is not modelled).
//   * Errors: a policy decides, per write-ahead-log append and sync made on the simulation
//     thread, whether it fails with an I/O error. A handle that failed stays failed (RocksDB
//     retries its buffered bytes on close, from whichever thread closes the file). Reads are not
//     faulted: which files an Open reads depends on when RocksDB's background thread deleted the
//     obsolete logs, and how many read calls it makes on byte sizes that hold real-time stamps,
//     so a decision there would not replay (a determinism check under load caught exactly this). Only calls from the simulation thread are offered to
//     the policy: the Store gives RocksDB no background work of its own, but a flush or
//     compaction the Store waits for runs on RocksDB's threads, and those writes stay
//     fault-free (deciding there would tie a decision to thread timing; DESIGN rule 6). A failed
//     sync leaves its bytes unsynced: they may survive or vanish, as after a real fsync error.
// Thread safety: RocksDB's threads call in concurrently; the bookkeeping is under a mutex.
#ifndef TESTPLANET_FAKES_FAULTY_FS_H_
#define TESTPLANET_FAKES_FAULTY_FS_H_

#include <rocksdb/file_system.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>  // determinism-ok: RocksDB's background threads share the bookkeeping
#include <string>
#include <thread>  // determinism-ok: only to tell the simulation thread from RocksDB's

#include "sim/status.h"

namespace testplanet::fakes {

enum class DiskOp { kWrite, kSync };
const char* DiskOpName(DiskOp op);

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  // Returns true to fail this operation on `path`. Called on the simulation thread only.
  using ErrorPolicy = std::function<bool(DiskOp op, const std::string& path)>;

  explicit FaultyFileSystem(std::shared_ptr<rocksdb::FileSystem> base);
  ~FaultyFileSystem() override;

  static const char* kClassName() { return "TestplanetFaultyFileSystem"; }
  const char* Name() const override { return kClassName(); }

  void Crash();
  // Drops unsynced data and ends the crash. Returns how many bytes were lost.
  StatusOr<std::uint64_t> Recover();
  bool crashed() const;

  void SetErrorPolicy(ErrorPolicy policy);

  // Wrapped calls (the rest forward unchanged).
  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& path,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& path, const std::string& old_path,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewSequentialFile(const std::string& path,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSSequentialFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomAccessFile(const std::string& path,
                                        const rocksdb::FileOptions& options,
                                        std::unique_ptr<rocksdb::FSRandomAccessFile>* result,
                                        rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& path, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDir(const std::string& path, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDirIfMissing(const std::string& path, const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override;

  // Used by the file wrappers.
  // Fails after a crash, or when the policy fails this log append or sync.
  rocksdb::IOStatus Before(DiskOp op, const std::string& path);
  void Appended(const std::string& path, std::uint64_t bytes);
  void Synced(const std::string& path);

 private:
  struct FileState {
    std::uint64_t size = 0;
    std::uint64_t synced = 0;
  };
  bool OnSimulationThread() const { return std::this_thread::get_id() == owner_; }
  rocksdb::IOStatus Dead() const;

  mutable std::mutex mu_;  // determinism-ok: guards state shared with RocksDB's threads
  const std::thread::id owner_;  // determinism-ok: the simulation thread, for the error policy
  bool crashed_ = false;
  std::map<std::string, FileState> files_;
  ErrorPolicy policy_;
};

}  // namespace testplanet::fakes

#endif  // TESTPLANET_FAKES_FAULTY_FS_H_
