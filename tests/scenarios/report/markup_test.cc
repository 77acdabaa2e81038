#include "scenarios/report/markup.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace testplanet::report
