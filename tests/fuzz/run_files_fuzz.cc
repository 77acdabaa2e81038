// Fuzzes what testplanet reads back from a run directory: manifest.json, summary.json and
// trace.bin, and a sweep's sweep.jsonl (which `merge` reads, then renders as junit, HTML and
// Markdown). The first byte picks the file; the rest is its contents. Reading must succeed or
// fail with a status naming the file, never crash, hang or allocate past the file's size.
// (libFuzzer; build with the fuzz preset.)
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "scenarios/report/read_back.h"
#include "scenarios/report/reports.h"
#include "scenarios/report/sweep_report.h"

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
  static const char* const kFiles[] = {"manifest.json", "summary.json", "trace.bin", "sweep.jsonl"};
  const std::string file = kFiles[data[0] % 4];
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
  } else if (file == "trace.bin") {
    auto records = testplanet::report::ReadRecords(path);
    Check(records.status(), file);
    // Every record costs 7 bytes of the file at least: more records than that were invented.
    if (records.ok() && records->size() * 7 > size) std::abort();
  } else {
    auto rows = testplanet::report::ReadSweepRows({path});
    Check(rows.status(), file);
    if (rows.ok()) {
      const testplanet::report::SweepFacts facts{"fuzz", 1.0, "", ""};
      if (testplanet::report::SweepJunitXml(*rows, facts).empty()) std::abort();
      if (testplanet::report::SweepIndexHtml(*rows, facts, Directory()).empty()) std::abort();
      if (testplanet::report::SweepMarkdown(*rows, facts).empty()) std::abort();
    }
  }
  return 0;
}
