// The files and directories a subcommand writes, checked before it runs anything: a run or
// sweep directory must be new, empty or testplanet's (owned_directory.h); a single output file
// (a sweep report, a shrunk scenario) must be new, or one this tool wrote, recognised by how
// such a file begins. Each refusal says which flag named the path; exit 2 follows.
#ifndef TESTPLANET_SCENARIOS_CLI_OUTPUTS_H_
#define TESTPLANET_SCENARIOS_CLI_OUTPUTS_H_

#include <string>
#include <string_view>

#include "sim/status.h"

namespace testplanet::cli {

// OK iff `path` may be (over)written: it is missing (its directory exists or can be made), or
// a regular file that is empty or begins with `ours`.
Status CheckOutputFile(const std::string& flag, const std::string& path, std::string_view ours);

// Prints "testplanet: <status message>" to stderr and returns false when `s` is not OK.
bool Report(const Status& s);

}  // namespace testplanet::cli

#endif  // TESTPLANET_SCENARIOS_CLI_OUTPUTS_H_
