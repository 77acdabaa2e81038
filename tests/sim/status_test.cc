#include "sim/status.h"

#include <gtest/gtest.h>

#include "tests/status_matchers.h"

namespace testplanet {
namespace {

TEST(Status, OkHasNoMessage) {
  Status ok;
  EXPECT_THAT(ok, IsOk());
  EXPECT_EQ(ok.ToString(), "OK");
  EXPECT_TRUE(Status(StatusCode::kOk, "ignored").message().empty());
}

TEST(Status, ErrorsCarryCodeAndMessage) {
  Status s = UnavailableError("satellite unreachable");
  EXPECT_THAT(s, ::testing::Not(IsOk()));
  EXPECT_THAT(s, StatusIs(StatusCode::kUnavailable));
  EXPECT_EQ(s.ToString(), "UNAVAILABLE: satellite unreachable");
  EXPECT_EQ(s.WithContext("settle sat1").ToString(),
            "UNAVAILABLE: settle sat1: satellite unreachable");
  EXPECT_THAT(Status().WithContext("x"), IsOk());
  EXPECT_EQ(StatusCodeName(StatusCode::kDeadlineExceeded), "DEADLINE_EXCEEDED");
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(99)), "UNKNOWN");
}

TEST(StatusGroup, CombinesInOrderKeepingTheFirstCode) {
  StatusGroup group;
  EXPECT_THAT(group.Combined(), IsOk());
  group.Add(Status::Ok());
  group.Add(NotFoundError("a"));
  EXPECT_EQ(group.Combined(), NotFoundError("a"));
  group.Add(InternalError("b"));
  Status combined = group.Combined();
  EXPECT_THAT(combined, StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(combined.message(), "2 errors: NOT_FOUND: a; INTERNAL: b");
}

}  // namespace
}  // namespace testplanet
