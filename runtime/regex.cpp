// Regular expressions for both engines (see regex.h).
#include "runtime/regex.h"

#include <re2/re2.h>

namespace huntc {

std::unique_ptr<re2::RE2> CompileRegex(std::string_view pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  return std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
}

bool RegexMatches(const re2::RE2& re, std::string_view s) {
  return re2::RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re);
}

}  // namespace huntc

extern "C" int32_t huntc_regex_matches(const void* re, const char* s, uint32_t n) {
  return huntc::RegexMatches(*static_cast<const re2::RE2*>(re), {s, n});
}
