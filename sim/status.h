// Status: an error as a value — a code and a message — for everything in testplanet that can fail.
//
// Promises: an OK status carries no message and costs one pointer-sized word to copy around
// (the message lives behind a shared pointer only when there is one). Codes follow the
// gRPC/absl vocabulary so that peers' RPC errors map onto them without translation.
// Trap: a Status is [[nodiscard]]; ignoring one needs an explicit `(void)` or `.IgnoreError()`.
#ifndef TESTPLANET_SIM_STATUS_H_
#define TESTPLANET_SIM_STATUS_H_

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace testplanet {

enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// Returns the canonical upper-case name of `code`, e.g. "DEADLINE_EXCEEDED".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string_view message);

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Returns the message, empty for OK.
  std::string_view message() const;
  // Returns "CODE: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "context: message"; OK stays OK.
  Status WithContext(std::string_view context) const;

  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message() == b.message();
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::shared_ptr<const std::string> message_;
};

inline Status CancelledError(std::string_view m) { return Status(StatusCode::kCancelled, m); }
inline Status DeadlineExceededError(std::string_view m) {
  return Status(StatusCode::kDeadlineExceeded, m);
}
inline Status InvalidArgumentError(std::string_view m) {
  return Status(StatusCode::kInvalidArgument, m);
}
inline Status FailedPreconditionError(std::string_view m) {
  return Status(StatusCode::kFailedPrecondition, m);
}
inline Status ResourceExhaustedError(std::string_view m) {
  return Status(StatusCode::kResourceExhausted, m);
}
inline Status InternalError(std::string_view m) { return Status(StatusCode::kInternal, m); }
inline Status UnavailableError(std::string_view m) { return Status(StatusCode::kUnavailable, m); }
inline Status NotFoundError(std::string_view m) { return Status(StatusCode::kNotFound, m); }

// Returns INTERNAL with the exception's message, for a coroutine that ended by throwing; OK for
// a null pointer.
Status StatusFromException(std::exception_ptr error);

// Collects errors from several steps (closing a peer's services, say) into one Status.
// The combined status has the first error's code; its message lists every error in order.
class StatusGroup {
 public:
  void Add(const Status& status);
  bool ok() const { return count_ == 0; }
  Status Combined() const;

 private:
  Status first_;
  std::string messages_;
  int count_ = 0;
};

// StatusOr<T>: a T, or the Status saying why there is none.
// REQUIRES: construct from a non-OK Status only; value() REQUIRES ok().
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  // Holds no value (UNKNOWN); exists because Asio's co_spawn needs default-constructible results.
  StatusOr() : status_(Status(StatusCode::kUnknown, "StatusOr holds no value")) {}
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  // From what a T is made of: a unique_ptr<Derived> for a StatusOr<unique_ptr<Base>>, say.
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U&&, T> &&
                                                    !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_convertible_v<U&&, Status>>>
  StatusOr(U&& value) : value_(T(std::forward<U>(value))) {}  // NOLINT(google-explicit-constructor)
  StatusOr(Status status)                                     // NOLINT(google-explicit-constructor)
      : status_(status.ok() ? InternalError("StatusOr built from an OK status")
                            : std::move(status)) {}

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace testplanet

#endif  // TESTPLANET_SIM_STATUS_H_
