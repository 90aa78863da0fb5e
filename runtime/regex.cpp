// Regular expressions for both engines (see regex.h).
#include "runtime/regex.h"

#include <vector>

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

std::optional<std::string_view> RegexExtract(const re2::RE2& re, int64_t group, std::string_view s) {
  if (group < 0 || group > re.NumberOfCapturingGroups()) return std::nullopt;
  std::vector<re2::StringPiece> groups(static_cast<size_t>(group) + 1);
  if (!re.Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), re2::RE2::UNANCHORED, groups.data(),
                static_cast<int>(groups.size()))) {
    return std::nullopt;
  }
  const re2::StringPiece g = groups.back();
  if (g.data() == nullptr) return s.substr(0, 0);  // the group took no part in the match
  return s.substr(static_cast<size_t>(g.data() - s.data()), g.size());
}

}  // namespace huntc

extern "C" {

int32_t huntc_regex_matches(const void* re, const char* s, uint32_t n) {
  return huntc::RegexMatches(*static_cast<const re2::RE2*>(re), {s, n});
}

int32_t huntc_regex_extract(const void* re, int64_t group, const char* s, uint32_t n, int64_t* out) {
  const std::optional<std::string_view> g = huntc::RegexExtract(*static_cast<const re2::RE2*>(re), group, {s, n});
  if (!g) return 0;
  *out = static_cast<int64_t>(static_cast<uint64_t>(g->data() - s) << 32 | g->size());
  return 1;
}

}  // extern "C"
