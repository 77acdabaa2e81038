// download: an uplink fetches one object through a satellite.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"
#include "scenarios/language/transfers.h"

namespace testplanet::scenario {
namespace {

class DownloadStep final : public StepAction {
 public:
  DownloadStep(int uplink, int satellite, std::string bucket, std::string path)
      : uplink_(uplink),
        satellite_(satellite),
        bucket_(std::move(bucket)),
        path_(std::move(path)) {}
  void Apply(RunContext& run) const override {
    run.Spawn(DownloadObject(run.planet(), uplink_, satellite_, bucket_, path_), "downloads");
  }

 private:
  int uplink_, satellite_;
  std::string bucket_, path_;
};

class DownloadKind final : public StepKind {
 public:
  DownloadKind()
      : StepKind({.field = "download",
                  .group = "traffic",
                  .doc = "an uplink fetches an object (its bucket and path) through a satellite"}) {
  }

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto ends = ReadTransferEnds(in);
    if (!ends.ok()) return ends.status();
    auto bucket = in.ReadString("bucket", false, "bucket");
    if (!bucket.ok()) return bucket.status();
    auto path = in.ReadString("path", /*required=*/true);
    if (!path.ok()) return path.status();
    return std::make_unique<DownloadStep>(ends->uplink, ends->satellite, *bucket, *path);
  }

  // Fetches of the base traffic's first objects (and of one that was never stored).
  void Draw(SwarmDraw& swarm) const override {
    if (swarm.counts().uplinks == 0 || !swarm.On()) return;
    const int downloads = 1 + static_cast<int>(swarm.random().Below(3));
    for (int i = 0; i < downloads; ++i) {
      const Duration at = swarm.Time();
      Download& download = *swarm.Add(at).mutable_download();
      download.set_uplink(swarm.Uplink());
      download.set_satellite(swarm.Satellite().index);
      download.set_bucket("bucket");
      download.set_path(i == 2 ? "never-stored" : "traffic0-" + std::to_string(i));
      swarm.Say("download " + download.path() + " at " + FormatDuration(at));
    }
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(download) { registry.Add(std::make_unique<DownloadKind>()); }

}  // namespace testplanet::scenario
