// planet_memory N HOURS: builds a planet of 1 satellite, N storage nodes (in memory) and 1
// uplink with release defaults, runs HOURS of virtual time with an upload every 10 minutes, and
// prints the peak resident memory, per storage node. Run by hand:
//   build/release/tests/planet_memory 1000 24
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "scenarios/planet/planet.h"

namespace {

long PeakKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: planet_memory STORAGE_NODES HOURS\n");
    return 2;
  }
  const int nodes = std::atoi(argv[1]);
  const int hours = std::atoi(argv[2]);
  if (nodes <= 0 || hours < 0) {
    std::fprintf(stderr, "planet_memory: STORAGE_NODES must be positive, HOURS not negative\n");
    return 2;
  }
  const long before = PeakKiB();
  testplanet::Config config;
  config.storage_nodes = nodes;
  config.reconfigure_storage_node = [](int, testplanet::storagenode::Config& node) {
    node.orders = testplanet::storagenode::OrdersConfig::Release();
    node.contact_interval = std::chrono::hours(1);
  };
  auto planet = testplanet::Planet::Create(config);
  if (!planet.ok() || !(*planet)->Start().ok()) {
    std::fprintf(stderr, "planet_memory: the planet did not start\n");
    return 1;
  }
  const long started = PeakKiB();
  for (int minute = 10; minute <= hours * 60; minute += 10) {
    if (!(*planet)->RunFor(std::chrono::minutes(10)).ok()) return 1;
    (void)(*planet)->Upload(0, 0, "bucket", "o" + std::to_string(minute), std::string(4096, 'x'));
  }
  const long peak = PeakKiB();
  std::printf("%d storage nodes, %d virtual hours, %llu events\n", nodes, hours,
              static_cast<unsigned long long>((*planet)->sim().events_fired()));
  std::printf("peak RSS %.1f MiB (%.1f MiB at start); %.1f KiB per storage node\n", peak / 1024.0,
              started / 1024.0, static_cast<double>(peak - before) / nodes);
  return (*planet)->Shutdown().ok() ? 0 : 1;
}
