#include "sim/record_log.h"

#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace testplanet {
namespace {

constexpr std::size_t kFirstBlockBytes = std::size_t{64} << 10;
constexpr std::size_t kLastBlockBytes = std::size_t{1} << 20;
// zstd's fastest level: a quarter of the coded size on a run's records, at ~350 MB/s.
constexpr int kCompressionLevel = 1;

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

// Compresses `size` coded bytes into `frame` (resized to the frame), with `context` when there is
// one. Returns false on an error (only with no memory left).
bool CompressBlock(ZSTD_CCtx* context, const char* data, std::size_t size, std::string& frame) {
  frame.resize(ZSTD_compressBound(size));
  const std::size_t n =
      context != nullptr
          ? ZSTD_compressCCtx(context, frame.data(), frame.size(), data, size, kCompressionLevel)
          : ZSTD_compress(frame.data(), frame.size(), data, size, kCompressionLevel);
  if (ZSTD_isError(n) != 0) return false;
  frame.resize(n);
  return true;
}

// Writes (with pwrite) or reads (with pread) all of `size` bytes at `offset`, through short
// counts and interruptions.
template <typename Io, typename Bytes>
bool TransferAll(Io io, int fd, Bytes data, std::size_t size, std::uint64_t offset) {
  while (size > 0) {
    const ssize_t n = io(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

}  // namespace

struct RecordLog::SpillFile {
  int fd = -1;
  std::uint64_t size = 0;
};

void RecordLog::SpillFileDeleter::operator()(SpillFile* file) const {
  if (file->fd >= 0) ::close(file->fd);
  delete file;
}

bool RecordLog::SpillTo(const std::string& directory) {
  // mkstemp then unlink: the file lives as long as its descriptor, under no name.
  std::string path = directory + "/.records-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) return false;
  ::unlink(path.c_str());
  spill_.reset(new SpillFile{fd, 0});
  return true;
}

std::uint64_t RecordLog::spilled_bytes() const { return spill_ ? spill_->size : 0; }

void RecordLog::Spill(Block& block) {
  if (!spill_ || !TransferAll(::pwrite, spill_->fd, block.data.get(), block.size, spill_->size))
    return;
  block.file_offset = spill_->size;
  spill_->size += block.size;
  held_bytes_ -= block.capacity;
  block.data.reset();
  block.capacity = 0;
}

std::string_view RecordLog::Stored(const Block& block, std::string& buffer) const {
  if (block.file_offset == kInMemory) return {block.data.get(), block.size};
  buffer.resize(block.size);
  // The log wrote these bytes itself: only a disk taken away under the run fails here.
  if (!TransferAll(::pread, spill_->fd, buffer.data(), block.size, block.file_offset)) std::abort();
  return buffer;
}

void AppendVarint(std::string& out, std::uint64_t v) {
  char bytes[10];
  out.append(bytes, static_cast<std::size_t>(PutVarint(bytes, v) - bytes));
}

RecordLog::RecordLog() = default;
RecordLog::~RecordLog() = default;
RecordLog::RecordLog(RecordLog&&) noexcept = default;
RecordLog& RecordLog::operator=(RecordLog&&) noexcept = default;

void RecordLog::CCtxDeleter::operator()(ZSTD_CCtx_s* context) const { ZSTD_freeCCtx(context); }

void RecordLog::Seal(Block& block) {
  if (!compressor_) compressor_.reset(ZSTD_createCCtx());
  std::string frame;
  // No compressor (out of memory), an error or no gain: the block stays as coded.
  if (compressor_ && CompressBlock(compressor_.get(), block.data.get(), block.size, frame) &&
      frame.size() < block.size) {
    auto exact = std::make_unique<char[]>(frame.size());
    std::memcpy(exact.get(), frame.data(), frame.size());
    held_bytes_ = held_bytes_ - block.capacity + frame.size();
    block.coded_size = block.size;
    block.data = std::move(exact);
    block.size = frame.size();
    block.capacity = frame.size();
  }
  Spill(block);
}

void RecordLog::ForEachFrame(UniqueFunction<void(std::string_view)> visit) const {
  std::string stored;
  std::string frame;
  for (const Block& block : blocks_) {
    const std::string_view bytes = Stored(block, stored);
    if (block.coded_size != 0) {
      visit(bytes);
    } else if (CompressBlock(nullptr, bytes.data(), bytes.size(), frame)) {
      visit(frame);
    } else {
      std::abort();  // only with no memory left
    }
  }
}

void RecordLog::Append(const TraceRecord& record) {
  if (blocks_.empty() || blocks_.back().capacity - blocks_.back().size < kMaxRecordBytes) {
    // Blocks grow from 64 KiB to 1 MiB: a small run holds little, a long one never copies.
    const std::size_t capacity =
        blocks_.empty() ? kFirstBlockBytes : std::min(2 * blocks_.back().capacity, kLastBlockBytes);
    if (!blocks_.empty()) Seal(blocks_.back());
    blocks_.push_back(Block{std::make_unique<char[]>(capacity), 0, capacity});
    held_bytes_ += capacity;
  }
  const std::uint64_t kind_index = kind_index_.Get(record.kind, [&] {
    kinds_.push_back(record.kind);
    return std::uint64_t{kinds_.size() - 1};
  });
  Block& block = blocks_.back();
  char* out = block.data.get() + block.size;
  // Deltas wrap modulo 2^64 (a time can go from the most negative to the most positive).
  out = PutVarint(out, ZigZag(static_cast<std::int64_t>(static_cast<std::uint64_t>(record.time_ns) -
                                                        static_cast<std::uint64_t>(last_time_))));
  out = PutVarint(out, ZigZag(static_cast<std::int64_t>(record.seq - last_seq_)));
  out = PutVarint(out, record.peer);
  out = PutVarint(out, kind_index);
  out = PutVarint(out, record.a);
  out = PutVarint(out, record.b);
  out = PutVarint(out, record.c);
  const auto end = static_cast<std::size_t>(out - block.data.get());
  coded_bytes_ += end - block.size;
  block.size = end;
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

void RecordLog::Iterator::Load(std::size_t block) {
  const Block& b = log_->blocks_[block];
  block_ = block;
  offset_ = 0;
  if (b.coded_size == 0 && b.file_offset == kInMemory) {
    plain_.reset();
    data_ = b.data.get();
    size_ = b.size;
    return;
  }
  std::string stored;
  const std::string_view bytes = log_->Stored(b, stored);
  if (b.coded_size == 0) {  // spilled raw: the bytes read back are the coding
    auto plain = std::make_shared<const std::string>(std::move(stored));
    data_ = plain->data();
    size_ = plain->size();
    plain_ = std::move(plain);
    return;
  }
  auto plain = std::make_shared<std::string>(b.coded_size, '\0');
  const std::size_t size =
      ZSTD_decompress(plain->data(), plain->size(), bytes.data(), bytes.size());
  // The log compressed this frame itself: it cannot be corrupt, only memory can run out.
  if (ZSTD_isError(size) != 0 || size != b.coded_size) std::abort();
  data_ = plain->data();
  size_ = plain->size();
  plain_ = std::move(plain);
}

void RecordLog::Iterator::Decode() {
  if (index_ >= log_->count_) return;
  if (offset_ == size_) Load(block_ + 1);
  const char* data = data_;
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
