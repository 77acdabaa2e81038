// testplanet::Run: a planet for one GoogleTest body, in the spirit of Storj's testplanet.Run.
//
//   #include "scenarios/gtest/testplanet_run.h"       // link testplanet::gtest
//   TEST(Orders, Settle) {
//     testplanet::Run(testplanet::Config{}, [](testplanet::Planet& planet) {
//       ... planet.storage_nodes()[0]->orders().sender().TriggerWait() ...
//     });
//   }
//
// Builds the planet, starts it, runs the body, shuts it down in reverse order. A failure inside
// the simulation (a peer stopping unexpectedly, a runaway guard) fails the test. When the test
// has failed by the end of the body, Run writes a run directory for it — report.html,
// trace.json, timeline.svg, log.txt, summary.json, trace.bin — under
// $TESTPLANET_OUT (default testplanet-out/gtest), named SUITE.TEST-seed-N, and every failure
// carries the seed, that directory and the command that reproduces the run: this binary's path
// with TESTPLANET_SEED and --gtest_filter. TESTPLANET_SEED overrides Config::seed. Run keeps
// every trace record (Config::trace_detail becomes kRecords) for that directory.
// Trap: call it qualified, testplanet::Run — inside a TEST body a bare Run names
// testing::Test::Run.
#ifndef TESTPLANET_SCENARIOS_GTEST_TESTPLANET_RUN_H_
#define TESTPLANET_SCENARIOS_GTEST_TESTPLANET_RUN_H_

#include <functional>

#include "scenarios/planet/planet.h"

namespace testplanet {

void Run(Config config, const std::function<void(Planet&)>& body);

}  // namespace testplanet

#endif  // TESTPLANET_SCENARIOS_GTEST_TESTPLANET_RUN_H_
