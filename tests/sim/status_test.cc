#include "sim/status.h"

#include <gtest/gtest.h>

namespace testplanet {
namespace {

TEST(Status, OkHasNoMessage) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.ToString(), "OK");
  EXPECT_TRUE(Status(StatusCode::kOk, "ignored").message().empty());
}

TEST(Status, ErrorsCarryCodeAndMessage) {
  Status s = UnavailableError("satellite unreachable");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.ToString(), "UNAVAILABLE: satellite unreachable");
  EXPECT_EQ(s.WithContext("settle sat1").ToString(),
            "UNAVAILABLE: settle sat1: satellite unreachable");
  EXPECT_TRUE(Status().WithContext("x").ok());
  EXPECT_EQ(StatusCodeName(StatusCode::kDeadlineExceeded), "DEADLINE_EXCEEDED");
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(99)), "UNKNOWN");
}

TEST(StatusGroup, CombinesInOrderKeepingTheFirstCode) {
  StatusGroup group;
  EXPECT_TRUE(group.Combined().ok());
  group.Add(Status::Ok());
  group.Add(NotFoundError("a"));
  EXPECT_EQ(group.Combined(), NotFoundError("a"));
  group.Add(InternalError("b"));
  Status combined = group.Combined();
  EXPECT_EQ(combined.code(), StatusCode::kNotFound);
  EXPECT_EQ(combined.message(), "2 errors: NOT_FOUND: a; INTERNAL: b");
}

}  // namespace
}  // namespace testplanet
