// String matching with KQL's semantics, called by generated kernels (and the interpreter).
//
// Case-insensitive forms fold ASCII letters. `has` matches whole terms: a term is a maximal run
// of alphanumeric characters (bytes >= 0x80 count as alphanumeric, so UTF-8 letters join
// terms). A needle matches where it occurs with no alphanumeric character next to its
// alphanumeric ends: `"cmd.exe" has "cmd.exe"`, `"a.exe" has ".exe"`, not `"KustoExplorer" has
// "Explorer"`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace huntc {

// ASCII upper case to lower case; other bytes unchanged.
inline unsigned char FoldAscii(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

// Whether the `n` bytes at `a` and `b` are equal (ASCII letters folded unless case-sensitive).
inline bool EqualBytes(const char* a, const char* b, size_t n, bool case_sensitive) {
  if (case_sensitive) return std::memcmp(a, b, n) == 0;
  for (size_t i = 0; i < n; ++i) {
    if (FoldAscii(static_cast<unsigned char>(a[i])) != FoldAscii(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool StrEqualCi(std::string_view a, std::string_view b);
bool StrHas(std::string_view haystack, std::string_view needle, bool case_sensitive);
// hasprefix / hassuffix: the needle is a prefix / suffix of some term.
bool StrHasPrefix(std::string_view haystack, std::string_view prefix, bool case_sensitive);
bool StrHasSuffix(std::string_view haystack, std::string_view suffix, bool case_sensitive);
bool StrContains(std::string_view haystack, std::string_view needle, bool case_sensitive);
bool StrStartsWith(std::string_view s, std::string_view prefix, bool case_sensitive);
bool StrEndsWith(std::string_view s, std::string_view suffix, bool case_sensitive);

// A set of strings for `in` (exact) and `in~` (ASCII case-insensitive).
class StringSet {
 public:
  StringSet(const std::vector<std::string>& values, bool case_insensitive);
  bool Contains(std::string_view s) const;

 private:
  bool case_insensitive_;
  size_t max_length_ = 0;
  // Bit n set when a value is n bytes long (n below 64): most strings tested against a short list
  // (a dictionary's distinct values, by a filter kernel) have no length of its values, and are
  // rejected without folding or hashing.
  uint64_t lengths_ = 0;
  // A list of at most kSmall values is kept here instead of the hash set (folded too): a
  // string of one of their lengths is compared with each, cheaper than folding and hashing it.
  static constexpr size_t kSmall = 8;
  std::vector<std::string> small_;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  // Folded to lower case when case-insensitive; looked up by string_view without allocating.
  std::unordered_set<std::string, Hash, std::equal_to<>> values_;
};

}  // namespace huntc

// The entry points generated code calls. Bools are returned as int32 for a plain C ABI. The JIT
// links those of strings.cpp (huntc_str_eq, huntc_str_startswith_cs, huntc_str_endswith_cs)
// into its kernels as bitcode; it calls the others (string_search.cpp, and huntc_str_in_set in
// string_set.cpp: library state) precompiled.
extern "C" {
int32_t huntc_str_eq(const char* a, uint32_t na, const char* b, uint32_t nb);
int32_t huntc_str_eq_ci(const char* a, uint32_t na, const char* b, uint32_t nb);
int32_t huntc_str_has(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs);
int32_t huntc_str_hasprefix(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs);
int32_t huntc_str_hassuffix(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs);
int32_t huntc_str_contains(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs);
int32_t huntc_str_startswith(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs);
int32_t huntc_str_startswith_cs(const char* h, uint32_t nh, const char* n, uint32_t nn);
int32_t huntc_str_endswith_cs(const char* h, uint32_t nh, const char* n, uint32_t nn);
int32_t huntc_str_endswith(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs);
int32_t huntc_str_in_set(const void* set, const char* s, uint32_t n);
}
