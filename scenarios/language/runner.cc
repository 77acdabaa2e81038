#include "scenarios/language/runner.h"

#include "scenarios/language/run.h"

namespace testplanet::scenario {

Status CheckRunDirectory(const Plan& plan, const RunOptions& options) {
  if (plan.planet.storage != StorageMode::kOnDisk) return Status::Ok();
  return CheckDiskDirectory((options.run_directory.empty() ? "." : options.run_directory) + "/db");
}

RunResult RunScenario(const Plan& plan, const RunOptions& options) {
  RunResult result;
  Run run(plan, options, result);
  run.Go();
  return result;
}

}  // namespace testplanet::scenario
