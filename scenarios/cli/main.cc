// testplanet: run storage-network scenarios on one virtual clock; replay and compare runs.
#include <cstdio>
#include <exception>

#include "scenarios/cli/command_line.h"
#include "scenarios/cli/commands.h"

int main(int argc, char** argv) {
  try {
    return testplanet::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    // Nothing a user does should get here; if something does, say what rather than abort.
    std::fprintf(stderr, "testplanet: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "testplanet: internal error\n");
  }
  return testplanet::cli::kExitFailed;
}
