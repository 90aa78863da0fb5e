// Scalar expressions: typed value trees that the compiler builds (compiler/ir aliases these
// types as ir::Value, ir::Expr, ...) and that both back ends execute: the JIT compiles them into
// kernels, the interpreter (runtime/exec/eval.h) evaluates them over whole columns.
//
// Expressions are value trees (children held by value), so a node can be copied, compared and
// hashed structurally; `and`/`or` are n-ary. Column references index the input schema of the
// operator that holds the expression.
//
// Semantics follow KQL: comparisons and arithmetic yield null when an operand is null, except
// `==` (null vs value is false; both null is null) and `!=` (the dual); the string tests never
// yield null (strings are never null); `and`/`or`/`not` are three-valued; a filter keeps a row
// only when its predicate is true; conversions and functions yield null instead of failing.
//
// Argument conventions of the calls (the result type is always Expr::type):
//   Eq..Ge(a, b)                 a and b of one type; strings compare bytes (== is case-sensitive)
//   EqCi, Has.., EndsWithCs(s, t) string tests (HasPrefix/HasSuffix: t begins/ends a term)
//   MatchesRegex(s, re)          RE2, unanchored, case-sensitive
//   HasAny/HasAll(s, v...)       each v a string, or a dynamic array of strings
//   In/InCi(x, v...)             v constants of x's type; a null x is in nothing
//   Add/Sub/Mul/Div/Mod(a, b)    one numeric type, or datetime/timespan mixes (datetime - datetime
//                                = timespan, timespan / timespan = real); integer / truncates,
//                                % takes the divisor's sign, a zero integer divisor gives null
//   Abs(x), Neg(x)
//   Bin(v, size)                 floor to a multiple of size; size of v's type, or a timespan
//                                for a datetime v (ticks since 0001-01-01); null if size <= 0
//   BinAt(v, size, origin)       the same, with the multiples counted from origin
//   Convert(x)                   x to the expression's type with to<type>() semantics: null
//                                (or "" for strings) when it does not convert
//   IsNull(x), IsEmpty(x)        IsEmpty is true for null or ""
//   Iff(c, a, b)                 b when c is false or null
//   Case(p1, v1, ..., else)      the value of the first true predicate
//   Coalesce(a, b, ...)          the first non-null (non-empty for strings)
//   Strcat(x...)                 any types, converted like tostring
//   Strlen(s), ToLower(s), ToUpper(s)
//   Substring(s, start[, len])   0-based, clamped; counts characters (UTF-8)
//   IndexOf(s, t[, start])       character index or -1
//   CountOf(s, t)                non-overlapping occurrences of t; CountOfRegex(s, re)
//   Trim/TrimStart/TrimEnd(re, s) removes leading/trailing matches of the regex
//   ReplaceString(s, from, to)   every occurrence; ReplaceRegex(s, re, rewrite) with \1 groups
//   Translate(from_chars, to_chars, s)
//   Extract(re, group, s)        the group's text ("" if no match), converted to the type
//   ExtractAll(re, s)            dynamic array: strings if the regex has <= 1 group, else arrays
//   Split(s, delim[, i])         dynamic array of strings (with i: a one-element array or [])
//   StrcatArray(a, delim)
//   UrlDecode(s), UrlEncode(s), Base64DecodeToString(s), HashSha256(s)
//   Base64DecodeToArray(s)       dynamic array of the bytes as longs; null if s is not base64
//   MakeString(v...)             the UTF-8 text of code points (each v a long or an array of
//                                them); "" if any is not a valid code point
//   ToHex(n[, min_len])
//   Rand()                       real in [0, 1); Rand(n): a whole real in [0, n) (null for n < 1)
//   NewGuid()                    a random (version 4) guid
//   ParseUrl(s), ParsePath(s), ParseCommandLine(s, "windows"), ParseCsv(s)  -> dynamic
//                                (a parser other than windows gives null)
//   ParseJson(s)                 dynamic; invalid JSON gives the string itself as a dynamic
//   Member(d, key)               d[key] for a string key; null if absent
//   Index(d, i)                  d[i] for a long i, negative from the end; null if absent
//   ExtractJson(path, s)         a JSONPath ($.a.b[0]['c']) into JSON text s, converted
//   ArrayLength(d)               null if d is not an array
//   PackArray(x...), Pack(k1, v1, ...), ArrayConcat(a...), ArrayIndexOf(a, x),
//   ArraySlice(a, start, end)    (inclusive end, negatives from the end), SetHasElement(a, x)
//   Range(start, stop, step, limit)
//                                dynamic array start, start+step, ... up to and including stop
//                                (down to it for a negative step), at most `limit` values; the
//                                operands of one type (long, real, datetime or timespan; a
//                                datetime's step a timespan); null for a zero or null step
//   DateTimeDiff(period, d1, d2) period boundaries crossed from d2 to d1
//   DateTimeAdd(period, n, d)
//   FormatTimeSpan(t, format)    .NET-like: d, h/hh, H/HH, m/mm, s/ss, f..fffffff, F.., 'text'
//   Ipv4IsPrivate(ip), Ipv4IsInRange(ip, range), Ipv4IsInAnyRange(ip, r... | dynamic array),
//   Ipv4Compare(a, b[, prefix]), ParseIpv4(ip), HasAnyIpv4(s, ip... | dynamic array)
//   The series functions (runtime/exec/series.h) take every argument, the compiler filling in
//   KQL's defaults; a null argument also means its default:
//   SeriesStats(a)               bag {min, min_idx, max, max_idx, avg, variance, stdev}
//   SeriesDecomposeAnomalies(a, threshold, seasonality, trend, test_points, method,
//                            seasonality_threshold)   bag {ad_flag, ad_score, baseline}
//   SeriesDecompose(a, seasonality, trend, test_points, seasonality_threshold)
//                                bag {baseline, seasonal, trend, residual}
//   SeriesOutliers(a, kind, ignore_val, min_percentile, max_percentile)   array of scores
//   SeriesFitLine(a)             bag {rsquare, slope, variance, rvariance, interception, line_fit}
//   SeriesFillForward(a, missing), SeriesFillBackward(a, missing),
//   SeriesFillConst(a, constant, missing), SeriesFillLinear(a, missing, fill_edges, constant)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/types.h"

namespace huntc::exec {

// A constant of any scalar type.
struct Value {
  Type type = Type::Null;
  bool is_null = true;
  int64_t integer = 0;  // bool, int, long, datetime, timespan
  double real = 0;      // real, decimal
  std::string text;     // string, guid, dynamic (JSON text)

  static Value Null(Type t) { return Value{t, true, 0, 0, {}}; }
  static Value Integer(Type t, int64_t v) { return Value{t, false, v, 0, {}}; }
  static Value Real(double v) { return Value{Type::Real, false, 0, v, {}}; }
  static Value String(std::string v) { return Value{Type::String, false, 0, 0, std::move(v)}; }
  static Value Dynamic(std::string json) { return Value{Type::Dynamic, false, 0, 0, std::move(json)}; }
  bool operator==(const Value&) const = default;
};

enum class ExprKind : uint8_t { Column, Constant, Now, Call };

enum class Fn : uint8_t {
#define HUNTC_FN(name, text) name,
#include "runtime/exec/fn.def"
#undef HUNTC_FN
};

struct Expr {
  ExprKind kind = ExprKind::Constant;
  Type type = Type::Null;
  Fn fn = Fn::And;     // Call
  int column = -1;     // Column: index into the operator's input schema
  Value value;         // Constant
  std::vector<Expr> args;

  static Expr Column(int index, Type t);
  static Expr Constant(Value v);
  static Expr Now();
  static Expr Call(Fn fn, Type t, std::vector<Expr> args);

  bool operator==(const Expr&) const = default;
  size_t Hash() const;
  std::string ToString() const;  // an s-expression: (and (gt #0 (sub now 7.00:00:00)) ...)
};

std::string_view FnName(Fn fn);
// Whether each evaluation of a call of `fn` may give another value (rand, new_guid): such a call
// is never folded, shared or substituted into another operator.
bool IsVolatile(Fn fn);
// The column `e` reads when it reads exactly one, of type string, and calls nothing volatile, else
// -1. Such an expression has one value per distinct value of that column, so over a
// dictionary-encoded batch (Column::codes) it can be computed once per distinct value.
int SingleStringColumn(const Expr& e);
std::string ValueToString(const Value& v);

// Combines hashes (boost's recipe), shared by every node that hashes itself.
inline size_t HashMix(size_t seed, size_t v) {
  return seed ^ (v + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

}  // namespace huntc::exec
