// Entry points through which generated kernels call the interpreter's scalar functions
// (runtime/exec/functions.h), so both engines compute these values with the same code. Bound by
// the JIT's symbol map (not bitcode): they live among code with library state.
//
// Convention: each returns 1 and stores the value in *out, or returns 0 for a null result.
// Strings are passed as pointer and byte length; bools are stored as 0 or 1.
//
// Dynamic values are passed as their JSON text (a null one as ""), with a validity flag where
// the interpreter tells a null cell from an empty one. A function whose result type is chosen
// by the caller takes it as `type` (a huntc::Type) and stores it as a kernel stores that type:
// bool and int as int32, long, datetime and timespan as int64, real as double, and strings and
// dynamic values (as JSON text) as a HuntcText.
//
// Strings a function makes live in an arena of the calling thread, which a kernel empties when
// it starts (huntc_kernel_scratch_reset): they stay valid until the thread's next kernel call.
// The functions reading dynamic values keep the last document they parsed for the rest of the
// call, which a kernel calling them must also start with huntc_kernel_scratch_reset.
#pragma once

#include <cstdint>

extern "C" {
struct HuntcText {
  const char* data;
  uint32_t size;
};

void huntc_kernel_scratch_reset();

// The functions of one string huntc_string_fn computes: to a string, or to a dynamic (parse_*).
enum HuntcStringFn : int32_t {
  kHuntcToLower,
  kHuntcToUpper,
  kHuntcUrlEncode,
  kHuntcUrlDecode,
  kHuntcSha256,
  kHuntcBase64DecodeToString,
  kHuntcParseJson,
  kHuntcParseUrl,
  kHuntcParsePath,
  kHuntcParseCsv,
  kHuntcBase64DecodeToArray,
};

int32_t huntc_bin_long(int64_t v, int64_t size, int64_t origin, int64_t* out);
int32_t huntc_bin_real(double v, double size, double origin, double* out);
int32_t huntc_strlen(const char* s, uint32_t n, int64_t* out);
int32_t huntc_datetime_diff(const char* period, uint32_t np, int64_t d1, int64_t d2, int64_t* out);
int32_t huntc_datetime_add(const char* period, uint32_t np, int64_t amount, int64_t d, int64_t* out);
int32_t huntc_ipv4_is_private(const char* ip, uint32_t n, int32_t* out);
int32_t huntc_ipv4_is_in_range(const char* ip, uint32_t n, const char* range, uint32_t nr, int32_t* out);
int32_t huntc_ipv4_compare(const char* a, uint32_t na, const char* b, uint32_t nb, int32_t prefix, int64_t* out);
int32_t huntc_countof(const char* s, uint32_t n, const char* t, uint32_t nt, int64_t* out);
// `length` is absent where `has_length` is 0; `args_valid` is 0 where start or length is null.
int32_t huntc_substring(const char* s, uint32_t n, int64_t start, int64_t length, int32_t has_length,
                        int32_t args_valid, HuntcText* out);
int32_t huntc_string_fn(int32_t fn, const char* s, uint32_t n, HuntcText* out);
// tostring() of a value of `type` (integer-like in `integer`, real-like in `real`), null where
// `valid` is 0.
int32_t huntc_tostring(int32_t type, int64_t integer, double real, int32_t valid, HuntcText* out);
// indexof(s, t, start); start is null where `start_valid` is 0.
int32_t huntc_indexof(const char* s, uint32_t n, const char* t, uint32_t nt, int64_t start, int32_t start_valid,
                      int64_t* out);
// split(s, delimiter[, k]) as a dynamic: `has_k` says whether k was given, `k_valid` whether it is not null.
int32_t huntc_split(const char* s, uint32_t n, const char* d, uint32_t nd, int64_t k, int32_t has_k, int32_t k_valid,
                    HuntcText* out);
// Whether any (or, if `all`, every) literal of `matcher` (a huntc::LiteralMatcher) matches s.
int32_t huntc_literals_match(const void* matcher, const char* s, uint32_t n, int32_t all);
// a then b.
int32_t huntc_strcat(const char* a, uint32_t na, const char* b, uint32_t nb, HuntcText* out);
// trim (and _start, _end) with `lead` and `tail` as RegexTrim takes them; "" when `ok` is 0
// (the pattern is invalid).
int32_t huntc_trim(const void* lead, const void* tail, int32_t ok, const char* s, uint32_t n, HuntcText* out);
// replace_string(s, lookup, rewrite).
int32_t huntc_replace_string(const char* s, uint32_t n, const char* f, uint32_t nf, const char* t, uint32_t nt,
                             HuntcText* out);
// `regex` is a compiled re2::RE2, or null for an invalid pattern; `literal` is RegexLiteral's text
// of it (runtime/regex.h).
int32_t huntc_replace_regex(const void* regex, const char* literal, uint32_t nl, const char* s, uint32_t n,
                            const char* with, uint32_t nw, HuntcText* out);

// dynamic values
// to<type>() of a dynamic value.
int32_t huntc_dyn_convert(const char* doc, uint32_t n, int32_t valid, int32_t type, void* out);
// doc.key (member) as `type`; `is_text`: doc is a string that parse_json reads, not a dynamic.
int32_t huntc_dyn_member(const char* doc, uint32_t n, int32_t valid, int32_t is_text, const char* key, uint32_t nk,
                         int32_t type, void* out);
// doc[k] (index), likewise; `k_valid` 0 for a null index.
int32_t huntc_dyn_index(const char* doc, uint32_t n, int32_t valid, int32_t is_text, int64_t k, int32_t k_valid,
                        int32_t type, void* out);
// extractjson(path, doc) as `type`; `is_text` as for member.
int32_t huntc_extractjson(const char* path, uint32_t np, const char* doc, uint32_t n, int32_t valid, int32_t is_text,
                          int32_t type, void* out);
// (parse_url(s) or parse_path(s)).key as `type`, where `fn` is kHuntcParseUrl or kHuntcParsePath:
// what huntc_string_fn's object then huntc_dyn_member give, without making the whole object.
int32_t huntc_parse_member(int32_t fn, const char* s, uint32_t n, const char* key, uint32_t nk, int32_t type, void* out);
int32_t huntc_array_length(const char* doc, uint32_t n, int32_t valid, int32_t is_text, int64_t* out);
// array_slice(doc, first, last), dynamic; `bounds_valid` 0 when either bound is null (a null).
int32_t huntc_array_slice(const char* doc, uint32_t n, int32_t valid, int32_t is_text, int64_t first, int64_t last,
                          int32_t bounds_valid, HuntcText* out);
// strcat_array(doc, delimiter), a string.
int32_t huntc_strcat_array(const char* doc, uint32_t n, int32_t valid, int32_t is_text, const char* d, uint32_t nd,
                           HuntcText* out);
int32_t huntc_parse_command_line(const char* s, uint32_t n, const char* kind, uint32_t nk, HuntcText* out);

// projection outputs
// Appends a row to `column` (a huntc::Column of a string-like or dynamic type, runtime/batch.h):
// s, or, where `valid` is 0, the column's null (for a string "", which a string is then).
void huntc_column_append(void* column, const char* s, uint32_t n, int32_t valid);
}
