#include "scenarios/cli/outputs.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace testplanet::cli {

namespace fs = std::filesystem;

Status CheckOutputFile(const std::string& flag, const std::string& path, std::string_view ours) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) {
    const fs::path parent = fs::path(path).parent_path();
    if (parent.empty()) return Status::Ok();
    const fs::file_status up = fs::status(parent, error);
    if (up.type() == fs::file_type::not_found || up.type() == fs::file_type::directory) {
      return Status::Ok();
    }
    return FailedPreconditionError(flag + " " + path + ": " + parent.string() +
                                   " is not a directory");
  }
  if (status.type() != fs::file_type::regular) {
    return FailedPreconditionError(flag + " " + path + ": is not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  std::string start(ours.size(), '\0');
  in.read(start.data(), static_cast<std::streamsize>(start.size()));
  start.resize(static_cast<std::size_t>(in.gcount()));
  if (start.empty() || start == ours) return Status::Ok();
  return FailedPreconditionError(flag + " " + path +
                                 ": exists and testplanet did not write it; it is left as it is "
                                 "(name a new file)");
}

bool Report(const Status& s) {
  if (s.ok()) return true;
  std::fprintf(stderr, "testplanet: %s\n", std::string(s.message()).c_str());
  return false;
}

}  // namespace testplanet::cli
