// testplanet::Run: a planet for one GoogleTest body, in the spirit of Storj's testplanet.Run.
//
//   TEST(Orders, Settle) {
//     testplanet::Run(testplanet::Config{}, [](testplanet::Planet& planet) {
//       ... planet.storage_nodes()[0]->orders().sender().TriggerWait() ...
//     });
//   }
//
// Builds the planet, starts it, runs the body, shuts it down in reverse order. Every failure
// inside carries the seed and a one-line reproduce command; a failure inside the simulation (a
// peer stopping unexpectedly, a runaway guard) fails the test. The environment variable
// TESTPLANET_SEED overrides Config::seed, which is how the reproduce command works.
// Trap: call it qualified, testplanet::Run — inside a TEST body a bare Run names
// testing::Test::Run.
#ifndef TESTPLANET_SCENARIOS_TESTPLANET_RUN_H_
#define TESTPLANET_SCENARIOS_TESTPLANET_RUN_H_

#include <functional>

#include "scenarios/planet/planet.h"

namespace testplanet {

void Run(Config config, const std::function<void(Planet&)>& body);

}  // namespace testplanet

#endif  // TESTPLANET_SCENARIOS_TESTPLANET_RUN_H_
