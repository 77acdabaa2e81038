// Uses the installed package: a kernel cycle, then a planet that uploads and settles one object.
// Exits 0 iff both behave.
#include <cstdio>

#include "scenarios/planet/planet.h"
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
  if (!sim.RunFor(1min).ok() || cycle.runs_finished() != 5) return 1;

  auto planet = testplanet::Planet::Create(testplanet::Config{});
  if (!planet.ok() || !(*planet)->Start().ok()) return 1;
  if (!(*planet)->Upload(0, 0, "bucket", "object", "hello").ok()) return 1;
  auto& node = *(*planet)->storage_nodes()[0];
  if (!node.orders().sender().TriggerWait().ok()) return 1;
  auto counts = node.orders_db().Count();
  std::printf("consumer: %llu cycle runs; node0 accepted %llu orders\n",
              static_cast<unsigned long long>(cycle.runs_finished()),
              static_cast<unsigned long long>(counts.ok() ? counts->accepted : 0));
  return counts.ok() && counts->accepted == 1 && (*planet)->Shutdown().ok() ? 0 : 1;
}
