// Text into XML, SVG and HTML: EscapeMarkup always yields text that is well-formed inside an
// element or a quoted attribute, whatever the input holds (a scenario name with a control
// character, bytes that are not UTF-8). Every report writer that emits markup uses it.
#ifndef TESTPLANET_SCENARIOS_REPORT_MARKUP_H_
#define TESTPLANET_SCENARIOS_REPORT_MARKUP_H_

#include <string>
#include <string_view>

namespace testplanet::report {

// & < > " ' become entities; control characters XML 1.0 forbids (all below U+0020 but tab,
// newline and carriage return) and bytes that are not UTF-8 become U+FFFD.
std::string EscapeMarkup(std::string_view text);

// Appends `text` to `out` as a quoted JSON string: " and \ escaped, control characters as \uXXXX,
// bytes that are not UTF-8 as U+FFFD, so that any input yields valid JSON. For writers that
// stream JSON rather than build a document (trace.json holds millions of values).
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_MARKUP_H_
