// Swarm testing (as TigerBeetle's VOPR does): each seed also picks which faults a run has and
// how hard they hit, so that a sweep covers many fault mixes instead of one.
//
// Swarm takes a scenario (its planet, traffic and checks) and a seed, and returns the scenario
// with fault steps added: each fault class — message loss, duplication and reordering,
// partitions, one-way cuts, clogs, held messages, refused dials, crashes with restarts, clock
// skew, disk errors — is switched on with probability 1/2, with rates, peers and times drawn
// from the seed. Faults fall between 5% and 75% of the run; a quiesce at 75% (unless the
// scenario has one) lets every order settle before the end, when liveness is checked. The same
// scenario and seed always give the same mix. Nothing here reads a clock or real entropy.
#ifndef TESTPLANET_SCENARIOS_SWARM_H_
#define TESTPLANET_SCENARIOS_SWARM_H_

#include <cstdint>
#include <string>

#include "scenarios/language/scenario_loader.h"

namespace testplanet::scenario {

struct SwarmScenario {
  Scenario spec;            // the scenario with the seed's faults added
  std::string description;  // one line: the mix and its rates, e.g. "drop 0.031 on ..., crash ..."
};

SwarmScenario Swarm(const LoadedScenario& base, std::uint64_t seed);

// The scenario as a file a person can read and rerun: a comment header, then text format.
std::string ScenarioFileText(const Scenario& spec, const std::string& header);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_SWARM_H_
