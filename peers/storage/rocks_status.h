// RocksDB's statuses as testplanet's, for the storage code (store.cc, blob_store.cc) only:
// it brings RocksDB's headers with it, which other headers keep out.
#ifndef TESTPLANET_PEERS_STORAGE_ROCKS_STATUS_H_
#define TESTPLANET_PEERS_STORAGE_ROCKS_STATUS_H_

#include <rocksdb/status.h>

#include <string>
#include <string_view>

#include "sim/status.h"

namespace testplanet {

// OK, or `what`: RocksDB's message, with the nearest code (an I/O error is UNAVAILABLE).
inline Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  StatusCode code = StatusCode::kInternal;
  if (s.IsNotFound()) code = StatusCode::kNotFound;
  if (s.IsCorruption()) code = StatusCode::kDataLoss;
  if (s.IsIOError()) code = StatusCode::kUnavailable;
  if (s.IsInvalidArgument()) code = StatusCode::kInvalidArgument;
  return Status(code, std::string(what) + ": " + s.ToString());
}

}  // namespace testplanet

#endif  // TESTPLANET_PEERS_STORAGE_ROCKS_STATUS_H_
