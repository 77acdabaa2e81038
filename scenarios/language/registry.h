// ActionRegistry: every kind of step and check, found by the schema field it reads.
//
// Actions() is filled from the files in scenarios/language/actions/: each ends in
//   TESTPLANET_ACTIONS_FILE(<its file name>) { registry.Add(std::make_unique<...>()); }
// and the build generates the one function that calls them all (actions_index.cc, from the
// folder's listing: no list kept by hand). Kinds come back in the schema's field order, so that
// everything that walks them — the swarm's draws, `testplanet actions` — has a fixed order.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_REGISTRY_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_REGISTRY_H_

#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "scenarios/language/action.h"

namespace testplanet::scenario {

class ActionRegistry {
 public:
  void Add(std::unique_ptr<StepKind> kind);
  void Add(std::unique_ptr<CheckKind> kind);

  // The kind that reads `field` of Step.action (Check.what), or null.
  const StepKind* FindStep(std::string_view field) const;
  const CheckKind* FindCheck(std::string_view field) const;
  // Every kind, in the schema's field order.
  std::vector<const StepKind*> steps() const;
  std::vector<const CheckKind*> checks() const;

  // OK iff every field of Step.action and Check.what has exactly one kind, and every kind reads
  // a field there; else INTERNAL naming the first mismatch. The tests hold the registry to it.
  Status Validate() const;

 private:
  std::map<int, std::unique_ptr<StepKind>> steps_;    // by field number
  std::map<int, std::unique_ptr<CheckKind>> checks_;  // by field number
  std::vector<std::string> problems_;                 // found while adding
};

// Every kind in scenarios/language/actions/.
const ActionRegistry& Actions();

}  // namespace testplanet::scenario

// Defines the function that registers one file's kinds, inside namespace testplanet::scenario;
// its argument is the file's name (crash.cc: TESTPLANET_ACTIONS_FILE(crash)), which is how the
// generated index calls it.
#define TESTPLANET_ACTIONS_FILE(file) void DefineActions_##file(ActionRegistry& registry)

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_REGISTRY_H_
