// The definition of one kind of step or check — the unit in which the scenario language grows.
//
// Each kind lives in one file of scenarios/language/actions/, named for the schema field it
// reads (`crash.cc` reads Step.crash). The file defines, once: how the field is checked and typed
// when a scenario loads (Load), what the step does to the planet or what the check judges
// (Apply, Judge), how a swarm seed draws it (Draw), which fault counters it fires, and the one
// line that `testplanet actions` and the README show. The loader, runner, swarm, shrink and
// reports find kinds in the registry (registry.h) by field; none of them lists kinds by hand.
//
// Adding a kind: a field in scenario.proto's Step.action (or Check.what) oneof, a file here
// ending in TESTPLANET_ACTIONS_FILE(<file name>) { registry.Add(...); }, and its test.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_ACTION_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_ACTION_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "scenarios/language/scenario.pb.h"
#include "sim/clock.h"
#include "sim/status.h"

namespace testplanet::scenario {

class FieldReader;
class Judgement;
class RunContext;
class SwarmDraw;

// A step of a timeline, checked and typed at load; the runner applies it at its instant.
// What a step adds to a run's cost, for the budget checked at load (cost.h): simulator events,
// and bytes the planet holds. Rough, never exact: it exists to refuse the impossible early.
struct StepCost {
  std::uint64_t events = 0;
  std::uint64_t bytes = 0;
};

class StepAction {
 public:
  virtual ~StepAction() = default;
  virtual void Apply(RunContext& run) const = 0;
  // The step's cost in a run that ends at `end` (the scenario's duration, or --stop-at when
  // sooner; cost.h). Most steps fire a handful of events.
  virtual StepCost Cost(Duration end) const {
    (void)end;
    return {.events = 16};
  }
};

// A check, typed at load; the runner judges it at its instant.
class CheckAction {
 public:
  virtual ~CheckAction() = default;
  virtual void Judge(RunContext& run, Judgement& judgement) const = 0;
};

struct StepKindInfo {
  std::string_view field = {};  // the Step.action field it reads: "crash"
  // For the listing: "traffic", "chores", "peers", "network", "disk", "clock", "hostile".
  std::string_view group = {};
  std::string_view doc = {};  // one line: what the step does
  // The fault counters its steps fire ("crash"), as summary.json counts them.
  std::vector<std::string_view> faults = {};
  // When another kind's Draw adds steps of this kind (heal, with partition): that kind's field.
  std::string_view drawn_with = {};
};

class StepKind {
 public:
  explicit StepKind(StepKindInfo info) : info_(std::move(info)) {}
  virtual ~StepKind() = default;
  const StepKindInfo& info() const { return info_; }

  // Checks and types the step's action (`in` reads the action's message).
  virtual StatusOr<std::unique_ptr<StepAction>> Load(FieldReader& in) const = 0;
  // Adds this kind's steps to one swarm seed's scenario, or none. Kinds that the swarm never
  // draws keep the default.
  virtual void Draw(SwarmDraw& swarm) const;
  // Shrinking took storage nodes away: make `step` fit a planet of `nodes` (for example, an
  // upload to 4 nodes on a planet of 3). The default changes nothing.
  virtual void FitToNodes(Step& step, int nodes) const;

 private:
  StepKindInfo info_;
};

struct CheckKindInfo {
  std::string_view field = {};  // the Check.what field it reads: "orders"
  std::string_view doc = {};
};

class CheckKind {
 public:
  explicit CheckKind(CheckKindInfo info) : info_(info) {}
  virtual ~CheckKind() = default;
  const CheckKindInfo& info() const { return info_; }
  virtual StatusOr<std::unique_ptr<CheckAction>> Load(FieldReader& in) const = 0;

 private:
  CheckKindInfo info_;
};

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_ACTION_H_
