// String comparisons for whole values: equality, prefixes and suffixes. Plain code without library
// state: besides the interpreter's copy, this file is compiled to LLVM bitcode at build time
// (compiler/jit/CMakeLists.txt) and linked into JIT kernels, where the optimiser inlines these
// into the row loop and specialises them for constant operands. The searches inside values
// (has, contains: string_search.cpp) are too large to inline into every kernel cheaply.
#include "runtime/strings.h"

#include <cstring>

namespace huntc {

bool StrEqualCi(std::string_view a, std::string_view b) {
  return a.size() == b.size() && EqualBytes(a.data(), b.data(), a.size(), false);
}

bool StrStartsWith(std::string_view s, std::string_view prefix, bool case_sensitive) {
  return prefix.size() <= s.size() && EqualBytes(s.data(), prefix.data(), prefix.size(), case_sensitive);
}

bool StrEndsWith(std::string_view s, std::string_view suffix, bool case_sensitive) {
  return suffix.size() <= s.size() &&
         EqualBytes(s.data() + s.size() - suffix.size(), suffix.data(), suffix.size(), case_sensitive);
}

}  // namespace huntc

using huntc::StrEndsWith;
using huntc::StrStartsWith;

extern "C" {

int32_t huntc_str_eq(const char* a, uint32_t na, const char* b, uint32_t nb) {
  return na == nb && std::memcmp(a, b, na) == 0;
}

int32_t huntc_str_eq_ci(const char* a, uint32_t na, const char* b, uint32_t nb) {
  return huntc::StrEqualCi({a, na}, {b, nb});
}

int32_t huntc_str_startswith(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs) {
  return StrStartsWith({h, nh}, {n, nn}, cs != 0);
}

int32_t huntc_str_endswith(const char* h, uint32_t nh, const char* n, uint32_t nn, int32_t cs) {
  return StrEndsWith({h, nh}, {n, nn}, cs != 0);
}

}  // extern "C"
