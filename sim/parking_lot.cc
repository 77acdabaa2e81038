#include "sim/parking_lot.h"

#include <algorithm>
#include <utility>

namespace testplanet {

std::uint32_t ParkingLot::TakeSlot() {
  if (!free_.empty()) {
    const std::uint32_t index = free_.back();
    free_.pop_back();
    return index;
  }
  if ((slot_count_ & kChunkMask) == 0) {
    chunks_.push_back(std::make_unique<Slot[]>(std::size_t{1} << kChunkBits));
  }
  return slot_count_++;
}

ParkingLot::Slot* ParkingLot::Find(Id id) {
  const auto index = static_cast<std::uint32_t>(id);
  if (index >= slot_count_) return nullptr;
  Slot& slot = SlotAt(index);
  if (!slot.occupied || slot.tenants != static_cast<std::uint32_t>(id >> 32)) return nullptr;
  return &slot;
}

void ParkingLot::Discard(Id id) {
  Slot* slot = Find(id);
  if (slot == nullptr) return;
  // Out of the lot before it is destroyed (destroying may discard or park others), and back
  // on the free list only after, so that a park meanwhile cannot take the slot being emptied.
  Vacate(*slot);
  slot->destroy(slot->storage);
  Release(id);
}

void ParkingLot::Clear() {
  std::vector<std::pair<std::uint64_t, Id>> parked;  // (order, id)
  parked.reserve(size_);
  for (std::uint32_t index = 0; index < slot_count_; ++index) {
    const Slot& slot = SlotAt(index);
    if (slot.occupied) parked.emplace_back(slot.order, (Id{slot.tenants} << 32) | index);
  }
  std::sort(parked.begin(), parked.end());
  // All out of the lot first, as when the lot was a map moved away whole: what their
  // destruction discards or unparks is gone already.
  for (const auto& [order, id] : parked) Vacate(SlotAt(static_cast<std::uint32_t>(id)));
  for (const auto& [order, id] : parked) {
    Slot& slot = SlotAt(static_cast<std::uint32_t>(id));
    slot.destroy(slot.storage);
    Release(id);
  }
}

}  // namespace testplanet
