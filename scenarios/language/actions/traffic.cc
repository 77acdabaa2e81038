// traffic: an uplink stores an object every interval (and fetches the one before it), from the
// step's time until `until`.
#include <algorithm>

#include "scenarios/language/field_reader.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"
#include "scenarios/language/transfers.h"
#include "sim/checked_math.h"

namespace testplanet::scenario {
namespace {

struct TrafficPlan {
  int step = 0;
  int uplink = 0, satellite = 0;
  std::string bucket;
  Duration start{}, every{}, until{};  // start: the step's time, 0 when it waits for an event
  std::int64_t size = 0;
  int nodes = 0;
  bool download_previous = false;
};

class TrafficStep final : public StepAction {
 public:
  explicit TrafficStep(TrafficPlan plan) : plan_(std::move(plan)) {}
  void Apply(RunContext& run) const override { Tick(run, 0); }

  // Every object is an upload (and, with download_previous, a download) on `nodes` nodes, until
  // `until` or the run's end.
  StepCost Cost(Duration end) const override {
    const Duration last = std::min(plan_.until, end);
    if (last < plan_.start) return {};
    const std::uint64_t objects =
        static_cast<std::uint64_t>((last - plan_.start) / plan_.every) + 1;
    const StepCost one = TransferCost(plan_.size, plan_.nodes, plan_.download_previous);
    return {.events = SaturatingMul(objects, one.events),
            .bytes = SaturatingMul(objects, one.bytes)};
  }

 private:
  // Object n: upload it, fetch object n-1, and schedule object n+1 while it is due.
  void Tick(RunContext& run, int n) const {
    const std::string prefix = "traffic" + std::to_string(plan_.step) + "-";
    run.Spawn(UploadObject(run.planet(), plan_.uplink, plan_.satellite, plan_.bucket,
                           prefix + std::to_string(n), plan_.size, plan_.nodes),
              "uploads");
    if (plan_.download_previous && n > 0) {
      run.Spawn(DownloadObject(run.planet(), plan_.uplink, plan_.satellite, plan_.bucket,
                               prefix + std::to_string(n - 1)),
                "downloads");
    }
    const TimePoint next = run.sim().Now() + plan_.every;
    if (next <= TimePoint(plan_.until))
      run.After(plan_.every, [this, &run, n] { Tick(run, n + 1); });
  }

  TrafficPlan plan_;
};

class TrafficKind final : public StepKind {
 public:
  TrafficKind()
      : StepKind({.field = "traffic",
                  .group = "traffic",
                  .doc = "an uplink stores an object every `every` until `until` (default: the "
                         "end), fetching the one before it with download_previous"}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    TrafficPlan plan;
    plan.step = in.index();
    auto ends = ReadTransferEnds(in);
    if (!ends.ok()) return ends.status();
    auto every = in.ReadDuration("every", {.required = true, .positive = true});
    if (!every.ok()) return every.status();
    auto until = in.ReadDuration("until", {.within_run = true});
    if (!until.ok()) return until.status();
    const Duration start = in.step_at().value_or(Duration::zero());
    if (in.Has("until") && *until < start) {
      return in.Error("until", "is before the step's time (" + FormatDuration(start) + ")");
    }
    auto shape = ReadObjectShape(in);
    if (!shape.ok()) return shape.status();
    auto bucket = in.ReadString("bucket", false, "bucket");
    if (!bucket.ok()) return bucket.status();
    plan.uplink = ends->uplink;
    plan.satellite = ends->satellite;
    plan.start = start;
    plan.every = *every;
    plan.until = in.Has("until") ? *until : in.context().duration;
    plan.size = shape->size;
    plan.nodes = shape->nodes;
    plan.download_previous = static_cast<const Traffic&>(in.message()).download_previous();
    plan.bucket = *bucket;
    return std::make_unique<TrafficStep>(std::move(plan));
  }

  void FitToNodes(Step& step, int nodes) const override {
    if (step.traffic().nodes() > nodes) step.mutable_traffic()->set_nodes(nodes);
  }

  // A burst of traffic of its own: an object every 20s to 10m, for a while.
  void Draw(SwarmDraw& swarm) const override {
    if (swarm.counts().uplinks == 0 || !swarm.On()) return;
    const auto [from, to] = swarm.Window();
    Traffic& burst = *swarm.Add(from).mutable_traffic();
    burst.set_uplink(swarm.Uplink());
    burst.set_satellite(swarm.Satellite().index);
    burst.set_every(FormatDuration(std::chrono::seconds(20 + swarm.random().Below(580))));
    burst.set_until(FormatDuration(to));
    burst.set_size(1 + static_cast<std::int64_t>(swarm.random().Below(8192)));
    burst.set_nodes(1 + static_cast<int>(swarm.random().Below(
                            static_cast<std::uint64_t>(swarm.counts().storage_nodes))));
    burst.set_bucket("burst");
    burst.set_download_previous(swarm.random().Bernoulli(0.5));
    swarm.Say("traffic every " + burst.every() + " " + FormatDuration(from) + ".." +
              FormatDuration(to));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(traffic) { registry.Add(std::make_unique<TrafficKind>()); }

}  // namespace testplanet::scenario
