#include "scenarios/report/file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace testplanet::report {

FileWriter::FileWriter(std::string path, std::size_t stretch_bytes)
    : path_(std::move(path)),
      stretch_bytes_(stretch_bytes),
      fd_(::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {
  failed_ = fd_ < 0;
  buffer_.reserve(kFlushBytes + kFlushBytes / 4);
}

FileWriter::~FileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void FileWriter::Flush() {
  const char* data = buffer_.data();
  std::size_t left = buffer_.size();
  while (!failed_ && left > 0) {
    const ssize_t n = ::write(fd_, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      break;
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  written_ += buffer_.size();
  buffer_.clear();
  if (!failed_ && written_ - stretch_begin_ >= stretch_bytes_) ReleaseWritten();
}

// Writing back one stretch while the next is filled keeps the disk busy without waiting on it;
// waiting for the stretch before (long since written back) costs nothing, and only pages on
// disk can be dropped. Advice, not a promise: where the calls are missing or fail, the file is
// still whole.
void FileWriter::ReleaseWritten() {
#ifdef __linux__
  const auto offset = [](std::size_t at) { return static_cast<off_t>(at); };
  ::sync_file_range(fd_, offset(stretch_begin_), offset(written_ - stretch_begin_),
                    SYNC_FILE_RANGE_WRITE);
  if (stretch_begin_ > dropped_) {
    ::sync_file_range(
        fd_, offset(dropped_), offset(stretch_begin_ - dropped_),
        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    ::posix_fadvise(fd_, offset(dropped_), offset(stretch_begin_ - dropped_), POSIX_FADV_DONTNEED);
    dropped_ = stretch_begin_;
  }
#endif
  stretch_begin_ = written_;
}

Status FileWriter::Close() {
  Flush();
  if (!failed_ && written_ > stretch_begin_) ReleaseWritten();  // the last stretch: no waiting
  if (fd_ >= 0 && ::close(fd_) != 0) failed_ = true;
  fd_ = -1;
  if (failed_) return UnavailableError("cannot write " + path_);
  return Status::Ok();
}

}  // namespace testplanet::report
