#include "scenarios/report/sweep_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace testplanet::report {
namespace {

SweepRow Failing(std::uint64_t seed, const std::string& kind, const std::string& message) {
  SweepRow row;
  row.scenario = "s";
  row.file = "s.textproto";
  row.seed = seed;
  row.exit = 1;
  row.passed = false;
  row.reproduce = "testplanet run s.textproto --seed " + std::to_string(seed);
  row.failure = MakeFailure(kind, message);
  return row;
}

SweepRow Passing(std::uint64_t seed) {
  SweepRow row;
  row.scenario = "s";
  row.seed = seed;
  row.reproduce = "testplanet run s.textproto --seed " + std::to_string(seed);
  return row;
}

std::string Write(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("testplanet-sweep-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path) << text;
  return path.string();
}

TEST(FailureSignature, IgnoresWhichNodeAndWhenButNotWhat) {
  const auto a =
      MakeFailure("invariant", "storagenode3 orders.sender ticked while paused (run at +2m4s)");
  const auto b = MakeFailure("invariant",
                             "storagenode11 orders.sender ticked while paused (run at +1h0m9.5s)");
  const auto c =
      MakeFailure("invariant", "storagenode3 orders.cleanup ticked while paused (run at +2m4s)");
  const auto d =
      MakeFailure("check", "storagenode3 orders.sender ticked while paused (run at +2m4s)");
  EXPECT_EQ(a.signature, b.signature);
  EXPECT_NE(a.signature, c.signature);
  EXPECT_NE(a.signature, d.signature);
  EXPECT_EQ(a.signature.size(), 16u);
  EXPECT_EQ(
      MakeFailure("error", "digests differ: 5dde4fbff8ad32b5 then 0ac06186c1b99552").signature,
      MakeFailure("error", "digests differ: 8097adbfee12c7f0 then 76a9d7cde113381e").signature);
}

TEST(GroupFailures, LargestGroupFirstWithItsFirstSeed) {
  const std::vector<SweepRow> rows = {Passing(1),
                                      Failing(2, "check", "x found 3"),
                                      Failing(3, "error", "boom"),
                                      Failing(5, "check", "x found 9"),
                                      Passing(6),
                                      Failing(9, "check", "x found 1")};
  const auto groups = GroupFailures(rows);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].seeds, (std::vector<std::uint64_t>{2, 5, 9}));
  EXPECT_EQ(groups[0].reproduce, "testplanet run s.textproto --seed 2");
  EXPECT_EQ(groups[1].seeds, (std::vector<std::uint64_t>{3}));
}

TEST(SweepRows, RoundTripInSeedOrderAcrossFiles) {
  const std::string one =
      Write("one", SweepRowJson(Failing(7, "check", "a")) + "\n" + SweepRowJson(Passing(1)) + "\n");
  const std::string two = Write("two", SweepRowJson(Passing(4)) + "\n\n");
  auto rows = ReadSweepRows({one, two});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].seed, 1u);
  EXPECT_EQ((*rows)[1].seed, 4u);
  EXPECT_EQ((*rows)[2].seed, 7u);
  ASSERT_TRUE((*rows)[2].failure.has_value());
  EXPECT_EQ((*rows)[2].failure->signature, MakeFailure("check", "a").signature);
}

TEST(SweepRows, NameTheFileLineAndFieldOfWhatIsWrong) {
  auto overlap = ReadSweepRows(
      {Write("a", SweepRowJson(Passing(4)) + "\n"), Write("b", SweepRowJson(Passing(4)) + "\n")});
  ASSERT_FALSE(overlap.ok());
  EXPECT_NE(overlap.status().ToString().find("-b:1: seed 4 is in the reports twice"),
            std::string::npos)
      << overlap.status().ToString();
  auto bad_seed = ReadSweepRows(
      {Write("c", SweepRowJson(Passing(1)) + "\n" +
                      R"({"testplanet_sweep":1,"scenario":"s","seed":-1,"exit":0,"reproduce":"r"})"
                      "\n")});
  ASSERT_FALSE(bad_seed.ok());
  EXPECT_NE(bad_seed.status().ToString().find("-c:2: seed: expected an unsigned integer"),
            std::string::npos)
      << bad_seed.status().ToString();
  // Found by the run_files fuzzer: a failure without its message.
  auto no_message = ReadSweepRows({Write(
      "e",
      R"({"testplanet_sweep":1,"scenario":"x","seed":4,"exit":1,"reproduce":"r","failure":{"kind":"check","messqge":"m","signature":"s"}})"
      "\n")});
  ASSERT_FALSE(no_message.ok());
  EXPECT_NE(no_message.status().ToString().find("-e:1: failure: expected {kind, message"),
            std::string::npos)
      << no_message.status().ToString();
  auto not_ours = ReadSweepRows({Write("d", "{\"seed\": 1}\n")});
  ASSERT_FALSE(not_ours.ok());
  EXPECT_NE(not_ours.status().ToString().find("not a testplanet sweep report"), std::string::npos);
}

TEST(SweepReports, JunitHasACasePerSignatureAndMarkdownEscapesTables) {
  const std::vector<SweepRow> rows = {Passing(1), Failing(2, "check", "a|b"),
                                      Failing(3, "error", "boom")};
  const SweepFacts facts{"sweep s seeds 1..3", 2.5, "", ""};
  const std::string xml = SweepJunitXml(rows, facts);
  EXPECT_NE(xml.find(R"(tests="3" failures="3")"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(<failure type="error" message="1 seed(s) failed: boom">)"),
            std::string::npos)
      << xml;
  const std::string md = SweepMarkdown(rows, facts);
  EXPECT_NE(md.find("1 passed, 2 failed"), std::string::npos) << md;
  EXPECT_NE(md.find("a\\|b"), std::string::npos) << md;
  const std::string html = SweepIndexHtml(rows, facts, "/tmp");
  EXPECT_NE(html.find("id=\"signatures\""), std::string::npos);
}

}  // namespace
}  // namespace testplanet::report
