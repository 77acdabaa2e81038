// JUnit XML, as Jenkins' xUnit plugin (junit-10.xsd), GitHub's junit report actions and GitLab
// read it: suites of test cases, each with its source file and line apart, its time in seconds
// (three decimals), and a failure carrying a type, a message and text. A run's junit.xml and a
// sweep's are both written through JunitXml, and tests validate it against
// tests/scenarios/report/junit.xsd.
#ifndef TESTPLANET_SCENARIOS_REPORT_JUNIT_H_
#define TESTPLANET_SCENARIOS_REPORT_JUNIT_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace testplanet::report {

struct JunitFailure {
  std::string type;     // "check", "invariant", "error", "crash"
  std::string message;  // one line
  std::string text;     // details: expected, found, reproduce
};

struct JunitCase {
  std::string classname;
  std::string name;
  std::string file;  // "" for none
  int line = 0;      // 0 for none
  double seconds = 0;
  std::optional<JunitFailure> failure;
};

struct JunitSuite {
  std::string name;
  double seconds = 0;
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<JunitCase> cases;
};

std::string JunitXml(const std::vector<JunitSuite>& suites);

// "dir/x.textproto:16" as file "dir/x.textproto" and line 16; text without a line stays whole.
std::pair<std::string, int> SplitFileLine(const std::string& where);

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_JUNIT_H_
