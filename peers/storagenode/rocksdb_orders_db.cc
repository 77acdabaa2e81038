#include "peers/storagenode/rocksdb_orders_db.h"

#include <algorithm>

#include "peers/protocol/signing.h"

namespace testplanet::storagenode {
namespace {

constexpr std::string_view kUnsentPrefix = "orders/unsent/";
constexpr std::string_view kArchivedPrefix = "orders/archived/";

std::string UnsentKey(std::string_view satellite, std::string_view serial) {
  std::string key(kUnsentPrefix);
  key += satellite;
  key += serial;
  return key;
}

std::string ArchivedKey(TimePoint archived_at, std::string_view satellite,
                        std::string_view serial) {
  std::string key(kArchivedPrefix);
  AppendBigEndian64(key, static_cast<std::uint64_t>(ToUnixNanos(archived_at)));
  key += satellite;
  key += serial;
  return key;
}

Status Corrupt(std::string_view key) {
  return Status(StatusCode::kDataLoss, "orders db: unreadable record under a key of " +
                                           std::to_string(key.size()) + " bytes");
}

}  // namespace

const char* OrderStatusName(OrderStatus status) {
  switch (status) {
    case OrderStatus::kUnsent:
      return "unsent";
    case OrderStatus::kAccepted:
      return "accepted";
    case OrderStatus::kRejected:
      return "rejected";
  }
  return "unknown";
}

Status RocksdbOrdersDb::Enqueue(const OrderInfo& info) {
  if (info.limit.satellite_id().size() != kNodeIdSize) {
    return InvalidArgumentError("enqueue: order limit has no valid satellite ID");
  }
  if (info.limit.serial_number().empty()) {
    return InvalidArgumentError("enqueue: order limit has no serial number");
  }
  pb::OrderRecord record;
  *record.mutable_limit() = info.limit;
  *record.mutable_order() = info.order;
  std::string key = UnsentKey(info.limit.satellite_id(), info.limit.serial_number());
  Status s = store_->Put(key, DeterministicBytes(record));
  // Kept even when the write failed: it may still have landed.
  if (unsent_keys_known_) unsent_keys_.insert(std::move(key));
  return s;
}

StatusOr<std::vector<OrderInfo>> RocksdbOrdersDb::ListUnsent(std::size_t limit) {
  std::vector<OrderInfo> out;
  if (unsent_keys_known_ && unsent_keys_.empty()) return out;
  std::string begin(kUnsentPrefix);
  std::string end = PrefixEnd(kUnsentPrefix);
  if (unsent_keys_known_) {
    begin = *unsent_keys_.begin();
    end = *unsent_keys_.rbegin() + '\0';  // the smallest key after the last
  }
  // The scan and the set are both in key order: walked in step, keys the scan passed without
  // seeing are gone and leave the set, and keys it sees (records that do not parse included) stay
  // or join, so a listing allocates nothing for a set that was already exact.
  auto next = unsent_keys_.begin();
  bool whole = true;  // false when the limit cut the listing short
  Status s = store_->Scan(begin, end, [&](std::string_view key, std::string_view value) {
    if (out.size() >= limit) {
      whole = false;
      return false;
    }
    while (next != unsent_keys_.end() && *next < key) next = unsent_keys_.erase(next);
    if (next != unsent_keys_.end() && *next == key) {
      ++next;
    } else {
      unsent_keys_.emplace_hint(next, key);
    }
    pb::OrderRecord record;
    if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      ++corrupt_records_;
      return true;  // skip it, list the rest
    }
    out.push_back(
        OrderInfo{std::move(*record.mutable_limit()), std::move(*record.mutable_order())});
    return true;
  });
  if (!s.ok()) return s;
  if (whole) {
    unsent_keys_.erase(next, unsent_keys_.end());
    unsent_keys_known_ = true;
  }
  return out;
}

StatusOr<std::map<NodeId, std::vector<OrderInfo>>> RocksdbOrdersDb::ListUnsentBySatellite() {
  StatusOr<std::vector<OrderInfo>> all = ListUnsent(SIZE_MAX);
  if (!all.ok()) return all.status();
  std::map<NodeId, std::vector<OrderInfo>> by_satellite;
  for (OrderInfo& info : *all) {
    StatusOr<NodeId> satellite = NodeId::FromBytes(info.limit.satellite_id());
    if (!satellite.ok()) continue;  // Enqueue never stores these
    by_satellite[*satellite].push_back(std::move(info));
  }
  return by_satellite;
}

Status RocksdbOrdersDb::Archive(TimePoint archived_at,
                                const std::vector<ArchiveRequest>& requests) {
  Batch batch;
  std::size_t missing = 0;
  std::vector<std::string> gone;  // unsent keys that are not in the store once the batch is in
  gone.reserve(requests.size());
  for (const ArchiveRequest& request : requests) {
    std::string& unsent_key =
        gone.emplace_back(UnsentKey(request.satellite.bytes(), request.serial));
    StatusOr<std::optional<std::string>> value = store_->Get(unsent_key);
    if (!value.ok()) return value.status();
    if (!value->has_value()) {
      ++missing;
      continue;
    }
    pb::OrderRecord record;
    if (!record.ParseFromString(**value)) return Corrupt(unsent_key);
    record.set_status(static_cast<int>(request.status));
    record.set_archived_at(ToUnixNanos(archived_at));
    batch.Delete(unsent_key);
    batch.Put(ArchivedKey(archived_at, request.satellite.bytes(), request.serial),
              DeterministicBytes(record));
  }
  if (batch.count() > 0) {
    // Lowered before the write: a failed write may still have reached the store.
    archive_floor_ = std::min(archive_floor_, static_cast<std::uint64_t>(ToUnixNanos(archived_at)));
    if (Status s = store_->Write(batch); !s.ok()) return s;  // the keys may still be there
  }
  for (const std::string& key : gone) unsent_keys_.erase(key);
  if (missing > 0) {
    return NotFoundError("archive: " + std::to_string(missing) + " of " +
                         std::to_string(requests.size()) + " orders were not unsent");
  }
  return Status::Ok();
}

StatusOr<std::vector<ArchivedOrder>> RocksdbOrdersDb::ListArchived(std::size_t limit) {
  std::vector<ArchivedOrder> out;
  Status s = store_->ScanPrefix(kArchivedPrefix, [&](std::string_view, std::string_view value) {
    if (out.size() >= limit) return false;
    pb::OrderRecord record;
    if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) return true;
    ArchivedOrder archived;
    archived.limit = std::move(*record.mutable_limit());
    archived.order = std::move(*record.mutable_order());
    archived.status = static_cast<OrderStatus>(record.status());
    archived.archived_at =
        TimePoint(Duration(record.archived_at() - kEpochUnixSeconds * 1'000'000'000));
    out.push_back(std::move(archived));
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<std::uint64_t> RocksdbOrdersDb::CleanArchive(TimePoint now, Duration ttl) {
  // Archived keys sort by archive time: everything before the first key archived after the
  // cutoff goes, the cutoff itself included (archived_at <= now - ttl).
  // The scan goes on to the first key it keeps, whose time is the new floor.
  const auto end_time = static_cast<std::uint64_t>(ToUnixNanos(now - ttl) + 1);
  if (archive_floor_ >= end_time) return 0;
  std::string end(kArchivedPrefix);
  AppendBigEndian64(end, end_time);
  Batch batch;
  std::uint64_t floor = UINT64_MAX;
  Status s = store_->ScanPrefix(kArchivedPrefix, [&](std::string_view key, std::string_view) {
    if (key >= std::string_view(end)) {
      floor = key.size() >= kArchivedPrefix.size() + 8
                  ? ReadBigEndian64(key.substr(kArchivedPrefix.size()))
                  : kArchiveFloorUnknown;
      return false;
    }
    batch.Delete(key);
    return true;
  });
  if (!s.ok()) return s;
  const std::uint64_t deleted = batch.count();
  if (deleted > 0) {
    archive_floor_ = kArchiveFloorUnknown;  // until the write is known to have gone in
    if (Status w = store_->Write(batch); !w.ok()) return w;
  }
  archive_floor_ = floor;
  return deleted;
}

StatusOr<std::map<NodeId, OrderCounts>> RocksdbOrdersDb::CountBySatellite() {
  std::map<NodeId, OrderCounts> counts;
  // The satellite's ID is in every key: after the prefix for unsent orders, after the archive
  // time for archived ones.
  auto satellite_in = [](std::string_view key, std::size_t at) -> StatusOr<NodeId> {
    if (key.size() < at + kNodeIdSize) return Corrupt(key);
    return NodeId::FromBytes(key.substr(at, kNodeIdSize));
  };
  Status s = store_->ScanPrefix(kUnsentPrefix, [&](std::string_view key, std::string_view) {
    if (auto satellite = satellite_in(key, kUnsentPrefix.size()); satellite.ok()) {
      ++counts[*satellite].unsent;
    }
    return true;
  });
  if (!s.ok()) return s;
  s = store_->ScanPrefix(kArchivedPrefix, [&](std::string_view key, std::string_view value) {
    auto satellite = satellite_in(key, kArchivedPrefix.size() + 8);
    pb::OrderRecord record;
    if (!satellite.ok() || !record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return true;
    }
    if (record.status() == static_cast<int>(OrderStatus::kAccepted)) ++counts[*satellite].accepted;
    if (record.status() == static_cast<int>(OrderStatus::kRejected)) ++counts[*satellite].rejected;
    return true;
  });
  if (!s.ok()) return s;
  return counts;
}

StatusOr<OrderCounts> RocksdbOrdersDb::Count() {
  OrderCounts counts;
  Status s = store_->ScanPrefix(kUnsentPrefix, [&](std::string_view, std::string_view) {
    ++counts.unsent;
    return true;
  });
  if (!s.ok()) return s;
  s = store_->ScanPrefix(kArchivedPrefix, [&](std::string_view, std::string_view value) {
    pb::OrderRecord record;
    if (record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      if (record.status() == static_cast<int>(OrderStatus::kAccepted)) ++counts.accepted;
      if (record.status() == static_cast<int>(OrderStatus::kRejected)) ++counts.rejected;
    }
    return true;
  });
  if (!s.ok()) return s;
  return counts;
}

}  // namespace testplanet::storagenode
