// Plan: a scenario file, loaded — every field checked, every duration a Duration, every selector
// resolved to PeerRefs, every step and check typed by its kind. The runner, the swarm and
// shrinking never parse a string of the scenario again.
//
// A Plan also keeps the scenario as the proto it came from, with defaults filled in (`spec`):
// that is what a run directory stores and what replay loads again; swarm and shrink edit that
// proto and load it anew.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_PLAN_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_PLAN_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/language/action.h"
#include "scenarios/language/events.h"
#include "scenarios/language/scenario.pb.h"
#include "scenarios/planet/planet.h"

namespace testplanet::scenario {

// A place in a scenario file, 1-based; 0 when unknown.
struct Location {
  int line = 0;
  int column = 0;
};

// Chore and timing settings for storage nodes; unset ones keep the preset's values.
struct NodeSettings {
  std::optional<Duration> sender_interval, sender_timeout, sender_dial_timeout, cleanup_interval,
      archive_ttl, max_sleep, contact_interval;
  void ApplyTo(storagenode::Config& config) const;
};

struct PlanetPlan {
  PeerCounts counts;
  bool release_preset = false;  // Storj's release defaults instead of testplanet's
  StorageMode storage = StorageMode::kInMemory;
  std::uint64_t flush_bytes = 0;
  Duration start_spread{};
  fakes::NetworkOptions network;
  Duration order_expiration{};
  std::optional<Duration> check_in_wait_period;  // unset: the preset's
  NodeSettings every_node;
  // Overrides for some nodes, in file order; later ones win.
  std::vector<std::pair<std::vector<PeerRef>, NodeSettings>> overrides;

  // The planet's Config for a run with `seed`: counts, network, storage, presets and per-node
  // settings as hooks.
  Config ToConfig(std::uint64_t seed) const;
};

// A step's trigger when it waits for an event rather than a time.
struct PlannedTrigger {
  const EventDef* event = nullptr;
  std::vector<PeerRef> peers;  // whose events count; empty: anyone's
  std::string chore;           // for chore events: which
  std::uint64_t count = 1;
  Duration after{};
};

struct PlannedStep {
  int index = 0;  // step[index] in the file
  Location location;
  Duration at{};  // when, unless `on` is set
  std::optional<PlannedTrigger> on;
  const StepKind* kind = nullptr;
  std::unique_ptr<const StepAction> action;
};

struct PlannedCheck {
  int index = 0;  // check[index] in the file
  Location location;
  std::string name;
  Duration at{};
  const CheckKind* kind = nullptr;
  std::unique_ptr<const CheckAction> action;
};

struct Plan {
  std::string path;  // the file, as given
  std::string text;  // its contents
  Scenario spec;     // with defaults filled in
  std::string name;
  std::uint64_t seed = 1;  // the scenario's own seed (spec.seed, 0 read as 1)
  Duration duration{};
  PlanetPlan planet;
  std::vector<PlannedStep> steps;    // in file order
  std::vector<PlannedCheck> checks;  // in file order
  std::optional<Duration> quiesce;
  bool unfired_faults_ok = false;

  // "file:line" of step i / check i, for messages.
  std::string StepWhere(int i) const;
  std::string CheckWhere(int i) const;
};

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_PLAN_H_
