// testplanet-demo: three chores on one virtual clock, to show the kernel at work.
//
// A storage node's order sender (every 15s) that sometimes takes longer than its interval, a
// cleanup chore (every 1m, delayed start), and a test that pauses the sender and drives it with
// TriggerWait — the Storj idiom. Prints each run as it happens, then the run's digest: run it
// twice with the same --seed and the digest is the same; change the seed and it changes.
//
// Usage: testplanet-demo [--seed N] [--minutes M]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "sim/asio.h"
#include "sim/context.h"
#include "sim/cycle.h"
#include "sim/simulator.h"
#include "sim/sleep.h"

namespace {

using namespace std::chrono_literals;
using testplanet::Awaitable;
using testplanet::Context;
using testplanet::Cycle;
using testplanet::CycleRun;
using testplanet::FormatDuration;
using testplanet::FormatTime;
using testplanet::Simulator;
using testplanet::Status;

int Usage(const char* message) {
  std::fprintf(stderr, "testplanet-demo: %s\nusage: testplanet-demo [--seed N] [--minutes M]\n",
               message);
  return 2;
}

bool ParseNumber(const char* text, unsigned long long& out) {
  char* end = nullptr;
  out = std::strtoull(text, &end, 10);
  return end != text && *end == '\0' && text[0] != '-';
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long long seed = 1, minutes = 3;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf(
          "testplanet-demo: chores ticking on the virtual clock.\n"
          "  --seed N      root seed (default 1); the same seed prints the same digest\n"
          "  --minutes M   virtual minutes to simulate (default 3)\n");
      return 0;
    }
    if ((arg == "--seed" || arg == "--minutes") && i + 1 < argc) {
      unsigned long long value;
      if (!ParseNumber(argv[++i], value)) return Usage("--seed and --minutes take a number");
      (arg == "--seed" ? seed : minutes) = value;
    } else {
      return Usage(("unknown argument '" + std::string(arg) + "'").c_str());
    }
  }

  Simulator sim(testplanet::SimulatorOptions{.seed = seed});
  const auto node = sim.trace().RegisterPeer("storagenode0");
  Context root = Context::Background(sim);
  auto jitter = sim.random().Stream("storagenode0/sender");

  Cycle sender(sim, "orders.sender", node, 15s);
  Cycle cleanup(sim, "orders.cleanup", node, 1min);
  cleanup.SetDelayStart();

  auto print_run = [&sim](const char* chore, const CycleRun& run) {
    std::printf("%-9s %-15s run %-3llu (%s)\n", FormatTime(sim.Now()).c_str(), chore,
                static_cast<unsigned long long>(run.number),
                std::string(testplanet::CycleRunReasonName(run.reason)).c_str());
  };

  sender.Start(root, [&](CycleRun run) -> Awaitable<Status> {
    print_run("sender", run);
    // Settling takes 1..25 seconds, drawn from the seeded stream: sometimes longer than the
    // interval, so a tick is held and the next run starts as soon as this one ends.
    const auto took = std::chrono::seconds(jitter.Uniform(1, 25));
    co_await testplanet::Sleep(run.ctx, took);
    std::printf("%-9s %-15s   done after %s\n", FormatTime(sim.Now()).c_str(), "sender",
                FormatDuration(took).c_str());
    co_return Status::Ok();
  });
  cleanup.Start(root, [&](CycleRun run) -> Awaitable<Status> {
    print_run("cleanup", run);
    co_return Status::Ok();
  });

  const testplanet::Duration total = std::chrono::minutes(minutes);
  if (Status s = sim.RunFor(total / 2); !s.ok())
    return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  std::printf("%-9s test: sender.Pause(); sender.TriggerWait()\n", FormatTime(sim.Now()).c_str());
  sender.Pause();
  if (Status s = sender.TriggerWait(); !s.ok())
    return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  std::printf("%-9s test: TriggerWait returned; sender.Restart()\n", FormatTime(sim.Now()).c_str());
  sender.Restart();
  if (Status s = sim.RunFor(total - total / 2); !s.ok())
    return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;

  (void)sender.Close();
  (void)cleanup.Close();
  std::printf(
      "\nsimulated %s in %llu events; sender ran %llu times (%llu ticks dropped), cleanup %llu\n"
      "seed %llu  digest %s\n",
      FormatDuration(sim.Now().time_since_epoch()).c_str(),
      static_cast<unsigned long long>(sim.events_fired()),
      static_cast<unsigned long long>(sender.runs_finished()),
      static_cast<unsigned long long>(sender.ticks_dropped()),
      static_cast<unsigned long long>(cleanup.runs_finished()), seed,
      testplanet::Trace::FormatDigest(sim.trace().digest()).c_str());
  return 0;
}
