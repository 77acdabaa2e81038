// Fuzzes the command line: the input, split at NUL bytes, is argv. Parsing (CLI11 and testplanet's
// own checks) must end in an exit code, never a crash or an exception; nothing is run. Each word
// is also given to the flag parsers the subcommands use. (libFuzzer; build with the fuzz preset;
// ci/fuzz.sh runs it with -close_fd_mask=3, as the tool explains every refusal on stderr.)
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "scenarios/cli/command_line.h"
#include "scenarios/cli/commands.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> words = {"testplanet"};
  std::string word;
  for (std::size_t i = 0; i < size && words.size() < 64; ++i) {
    if (data[i] == 0) {
      words.push_back(word);
      word.clear();
    } else {
      word += static_cast<char>(data[i]);
    }
  }
  words.push_back(word);
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  int code = 0;
  try {
    code = testplanet::cli::Main(static_cast<int>(words.size()), argv.data(), /*execute=*/false);
  } catch (...) {
    std::abort();  // main would call it an internal error
  }
  if (code != 0 && code != 2) std::abort();
  for (const std::string& w : words) {
    (void)testplanet::cli::ParseSeedFlag("--seed", w);
    (void)testplanet::cli::ResolveBudget({.max_events = w, .max_memory = w});
    (void)testplanet::ParseDuration(w);
  }
  return 0;
}
