// What testplanet may write into and empty: only what it marked as its own.
#include "scenarios/planet/owned_directory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/status_matchers.h"

namespace testplanet {
namespace {

namespace fs = std::filesystem;

class OwnedDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fs::temp_directory_path() /
             ("testplanet-owned-" +
              std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())))
                .string();
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Path(const std::string& name) const { return root_ + "/" + name; }
  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }
  std::string root_;
};

TEST_F(OwnedDirectoryTest, ANewDirectoryIsCreatedAndMarked) {
  const std::string dir = Path("new/deeper");
  ASSERT_THAT(ClaimDirectory(dir), IsOk());
  EXPECT_TRUE(IsOwned(dir));
  EXPECT_THAT(ClaimDirectory(dir), IsOk()) << "claiming again is fine";
}

TEST_F(OwnedDirectoryTest, AnEmptyDirectoryIsMarked) {
  fs::create_directories(Path("empty"));
  ASSERT_THAT(ClaimDirectory(Path("empty")), IsOk());
  EXPECT_TRUE(IsOwned(Path("empty")));
}

TEST_F(OwnedDirectoryTest, ADirectoryOfSomeoneElsesFilesIsRefusedAndUntouched) {
  fs::create_directories(Path("home"));
  Write(Path("home/manifest.json"), "mine");
  EXPECT_THAT(CheckClaimable(Path("home")), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(ClaimDirectory(Path("home")), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(ClearDirectory(Path("home")), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_FALSE(IsOwned(Path("home")));
  EXPECT_TRUE(fs::exists(Path("home/manifest.json")));
}

TEST_F(OwnedDirectoryTest, NamesThatLookLikeRocksDbsDoNotMakeADirectoryOurs) {
  fs::create_directories(Path("db/storagenode0"));
  Write(Path("db/storagenode0/CURRENT"), "MANIFEST-000001\n");
  EXPECT_THAT(ClearDirectory(Path("db")), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_TRUE(fs::exists(Path("db/storagenode0/CURRENT")));
}

TEST_F(OwnedDirectoryTest, AFileIsNotADirectory) {
  Write(Path("file"), "x");
  EXPECT_THAT(ClaimDirectory(Path("file")), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_TRUE(fs::is_regular_file(Path("file")));
}

TEST_F(OwnedDirectoryTest, ClearingEmptiesOurDirectoryButKeepsItOurs) {
  ASSERT_THAT(ClaimDirectory(Path("run")), IsOk());
  fs::create_directories(Path("run/storagenode0"));
  Write(Path("run/storagenode0/000001.log"), "x");
  Write(Path("run/anything"), "x");
  ASSERT_THAT(ClearDirectory(Path("run")), IsOk());
  EXPECT_TRUE(IsOwned(Path("run")));
  EXPECT_EQ(std::distance(fs::directory_iterator(Path("run")), fs::directory_iterator()), 1);
}

TEST_F(OwnedDirectoryTest, ALinkNamedLikeTheMarkerIsNoMarker) {
  fs::create_directories(Path("other"));
  Write(Path("elsewhere"), "x");
  fs::create_symlink(Path("elsewhere"), Path("other") + "/" + std::string(kOwnedMarker));
  EXPECT_FALSE(IsOwned(Path("other")));
  EXPECT_THAT(ClearDirectory(Path("other")), StatusIs(StatusCode::kFailedPrecondition));
}

TEST_F(OwnedDirectoryTest, ClearingNeverFollowsALinkOutOfOurDirectory) {
  fs::create_directories(Path("outside"));
  Write(Path("outside/precious"), "x");
  ASSERT_THAT(ClaimDirectory(Path("run")), IsOk());
  fs::create_directory_symlink(Path("outside"), Path("run/link"));
  ASSERT_THAT(ClearDirectory(Path("run")), IsOk());
  EXPECT_TRUE(fs::exists(Path("outside/precious")));
  EXPECT_FALSE(fs::exists(Path("run/link")));
}

}  // namespace
}  // namespace testplanet
