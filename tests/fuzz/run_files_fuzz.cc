// Fuzzes what testplanet reads back from a run directory: manifest.json, summary.json and
// trace.bin. The first byte picks the file; the rest is its contents. Reading must succeed or
// fail with a status naming the file, never crash, hang or allocate past the file's size.
// (libFuzzer; build with the fuzz preset.)
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "scenarios/report/read_back.h"
#include "scenarios/report/reports.h"

namespace {

const std::string& Directory() {
  static const std::string directory = [] {
    std::string path = (std::filesystem::temp_directory_path() / "testplanet-fuzz-XXXXXX").string();
    if (mkdtemp(path.data()) == nullptr) std::abort();
    return path;
  }();
  return directory;
}

void Check(const testplanet::Status& status, const std::string& file) {
  if (status.ok()) return;
  if (status.message().find(file) == std::string_view::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kFiles[] = {"manifest.json", "summary.json", "trace.bin"};
  const std::string file = kFiles[data[0] % 3];
  const std::string path = Directory() + "/" + file;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  if (file == "manifest.json") {
    auto manifest = testplanet::report::ReadManifest(Directory());
    Check(manifest.status(), file);
    if (manifest.ok() && manifest->digest.size() != 16) std::abort();
  } else if (file == "summary.json") {
    Check(testplanet::report::ReadSummaryDigest(Directory()).status(), file);
  } else {
    auto records = testplanet::report::ReadRecords(path);
    Check(records.status(), file);
    if (records.ok() && records->size() * 56 > size) std::abort();
  }
  return 0;
}
