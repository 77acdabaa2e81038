// The planet's disks: each peer's data (a MemEnv in memory, or a directory), the fault layer over
// it, and the rule that an on-disk planet starts from empty disks.
#include <rocksdb/env.h>

#include <filesystem>
#include <regex>
#include <system_error>

#include "scenarios/planet/planet.h"

namespace testplanet {
namespace {

// An earlier planet's database for one peer: a directory named for the peer holding only what
// RocksDB writes. Anything else is not ours to delete.
bool IsPeerDatabase(const std::filesystem::directory_entry& entry) {
  static const std::regex kPeer("(satellite|storagenode)[0-9]+");
  static const std::regex kRocksDbFile(
      "CURRENT|IDENTITY|LOCK|LOG(\\.old\\.[0-9]+)?|MANIFEST-[0-9]+|OPTIONS-[0-9]+(\\.dbtmp)?|"
      "[0-9]+\\.(log|sst|dbtmp)");
  std::error_code error;
  if (!entry.is_directory(error) || !std::regex_match(entry.path().filename().string(), kPeer)) {
    return false;
  }
  for (const auto& file : std::filesystem::directory_iterator(entry.path(), error)) {
    if (!file.is_regular_file(error) ||
        !std::regex_match(file.path().filename().string(), kRocksDbFile)) {
      return false;
    }
  }
  return !error;
}

// The entries of `directory` (none if it is missing), each an earlier planet's database; fails
// on the first entry that is anything else.
StatusOr<std::vector<std::filesystem::path>> EarlierDatabases(const std::string& directory) {
  std::vector<std::filesystem::path> earlier;
  std::error_code error;
  if (!std::filesystem::exists(directory, error)) return earlier;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (!IsPeerDatabase(entry)) {
      return FailedPreconditionError(
          directory + " holds " + entry.path().filename().string() +
          ", which is not a database of an earlier run; choose an empty run directory");
    }
    earlier.push_back(entry.path());
  }
  if (error) return Status(StatusCode::kUnavailable, "list " + directory + ": " + error.message());
  return earlier;
}

}  // namespace

// A planet on disk starts from empty disks, as a planet in memory does: an earlier planet's
// databases under `directory` are removed.
Status Planet::ClearEarlierDatabases(const std::string& directory) {
  auto earlier = EarlierDatabases(directory);
  if (!earlier.ok()) return earlier.status();
  for (const auto& path : *earlier) {
    std::error_code error;
    std::filesystem::remove_all(path, error);
    if (error) {
      return Status(StatusCode::kUnavailable, "remove " + path.string() + ": " + error.message());
    }
  }
  return Status::Ok();
}

Status CheckDiskDirectory(const std::string& directory) {
  return EarlierDatabases(directory).status();
}

Planet::Disk Planet::MakeDisk() {
  Disk disk;
  std::shared_ptr<rocksdb::FileSystem> base = rocksdb::Env::Default()->GetFileSystem();
  if (config_.storage == StorageMode::kInMemory) {
    disk.data.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
    base = disk.data->GetFileSystem();
  }
  disk.fs = std::make_shared<fakes::FaultyFileSystem>(base, sim_.get());
  disk.env = rocksdb::NewCompositeEnv(disk.fs);
  return disk;
}

}  // namespace testplanet
