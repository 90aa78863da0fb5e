// The interpreter's scalar functions: the plain C++ helpers (runtime/exec/functions.h) and their
// application through the evaluator.
#include <catch2/catch.hpp>

#include <string>

#include <re2/re2.h>

#include "runtime/exec/eval.h"
#include "runtime/exec/functions.h"
#include "runtime/exec/kernel_entry.h"
#include "runtime/exec/series.h"
#include "runtime/output.h"
#include "runtime/regex.h"
#include "tests/unit/interp_util.h"

using namespace huntc;
using namespace huntc::exec;
using namespace huntc::exec::testing;

TEST_CASE("functions: string case, trimming, replacing and translating", "[interp][functions]") {
  CHECK(Eval(F(Fn::ToLower, Type::String, {Str("PowerShell.EXE")})) == "\"powershell.exe\"");
  CHECK(Eval(F(Fn::ToUpper, Type::String, {Str("cmd")})) == "\"CMD\"");
  CHECK(Eval(F(Fn::Trim, Type::String, {Str(R"(\s+)"), Str("  a b  ")})) == "\"a b\"");
  CHECK(Eval(F(Fn::Trim, Type::String, {Str("--"), Str("----x--")})) == "\"x\"");
  CHECK(Eval(F(Fn::TrimStart, Type::String, {Str("[0-9]"), Str("123abc1")})) == "\"abc1\"");
  CHECK(Eval(F(Fn::TrimEnd, Type::String, {Str(R"(\.)"), Str("a.b..")})) == "\"a.b\"");
  CHECK(Eval(F(Fn::ReplaceString, Type::String, {Str("a-b-c"), Str("-"), Str("+")})) == "\"a+b+c\"");
  CHECK(Eval(F(Fn::ReplaceRegex, Type::String, {Str("user=alice id=7"), Str(R"((\w+)=(\w+))"), Str(R"(\2:\1)")})) == "\"alice:user 7:id\"");
  CHECK(Eval(F(Fn::Translate, Type::String, {Str("abc"), Str("x"), Str("abc")})) == "\"xxx\"");
  CHECK(Eval(F(Fn::Translate, Type::String, {Str("abc"), Str(""), Str("ab")})) == "\"\"");
  CHECK(Eval(F(Fn::Translate, Type::String, {Str("krasp"), Str("otsku"), Str("spark")})) == "\"kusto\"");
}

TEST_CASE("functions: a literal replace_regex pattern is read as RE2 reads it", "[interp][functions]") {
  const auto literal = [](std::string_view pattern) { return RegexLiteral(*CompileRegex(pattern), pattern); };
  CHECK(literal("abc") == "abc");
  CHECK(literal(R"(a\.b\\c\-)") == "a.b\\c-");
  CHECK(literal(R"(\0)") == std::string(1, '\0'));
  CHECK(literal(R"(\x00\x41\t)") == std::string("\0A\t", 3));
  CHECK(literal("caf\xc3\xa9") == "caf\xc3\xa9");  // UTF-8 text is itself
  // Metacharacters, classes, anchors, groups, octal, non-ASCII \x and case folding are not literal.
  for (const char* pattern : {"", "a.b", "a+", "(a)", "[a]", "^a", "a$", "a|b", "a{2}", R"(\d)", R"(\w)", R"(\b)",
                              R"(\012)", R"(\1)", R"(\x80)", R"(\x4)", R"(\x{41})", R"(\_)", R"(\Qa\E)", "(?i)a", R"(a\)"}) {
    INFO(pattern);
    CHECK(literal(pattern).empty());
  }
}

TEST_CASE("functions: replace_regex of a literal pattern agrees with RE2's GlobalReplace", "[interp][functions]") {
  const std::string subjects[] = {"", "a", "aaa", "banana", "A.a.a", "x\\y\\\\z",
                                  std::string("p\0w\0s", 5), "ana ANA", "caf\xc3\xa9 caf\xc3\xa9",
                                  "\xff\xfe" "ana\xc3", "..."};
  const std::string patterns[] = {"a", "aa", "ana", R"(\.)", R"(\\)", R"(\0)", R"(\x00)", "caf\xc3\xa9", "ANA", "abc"};
  const std::string rewrites[] = {"", "-", "xx", R"(<\0>)", R"(\\)", R"(\1)", "ana"};
  size_t literal_paths = 0;
  for (const std::string& pattern : patterns) {
    const std::unique_ptr<re2::RE2> re = CompileRegex(pattern);
    REQUIRE(re->ok());
    const std::string literal = RegexLiteral(*re, pattern);
    CHECK(!literal.empty());
    for (const std::string& s : subjects) {
      for (const std::string& rewrite : rewrites) {
        INFO(pattern << " in " << s << " by " << rewrite);
        std::string expected = s;
        re2::RE2::GlobalReplace(&expected, *re, rewrite);
        CHECK(RegexReplace(*re, literal, s, rewrite) == expected);
        CHECK(RegexReplace(*re, "", s, rewrite) == expected);
        literal_paths += rewrite.find('\\') == std::string::npos;
      }
    }
  }
  CHECK(literal_paths > 0);
  CHECK(Eval(F(Fn::ReplaceRegex, Type::String, {Str("banana"), Str("an"), Str("AN")})) == "\"bANANa\"");
  CHECK(Eval(F(Fn::ReplaceRegex, Type::String, {Str("a.b"), Str(R"(\.)"), Str(R"([\0])")})) == "\"a[.]b\"");
}

TEST_CASE("functions: a dynamic cell that is a plain quoted string reads as the JSON parser reads it",
          "[interp][functions]") {
  // Plain ASCII strings, their escapes undone, skip the parser; \u and invalid escapes, control and
  // non-ASCII bytes, and texts that are not one JSON string take it. Each must read as
  // Json::Parse reads it (or, invalid, as itself).
  for (const std::string text :
       {R"("abc")", R"("")", R"("a b+/=")", R"("a\"b")", R"("a\u0041")", "\"a\tb\"", "\"caf\xc3\xa9\"", "\"\xff\"",
        R"("a"b")", R"(")", R"(" )", R"(["a"])", "12", "x", R"("C:\\Windows\\x.exe")", R"("\"\\\/\b\f\n\r\t")",
        R"("ab\\")", R"("ab\")", R"("\")", R"("a\q")", R"("a\u00e9\\")", "\"a\x7f\"", R"("\\"x")"}) {
    INFO(text);
    const std::optional<Json> parsed = Json::Parse(text);
    const Json expected = parsed ? *parsed : Json::String(text);
    const Json got = ParseDynamic(text);
    CHECK(got.kind() == expected.kind());
    CHECK(got.Serialize() == expected.Serialize());
    // tostring() of the cell: the string's text, else the value serialised.
    Column cell(Type::Dynamic);
    cell.AppendString(text);
    CHECK(CellToString(cell, 0) == expected.ToText());
    if (const std::optional<std::string> quoted = QuotedAscii(text)) {
      CHECK(Json::String(*quoted).Serialize() == expected.Serialize());
    }
  }
  CHECK(QuotedAscii(R"("C:\\Windows\\x.exe")") == R"(C:\Windows\x.exe)");
  CHECK(QuotedAscii(R"("a\u0041")") == std::nullopt);
  CHECK(ParseDynamic(R"("abc")").ToText() == "abc");
  CHECK(ParseDynamic("").kind() == Json::Kind::Null);
}

TEST_CASE("functions: JSON strings are written with the escapes JSON needs, and parse back", "[interp][functions]") {
  const auto quoted = [](std::string_view s) {
    std::string out = "x";  // appended to what is there
    AppendJsonString(out, s);
    return out;
  };
  CHECK(quoted("") == R"(x"")");
  CHECK(quoted("plain") == R"(x"plain")");
  CHECK(quoted(R"(C:\a "b")") == R"(x"C:\\a \"b\"")");
  CHECK(quoted("\n\r\t\x01\x1f") == R"(x"\n\r\t\u0001\u001f")");
  CHECK(quoted("caf\xc3\xa9\x7f/") == "x\"caf\xc3\xa9\x7f/\"");
  const std::string all = [] {
    std::string s;
    for (int c = 1; c < 0x80; ++c) s.push_back(static_cast<char>(c));
    return s + s;
  }();
  std::string text;
  AppendJsonString(text, all);
  const std::optional<Json> parsed = Json::Parse(text);
  REQUIRE(parsed);
  CHECK(parsed->ToText() == all);
  // Runs longer than the 16 bytes searched at once, each byte that needs an escape at every
  // offset of such a block and at the string's end, and a Windows command line.
  const std::string run(40, 'a');
  const std::pair<char, std::string_view> escapes[] = {
      {'"', R"(\")"}, {'\\', R"(\\)"}, {'\n', R"(\n)"}, {'\x01', R"(\u0001)"}, {'\x1f', R"(\u001f)"}};
  for (const auto& [special, escaped] : escapes) {
    for (size_t at = 0; at <= run.size(); ++at) {
      const std::string s = run.substr(0, at) + special + run.substr(at);
      CHECK(quoted(s) == "x\"" + run.substr(0, at) + std::string(escaped) + run.substr(at) + "\"");
      CHECK(quoted(s + special) ==
            "x\"" + run.substr(0, at) + std::string(escaped) + run.substr(at) + std::string(escaped) + "\"");
    }
  }
  CHECK(quoted(std::string(33, 'b') + "\x80\xff" + std::string(20, ' ')) ==
        "x\"" + std::string(33, 'b') + "\x80\xff" + std::string(20, ' ') + "\"");
  CHECK(quoted(R"("C:\Program Files\Microsoft\Edge\Application\msedge.exe" --type=utility)") ==
        R"(x"\"C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe\" --type=utility")");
}

TEST_CASE("functions: countof, coalesce, strcat_array, extract_all", "[interp][functions]") {
  CHECK(Eval(F(Fn::CountOf, Type::Long, {Str("aaaa"), Str("aa")})) == "2");
  CHECK(Eval(F(Fn::CountOfRegex, Type::Long, {Str("a1b22c333"), Str("[0-9]+")})) == "3");
  CHECK(Eval(F(Fn::Coalesce, Type::Long, {Null(Type::Long), Lng(2), Lng(3)})) == "2");
  CHECK(Eval(F(Fn::Coalesce, Type::String, {Str(""), Str("x")})) == "\"x\"");
  CHECK(Eval(F(Fn::StrcatArray, Type::String, {Dyn(R"([1,"a",true])"), Str("-")})) == "\"1-a-true\"");
  CHECK(Eval(F(Fn::ExtractAll, Type::Dynamic, {Str(R"(\d+)"), Str("a1b22c333")})) == R"(["1","22","333"])");
  CHECK(Eval(F(Fn::ExtractAll, Type::Dynamic, {Str(R"((\w)=(\d))"), Str("a=1 b=2")})) == R"([["a","1"],["b","2"]])");
  CHECK(IsNullResult(F(Fn::ExtractAll, Type::Dynamic, {Str(R"(\d+)"), Str("none")})));
}

// rand-function docs: rand() in [0.0, 1.0), rand(N) from {0.0, 1.0, ..., N - 1}; new_guid-function
// docs: a random guid (version 4 here). Only ranges and formats can be checked.
TEST_CASE("functions: rand and new_guid", "[interp][functions]") {
  for (int i = 0; i < 100; ++i) {
    const double unit = std::stod(Eval(F(Fn::Rand, Type::Real, {})));
    CHECK((unit >= 0 && unit < 1));
    const double whole = std::stod(Eval(F(Fn::Rand, Type::Real, {Lng(3)})));
    CHECK((whole == 0 || whole == 1 || whole == 2));
  }
  CHECK(std::stod(Eval(F(Fn::Rand, Type::Real, {Lng(1)}))) == 0);
  CHECK(IsNullResult(F(Fn::Rand, Type::Real, {Lng(0)})));
  CHECK(IsNullResult(F(Fn::Rand, Type::Real, {Null(Type::Long)})));
  CHECK(RandomGuid(0, 0) == "00000000-0000-4000-8000-000000000000");
  CHECK(RandomGuid(~0ULL, ~0ULL) == "ffffffff-ffff-4fff-bfff-ffffffffffff");
  CHECK(RandomGuid(0x0123456789abcdefULL, 0xfedcba9876543210ULL) == "01234567-89ab-4def-bedc-ba9876543210");
  CHECK(Eval(F(Fn::NewGuid, Type::Guid, {})) != Eval(F(Fn::NewGuid, Type::Guid, {})));
}

TEST_CASE("functions: URL, base64, hashing, hex", "[interp][functions]") {
  CHECK(UrlDecode("a%20b+c%2F") == "a b c/");
  CHECK(UrlEncode("a b/c") == "a+b%2Fc");
  CHECK(Eval(F(Fn::Base64DecodeToString, Type::String, {Str("S3VzdG8=")})) == "\"Kusto\"");
  CHECK(Eval(F(Fn::Base64DecodeToString, Type::String, {Str("***")})) == "\"\"");
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex(std::string(100, 'a')) == "2816597888e4a0d3a36b82b83316ab32680eb8f00f8cd3b904d681246d285a0e");
  // base64-decode-toarray docs: "S3VzdG8=" is [75,117,115,116,111]; unicode-codepoints-to-string
  // docs (make_string is its deprecated alias): code points as longs or dynamic arrays, null
  // (for a string: empty) when one is not a valid code point.
  CHECK(Eval(F(Fn::Base64DecodeToArray, Type::Dynamic, {Str("S3VzdG8=")})) == "[75,117,115,116,111]");
  CHECK(IsNullResult(F(Fn::Base64DecodeToArray, Type::Dynamic, {Str("***")})));
  CHECK(Eval(F(Fn::MakeString, Type::String, {Lng(75), Lng(117), Lng(115), Lng(116), Lng(111)})) == "\"Kusto\"");
  CHECK(Eval(F(Fn::MakeString, Type::String, {Dyn("[75,117,115]"), Int(116), Lng(111)})) == "\"Kusto\"");
  CHECK(Eval(F(Fn::MakeString, Type::String, {Dyn("[1511,9382,128512]")})) == "\"\u05e7\u24a6\U0001F600\"");
  CHECK(Eval(F(Fn::MakeString, Type::String, {Lng(75), Lng(0x110000)})) == "\"\"");
  CHECK(Eval(F(Fn::MakeString, Type::String, {Dyn("[75,\"u\"]")})) == "\"\"");
  CHECK(Eval(F(Fn::MakeString, Type::String, {Lng(0xD800)})) == "\"\"");
  CHECK(Eval(F(Fn::ToHex, Type::String, {Lng(256)})) == "\"100\"");
  CHECK(Eval(F(Fn::ToHex, Type::String, {Lng(-1)})) == "\"ffffffffffffffff\"");
  CHECK(Eval(F(Fn::ToHex, Type::String, {Lng(255), Lng(4)})) == "\"00ff\"");
}

TEST_CASE("functions: parse_path splits Windows, UNC and URI paths (doc examples)", "[interp][functions]") {
  CHECK(ParsePath(R"(C:\temp\file.txt)").Serialize() ==
        R"({"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""})");
  CHECK(ParsePath("file://C:/temp/file.txt:some.exe").Serialize() ==
        R"({"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"})");
  CHECK(ParsePath(R"(\\shared\users\temp\file.txt.gz)").Serialize() ==
        R"({"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""})");
  CHECK(ParsePath("/usr/lib/temp/file.txt").Serialize() ==
        R"({"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""})");
}

TEST_CASE("functions: parse_command_line (Windows rules) and parse_csv", "[interp][functions]") {
  CHECK(Eval(F(Fn::ParseCommandLine, Type::Dynamic, {Str(R"(cmd.exe /c "dir C:\Program Files" a\\"b)"), Str("windows")})) ==
        R"(["cmd.exe","/c","dir C:\\Program Files","a\\b"])");
  CHECK(IsNullResult(F(Fn::ParseCommandLine, Type::Dynamic, {Str("x"), Str("linux")})));
  CHECK(Eval(F(Fn::ParseCsv, Type::Dynamic, {Str(R"(a,"b,c",,"say ""hi""")")})) == R"(["a","b,c","","say \"hi\""])");
}

TEST_CASE("functions: extractjson follows a JSONPath and converts the value", "[interp][functions]") {
  const Expr doc = Str(R"({"a": {"b": [1, {"c": "x"}]}, "n": 5})");
  CHECK(Eval(F(Fn::ExtractJson, Type::String, {Str("$.a.b[1].c"), doc})) == "\"x\"");
  CHECK(Eval(F(Fn::ExtractJson, Type::Long, {Str("$['n']"), doc})) == "5");
  CHECK(Eval(F(Fn::ExtractJson, Type::String, {Str("$.missing"), doc})) == "\"\"");
  CHECK(IsNullResult(F(Fn::ExtractJson, Type::Long, {Str("$.a"), doc})));
}

TEST_CASE("functions: arrays and bags", "[interp][functions]") {
  CHECK(Eval(F(Fn::ArrayLength, Type::Long, {Dyn("[1,2,3]")})) == "3");
  CHECK(IsNullResult(F(Fn::ArrayLength, Type::Long, {Dyn(R"({"a":1})")})));
  CHECK(Eval(F(Fn::PackArray, Type::Dynamic, {Lng(1), Str("a"), Null(Type::Long), Dt("2026-01-01")})) ==
        R"([1,"a",null,"2026-01-01T00:00:00.0000000Z"])");
  CHECK(Eval(F(Fn::Pack, Type::Dynamic, {Str("k"), Lng(1), Str("d"), Dyn("[2]")})) == R"({"k":1,"d":[2]})");
  CHECK(Eval(F(Fn::ArrayConcat, Type::Dynamic, {Dyn("[1]"), Dyn(R"(["a"])")})) == R"([1,"a"])");
  CHECK(IsNullResult(F(Fn::ArrayConcat, Type::Dynamic, {Dyn("[1]"), Dyn("5")})));
  CHECK(Eval(F(Fn::ArrayIndexOf, Type::Long, {Dyn(R"(["a","b"])"), Str("b")})) == "1");
  CHECK(Eval(F(Fn::ArrayIndexOf, Type::Long, {Dyn("[1,2]"), Lng(3)})) == "-1");
  CHECK(Eval(F(Fn::ArraySlice, Type::Dynamic, {Dyn("[0,1,2,3,4]"), Lng(1), Lng(3)})) == "[1,2,3]");
  CHECK(Eval(F(Fn::ArraySlice, Type::Dynamic, {Dyn("[0,1,2,3,4]"), Lng(-2), Lng(-1)})) == "[3,4]");
  CHECK(Eval(F(Fn::SetHasElement, Type::Bool, {Dyn("[1,2]"), Lng(2)})) == "true");
  CHECK(Eval(F(Fn::SetHasElement, Type::Bool, {Dyn(R"(["a"])"), Str("b")})) == "false");
}

TEST_CASE("functions: datetime_add and format_timespan", "[interp][functions]") {
  CHECK(Eval(F(Fn::DateTimeAdd, Type::DateTime, {Str("month"), Lng(1), Dt("2026-01-31")})) == "\"2026-02-28T00:00:00.0000000Z\"");
  CHECK(Eval(F(Fn::DateTimeAdd, Type::DateTime, {Str("year"), Lng(-1), Dt("2024-02-29")})) == "\"2023-02-28T00:00:00.0000000Z\"");
  CHECK(Eval(F(Fn::DateTimeAdd, Type::DateTime, {Str("hour"), Lng(25), Dt("2026-01-01")})) == "\"2026-01-02T01:00:00.0000000Z\"");
  // Period names match in any case, the fixed-length and the calendar ones.
  CHECK(Eval(F(Fn::DateTimeAdd, Type::DateTime, {Str("SeCond"), Lng(5), Dt("2026-01-01")})) == "\"2026-01-01T00:00:05.0000000Z\"");
  CHECK(Eval(F(Fn::DateTimeAdd, Type::DateTime, {Str("QUARTER"), Lng(1), Dt("2026-01-31")})) == "\"2026-04-30T00:00:00.0000000Z\"");
  const int64_t t = ((2 * 24 + 3) * 3600 + 4 * 60 + 5) * kTicksPerSecond + 1234567;
  CHECK(Eval(F(Fn::FormatTimeSpan, Type::String, {Ts(t), Str("d:hh:mm:ss.fff")})) == "\"2:03:04:05.123\"");
  CHECK(Eval(F(Fn::FormatTimeSpan, Type::String, {Ts(5 * kTicksPerSecond), Str("mm:ss.FFF")})) == "\"00:05\"");
  CHECK(Eval(F(Fn::FormatTimeSpan, Type::String, {Ts(kHour), Str("hh 'hours'")})) == "\"01 hours\"");
}

TEST_CASE("functions: has_any_ipv4 finds addresses bounded by non-alphanumerics", "[interp][functions]") {
  CHECK(Eval(F(Fn::HasAnyIpv4, Type::Bool, {Str("conn to 10.0.0.1:443"), Str("10.0.0.1")})) == "true");
  CHECK(Eval(F(Fn::HasAnyIpv4, Type::Bool, {Str("ver 110.0.0.12"), Dyn(R"(["10.0.0.1"])")})) == "false");
  CHECK(Eval(F(Fn::HasAnyIpv4, Type::Bool, {Str("1.2.3.4.5"), Str("1.2.3.4")})) == "false");
}

TEST_CASE("functions: conversion helpers", "[interp][functions]") {
  CHECK(ParseLong("-12") == -12);
  CHECK_FALSE(ParseLong("1.5"));
  CHECK(ParseReal("1e3") == 1000.0);
  CHECK(ParseTimeSpan("-01:00:00") == -kHour);
  CHECK(ParseTimeSpan("1.02:03:04.5") == ((26 * 3600 + 3 * 60 + 4) * kTicksPerSecond + 5'000'000));
  CHECK_FALSE(ParseTimeSpan("25:00:00"));
  CHECK(Utf8Substring("h\xC3\xA9llo", 1, 2) == "\xC3\xA9l");
  CHECK(Utf8Substring("abc", -2, std::nullopt) == "bc");
}

// --- series functions (runtime/exec/series.h); expectations from the learn.microsoft.com pages ---

namespace {

Json Series(std::initializer_list<double> v) {
  Json out = Json::Array();
  for (double d : v) out.Push(Json::Real(d));
  return out;
}

std::vector<double> Numbers(const Json& array) {
  std::vector<double> out;
  for (const Json& v : array.items()) out.push_back(v.real());
  return out;
}

}  // namespace

TEST_CASE("series: series_stats gives the sample variance and the indexes of min and max", "[interp][functions]") {
  // series_stats doc: "variance: sample variance", "stdev: sample standard deviation".
  CHECK(SeriesStats(*Json::Parse("[1, 3, 2]")).Serialize() ==
        R"({"min":1,"min_idx":0,"max":3,"max_idx":1,"avg":2,"variance":1,"stdev":1})");
  // Non-numbers are skipped but keep their positions.
  CHECK(SeriesStats(*Json::Parse(R"([null, 5, "x", 1])")).Find("min_idx")->integer() == 3);
  CHECK(SeriesStats(*Json::Parse("[]")).Find("avg")->IsNull());
  CHECK(Eval(F(Fn::SeriesStats, Type::Dynamic, {Dyn("[4, 4]")})) ==
        R"({"min":4,"min_idx":0,"max":4,"max_idx":0,"avg":4,"variance":0,"stdev":0})");
}

TEST_CASE("series: series_fit_line reproduces the documented example", "[interp][functions]") {
  // series_fit_line doc example: y = [2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30] gives
  // RSquare 0.982, Slope 2.730, Variance 98.628, RVariance 1.686, Interception -1.666 and a
  // line starting 1.064, 3.7945, 6.526.
  const Json fit = SeriesFitLine(Series({2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30}));
  CHECK(fit.Find("rsquare")->real() == Approx(0.982).margin(0.001));
  CHECK(fit.Find("slope")->real() == Approx(2.730).margin(0.001));
  CHECK(fit.Find("variance")->real() == Approx(98.628).margin(0.001));
  CHECK(fit.Find("rvariance")->real() == Approx(1.686).margin(0.001));
  CHECK(fit.Find("interception")->real() == Approx(-1.666).margin(0.001));
  const std::vector<double> line = Numbers(*fit.Find("line_fit"));
  REQUIRE(line.size() == 12);
  CHECK(line[0] == Approx(1.064).margin(0.001));
  CHECK(line[1] == Approx(3.7945).margin(0.001));
  CHECK(line[2] == Approx(6.526).margin(0.001));
}

TEST_CASE("series: series_outliers scores by Tukey's fences", "[interp][functions]") {
  // series_outliers doc: ctukey uses the 10th/90th percentiles (default), tukey 25th/75th; a
  // score above 1.5 is a rise anomaly. [1, 2, 1, 30, 2, 1, 2, 1]: P10 = 1, P90 = 2 + 0.3 * 28
  // = 10.4, so 30 scores (30 - 10.4) / 9.4.
  const auto scores = SeriesOutliers(Series({1, 2, 1, 30, 2, 1, 2, 1}), "ctukey", std::nullopt, 10, 90);
  REQUIRE(scores);
  const std::vector<double> s = Numbers(*scores);
  CHECK(s[3] == Approx(19.6 / 9.4));
  for (size_t i : {0u, 1u, 2u, 4u, 5u, 6u, 7u}) CHECK(s[i] == 0);
  // tukey: P25 = 1, P75 = 2; 30 scores (30 - 2) / 1 = 28.
  CHECK(Numbers(*SeriesOutliers(Series({1, 2, 1, 30, 2, 1, 2, 1}), "tukey", std::nullopt, 10, 90))[3] == 28);
  // "The score of nulls and ignore values is set to 0."
  CHECK(Numbers(*SeriesOutliers(Series({1, 2, 1, 30, 2, 1, 2, 1}), "ctukey", 30.0, 10, 90))[3] == 0);
  // "The value must be in the range [2.0, 98.0]."
  CHECK_FALSE(SeriesOutliers(Series({1, 2}), "ctukey", std::nullopt, 1, 90));
}

TEST_CASE("series: series_decompose: seasonal medians per phase, trend, baseline, residual", "[interp][functions]") {
  // series_decompose doc: seasonal is "the median of the series points in the same phase";
  // trend avg is average(x) of the deseasoned series; baseline = seasonal + trend;
  // residual = x - baseline.
  DecomposeOptions o;
  o.seasonality = 4;
  o.trend = "avg";
  const auto d = SeriesDecompose(Series({10, 1, 1, 1, 12, 1, 1, 1, 11, 1, 1, 1}), o);
  REQUIRE(d);
  const std::vector<double> seasonal = Numbers(*d->Find("seasonal"));
  CHECK(seasonal[0] == 11);  // median of 10, 12, 11
  CHECK(seasonal[4] == 11);
  CHECK(seasonal[1] == 1);
  // Deseasoned: -1, 0, 0, 0, 1, 0, ... : average 0.
  CHECK(Numbers(*d->Find("trend"))[5] == 0);
  CHECK(Numbers(*d->Find("baseline"))[8] == 11);
  CHECK(Numbers(*d->Find("residual"))[4] == 1);
  // linefit: a straight series is all trend.
  o.seasonality = 0;
  o.trend = "linefit";
  const auto line = SeriesDecompose(Series({1, 3, 5, 7, 9}), o);
  REQUIRE(line);
  for (double r : Numbers(*line->Find("residual"))) CHECK(r == Approx(0).margin(1e-9));
  // "none: No trend"; with no seasonality either the baseline is 0 and the residual x.
  o.trend = "none";
  CHECK(Numbers(*SeriesDecompose(Series({1, 3}), o)->Find("residual")) == std::vector<double>{1, 3});
  o.trend = "quadratic";
  CHECK_FALSE(SeriesDecompose(Series({1, 3}), o));
}

TEST_CASE("series: seasonality -1 detects a period of 4 .. n/2 points, else none", "[interp][functions]") {
  // series_periods_detect doc: "The algorithm can detect periods containing at least 4 points
  // and at most half of the series length"; series_decompose's default threshold is 0.6.
  Json weekly = Json::Array();
  for (int i = 0; i < 35; ++i) weekly.Push(Json::Long(i % 7 == 0 ? 50 : 5));
  CHECK(DetectSeasonality(weekly, 0.6) == 7);
  CHECK(DetectSeasonality(Series({1, 2, 1, 30, 2, 1, 2, 1}), 0.6) == 0);
  CHECK(DetectSeasonality(Series({1, 9, 1, 9, 1, 9, 1, 9}), 0.6) == 4);  // period 2 is too short: 4 fits
  CHECK(DetectSeasonality(Series({4, 4, 4, 4, 4, 4, 4, 4}), 0.6) == 0);
}

TEST_CASE("series: series_decompose_anomalies flags the residual's Tukey outliers", "[interp][functions]") {
  // series_decompose_anomalies doc: default threshold 1.5, seasonality -1, trend avg, ctukey;
  // ad_flag is +1/-1/0 for up/down/no anomaly, baseline the decomposition's. Worked by hand in
  // tests/cases/beacon-series/README.md: the spike of [1, 2, 1, 30, 2, 1, 2, 1] scores 2.085.
  const auto result = SeriesDecomposeAnomalies(Series({1, 2, 1, 30, 2, 1, 2, 1}), 1.5, DecomposeOptions{}, "ctukey");
  REQUIRE(result);
  CHECK(Numbers(*result->Find("ad_flag")) == std::vector<double>{0, 0, 0, 1, 0, 0, 0, 0});
  CHECK(Numbers(*result->Find("ad_score"))[3] == Approx(19.6 / 9.4));
  CHECK(Numbers(*result->Find("baseline"))[0] == 5);
  // A dip below the lower fence is flagged -1.
  const auto dip = SeriesDecomposeAnomalies(Series({20, 21, 20, 21, 20, 21, 20, 21, 20, -40}), 1.5,
                                            DecomposeOptions{0, "avg", 0, 0.6}, "ctukey");
  REQUIRE(dip);
  CHECK(Numbers(*dip->Find("ad_flag"))[9] == -1);
  // A higher threshold flags less.
  CHECK(Numbers(*SeriesDecomposeAnomalies(Series({1, 2, 1, 30, 2, 1, 2, 1}), 3, DecomposeOptions{}, "ctukey")
                     ->Find("ad_flag"))[3] == 0);
  // Through the evaluator, with the arguments the compiler passes.
  CHECK(Eval(F(Fn::SeriesDecomposeAnomalies, Type::Dynamic,
               {Dyn("[4, 4, 4, 4]"), Real(1.5), Lng(-1), Str("avg"), Lng(0), Str("ctukey"), Real(0.6)})) ==
        R"({"ad_flag":[0,0,0,0],"ad_score":[0,0,0,0],"baseline":[4,4,4,4]})");
}

TEST_CASE("series: series_fill_* replace the missing values", "[interp][functions]") {
  const Json holes = *Json::Parse("[null, 1, null, 3, null]");
  // series_fill_forward doc: missing values take the last value before them; leading ones stay.
  CHECK(SeriesFill(holes, FillKind::Forward, Json(), Json(), false)->Serialize() == "[null,1,1,3,3]");
  CHECK(SeriesFill(holes, FillKind::Backward, Json(), Json(), false)->Serialize() == "[1,1,3,3,null]");
  CHECK(SeriesFill(holes, FillKind::Const, Json(), Json::Long(0), false)->Serialize() == "[0,1,0,3,0]");
  // series_fill_linear doc: linear interpolation; fill_edges fills the edges with the nearest.
  CHECK(SeriesFill(holes, FillKind::Linear, Json(), Json::Long(0), true)->Serialize() == "[1,1,2,3,3]");
  CHECK(SeriesFill(holes, FillKind::Linear, Json(), Json::Long(0), false)->Serialize() == "[null,1,2,3,null]");
  // A placeholder other than null.
  CHECK(SeriesFill(*Json::Parse("[5, -1, 7]"), FillKind::Forward, Json::Long(-1), Json(), false)->Serialize() ==
        "[5,5,7]");
}

TEST_CASE("functions: range() steps from start up to and including stop", "[interp][functions]") {
  // range-function docs: "start, start + step, ... up to and including stop"; range(1, 8, 3)
  // is [1,4,7] and range(1h, 5h) is the hours 1 to 5 (the default step for timespans is 1h).
  CHECK(Eval(F(Fn::Range, Type::Dynamic, {Lng(1), Lng(8), Lng(3), Lng(1 << 20)})) == "[1,4,7]");
  CHECK(Eval(F(Fn::Range, Type::Dynamic, {Ts(36000000000), Ts(3 * 36000000000LL), Ts(36000000000), Lng(1 << 20)})) ==
        R"(["01:00:00","02:00:00","03:00:00"])");
  CHECK(Eval(F(Fn::Range, Type::Dynamic, {Dt("2007-01-01T00:00:00Z"), Dt("2007-01-02T12:00:00Z"), Ts(864000000000),
                                          Lng(1 << 20)})) ==
        R"(["2007-01-01T00:00:00.0000000Z","2007-01-02T00:00:00.0000000Z"])");
  CHECK(Eval(F(Fn::Range, Type::Dynamic, {Real(0.5), Real(2), Real(0.5), Lng(1 << 20)})) == "[0.5,1,1.5,2]");
  // "The array is truncated if the maximum number of results allowed is reached."
  CHECK(Eval(F(Fn::Range, Type::Dynamic, {Lng(1), Lng(1000000000), Lng(1), Lng(3)})) == "[1,2,3]");
  // A negative step counts down to stop; a zero or null step has no series.
  CHECK(Eval(F(Fn::Range, Type::Dynamic, {Lng(5), Lng(1), Lng(-2), Lng(1 << 20)})) == "[5,3,1]");
  CHECK(IsNullResult(F(Fn::Range, Type::Dynamic, {Lng(1), Lng(5), Lng(0), Lng(1 << 20)})));
  CHECK(IsNullResult(F(Fn::Range, Type::Dynamic, {Lng(1), Lng(5), Null(Type::Long), Lng(1 << 20)})));
}

namespace {

// A kernel entry point's value of `type` (kernel_entry.h) as a one-row column, rendered, so it
// compares with the interpreter's column.
template <class Call>
std::string RenderEntry(Type type, Call call) {
  union {
    HuntcText text;
    int32_t i32;
    int64_t i64;
    double real;
  } out{};
  const int32_t valid = call(static_cast<void*>(&out));
  Column c(type);
  if (IsStringLike(type) || type == Type::Dynamic) {
    if (!valid && type == Type::Dynamic) {
      c.AppendNull();
    } else {
      c.AppendString({out.text.data, out.text.size});
    }
  } else if (!valid) {
    c.AppendNull();
  } else if (type == Type::Bool) {
    c.AppendBool(out.i32 != 0);
  } else if (type == Type::Int) {
    c.AppendInt(out.i32);
  } else if (type == Type::Real) {
    c.AppendReal(out.real);
  } else {
    c.AppendLong(out.i64);
  }
  return Render(c, 0);
}

}  // namespace

TEST_CASE("functions: parse_path's and parse_url's members read alone are the objects' members", "[interp][functions]") {
  // parse_path(p).Filename (huntc_parse_member, the compiled read) against the interpreter's member
  // of the object, and against what kernels computed before it (the object's text, then a member
  // of that): every member, keys in the wrong case, missing keys, ASCII, other UTF-8 and invalid
  // UTF-8 text, to every type a member converts to.
  const std::vector<std::string> paths = {
      "", "file.txt", "file", ".bashrc", "archive.tar.gz", "C:", "C:file.txt", R"(C:\)", R"(C:\temp\file.txt)",
      "c:/x/y.tar.gz", R"(\\?\C:\long\p.exe)", R"(\\server\share\f.txt)", "/usr/bin/ls", "/", "dir/", "a/b/",
      "file://C:/temp/file.txt:some.exe", R"(C:\a\b.txt:stream:$DATA)", "https://host/a/b.html?x=1", "a:b", "::",
      R"(C:\Windows\System32\svchost.exe)", R"(x\y\)", "tab\there\\x.\n", R"(quote"\back\slash)", "12345",
      "\xc3\xbc\xc3\xb1\\c\xc3\xb6" "d\xc3\xa9.txt", "\xff\\bad.exe", "C:\\dir\\\x80.e\xfe"};
  const std::vector<std::string> urls = {
      "", "not a url", "://x", "https://example.com", "https://user:pw@example.com:8443/a/b?x=1&y=two%20words#frag",
      "http://[::1]:80/p", "http://[::1]/p", "ftp://u@h", "http://h:/p", "http://h?q#f", "http://h#f?q",
      "http://a@b@c/", "HTTP://Host.COM/Path", "http://h/p?a=%ff&a=2&b", "http://h:65536/", "http://h:80x/",
      "s3://bucket/key/with:colon", "https://\xc3\xbc.example/\xc3\xa4", "http://h/\xfe", "http://h/?q=%C3%A9",
      "x://", "a://b://c"};
  const std::vector<std::string> path_keys = {"Scheme", "RootPath", "DirectoryPath", "DirectoryName", "Filename",
                                              "Extension", "AlternateDataStreamName", "filename", "FILENAME",
                                              "Host", "", "Nope", "Query Parameters"};
  const std::vector<std::string> url_keys = {"Scheme", "Host", "Port", "Path", "Username", "Password", "Fragment",
                                             "Query Parameters", "host", "PORT", "query parameters", "Filename", ""};
  const Type types[] = {Type::String, Type::Dynamic, Type::Long, Type::Int, Type::Real, Type::Bool, Type::TimeSpan};
  size_t compared = 0;
  for (const bool url : {false, true}) {
    const HuntcStringFn fn = url ? kHuntcParseUrl : kHuntcParsePath;
    for (const std::string& x : url ? urls : paths) {
      for (const std::string& key : url ? url_keys : path_keys) {
        for (const Type type : types) {
          INFO((url ? "parse_url(" : "parse_path(") << x << ")[\"" << key << "\"] as " << TypeName(type));
          huntc_kernel_scratch_reset();
          const std::string member = RenderEntry(type, [&](void* out) {
            return huntc_parse_member(fn, x.data(), static_cast<uint32_t>(x.size()), key.data(),
                                      static_cast<uint32_t>(key.size()), static_cast<int32_t>(type), out);
          });
          const std::string object = RenderEntry(type, [&](void* out) {
            HuntcText doc;
            const int32_t valid = huntc_string_fn(fn, x.data(), static_cast<uint32_t>(x.size()), &doc);
            return huntc_dyn_member(doc.data, doc.size, valid, 0, key.data(), static_cast<uint32_t>(key.size()),
                                    static_cast<int32_t>(type), out);
          });
          CHECK(member == object);
          const Expr parsed = F(url ? Fn::ParseUrl : Fn::ParsePath, Type::Dynamic, {Str(x)});
          const Expr read = F(Fn::Member, Type::Dynamic, {parsed, Str(key)});
          CHECK(member == Eval(type == Type::Dynamic ? read : F(Fn::Convert, type, {read})));
          ++compared;
        }
      }
    }
  }
  CHECK(compared == (paths.size() * path_keys.size() + urls.size() * url_keys.size()) * std::size(types));
  // The members alone, as the documentation's examples give them.
  CHECK(ParsePathMember(R"(C:\temp\file.txt)", "Filename") == "file.txt");
  CHECK(ParsePathMember(R"(\\shared\users\temp\file.txt.gz)", "Extension") == "gz");
  CHECK(ParsePathMember("file://C:/temp/file.txt:some.exe", "AlternateDataStreamName") == "some.exe");
  CHECK(ParsePathMember("/usr/lib/temp/file.txt", "DirectoryName") == "temp");
  CHECK(!ParsePathMember("/usr/lib/temp/file.txt", "filename"));
  CHECK(ParseUrlStringMember("https://user:pw@example.com:8443/a/b?x=1#frag", "Port") == "8443");
  CHECK(ParseUrlStringMember("https://user:pw@example.com:8443/a/b?x=1#frag", "Password") == "pw");
  CHECK(!ParseUrlStringMember("https://example.com", "Query Parameters"));
  CHECK(!ParseUrlStringMember("not a url", "Host"));
}
