#include "sim/status.h"

#include <array>

namespace testplanet {

std::string_view StatusCodeName(StatusCode code) {
  static constexpr std::array<std::string_view, 17> kNames = {"OK",
                                                              "CANCELLED",
                                                              "UNKNOWN",
                                                              "INVALID_ARGUMENT",
                                                              "DEADLINE_EXCEEDED",
                                                              "NOT_FOUND",
                                                              "ALREADY_EXISTS",
                                                              "PERMISSION_DENIED",
                                                              "RESOURCE_EXHAUSTED",
                                                              "FAILED_PRECONDITION",
                                                              "ABORTED",
                                                              "OUT_OF_RANGE",
                                                              "UNIMPLEMENTED",
                                                              "INTERNAL",
                                                              "UNAVAILABLE",
                                                              "DATA_LOSS",
                                                              "UNAUTHENTICATED"};
  auto index = static_cast<size_t>(code);
  return index < kNames.size() ? kNames[index] : "UNKNOWN";
}

Status::Status(StatusCode code, std::string_view message) : code_(code) {
  if (code_ != StatusCode::kOk && !message.empty()) {
    message_ = std::make_shared<const std::string>(message);
  }
}

std::string_view Status::message() const {
  return message_ ? std::string_view(*message_) : std::string_view();
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code_));
  if (message_) {
    out += ": ";
    out += *message_;
  }
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  if (message_) {
    message += ": ";
    message += *message_;
  }
  return Status(code_, message);
}

Status StatusFromException(std::exception_ptr error) {
  if (!error) return Status::Ok();
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return InternalError(std::string("exception: ") + e.what());
  } catch (...) {
    return InternalError("unknown exception");
  }
}

void StatusGroup::Add(const Status& status) {
  if (status.ok()) return;
  if (count_ == 0) first_ = status;
  if (!messages_.empty()) messages_ += "; ";
  messages_ += status.ToString();
  ++count_;
}

Status StatusGroup::Combined() const {
  if (count_ == 0) return Status::Ok();
  if (count_ == 1) return first_;
  return Status(first_.code(), std::to_string(count_) + " errors: " + messages_);
}

}  // namespace testplanet
