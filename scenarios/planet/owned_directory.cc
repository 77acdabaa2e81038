#include "scenarios/planet/owned_directory.h"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace testplanet {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMarkerText =
    "This directory was written by testplanet, which may overwrite or delete what is in it.\n";

std::string MarkerPath(const std::string& directory) {
  return (fs::path(directory) / kOwnedMarker).string();
}

Status Refuse(const std::string& directory, const std::string& why) {
  return FailedPreconditionError(directory + ": " + why);
}

}  // namespace

bool IsOwned(const std::string& directory) {
  std::error_code error;
  // A link named like the marker is not one: it could be made to point at anything.
  return fs::symlink_status(MarkerPath(directory), error).type() == fs::file_type::regular;
}

Status CheckClaimable(const std::string& directory) {
  if (directory.empty()) return InvalidArgumentError("an empty directory name");
  std::error_code error;
  const fs::file_status status = fs::status(directory, error);
  if (status.type() == fs::file_type::not_found) return Status::Ok();
  if (error) return Refuse(directory, "cannot look at it: " + error.message());
  if (status.type() != fs::file_type::directory) {
    return Refuse(directory, "is not a directory; testplanet writes a directory of files there");
  }
  if (IsOwned(directory)) return Status::Ok();
  const bool empty = fs::is_empty(directory, error);
  if (error) return Refuse(directory, "cannot list it: " + error.message());
  if (empty) return Status::Ok();
  return Refuse(directory, "holds files testplanet did not write (it has no " +
                               std::string(kOwnedMarker) +
                               " marker); choose a new or empty directory");
}

Status ClaimDirectory(const std::string& directory) {
  if (Status s = CheckClaimable(directory); !s.ok()) return s;
  if (IsOwned(directory)) return Status::Ok();
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) return UnavailableError("cannot create " + directory + ": " + error.message());
  std::ofstream marker(MarkerPath(directory), std::ios::binary | std::ios::trunc);
  marker << kMarkerText;
  marker.close();
  if (!marker) return UnavailableError("cannot write " + MarkerPath(directory));
  return Status::Ok();
}

Status ClearDirectory(const std::string& directory) {
  std::error_code error;
  if (fs::symlink_status(directory, error).type() == fs::file_type::not_found) {
    return Status::Ok();
  }
  if (!IsOwned(directory)) {
    if (Status s = CheckClaimable(directory); !s.ok()) return s;
    return Status::Ok();  // empty: nothing to clear
  }
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    if (entry.path().filename() == kOwnedMarker) continue;
    fs::remove_all(entry.path(), error);  // a link is removed, never followed
    if (error) return UnavailableError("remove " + entry.path().string() + ": " + error.message());
  }
  if (error) return UnavailableError("list " + directory + ": " + error.message());
  return Status::Ok();
}

}  // namespace testplanet
