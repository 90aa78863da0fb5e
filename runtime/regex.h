// Regular expressions (RE2) as the interpreter and generated kernels compile and match them, so
// both engines agree on every pattern and subject.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

namespace re2 {
class RE2;
}  // namespace re2

namespace huntc {

// `pattern` compiled with huntc's options (errors are not logged); check ok() before use.
std::unique_ptr<re2::RE2> CompileRegex(std::string_view pattern);
// `s matches regex re`: a match anywhere in `s`.
bool RegexMatches(const re2::RE2& re, std::string_view s);

}  // namespace huntc

// The entry point generated code calls (bound by the JIT's symbol map: RE2 has library state).
// `re` is a compiled, valid re2::RE2.
extern "C" int32_t huntc_regex_matches(const void* re, const char* s, uint32_t n);
