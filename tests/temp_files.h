// Scratch files for tests: a fresh directory of the test's own, and a file's whole bytes.
// TempDir names the directory after the process, so two test binaries running at once (ctest -j)
// never share one; it empties the directory first, so a test starts from nothing even after a
// crashed run left files behind.
#ifndef TESTPLANET_TESTS_TEMP_FILES_H_
#define TESTPLANET_TESTS_TEMP_FILES_H_

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace testplanet {

// <temp>/testplanet-<name>-<pid>, empty.
inline std::string TempDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("testplanet-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

// The file's bytes; empty if it cannot be read.
inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace testplanet

#endif  // TESTPLANET_TESTS_TEMP_FILES_H_
