// Planted bugs: faults put into a planet on purpose, so that a test can show that swarm sweeps
// find real bugs and shrinking reduces them — each a decorator installed through a seam the
// planet already has:
//   * a storage node's orders DB (storagenode::Config::wrap_orders_db), innermost, next to the
//     real database, so that the invariant checker (outermost) sees what the node's code sees;
//   * a satellite's settlement checks (satellite::Config::wrap_order_checks);
//   * the planet's chore handles (Config::wrap_chore), standing in for a faulty Cycle.
// The peers carry no test flags; a planet without a planted bug runs no planted code. Each bug
// is chosen by name at run time (`testplanet run --planted-bug NAME`).
#ifndef TESTPLANET_SCENARIOS_PLANET_PLANTED_BUGS_H_
#define TESTPLANET_SCENARIOS_PLANET_PLANTED_BUGS_H_

#include <string_view>
#include <vector>

#include "scenarios/planet/planet.h"
#include "sim/status.h"

namespace testplanet {

struct PlantedBug {
  std::string_view name;  // "archive-before-answer"
  std::string_view area;  // where it lives: "sender", "cleanup", "satellite checks", "cycle"
  std::string_view what;  // the bug, in one line
  void (*install)(Config& config);
};

// Every planted bug, in a fixed order.
const std::vector<PlantedBug>& PlantedBugs();

// Installs the bug named `name` into `config`, around whatever hooks are there already. "" and
// "none" install nothing; an unknown name is INVALID_ARGUMENT naming the bugs there are.
Status PlantBug(std::string_view name, Config& config);

}  // namespace testplanet

#endif  // TESTPLANET_SCENARIOS_PLANET_PLANTED_BUGS_H_
