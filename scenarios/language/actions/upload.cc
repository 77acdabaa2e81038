// upload: an uplink stores one object, through a satellite, on some storage nodes.
#include <algorithm>

#include "scenarios/language/field_reader.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"
#include "scenarios/language/swarm_draw.h"
#include "scenarios/language/transfers.h"

namespace testplanet::scenario {
namespace {

class UploadStep final : public StepAction {
 public:
  UploadStep(int uplink, int satellite, std::string bucket, std::string path, std::int64_t size,
             int nodes)
      : uplink_(uplink),
        satellite_(satellite),
        bucket_(std::move(bucket)),
        path_(std::move(path)),
        size_(size),
        nodes_(nodes) {}
  void Apply(RunContext& run) const override {
    run.Spawn(UploadObject(run.planet(), uplink_, satellite_, bucket_, path_, size_, nodes_),
              "uploads");
  }
  StepCost Cost(Duration) const override { return TransferCost(size_, nodes_, false); }

 private:
  int uplink_, satellite_;
  std::string bucket_, path_;
  std::int64_t size_;
  int nodes_;
};

class UploadKind final : public StepKind {
 public:
  UploadKind()
      : StepKind(
            {.field = "upload",
             .group = "traffic",
             .doc = "an uplink stores an object (size bytes, default 4096) on `nodes` nodes"}) {}

  StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const override {
    auto ends = ReadTransferEnds(in);
    if (!ends.ok()) return ends.status();
    auto bucket = in.ReadString("bucket", false, "bucket");
    if (!bucket.ok()) return bucket.status();
    auto path = in.ReadString("path", false, "object" + std::to_string(in.index()));
    if (!path.ok()) return path.status();
    auto shape = ReadObjectShape(in);
    if (!shape.ok()) return shape.status();
    return std::make_unique<UploadStep>(ends->uplink, ends->satellite, *bucket, *path, shape->size,
                                        shape->nodes);
  }

  void FitToNodes(Step& step, int nodes) const override {
    if (step.upload().nodes() > nodes) step.mutable_upload()->set_nodes(nodes);
  }

  // A few objects of their own, up to 64 KiB, on one to every node.
  void Draw(SwarmDraw& swarm) const override {
    if (swarm.counts().uplinks == 0 || !swarm.On()) return;
    const int uploads = 1 + static_cast<int>(swarm.random().Below(3));
    for (int i = 0; i < uploads; ++i) {
      const Duration at = swarm.Time();
      Upload& upload = *swarm.Add(at).mutable_upload();
      upload.set_uplink(swarm.Uplink());
      upload.set_satellite(swarm.Satellite().index);
      upload.set_path("swarm-upload-" + std::to_string(i));
      upload.set_size(1 + static_cast<std::int64_t>(swarm.random().Below(64 << 10)));
      upload.set_nodes(1 + static_cast<int>(swarm.random().Below(
                               static_cast<std::uint64_t>(swarm.counts().storage_nodes))));
      swarm.Say("upload " + upload.path() + " (" + std::to_string(upload.size()) + " bytes to " +
                std::to_string(upload.nodes()) + " nodes) at " + FormatDuration(at));
    }
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(upload) { registry.Add(std::make_unique<UploadKind>()); }

}  // namespace testplanet::scenario
