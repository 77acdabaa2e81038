// UTF-8, as scenario files and every report must hold it: one decoder for the loader (which
// refuses text that is not UTF-8) and for the report writers (which replace what is not).
#ifndef TESTPLANET_SCENARIOS_LANGUAGE_UTF8_H_
#define TESTPLANET_SCENARIOS_LANGUAGE_UTF8_H_

#include <cstddef>
#include <string_view>

namespace testplanet::scenario {

// The length of the well-formed UTF-8 sequence that starts at text[at] (1 to 4), or 0 when
// there is none (a stray continuation byte, a truncated sequence, an overlong form, a
// surrogate, a code point past U+10FFFF).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t at);

// True when all of `text` is well-formed UTF-8.
bool ValidUtf8(std::string_view text);

}  // namespace testplanet::scenario

#endif  // TESTPLANET_SCENARIOS_LANGUAGE_UTF8_H_
