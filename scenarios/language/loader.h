// Loading a scenario file into a Plan: parse the text format, then check everything a user can
// get wrong, so that a run never starts on a scenario it cannot carry out.
//
// Errors are INVALID_ARGUMENT (NOT_FOUND for a file that cannot be read) and name the file, line
// and column and the field: "week.textproto:12:5: step[3].at: invalid duration \"1x\": unknown
// unit \"x\"". Each step and check is checked by its kind (registry.h); the planet, the run's
// timing and the triggers here.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_LOADER_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_LOADER_H_

#include <string>

#include "scenarios/language/plan.h"
#include "sim/status.h"

namespace testplanet::scenario {

// Reads and loads `path`.
StatusOr<Plan> LoadScenarioFile(const std::string& path);
// Loads text already in memory; `path` only names it in messages and gives the default name.
StatusOr<Plan> LoadScenarioText(const std::string& path, const std::string& text);
// Loads a scenario built in code (swarm, shrink); `path` names it in messages.
StatusOr<Plan> LoadScenario(const std::string& path, const Scenario& spec);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_LOADER_H_
