// rollup: the settled bytes in a satellite's rollups, for the selected nodes or for a bucket.
#include "scenarios/language/field_reader.h"
#include "scenarios/language/judgement.h"
#include "scenarios/language/registry.h"
#include "scenarios/language/run_context.h"

namespace testplanet::scenario {
namespace {

class RollupCheck final : public CheckAction {
 public:
  RollupCheck(int satellite, std::vector<PeerRef> nodes, std::string bucket, Expectation bytes)
      : satellite_(satellite),
        nodes_(std::move(nodes)),
        bucket_(std::move(bucket)),
        bytes_(std::move(bytes)) {}

  void Judge(RunContext& run, Judgement& judgement) const override {
    Planet& planet = run.planet();
    satellite::Satellite* sat = planet.satellites().at(static_cast<std::size_t>(satellite_)).get();
    if (sat == nullptr) {
      judgement.Condition(false, PeerRef::Satellite(satellite_).Name() + " running", "it is down",
                          "satellite down");
      return;
    }
    std::int64_t bytes = 0;
    if (!bucket_.empty()) {
      auto settled = sat->orders().BucketSettled(bucket_);
      bytes = settled.ok() ? *settled : 0;
    } else {
      for (const PeerRef& node : nodes_) {
        auto settled = sat->orders().NodeSettled(planet.NodeIdOf(node));
        bytes += settled.ok() ? *settled : 0;
      }
    }
    judgement.Count(bytes_, bytes, "settled bytes");
  }

 private:
  int satellite_;
  std::vector<PeerRef> nodes_;
  std::string bucket_;
  Expectation bytes_;
};

class RollupCheckKind final : public CheckKind {
 public:
  RollupCheckKind()
      : CheckKind({.field = "rollup",
                   .doc = "settled bytes in a satellite's rollups, for the selected nodes (summed) "
                          "or for a bucket"}) {}

  StatusOr<std::unique_ptr<CheckAction>> Load(FieldReader& in) const override {
    auto satellite = in.ReadIndex("satellite", PeerKind::kSatellite);
    if (!satellite.ok()) return satellite.status();
    const bool by_node = in.Has("node"), by_bucket = in.Has("bucket");
    if (by_node == by_bucket) return in.Error("", "needs exactly one of node and bucket");
    std::vector<PeerRef> nodes;
    if (by_node) {
      auto read = in.ReadPeers("node", {.satellites = false, .uplinks = false});
      if (!read.ok()) return read.status();
      nodes = std::move(*read);
    }
    auto bucket = in.ReadString("bucket", by_bucket);
    if (!bucket.ok()) return bucket.status();
    auto bytes = in.ReadExpect("bytes", /*required=*/true);
    if (!bytes.ok()) return bytes.status();
    return std::make_unique<RollupCheck>(*satellite, std::move(nodes), *bucket, std::move(*bytes));
  }
};

}  // namespace

TESTPLANET_ACTIONS_FILE(rollup_check) { registry.Add(std::make_unique<RollupCheckKind>()); }

}  // namespace testplanet::scenario
