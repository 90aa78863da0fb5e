// Searches inside string values (`has` terms, term prefixes and suffixes, substrings) and the
// entry points of the case-insensitive comparisons. Kernels call these precompiled, through the
// JIT's symbol map: inlined, their loops would be optimised and compiled again in every kernel,
// which costs more compile time than it saves (measured: see compiler/jit/helpers_bitcode.h).
#include <cstring>

#include "runtime/strings.h"

namespace huntc {

namespace {

inline bool IsTermChar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

// Every position where `needle` occurs in `haystack`, in order; stops when `f` returns true.
template <class F>
bool FindEach(std::string_view haystack, std::string_view needle, bool case_sensitive, F f) {
  if (needle.size() > haystack.size()) return false;
  if (needle.empty()) return f(size_t{0});
  const size_t last = haystack.size() - needle.size();
  const unsigned char first = FoldAscii(static_cast<unsigned char>(needle[0]));
  // Only a letter has another case: a needle starting with anything else ("-enc", "\\temp") is
  // found by its exact first byte even when case-insensitive, with the fast memchr.
  const bool exact_first = case_sensitive || !(first >= 'a' && first <= 'z');
  for (size_t i = 0; i <= last; ++i) {
    if (exact_first) {
      const void* hit = std::memchr(haystack.data() + i, needle[0], last - i + 1);
      if (!hit) return false;
      i = static_cast<const char*>(hit) - haystack.data();
    } else if (FoldAscii(static_cast<unsigned char>(haystack[i])) != first) {
      continue;
    }
    if (EqualBytes(haystack.data() + i, needle.data(), needle.size(), case_sensitive) && f(i)) {
      return true;
    }
  }
  return false;
}

// A match of `needle` whose alphanumeric start (if `at_term_start`) begins a term and whose
// alphanumeric end (if `at_term_end`) ends one.
bool TermMatch(std::string_view haystack, std::string_view needle, bool case_sensitive, bool at_term_start,
               bool at_term_end) {
  if (needle.empty()) return true;
  const bool check_before = at_term_start && IsTermChar(static_cast<unsigned char>(needle.front()));
  const bool check_after = at_term_end && IsTermChar(static_cast<unsigned char>(needle.back()));
  return FindEach(haystack, needle, case_sensitive, [&](size_t at) {
    if (check_before && at > 0 && IsTermChar(static_cast<unsigned char>(haystack[at - 1]))) {
      return false;
    }
    const size_t end = at + needle.size();
    return !(check_after && end < haystack.size() &&
             IsTermChar(static_cast<unsigned char>(haystack[end])));
  });
}

}  // namespace

bool StrHas(std::string_view haystack, std::string_view needle, bool case_sensitive) {
  return TermMatch(haystack, needle, case_sensitive, true, true);
}

bool StrHasPrefix(std::string_view haystack, std::string_view prefix, bool case_sensitive) {
  return TermMatch(haystack, prefix, case_sensitive, true, false);
}

bool StrHasSuffix(std::string_view haystack, std::string_view suffix, bool case_sensitive) {
  return TermMatch(haystack, suffix, case_sensitive, false, true);
}

bool StrContains(std::string_view haystack, std::string_view needle, bool case_sensitive) {
  return FindEach(haystack, needle, case_sensitive, [](size_t) { return true; });
}

}  // namespace huntc

using huntc::StrContains;
using huntc::StrEndsWith;
using huntc::StrHas;
using huntc::StrHasPrefix;
using huntc::StrHasSuffix;
using huntc::StrStartsWith;

extern "C" {

int32_t huntc_str_eq_ci(const char* a, uint32_t na, const char* b, uint32_t nb) {
  return huntc::StrEqualCi({a, na}, {b, nb});
}

int32_t huntc_str_startswith(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs) {
  return StrStartsWith({h, nh}, {n, nn}, cs != 0);
}

int32_t huntc_str_endswith(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs) {
  return StrEndsWith({h, nh}, {n, nn}, cs != 0);
}

int32_t huntc_str_has(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs) {
  return StrHas({h, nh}, {n, nn}, cs != 0);
}

int32_t huntc_str_hasprefix(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs) {
  return StrHasPrefix({h, nh}, {n, nn}, cs != 0);
}

int32_t huntc_str_hassuffix(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs) {
  return StrHasSuffix({h, nh}, {n, nn}, cs != 0);
}

int32_t huntc_str_contains(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs) {
  return StrContains({h, nh}, {n, nn}, cs != 0);
}

}  // extern "C"
