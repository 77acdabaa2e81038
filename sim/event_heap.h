// EventHeap: the scheduler's priority queue of (time, key) entries, smallest first.
//
// Promises: entries come out in (time, key) order whatever order they were pushed in; keys are
// unique per entry (the scheduler packs the event's sequence number into the high bits), so the
// order is total and entries with equal times come out in key order. The order is a property of
// the entries alone, never of the structure's history, so digests do not depend on it.
//
// Why not a plain heap: a planet keeps hundreds of thousands of timers pending (chores due in
// minutes, messages due in milliseconds), and a comparison heap of that size misses the cache
// at every level of every pop. Simulated time never goes backwards, which a radix heap exploits:
//   * `near_`, a small 4-ary heap, holds the entries due soonest;
//   * every later entry is appended, unsorted, to one of 64 buckets by the highest bit in which
//     its time differs from `floor_` (a lower bound of every time in the buckets): bucket b
//     holds times in [floor_'s prefix above bit b-1, with bit b-1 set), so each bucket's times
//     are all below the next bucket's.
// When `near_` runs dry, the lowest non-empty bucket becomes the new `floor_`'s source: small
// enough (kNearCapacity) and it moves into `near_` whole; larger, and its entries are spread over
// the buckets below it, by sequential appends. An entry moves at most once per bit, and each move
// is a cache-friendly append rather than a sift through a large array: 2-4x faster than
// std::priority_queue with 64 Ki to 1 Mi entries pending (tests/bench/kernel_bench.cc).
// Trap: a time earlier than `floor_` (a push below what a refill assumed) is legal and goes to
// `near_`, which orders everything; the structure is a general priority queue, fast when pushes
// are monotone as the simulator's are.
#ifndef TESTPLANET_SIM_EVENT_HEAP_H_
#define TESTPLANET_SIM_EVENT_HEAP_H_

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace testplanet {

struct HeapEntry {
  std::int64_t time;
  std::uint64_t key;
};

// A 4-ary implicit heap: half the depth of a binary heap, and a node's four children share a
// cache line (16-byte entries). Pops sift the hole to a leaf, then the last entry up (Floyd):
// the last entry belongs near the bottom, so this skips most comparisons against it.
class QuaternaryHeap {
 public:
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  // REQUIRES: !empty().
  const HeapEntry& top() const { return entries_.front(); }
  void Reserve(std::size_t n) { entries_.reserve(n); }
  void Clear() { entries_.clear(); }
  // The entries in heap order: the top first, then its children (the candidates for the next
  // top), and so on.
  const std::vector<HeapEntry>& entries() const { return entries_; }

  void Push(HeapEntry entry) {
    entries_.push_back(entry);
    SiftUp(entries_.size() - 1, entry);
  }

  // Removes the smallest entry. REQUIRES: !empty().
  void Pop() {
    const HeapEntry last = entries_.back();
    entries_.pop_back();
    const std::size_t n = entries_.size();
    if (n == 0) return;
    std::size_t hole = 0;
    for (std::size_t first = 1; first < n; first = hole * kArity + 1) {
      const std::size_t end = std::min(first + kArity, n);
      std::size_t best = first;
      for (std::size_t child = first + 1; child < end; ++child) {
        if (Before(entries_[child], entries_[best])) best = child;
      }
      entries_[hole] = entries_[best];
      hole = best;
    }
    SiftUp(hole, last);
  }

  template <typename Predicate>
  void EraseIf(Predicate drop) {
    std::erase_if(entries_, drop);
    if (entries_.size() < 2) return;
    for (std::size_t i = (entries_.size() - 2) / kArity + 1; i-- > 0;) SiftDown(i, entries_[i]);
  }

  static bool Before(const HeapEntry& a, const HeapEntry& b) {
    return a.time < b.time || (a.time == b.time && a.key < b.key);
  }

 private:
  static constexpr std::size_t kArity = 4;

  // Places `entry` at `hole` or above, moving larger parents down.
  void SiftUp(std::size_t hole, HeapEntry entry) {
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / kArity;
      if (!Before(entry, entries_[parent])) break;
      entries_[hole] = entries_[parent];
      hole = parent;
    }
    entries_[hole] = entry;
  }

  // Places `entry` at `hole` or below, moving smaller children up.
  void SiftDown(std::size_t hole, HeapEntry entry) {
    const std::size_t n = entries_.size();
    for (std::size_t first = hole * kArity + 1; first < n; first = hole * kArity + 1) {
      const std::size_t end = std::min(first + kArity, n);
      std::size_t best = first;
      for (std::size_t child = first + 1; child < end; ++child) {
        if (Before(entries_[child], entries_[best])) best = child;
      }
      if (!Before(entries_[best], entry)) break;
      entries_[hole] = entries_[best];
      hole = best;
    }
    entries_[hole] = entry;
  }

  std::vector<HeapEntry> entries_;
};

class EventHeap {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  // The smallest entry. Not const: it may refill the near heap from the buckets.
  // REQUIRES: !empty().
  const HeapEntry& top() {
    if (near_.empty()) Refill();
    return near_.top();
  }

  void Reserve(std::size_t n) { near_.Reserve(std::min(n, kNearCapacity * 2)); }

  // The near heap in heap order, for prefetching what the next pops will touch: after the top,
  // its children hold the next-smallest entry. Entries beyond it are not ordered.
  const std::vector<HeapEntry>& NearEntries() const { return near_.entries(); }

  void Clear() {
    near_.Clear();
    for (auto& bucket : buckets_) bucket.clear();
    size_ = 0;
    floor_ = 0;
    near_bits_ = 1;
  }

  void Push(HeapEntry entry) {
    ++size_;
    const int bucket = BucketOf(entry.time);
    if (bucket < near_bits_ || entry.time < floor_) {
      near_.Push(entry);
    } else {
      buckets_[bucket].push_back(entry);
    }
  }

  // Removes the smallest entry. REQUIRES: !empty().
  void Pop() {
    if (near_.empty()) Refill();
    near_.Pop();
    --size_;
  }

  // Removes every entry for which `drop(entry)` is true; the rest keep their order.
  template <typename Predicate>
  void EraseIf(Predicate drop) {
    near_.EraseIf(drop);
    std::size_t kept = near_.size();
    for (auto& bucket : buckets_) {
      std::erase_if(bucket, drop);
      kept += bucket.size();
    }
    size_ = kept;
  }

  static bool Before(const HeapEntry& a, const HeapEntry& b) {
    return QuaternaryHeap::Before(a, b);
  }

 private:
  // A bucket this small moves into the near heap whole rather than being spread further: a
  // heap of 512 entries (8 KiB) stays in the L1 cache.
  static constexpr std::size_t kNearCapacity = 512;
  static constexpr int kBuckets = 65;

  // 0 for floor_ itself, else one more than the highest bit in which `time` differs from it.
  int BucketOf(std::int64_t time) const {
    const std::uint64_t differ = static_cast<std::uint64_t>(time ^ floor_);
    return differ == 0 ? 0 : 64 - std::countl_zero(differ);
  }

  // Moves the soonest entries into the empty near heap. REQUIRES: !empty().
  void Refill() {
    for (;;) {
      int b = 1;
      while (buckets_[b].empty()) ++b;
      std::vector<HeapEntry>& from = buckets_[b];
      std::int64_t lowest = from.front().time;
      for (const HeapEntry& e : from) lowest = std::min(lowest, e.time);
      // Every bucket below b is empty, so moving the floor up to `lowest` keeps every other
      // entry in the bucket it is in.
      floor_ = lowest;
      if (from.size() <= kNearCapacity) {
        for (const HeapEntry& e : from) near_.Push(e);
        from.clear();
        near_bits_ = b;  // the moved range: later pushes into it belong in the near heap
        return;
      }
      near_bits_ = 1;
      for (const HeapEntry& e : from) {
        const int to = BucketOf(e.time);
        if (to == 0) {
          near_.Push(e);
        } else {
          buckets_[to].push_back(e);
        }
      }
      from.clear();
      if (!near_.empty()) return;
    }
  }

  QuaternaryHeap near_;
  std::array<std::vector<HeapEntry>, kBuckets> buckets_;
  std::size_t size_ = 0;
  std::int64_t floor_ = 0;  // no time in the buckets is below it
  int near_bits_ = 1;       // a push whose bucket is below this goes to the near heap
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_EVENT_HEAP_H_
