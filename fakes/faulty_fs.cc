#include "fakes/faulty_fs.h"

#include <utility>
#include <vector>

#include "peers/storage/blob_store.h"
#include "sim/simulator.h"

namespace testplanet::fakes {
namespace {

using rocksdb::FileOptions;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// A file being written: tells the file system what was appended and synced.
class TrackedWritableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedWritableFile(std::unique_ptr<rocksdb::FSWritableFile> file, FaultyFileSystem* fs,
                      std::string path)
      : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs), path_(std::move(path)) {}

  IOStatus Append(const Slice& data, const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = Gate(/*sync=*/false); !s.ok()) return s;
    IOStatus s = target()->Append(data, options, dbg);
    if (s.ok()) fs_->Appended(path_, data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    if (IOStatus s = Gate(/*sync=*/false); !s.ok()) return s;
    IOStatus s = target()->Append(data, options, info, dbg);
    if (s.ok()) fs_->Appended(path_, data.size());
    return s;
  }
  IOStatus PositionedAppend(const Slice&, std::uint64_t, const IOOptions&,
                            IODebugContext*) override {
    return IOStatus::NotSupported("positioned append");
  }
  IOStatus PositionedAppend(const Slice&, std::uint64_t, const IOOptions&,
                            const rocksdb::DataVerificationInfo&, IODebugContext*) override {
    return IOStatus::NotSupported("positioned append");
  }
  IOStatus Flush(const IOOptions& options, IODebugContext* dbg) override {
    if (failed_ || fs_->crashed()) return IOStatus::IOError("failed earlier: " + path_);
    return target()->Flush(options, dbg);
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    return SyncWith([&] { return target()->Sync(options, dbg); });
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    return SyncWith([&] { return target()->Fsync(options, dbg); });
  }
  IOStatus RangeSync(std::uint64_t, std::uint64_t, const IOOptions&, IODebugContext*) override {
    return IOStatus::OK();  // a hint only; durability comes from Sync
  }
  IOStatus Close(const IOOptions& options, IODebugContext* dbg) override {
    if (fs_->crashed()) return IOStatus::IOError("crashed");
    return target()->Close(options, dbg);
  }

 private:
  template <typename F>
  IOStatus SyncWith(F sync) {
    if (IOStatus s = Gate(/*sync=*/true); !s.ok()) return s;
    IOStatus s = sync();
    if (s.ok()) fs_->Synced(path_);
    return s;
  }
  // A file that failed stays failed, and asks the policy nothing more: RocksDB retries its
  // buffered bytes when it closes the file, from whichever thread happens to close it, and a
  // fresh decision there would tie the seed's draws to thread timing.
  IOStatus Gate(bool sync) {
    if (failed_) return IOStatus::IOError("failed earlier: " + path_);
    IOStatus decided = fs_->Before(sync ? DiskOp::kSync : DiskOp::kWrite, path_);
    if (!decided.ok()) failed_ = true;
    return decided;
  }

  FaultyFileSystem* fs_;
  std::string path_;
  bool failed_ = false;
};

// Reads: each read call is offered to the policy (and fails after a crash, like every other
// call). A failed read is not remembered: RocksDB reads again when the caller asks again.
class GuardedSequentialFile : public rocksdb::FSSequentialFileOwnerWrapper {
 public:
  GuardedSequentialFile(std::unique_ptr<rocksdb::FSSequentialFile> file, FaultyFileSystem* fs,
                        std::string path)
      : FSSequentialFileOwnerWrapper(std::move(file)), fs_(fs), path_(std::move(path)) {}
  IOStatus Read(std::size_t n, const IOOptions& options, Slice* result, char* scratch,
                IODebugContext* dbg) override {
    if (IOStatus s = fs_->Before(DiskOp::kRead, path_); !s.ok()) return s;
    return target()->Read(n, options, result, scratch, dbg);
  }
  IOStatus PositionedRead(std::uint64_t offset, std::size_t n, const IOOptions& options,
                          Slice* result, char* scratch, IODebugContext* dbg) override {
    if (IOStatus s = fs_->Before(DiskOp::kRead, path_); !s.ok()) return s;
    return target()->PositionedRead(offset, n, options, result, scratch, dbg);
  }

 private:
  FaultyFileSystem* fs_;
  std::string path_;
};

class GuardedRandomAccessFile : public rocksdb::FSRandomAccessFileOwnerWrapper {
 public:
  GuardedRandomAccessFile(std::unique_ptr<rocksdb::FSRandomAccessFile> file, FaultyFileSystem* fs,
                          std::string path)
      : FSRandomAccessFileOwnerWrapper(std::move(file)), fs_(fs), path_(std::move(path)) {}
  IOStatus Read(std::uint64_t offset, std::size_t n, const IOOptions& options, Slice* result,
                char* scratch, IODebugContext* dbg) const override {
    if (IOStatus s = fs_->Before(DiskOp::kRead, path_); !s.ok()) return s;
    return target()->Read(offset, n, options, result, scratch, dbg);
  }
  // One decision for the whole batch: RocksDB issues it as one request.
  IOStatus MultiRead(rocksdb::FSReadRequest* requests, std::size_t n, const IOOptions& options,
                     IODebugContext* dbg) override {
    if (IOStatus s = fs_->Before(DiskOp::kRead, path_); !s.ok()) return s;
    return target()->MultiRead(requests, n, options, dbg);
  }
  // Served synchronously through Read, where the policy sees it (RocksDB's default).
  IOStatus ReadAsync(rocksdb::FSReadRequest& request, const IOOptions& options,
                     std::function<void(const rocksdb::FSReadRequest&, void*)> callback,
                     void* callback_arg, void** handle, rocksdb::IOHandleDeleter* deleter,
                     IODebugContext* dbg) override {
    // The base class's, not the wrapper's: it serves the read through Read, above.
    return FSRandomAccessFile::ReadAsync(  // NOLINT(bugprone-parent-virtual-call)
        request, options, std::move(callback), callback_arg, handle, deleter, dbg);
  }

 private:
  FaultyFileSystem* fs_;
  std::string path_;
};

// The write-ahead log (what every foreground write appends and syncs) and the blobs (a storage
// node's pieces): written at moments the simulation decides. Other files (tables, the manifest)
// are written by the flushes and compactions that run on RocksDB's threads.
bool IsOffered(const std::string& path) {
  return path.ends_with(".log") || BlobStore::IsBlobPath(path);
}

}  // namespace

const char* DiskOpName(DiskOp op) {
  switch (op) {
    case DiskOp::kRead:
      return "read";
    case DiskOp::kWrite:
      return "write";
    case DiskOp::kSync:
      return "sync";
  }
  return "?";
}

FaultyFileSystem::FaultyFileSystem(std::shared_ptr<rocksdb::FileSystem> base, const Simulator* sim)
    : FileSystemWrapper(base),
      owner_(std::this_thread::get_id()),
      sim_(sim),
      // The class name of what rocksdb::NewMemEnv's file system is (rocksdb's MockFileSystem).
      rename_by_copy_(base != nullptr && base->IsInstanceOf("MemoryFileSystem")) {}

FaultyFileSystem::~FaultyFileSystem() = default;

IOStatus FaultyFileSystem::Dead() const { return IOStatus::IOError("crashed: the peer is down"); }

bool FaultyFileSystem::crashed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return crashed_;
}

void FaultyFileSystem::Crash() {
  std::lock_guard<std::mutex> lock(mu_);
  crashed_ = true;
}

void FaultyFileSystem::SetErrorPolicy(ErrorPolicy policy) {
  std::lock_guard<std::mutex> lock(mu_);
  policy_ = std::move(policy);
}

StatusOr<std::uint64_t> FaultyFileSystem::Recover() {
  std::map<std::string, FileState> files;
  {
    std::lock_guard<std::mutex> lock(mu_);
    files = files_;
  }
  // Rewrite each file that holds unsynced bytes with just its synced prefix. This runs while
  // the peer is down: nothing else writes these files.
  std::uint64_t lost = 0;
  IOOptions io;
  for (auto& [path, state] : files) {
    if (state.size <= state.synced) continue;
    lost += state.size - state.synced;
    std::string kept;
    if (state.synced > 0) {
      std::unique_ptr<rocksdb::FSSequentialFile> in;
      IOStatus s = target()->NewSequentialFile(path, FileOptions(), &in, nullptr);
      if (!s.ok()) return Status(StatusCode::kInternal, "recover " + path + ": " + s.ToString());
      kept.resize(state.synced);
      Slice got;
      s = in->Read(state.synced, io, &got, kept.data(), nullptr);
      if (!s.ok()) return Status(StatusCode::kInternal, "recover " + path + ": " + s.ToString());
      kept.assign(got.data(), got.size());
    }
    std::unique_ptr<rocksdb::FSWritableFile> out;
    IOStatus s = target()->NewWritableFile(path, FileOptions(), &out, nullptr);
    if (s.ok() && !kept.empty()) s = out->Append(kept, io, nullptr);
    if (s.ok()) s = out->Sync(io, nullptr);
    if (s.ok()) s = out->Close(io, nullptr);
    if (!s.ok()) return Status(StatusCode::kInternal, "recover " + path + ": " + s.ToString());
    state.size = state.synced = kept.size();
  }
  std::lock_guard<std::mutex> lock(mu_);
  files_ = std::move(files);
  crashed_ = false;
  return lost;
}

IOStatus FaultyFileSystem::Before(DiskOp op, const std::string& path) {
  ErrorPolicy policy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (crashed_) return Dead();
    if (!policy_ || !OnSimulationThread()) return IOStatus::OK();
    if (op != DiskOp::kRead && !IsOffered(path)) return IOStatus::OK();
    if (sim_ != nullptr && sim_->observing()) return IOStatus::OK();
    policy = policy_;
  }
  if (!policy(op, path)) return IOStatus::OK();
  return IOStatus::IOError(std::string("injected ") + DiskOpName(op) + " error: " + path);
}

void FaultyFileSystem::Appended(const std::string& path, std::uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[path].size += bytes;
}

void FaultyFileSystem::Synced(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  FileState& state = files_[path];
  state.synced = state.size;
}

IOStatus FaultyFileSystem::NewWritableFile(const std::string& path, const FileOptions& options,
                                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                                           IODebugContext* dbg) {
  if (crashed()) return Dead();
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->NewWritableFile(path, options, &file, dbg);
  if (!s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    files_[path] = FileState{};  // created empty: nothing of it is durable yet
  }
  *result = std::make_unique<TrackedWritableFile>(std::move(file), this, path);
  return s;
}

IOStatus FaultyFileSystem::ReopenWritableFile(const std::string& path, const FileOptions& options,
                                              std::unique_ptr<rocksdb::FSWritableFile>* result,
                                              IODebugContext* dbg) {
  if (crashed()) return Dead();
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->ReopenWritableFile(path, options, &file, dbg);
  if (!s.ok()) return s;
  std::uint64_t size = 0;
  target()->GetFileSize(path, IOOptions(), &size, dbg).PermitUncheckedError();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] = files_.try_emplace(path, FileState{size, size});
    if (!inserted) it->second.size = size;
  }
  *result = std::make_unique<TrackedWritableFile>(std::move(file), this, path);
  return s;
}

IOStatus FaultyFileSystem::ReuseWritableFile(const std::string& path, const std::string& old_path,
                                             const FileOptions& options,
                                             std::unique_ptr<rocksdb::FSWritableFile>* result,
                                             IODebugContext* dbg) {
  if (crashed()) return Dead();
  if (IOStatus s = RenameFile(old_path, path, IOOptions(), dbg); !s.ok()) return s;
  return NewWritableFile(path, options, result, dbg);
}

IOStatus FaultyFileSystem::NewSequentialFile(const std::string& path, const FileOptions& options,
                                             std::unique_ptr<rocksdb::FSSequentialFile>* result,
                                             IODebugContext* dbg) {
  if (crashed()) return Dead();
  std::unique_ptr<rocksdb::FSSequentialFile> file;
  IOStatus s = target()->NewSequentialFile(path, options, &file, dbg);
  if (s.ok()) *result = std::make_unique<GuardedSequentialFile>(std::move(file), this, path);
  return s;
}

IOStatus FaultyFileSystem::NewRandomAccessFile(const std::string& path, const FileOptions& options,
                                               std::unique_ptr<rocksdb::FSRandomAccessFile>* result,
                                               IODebugContext* dbg) {
  if (crashed()) return Dead();
  std::unique_ptr<rocksdb::FSRandomAccessFile> file;
  IOStatus s = target()->NewRandomAccessFile(path, options, &file, dbg);
  if (s.ok()) *result = std::make_unique<GuardedRandomAccessFile>(std::move(file), this, path);
  return s;
}

IOStatus FaultyFileSystem::DeleteFile(const std::string& path, const IOOptions& options,
                                      IODebugContext* dbg) {
  if (crashed()) return Dead();
  IOStatus s = target()->DeleteFile(path, options, dbg);
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    files_.erase(path);
  }
  return s;
}

IOStatus FaultyFileSystem::RenameFile(const std::string& from, const std::string& to,
                                      const IOOptions& options, IODebugContext* dbg) {
  if (crashed()) return Dead();
  IOStatus s = rename_by_copy_ ? CopyThenDelete(from, to, options, dbg)
                               : target()->RenameFile(from, to, options, dbg);
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(from);
    if (it != files_.end()) {
      files_[to] = it->second;
      files_.erase(from);
    } else {
      files_.erase(to);
    }
  }
  return s;
}

IOStatus FaultyFileSystem::CopyThenDelete(const std::string& from, const std::string& to,
                                          const IOOptions& options, IODebugContext* dbg) {
  if (from == to) return target()->FileExists(from, options, dbg);  // rename(2): nothing to do
  std::string bytes;
  IOStatus s = rocksdb::ReadFileToString(target(), from, &bytes);
  if (!s.ok()) return s;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  s = target()->NewWritableFile(to, rocksdb::FileOptions(), &file, dbg);
  if (!s.ok()) return s;
  s = file->Append(rocksdb::Slice(bytes), options, dbg);
  if (s.ok()) s = file->Sync(options, dbg);
  const IOStatus closed = file->Close(options, dbg);
  if (s.ok()) s = closed;
  if (!s.ok()) return s;
  return target()->DeleteFile(from, options, dbg);
}

IOStatus FaultyFileSystem::CreateDir(const std::string& path, const IOOptions& options,
                                     IODebugContext* dbg) {
  if (crashed()) return Dead();
  return target()->CreateDir(path, options, dbg);
}

IOStatus FaultyFileSystem::CreateDirIfMissing(const std::string& path, const IOOptions& options,
                                              IODebugContext* dbg) {
  if (crashed()) return Dead();
  return target()->CreateDirIfMissing(path, options, dbg);
}

}  // namespace testplanet::fakes
