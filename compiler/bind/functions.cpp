// The built-in function catalogue.
#include "compiler/bind/functions.h"

#include <algorithm>
#include <array>
#include <vector>

namespace huntc {

namespace {

using enum FunctionClass;
using enum ResultRule;
using enum ResultName;

constexpr uint8_t V = kVariadic;

constexpr FunctionInfo F(std::string_view name, uint8_t min, uint8_t max, ResultRule rule,
                         Type type = Type::Null, ResultName naming = None,
                         std::string_view prefix = {}, std::string_view canonical = {}) {
  return {name, Scalar, min, max, rule, type, naming, prefix, canonical};
}
// A scalar function of fixed result type named like Column1.
constexpr FunctionInfo S(std::string_view name, uint8_t min, uint8_t max, Type type,
                         std::string_view canonical = {}) {
  return F(name, min, max, Fixed, type, None, {}, canonical);
}
// A conversion: fixed result type, named after its argument.
constexpr FunctionInfo C(std::string_view name, uint8_t min, uint8_t max, Type type,
                         std::string_view canonical = {}) {
  return F(name, min, max, Fixed, type, FirstArg, {}, canonical);
}
constexpr FunctionInfo A(std::string_view name, uint8_t min, uint8_t max, ResultRule rule,
                         Type type, ResultName naming, std::string_view prefix,
                         std::string_view canonical = {}) {
  return {name, Aggregate, min, max, rule, type, naming, prefix, canonical};
}
constexpr FunctionInfo W(std::string_view name, uint8_t min, uint8_t max, ResultRule rule,
                         Type type = Type::Null) {
  return {name, Window, min, max, rule, type, None, {}, {}};
}

constexpr Type B = Type::Bool, I = Type::Int, L = Type::Long, R = Type::Real, D = Type::Dynamic,
               Str = Type::String, DT = Type::DateTime, TS = Type::TimeSpan, G = Type::Guid;

// Sorted by name (checked by a test), so lookups can binary-search.
constexpr std::array kFunctions{
    F("abs", 1, 1, Arg0Wide, {}, FirstArg),
    S("ago", 1, 1, DT),
    A("any", 1, V, Arg0, {}, Columns, "any", "take_any"),
    A("anyif", 2, 2, Arg0, {}, Prefix, "anyif", "take_anyif"),
    A("arg_max", 1, V, Arg0, {}, Columns, ""),
    A("arg_min", 1, V, Arg0, {}, Columns, ""),
    A("argmax", 1, V, Arg0, {}, Columns, "max", "arg_max"),
    A("argmin", 1, V, Arg0, {}, Columns, "min", "arg_min"),
    S("array_concat", 1, V, D),
    S("array_index_of", 2, 4, L),
    S("array_length", 1, 1, L),
    S("array_reverse", 1, 1, D),
    S("array_slice", 3, 3, D),
    S("array_sort_asc", 1, V, D),
    S("array_sort_desc", 1, V, D),
    S("array_split", 2, 2, D),
    S("array_strcat", 2, 2, Str, "strcat_array"),
    S("array_sum", 1, 1, R),
    A("avg", 1, 1, Fixed, R, Prefix, "avg"),
    A("avgif", 2, 2, Fixed, R, Prefix, "avgif"),
    S("bag_has_key", 2, 2, B),
    S("bag_keys", 1, 1, D),
    S("bag_merge", 1, V, D),
    S("bag_pack", 0, V, D),
    S("bag_remove_keys", 2, 2, D),
    S("base64_decode_toarray", 1, 1, D),
    S("base64_decode_tostring", 1, 1, Str),
    S("base64_decodestring", 1, 1, Str, "base64_decode_tostring"),
    S("base64_encode_tostring", 1, 1, Str),
    S("base64_encodestring", 1, 1, Str, "base64_encode_tostring"),
    F("bin", 2, 2, Arg0Wide, {}, FirstArg),
    F("bin_at", 3, 3, Arg0Wide, {}, FirstArg),
    F("case", 3, V, CaseValues),
    F("ceiling", 1, 1, Arg0Wide),
    F("coalesce", 1, V, CommonAll),
    F("column_ifexists", 2, 2, Arg0, {}, FirstArg),  // typed by the binder: the column's type
    A("count", 0, 1, Fixed, L, Prefix, "count"),
    A("count_distinct", 1, 1, Fixed, L, Prefix, "count_distinct"),
    A("countif", 1, 1, Fixed, L, Prefix, "countif"),
    S("countof", 2, 3, L),
    S("datetime_add", 3, 3, DT),
    S("datetime_diff", 3, 3, L),
    S("datetime_part", 2, 2, I),
    S("dayofmonth", 1, 1, I),
    S("dayofweek", 1, 1, TS),
    S("dayofyear", 1, 1, I),
    A("dcount", 1, 2, Fixed, L, Prefix, "dcount"),
    A("dcountif", 2, 3, Fixed, L, Prefix, "dcountif"),
    S("endofday", 1, 2, DT),
    S("endofmonth", 1, 2, DT),
    S("endofweek", 1, 2, DT),
    S("exp", 1, 1, R),
    F("extract", 3, 4, Typeof, Str),
    S("extract_all", 2, 3, D),
    F("extract_json", 2, 3, Typeof, Str),
    F("extractjson", 2, 3, Typeof, Str, None, {}, "extract_json"),
    F("floor", 2, 2, Arg0Wide, {}, FirstArg),
    C("format_datetime", 2, 2, Str),
    S("format_timespan", 2, 2, Str),
    S("getmonth", 1, 1, I),
    F("gettype", 1, 1, Fixed, Str, Prefix, "type"),
    S("getyear", 1, 1, I),
    S("has_any_ipv4", 2, V, B),
    S("has_ipv4", 2, 2, B),
    S("has_ipv4_prefix", 2, 2, B),
    S("hash", 1, 2, L),
    S("hash_md5", 1, 1, Str),
    S("hash_sha1", 1, 1, Str),
    S("hash_sha256", 1, 1, Str),
    S("hourofday", 1, 1, I),
    F("iff", 3, 3, CommonTail),
    F("iif", 3, 3, CommonTail, {}, None, {}, "iff"),
    S("indexof", 2, 5, L),
    S("ipv4_compare", 2, 3, L),
    S("ipv4_is_in_any_range", 2, V, B),
    S("ipv4_is_in_range", 2, 2, B),
    S("ipv4_is_match", 2, 3, B),
    S("ipv4_is_private", 1, 1, B),
    S("ipv4_netmask_suffix", 1, 1, I),
    S("isascii", 1, 1, B),
    S("isempty", 1, 1, B),
    S("isfinite", 1, 1, B),
    S("isnan", 1, 1, B),
    S("isnotempty", 1, 1, B),
    S("isnotnull", 1, 1, B),
    S("isnull", 1, 1, B),
    S("isutf8", 1, 1, B),
    S("log", 1, 1, R),
    S("log10", 1, 1, R),
    S("log2", 1, 1, R),
    A("make_bag", 1, 2, Fixed, D, Prefix, "bag"),
    A("make_bag_if", 2, 3, Fixed, D, Prefix, "bag"),
    A("make_list", 1, 2, Fixed, D, Prefix, "list"),
    A("make_list_if", 2, 3, Fixed, D, Prefix, "list"),
    A("make_list_with_nulls", 1, 2, Fixed, D, Prefix, "list"),
    A("make_set", 1, 2, Fixed, D, Prefix, "set"),
    A("make_set_if", 2, 3, Fixed, D, Prefix, "set"),
    S("make_string", 1, V, Str),
    A("makelist", 1, 2, Fixed, D, Prefix, "list", "make_list"),
    A("makeset", 1, 2, Fixed, D, Prefix, "set", "make_set"),
    A("max", 1, 1, Arg0, {}, Prefix, "max"),
    F("max_of", 1, V, CommonAll),
    A("maxif", 2, 2, Arg0, {}, Prefix, "maxif"),
    A("min", 1, 1, Arg0, {}, Prefix, "min"),
    F("min_of", 1, V, CommonAll),
    A("minif", 2, 2, Arg0, {}, Prefix, "minif"),
    S("new_guid", 0, 0, G),
    W("next", 1, 3, Arg0),
    S("not", 1, 1, B),
    S("notempty", 1, 1, B, "isnotempty"),
    S("notnull", 1, 1, B, "isnotnull"),
    S("now", 0, 1, DT),
    S("pack", 0, V, D, "bag_pack"),
    S("pack_all", 0, 1, D),
    S("pack_array", 0, V, D),
    S("parse_command_line", 2, 2, D),
    C("parse_csv", 1, 1, D),
    S("parse_ipv4", 1, 1, L),
    S("parse_ipv4_mask", 2, 2, L),
    C("parse_json", 1, 1, D),
    S("parse_path", 1, 1, D),
    S("parse_url", 1, 1, D),
    S("parse_urlquery", 1, 1, D),
    S("parse_user_agent", 2, 2, D),
    C("parse_xml", 1, 1, D),
    C("parsejson", 1, 1, D, "parse_json"),
    A("percentile", 2, 2, Arg0Wide, {}, Prefix, "percentile"),
    S("pow", 2, 2, R),
    W("prev", 1, 3, Arg0),
    S("rand", 0, 1, R),
    S("range", 2, 3, D),
    F("repeat", 2, 2, Fixed, D, Prefix, "repeat"),
    S("replace", 3, 3, Str, "replace_regex"),
    S("replace_regex", 3, 3, Str),
    S("replace_string", 3, 3, Str),
    S("reverse", 1, 1, Str),
    F("round", 1, 2, Arg0Wide),
    W("row_number", 0, 2, Fixed, Type::Long),
    // The series functions that expand into several columns (see ResultColumns) return the
    // dynamic bag their columns are members of.
    S("series_decompose", 1, 5, D),
    S("series_decompose_anomalies", 1, 7, D),
    S("series_fill_backward", 1, 2, D),
    S("series_fill_const", 2, 3, D),
    S("series_fill_forward", 1, 2, D),
    S("series_fill_linear", 1, 4, D),
    S("series_fit_line", 1, 1, D),
    S("series_fit_line_dynamic", 1, 1, D),
    S("series_outliers", 1, 5, D),
    S("series_stats", 1, 2, D),
    S("series_stats_dynamic", 1, 2, D),
    S("set_difference", 2, V, D),
    S("set_has_element", 2, 2, B),
    S("set_intersect", 2, V, D),
    S("set_union", 2, V, D),
    S("sign", 1, 1, R),
    C("split", 2, 3, D),
    S("sqrt", 1, 1, R),
    C("startofday", 1, 2, DT),
    S("startofmonth", 1, 2, DT),
    S("startofweek", 1, 2, DT),
    S("startofyear", 1, 2, DT),
    A("stdev", 1, 1, Fixed, R, Prefix, "stdev"),
    A("stdevif", 2, 2, Fixed, R, Prefix, "stdevif"),
    S("strcat", 1, V, Str),
    S("strcat_array", 2, 2, Str),
    S("strcat_delim", 3, V, Str),
    S("strcmp", 2, 2, I),
    F("string_size", 1, 1, Fixed, L, Prefix, "string_size"),
    F("strlen", 1, 1, Fixed, L, Prefix, "strlen"),
    S("strrep", 2, 3, Str),
    S("substring", 2, 3, Str),
    A("sum", 1, 1, Arg0Wide, {}, Prefix, "sum"),
    A("sumif", 2, 2, Arg0Wide, {}, Prefix, "sumif"),
    A("take_any", 1, V, Arg0, {}, Columns, ""),
    A("take_anyif", 2, 2, Arg0, {}, FirstArg, ""),
    C("tobool", 1, 1, B),
    C("toboolean", 1, 1, B, "tobool"),
    C("todatetime", 1, 1, DT),
    C("todecimal", 1, 1, Type::Decimal),
    C("todouble", 1, 1, R, "toreal"),
    C("todynamic", 1, 1, D, "parse_json"),
    C("toguid", 1, 1, G),
    C("tohex", 1, 2, Str),
    C("toint", 1, 1, I),
    C("tolong", 1, 1, L),
    S("tolower", 1, 1, Str),
    C("toreal", 1, 1, R),
    C("tostring", 1, 1, Str),
    C("totimespan", 1, 1, TS),
    S("toupper", 1, 1, Str),
    S("translate", 3, 3, Str),
    F("treepath", 1, 1, Fixed, D, Prefix, "tree"),
    S("trim", 2, 2, Str),
    S("trim_end", 2, 2, Str),
    S("trim_start", 2, 2, Str),
    S("unixtime_microseconds_todatetime", 1, 1, DT),
    S("unixtime_milliseconds_todatetime", 1, 1, DT),
    S("unixtime_nanoseconds_todatetime", 1, 1, DT),
    S("unixtime_seconds_todatetime", 1, 1, DT),
    S("url_decode", 1, 1, Str),
    S("url_encode", 1, 1, Str),
    S("url_encode_component", 1, 1, Str),
    A("variance", 1, 1, Fixed, R, Prefix, "variance"),
    A("varianceif", 2, 2, Fixed, R, Prefix, "varianceif"),
    S("zip", 2, V, D),
};

Type Widen(Type t) { return t == Type::Int ? Type::Long : t; }

int NumericRank(Type t) {
  switch (t) {
    case Type::Int: return 1;
    case Type::Long: return 2;
    case Type::Decimal: return 3;
    case Type::Real: return 4;
    default: return 0;
  }
}

// The common type of the values of iff(), case(), coalesce(): nulls and dynamic values take
// the others' type; values with no common type make the result dynamic, as in Kusto.
Type CommonOf(std::span<const Type> types) {
  Type result = Type::Null;
  bool dynamic = false;
  for (Type t : types) {
    if (t == Type::Null) continue;
    if (t == Type::Dynamic) {
      dynamic = true;
      continue;
    }
    if (result == Type::Null) {
      result = t;
      continue;
    }
    const std::optional<Type> common = CommonType(result, t);
    if (!common) return Type::Dynamic;
    result = *common;
  }
  return result == Type::Null && dynamic ? Type::Dynamic : result;
}

}  // namespace

const FunctionInfo* FindFunction(std::string_view name) {
  auto it = std::lower_bound(kFunctions.begin(), kFunctions.end(), name,
                             [](const FunctionInfo& f, std::string_view n) { return f.name < n; });
  return it != kFunctions.end() && it->name == name ? &*it : nullptr;
}

std::span<const FunctionInfo> AllFunctions() { return kFunctions; }

std::span<const ResultColumn> ResultColumns(std::string_view name) {
  static constexpr ResultColumn kStats[] = {{"min", R},  {"min_idx", L}, {"max", R},     {"max_idx", L},
                                            {"avg", R},  {"stdev", R},   {"variance", R}};
  static constexpr ResultColumn kAnomalies[] = {{"ad_flag", D}, {"ad_score", D}, {"baseline", D}};
  static constexpr ResultColumn kDecompose[] = {{"baseline", D}, {"seasonal", D}, {"trend", D}, {"residual", D}};
  static constexpr ResultColumn kFitLine[] = {{"rsquare", R},  {"slope", R},        {"variance", R},
                                              {"rvariance", R}, {"interception", R}, {"line_fit", D}};
  if (name == "series_stats") return kStats;
  if (name == "series_decompose_anomalies") return kAnomalies;
  if (name == "series_decompose") return kDecompose;
  if (name == "series_fit_line") return kFitLine;
  return {};
}

Type FunctionResultType(const FunctionInfo& f, std::span<const Type> args,
                        std::optional<Type> typeof_arg) {
  switch (f.rule) {
    case Fixed: return f.type;
    case Arg0: return args.empty() ? Type::Null : args[0];
    case Arg0Wide: return args.empty() ? Type::Null : Widen(args[0]);
    case CommonTail: return args.empty() ? Type::Null : CommonOf(args.subspan(1));
    case CommonAll: return Widen(CommonOf(args));
    case CaseValues: {
      std::vector<Type> values;
      for (size_t i = 1; i < args.size(); i += 2) values.push_back(args[i]);
      values.push_back(args.back());
      return CommonOf(values);
    }
    case Typeof: return typeof_arg.value_or(f.type);
  }
  return Type::Null;
}

std::optional<Type> CommonType(Type a, Type b) {
  if (a == b) return a;
  if (NumericRank(a) && NumericRank(b)) return NumericRank(a) >= NumericRank(b) ? a : b;
  if (IsStringLike(a) && IsStringLike(b)) return Type::String;
  return std::nullopt;
}

}  // namespace huntc
