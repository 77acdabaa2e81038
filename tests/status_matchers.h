// GoogleMock matchers for Status and StatusOr, so that a failing test prints the status it got:
//   EXPECT_THAT(store.Put(key, value), IsOk());
//   EXPECT_THAT(LoadScenarioFile("nope"), StatusIs(StatusCode::kNotFound));
//   EXPECT_THAT(result, StatusIs(StatusCode::kInvalidArgument, HasSubstr("step[0].at")));
#ifndef TESTPLANET_TESTS_STATUS_MATCHERS_H_
#define TESTPLANET_TESTS_STATUS_MATCHERS_H_

#include <gmock/gmock.h>

#include <ostream>
#include <string>

#include "sim/status.h"

namespace testplanet {

// How GoogleTest prints a Status and a StatusOr in its messages.
inline void PrintTo(const Status& status, std::ostream* out) { *out << status.ToString(); }
template <typename T>
void PrintTo(const StatusOr<T>& value, std::ostream* out) {
  *out << (value.ok() ? std::string("OK, with a value") : value.status().ToString());
}

namespace status_internal {
inline const Status& StatusOf(const Status& status) { return status; }
template <typename T>
const Status& StatusOf(const StatusOr<T>& value) {
  return value.status();
}
// What a status-like value says: ours, a StatusOr, or another library's (rocksdb::Status).
template <typename T>
std::string Describe(const T& value) {
  if constexpr (requires { value.status().ToString(); }) {
    return value.status().ToString();
  } else {
    return value.ToString();
  }
}
}  // namespace status_internal

// Matches an OK Status, a StatusOr that holds a value, or any status with ok() and ToString().
MATCHER(IsOk, negation ? "is not OK" : "is OK") {
  if (!arg.ok()) *result_listener << "the status is " << status_internal::Describe(arg);
  return arg.ok();
}

// Matches a Status (or StatusOr) whose code is `code` and, if given, whose message matches
// `message`.
MATCHER_P(StatusIs, code,
          std::string(negation ? "has no status " : "has status ") +
              std::string(StatusCodeName(code))) {
  const Status& status = status_internal::StatusOf(arg);
  *result_listener << "the status is " << status.ToString();
  return status.code() == code;
}
MATCHER_P2(StatusIs, code, message,
           std::string(negation ? "has no status " : "has status ") +
               std::string(StatusCodeName(code)) + " with a message that " +
               ::testing::DescribeMatcher<std::string>(message)) {
  const Status& status = status_internal::StatusOf(arg);
  *result_listener << "the status is " << status.ToString();
  return status.code() == code &&
         ::testing::ExplainMatchResult(message, std::string(status.message()), result_listener);
}

}  // namespace testplanet

#endif  // TESTPLANET_TESTS_STATUS_MATCHERS_H_
