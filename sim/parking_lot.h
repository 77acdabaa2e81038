// ParkingLot: coroutine continuations that wait for something other than time (a fence, a
// message), owned by the simulator (see Simulator::Park).
//
// Promises: Park and Unpark are O(1) and allocate only when the lot outgrows its slots, which
// live in fixed chunks and are reused; an id that was taken back or discarded finds nothing,
// even once its slot holds another continuation (each slot counts its tenants). Clear destroys
// what is parked in the order it was parked, each taken out of the lot first, so that the
// coroutines it ends may discard or unpark others (they find nothing) or park anew.
// Trap: Unpark must name the signature the continuation was parked with.
#ifndef TESTPLANET_SIM_PARKING_LOT_H_
#define TESTPLANET_SIM_PARKING_LOT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "sim/unique_function.h"

namespace testplanet {

class ParkingLot {
 public:
  using Id = std::uint64_t;  // the slot's tenant count above, the slot's index below

  ParkingLot() = default;
  ~ParkingLot() { Clear(); }
  ParkingLot(const ParkingLot&) = delete;
  ParkingLot& operator=(const ParkingLot&) = delete;

  template <typename Signature>
  Id Park(UniqueFunction<Signature> continuation) {
    static_assert(sizeof(UniqueFunction<Signature>) == sizeof(Erased) &&
                  alignof(UniqueFunction<Signature>) == alignof(Erased));
    const std::uint32_t index = TakeSlot();
    Slot& slot = SlotAt(index);
    ::new (static_cast<void*>(slot.storage)) UniqueFunction<Signature>(std::move(continuation));
    slot.destroy = [](void* storage) {
      std::launder(static_cast<UniqueFunction<Signature>*>(storage))->~UniqueFunction();
    };
    slot.order = next_order_++;
    slot.occupied = true;
    ++size_;
    return (static_cast<Id>(slot.tenants) << 32) | index;
  }

  // Takes the continuation back; empty if it is gone.
  template <typename Signature>
  UniqueFunction<Signature> Unpark(Id id) {
    Slot* slot = Find(id);
    if (slot == nullptr) return {};
    auto* parked = std::launder(reinterpret_cast<UniqueFunction<Signature>*>(slot->storage));
    UniqueFunction<Signature> out = std::move(*parked);
    parked->~UniqueFunction();  // empty now: runs nothing of the coroutine
    Vacate(*slot);
    Release(id);
    return out;
  }

  // Destroys the continuation unrun (its coroutine is abandoned).
  void Discard(Id id);
  // Destroys every parked continuation, in the order they were parked.
  void Clear();
  std::size_t size() const { return size_; }

 private:
  using Erased = UniqueFunction<void()>;  // every signature's layout (checked in Park)
  struct Slot {
    std::uint64_t order = 0;  // when its continuation was parked, for Clear
    std::uint32_t tenants = 0;
    bool occupied = false;
    void (*destroy)(void*) = nullptr;
    alignas(Erased) unsigned char storage[sizeof(Erased)];
  };
  static constexpr int kChunkBits = 10;
  static constexpr std::uint32_t kChunkMask = (1u << kChunkBits) - 1;

  Slot& SlotAt(std::uint32_t index) { return chunks_[index >> kChunkBits][index & kChunkMask]; }
  std::uint32_t TakeSlot();
  Slot* Find(Id id);
  // Marks `slot` empty: ids naming this tenant find nothing from here on.
  void Vacate(Slot& slot) {
    slot.occupied = false;
    ++slot.tenants;
    --size_;
  }
  // Returns the slot to the free list (after its continuation is gone).
  void Release(Id id) { free_.push_back(static_cast<std::uint32_t>(id)); }

  std::vector<std::unique_ptr<Slot[]>> chunks_;  // fixed chunks: a slot never moves
  std::uint32_t slot_count_ = 0;
  std::vector<std::uint32_t> free_;
  std::uint64_t next_order_ = 0;
  std::size_t size_ = 0;
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_PARKING_LOT_H_
