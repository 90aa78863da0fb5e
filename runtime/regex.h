// Regular expressions (RE2) as the interpreter and generated kernels compile and match them, so
// both engines agree on every pattern and subject.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}  // namespace re2

namespace huntc {

// `pattern` compiled with huntc's options (errors are not logged); check ok() before use.
std::unique_ptr<re2::RE2> CompileRegex(std::string_view pattern);
// CompileRegex(pattern) made once per process and shared (an RE2 is safe to match on many
// threads): a rule's constant pattern is checked when it is lowered and then needed by its
// kernels. For patterns written in rules, not ones computed per row: the RE2s are kept.
std::shared_ptr<const re2::RE2> SharedRegex(std::string_view pattern);
// `s matches regex re`: a match anywhere in `s`.
bool RegexMatches(const re2::RE2& re, std::string_view s);
// extract(re, group, s): the text of capture group `group` (0: the whole match) of the first
// match in `s`, a view into `s` ("" if the group took no part); nothing if there is no match or
// no such group.
std::optional<std::string_view> RegexExtract(const re2::RE2& re, int64_t group, std::string_view s);
// The one text `re` (compiled from `pattern`) matches, when its pattern is a plain literal once its
// escapes are read (`\.`, `\0`, `\x00`, `\t`): replace_regex then needs no RE2 per row (corpus
// rules drop NULs from decoded base64 this way). "" for any other pattern and for the empty one.
std::string RegexLiteral(const re2::RE2& re, std::string_view pattern);
// replace_regex(s, re, rewrite): each match of `re` in `s`, left to right and not overlapping,
// replaced by `rewrite` (\0 to \9 its groups, \\ a backslash). `literal` is RegexLiteral(re, ...):
// when it is not "" and `rewrite` has no backslash, a plain search finds the same matches.
std::string RegexReplace(const re2::RE2& re, std::string_view literal, std::string_view s, std::string_view rewrite);
// trim, trim_start, trim_end: `s` without the match of `lead` (a pattern P compiled as
// `^(?:P)+`) and then of `tail` (`(?:P)+$`); a null one is not applied.
std::string RegexTrim(const re2::RE2* lead, const re2::RE2* tail, std::string_view s);

}  // namespace huntc

// The entry points generated code calls (bound by the JIT's symbol map: RE2 has library state).
// `re` is a compiled, valid re2::RE2.
extern "C" {
int32_t huntc_regex_matches(const void* re, const char* s, uint32_t n);
// RegexExtract: 1 with the group's place in `s` as (offset << 32 | length) in *out, or 0.
int32_t huntc_regex_extract(const void* re, int64_t group, const char* s, uint32_t n, int64_t* out);
}
