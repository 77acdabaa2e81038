// junit.xml: one <testsuite> per scenario run; a test case for the run itself and one per check.
#include "scenarios/report/junit.h"

#include <cstdio>
#include <string>

#include "scenarios/report/markup.h"
#include "scenarios/report/reports.h"
#include "scenarios/report/sweep_report.h"

namespace testplanet::report {
namespace {

std::string Seconds(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f", seconds < 0 ? 0.0 : seconds);
  return buffer;
}

std::string Attribute(const char* name, const std::string& value) {
  return std::string(" ") + name + "=\"" + EscapeMarkup(value) + "\"";
}

std::string CaseXml(const JunitCase& c) {
  std::string xml = "    <testcase" + Attribute("classname", c.classname) +
                    Attribute("name", c.name) + Attribute("time", Seconds(c.seconds));
  if (!c.file.empty()) xml += Attribute("file", c.file);
  if (c.line > 0) xml += Attribute("line", std::to_string(c.line));
  if (!c.failure) return xml + "/>\n";
  xml += ">\n      <failure" + Attribute("type", c.failure->type) +
         Attribute("message", c.failure->message) + ">" + EscapeMarkup(c.failure->text) +
         "</failure>\n";
  return xml + "    </testcase>\n";
}

}  // namespace

std::pair<std::string, int> SplitFileLine(const std::string& where) {
  const auto colon = where.rfind(':');
  if (colon == std::string::npos || colon + 1 == where.size() || colon + 10 < where.size()) {
    return {where, 0};
  }
  int line = 0;
  for (std::size_t i = colon + 1; i < where.size(); ++i) {
    if (where[i] < '0' || where[i] > '9') return {where, 0};
    line = line * 10 + (where[i] - '0');
  }
  return {where.substr(0, colon), line};
}

std::string JunitXml(const std::vector<JunitSuite>& suites) {
  std::size_t tests = 0, failures = 0;
  double seconds = 0;
  for (const JunitSuite& suite : suites) {
    tests += suite.cases.size();
    seconds += suite.seconds;
    for (const JunitCase& c : suite.cases) failures += c.failure ? 1 : 0;
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" +
                    Attribute("tests", std::to_string(tests)) +
                    Attribute("failures", std::to_string(failures)) + Attribute("errors", "0") +
                    Attribute("time", Seconds(seconds)) + ">\n";
  for (const JunitSuite& suite : suites) {
    std::size_t failed = 0;
    for (const JunitCase& c : suite.cases) failed += c.failure ? 1 : 0;
    xml += "  <testsuite" + Attribute("name", suite.name) +
           Attribute("tests", std::to_string(suite.cases.size())) +
           Attribute("failures", std::to_string(failed)) + Attribute("errors", "0") +
           Attribute("time", Seconds(suite.seconds)) + ">\n";
    if (!suite.properties.empty()) {
      xml += "    <properties>\n";
      for (const auto& [name, value] : suite.properties) {
        xml += "      <property" + Attribute("name", name) + Attribute("value", value) + "/>\n";
      }
      xml += "    </properties>\n";
    }
    for (const JunitCase& c : suite.cases) xml += CaseXml(c);
    xml += "  </testsuite>\n";
  }
  return xml + "</testsuites>\n";
}

Status WriteJunit(const std::string& path, const std::vector<RunFiles>& runs) {
  std::vector<JunitSuite> suites;
  for (const RunFiles& run : runs) {
    const scenario::RunResult& r = *run.result;
    const std::string file = run.scenario != nullptr ? run.scenario->path : "";
    JunitSuite suite{r.scenario + " (seed " + std::to_string(r.seed) + ")",
                     run.wall_seconds,
                     {{"seed", std::to_string(r.seed)},
                      {"digest", Trace::FormatDigest(r.digest)},
                      {"reproduce", run.reproduce}},
                     {}};
    JunitCase whole{r.scenario, "run", file, 0, run.wall_seconds, std::nullopt};
    if (!r.status.ok()) {
      whole.failure = JunitFailure{ErrorKind(r.status), r.status.ToString(),
                                   r.status.ToString() + "\nreproduce: " + run.reproduce};
    }
    suite.cases.push_back(std::move(whole));
    for (const auto& c : r.checks) {
      auto [check_file, line] = SplitFileLine(c.where);
      JunitCase check{r.scenario, c.name, check_file, line, 0, std::nullopt};
      if (!c.passed) {
        const std::string message =
            "at " + FormatTime(c.at) + ": expected " + c.expected + ", found " + c.found;
        check.failure = JunitFailure{"check", message,
                                     message + "\n" + c.where + "\nreproduce: " + run.reproduce};
      }
      suite.cases.push_back(std::move(check));
    }
    suites.push_back(std::move(suite));
  }
  return WriteFile(path, JunitXml(suites));
}

}  // namespace testplanet::report
