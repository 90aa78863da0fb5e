// The statements of /work/shared/reference/kql-semantics.md that concern evaluation, each checked
// on the interpreter; every test names the section (§) and the statement it checks.
#include <catch2/catch.hpp>

#include "runtime/exec/plan.h"
#include "tests/unit/interp_util.h"

using namespace huntc;
using namespace huntc::exec;
using namespace huntc::exec::testing;

namespace {

Expr B2(Fn fn, Expr a, Expr b) { return F(fn, Type::Bool, {std::move(a), std::move(b)}); }
Expr Not(Expr a) { return F(Fn::Not, Type::Bool, {std::move(a)}); }

}  // namespace

TEST_CASE("§1 has matches whole terms, contains substrings", "[interp][semantics]") {
  CHECK(Eval(B2(Fn::Has, Str("KustoExplorerQueryRun"), Str("Explorer"))) == "false");
  CHECK(Eval(B2(Fn::Contains, Str("KustoExplorerQueryRun"), Str("Explorer"))) == "true");
  CHECK(Eval(B2(Fn::Has, Str("Kusto Explorer"), Str("explorer"))) == "true");
  CHECK(Eval(B2(Fn::HasCs, Str("Kusto Explorer"), Str("explorer"))) == "false");
}

TEST_CASE("§1 hasprefix/hassuffix: the needle begins/ends some term", "[interp][semantics]") {
  CHECK(Eval(B2(Fn::HasPrefix, Str("Kusto ExplorerQueryRun"), Str("explorer"))) == "true");
  CHECK(Eval(B2(Fn::HasPrefix, Str("KustoExplorerQueryRun"), Str("Explorer"))) == "false");
  CHECK(Eval(B2(Fn::HasSuffix, Str("KustoExplorer QueryRun"), Str("explorer"))) == "true");
  CHECK(Eval(B2(Fn::HasSuffix, Str("KustoExplorerQuery Run"), Str("Explorer"))) == "false");
  CHECK(Eval(B2(Fn::HasPrefixCs, Str("Kusto Explorer"), Str("explorer"))) == "false");
  CHECK(Eval(B2(Fn::HasSuffixCs, Str("Kusto Explorer"), Str("Explorer"))) == "true");
}

TEST_CASE("§1 startswith/endswith/contains are case-insensitive, _cs and == sensitive, =~ not", "[interp][semantics]") {
  CHECK(Eval(B2(Fn::StartsWith, Str("PowerShell.exe"), Str("power"))) == "true");
  CHECK(Eval(B2(Fn::StartsWithCs, Str("PowerShell.exe"), Str("power"))) == "false");
  CHECK(Eval(B2(Fn::EndsWith, Str("PowerShell.EXE"), Str(".exe"))) == "true");
  CHECK(Eval(B2(Fn::EndsWithCs, Str("PowerShell.EXE"), Str(".exe"))) == "false");
  CHECK(Eval(B2(Fn::ContainsCs, Str("PowerShell"), Str("shell"))) == "false");
  CHECK(Eval(B2(Fn::Eq, Str("cmd.exe"), Str("CMD.EXE"))) == "false");
  CHECK(Eval(B2(Fn::EqCi, Str("cmd.exe"), Str("CMD.EXE"))) == "true");
}

TEST_CASE("§1 in is case-sensitive, in~ is not", "[interp][semantics]") {
  CHECK(Eval(F(Fn::In, Type::Bool, {Str("CMD.exe"), Str("cmd.exe"), Str("pwsh.exe")})) == "false");
  CHECK(Eval(F(Fn::InCi, Type::Bool, {Str("CMD.exe"), Str("cmd.exe"), Str("pwsh.exe")})) == "true");
  CHECK(Eval(F(Fn::In, Type::Bool, {Lng(443), Lng(80), Lng(443)})) == "true");
}

TEST_CASE("§1 matches regex is unanchored and case-sensitive (RE2)", "[interp][semantics]") {
  CHECK(Eval(B2(Fn::MatchesRegex, Str("run evil.exe now"), Str(R"(\w+\.exe)"))) == "true");
  CHECK(Eval(B2(Fn::MatchesRegex, Str("EVIL.EXE"), Str(R"(evil\.exe)"))) == "false");
  CHECK(Eval(B2(Fn::MatchesRegex, Str("x"), Str("(a"))) == "false");  // an invalid pattern matches nothing
}

TEST_CASE("§1 negated string operators are true on an empty left side", "[interp][semantics]") {
  CHECK(Eval(Not(B2(Fn::Contains, Str(""), Str("x")))) == "true");
  CHECK(Eval(Not(B2(Fn::Has, Str(""), Str("x")))) == "true");
  CHECK(Eval(Not(B2(Fn::StartsWith, Str(""), Str("x")))) == "true");
}

TEST_CASE("§1 has_any/has_all take lists and dynamic arrays, matching terms", "[interp][semantics]") {
  CHECK(Eval(F(Fn::HasAny, Type::Bool, {Str("GET /raw/abc pastebin.com"), Dyn(R"(["pastebin","ngrok"])")})) == "true");
  CHECK(Eval(F(Fn::HasAny, Type::Bool, {Str("notpastebinx.com"), Str("pastebin"), Str("ngrok")})) == "false");
  CHECK(Eval(F(Fn::HasAll, Type::Bool, {Str("a b c"), Str("A"), Str("c")})) == "true");
  CHECK(Eval(F(Fn::HasAll, Type::Bool, {Str("a b c"), Str("a"), Str("d")})) == "false");
}

TEST_CASE("§2 between is inclusive, a timespan upper bound counts from the lower bound", "[interp][semantics]") {
  // x between (a .. b) lowers to x >= a and x <= b; datetime .. timespan to x <= a + b.
  const auto between = [](Expr x, Expr a, Expr b) {
    return F(Fn::And, Type::Bool, {B2(Fn::Ge, x, a), B2(Fn::Le, x, std::move(b))});
  };
  CHECK(Eval(between(Lng(5), Lng(5), Lng(10))) == "true");
  CHECK(Eval(between(Lng(10), Lng(5), Lng(10))) == "true");
  CHECK(Eval(between(Lng(11), Lng(5), Lng(10))) == "false");
  const Expr start = Dt("2026-11-19T00:00:00Z");
  const Expr upper = F(Fn::Add, Type::DateTime, {start, Ts(kHour)});
  CHECK(Eval(between(Dt("2026-11-19T01:00:00Z"), start, upper)) == "true");
  CHECK(Eval(between(Dt("2026-11-19T01:00:01Z"), start, upper)) == "false");
}

TEST_CASE("§2 integer division truncates, modulo takes the divisor's sign, /0 is null", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Div, Type::Long, {Lng(1), Lng(2)})) == "0");
  CHECK(Eval(F(Fn::Div, Type::Long, {Lng(-7), Lng(2)})) == "-3");
  CHECK(Eval(F(Fn::Mod, Type::Long, {Lng(-10), Lng(4)})) == "2");
  CHECK(IsNullResult(F(Fn::Div, Type::Long, {Lng(1), Lng(0)})));
  CHECK(Eval(F(Fn::Div, Type::Real, {Real(1), Real(2)})) == "0.5");
}

TEST_CASE("§2 timespan / timespan is real, datetime - datetime is a timespan", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Div, Type::Real, {Ts(24 * kHour), Ts(kHour)})) == "24");
  CHECK(Eval(F(Fn::Sub, Type::TimeSpan, {Dt("2026-11-20T00:00:00Z"), Dt("2026-11-19T22:30:00Z")})) == "\"01:30:00\"");
  CHECK(Eval(F(Fn::Add, Type::DateTime, {Dt("2026-11-19T23:00:00Z"), Ts(2 * kHour)})) ==
        "\"2026-11-20T01:00:00.0000000Z\"");
}

TEST_CASE("§3 now() is one instant for the whole query, ago(x) = now() - x", "[interp][semantics]") {
  const int64_t now = *ParseDateTime("2026-11-20T00:00:00Z");
  Evaluator evaluator(now);
  Batch rows;
  rows.row_count = 3;
  const Column c = evaluator.Evaluate(F(Fn::Sub, Type::DateTime, {Expr::Now(), Ts(kHour)}), RowSet{&rows, nullptr, 3});
  for (size_t i = 0; i < 3; ++i) CHECK(c.LongAt(i) == now - kHour);
}

TEST_CASE("§3 timespan text: units, fractions and d.hh:mm:ss.f forms", "[interp][semantics]") {
  const auto ts = [](const char* s) { return Eval(F(Fn::Convert, Type::TimeSpan, {Str(s)})); };
  CHECK(ts("1.5h") == "\"01:30:00\"");
  CHECK(ts("2d") == "\"2.00:00:00\"");
  CHECK(ts("100ms") == "\"00:00:00.1000000\"");
  CHECK(ts("0.12:34:56.7") == "\"12:34:56.7000000\"");
  CHECK(ts("1w") == "null");  // there is no week unit
}

TEST_CASE("§3 datetime text: ISO 8601 with offsets resolved to UTC", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Convert, Type::DateTime, {Str("2014-05-25T08:20:03.123456Z")})) == "\"2014-05-25T08:20:03.1234560Z\"");
  CHECK(Eval(F(Fn::Convert, Type::DateTime, {Str("2014-05-25 10:20+02:00")})) == "\"2014-05-25T08:20:00.0000000Z\"");
}

TEST_CASE("§4 strings are never null: tostring(null) is \"\", isempty covers \"\"", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Convert, Type::String, {Null(Type::Long)})) == "\"\"");
  CHECK(Eval(F(Fn::IsNull, Type::Bool, {Str("")})) == "false");
  CHECK(Eval(F(Fn::IsEmpty, Type::Bool, {Str("")})) == "true");
  CHECK(Eval(F(Fn::IsEmpty, Type::Bool, {Null(Type::Dynamic)})) == "true");
  CHECK(Eval(F(Fn::IsNull, Type::Bool, {Null(Type::Long)})) == "true");
}

TEST_CASE("§4 == with one null side is false, != true, both null gives null", "[interp][semantics]") {
  CHECK(Eval(B2(Fn::Eq, Lng(1), Null(Type::Long))) == "false");
  CHECK(Eval(B2(Fn::Ne, Lng(1), Null(Type::Long))) == "true");
  CHECK(IsNullResult(B2(Fn::Eq, Null(Type::Long), Null(Type::Long))));
  CHECK(IsNullResult(B2(Fn::Ne, Null(Type::Long), Null(Type::Long))));
}

TEST_CASE("§4 <, <=, >, >= with a null side are null", "[interp][semantics]") {
  for (Fn fn : {Fn::Lt, Fn::Le, Fn::Gt, Fn::Ge}) CHECK(IsNullResult(B2(fn, Lng(1), Null(Type::Long))));
}

TEST_CASE("§4 in with a null value is false, !in true", "[interp][semantics]") {
  CHECK(Eval(F(Fn::In, Type::Bool, {Null(Type::Long), Lng(1)})) == "false");
  CHECK(Eval(Not(F(Fn::In, Type::Bool, {Null(Type::Long), Lng(1)}))) == "true");
}

TEST_CASE("§4 and/or/not are three-valued", "[interp][semantics]") {
  const Expr null = Null(Type::Bool);
  CHECK(Eval(F(Fn::And, Type::Bool, {null, Bool(false)})) == "false");
  CHECK(IsNullResult(F(Fn::And, Type::Bool, {null, Bool(true)})));
  CHECK(Eval(F(Fn::Or, Type::Bool, {null, Bool(true)})) == "true");
  CHECK(IsNullResult(F(Fn::Or, Type::Bool, {null, Bool(false)})));
  CHECK(IsNullResult(Not(null)));
}

TEST_CASE("§4 where keeps only rows whose predicate is exactly true", "[interp][semantics]") {
  auto table = Datatable({{"x", Type::Long}}, {{L(1)}, {N(Type::Long)}, {L(3)}});
  auto plan = Filter(std::move(table), B2(Fn::Gt, Col(0, Type::Long), Lng(0)));
  CHECK(Rows(Run(*plan)) == std::vector<std::string>{"1", "3"});
  auto table2 = Datatable({{"x", Type::Long}}, {{L(1)}, {N(Type::Long)}});
  auto negated = Filter(std::move(table2), Not(B2(Fn::Gt, Col(0, Type::Long), Lng(0))));
  CHECK(Run(*negated).rows() == 0);  // not(null) is null: dropped too
}

TEST_CASE("§5 bin floors to a multiple of the size, also for negatives and timespans", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Bin, Type::Long, {Lng(-7), Lng(5)})) == "-10");
  CHECK(Eval(F(Fn::Bin, Type::Real, {Real(4.7), Real(0.5)})) == "4.5");
  CHECK(Eval(F(Fn::Bin, Type::TimeSpan, {Ts(16 * 24 * kHour), Ts(7 * 24 * kHour)})) == "\"14.00:00:00\"");
  CHECK(Eval(F(Fn::Bin, Type::DateTime, {Dt("1970-05-11T13:45:07Z"), Ts(24 * kHour)})) == "\"1970-05-11T00:00:00.0000000Z\"");
}

TEST_CASE("§4/§5 bin of null, a null size or a size <= 0 is null", "[interp][semantics]") {
  CHECK(IsNullResult(F(Fn::Bin, Type::Long, {Null(Type::Long), Lng(5)})));
  CHECK(IsNullResult(F(Fn::Bin, Type::Long, {Lng(7), Null(Type::Long)})));
  CHECK(IsNullResult(F(Fn::Bin, Type::Long, {Lng(7), Lng(-5)})));
}

TEST_CASE("§5 datetime_diff counts period boundaries crossed (doc examples)", "[interp][semantics]") {
  const auto diff = [](const char* p, const char* a, const char* b) {
    return Eval(F(Fn::DateTimeDiff, Type::Long, {Str(p), Dt(a), Dt(b)}));
  };
  CHECK(diff("year", "2017-01-01", "2000-12-31") == "17");
  CHECK(diff("day", "2017-10-29 00:00", "2017-09-30 23:59") == "29");
  CHECK(diff("hour", "2017-10-31 01:00", "2017-10-30 23:59") == "2");
  CHECK(diff("Month", "2017-01-01", "2016-12-31") == "1");
  CHECK(diff("quarter", "2017-04-01", "2017-03-31") == "1");
  CHECK(diff("week", "2017-10-29", "2017-10-28") == "1");  // 2017-10-29 is a Sunday
  CHECK(diff("week", "2017-10-28", "2017-10-27") == "0");
  CHECK(diff("nanosecond", "2017-10-30 23:00:10.1", "2017-10-30 23:00:10.1000007") == "-700");
  CHECK(IsNullResult(F(Fn::DateTimeDiff, Type::Long, {Str("fortnight"), Dt("2017-01-01"), Dt("2017-01-01")})));
}

TEST_CASE("§6 parse_json: invalid JSON gives the string itself, dynamic passes through", "[interp][semantics]") {
  CHECK(Eval(F(Fn::ParseJson, Type::Dynamic, {Str("not json")})) == "\"not json\"");
  CHECK(Eval(F(Fn::ParseJson, Type::Dynamic, {Str(R"( {"a": [1, 2.5, "x"]} )")})) == R"({"a":[1,2.5,"x"]})");
  CHECK(Eval(F(Fn::ParseJson, Type::Dynamic, {Dyn("[1]")})) == "[1]");
}

TEST_CASE("§6 member and index access: negative indexes, missing keys and indexes give null", "[interp][semantics]") {
  const Expr d = Dyn(R"({"a": {"b": [10, 20, 30]}, "k": "v"})");
  const Expr arr = F(Fn::Member, Type::Dynamic, {F(Fn::Member, Type::Dynamic, {d, Str("a")}), Str("b")});
  CHECK(Eval(F(Fn::Index, Type::Dynamic, {arr, Lng(0)})) == "10");
  CHECK(Eval(F(Fn::Index, Type::Dynamic, {arr, Lng(-1)})) == "30");
  CHECK(IsNullResult(F(Fn::Index, Type::Dynamic, {arr, Lng(3)})));
  CHECK(IsNullResult(F(Fn::Member, Type::Dynamic, {d, Str("missing")})));
  CHECK(IsNullResult(F(Fn::Member, Type::Dynamic, {Null(Type::Dynamic), Str("a")})));
  // Sub-access is dynamic: compare after tostring().
  CHECK(Eval(B2(Fn::Eq, F(Fn::Convert, Type::String, {F(Fn::Member, Type::Dynamic, {d, Str("k")})}), Str("v"))) == "true");
}

TEST_CASE("§7 conversions give null on failure, toint truncates toward zero", "[interp][semantics]") {
  CHECK(IsNullResult(F(Fn::Convert, Type::Int, {Str("abc")})));
  CHECK(IsNullResult(F(Fn::Convert, Type::Long, {Str("")})));
  CHECK(IsNullResult(F(Fn::Convert, Type::DateTime, {Str("yesterday")})));
  CHECK(IsNullResult(F(Fn::Convert, Type::Real, {Str("1.2.3")})));
  CHECK(IsNullResult(F(Fn::Convert, Type::Bool, {Str("maybe")})));
  CHECK(IsNullResult(F(Fn::Convert, Type::Guid, {Str("not-a-guid")})));
  CHECK(Eval(F(Fn::Convert, Type::Int, {Real(2.7)})) == "2");
  CHECK(Eval(F(Fn::Convert, Type::Int, {Real(-2.7)})) == "-2");
  CHECK(Eval(F(Fn::Convert, Type::Long, {Str(" 42 ")})) == "42");
  CHECK(Eval(F(Fn::Convert, Type::Bool, {Str("True")})) == "true");
  CHECK(Eval(F(Fn::Convert, Type::Long, {Dyn("7")})) == "7");
  // Text of a number outside the int range is no int: null, not wrapped around.
  CHECK(IsNullResult(F(Fn::Convert, Type::Int, {Str("99999999999")})));
  CHECK(IsNullResult(F(Fn::Convert, Type::Int, {Str("-2147483649")})));
  CHECK(Eval(F(Fn::Convert, Type::Int, {Str("-2147483648")})) == "-2147483648");
  CHECK(Eval(F(Fn::Convert, Type::Long, {Str("99999999999")})) == "99999999999");
}

TEST_CASE("§7 tostring: datetimes ISO with 7 digits and Z, dynamic as compact JSON", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Convert, Type::String, {Dt("2024-05-01T10:00:00Z")})) == "\"2024-05-01T10:00:00.0000000Z\"");
  CHECK(Eval(F(Fn::Convert, Type::String, {Dyn(R"({ "a" : [ 1 , 2 ] })")})) == R"("{\"a\":[1,2]}")");
  CHECK(Eval(F(Fn::Convert, Type::String, {Dyn(R"("text")")})) == "\"text\"");
  CHECK(Eval(F(Fn::Convert, Type::String, {Bool(true)})) == "\"true\"");
  CHECK(Eval(F(Fn::Convert, Type::String, {Real(1.5)})) == "\"1.5\"");
}

TEST_CASE("§8 strcat converts with tostring: a null argument adds \"\"", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Strcat, Type::String, {Str("a"), Null(Type::Long), Lng(3), Str("b")})) == "\"a3b\"");
}

TEST_CASE("§8 split: literal delimiter, empty parts kept, index gives a one-element array", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Split, Type::Dynamic, {Str(""), Str("_")})) == R"([""])");
  CHECK(Eval(F(Fn::Split, Type::Dynamic, {Str("a__b"), Str("_")})) == R"(["a","","b"])");
  CHECK(Eval(F(Fn::Split, Type::Dynamic, {Str("aaa_bbb_ccc"), Str("_"), Lng(1)})) == R"(["bbb"])");
  CHECK(Eval(F(Fn::Split, Type::Dynamic, {Str("aaa_bbb"), Str("_"), Lng(5)})) == "[]");
  CHECK(Eval(F(Fn::Split, Type::Dynamic, {Str("a.b"), Str(".")})) == R"(["a","b"])");
}

TEST_CASE("§8 extract: group 0 is the whole match, no match is \"\" (null when typed)", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Extract, Type::String, {Str(R"(x=(\d+))"), Lng(0), Str("a x=42 b")})) == "\"x=42\"");
  CHECK(Eval(F(Fn::Extract, Type::String, {Str(R"(x=(\d+))"), Lng(1), Str("a x=42 b")})) == "\"42\"");
  CHECK(Eval(F(Fn::Extract, Type::String, {Str(R"(x=(\d+))"), Lng(1), Str("nothing")})) == "\"\"");
  CHECK(Eval(F(Fn::Extract, Type::Long, {Str(R"(x=(\d+))"), Lng(1), Str("a x=42 b")})) == "42");
  CHECK(IsNullResult(F(Fn::Extract, Type::Long, {Str(R"(x=(\w+))"), Lng(1), Str("x=abc")})));
}

TEST_CASE("§8 parse_url gives Scheme, Host, Port (a string), Path, Query Parameters, Fragment", "[interp][semantics]") {
  CHECK(Eval(F(Fn::ParseUrl, Type::Dynamic, {Str("https://user:pw@example.com:8443/a/b?x=1&y=two%20words#frag")})) ==
        R"({"Scheme":"https","Host":"example.com","Port":"8443","Path":"/a/b","Username":"user","Password":"pw",)"
        R"("Query Parameters":{"x":"1","y":"two words"},"Fragment":"frag"})");
  CHECK(IsNullResult(F(Fn::ParseUrl, Type::Dynamic, {Str("not a url")})));
}

TEST_CASE("§8 substring is 0-based and clamps, strlen counts characters, indexof is -1 if absent", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Substring, Type::String, {Str("abcdef"), Lng(2), Lng(3)})) == "\"cde\"");
  CHECK(Eval(F(Fn::Substring, Type::String, {Str("abcdef"), Lng(4), Lng(100)})) == "\"ef\"");
  CHECK(Eval(F(Fn::Substring, Type::String, {Str("abcdef"), Lng(10)})) == "\"\"");
  CHECK(Eval(F(Fn::Strlen, Type::Long, {Str("h\xC3\xA9llo")})) == "5");
  CHECK(Eval(F(Fn::IndexOf, Type::Long, {Str("abcabc"), Str("ca")})) == "2");
  CHECK(Eval(F(Fn::IndexOf, Type::Long, {Str("abc"), Str("z")})) == "-1");
}

TEST_CASE("§9 iff takes the else branch for a false or null condition, branches promote", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Iff, Type::Long, {Null(Type::Bool), Lng(1), Lng(2)})) == "2");
  CHECK(Eval(F(Fn::Iff, Type::Long, {Bool(true), Lng(1), Lng(2)})) == "1");
  CHECK(Eval(F(Fn::Iff, Type::Real, {Bool(false), Lng(1), Real(2.5)})) == "2.5");
  CHECK(Eval(F(Fn::Iff, Type::Real, {Bool(true), Lng(1), Real(2.5)})) == "1");
}

TEST_CASE("§9 case returns the value of the first true predicate, else the last", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Case, Type::String, {Bool(false), Str("a"), Null(Type::Bool), Str("b"), Bool(true), Str("c"), Str("else")})) == "\"c\"");
  CHECK(Eval(F(Fn::Case, Type::String, {Bool(false), Str("a"), Str("else")})) == "\"else\"");
}

TEST_CASE("§10 ipv4_is_private: 10/8, 172.16/12, 192.168/16 only, unparsable is null", "[interp][semantics]") {
  const auto priv = [](const char* ip) { return Eval(F(Fn::Ipv4IsPrivate, Type::Bool, {Str(ip)})); };
  CHECK(priv("10.1.2.3") == "true");
  CHECK(priv("172.31.255.255") == "true");
  CHECK(priv("172.32.0.1") == "false");
  CHECK(priv("192.168.0.1") == "true");
  CHECK(priv("127.0.0.1") == "false");
  CHECK(priv("100.64.0.1") == "false");
  CHECK(priv("192.168.1.0/24") == "true");
  CHECK(priv("10.0.0.0/7") == "false");
  CHECK(priv("999.1.1.1") == "null");
  CHECK(priv("fe80::1") == "null");
}

TEST_CASE("§10 ipv4_is_in_range, ipv4_is_in_any_range, ipv4_compare, parse_ipv4", "[interp][semantics]") {
  CHECK(Eval(F(Fn::Ipv4IsInRange, Type::Bool, {Str("192.168.1.7"), Str("192.168.1.0/24")})) == "true");
  CHECK(Eval(F(Fn::Ipv4IsInRange, Type::Bool, {Str("192.168.2.7"), Str("192.168.1.0/24")})) == "false");
  CHECK(Eval(F(Fn::Ipv4IsInRange, Type::Bool, {Str("x"), Str("192.168.1.0/24")})) == "null");
  CHECK(Eval(F(Fn::Ipv4IsInAnyRange, Type::Bool, {Str("10.9.9.9"), Str("192.168.0.0/16"), Str("10.0.0.0/8")})) == "true");
  CHECK(Eval(F(Fn::Ipv4IsInAnyRange, Type::Bool, {Str("8.8.8.8"), Dyn(R"(["192.168.0.0/16","10.0.0.0/8"])")})) == "false");
  CHECK(Eval(F(Fn::Ipv4Compare, Type::Long, {Str("127.0.0.1"), Str("127.0.0.2")})) == "-1");
  CHECK(Eval(F(Fn::Ipv4Compare, Type::Long, {Str("192.168.1.1"), Str("192.168.1.255"), Lng(24)})) == "0");
  CHECK(Eval(F(Fn::Ipv4Compare, Type::Long, {Str("192.168.1.1/24"), Str("192.168.1.255")})) == "0");
  CHECK(Eval(F(Fn::ParseIpv4, Type::Long, {Str("127.0.0.1")})) == "2130706433");
  CHECK(Eval(F(Fn::ParseIpv4, Type::Long, {Str("192.1.168.1/16")})) == std::to_string((192LL << 24) | (1 << 16)));
  CHECK(Eval(F(Fn::ParseIpv4, Type::Long, {Str("1.2.3")})) == "null");
}
