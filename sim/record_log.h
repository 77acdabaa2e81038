// RecordLog: the trace records a run keeps, in the order recorded, coded compactly in memory.
//
// A record is coded as LEB128 varints: time and sequence as zigzag deltas from the record before,
// the peer, the kind as its index in a table of the kinds seen (first seen, first), then a, b, c:
// about 12 bytes a record instead of the 56 of a TraceRecord. Bytes go in blocks of at most
// 1 MiB, so a growing log never copies what it holds (a long run's records can be most of the
// process's memory, and a vector doubling them would need twice that at the end). A filled
// block is compressed with zstd (level 1: ~350 MB/s, a quarter of the coded size on a run's
// records), so a long run holds about 3-4 bytes a record.
// Promises: iteration gives back exactly the records appended, in order. trace.bin (version 3)
// is the blocks' zstd frames (ForEachFrame), so writing the file compresses at most one block.
// With SpillTo, sealed blocks go to a file as the run goes and memory holds only the open block.
// Trap: iteration decodes as it goes, decompressing a block at a time; there is no random
// access (At scans from the start: fine for the few records a divergence report prints, not for
// a loop).
#ifndef TESTPLANET_SIM_RECORD_LOG_H_
#define TESTPLANET_SIM_RECORD_LOG_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/kind_cache.h"
#include "sim/trace_record.h"
#include "sim/unique_function.h"

struct ZSTD_CCtx_s;

namespace testplanet {

class RecordLog {
 public:
  RecordLog();
  ~RecordLog();
  RecordLog(RecordLog&&) noexcept;
  RecordLog& operator=(RecordLog&&) noexcept;
  RecordLog(const RecordLog&) = delete;
  RecordLog& operator=(const RecordLog&) = delete;

  void Append(const TraceRecord& record);
  // Forgets every record and gives the memory back.
  void Clear() { *this = RecordLog(); }
  // Moves each block sealed from now on out of memory into an unnamed file in `directory`, read
  // back when iterated: a long run's records then cost disk, not memory (held_bytes() is about
  // the open block). The file has no name and goes with the log, so nothing is left behind, not
  // even by a crash. Returns false, and keeps blocks in memory, if no file can be made there; a
  // block whose write fails stays in memory too.
  bool SpillTo(const std::string& directory);
  // The bytes of sealed blocks in the spill file.
  std::uint64_t spilled_bytes() const;

  std::uint64_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The bytes held for the records (compressed blocks, and the open block's capacity), for
  // memory budgets.
  std::uint64_t held_bytes() const { return held_bytes_; }
  // The records' size as coded, before compression.
  std::uint64_t coded_bytes() const { return coded_bytes_; }
  // The kinds' ids, in the order first seen: a record's kind index points into this.
  const std::vector<std::uint64_t>& kinds() const { return kinds_; }
  std::size_t block_count() const { return blocks_.size(); }
  // Calls `visit(frame)` with each block of coded records as one zstd frame, in order (a block
  // not compressed yet is compressed for the call).
  void ForEachFrame(UniqueFunction<void(std::string_view)> visit) const;
  // The record at `index` (a scan from the start), or nullopt past the end.
  std::optional<TraceRecord> At(std::uint64_t index) const;

  // Forward iteration, decoding one record at a time.
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = TraceRecord;
    using difference_type = std::ptrdiff_t;
    using pointer = const TraceRecord*;
    using reference = const TraceRecord&;

    Iterator() = default;
    const TraceRecord& operator*() const { return record_; }
    const TraceRecord* operator->() const { return &record_; }
    Iterator& operator++() {
      ++index_;
      Decode();
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(const Iterator& other) const { return index_ == other.index_; }

   private:
    friend class RecordLog;
    Iterator(const RecordLog* log, std::uint64_t index) : log_(log), index_(index) {
      if (index_ < log_->count_) Load(0);
      Decode();
    }
    void Decode();

    // Points data_ at block `block`'s coded bytes, decompressing it if it is compressed.
    void Load(std::size_t block);

    const RecordLog* log_ = nullptr;
    std::uint64_t index_ = 0;
    std::size_t block_ = 0;
    std::size_t offset_ = 0;
    // The current block decompressed (or read back); copies of an iterator share it (it is
    // never written).
    std::shared_ptr<const std::string> plain_;
    const char* data_ = nullptr;
    std::size_t size_ = 0;
    TraceRecord record_{};
  };
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, count_); }

 private:
  static constexpr std::uint64_t kInMemory = ~std::uint64_t{0};
  struct Block {
    std::unique_ptr<char[]> data;  // null once spilled
    std::size_t size = 0;          // bytes in `data`: coded records, or their zstd frame
    std::size_t capacity = 0;
    std::size_t coded_size = 0;             // the coded records' size once compressed; 0 while raw
    std::uint64_t file_offset = kInMemory;  // where the spill file holds the bytes
  };
  struct SpillFile;
  struct SpillFileDeleter {
    void operator()(SpillFile* file) const;
  };
  struct CCtxDeleter {
    void operator()(ZSTD_CCtx_s* context) const;
  };
  // The longest coded record: seven varints of at most 10 bytes.
  static constexpr std::size_t kMaxRecordBytes = 70;

  // Compresses a filled block in place, unless that would not make it smaller; then spills it.
  void Seal(Block& block);
  void Spill(Block& block);
  // The block's stored bytes (its frame, or its raw coding): in memory, or read into `buffer`.
  std::string_view Stored(const Block& block, std::string& buffer) const;

  std::vector<Block> blocks_;
  std::unique_ptr<ZSTD_CCtx_s, CCtxDeleter> compressor_;  // made at the first seal, then reused
  std::unique_ptr<SpillFile, SpillFileDeleter> spill_;
  std::vector<std::uint64_t> kinds_;
  KindCache<std::uint64_t> kind_index_;  // each kind's index in kinds_
  std::uint64_t count_ = 0;
  std::uint64_t held_bytes_ = 0;
  std::uint64_t coded_bytes_ = 0;
  std::int64_t last_time_ = 0;
  std::uint64_t last_seq_ = 0;
};

// The trace.bin coding's parts, shared by the log and the file's reader and writer.
inline std::uint64_t ZigZag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t UnZigZag(std::uint64_t v) {
  return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
}
// Appends `v` to `out` as a LEB128 varint (the file's header uses it; the log codes the same way).
void AppendVarint(std::string& out, std::uint64_t v);

}  // namespace testplanet

#endif  // TESTPLANET_SIM_RECORD_LOG_H_
