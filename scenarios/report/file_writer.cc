#include "scenarios/report/file_writer.h"

#include <utility>

namespace testplanet::report {

FileWriter::FileWriter(std::string path)
    : path_(std::move(path)), out_(path_, std::ios::binary | std::ios::trunc) {
  buffer_.reserve(kFlushBytes + kFlushBytes / 4);
}

void FileWriter::Flush() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  written_ += buffer_.size();
  buffer_.clear();
}

Status FileWriter::Close() {
  Flush();
  out_.close();
  if (!out_) return UnavailableError("cannot write " + path_);
  return Status::Ok();
}

}  // namespace testplanet::report
