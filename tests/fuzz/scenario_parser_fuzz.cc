// Fuzzes the scenario loader: any text must load or be refused with a located message, never
// crash. (libFuzzer; build with the fuzz preset.)
#include <cstdint>
#include <cstdlib>
#include <string>

#include "scenarios/language/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto loaded = testplanet::scenario::LoadScenarioText("fuzz.textproto", text);
  if (!loaded.ok()) {
    // Bad input is INVALID_ARGUMENT with the file named, nothing else.
    if (loaded.status().code() != testplanet::StatusCode::kInvalidArgument) std::abort();
    if (loaded.status().message().rfind("fuzz.textproto", 0) != 0) std::abort();
    return 0;
  }
  // What loads has its defaults filled and a positive duration.
  if (loaded->duration <= testplanet::Duration::zero()) std::abort();
  if (loaded->steps.size() != static_cast<std::size_t>(loaded->spec.step_size())) {
    std::abort();
  }
  return 0;
}
