// The testplanet command line, parsed and dispatched: what `main` calls, and what the command
// line's fuzz target calls without running anything.
#ifndef TESTPLANET_SCENARIOS_CLI_COMMAND_LINE_H_
#define TESTPLANET_SCENARIOS_CLI_COMMAND_LINE_H_

namespace testplanet::cli {

// Parses argv and, when `execute`, runs the subcommand; returns the process's exit code (0, 1,
// or 2 for bad input, after a message). Without `execute`, a command line that parses returns 0.
int Main(int argc, char** argv, bool execute = true);

}  // namespace testplanet::cli

#endif  // TESTPLANET_SCENARIOS_CLI_COMMAND_LINE_H_
