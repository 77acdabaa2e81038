#include "scenarios/report/markup.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace testplanet::report {
namespace {

TEST(EscapeMarkup, EscapesTheFiveCharactersMarkupGivesMeaningTo) {
  EXPECT_EQ(EscapeMarkup(R"(<a href="x">&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
}

TEST(EscapeMarkup, ReplacesControlCharactersXmlForbidsAndKeepsWhitespace) {
  EXPECT_EQ(EscapeMarkup("a\x01"
                         "b\x1b[0m\tc\nd\re"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD[0m\tc\nd\re");
  EXPECT_EQ(EscapeMarkup(std::string("nul\0here", 8)), "nul\xEF\xBF\xBDhere");
}

TEST(EscapeMarkup, KeepsUtf8AndReplacesBytesThatAreNot) {
  EXPECT_EQ(EscapeMarkup("grüße — ✓"), "grüße — ✓");
  EXPECT_EQ(EscapeMarkup("\xff\xfe ok \xc3"), "\xEF\xBF\xBD\xEF\xBF\xBD ok \xEF\xBF\xBD");
  EXPECT_EQ(EscapeMarkup("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

std::string Json(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

TEST(AppendJsonString, QuotesAndEscapesWhatJsonGivesMeaningTo) {
  EXPECT_EQ(Json(R"(say "hi" \ bye)"), R"("say \"hi\" \\ bye")");
  EXPECT_EQ(Json("tab\tnl\n\x01"), R"("tab\u0009nl\u000a\u0001")");
  EXPECT_EQ(Json(""), R"("")");
}

TEST(AppendJsonString, AnyBytesParseBackAsTheirValidUtf8) {
  static constexpr char kHostile[] = "gr\xc3\xbc \xff\xc3 \0 \xed\xa0\x80 \"";
  static constexpr char kValid[] =
      "gr\xc3\xbc \xEF\xBF\xBD\xEF\xBF\xBD \0 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \"";
  const auto parsed = nlohmann::json::parse(Json(std::string_view(kHostile, sizeof(kHostile) - 1)));
  ASSERT_TRUE(parsed.is_string());
  EXPECT_EQ(parsed.get<std::string>(), std::string(kValid, sizeof(kValid) - 1));
}

}  // namespace
}  // namespace testplanet::report
