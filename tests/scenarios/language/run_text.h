// Test helpers: load scenario text and run it, in process.
#ifndef TESTPLANET_TESTS_SCENARIOS_LANGUAGE_RUN_TEXT_H_
#define TESTPLANET_TESTS_SCENARIOS_LANGUAGE_RUN_TEXT_H_

#include <gtest/gtest.h>

#include <string>

#include "scenarios/language/loader.h"
#include "scenarios/language/runner.h"
#include "tests/status_matchers.h"

namespace testplanet::scenario {

// Loads `text` (failing the test if it does not load) and runs it with `options`.
inline RunResult RunText(const std::string& text, RunOptions options = {}) {
  auto plan = LoadScenarioText("test.textproto", text);
  EXPECT_THAT(plan, IsOk());
  if (!plan.ok()) return RunResult{};
  return RunScenario(*plan, options);
}

// The message of the error `text` fails to load with ("" if it loads).
inline std::string LoadError(const std::string& text) {
  auto plan = LoadScenarioText("bad.textproto", text);
  if (plan.ok()) return "";
  EXPECT_THAT(plan, StatusIs(StatusCode::kInvalidArgument));
  return std::string(plan.status().message());
}

// Every check's outcome, for failure messages.
inline std::string Outcomes(const RunResult& result) {
  std::string out = result.status.ok() ? "" : "run error: " + result.status.ToString() + "\n";
  for (const CheckOutcome& check : result.checks) {
    out += (check.passed ? "ok   " : "FAIL ") + check.name + ": expected " + check.expected +
           ", found " + check.found + "\n";
  }
  return out;
}

}  // namespace testplanet::scenario

#endif  // TESTPLANET_TESTS_SCENARIOS_LANGUAGE_RUN_TEXT_H_
