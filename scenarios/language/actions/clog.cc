// clog: everything between a and b sent in the next `duration` arrives no earlier than its end.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/peer_pairs.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"

namespace testplanet::scenario {
namespace {

class ClogStep final : public StepAction {
 public:
  ClogStep(PeerPairs pairs, Duration duration) : pairs_(std::move(pairs)), duration_(duration) {}
  void Apply(RunContext& run) const override {
    run.AskFor("clog");
    const TimePoint until = run.sim().Now() + duration_;
    pairs_.ForEach([&](const PeerRef& a, const PeerRef& b) {
      run.network().Clog(a.Address(), b.Address(), until);
    });
  }

 private:
  PeerPairs pairs_;
  Duration duration_;
};

class ClogKind final : public StepKind {
 public:
  ClogKind()
      : StepKind({.field = "clog",
                  .group = "network",
                  .doc = "messages between a and b sent in the next `duration` arrive no earlier "
                         "than its end",
                  .faults = {"clog"}}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto pairs = ReadPeerPairs(in);
    if (!pairs.ok()) return pairs.status();
    auto duration = in.ReadDuration("duration", {.required = true, .positive = true});
    if (!duration.ok()) return duration.status();
    return std::make_unique<ClogStep>(std::move(*pairs), *duration);
  }

  void Draw(SwarmDraw& swarm) const override {
    if (!swarm.On()) return;
    const Duration at = swarm.Time();
    const auto length = std::chrono::duration_cast<std::chrono::seconds>(
        swarm.random().UniformDuration(std::chrono::minutes(1), std::chrono::hours(1)));
    Clog& c = *swarm.Add(at).mutable_clog();
    c.set_a(swarm.Node().Name());
    c.set_b(swarm.Satellite().Name());
    c.set_duration(FormatDuration(length));
    swarm.Say("clog " + c.a() + " " + c.b() + " at " + FormatDuration(at) + " for " + c.duration());
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(clog) { registry.Add(std::make_unique<ClogKind>()); }

}  // namespace testplanet::scenario
