// The interpreter's scalar functions: the plain C++ helpers (runtime/exec/functions.h) and their
// application through the evaluator.
#include <catch2/catch.hpp>

#include "runtime/exec/functions.h"
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

TEST_CASE("functions: URL, base64, hashing, hex", "[interp][functions]") {
  CHECK(UrlDecode("a%20b+c%2F") == "a b c/");
  CHECK(UrlEncode("a b/c") == "a+b%2Fc");
  CHECK(Eval(F(Fn::Base64DecodeToString, Type::String, {Str("S3VzdG8=")})) == "\"Kusto\"");
  CHECK(Eval(F(Fn::Base64DecodeToString, Type::String, {Str("***")})) == "\"\"");
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex(std::string(100, 'a')) == "2816597888e4a0d3a36b82b83316ab32680eb8f00f8cd3b904d681246d285a0e");
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

TEST_CASE("functions: series_stats and series_decompose_anomalies", "[interp][functions]") {
  CHECK(SeriesStats(*Json::Parse("[1, 3, 2]")).Serialize() ==
        R"({"min":1,"min_idx":0,"max":3,"max_idx":1,"avg":2,"variance":1,"stdev":1})");
  // A flat series with one spike: only the spike is flagged.
  Json series = Json::Array();
  for (int i = 0; i < 30; ++i) series.Push(Json::Long(i == 20 ? 100 : 10 + i % 3));
  const auto result = SeriesDecomposeAnomalies(series, 1.5, 0, "avg");
  REQUIRE(result);
  const Json& flags = *result->Find("ad_flag");
  for (size_t i = 0; i < flags.items().size(); ++i) CHECK(flags.items()[i].integer() == (i == 20 ? 1 : 0));
  // Seasonality as a period: the seasonal baseline follows the pattern.
  Json seasonal = Json::Array();
  for (int i = 0; i < 24; ++i) seasonal.Push(Json::Long(i % 4 == 0 ? 50 : 5));
  const auto s = SeriesDecomposeAnomalies(seasonal, 1.5, 4, "none");
  REQUIRE(s);
  CHECK(s->Find("baseline")->items()[4].real() == 50);
  CHECK(s->Find("baseline")->items()[5].real() == 5);
  CHECK_FALSE(SeriesDecomposeAnomalies(*Json::Parse("[1,2]"), 1.5, -1, "avg"));  // auto-detection: not implemented
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
