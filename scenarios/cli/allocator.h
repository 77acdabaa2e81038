// ReturnFreedMemory: hands the memory a finished run freed back to the operating system, so that
// writing the reports does not stack on top of pages the allocator keeps for later.
//
// With jemalloc (linked into the command when found, scenarios/cli/CMakeLists.txt) freed pages
// stay mapped for seconds, and a planet's RocksDB instances and peers free pages the reports'
// allocations do not reuse: the reference week peaked at 204 MB, 131 MB with every page given
// back at once. Under glibc's malloc this trims the heap. It changes no run (memory only).
#ifndef TESTPLANET_SCENARIOS_CLI_ALLOCATOR_H_
#define TESTPLANET_SCENARIOS_CLI_ALLOCATOR_H_

namespace testplanet::cli {

void ReturnFreedMemory();

}  // namespace testplanet::cli

#endif  // TESTPLANET_SCENARIOS_CLI_ALLOCATOR_H_
