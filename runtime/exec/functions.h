// KQL's scalar functions as plain C++ over simple values, so they can be unit-tested alone, and
// later compiled to LLVM bitcode for the JIT. The interpreter (runtime/exec/eval.cpp) applies
// them to columns. Failure is a value: nullopt where KQL yields null.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/exec/json.h"

namespace huntc::exec {

// --- text ---------------------------------------------------------------------------------
// Characters (UTF-8 code points) in s.
int64_t Utf8Length(std::string_view s);
// The characters [start, start + length) of s, clamped to s; a negative start counts from the end.
// A view into s.
std::string_view Utf8Substring(std::string_view s, int64_t start, std::optional<int64_t> length);
// Character index of the first occurrence of t in s at or after character `start`, or -1.
int64_t IndexOf(std::string_view s, std::string_view t, int64_t start);
// Non-overlapping occurrences of t in s (0 for an empty t).
int64_t CountOf(std::string_view s, std::string_view t);
std::string ToLowerAscii(std::string_view s);
std::string ToUpperAscii(std::string_view s);
std::string ReplaceString(std::string_view s, std::string_view from, std::string_view to);
// Maps each character of `from` in s to the same position of `to` (its last character when
// shorter); an empty `to` deletes them.
std::string Translate(std::string_view from, std::string_view to, std::string_view s);
Json Split(std::string_view s, std::string_view delimiter);
// split's third argument: the k-th of `parts` alone in an array, empty when there is none.
Json SplitPart(const Json& parts, int64_t k);
// The item of an array at k (a negative k counts from the end), or null when there is none or
// `d` is not an array (index).
const Json* ArrayItem(const Json& d, int64_t k);
// array_slice: the items of `d` from `first` to `last` inclusive (negatives count from the end,
// both clamped to the array), null when `d` is not an array.
Json ArraySlice(const Json& d, int64_t first, int64_t last);
// strcat_array: the items' texts (a string as itself, anything else as JSON) between
// `delimiter`s; "" when `d` is not an array.
std::string StrcatArray(const Json& d, std::string_view delimiter);
std::string UrlDecode(std::string_view s);
std::string UrlEncode(std::string_view s);
std::optional<std::string> Base64Decode(std::string_view s);
std::string Sha256Hex(std::string_view s);
// The bytes base64 `s` decodes to, as an array of longs; null when it is not base64.
Json Base64DecodeToArray(std::string_view s);
// The UTF-8 text of the code points in `values` (longs, or arrays of longs); nullopt when one is
// something else or not a Unicode scalar value.
std::optional<std::string> CodepointsToString(const std::vector<Json>& values);
// Lower-case hexadecimal of v (two's complement for negatives), zero-padded to min_length.
std::string ToHex(int64_t v, int64_t min_length);
// A version 4 (random) guid's text, 8-4-4-4-12 lower-case hex digits, from 128 random bits.
std::string RandomGuid(uint64_t high, uint64_t low);

// --- structure parsing --------------------------------------------------------------------
// {Scheme, Host, Port, Path, Username, Password, Query Parameters, Fragment}, or a null Json
// when s is not an absolute URL.
Json ParseUrl(std::string_view s);
// {Scheme, RootPath, DirectoryPath, DirectoryName, Filename, Extension, AlternateDataStreamName}.
Json ParsePath(std::string_view s);
// One member of ParseUrl(s) / ParsePath(s), found without making the object (compiled member
// reads: parse_path(p).Filename): nullopt where the object is null or has no such member. Only
// the string members: ParseUrlStringMember gives nullopt for "Query Parameters" (an object), which
// ParseUrl(s) makes.
std::optional<std::string_view> ParseUrlStringMember(std::string_view s, std::string_view key);
std::optional<std::string_view> ParsePathMember(std::string_view s, std::string_view key);
// The arguments of a Windows command line, split as CommandLineToArgvW does.
Json ParseCommandLineWindows(std::string_view s);
// The fields of one CSV record (comma-separated, double quotes escape).
Json ParseCsv(std::string_view s);
// A JSONPath ($, .name, ['name'], [index]) in doc; nullopt when absent or the path is invalid.
std::optional<Json> JsonPathGet(std::string_view path, const Json& doc);

// --- conversions --------------------------------------------------------------------------
std::optional<int64_t> ParseLong(std::string_view s);
std::optional<double> ParseReal(std::string_view s);
std::optional<bool> ParseBool(std::string_view s);  // true/false (any case), or an integer
// `[-][d.]hh:mm[:ss[.fffffff]]` or a literal such as `2d`, `1.5h`, `30m`, `10s`, `100ms`.
std::optional<int64_t> ParseTimeSpan(std::string_view s);
// A real as Kusto prints it (shortest round-trip form).
std::string RealToString(double v);

// --- numbers and time ---------------------------------------------------------------------
// The largest origin + k * size <= v; nullopt if size <= 0.
std::optional<int64_t> BinLong(int64_t v, int64_t size, int64_t origin);
std::optional<double> BinReal(double v, double size, double origin);
// Period boundaries crossed from d2 to d1 (year, quarter, month, week, day, hour, minute,
// second, millisecond, microsecond, nanosecond; any case); nullopt for another period.
std::optional<int64_t> DateTimeDiff(std::string_view period, int64_t d1, int64_t d2);
std::optional<int64_t> DateTimeAdd(std::string_view period, int64_t amount, int64_t d);
// Ticks of the fixed-length periods (week down to microsecond; any case), or 0: for these
// DateTimeAdd is d + amount * ticks.
int64_t PeriodTicks(std::string_view period);
// A timespan in a .NET-like format; nullopt for an invalid format.
std::optional<std::string> FormatTimeSpanAs(int64_t ticks, std::string_view format);

// --- IPv4 ---------------------------------------------------------------------------------
struct Ipv4Prefix {
  uint32_t address;
  int prefix;  // 0..32; 32 when the text has no /nn
};
// `a.b.c.d` or `a.b.c.d/nn`.
std::optional<Ipv4Prefix> ParseIpv4Prefix(std::string_view s);
// The address masked by its prefix, as parse_ipv4 gives it.
std::optional<int64_t> ParseIpv4(std::string_view s);
std::optional<bool> Ipv4IsPrivate(std::string_view ip);
std::optional<bool> Ipv4IsInRange(std::string_view ip, std::string_view range);
// -1, 0, 1 comparing the addresses under the combined (shortest) prefix of a, b and `prefix`.
std::optional<int64_t> Ipv4Compare(std::string_view a, std::string_view b, int prefix);
// Whether the valid address `ip` occurs in text with no alphanumeric character or '.' next to it.
bool TextHasIpv4(std::string_view text, std::string_view ip);

}  // namespace huntc::exec
