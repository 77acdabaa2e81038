// KindCache: a value per trace-record kind, found without walking a tree on the hot path.
//
// Records come with their kinds interleaved (an event, a chore run's begin, a dial, the event
// again), so a one-entry cache in front of a map missed on most records and walked the tree.
// Here a direct-mapped cache of 16 entries, indexed by the kind's low bits (kinds are stable
// hashes: the bits are well mixed), answers almost every lookup; the ordered map behind it keeps
// every kind seen. Promises: Get returns what `make` gave for that kind, calling it once per kind
// (until Clear). Trap: the reference Get returns is good until the next Get or Clear.
#ifndef TESTPLANET_SIM_KIND_CACHE_H_
#define TESTPLANET_SIM_KIND_CACHE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>

namespace testplanet {

template <typename Value>
class KindCache {
 public:
  template <typename Make>
  const Value& Get(std::uint64_t kind, Make&& make) {
    Entry& entry = entries_[kind & (kEntries - 1)];
    if (!entry.valid || entry.kind != kind) {
      auto it = values_.find(kind);
      if (it == values_.end()) it = values_.emplace(kind, make()).first;
      entry = Entry{kind, it->second, true};
    }
    return entry.value;
  }

  void Clear() {
    values_.clear();
    entries_ = {};
  }

 private:
  static constexpr std::size_t kEntries = 16;  // a power of two
  struct Entry {
    std::uint64_t kind = 0;
    Value value{};
    bool valid = false;
  };
  std::map<std::uint64_t, Value> values_;  // ordered: lookups only, never iterated
  std::array<Entry, kEntries> entries_{};
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_KIND_CACHE_H_
