// Regular expressions for both engines (see regex.h).
#include "runtime/regex.h"

#include <cctype>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <re2/re2.h>

#include "runtime/exec/functions.h"

namespace huntc {

std::unique_ptr<re2::RE2> CompileRegex(std::string_view pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  return std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
}

std::shared_ptr<const re2::RE2> SharedRegex(std::string_view pattern) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::shared_ptr<const re2::RE2>> regexes;
  {
    const std::lock_guard lock(mutex);
    if (const auto it = regexes.find(std::string(pattern)); it != regexes.end()) return it->second;
  }
  // Compiled unlocked: two threads may both compile a new pattern, and the first kept wins.
  std::shared_ptr<const re2::RE2> re = CompileRegex(pattern);
  const std::lock_guard lock(mutex);
  return regexes.emplace(std::string(pattern), std::move(re)).first->second;
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

std::string RegexLiteral(const re2::RE2& re, std::string_view pattern) {
  static constexpr std::string_view kMeta = ".+*?()|[]{}^$";
  const auto hex = [](char h) {
    if (h >= '0' && h <= '9') return h - '0';
    h = static_cast<char>(h | 0x20);
    return h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1;
  };
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c != '\\') {
      if (kMeta.find(c) != std::string_view::npos) return {};
      out += c;
      continue;
    }
    if (++i == pattern.size()) return {};
    const char e = pattern[i];
    const bool next_octal = i + 1 < pattern.size() && pattern[i + 1] >= '0' && pattern[i + 1] <= '7';
    if (e == '0' && !next_octal) {
      out += '\0';
    } else if (e == 'x' && i + 2 < pattern.size()) {
      // \xHH: only ASCII, which is one byte in UTF-8 as in RE2's rune.
      const int hi = hex(pattern[i + 1]), lo = hex(pattern[i + 2]);
      if (hi < 0 || hi > 7 || lo < 0) return {};
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (const size_t k = std::string_view("tnrfv").find(e); k != std::string_view::npos) {
      out += "\t\n\r\f\v"[k];
    } else if (static_cast<unsigned char>(e) < 0x80 && std::ispunct(static_cast<unsigned char>(e)) && e != '_') {
      out += e;  // an escaped punctuation character is itself
    } else {
      return {};  // classes, anchors, groups, octal and other escapes
    }
  }
  // The loop reads a subset of RE2's syntax; RE2 must agree that the pattern matches this text.
  if (out.empty() || re.NumberOfCapturingGroups() != 0 || !re2::RE2::FullMatch(out, re)) return {};
  return out;
}

std::string RegexReplace(const re2::RE2& re, std::string_view literal, std::string_view s, std::string_view rewrite) {
  if (!literal.empty() && rewrite.find('\\') == std::string_view::npos) return exec::ReplaceString(s, literal, rewrite);
  std::string text(s);
  re2::RE2::GlobalReplace(&text, re, re2::StringPiece(rewrite.data(), rewrite.size()));
  return text;
}

std::string RegexTrim(const re2::RE2* lead, const re2::RE2* tail, std::string_view s) {
  std::string text(s);
  if (lead) re2::RE2::Replace(&text, *lead, "");
  if (tail) re2::RE2::Replace(&text, *tail, "");
  return text;
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
