// StringSet, the hash set behind `in` / `in~` lists, and its entry point for generated code.
// Apart from strings.cpp because it holds C++ library state: kernels call it through the JIT's
// symbol map rather than as bitcode.
#include <algorithm>

#include "runtime/strings.h"

namespace huntc {

StringSet::StringSet(const std::vector<std::string>& values, bool case_insensitive)
    : case_insensitive_(case_insensitive) {
  for (std::string v : values) {
    if (case_insensitive_) {
      for (char& c : v) c = static_cast<char>(FoldAscii(static_cast<unsigned char>(c)));
    }
    max_length_ = std::max(max_length_, v.size());
    if (v.size() < 64) lengths_ |= uint64_t{1} << v.size();
    values_.insert(std::move(v));
  }
  if (values_.size() <= kSmall) {
    small_.assign(values_.begin(), values_.end());
    values_.clear();
  }
}

bool StringSet::Contains(std::string_view s) const {
  if (s.size() > max_length_ || (s.size() < 64 && !(lengths_ >> s.size() & 1))) return false;
  if (!small_.empty()) {
    return std::any_of(small_.begin(), small_.end(), [&](const std::string& v) {
      return v.size() == s.size() && EqualBytes(v.data(), s.data(), s.size(), !case_insensitive_);
    });
  }
  if (!case_insensitive_) return values_.find(s) != values_.end();
  char small[256];
  std::string large;
  char* folded = small;
  if (s.size() > sizeof small) {
    large.resize(s.size());
    folded = large.data();
  }
  for (size_t i = 0; i < s.size(); ++i) folded[i] = static_cast<char>(FoldAscii(static_cast<unsigned char>(s[i])));
  return values_.find(std::string_view(folded, s.size())) != values_.end();
}

}  // namespace huntc

extern "C" int32_t huntc_str_in_set(const void* set, const char* s, uint32_t n) {
  return static_cast<const huntc::StringSet*>(set)->Contains({s, n});
}
