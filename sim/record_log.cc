#include "sim/record_log.h"

#include <algorithm>

namespace testplanet {
namespace {

constexpr std::size_t kFirstBlockBytes = std::size_t{64} << 10;
constexpr std::size_t kLastBlockBytes = std::size_t{1} << 20;

char* PutVarint(char* out, std::uint64_t v) {
  while (v >= 0x80) {
    *out++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<char>(v);
  return out;
}

// Reads a varint the log wrote itself (trusted: no bounds to check).
std::uint64_t GetVarint(const char* data, std::size_t& offset) {
  std::uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(data[offset++]);
    v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return v;
  }
}

}  // namespace

void AppendVarint(std::string& out, std::uint64_t v) {
  char bytes[10];
  out.append(bytes, static_cast<std::size_t>(PutVarint(bytes, v) - bytes));
}

void RecordLog::Append(const TraceRecord& record) {
  if (blocks_.empty() || blocks_.back().capacity - blocks_.back().size < kMaxRecordBytes) {
    // Blocks grow from 64 KiB to 1 MiB: a small run holds little, a long one never copies.
    const std::size_t capacity =
        blocks_.empty() ? kFirstBlockBytes : std::min(2 * blocks_.back().capacity, kLastBlockBytes);
    blocks_.push_back(Block{std::make_unique<char[]>(capacity), 0, capacity});
    held_bytes_ += capacity;
  }
  if (record.kind != last_kind_ || last_kind_index_ == ~std::uint64_t{0}) {
    auto [it, added] = kind_index_.try_emplace(record.kind, kinds_.size());
    if (added) kinds_.push_back(record.kind);
    last_kind_ = record.kind;
    last_kind_index_ = it->second;
  }
  Block& block = blocks_.back();
  char* out = block.data.get() + block.size;
  // Deltas wrap modulo 2^64 (a time can go from the most negative to the most positive).
  out = PutVarint(out, ZigZag(static_cast<std::int64_t>(static_cast<std::uint64_t>(record.time_ns) -
                                                        static_cast<std::uint64_t>(last_time_))));
  out = PutVarint(out, ZigZag(static_cast<std::int64_t>(record.seq - last_seq_)));
  out = PutVarint(out, record.peer);
  out = PutVarint(out, last_kind_index_);
  out = PutVarint(out, record.a);
  out = PutVarint(out, record.b);
  out = PutVarint(out, record.c);
  block.size = static_cast<std::size_t>(out - block.data.get());
  last_time_ = record.time_ns;
  last_seq_ = record.seq;
  ++count_;
}

std::optional<TraceRecord> RecordLog::At(std::uint64_t index) const {
  if (index >= count_) return std::nullopt;
  Iterator it = begin();
  for (std::uint64_t i = 0; i < index; ++i) ++it;
  return *it;
}

void RecordLog::Iterator::Decode() {
  if (index_ >= log_->count_) return;
  if (offset_ == log_->blocks_[block_].size) {
    ++block_;
    offset_ = 0;
  }
  const char* data = log_->blocks_[block_].data.get();
  record_.time_ns =
      static_cast<std::int64_t>(static_cast<std::uint64_t>(record_.time_ns) +
                                static_cast<std::uint64_t>(UnZigZag(GetVarint(data, offset_))));
  record_.seq += static_cast<std::uint64_t>(UnZigZag(GetVarint(data, offset_)));
  record_.peer = static_cast<PeerId>(GetVarint(data, offset_));
  record_.kind = log_->kinds_[GetVarint(data, offset_)];
  record_.a = GetVarint(data, offset_);
  record_.b = GetVarint(data, offset_);
  record_.c = GetVarint(data, offset_);
}

}  // namespace testplanet
