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
//   * Errors: a policy decides, per read call and per write-ahead-log append and sync made on
//     the simulation thread, whether it fails with an I/O error. Every file's reads are offered
//     (the log and manifest at recovery, tables and blobs at reads); only the writes of the log
//     and of blobs (BlobStore: a storage node's pieces) are, since the other files are written
//     by flushes and compactions. What makes read decisions replay is
//     the Store: it gives RocksDB no background work, opens tables on its own thread and
//     deletes obsolete files itself, so which files exist and which read calls the simulation
//     thread makes follow from the simulation.
//     A log handle whose write failed stays failed (RocksDB retries its buffered bytes on close,
//     from whichever thread closes the file); a failed read is not remembered. Calls from
//     RocksDB's own threads (the flush or compaction the Store waits for, and the table check
//     after it) are never offered: deciding there would tie a decision to thread timing (DESIGN
//     rule 6). Nor are calls made while the simulation observes (Simulator::Observation): a
//     check reading the disk must not change what the peers' reads meet. A failed sync leaves
//     its bytes unsynced: they may survive or vanish, as after a real fsync error.
// Renames on RocksDB's in-memory file system (NewMemEnv) copy the file's bytes to the new name
// and delete the old one: that file system renames in time linear in every file it holds (it
// looks for children to move along, as if the file were a directory), and a storage node
// renames each piece it stores, so a node's pieces cost it quadratic time. Trap: a directory is
// never renamed through here.
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

namespace testplanet {
class Simulator;
}

namespace testplanet::fakes {

enum class DiskOp { kRead, kWrite, kSync };
const char* DiskOpName(DiskOp op);

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  // Returns true to fail this operation on `path`. Called on the simulation thread only.
  using ErrorPolicy = std::function<bool(DiskOp op, const std::string& path)>;

  // `sim` (optional, unowned) tells when the harness is observing.
  explicit FaultyFileSystem(std::shared_ptr<rocksdb::FileSystem> base,
                            const Simulator* sim = nullptr);
  ~FaultyFileSystem() override;

  static const char* kClassName() { return "TestplanetFaultyFileSystem"; }
  const char* Name() const override { return kClassName(); }

  void Crash();
  // Drops unsynced data and ends the crash. Returns how many bytes were lost.
  StatusOr<std::uint64_t> Recover();
  bool crashed() const;

  void SetErrorPolicy(ErrorPolicy policy);
  // True when renames copy and delete (the base is RocksDB's in-memory file system).
  bool renames_by_copy() const { return rename_by_copy_; }

  // Wrapped calls (the rest forward unchanged).
  rocksdb::IOStatus NewWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& path, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& path, const std::string& old_path,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewSequentialFile(const std::string& path, const rocksdb::FileOptions& options,
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
  // Fails after a crash, or when the policy fails this read, log append or log sync.
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
  // The rename of a file on the in-memory file system: a copy, then a delete (see above).
  rocksdb::IOStatus CopyThenDelete(const std::string& from, const std::string& to,
                                   const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg);

  mutable std::mutex mu_;        // determinism-ok: guards state shared with RocksDB's threads
  const std::thread::id owner_;  // determinism-ok: the simulation thread, for the error policy
  const Simulator* sim_;
  const bool rename_by_copy_;  // the base is RocksDB's in-memory file system
  bool crashed_ = false;
  std::map<std::string, FileState> files_;
  ErrorPolicy policy_;
};

}  // namespace testplanet::fakes

#endif  // TESTPLANET_FAKES_FAULTY_FS_H_
