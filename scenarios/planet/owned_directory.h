// Directories testplanet may write into, and empty again: a run directory, its databases.
//
// A directory is ours when it holds the marker file this module wrote there. ClaimDirectory
// takes a directory that is missing, empty, or already ours, and marks it; anything else (a
// file, a directory with someone's files, a symbolic link) is refused with FailedPrecondition
// and left untouched. ClearDirectory empties a directory only if it is ours, keeping the marker.
// Names never decide what is ours: a file called manifest.json or CURRENT is not a marker.
// Trap: claim before writing anything, and claim the parent before its subdirectories.
#ifndef TESTPLANET_SCENARIOS_PLANET_OWNED_DIRECTORY_H_
#define TESTPLANET_SCENARIOS_PLANET_OWNED_DIRECTORY_H_

#include <string>
#include <string_view>

#include "sim/status.h"

namespace testplanet {

// The marker's file name, in every directory testplanet claimed.
inline constexpr std::string_view kOwnedMarker = ".testplanet";

// OK iff `directory` is missing, empty or ours; checks only, writes nothing (for flags checked
// before a run starts).
Status CheckClaimable(const std::string& directory);

// Creates `directory` (and its parents) if needed and marks it ours; refuses as CheckClaimable.
Status ClaimDirectory(const std::string& directory);

// True iff `directory` holds testplanet's marker.
bool IsOwned(const std::string& directory);

// Removes everything in `directory` but the marker, if the directory is ours; a missing
// directory is already clear. Refuses (FailedPrecondition) a directory that is not ours.
Status ClearDirectory(const std::string& directory);

}  // namespace testplanet

#endif  // TESTPLANET_SCENARIOS_PLANET_OWNED_DIRECTORY_H_
