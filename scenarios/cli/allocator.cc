#include "scenarios/cli/allocator.h"

#include <malloc.h>

#include <cstddef>

// jemalloc's control interface, weak: null when the command runs on another allocator.
extern "C" int mallctl(const char* name, void* old_value, std::size_t* old_length, void* new_value,
                       std::size_t new_length) __attribute__((weak));

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
