// FileWriter: a report file written as it is produced, holding at most about a megabyte, for
// files too large to build in memory first (trace.json of a long run is hundreds of megabytes).
// Append to buffer(), call MaybeFlush() now and then; Close() says whether every byte reached the
// file, naming it if not. A writer dropped without Close() leaves a partial file and no error.
#ifndef TESTPLANET_SCENARIOS_REPORT_FILE_WRITER_H_
#define TESTPLANET_SCENARIOS_REPORT_FILE_WRITER_H_

#include <cstddef>
#include <fstream>
#include <string>

#include "sim/status.h"

namespace testplanet::report {

class FileWriter {
 public:
  explicit FileWriter(std::string path);

  std::string& buffer() { return buffer_; }
  void MaybeFlush() {
    if (buffer_.size() >= kFlushBytes) Flush();
  }
  Status Close();
  // Bytes written so far, buffered or not.
  std::size_t size() const { return written_ + buffer_.size(); }

 private:
  static constexpr std::size_t kFlushBytes = std::size_t{1} << 20;
  void Flush();

  std::string path_;
  std::ofstream out_;
  std::string buffer_;
  std::size_t written_ = 0;
};

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_FILE_WRITER_H_
