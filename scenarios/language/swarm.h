// Swarm testing (as TigerBeetle's VOPR does): each seed also picks the planet's configuration
// and which actions a run has, so that a sweep covers many mixes instead of one.
//
// Swarm takes a scenario (its planet, traffic and checks) and a seed, and returns the scenario
// with, first, a drawn configuration — the run's length (up to half again the scenario's),
// storage nodes, preset, chore intervals, archive TTL and order expiration short enough that
// cleanup deletes and limits expire within the run — then
// each kind of step's own draw (StepKind::Draw, in the schema's order, each from a stream of its
// own): network, disk and clock faults, crashes and stops at any instant, chore control, hostile
// peers, clocks stopped exactly on an expiry or TTL boundary. Faults fall between 5% of the run
// and the quiesce (the scenario's, or 75% of the run), after which every order must settle. The
// same scenario and seed always give the same mix. Nothing here reads a clock or real entropy.
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_SWARM_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_SWARM_H_

#include <cstdint>
#include <string>

#include "scenarios/language/plan.h"

namespace testplanet::scenario {

struct SwarmScenario {
  Scenario spec;            // the scenario with the seed's configuration and actions
  std::string description;  // one line: the configuration, then each kind's draw
};

SwarmScenario Swarm(const Plan& base, std::uint64_t seed);

// True iff `kind`'s own Draw adds steps to some seeds' scenarios (tried on a small planet over
// 64 seeds); a kind drawn only with another says so in its info's drawn_with.
bool SwarmDraws(const StepKind& kind);

// The scenario as a file a person can read and rerun: a comment header, then text format.
std::string ScenarioFileText(const Scenario& spec, const std::string& header);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_SWARM_H_
