// SettlementLedger: every settlement decision of every satellite of a planet, counted from the
// trace (satellite.settle records) — accepted, and rejected by reason — across restarts of the
// satellite, which its own SettlementStats are not.
#ifndef TESTPLANET_SCENARIOS_PLANET_SETTLEMENT_LEDGER_H_
#define TESTPLANET_SCENARIOS_PLANET_SETTLEMENT_LEDGER_H_

#include <array>
#include <cstdint>
#include <map>

#include "peers/satellite/orders.h"
#include "sim/trace.h"

namespace testplanet {

class SettlementLedger {
 public:
  struct Counts {
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;
    std::array<std::uint64_t, satellite::kRejectReasonCount> by_reason{};
    std::uint64_t Rejected(satellite::RejectReason reason) const {
      const auto index = static_cast<std::size_t>(reason);
      return index < by_reason.size() ? by_reason[index] : 0;
    }
  };

  // Feeds one trace record; only satellite.settle records count.
  void OnRecord(const TraceRecord& record) {
    if (record.kind != satellite::satellite_kinds::kSettleOrder.id) return;
    Counts& counts = by_peer_[record.peer];
    if (record.a == 1) {
      ++counts.accepted;
      return;
    }
    ++counts.rejected;
    if (record.b < counts.by_reason.size()) ++counts.by_reason[record.b];
  }

  // The decisions of the satellite that is `peer` in the trace (zero if it made none).
  Counts Of(PeerId peer) const {
    auto it = by_peer_.find(peer);
    return it == by_peer_.end() ? Counts{} : it->second;
  }

 private:
  std::map<PeerId, Counts> by_peer_;
};

}  // namespace testplanet

#endif  // TESTPLANET_SCENARIOS_PLANET_SETTLEMENT_LEDGER_H_
