// BlobStore: whole values kept as files beside a peer's database, as Storj's storage node keeps
// its pieces (a file per piece in its blob directory, not rows in its database).
//
// Blobs live under <the Store's directory>/blobs/<first two hex digits>/<the id in hex>, on the
// Store's disk: the same file system, so the same injected faults and the same crashes (a blob is
// written to a temporary file, synced, then renamed: once Put returns OK it survives a crash,
// and a crash never leaves a torn blob under its name). Why files and not rows: a row costs its
// bytes three times in memory until a flush (the log, held in a growing string, and the
// memtable), and a storage node's pieces are most of what a planet holds; a file holds them
// once.
// Promises: Get sees every Put before it; a blob's name depends only on its id.
// Trap: the BlobStore borrows the Store's file system; the Store must outlive it.
#ifndef TESTPLANET_PEERS_STORAGE_BLOB_STORE_H_
#define TESTPLANET_PEERS_STORAGE_BLOB_STORE_H_

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "peers/storage/store.h"
#include "sim/status.h"

namespace rocksdb {
class IOStatus;
}  // namespace rocksdb

namespace testplanet {

class BlobStore {
 public:
  explicit BlobStore(Store& store) : store_(&store) {}

  // Writes `data` as the blob `id` (any non-empty bytes), replacing an earlier one.
  Status Put(std::string_view id, std::string_view data);
  // The blob `id`, or nullopt when there is none.
  StatusOr<std::optional<std::string>> Get(std::string_view id);

  // True for a path a BlobStore writes (a blob or its temporary file), on any Store.
  static bool IsBlobPath(std::string_view path);

 private:
  std::string SubdirectoryOf(std::string_view hex) const;
  std::string PathOf(std::string_view hex) const;
  // Makes the blob's subdirectory (and the blob directory) unless this BlobStore already did.
  rocksdb::IOStatus MakeSubdirectory(std::string_view hex);
  Store* store_;
  std::bitset<256> made_;  // subdirectories made, by their two hex digits
};

}  // namespace testplanet

#endif  // TESTPLANET_PEERS_STORAGE_BLOB_STORE_H_
