// The style and script report.html and index.html carry inline (the files are self-contained:
// no network, no CDN). The sources are report.css and report.js beside this header; CMake
// embeds them when it configures.
#ifndef TESTPLANET_SCENARIOS_REPORT_HTML_ASSETS_H_
#define TESTPLANET_SCENARIOS_REPORT_HTML_ASSETS_H_

namespace testplanet::report::html {

extern const char* const kReportCss;
extern const char* const kReportJs;

}  // namespace testplanet::report::html

#endif  // TESTPLANET_SCENARIOS_REPORT_HTML_ASSETS_H_
