// The planet's disks: each peer's data (a MemEnv in memory, or a directory), the fault layer over
// it, and the rule that an on-disk planet starts from empty disks.
#include <rocksdb/env.h>

#include "scenarios/planet/owned_directory.h"
#include "scenarios/planet/planet.h"

namespace testplanet {

// A planet on disk starts from empty disks, as a planet in memory does: the directory is
// claimed (owned_directory.h) and an earlier planet's databases in it removed. Only the marker
// says they are ours; a directory of someone else's files is refused, never emptied.
Status Planet::ClearEarlierDatabases(const std::string& directory) {
  if (Status s = ClaimDirectory(directory); !s.ok()) return s;
  return ClearDirectory(directory);
}

Status CheckDiskDirectory(const std::string& directory) { return CheckClaimable(directory); }

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
