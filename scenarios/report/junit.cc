// junit.xml: one <testsuite> per scenario run; a test case for the run itself and one per check.
#include <fstream>
#include <string>

#include "scenarios/report/reports.h"

namespace testplanet::report {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids most control characters.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
    }
  }
  return out;
}

}  // namespace

Status WriteJunit(const std::string& path, const std::vector<RunFiles>& runs) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (const RunFiles& run : runs) {
    const scenario::RunResult& r = *run.result;
    int failures = r.status.ok() ? 0 : 1;
    for (const auto& c : r.checks) failures += c.passed ? 0 : 1;
    const std::string suite = Escape(r.scenario) + " (seed " + std::to_string(r.seed) + ")";
    xml += "  <testsuite name=\"" + suite + "\" tests=\"" + std::to_string(r.checks.size() + 1) +
           "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" time=\"" +
           std::to_string(run.wall_seconds) + "\">\n";
    xml += "    <properties>\n";
    xml += "      <property name=\"seed\" value=\"" + std::to_string(r.seed) + "\"/>\n";
    xml += "      <property name=\"digest\" value=\"" + Trace::FormatDigest(r.digest) + "\"/>\n";
    xml += "      <property name=\"reproduce\" value=\"" + Escape(run.reproduce) + "\"/>\n";
    xml += "    </properties>\n";
    xml += "    <testcase classname=\"" + Escape(r.scenario) + "\" name=\"run\" file=\"" +
           Escape(run.scenario->path) + "\">\n";
    if (!r.status.ok()) {
      xml += "      <failure message=\"" + Escape(r.status.ToString()) + "\">" +
             Escape(r.status.ToString() + "\nreproduce: " + run.reproduce) + "</failure>\n";
    }
    xml += "    </testcase>\n";
    for (const auto& c : r.checks) {
      xml += "    <testcase classname=\"" + Escape(r.scenario) + "\" name=\"" + Escape(c.name) +
             "\" file=\"" + Escape(c.where) + "\">\n";
      if (!c.passed) {
        const std::string message =
            "at " + FormatTime(c.at) + ": expected " + c.expected + ", found " + c.found;
        xml += "      <failure message=\"" + Escape(message) + "\">" +
               Escape(message + "\n" + c.where + "\nreproduce: " + run.reproduce) + "</failure>\n";
      }
      xml += "    </testcase>\n";
    }
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << xml;
  out.close();
  if (!out) return UnavailableError("cannot write " + path);
  return Status::Ok();
}

}  // namespace testplanet::report
