#include "scenarios/report/markup.h"

#include <algorithm>

#include "scenarios/language/utf8.h"

namespace testplanet::report {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Appends `text` to `out`: each valid multi-byte UTF-8 sequence as it is, each byte that is not
// UTF-8 as U+FFFD, and each ASCII character through `ascii(c)`, which escapes it as it must.
template <typename Ascii>
void AppendValidUtf8(std::string& out, std::string_view text, Ascii ascii) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = scenario::Utf8SequenceLength(text, i);
    if (length == 0) {
      out += kReplacement;
      ++i;
    } else if (length > 1) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      ascii(text[i++]);
    }
  }
}

}  // namespace

std::string EscapeMarkup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendValidUtf8(out, text, [&out](char c) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
      case '\t':
      case '\r':
        out += c;
        break;
      default:
        // XML 1.0 forbids the other control characters even as references.
        out += static_cast<unsigned char>(c) < 0x20 ? kReplacement : std::string_view(&c, 1);
    }
  });
  return out;
}

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  // Most strings (names, peers, kinds) are printable ASCII with nothing to escape: copy that
  // prefix whole, and go byte by byte only from the first byte that may need it.
  const auto special = std::find_if(text.begin(), text.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
  });
  const auto plain = static_cast<std::size_t>(special - text.begin());
  out.append(text.substr(0, plain));
  AppendValidUtf8(out, text.substr(plain), [&out](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  });
  out += '"';
}

}  // namespace testplanet::report
