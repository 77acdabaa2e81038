// Uses the installed kernel: one cycle on the virtual clock; exits 0 iff it ran 5 times.
#include <cstdio>

#include "sim/context.h"
#include "sim/cycle.h"
#include "sim/simulator.h"

int main() {
  using namespace std::chrono_literals;
  testplanet::Simulator sim;
  testplanet::Cycle cycle(sim, "consumer.chore", 0, 15s);
  cycle.Start(testplanet::Context::Background(sim),
              [](testplanet::CycleRun) -> testplanet::Awaitable<testplanet::Status> {
                co_return testplanet::Status::Ok();
              });
  if (!sim.RunFor(1min).ok()) return 1;
  std::printf("consumer: %llu runs\n", static_cast<unsigned long long>(cycle.runs_finished()));
  return cycle.runs_finished() == 5 ? 0 : 1;
}
