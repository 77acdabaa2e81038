// Loading a scenario file: parse the text format, then check everything a user can get wrong,
// so that a run never starts on a scenario it cannot carry out.
//
// Errors name the file, line and column and the field ("week.textproto:12:5: step[3].at:
// invalid duration \"1x\": unknown unit \"x\""). The loaded scenario keeps every duration
// parsed and every step's and check's location, for reports that point back at the file.
#ifndef TESTPLANET_SCENARIOS_SCENARIO_LOADER_H_
#define TESTPLANET_SCENARIOS_SCENARIO_LOADER_H_

#include <string>
#include <vector>

#include "scenarios/language/scenario.pb.h"
#include "sim/clock.h"
#include "sim/status.h"

namespace testplanet::scenario {

// A place in a scenario file, 1-based.
struct Location {
  int line = 0;
  int column = 0;
};

struct LoadedScenario {
  std::string path;  // as given
  std::string text;  // the file's contents
  Scenario spec;     // with defaults filled in (planet counts, preset, storage)
  Duration duration{};
  std::vector<Location> step_locations;   // one per spec.step
  std::vector<Location> check_locations;  // one per spec.check
  // "file:line" of step i / check i, for messages.
  std::string StepWhere(int i) const;
  std::string CheckWhere(int i) const;
};

// Reads and validates `path`. Bad input is INVALID_ARGUMENT (NOT_FOUND for a missing file)
// with a message that starts "path:line:col: ".
StatusOr<LoadedScenario> LoadScenarioFile(const std::string& path);
// The same for text already in memory; `path` only names it in messages.
StatusOr<LoadedScenario> LoadScenarioText(const std::string& path, const std::string& text);

// Returns the peer names a selector stands for, in order, or INVALID_ARGUMENT.
// Names: satellite<i>, storagenode<i>, uplink<i>; "kind*" is every one; "kind[a..b]" a range.
StatusOr<std::vector<std::string>> ExpandSelector(const std::string& selector, int satellites,
                                                  int storage_nodes, int uplinks);

// The chores a ChoreControl or ChoreCheck may name.
bool KnownChore(const std::string& chore);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_SCENARIO_LOADER_H_
