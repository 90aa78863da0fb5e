// The JSON-lines reader: type conversions, nulls, bad values and bad lines, line endings,
// escapes, chunk boundaries and batch splitting, on small files written to a scratch directory.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "runtime/byte_source.h"
#include "runtime/event_reader.h"
#include "runtime/json_members.h"
#include "tests/unit/archive_util.h"

using namespace huntc;

namespace {

using test::TempDir;

// Everything one Read call produced, with the batches concatenated.
struct Result {
  bool ok = false;
  Batch rows;
  std::vector<size_t> batch_sizes;
  std::vector<InputIssue> issues;
  ReadStats stats;

  std::vector<uint64_t> IssueLines(InputIssueKind kind) const {
    std::vector<uint64_t> lines;
    for (const auto& issue : issues) {
      if (issue.kind == kind) lines.push_back(issue.line);
    }
    return lines;
  }
};

Result Read(EventReader& reader, const std::string& file,
            const std::vector<ColumnSpec>& specs, const std::string& table = "T") {
  Result r;
  r.rows = Batch(specs);
  r.ok = reader.Read(
      InputRange{file, table},
      [&](size_t t, const Batch& b) {
        REQUIRE(t == 0);
        REQUIRE(b.specs.size() == specs.size());
        for (size_t c = 0; c < specs.size(); ++c) {
          CHECK(b.specs[c].name == specs[c].name);
          CHECK(b.specs[c].type == specs[c].type);
          REQUIRE(b.columns[c].size() == b.rows());
          for (size_t row = 0; row < b.rows(); ++row) {
            r.rows.columns[c].AppendFrom(b.columns[c], row);
          }
        }
        r.rows.row_count += b.rows();
        r.batch_sizes.push_back(b.rows());
      },
      [&](const InputIssue& issue) { r.issues.push_back(issue); }, r.stats);
  return r;
}

Result Read(const std::string& file, const std::vector<ColumnSpec>& specs,
            size_t batch_rows = 4096) {
  EventReader reader({{"T", specs}}, {}, batch_rows);
  return Read(reader, file, specs);
}

int64_t Ticks(const char* datetime) { return ParseDateTime(datetime).value(); }

}  // namespace

TEST_CASE("jsonl: values convert to their column types", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {
      {"b", Type::Bool},      {"i", Type::Int},    {"l", Type::Long},
      {"r", Type::Real},      {"s", Type::String}, {"t", Type::DateTime},
      {"ts", Type::TimeSpan}, {"g", Type::Guid},   {"d", Type::Dynamic},
  };
  const std::string file = dir.Write(
      "types.jsonl",
      R"({"b":true,"i":443,"l":9007199254740993,"r":1.5,"s":"cmd.exe","t":"2026-11-20T10:00:00Z","ts":"00:05:00","g":"0f8fad5b-d9cb-469f-a165-70867728950e","d":{"a":[1,2,{"b":null}]},"extra":{"x":[true,false,null,-1.5e-3]}}
{"b":"FALSE","i":"-17","l":"123456789012","r":"2.5e3","s":42,"t":"2026-11-20 10:00:00+02:00","ts":"1.02:03:04.5","g":"x","d":[1,"two"]}
{"b":1,"i":-2147483648,"l":-5,"r":7,"s":true,"t":"2026-11-20","ts":600000000,"d":3.25,"g":{"k":"v"}}
)");
  const Result r = Read(file, specs);
  REQUIRE(r.ok);
  CHECK(r.issues.empty());
  REQUIRE(r.rows.rows() == 3);
  CHECK(r.stats.records == 3);
  CHECK(r.stats.bytes == std::filesystem::file_size(file));
  const auto& c = r.rows.columns;

  CHECK(c[0].BoolAt(0));
  CHECK_FALSE(c[0].BoolAt(1));
  CHECK(c[0].BoolAt(2));
  CHECK(c[1].IntAt(0) == 443);
  CHECK(c[1].IntAt(1) == -17);
  CHECK(c[1].IntAt(2) == INT32_MIN);
  CHECK(c[2].LongAt(0) == 9007199254740993);
  CHECK(c[2].LongAt(1) == 123456789012);
  CHECK(c[2].LongAt(2) == -5);
  CHECK(c[3].RealAt(0) == 1.5);
  CHECK(c[3].RealAt(1) == 2500.0);
  CHECK(c[3].RealAt(2) == 7.0);
  CHECK(c[4].StringAt(0) == "cmd.exe");
  CHECK(c[4].StringAt(1) == "42");
  CHECK(c[4].StringAt(2) == "true");
  CHECK(c[5].LongAt(0) == Ticks("2026-11-20T10:00:00Z"));
  CHECK(c[5].LongAt(1) == Ticks("2026-11-20T08:00:00Z"));
  CHECK(c[5].LongAt(2) == Ticks("2026-11-20T00:00:00Z"));
  CHECK(c[6].LongAt(0) == 300 * kTicksPerSecond);
  CHECK(c[6].LongAt(1) ==
        kTicksPerDay + (2 * 3600 + 3 * 60 + 4) * kTicksPerSecond + kTicksPerSecond / 2);
  CHECK(c[6].LongAt(2) == 600000000);
  CHECK(c[7].StringAt(0) == "0f8fad5b-d9cb-469f-a165-70867728950e");
  CHECK(c[7].StringAt(1) == "x");
  CHECK(c[7].StringAt(2) == R"({"k":"v"})");
  CHECK(c[8].StringAt(0) == R"({"a":[1,2,{"b":null}]})");
  CHECK(c[8].StringAt(1) == R"([1,"two"])");
  CHECK(c[8].StringAt(2) == "3.25");
  for (const auto& column : c) {
    for (size_t row = 0; row < 3; ++row) CHECK_FALSE(column.IsNull(row));
  }
}

TEST_CASE("jsonl: timespans are read from d.hh:mm:ss text or ticks", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"ts", Type::TimeSpan}};
  const std::string file = dir.Write("ts.jsonl", R"({"ts":"-00:00:01"}
{"ts":"00:00:00.0000001"}
{"ts":"10.00:00"}
{"ts":-5}
{"ts":"25:00:00"}
{"ts":"00:60:00"}
{"ts":"1.5"}
{"ts":1.5}
)");
  const Result r = Read(file, specs);
  REQUIRE(r.rows.rows() == 8);
  const Column& ts = r.rows.columns[0];
  CHECK(ts.LongAt(0) == -kTicksPerSecond);
  CHECK(ts.LongAt(1) == 1);
  CHECK(ts.LongAt(2) == 10 * kTicksPerDay);
  CHECK(ts.LongAt(3) == -5);
  for (size_t row = 4; row < 8; ++row) CHECK(ts.IsNull(row));
  CHECK(r.stats.values_wrong_type == 4);
}

TEST_CASE("jsonl: missing fields and JSON null read as null", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {
      {"s", Type::String}, {"l", Type::Long}, {"d", Type::Dynamic}, {"b", Type::Bool}};
  const std::string file = dir.Write("nulls.jsonl", R"({"s":null,"l":null,"d":null,"b":null}
{}
{"other":1,"more":{"s":"nested keys are not columns"}}
{"l":1,"l":2}
)");
  const Result r = Read(file, specs);
  REQUIRE(r.rows.rows() == 4);
  CHECK(r.issues.empty());
  const auto& c = r.rows.columns;
  for (size_t row = 0; row < 3; ++row) {
    CHECK_FALSE(c[0].IsNull(row));  // strings are never null in KQL
    CHECK(c[0].StringAt(row).empty());
    CHECK(c[1].IsNull(row));
    CHECK(c[2].IsNull(row));
    CHECK(c[3].IsNull(row));
  }
  CHECK(c[1].LongAt(3) == 2);  // a repeated key: the last value wins
}

TEST_CASE("jsonl: a value of the wrong type is null and reported once", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"DeviceName", Type::String},
                                         {"RemotePort", Type::Int},
                                         {"Timestamp", Type::DateTime},
                                         {"Flag", Type::Bool}};
  const std::string file = dir.Write(
      "wrong.jsonl",
      R"({"DeviceName":"a","RemotePort":"abc","Timestamp":"2026-11-20T10:00:00Z","Flag":false}
{"DeviceName":"b","RemotePort":4294967296,"Timestamp":"not a date"}
{"DeviceName":"c","RemotePort":1.5,"Flag":"yes"}
{"DeviceName":"d","RemotePort":{"x":1},"Timestamp":20261120}
{"DeviceName":"e","RemotePort":443,"Flag":2}
)");
  const Result r = Read(file, specs);
  REQUIRE(r.ok);
  REQUIRE(r.rows.rows() == 5);
  CHECK(r.stats.records == 5);
  CHECK(r.stats.lines_skipped == 0);
  CHECK(r.stats.values_wrong_type == 8);
  CHECK(r.IssueLines(InputIssueKind::WrongType) == std::vector<uint64_t>{1, 2, 2, 3, 3, 4, 4, 5});
  const auto& c = r.rows.columns;
  CHECK(c[0].StringAt(0) == "a");
  CHECK(c[0].StringAt(4) == "e");
  for (size_t row = 0; row < 4; ++row) CHECK(c[1].IsNull(row));
  CHECK(c[1].IntAt(4) == 443);
  CHECK(c[2].LongAt(0) == Ticks("2026-11-20T10:00:00Z"));
  CHECK(c[2].IsNull(1));
  CHECK_FALSE(c[3].BoolAt(0));
  CHECK(c[3].IsNull(2));
  REQUIRE_FALSE(r.issues.empty());
  const InputIssue& first = r.issues.front();
  CHECK(first.file == file);
  CHECK(first.message.find("RemotePort") != std::string::npos);
  CHECK(first.message.find("\"abc\"") != std::string::npos);
}

TEST_CASE("jsonl: integers at the edges read alike by the line scanner and per line",
          "[runtime][reader]") {
  // Each value is written twice, in columns and in a member nobody asked for (checked, not
  // converted): in a plain line, which the line scanner reads (converting a plain integer in one
  // pass, checking a short one in one word), and in a line with a \u escape, which the per-line
  // parser reads. Both must give the same values and the same reports.
  TempDir dir;
  const std::vector<ColumnSpec> specs = {
      {"i", Type::Int}, {"l", Type::Long}, {"t", Type::TimeSpan}};
  const std::vector<std::string> values = {
      "0", "-0", "7", "-7", "443", "2147483647", "2147483648", "-2147483648", "-2147483649",
      "999999999999999999", "-999999999999999999", "1000000000000000000", "9223372036854775807",
      "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
      "123456789012345678901234567890", "1e5", "1E+2", "-0e0", "1.0", "-1.5e-3", "0.0", "5 ",
      "\"12\"", "\"-0\"", "\"1e5\"", "\"\"", "true", "null", "01", "-01", "-", "00", "1.", ".5",
      "+1", "1e", "0x10", "1_0", "{}", "[1]", "1234567", "12345678", "123456789", "1234567a",
      "0000", "1234567.", "12345678.5", "-12345678"};
  std::string text = "{\"i\":1}\n";  // the first line tells the format: read per line
  for (const std::string& v : values) {
    text += fmt::format("{{\"i\":{0},\"l\":{0},\"t\":{0},\"x\":{0}}}\n", v);
    text += fmt::format("{{\"i\":{0},\"l\":{0},\"t\":{0},\"x\":{0},\"u\":\"\\u0041\"}}\n", v);
  }
  const Result r = Read(dir.Write("ints.jsonl", text), specs);
  REQUIRE(r.ok);
  // The issues of the two lines of each value, by the line they name.
  std::vector<std::vector<std::string>> issues(2 * values.size() + 2);
  for (const InputIssue& issue : r.issues) {
    REQUIRE(issue.line >= 2);
    REQUIRE(issue.line < issues.size());
    issues[issue.line].push_back(fmt::format("{} {}", static_cast<int>(issue.kind), issue.message));
  }
  size_t row = 1;
  for (size_t k = 0; k < values.size(); ++k) {
    INFO(values[k]);
    CHECK(issues[2 + 2 * k] == issues[3 + 2 * k]);
    const std::string malformed = fmt::format("{} ", static_cast<int>(InputIssueKind::Malformed));
    if (!issues[2 + 2 * k].empty() && issues[2 + 2 * k].front().starts_with(malformed)) {
      continue;  // skipped both ways
    }
    REQUIRE(row + 1 < r.rows.rows());
    for (const Column& c : r.rows.columns) {
      CHECK(c.IsNull(row) == c.IsNull(row + 1));
      if (c.IsNull(row) || c.IsNull(row + 1)) continue;
      if (c.type() == Type::Int) {
        CHECK(c.IntAt(row) == c.IntAt(row + 1));
      } else {
        CHECK(c.LongAt(row) == c.LongAt(row + 1));
      }
    }
    row += 2;
  }
  CHECK(row == r.rows.rows());
  // Spot checks, so that both ways being wrong alike fails too.
  const auto& c = r.rows.columns;
  CHECK(c[0].IntAt(1) == 0);  // "0"
  CHECK(c[1].LongAt(3) == 0);  // "-0"
  CHECK(c[0].IntAt(7) == -7);
  CHECK(c[2].LongAt(9) == 443);  // ticks
  CHECK(c[0].IntAt(11) == INT32_MAX);
  CHECK(c[0].IsNull(13));  // 2147483648 is no int
  CHECK(c[1].LongAt(13) == int64_t{2147483648});
  CHECK(c[0].IntAt(15) == INT32_MIN);
  CHECK(c[1].LongAt(19) == 999999999999999999);
  CHECK(c[1].LongAt(23) == 1000000000000000000);
  CHECK(c[1].LongAt(25) == INT64_MAX);
  CHECK(c[1].IsNull(27));  // past int64
  CHECK(c[1].LongAt(29) == INT64_MIN);
}

TEST_CASE("jsonl: a malformed line is skipped and counted", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"n", Type::Long}, {"s", Type::String}};
  // Most bad lines stage `n` before the error shows, so a partial row would misalign the columns.
  const std::string file =
      dir.Write("bad.jsonl",
                "{\"n\":1,\"s\":\"one\"}\n"
                "{\"n\":2,\"s\":\"tw\n"           // truncated
                "[1,2]\n"                         // not an object
                "{\"n\":4} x\n"                   // trailing garbage
                "{\"n\":5}{\"n\":6}\n"            // two objects
                "{\"n\":7,\"s\":\"\xff\xfe\"}\n"  // invalid UTF-8
                "{\"n\":8,\"x\":tru}\n"           // bad literal, unread field
                "{\"n\":9,\"x\":\"\\q\"}\n"       // bad escape
                "{\"n\":10,\"x\":[1 2]}\n"        // missing comma
                "{\"n\":11,\"x\":01}\n"           // leading zero
                "{\"n\":12,\"x\":{\"a\":1,}}\n"   // trailing comma
                "{\"n\":13,\"s\":\"thirteen\"}\n"
                "not json at all\n"
                "{\"n\":nul}\n"                // bad literal, read field
                "{\"n\":16,\"x\":[1,2}}\n"     // mismatched brackets
                "{\"s\":\"x\",\"n\":-}\n"      // bad number, read field
                "{\"n\":\"abc\",\"x\":tru}\n"  // no WrongType for a skipped line
                "{\"n\":18,\"s\":\"last\"}\n");
  const Result r = Read(file, specs);
  REQUIRE(r.ok);
  REQUIRE(r.rows.rows() == 3);
  CHECK(r.rows.columns[1].size() == 3);
  CHECK(r.rows.columns[0].LongAt(0) == 1);
  CHECK(r.rows.columns[0].LongAt(1) == 13);
  CHECK(r.rows.columns[0].LongAt(2) == 18);
  CHECK(r.rows.columns[1].StringAt(0) == "one");
  CHECK(r.rows.columns[1].StringAt(1) == "thirteen");
  CHECK(r.rows.columns[1].StringAt(2) == "last");
  CHECK(r.stats.records == 3);
  CHECK(r.stats.lines_skipped == 15);
  CHECK(r.stats.values_wrong_type == 0);
  CHECK(r.IssueLines(InputIssueKind::Malformed) ==
        std::vector<uint64_t>{2, 3, 4, 5, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17});
  CHECK(r.IssueLines(InputIssueKind::InvalidUtf8) == std::vector<uint64_t>{6});
  CHECK(r.stats.skipped[static_cast<size_t>(InputIssueKind::InvalidUtf8)] == 1);
  CHECK(r.stats.skipped[static_cast<size_t>(InputIssueKind::Malformed)] == 14);
  CHECK(r.issues.size() == 15);
  CHECK(r.issues.front().file == file);
}

TEST_CASE("jsonl: blank lines, CRLF endings, a BOM and no final newline", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"s", Type::String}, {"n", Type::Int}};
  const std::string file = dir.Write("crlf.jsonl",
                                     "\xEF\xBB\xBF{\"s\":\"a\",\"n\":1}\r\n"
                                     "\r\n"
                                     "   \r\n"
                                     "\t\n"
                                     "{\"s\":\"b\",\"n\":2}\r\n"
                                     "{\"s\":\r\n"
                                     "{\"s\":\"c\",\"n\":3}");
  const Result r = Read(file, specs);
  REQUIRE(r.rows.rows() == 3);
  CHECK(r.rows.columns[0].StringAt(0) == "a");
  CHECK(r.rows.columns[0].StringAt(1) == "b");
  CHECK(r.rows.columns[0].StringAt(2) == "c");
  CHECK(r.rows.columns[1].IntAt(2) == 3);
  CHECK(r.stats.lines_skipped == 1);
  CHECK(r.IssueLines(InputIssueKind::Malformed) == std::vector<uint64_t>{6});
  CHECK(r.issues.size() == 1);
}

TEST_CASE("jsonl: escapes in strings are unescaped", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {
      {"path", Type::String}, {"cmd", Type::String}, {"u", Type::String}, {"tab", Type::String}};
  const std::string file = dir.Write(
      "escapes.jsonl",
      R"({"path":"C:\\Windows\\System32\\cmd.exe","cmd":"cmd.exe /c \"echo hi\" \/s","u":"caf\u00e9 \ud83d\ude00","tab":"a\tb\nc"}
)");
  const Result r = Read(file, specs);
  REQUIRE(r.rows.rows() == 1);
  CHECK(r.rows.columns[0].StringAt(0) == R"(C:\Windows\System32\cmd.exe)");
  CHECK(r.rows.columns[1].StringAt(0) == R"(cmd.exe /c "echo hi" /s)");
  CHECK(r.rows.columns[2].StringAt(0) == "caf\xC3\xA9 \xF0\x9F\x98\x80");
  CHECK(r.rows.columns[3].StringAt(0) == "a\tb\nc");
}

TEST_CASE("jsonl: dynamic columns hold raw JSON text", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"AdditionalFields", Type::Dynamic}, {"z", Type::Int}};
  const std::string file = dir.Write("dynamic.jsonl", R"({"AdditionalFields":{"a":1}}
{"AdditionalFields":"{\"a\":1,\"p\":\"C:\\\\x\"}"}
{"AdditionalFields":" [1, 2] "}
{"AdditionalFields":"plain"}
{"AdditionalFields":"{not json}"}
{"AdditionalFields":"{\"a\":1} trailing"}
{"AdditionalFields": { "b" : [ true ] } , "z":1}
{"AdditionalFields":12.5}
{"AdditionalFields":"say \"hi\""}
{"AdditionalFields":false}
)");
  const Result r = Read(file, specs);
  REQUIRE(r.rows.rows() == 10);
  CHECK(r.issues.empty());
  const Column& d = r.rows.columns[0];
  CHECK(d.StringAt(0) == R"({"a":1})");
  CHECK(d.StringAt(1) == R"({"a":1,"p":"C:\\x"})");
  CHECK(d.StringAt(2) == "[1, 2]");
  CHECK(d.StringAt(3) == R"("plain")");
  CHECK(d.StringAt(4) == R"("{not json}")");
  CHECK(d.StringAt(5) == R"("{\"a\":1} trailing")");
  CHECK(d.StringAt(6) == R"({ "b" : [ true ] })");
  CHECK(d.StringAt(7) == "12.5");
  CHECK(d.StringAt(8) == R"("say \"hi\"")");
  CHECK(d.StringAt(9) == "false");
  CHECK(r.rows.columns[1].IntAt(6) == 1);
}

TEST_CASE("jsonl: records across chunk boundaries and lines longer than the buffer",
          "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"n", Type::Long}, {"s", Type::String}};
  std::string content;
  for (int n = 0; n < 300; ++n) {
    // Lengths vary so lines straddle every offset of a small chunk; some exceed it.
    const std::string s = n == 150 ? std::string(10000, 'x') : std::string(n % 97, 'a' + n % 26);
    content += "{\"n\":" + std::to_string(n) + ",\"pad\":[1,2,3],\"s\":\"" + s + "\"}\n";
  }
  const std::string file = dir.Write("chunks.jsonl", content);
  for (const size_t chunk : {size_t{1}, size_t{64}, size_t{100}, size_t{4096}}) {
    INFO("chunk " << chunk);
    EventReader reader({{"T", specs}}, {}, 64);
    reader.set_chunk_bytes(chunk);
    const Result r = Read(reader, file, specs);
    REQUIRE(r.ok);
    CHECK(r.issues.empty());
    CHECK(r.stats.bytes == content.size());
    REQUIRE(r.rows.rows() == 300);
    for (int n = 0; n < 300; ++n) {
      const size_t length = n == 150 ? 10000 : n % 97;
      REQUIRE(r.rows.columns[0].LongAt(n) == n);
      REQUIRE(r.rows.columns[1].StringAt(n).size() == length);
    }
    CHECK(r.rows.columns[1].StringAt(150) == std::string(10000, 'x'));
  }
}

TEST_CASE("jsonl: a file of several mapped windows reads as its gzip copy and as its ranges",
          "[runtime][reader]") {
  // Default window sizes: the plain file is mapped in windows (several, and one record longer
  // than a window), the gzip copy is read into the buffer chunk by chunk; both must give the
  // same rows, issues and line numbers, and so must the plain file read range by range.
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"n", Type::Long}, {"s", Type::String}};
  std::string content;
  std::vector<std::string> expected;  // s of each record
  size_t malformed = 0;
  for (int n = 0; content.size() < (size_t{13} << 20); ++n) {
    std::string raw, s;
    if (n == 7000) {
      raw = s = std::string(size_t{5} << 20, 'L');  // longer than a mapped window
    } else {
      for (int i = 0; i < n % 700; ++i) raw += static_cast<char>('a' + (n + i) % 26);
      s = raw;
      if (n % 5 == 0) {  // escapes, at every kind of offset in the windows
        raw += R"(\\\"\u0041)";
        s += R"(\"A)";
      }
    }
    const std::string head = R"({"n":)" + std::to_string(n) + R"(,"s":)";
    if (n % 4000 == 3) {
      content += head + "\n";
      ++malformed;
    }
    content += head + '"' + raw + "\"}" + (n % 3 ? "\n" : "\r\n");
    expected.push_back(s);
  }
  content += R"({"n":)" + std::to_string(expected.size()) + R"(,"s":"end"})";  // no newline
  expected.push_back("end");
  const std::string plain = dir.Write("windows.jsonl", content);
  const std::string gzip = dir.Write("windows.jsonl.gz", test::Gzip(content));

  const Result mapped = Read(plain, specs);
  REQUIRE(mapped.ok);
  REQUIRE(mapped.rows.rows() == expected.size());
  for (size_t n = 0; n < expected.size(); ++n) {
    REQUIRE(mapped.rows.columns[0].LongAt(n) == static_cast<int64_t>(n));
    REQUIRE(mapped.rows.columns[1].StringAt(n) == expected[n]);
  }
  const std::vector<uint64_t> bad = mapped.IssueLines(InputIssueKind::Malformed);
  CHECK(bad.size() == malformed);
  CHECK(mapped.stats.bytes == content.size());

  const Result read = Read(gzip, specs);
  REQUIRE(read.ok);
  REQUIRE(read.rows.rows() == mapped.rows.rows());
  for (size_t n = 0; n < expected.size(); ++n) {
    REQUIRE(read.rows.columns[1].StringAt(n) == expected[n]);
  }
  CHECK(read.IssueLines(InputIssueKind::Malformed) == bad);

  // Ranges ending inside windows: every record read once, by the range it starts in.
  const std::vector<InputRange> ranges = SplitInput(plain, "T", uint64_t{3} << 20);
  REQUIRE(ranges.size() > 3);
  EventReader reader({{"T", specs}});
  std::vector<int64_t> seen;
  for (const InputRange& range : ranges) {
    ReadStats stats;
    REQUIRE(reader.Read(
        range,
        [&](size_t, const Batch& b) {
          for (size_t row = 0; row < b.rows(); ++row) seen.push_back(b.columns[0].LongAt(row));
        },
        [](const InputIssue&) {}, stats));
  }
  REQUIRE(seen.size() == expected.size());
  for (size_t n = 0; n < seen.size(); ++n) REQUIRE(seen[n] == static_cast<int64_t>(n));
}

TEST_CASE("jsonl: files ending at, just past and before a mapped window's end", "[runtime][reader]") {
  // Lines of about 1000 bytes, the last padded so that the file has exactly `bytes` bytes: the
  // end of the file falls on window borders (of 1, 2, 4 or 8 MiB) or one byte either side, with
  // and without a final newline; an empty file gives no rows and no issue.
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"n", Type::Long}, {"s", Type::String}};
  const size_t mib = size_t{1} << 20;
  for (const size_t bytes : {size_t{0}, size_t{40}, mib, 4 * mib - 1, 4 * mib, 4 * mib + 1, 8 * mib}) {
    for (const bool newline : {true, false}) {
      if (bytes == 0 && !newline) continue;
      INFO("bytes " << bytes << (newline ? " ending in a newline" : " with no final newline"));
      std::string content;
      int64_t rows = 0;
      while (content.size() < bytes) {
        const std::string head = R"({"n":)" + std::to_string(rows) + R"(,"s":")";
        const size_t tail = 2 + (newline ? 1 : 0);  // "} and the newline
        const size_t left = bytes - content.size() - head.size() - tail;
        // Pad this line to 1000 bytes, or to the end when less than two lines are left.
        const size_t pad = left < 2000 ? left : 1000 - head.size() - tail;
        content += head + std::string(pad, static_cast<char>('a' + rows % 26)) + "\"}";
        if (newline || content.size() + 1 < bytes) content += '\n';
        ++rows;
      }
      REQUIRE(content.size() == bytes);
      const Result r = Read(dir.Write("edge.jsonl", content), specs);
      REQUIRE(r.ok);
      CHECK(r.issues.empty());
      CHECK(r.stats.bytes == bytes);
      REQUIRE(r.rows.rows() == static_cast<size_t>(rows));
      for (int64_t n = 0; n < rows; ++n) REQUIRE(r.rows.columns[0].LongAt(n) == n);
      if (rows > 0) CHECK(r.rows.columns[1].StringAt(rows - 1).back() == 'a' + (rows - 1) % 26);
    }
  }
}

TEST_CASE("jsonl: batches are split at batch_rows and the reader is reusable",
          "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"n", Type::Int}};
  std::string ten, six;
  for (int n = 0; n < 10; ++n) ten += "{\"n\":" + std::to_string(n) + "}\n";
  for (int n = 0; n < 6; ++n) six += "{\"n\":" + std::to_string(n) + "}\n";
  EventReader reader({{"T", specs}}, {}, 3);
  const Result r = Read(reader, dir.Write("ten.jsonl", ten), specs);
  CHECK(r.batch_sizes == std::vector<size_t>{3, 3, 3, 1});
  for (int n = 0; n < 10; ++n) CHECK(r.rows.columns[0].IntAt(n) == n);
  const Result again = Read(reader, dir.Write("six.jsonl", six), specs);
  CHECK(again.batch_sizes == std::vector<size_t>{3, 3});  // no empty final batch
  CHECK(again.stats.records == 6);
}

TEST_CASE("jsonl: with no columns requested the batches still count rows", "[runtime][reader]") {
  TempDir dir;
  const Result r = Read(dir.Write("count.jsonl", "{\"a\":1}\n{\"b\":2}\nbad\n{}\n"), {});
  CHECK(r.rows.rows() == 3);
  CHECK(r.stats.records == 3);
  CHECK(r.stats.lines_skipped == 1);
}

TEST_CASE("jsonl: a file that cannot be read is reported", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"n", Type::Int}};
  for (const std::string& file : {(dir.path / "missing.jsonl").string(), dir.path.string()}) {
    const Result r = Read(file, specs);
    CHECK_FALSE(r.ok);
    REQUIRE(r.issues.size() == 1);
    CHECK(r.issues[0].kind == InputIssueKind::Unreadable);
    CHECK(r.issues[0].file == file);
    CHECK(r.issues[0].line == 0);
    CHECK(r.batch_sizes.empty());
  }
}

TEST_CASE("a plain file's mapped windows hold its bytes and a readable page after them",
          "[runtime][reader]") {
  // Windows are mapped into reservations of address space (16 MiB) that are given back when a
  // window does not fit: windows that overlap as the reader's do, across several reservations,
  // one larger than a reservation, one before the last, and the file's end (not on a page).
  TempDir dir;
  std::string content((size_t{37} << 20) + 1234, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  const std::string file = dir.Write("windows.jsonl", content);
  std::string error;
  std::unique_ptr<ByteSource> source = ByteSource::Open(file, 0, ReadLimits{}, error);
  REQUIRE(source);
  REQUIRE(source->mappable());
  const auto check = [&](uint64_t offset, size_t size) {
    INFO("window at " << offset << ", " << size << " bytes");
    const std::string_view view = source->Map(offset, size);
    const size_t expected = static_cast<size_t>(std::min<uint64_t>(size, content.size() - offset));
    REQUIRE(view.size() == expected);
    REQUIRE(view == std::string_view(content).substr(offset, expected));
    // The page after the window is readable: the file's next bytes, zeros past its end.
    for (size_t i = 0; i < 4096; ++i) {
      const uint64_t at = offset + expected + i;
      REQUIRE(view.data()[expected + i] == (at < content.size() ? content[at] : '\0'));
    }
  };
  const size_t window = size_t{4} << 20;
  for (uint64_t offset = 3; offset < content.size(); offset += window - 5000) check(offset, window);
  check(100, size_t{20} << 20);
  check(5, 70000);
  check(content.size() - 10, window);
  check(content.size() - 1, 1);
  CHECK(source->Map(content.size(), window).empty());
  CHECK(source->error() == SourceError::None);
}

TEST_CASE("a plain file that shrinks while it is read ends as a truncation", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"n", Type::Long}, {"s", Type::String}};
  std::string content;
  for (int n = 0; n < 20000; ++n) content += "{\"n\":" + std::to_string(n) + ",\"s\":\"" + std::string(60, 'a' + n % 26) + "\"}\n";
  REQUIRE(content.size() > (size_t{1} << 20));
  // Cut after the first batch, while the first window (1 MiB) is mapped and mostly unread, and
  // before the second is mapped: the lost pages of the first are read as newlines, and the
  // second is never mapped.
  for (const size_t cut : {size_t{100000}, size_t{4096 * 30}, size_t{0}}) {
    INFO("cut at " << cut);
    const std::string file = dir.Write("shrinks.jsonl", content);
    EventReader reader({{"T", specs}}, {}, 64);
    std::vector<int64_t> read;
    std::vector<InputIssue> issues;
    ReadStats stats;
    bool cut_done = false;
    const bool ok = reader.Read(
        {file, "T"},
        [&](size_t, const Batch& b) {
          for (size_t row = 0; row < b.rows(); ++row) read.push_back(b.columns[0].LongAt(row));
          if (!cut_done) std::filesystem::resize_file(file, cut);
          cut_done = true;
        },
        [&](const InputIssue& issue) { issues.push_back(issue); }, stats);
    CHECK_FALSE(ok);
    CHECK(stats.issues[static_cast<size_t>(InputIssueKind::Truncated)] == 1);
    CHECK(std::any_of(issues.begin(), issues.end(), [](const InputIssue& i) {
      return i.kind == InputIssueKind::Truncated && i.message == "the file shrank while it was read";
    }));
    // What was read is the file's first rows, in order, none made up.
    REQUIRE(read.size() >= 64);
    CHECK(read.size() < 20000);
    for (size_t k = 0; k < read.size(); ++k) REQUIRE(read[k] == static_cast<int64_t>(k));
  }
}

TEST_CASE("jsonl: keys match requested names exactly, whatever their length", "[runtime][reader]") {
  TempDir dir;
  // Names of 1 to 28 bytes (every compare width), keys that are prefixes or extensions of them,
  // and keys of the same length that differ only in their first, middle or last byte.
  const std::vector<ColumnSpec> specs = {{"R", Type::String},
                                         {"Rem", Type::String},
                                         {"Remote", Type::String},
                                         {"RemoteIP", Type::String},
                                         {"RemoteIPType", Type::String},
                                         {"InitiatingProcessCommandLine", Type::String},
                                         {"InitiatingProcessFileName", Type::String}};
  const std::string file = dir.Write(
      "keys.jsonl",
      R"({"Re":"no","Remo":"no","RemoteI":"no","RemoteIPT":"no","RemoteIPTypeX":"no","RemoteIP":"ip","R":"r"}
{"InitiatingProcessCommandLinE":"no","InitiatingProcessCommandLine":"cmd","xnitiatingProcessFileName":"no"}
{"InitiatingProcessFileNamf":"no","InitiatingProcesXFileName":"no","Rem":"rem","Remote":"remote","RemoteIPType":"t"}
)");
  const Result r = Read(file, specs);
  REQUIRE(r.rows.rows() == 3);
  CHECK(r.issues.empty());
  const auto at = [&](size_t c, size_t row) { return std::string(r.rows.columns[c].StringAt(row)); };
  CHECK(at(0, 0) == "r");
  CHECK(at(3, 0) == "ip");
  for (const size_t c : {1, 2, 4, 5, 6}) CHECK(at(c, 0).empty());
  CHECK(at(5, 1) == "cmd");
  for (const size_t c : {0, 1, 2, 3, 4, 6}) CHECK(at(c, 1).empty());
  CHECK(at(1, 2) == "rem");
  CHECK(at(2, 2) == "remote");
  CHECK(at(4, 2) == "t");
  for (const size_t c : {0, 3, 5, 6}) CHECK(at(c, 2).empty());
}

#if defined(__x86_64__) && defined(__GNUC__)
// MemberLayout::KeyDiffersAvx512, callable from code compiled for any CPU.
[[gnu::target("avx512bw")]] static bool KeyDiffersAvx512(const MemberLayout& layout, const std::string& text) {
  return layout.KeyDiffersAvx512(0, text.data(), text.size()) != 0;
}
#endif

TEST_CASE("member layout: a key differs in any byte, and bytes after it do not matter", "[runtime][reader]") {
  // Keys with their quotes and colon of 4 to 70 bytes: compared inline up to kReadable, by memcmp
  // past it; with AVX-512 (where the CPU has it) too, which loads kLoaded bytes whatever the key.
#if defined(__x86_64__) && defined(__GNUC__)
  const bool avx512 = __builtin_cpu_supports("avx512bw");
#else
  const bool avx512 = false;
#endif
  for (size_t length = 1; length <= 67; ++length) {
    std::string keyed = "\"";
    for (size_t k = 0; k < length; ++k) keyed += static_cast<char>('a' + (k * 5 + length) % 26);
    keyed += "\":";
    MemberLayout layout;
    layout.Begin();
    layout.Add(keyed, 0);
    layout.Finish();
    REQUIRE(layout.ready());
    for (const bool wide : {false, true}) {
      if (wide && !avx512) continue;
      INFO("length " << length << (wide ? ", AVX-512" : ""));
      const auto differs = [&](const std::string& text) {
#if defined(__x86_64__) && defined(__GNUC__)
        if (wide) return KeyDiffersAvx512(layout, text);
#endif
        return layout.KeyDiffers(0, text.data(), text.size()) != 0;
      };
      // What follows the key: a value, then bytes the compares may read.
      const std::string after = "\"v\"}" + std::string(MemberLayout::kLoaded, 'x');
      CHECK_FALSE(differs(keyed + after));
      CHECK_FALSE(differs(keyed + std::string(MemberLayout::kLoaded, '\0')));
      for (size_t at = 0; at < keyed.size(); ++at) {
        std::string changed = keyed + after;
        changed[at] ^= 0x20;
        CHECK(differs(changed));
      }
    }
  }
}

TEST_CASE("jsonl: lines read by their layout see a key differ in any byte, whatever its length",
          "[runtime][reader]") {
  // Lines of one layout are read by comparing each key and its colon with the layout's in vector
  // compares: keys (with quotes and colon) of lengths around every compare width and around the
  // 64 bytes compared inline, each changed in its first, middle or last byte in a line between
  // lines of the layout. The changed key is no column's, so its column is null in that line.
  // Every line after the first few is read by the layout of the line before it.
  TempDir dir;
  std::vector<ColumnSpec> specs;
  for (const size_t length : {1, 13, 14, 29, 30, 45, 46, 60, 61, 62, 63, 64, 70}) {
    std::string name;
    for (size_t k = 0; k < length; ++k) name += static_cast<char>('a' + (k * 7 + length) % 26);
    specs.push_back({name, Type::String});
  }
  const auto line = [&](size_t changed, size_t at, size_t n) {
    std::string text = "{";
    for (size_t c = 0; c < specs.size(); ++c) {
      std::string key = specs[c].name;
      if (c == changed) key[at] = key[at] == 'z' ? 'y' : 'z';
      text += fmt::format("{}\"{}\":\"v{}_{}\"", c ? "," : "", key, n, c);
    }
    return text + "}\n";
  };
  std::string text;
  std::vector<size_t> changed_of;  // per line, its changed column or specs.size()
  for (size_t n = 0; n < 4; ++n) {
    text += line(specs.size(), 0, n);
    changed_of.push_back(specs.size());
  }
  for (size_t c = 0; c < specs.size(); ++c) {
    const size_t length = specs[c].name.size();
    for (const size_t at : {size_t{0}, length / 2, length - 1}) {
      // The changed line is read after a line of the layout, and the next line after the changed
      // one's layout; a second line of the layout then keeps the layout being tried.
      text += line(c, at, changed_of.size());
      changed_of.push_back(c);
      for (int k = 0; k < 2; ++k) {
        text += line(specs.size(), 0, changed_of.size());
        changed_of.push_back(specs.size());
      }
    }
  }
  const Result r = Read(dir.Write("layout.jsonl", text), specs);
  REQUIRE(r.ok);
  CHECK(r.issues.empty());
  REQUIRE(r.rows.rows() == changed_of.size());
  for (size_t n = 0; n < changed_of.size(); ++n) {
    for (size_t c = 0; c < specs.size(); ++c) {
      const std::string want = c == changed_of[n] ? "" : fmt::format("v{}_{}", n, c);
      CHECK(std::string(r.rows.columns[c].StringAt(n)) == want);
    }
  }
}

TEST_CASE("jsonl: repeated keys, escaped keys and unrequested nested objects", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"RemoteIP", Type::String}, {"RemotePort", Type::Int}};
  const std::string file = dir.Write(
      "members.jsonl",
      // The last of repeated keys wins; a key written with escapes is its unescaped text; a
      // member of a nested object is not the record's.
      R"({"RemoteIP":"first","RemotePort":1,"RemoteIP":"second","RemotePort":2}
{"Remote\u0049P":"escaped","Remote\u0050ort":3}
{"x":{"RemoteIP":"inner","y":[1,{"RemotePort":9}],"z":{}},"RemoteIP":"outer","w":[[],{"a":{"b":null}}]}
{"x":{"RemoteIP":"inner"},"RemotePort":{"RemotePort":5}}
{"Remote\tIP":"tab","RemoteIP\\":"backslash","RemoteIP":"plain"}
)");
  const Result r = Read(file, specs);
  REQUIRE(r.rows.rows() == 5);
  const Column& ip = r.rows.columns[0];
  const Column& port = r.rows.columns[1];
  CHECK(ip.StringAt(0) == "second");
  CHECK(port.IntAt(0) == 2);
  CHECK(ip.StringAt(1) == "escaped");
  CHECK(port.IntAt(1) == 3);
  CHECK(ip.StringAt(2) == "outer");
  CHECK(port.IsNull(2));
  CHECK(ip.StringAt(3).empty());
  CHECK(port.IsNull(3));  // an object is not an int: reported
  CHECK(r.IssueLines(InputIssueKind::WrongType) == std::vector<uint64_t>{4});
  CHECK(ip.StringAt(4) == "plain");
}

TEST_CASE("jsonl: strings of every length around the vector width unescape alike", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"plain", Type::String}, {"escaped", Type::String}};
  std::string text;
  std::vector<std::string> plain, escaped;
  for (const size_t n : {0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 100}) {
    plain.push_back(std::string(n, 'a'));
    // A backslash escape ending the string, so that it falls on each block's last bytes.
    escaped.push_back(std::string(n, 'b') + "\"");
    text += R"({"plain":")" + plain.back() + R"(","escaped":")" + std::string(n, 'b') + "\\\"\"}\n";
  }
  const Result r = Read(dir.Write("lengths.jsonl", text), specs);
  REQUIRE(r.rows.rows() == plain.size());
  for (size_t row = 0; row < plain.size(); ++row) {
    CHECK(r.rows.columns[0].StringAt(row) == plain[row]);
    CHECK(r.rows.columns[1].StringAt(row) == escaped[row]);
  }
}

TEST_CASE("jsonl: escapes at every offset of a 64-byte block are found", "[runtime][reader]") {
  // The reader finds a window's escapes and newlines 64 bytes at a time: runs of backslashes,
  // \u escapes and bad escapes are placed at every offset of a block, across block boundaries,
  // and in the window's last, partial block (the file's length is no multiple of 64).
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"n", Type::Long}, {"s", Type::String}};
  std::string text;
  std::vector<int64_t> kept_n;
  std::vector<std::string> kept_s;
  std::vector<uint64_t> bad_lines;
  for (int64_t n = 0; n < 150; ++n) {
    const std::string pad(static_cast<size_t>(n), 'x');
    const size_t run = static_cast<size_t>(n % 3) + 1;  // escaped backslashes before the \u
    std::string raw, want;
    for (size_t k = 0; k < run; ++k) raw += "\\\\", want += "\\";
    raw += "\\u00e9", want += "\xC3\xA9";
    if (n % 7 == 3) {
      raw += "\\q";  // not an escape: the line is skipped and counted
      bad_lines.push_back(static_cast<uint64_t>(n) + 1);
    } else {
      kept_n.push_back(n);
      kept_s.push_back(pad + want);
    }
    text += fmt::format("{{\"n\":{},\"s\":\"{}{}\"}}\n", n, pad, raw);
  }
  text += "{\"n\":150,\"s\":\"tail\\\\\"}";  // no final newline; an escape in the last bytes
  kept_n.push_back(150);
  kept_s.push_back("tail\\");
  REQUIRE(text.size() % 64 != 0);
  const Result r = Read(dir.Write("escapes.jsonl", text), specs);
  REQUIRE(r.ok);
  REQUIRE(r.rows.rows() == kept_n.size());
  for (size_t row = 0; row < kept_n.size(); ++row) {
    CHECK(r.rows.columns[0].LongAt(row) == kept_n[row]);
    CHECK(r.rows.columns[1].StringAt(row) == kept_s[row]);
  }
  CHECK(r.IssueLines(InputIssueKind::Malformed) == bad_lines);
}

TEST_CASE("jsonl: escapes found in a window stage 1 rejects are not those of its lines", "[runtime][reader]") {
  // The reader finds a window's escapes and newlines before stage 1 checks it: a window holding a
  // line of invalid UTF-8 or an unclosed string is split until that line is alone, and the lines
  // around it, with \u escapes and bad escapes of their own, read as they would without it.
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"n", Type::Long}, {"s", Type::String}};
  std::string text;
  std::vector<int64_t> kept_n;
  std::vector<std::string> kept_s;
  std::vector<uint64_t> malformed, invalid;
  for (int64_t n = 0; n < 400; ++n) {
    const uint64_t line = static_cast<uint64_t>(n) + 1;
    if (n % 97 == 40) {
      text += fmt::format("{{\"n\":{},\"s\":\"\\u00e9\xff\"}}\n", n);  // invalid UTF-8
      invalid.push_back(line);
    } else if (n % 89 == 60) {
      text += fmt::format("{{\"n\":{},\"s\":\"\\q\n", n);  // a bad escape, and no closing quote
      malformed.push_back(line);
    } else if (n % 5 == 2) {
      text += fmt::format("{{\"n\":{},\"s\":\"a\\qb\"}}\n", n);  // a bad escape
      malformed.push_back(line);
    } else {
      const std::string pad(static_cast<size_t>(n % 50), 'x');
      text += fmt::format("{{\"n\":{},\"s\":\"{}\\u00e9\\\\\"}}\n", n, pad);
      kept_n.push_back(n);
      kept_s.push_back(pad + "\xC3\xA9\\");
    }
  }
  const Result r = Read(dir.Write("rejected.jsonl", text), specs);
  REQUIRE(r.ok);
  REQUIRE(r.rows.rows() == kept_n.size());
  for (size_t row = 0; row < kept_n.size(); ++row) {
    CHECK(r.rows.columns[0].LongAt(row) == kept_n[row]);
    CHECK(r.rows.columns[1].StringAt(row) == kept_s[row]);
  }
  CHECK(r.IssueLines(InputIssueKind::Malformed) == malformed);
  CHECK(r.IssueLines(InputIssueKind::InvalidUtf8) == invalid);
}

TEST_CASE("jsonl: windows end inside a line, whose escapes, quotes and CR go with it to the next window",
          "[runtime][reader]") {
  // The line scanner's windows are the lines ending in their first 64 KiB: the line such a limit
  // cuts (with a \u escape, a bad escape, an escaped quote or a CR near its end, one longer than a
  // window) is found whole in the next window, and reads as alone.
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"n", Type::Long}, {"s", Type::String}};
  std::string text;
  std::vector<int64_t> kept_n;
  std::vector<std::string> kept_s;
  std::vector<uint64_t> malformed;
  for (int64_t n = 0; n < 600; ++n) {
    const std::string pad(n == 200 ? 70000 : static_cast<size_t>(n * 379 % 3001), static_cast<char>('a' + n % 26));
    std::string raw, value = pad;
    switch (n % 5) {
      case 0: raw = "\\u00e9x"; value += "\xC3\xA9x"; break;
      case 1: raw = "\\\"q\\\\"; value += "\"q\\"; break;
      case 2: raw = "a\\qb"; break;
      default: raw = "z"; value += "z"; break;
    }
    text += fmt::format("{{\"n\":{},\"s\":\"{}{}\"}}{}", n, pad, raw, n % 5 == 3 ? "\r\n" : "\n");
    if (n % 5 == 2) {
      malformed.push_back(static_cast<uint64_t>(n) + 1);
      continue;
    }
    kept_n.push_back(n);
    kept_s.push_back(value);
  }
  REQUIRE(text.size() > (size_t{1} << 19));  // many windows
  const Result r = Read(dir.Write("cut.jsonl", text), specs);
  REQUIRE(r.ok);
  CHECK(r.stats.lines == 600);
  REQUIRE(r.rows.rows() == kept_n.size());
  for (size_t row = 0; row < kept_n.size(); ++row) {
    INFO("row " << row);
    CHECK(r.rows.columns[0].LongAt(row) == kept_n[row]);
    CHECK(r.rows.columns[1].StringAt(row) == kept_s[row]);
  }
  CHECK(r.IssueLines(InputIssueKind::Malformed) == malformed);
}

TEST_CASE("jsonl: short lines, several to a block, with CRLF and LF at every offset", "[runtime][reader]") {
  // The reader finds a window's newlines 64 bytes at a time: lines from 15 bytes up put several
  // newlines in one block, and their ends (\r\n or \n, some across a block's border) fall at
  // every offset of a block.
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"n", Type::Long}, {"s", Type::String}};
  std::string text;
  std::vector<std::string> want;
  for (int64_t n = 0; n < 300; ++n) {
    want.push_back(std::string(static_cast<size_t>(n % 70), 'x'));
    text += fmt::format("{{\"n\":{},\"s\":\"{}\"}}{}", n, want.back(), n % 3 == 1 ? "\r\n" : "\n");
  }
  const Result r = Read(dir.Write("short.jsonl", text), specs);
  REQUIRE(r.ok);
  REQUIRE(r.rows.rows() == want.size());
  for (size_t row = 0; row < want.size(); ++row) {
    CHECK(r.rows.columns[0].LongAt(row) == static_cast<int64_t>(row));
    CHECK(r.rows.columns[1].StringAt(row) == want[row]);
  }
  CHECK(r.IssueLines(InputIssueKind::Malformed).empty());
}

TEST_CASE("jsonl: only the columns asked for are dictionary-encoded", "[runtime][reader][dictionary]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"ActionType", Type::String}, {"DeviceName", Type::String}};
  std::string text;
  for (int i = 0; i < 100; ++i) text += fmt::format(R"({{"ActionType":"a{}","DeviceName":"d{}"}})""\n", i % 3, i % 4);
  const std::string file = dir.Write("encoded.jsonl", text);
  TableColumns table{"T", specs};
  AddDictionary(table, {1, 0}, {true, false});  // the scan's column 0 is the table's column 1
  EventReader reader({table});
  ReadStats stats;
  size_t batches = 0;
  REQUIRE(reader.Read(
      InputRange{file, "T"},
      [&](size_t, const Batch& b) {
        ++batches;
        CHECK_FALSE(b.columns[0].codes());
        REQUIRE(b.columns[1].codes());
        CHECK(b.columns[1].distinct_rows().size() == 4);
      },
      [](const InputIssue&) {}, stats));
  CHECK(batches == 1);
}

TEST_CASE("datetimes parsed with a day memo are those parsed without", "[runtime][reader]") {
  DayMemo memo;
  // Same day, next day, invalid days and times after a valid one of the same date, other forms.
  for (const char* text : {"2026-11-20T10:00:00.1234567Z", "2026-11-20T23:59:59.9999999Z",
                           "2026-11-21T00:00:00.0000000Z", "2026-11-21T24:00:00.0000000Z",
                           "2026-11-21T10:60:00.0000000Z", "2026-02-29T00:00:00.0000000Z",
                           "2024-02-29T00:00:00.0000000Z", "2024-02-29T00:00:0x.0000000Z",
                           "2024-02-29 00:00", "2024-02-29T01:02:03.0000000Z", "2026-11-21", ""}) {
    INFO(text);
    CHECK(ParseDateTime(text, memo) == ParseDateTime(text));
  }
}

TEST_CASE("jsonl: late columns are read of the rows a consumer keeps, across mapped areas", "[runtime][reader][late]") {
  // Over 16 MiB (the area a file is mapped in) of lines with escapes, CRLF ends, values of the
  // wrong type and malformed lines: a consumer keeping every 7th row gets the late columns of
  // those rows as an eager read gives them (by the lines' layout where it can), and only their
  // wrong types are reported. Read into a buffer (gzip), no column is late. Keeping every row,
  // the range reads them eagerly after its first batch.
  TempDir dir;
  std::vector<ColumnSpec> specs = {{"n", Type::Long}, {"s", Type::String}, {"t", Type::DateTime}};
  std::string content;
  size_t lines = 0;
  std::vector<uint64_t> bad_date_lines;  // per record whose `t` is of the wrong type: (n, line)
  std::vector<int64_t> bad_date_records;
  for (int n = 0; content.size() < (size_t{40} << 20); ++n) {
    std::string s(static_cast<size_t>(n % 900), static_cast<char>('a' + n % 26));
    if (n % 5 == 0) s += R"(\\\"\u0041)";
    const std::string t = n % 1000 == 3 ? "\"not a date\"" : "\"2026-11-20T10:00:00Z\"";
    if (n % 4001 == 5) {
      content += R"({"n":)" + std::to_string(n) + ",\n";  // malformed
      ++lines;
    }
    content += R"({"n":)" + std::to_string(n) + R"(,"s":")" + s + R"(","t":)" + t + "}" + (n % 3 ? "\n" : "\r\n");
    ++lines;
    if (n % 1000 == 3) {
      bad_date_records.push_back(n);
      bad_date_lines.push_back(lines);
    }
  }
  const std::string plain = dir.Write("late.jsonl", content);
  const std::string gzip = dir.Write("late.jsonl.gz", test::Gzip(content));
  TableColumns table{"T", specs};
  table.late = {false, true, true};

  // Every row of the file whole, eagerly, for comparison.
  const Result whole = Read(plain, specs);
  REQUIRE(whole.ok);
  const size_t rows = whole.rows.rows();
  REQUIRE(rows > 40000);

  for (const int every : {7, 1}) {
    for (const std::string& file : {plain, gzip}) {
      CAPTURE(every, file);
      EventReader reader({table});
      Batch kept(specs);
      size_t seen = 0, late_batches = 0, eager_batches = 0;
      std::vector<InputIssue> issues;
      ReadStats stats;
      REQUIRE(reader.Read(
          InputRange{file, "T"},
          [&](size_t, const Batch& b) {
            std::vector<uint32_t> selection;
            for (uint32_t row = 0; row < b.rows(); ++row) {
              if (b.columns[0].LongAt(row) % every == 0) selection.push_back(row);
            }
            if (b.late) {
              ++late_batches;
              CHECK(b.columns[1].size() == 0);
              ReadLateRows(b, {{selection.data(), selection.size()}});
            } else {
              ++eager_batches;
            }
            Batch gathered;
            GatherRows(b, nullptr, selection.data(), selection.size(), gathered);
            for (size_t c = 0; c < specs.size(); ++c) {
              for (size_t row = 0; row < gathered.rows(); ++row) kept.columns[c].AppendFrom(gathered.columns[c], row);
            }
            seen += b.rows();
          },
          [&](const InputIssue& i) { issues.push_back(i); }, stats));
      CHECK(seen == rows);
      CHECK(stats.lines == lines);
      if (file == gzip) {
        CHECK(late_batches == 0);
      } else if (every == 7) {
        CHECK(eager_batches == 0);
        CHECK(late_batches > 2);
        // The lines walked raw (all but the fifth with a \u escape) are walked again.
        if (test::RawWalks()) CHECK(stats.late_walked * 2 > kept.rows());
      } else {
        CHECK(late_batches == 1);
      }
      std::vector<uint64_t> wrong, expected_wrong;
      for (const InputIssue& i : issues) {
        if (i.kind == InputIssueKind::WrongType) wrong.push_back(i.line);
      }
      for (size_t b = 0; b < bad_date_records.size(); ++b) {
        if (file == gzip || bad_date_records[b] % every == 0) expected_wrong.push_back(bad_date_lines[b]);
      }
      CHECK(wrong == expected_wrong);
      size_t k = 0;
      for (size_t row = 0; row < rows; ++row) {
        const int64_t n = whole.rows.columns[0].LongAt(row);
        if (n % every != 0) continue;
        REQUIRE(k < kept.rows());
        REQUIRE(kept.columns[0].LongAt(k) == n);
        REQUIRE(kept.columns[1].StringAt(k) == whole.rows.columns[1].StringAt(row));
        REQUIRE(kept.columns[2].IsNull(k) == whole.rows.columns[2].IsNull(row));
        if (!whole.rows.columns[2].IsNull(row)) REQUIRE(kept.columns[2].LongAt(k) == whole.rows.columns[2].LongAt(row));
        ++k;
      }
      CHECK(k == kept.rows());
      CHECK(stats.issues[static_cast<size_t>(InputIssueKind::Malformed)] ==
            whole.stats.issues[static_cast<size_t>(InputIssueKind::Malformed)]);
    }
  }
}
