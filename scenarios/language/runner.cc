#include "scenarios/language/runner.h"

#include <new>

#include "scenarios/language/run.h"
#include "scenarios/planet/owned_directory.h"

namespace testplanet::scenario {

Status CheckRunDirectory(const Plan& plan, const RunOptions& options) {
  if (plan.planet.storage != StorageMode::kOnDisk) {
    return options.run_directory.empty() ? Status::Ok() : CheckClaimable(options.run_directory);
  }
  const std::string directory = options.run_directory.empty() ? "." : options.run_directory;
  if (Status s = CheckClaimable(directory); !s.ok()) return s;
  return CheckDiskDirectory(directory + "/db");
}

RunResult RunScenario(const Plan& plan, const RunOptions& options) {
  RunResult result;
  try {
    Run run(plan, options, result);
    run.Go();
  } catch (const std::bad_alloc&) {
    // The budgets (cost.h) should stop a run long before this; if memory still runs out, say
    // so instead of aborting.
    result.records.Clear();
    result.log.clear();
    result.log.shrink_to_fit();
    result.status = ResourceExhaustedError(
        "out of memory; the run holds more than this machine has (lower --max-memory, or give "
        "the run less to do)");
  }
  return result;
}

}  // namespace testplanet::scenario
