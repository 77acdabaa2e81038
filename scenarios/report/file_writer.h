// FileWriter: a report file written as it is produced, holding at most about a megabyte, for
// files too large to build in memory first (trace.json of a long run is gigabytes).
// Append to buffer(), call MaybeFlush() now and then; Close() says whether every byte reached the
// file, naming it if not. A writer dropped without Close() leaves a partial file and no error.
// Promise: a file written this way does not fill the page cache. Every 64 MiB written starts
// that stretch's write-back and drops the stretch before it from the cache once it is on disk,
// so a week's 10 GB trace neither crowds out the run's own memory nor leaves gigabytes of dirty
// pages for the kernel to write back all at once (which slowed the week's run by a tenth).
#ifndef TESTPLANET_SCENARIOS_REPORT_FILE_WRITER_H_
#define TESTPLANET_SCENARIOS_REPORT_FILE_WRITER_H_

#include <cstddef>
#include <string>

#include "sim/status.h"

namespace testplanet::report {

class FileWriter {
 public:
  static constexpr std::size_t kFlushBytes = std::size_t{1} << 20;
  static constexpr std::size_t kStretchBytes = std::size_t{64} << 20;

  // `stretch_bytes`: how much is written between handing bytes to the disk (tests set less).
  explicit FileWriter(std::string path, std::size_t stretch_bytes = kStretchBytes);
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  std::string& buffer() { return buffer_; }
  void MaybeFlush() {
    if (buffer_.size() >= kFlushBytes) Flush();
  }
  Status Close();
  // Bytes written so far, buffered or not.
  std::size_t size() const { return written_ + buffer_.size(); }

 private:
  void Flush();
  // Starts write-back of the bytes since the last stretch and drops the stretch before it.
  void ReleaseWritten();

  std::string path_;
  std::size_t stretch_bytes_;
  int fd_ = -1;
  bool failed_ = false;
  std::string buffer_;
  std::size_t written_ = 0;
  std::size_t stretch_begin_ = 0;  // where the stretch not yet sent to disk begins
  std::size_t dropped_ = 0;        // bytes before this are on disk and out of the cache
};

}  // namespace testplanet::report

#endif  // TESTPLANET_SCENARIOS_REPORT_FILE_WRITER_H_
