#include "scenarios/language/read_file.h"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace testplanet::scenario {

namespace fs = std::filesystem;

namespace {

std::string TypeName(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory:
      return "a directory";
    case fs::file_type::fifo:
      return "a FIFO";
    case fs::file_type::character:
    case fs::file_type::block:
      return "a device";
    case fs::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

}  // namespace

StatusOr<std::string> ReadRegularFile(const std::string& path, std::uintmax_t max_bytes) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) return NotFoundError(path + ": no such file");
  if (error) return NotFoundError(path + ": cannot read it: " + error.message());
  if (status.type() != fs::file_type::regular) {
    return InvalidArgumentError(path + ": is " + TypeName(status.type()) +
                                ", not a regular file; it is not read");
  }
  const std::uintmax_t size = fs::file_size(path, error);
  if (error) return NotFoundError(path + ": cannot read it: " + error.message());
  if (size > max_bytes) {
    return InvalidArgumentError(path + ": is " + std::to_string(size) + " bytes, more than the " +
                                std::to_string(max_bytes) + " such a file may have");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot open it");
  std::string data(static_cast<std::size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  // The file may have shrunk since it was measured; it never grows past what was allocated.
  data.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return NotFoundError(path + ": error while reading it");
  return data;
}

}  // namespace testplanet::scenario
