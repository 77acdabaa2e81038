// settlement: a satellite's settlement decisions over the run, across its restarts: orders
// accepted, orders rejected (for one reason, or any).
#include "scenarios/language/field_reader.h"
#include "scenarios/language/judgement.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"

namespace testplanet::scenario {
namespace {

constexpr int kAnyReason = -1;

class SettlementCheck final : public CheckAction {
 public:
  SettlementCheck(int satellite, Expectation accepted, Expectation rejected, int reason)
      : satellite_(satellite),
        accepted_(std::move(accepted)),
        rejected_(std::move(rejected)),
        reason_(reason) {}

  void Judge(RunContext& run, Judgement& judgement) const override {
    const SettlementLedger::Counts counts =
        run.planet().settlements().Of(run.planet().PeerIdOf(PeerRef::Satellite(satellite_)));
    if (!accepted_.empty()) {
      judgement.Count(accepted_, static_cast<std::int64_t>(counts.accepted), "accepted");
    }
    if (rejected_.empty()) return;
    if (reason_ == kAnyReason) {
      judgement.Count(rejected_, static_cast<std::int64_t>(counts.rejected), "rejected");
      return;
    }
    const auto reason = static_cast<satellite::RejectReason>(reason_);
    judgement.Count(rejected_, static_cast<std::int64_t>(counts.Rejected(reason)),
                    std::string("rejected as ") + satellite::RejectReasonName(reason));
  }

 private:
  int satellite_;
  Expectation accepted_, rejected_;
  int reason_;
};

class SettlementCheckKind final : public CheckKind {
 public:
  SettlementCheckKind()
      : CheckKind({.field = "settlement",
                   .doc = "a satellite's decisions over the run: orders accepted, and rejected "
                          "(for one `reason`: double_spend, expired, wrong_node, ...)"}) {}

  StatusOr<std::unique_ptr<CheckAction>> Load(FieldReader& in) const override {
    auto satellite = in.ReadIndex("satellite", PeerKind::kSatellite);
    if (!satellite.ok()) return satellite.status();
    auto accepted = in.ReadExpect("accepted", false);
    if (!accepted.ok()) return accepted.status();
    auto rejected = in.ReadExpect("rejected", false);
    if (!rejected.ok()) return rejected.status();
    if (accepted->empty() && rejected->empty()) {
      return in.Error("", "needs accepted or rejected");
    }
    auto reason_name = in.ReadString("reason", false);
    if (!reason_name.ok()) return reason_name.status();
    int reason = kAnyReason;
    if (!reason_name->empty()) {
      reason = ReasonNamed(*reason_name);
      if (reason == kAnyReason)
        return in.Error("reason", "unknown reason \"" + *reason_name + "\" (" + Reasons() + ")");
      if (rejected->empty()) return in.Error("reason", "counts rejections: give `rejected`");
    }
    return std::make_unique<SettlementCheck>(*satellite, std::move(*accepted), std::move(*rejected),
                                             reason);
  }

 private:
  static int ReasonNamed(const std::string& name) {
    for (int i = 1; i < satellite::kRejectReasonCount; ++i) {
      if (name == satellite::RejectReasonName(static_cast<satellite::RejectReason>(i))) return i;
    }
    return kAnyReason;
  }
  static std::string Reasons() {
    std::string names;
    for (int i = 1; i < satellite::kRejectReasonCount; ++i) {
      names += (i > 1 ? ", " : "") +
               std::string(satellite::RejectReasonName(static_cast<satellite::RejectReason>(i)));
    }
    return names;
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(settlement_check) { registry.Add(std::make_unique<SettlementCheckKind>()); }

}  // namespace testplanet::scenario
