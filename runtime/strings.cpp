// String comparisons of whole values: equality, prefixes and suffixes. Plain code without library
// state: besides the interpreter's copy, this file is compiled to LLVM bitcode at build time
// (compiler/jit/CMakeLists.txt) and linked into JIT kernels, where the optimiser inlines the
// case-sensitive entry points below into the row loop: with a constant operand they become a
// length test and a fixed-size memory comparison. The case-insensitive ones would inline a
// folding loop into every kernel, which costs more compile time than it saves: kernels call
// those precompiled (string_search.cpp).
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

extern "C" {

int32_t huntc_str_eq(const char* a, uint32_t na, const char* b, uint32_t nb) {
  return na == nb && std::memcmp(a, b, na) == 0;
}

int32_t huntc_str_startswith_cs(const char* h, uint32_t nh, const char* n, uint32_t nn) {
  return huntc::StrStartsWith({h, nh}, {n, nn}, true);
}

int32_t huntc_str_endswith_cs(const char* h, uint32_t nh, const char* n, uint32_t nn) {
  return huntc::StrEndsWith({h, nh}, {n, nn}, true);
}

}  // extern "C"
