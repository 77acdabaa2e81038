// One check's outcome as JSON, the same in summary.json and in report.html's data: name, where
// (file:line), at, passed, expected, found. Internal to the report writers.
#ifndef TESTPLANET_SCENARIOS_REPORT_CHECK_JSON_H_
#define TESTPLANET_SCENARIOS_REPORT_CHECK_JSON_H_

#include <nlohmann/json.hpp>

#include "scenarios/language/runner.h"

namespace testplanet::report {

nlohmann::json CheckJson(const scenario::CheckOutcome& check);

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_CHECK_JSON_H_
