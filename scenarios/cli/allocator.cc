#include "scenarios/cli/allocator.h"

#include <malloc.h>

#include <cstddef>

// jemalloc's control interface, weak: null when the command runs on another allocator.
extern "C" int mallctl(const char* name, void* old_value, std::size_t* old_length, void* new_value,
                       std::size_t new_length) __attribute__((weak));

// jemalloc's options, read at its first allocation (MALLOC_CONF still overrides them): freed
// pages are not given back on a timer ("decay") but all at once, by ReturnFreedMemory, before
// the reports. Each give-back is an madvise, and with RocksDB's threads in the process every
// madvise interrupts the other cores to flush their TLBs: on this 2-core VM, the 25,000-node
// network's first virtual second took 30.0 s with decay and 21.9 s without, for the same peak
// memory (3.07 GB). The week peaks a little higher (107 MiB instead of 100).
extern "C" const char* malloc_conf;
const char* malloc_conf = "dirty_decay_ms:-1,muzzy_decay_ms:-1";

namespace testplanet::cli {

void ReturnFreedMemory() {
  if (mallctl != nullptr) {
    // MALLCTL_ARENAS_ALL (4096): every arena's unused dirty pages, now.
    mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
    return;
  }
  malloc_trim(0);
}

}  // namespace testplanet::cli
