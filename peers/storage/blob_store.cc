#include "peers/storage/blob_store.h"

#include <rocksdb/file_system.h>

#include <charconv>
#include <memory>

#include "peers/identity/identity.h"
#include "peers/storage/rocks_status.h"
#include "peers/work.h"

namespace testplanet {
namespace {

constexpr std::string_view kBlobDirectory = "/blobs";
constexpr std::string_view kTemporarySuffix = ".partial";

// Writes `data` to a new file at `path`, synced and closed.
rocksdb::IOStatus WriteSynced(rocksdb::FileSystem& fs, const std::string& path,
                              std::string_view data) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  const rocksdb::IOOptions io;
  rocksdb::IOStatus s = fs.NewWritableFile(path, rocksdb::FileOptions(), &file, nullptr);
  if (!s.ok()) return s;
  s = file->Append(rocksdb::Slice(data.data(), data.size()), io, nullptr);
  if (s.ok()) s = file->Sync(io, nullptr);
  const rocksdb::IOStatus closed = file->Close(io, nullptr);
  return s.ok() ? closed : s;
}

}  // namespace

bool BlobStore::IsBlobPath(std::string_view path) {
  // .../blobs/<two hex digits>/<name>: the database's own files sit in the directory itself.
  const std::size_t name = path.rfind('/');
  if (name == std::string_view::npos || name < 3) return false;
  const std::size_t subdirectory = path.rfind('/', name - 1);
  if (subdirectory == std::string_view::npos || name - subdirectory != 3) return false;
  return path.substr(0, subdirectory).ends_with(kBlobDirectory);
}

std::string BlobStore::SubdirectoryOf(std::string_view hex) const {
  // The first two hex digits name a subdirectory, as in Storj's blob store: a week of pieces on
  // a real disk is hundreds of thousands of files.
  std::string path = store_->directory();
  path += kBlobDirectory;
  path += '/';
  path += hex.substr(0, 2);
  return path;
}

std::string BlobStore::PathOf(std::string_view hex) const {
  return SubdirectoryOf(hex) + "/" + std::string(hex);
}

rocksdb::IOStatus BlobStore::MakeSubdirectory(std::string_view hex) {
  // Once per subdirectory per BlobStore: directories outlive crashes here (only unsynced file
  // bytes are lost), so a made one stays made. The blob directory first: a real disk makes one
  // level at a time.
  unsigned index = 0;
  std::from_chars(hex.data(), hex.data() + 2, index, 16);  // HexOf gives two digits at least
  if (made_[index]) return rocksdb::IOStatus::OK();
  rocksdb::FileSystem& fs = store_->file_system();
  const rocksdb::IOOptions io;
  rocksdb::IOStatus s =
      fs.CreateDirIfMissing(store_->directory() + std::string(kBlobDirectory), io, nullptr);
  if (s.ok()) s = fs.CreateDirIfMissing(SubdirectoryOf(hex), io, nullptr);
  if (s.ok()) made_[index] = true;
  return s;
}

Status BlobStore::Put(std::string_view id, std::string_view data) {
  // Counted apart from the database's writes: the floor gives a blob write its own unit cost.
  ++ProcessWork().blob_writes;
  if (id.empty()) return InvalidArgumentError("a blob needs an id");
  const std::string hex = HexOf(id);
  if (rocksdb::IOStatus s = MakeSubdirectory(hex); !s.ok()) return FromRocks(s, "put blob");
  const std::string path = PathOf(hex);
  rocksdb::FileSystem& fs = store_->file_system();
  const rocksdb::IOOptions io;
  const std::string temporary = path + std::string(kTemporarySuffix);
  rocksdb::IOStatus s = WriteSynced(fs, temporary, data);
  if (s.ok()) s = fs.RenameFile(temporary, path, io, nullptr);
  if (!s.ok()) {
    // Nothing of a failed Put stays under the blob's name; the temporary file goes if it can.
    fs.DeleteFile(temporary, io, nullptr).PermitUncheckedError();
    return FromRocks(s, "put blob");
  }
  return Status::Ok();
}

StatusOr<std::optional<std::string>> BlobStore::Get(std::string_view id) {
  ++ProcessWork().blob_reads;
  if (id.empty()) return std::optional<std::string>();
  std::string data;
  const rocksdb::IOStatus s =
      rocksdb::ReadFileToString(&store_->file_system(), PathOf(HexOf(id)), &data);
  if (s.IsPathNotFound() || s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "get blob");
  return std::optional<std::string>(std::move(data));
}

}  // namespace testplanet
