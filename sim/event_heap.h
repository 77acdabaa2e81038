// EventHeap: the scheduler's priority queue of (time, key) entries, smallest first.
//
// A 4-ary implicit heap: half the depth of a binary heap, and a node's four children share a
// cache line (16-byte entries), so a pop touches about half as many lines as std::priority_queue
// on a large queue. Keys are unique per entry (the scheduler packs the event's sequence number
// into the high bits), so the order is total: entries with equal times come out in key order.
#ifndef TESTPLANET_SIM_EVENT_HEAP_H_
#define TESTPLANET_SIM_EVENT_HEAP_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace testplanet {

struct HeapEntry {
  std::int64_t time;
  std::uint64_t key;
};

class EventHeap {
 public:
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  // REQUIRES: !empty().
  const HeapEntry& top() const { return entries_.front(); }

  void Reserve(std::size_t n) { entries_.reserve(n); }
  void Clear() { entries_.clear(); }

  void Push(HeapEntry entry) {
    std::size_t hole = entries_.size();
    entries_.push_back(entry);
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / kArity;
      if (!Before(entry, entries_[parent])) break;
      entries_[hole] = entries_[parent];
      hole = parent;
    }
    entries_[hole] = entry;
  }

  // Removes the smallest entry. REQUIRES: !empty().
  void Pop() {
    const HeapEntry last = entries_.back();
    entries_.pop_back();
    if (!entries_.empty()) SiftDown(0, last);
  }

  // Removes every entry for which `drop(entry)` is true, then restores the heap order.
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

  // Places `entry` at `hole` or below, moving smaller children up.
  void SiftDown(std::size_t hole, HeapEntry entry) {
    const std::size_t n = entries_.size();
    for (;;) {
      const std::size_t first = hole * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = first + kArity < n ? first + kArity : n;
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

}  // namespace testplanet

#endif  // TESTPLANET_SIM_EVENT_HEAP_H_
