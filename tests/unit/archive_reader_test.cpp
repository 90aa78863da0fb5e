// The event reader on every archive shape: Defender envelopes, Log Analytics exports, CSV,
// gzip and zstd, byte ranges; and on every kind of bad input, each counted exactly.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "runtime/event_reader.h"
#include "tests/unit/archive_util.h"

using namespace huntc;
using test::TempDir;

namespace {

const std::vector<ColumnSpec> kNet = {{"DeviceName", Type::String}, {"RemotePort", Type::Int}};
const std::vector<ColumnSpec> kProc = {{"DeviceName", Type::String},
                                       {"ProcessCommandLine", Type::String}};

// Everything one Read produced, per table, with the batches concatenated.
struct Tables {
  bool ok = false;
  std::vector<Batch> rows;
  std::vector<InputIssue> issues;
  ReadStats stats;

  std::vector<uint64_t> Lines(InputIssueKind kind) const {
    std::vector<uint64_t> lines;
    for (const auto& i : issues) {
      if (i.kind == kind) lines.push_back(i.line);
    }
    return lines;
  }
  uint64_t Skipped(InputIssueKind kind) const { return stats.skipped[static_cast<size_t>(kind)]; }
  std::vector<std::string> Strings(size_t table, size_t column) const {
    std::vector<std::string> out;
    for (size_t r = 0; r < rows[table].columns[column].size(); ++r) {
      out.emplace_back(rows[table].columns[column].StringAt(r));
    }
    return out;
  }
};

Tables ReadTables(EventReader& reader, const InputRange& input,
                  const std::vector<TableColumns>& tables) {
  Tables r;
  for (const auto& t : tables) r.rows.emplace_back(t.columns);
  r.ok = reader.Read(
      input,
      [&](size_t t, const Batch& b) {
        for (size_t c = 0; c < b.columns.size(); ++c) {
          for (size_t row = 0; row < b.rows(); ++row) r.rows[t].columns[c].AppendFrom(b.columns[c], row);
        }
      },
      [&](const InputIssue& i) { r.issues.push_back(i); }, r.stats);
  return r;
}

Tables ReadTables(const InputRange& input, ReadLimits limits = {}, size_t chunk = 0) {
  const std::vector<TableColumns> tables = {{"DeviceNetworkEvents", kNet},
                                            {"DeviceProcessEvents", kProc}};
  EventReader reader(tables, limits);
  if (chunk) reader.set_chunk_bytes(chunk);
  return ReadTables(reader, input, tables);
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("envelopes: each record goes to the table its category names", "[runtime][reader]") {
  TempDir dir;
  const std::string file = dir.Write(
      "PT1H.json",
      R"({"time":"2026-11-20T10:00:00Z","tenantId":"t","operationName":"Publish","category":"AdvancedHunting-DeviceNetworkEvents","properties":{"DeviceName":"a","RemotePort":443,"Extra":[1]}}
{"time":"2026-11-20T10:00:01Z","category":"AdvancedHunting-DeviceProcessEvents","properties":{"DeviceName":"b","ProcessCommandLine":"cmd /c"}}
{"properties":{"DeviceName":"c","RemotePort":"80"},"category":"AdvancedHunting-DeviceNetworkEvents"}
{"category":"AdvancedHunting-DeviceLogonEvents","properties":{"DeviceName":"d"}}
{"category":"AdvancedHunting-DeviceNetworkEvents","properties":{"DeviceName":"e","RemotePort":tru}}
)");
  const Tables r = ReadTables({file, ""});
  REQUIRE(r.ok);
  CHECK(r.Strings(0, 0) == Strings{"a", "c"});
  CHECK(r.rows[0].columns[1].IntAt(1) == 80);
  CHECK(r.Strings(1, 0) == Strings{"b"});
  CHECK(r.Strings(1, 1) == Strings{"cmd /c"});
  CHECK(r.stats.records == 3);
  CHECK(r.stats.other_records == 1);  // DeviceLogonEvents: nobody asked
  CHECK(r.Lines(InputIssueKind::Malformed) == std::vector<uint64_t>{5});
  CHECK(r.stats.lines_skipped == 1);
}

TEST_CASE("Log Analytics exports: the Type field, else the input's table", "[runtime][reader]") {
  TempDir dir;
  const std::string file = dir.Write(
      "export.json",
      R"({"DeviceName":"a","RemotePort":1,"Type":"DeviceNetworkEvents"}
{"Type":"DeviceProcessEvents","DeviceName":"b","ProcessCommandLine":"x"}
{"DeviceName":"c","RemotePort":3}
{"DeviceName":"d","Type":"SigninLogs"}
{"DeviceName":"e","ProcessCommandLine":"y","Type":"DeviceProcessEvents"}
)");
  const Tables r = ReadTables({file, "DeviceNetworkEvents"});
  REQUIRE(r.ok);
  CHECK(r.Strings(0, 0) == Strings{"a", "c"});
  CHECK(r.Strings(1, 0) == Strings{"b", "e"});
  CHECK(r.Strings(1, 1) == Strings{"x", "y"});
  CHECK(r.stats.other_records == 1);
  CHECK(r.issues.empty());
}

TEST_CASE("records with no table are skipped and counted", "[runtime][reader]") {
  TempDir dir;
  const Tables r = ReadTables({dir.Write("x.jsonl", "{\"DeviceName\":\"a\"}\n{\"Type\":\"DeviceNetworkEvents\",\"DeviceName\":\"b\"}\n"), ""});
  CHECK(r.Strings(0, 0) == Strings{"b"});
  CHECK(r.Skipped(InputIssueKind::NoTable) == 1);
  CHECK(r.Lines(InputIssueKind::NoTable) == std::vector<uint64_t>{1});
}

TEST_CASE("CSV: header names the columns, RFC 4180 quoting", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {{"Timestamp", Type::DateTime}, {"DeviceName", Type::String},
                                         {"RemotePort", Type::Int},     {"AdditionalFields", Type::Dynamic},
                                         {"IsLocal", Type::Bool},       {"Missing", Type::Long}};
  const std::string file = dir.Write(
      "DeviceNetworkEvents.csv",
      "\xEF\xBB\xBFTimestamp,Ignored,DeviceName,RemotePort,AdditionalFields,IsLocal\r\n"
      "2026-11-20T10:00:00.1234567Z,x,\"wks, one\",443,\"{\"\"a\"\":1}\",true\r\n"
      "2026-11-20 10:00:00,x,\"two\nlines\",,plain text,0\r\n"
      "2026-11-20T10:00:00Z,x,\"say \"\"hi\"\"\",http,,FALSE\r\n"
      "2026-11-20T10:00:00Z,x,short\r\n"
      "2026-11-20T10:00:00Z,x,\xff,1,,1\r\n"
      "2026-11-20T10:00:00+02:00,x,last,22,[1],1");
  EventReader reader({{"DeviceNetworkEvents", specs}});
  const Tables r = ReadTables(reader, {file, "DeviceNetworkEvents"}, {{"DeviceNetworkEvents", specs}});
  REQUIRE(r.ok);
  const Batch& b = r.rows[0];
  REQUIRE(b.rows() == 4);
  CHECK(FormatDateTime(b.columns[0].LongAt(0)) == "2026-11-20T10:00:00.1234567Z");
  CHECK(FormatDateTime(b.columns[0].LongAt(3)) == "2026-11-20T08:00:00.0000000Z");
  CHECK(r.Strings(0, 1) == Strings{"wks, one", "two\nlines", "say \"hi\"", "last"});
  CHECK(b.columns[2].IntAt(0) == 443);
  CHECK(b.columns[2].IsNull(1));  // empty: null
  CHECK(b.columns[2].IsNull(2));  // "http": wrong type
  CHECK(r.Strings(0, 3) == Strings{"{\"a\":1}", "\"plain text\"", "", "[1]"});
  CHECK(b.columns[4].BoolAt(0));
  CHECK_FALSE(b.columns[4].BoolAt(1));
  CHECK_FALSE(b.columns[4].BoolAt(2));
  CHECK(b.columns[5].IsNull(0));
  // Lines count the newline inside the quoted field of record 2.
  CHECK(r.Lines(InputIssueKind::WrongType) == std::vector<uint64_t>{5});
  CHECK(r.Lines(InputIssueKind::FieldCount) == std::vector<uint64_t>{6});
  CHECK(r.Lines(InputIssueKind::InvalidUtf8) == std::vector<uint64_t>{7});
  CHECK(r.stats.lines_skipped == 2);
  CHECK(r.stats.values_wrong_type == 1);
}

TEST_CASE("gzip and zstd archives read like the plain file", "[runtime][reader]") {
  TempDir dir;
  std::string plain;
  for (int i = 0; i < 5000; ++i) {
    plain += "{\"DeviceName\":\"wks-" + std::to_string(i) + "\",\"RemotePort\":" + std::to_string(i) + "}\n";
  }
  const Tables expected = ReadTables({dir.Write("DeviceNetworkEvents.jsonl", plain), "DeviceNetworkEvents"});
  // Named misleadingly on purpose: the bytes decide.
  const std::string gz = dir.Write("a.jsonl", test::Gzip(plain));
  const std::string zst = dir.Write("b.csv", test::Zstd(plain));
  // Two gzip members make one stream, as gzip -d reads them.
  const std::string half = plain.substr(0, plain.size() / 2 + 7);
  const std::string two = dir.Write("c.gz", test::Gzip(half) + test::Gzip(plain.substr(half.size())));
  for (const std::string& file : {gz, zst, two}) {
    for (size_t chunk : {size_t{0}, size_t{100}}) {
      const Tables r = ReadTables({file, "DeviceNetworkEvents"}, {}, chunk);
      CHECK(r.ok);
      CHECK(r.issues.empty());
      CHECK(r.Strings(0, 0) == expected.Strings(0, 0));
      CHECK(r.stats.bytes == std::filesystem::file_size(file));
    }
  }
}

TEST_CASE("a truncated or corrupt compressed stream keeps the records before the damage",
          "[runtime][reader]") {
  TempDir dir;
  std::string plain;
  for (int i = 0; i < 20000; ++i) plain += "{\"DeviceName\":\"w" + std::to_string(i) + "\"}\n";
  for (const bool zstd : {false, true}) {
    const std::string packed = zstd ? test::Zstd(plain) : test::Gzip(plain);
    const std::string cut = dir.Write("cut", packed.substr(0, packed.size() / 2));
    const Tables r = ReadTables({cut, "DeviceNetworkEvents"});
    CHECK_FALSE(r.ok);
    REQUIRE(r.Lines(InputIssueKind::Truncated).size() == 2);  // the unfinished record, the stream
    const size_t read = r.rows[0].rows();
    CHECK(read > 1000);
    CHECK(read < 20000);
    CHECK(r.Strings(0, 0).back() == std::string("w").append(std::to_string(read - 1)));
    CHECK(r.Skipped(InputIssueKind::Truncated) == 1);
    CHECK(r.Lines(InputIssueKind::Truncated)[0] == read + 1);
  }
  // gzip's CRC catches any damage by the end of the member at the latest.
  std::string bad = test::Gzip(plain);
  bad[bad.size() / 2] ^= 0x55;
  const Tables r = ReadTables({dir.Write("bad.gz", bad), "DeviceNetworkEvents"});
  CHECK_FALSE(r.ok);
  // The stream's error, and the record it cut short, if any.
  CHECK(r.stats.issues[static_cast<size_t>(InputIssueKind::Corrupt)] ==
        1 + r.Skipped(InputIssueKind::Corrupt));
}

TEST_CASE("a decompression bomb stops at the expansion limit", "[runtime][reader]") {
  TempDir dir;
  const std::string zeros(8 << 20, ' ');
  ReadLimits limits;
  limits.max_expansion = 10;
  limits.expansion_allowance = 1 << 20;
  for (const std::string& packed : {test::Gzip(zeros), test::Zstd(zeros)}) {
    const Tables r = ReadTables({dir.Write("bomb", packed), "DeviceNetworkEvents"}, limits);
    CHECK_FALSE(r.ok);
    // Only blanks were cut off, so no record is lost: only the stream is reported.
    CHECK(r.stats.issues[static_cast<size_t>(InputIssueKind::TooExpanded)] == 1);
    CHECK(r.stats.lines_skipped == 0);
  }
  // Records before the limit are read; the one it cuts is skipped.
  std::string records;
  for (int i = 0; i < 400000; ++i) records += "{\"DeviceName\":\"a\"}\n";
  for (const std::string& packed : {test::Gzip(records), test::Zstd(records)}) {
    const Tables r = ReadTables({dir.Write("bomb", packed), "DeviceNetworkEvents"}, limits);
    CHECK_FALSE(r.ok);
    CHECK(r.rows[0].rows() > 1000);
    CHECK(r.rows[0].rows() < 400000);
    CHECK(r.stats.issues[static_cast<size_t>(InputIssueKind::TooExpanded)] ==
          1 + r.Skipped(InputIssueKind::TooExpanded));
  }
}

TEST_CASE("a record over the size limit is skipped without holding it", "[runtime][reader]") {
  TempDir dir;
  const std::string huge = "{\"DeviceName\":\"" + std::string(100000, 'x') + "\"}\n";
  const std::string file = dir.Write(
      "long.jsonl", "{\"DeviceName\":\"a\"}\n" + huge + "{\"DeviceName\":\"b\"}\n" + huge + huge +
                        "{\"DeviceName\":\"c\"}\n" + huge.substr(0, huge.size() - 1));
  ReadLimits limits;
  limits.max_record_bytes = 1000;
  for (size_t chunk : {size_t{0}, size_t{64}, size_t{4096}}) {
    const Tables r = ReadTables({file, "DeviceNetworkEvents"}, limits, chunk);
    CHECK(r.Strings(0, 0) == Strings{"a", "b", "c"});
    CHECK(r.Lines(InputIssueKind::TooLong) == std::vector<uint64_t>{2, 4, 5, 7});
    CHECK(r.Skipped(InputIssueKind::TooLong) == 4);
    CHECK(r.stats.lines == 7);
  }
}

TEST_CASE("JSON nested deeper than the limit is skipped", "[runtime][reader]") {
  TempDir dir;
  const auto nest = [](int depth) {
    return "{\"DeviceName\":\"n\",\"x\":" + std::string(depth, '[') + std::string(depth, ']') + "}\n";
  };
  const std::string file = dir.Write("deep.jsonl", nest(10) + nest(100) + nest(5000) + nest(3));
  ReadLimits limits;
  limits.max_depth = 50;
  const Tables r = ReadTables({file, "DeviceNetworkEvents"}, limits);
  CHECK(r.rows[0].rows() == 2);
  CHECK(r.Lines(InputIssueKind::TooDeep) == std::vector<uint64_t>{2, 3});
}

TEST_CASE("ranges of a file read each line exactly once", "[runtime][reader]") {
  TempDir dir;
  std::string plain;
  for (int i = 0; i < 3000; ++i) {
    plain += i % 7 == 3 ? "broken\n" : "{\"DeviceName\":\"w" + std::to_string(i) + "\"}\n";
  }
  const std::string file = dir.Write("DeviceNetworkEvents.jsonl", plain);
  const Tables whole = ReadTables({file, "DeviceNetworkEvents"});
  const std::vector<InputRange> ranges = SplitInput(file, "DeviceNetworkEvents", 1000);
  REQUIRE(ranges.size() == (plain.size() + 999) / 1000);
  Strings names;
  std::vector<uint64_t> bad;
  uint64_t base = 0, bytes = 0;
  for (const InputRange& range : ranges) {
    const Tables r = ReadTables(range);
    const Strings part = r.Strings(0, 0);
    names.insert(names.end(), part.begin(), part.end());
    for (uint64_t line : r.Lines(InputIssueKind::Malformed)) bad.push_back(base + line);
    base += r.stats.lines;
    bytes += r.stats.bytes;
  }
  CHECK(names == whole.Strings(0, 0));
  CHECK(bad == whole.Lines(InputIssueKind::Malformed));
  CHECK(base == 3000);
  CHECK(bytes == plain.size());
  // Compressed files and CSV are never split.
  CHECK(SplitInput(dir.Write("z.gz", test::Gzip(plain)), "", 1000).size() == 1);
  CHECK(SplitInput(dir.Write("c.csv", "a,b\n" + plain), "", 1000).size() == 1);
}

TEST_CASE("escapes are checked in values and keys nobody asked for", "[runtime][reader]") {
  TempDir dir;
  const std::string file = dir.Write("esc.jsonl", R"({"DeviceName":"a","x":{"k\q":1}}
{"DeviceName":"b","x":{"k\n\"":"\u00e9\\"}}
{"DeviceName":"c","x":"\q"}
{"DeviceName":"d","x":"a\"b\/"}
{"DeviceName":"e","x":["\ud800x"]}
)");
  const Tables r = ReadTables({file, "DeviceNetworkEvents"});
  CHECK(r.Strings(0, 0) == Strings{"b", "d"});
  CHECK(r.Lines(InputIssueKind::Malformed) == std::vector<uint64_t>{1, 3, 5});
}

// The reader has a fast path (simdjson DOM) and an exact one (On-Demand) that must agree. A
// field `Force` holding an object where an int is wanted sends a line down the exact path, so
// each value below is read both ways and compared.
TEST_CASE("JSON: the fast and the exact path read every value alike", "[runtime][reader]") {
  TempDir dir;
  const std::vector<ColumnSpec> specs = {
      {"b", Type::Bool},      {"i", Type::Int},    {"l", Type::Long},     {"r", Type::Real},
      {"s", Type::String},    {"t", Type::DateTime}, {"ts", Type::TimeSpan}, {"g", Type::Guid},
      {"d", Type::Dynamic},   {"Force", Type::Int}};
  const std::vector<std::string> values = {
      "null", "true", "false", "0", "-0", "1", "-1", "2147483648", "-2147483649",
      "9223372036854775807", "9223372036854775808", "18446744073709551615", "1.5", "-0.0",
      "1e3", "2.5E-3", "\"\"", "\"x\"", "\"true\"", "\"FALSE\"", "\"1\"", "\"0\"", "\"-0\"",
      "\"42\"", "\" 42\"", "\"1.25\"", "\"2026-11-20T10:00:00.1234567Z\"",
      "\"2026-11-20 10:00:00+02:00\"", "\"1.02:03:04.5\"", "\"a\\\"b\\\\c\\u00e9\\n\"",
      "\"{\\\"k\\\": [1, 2]}\"", "\" [1] \"", "\"{bad\"", "{\"k\": [1, {\"m\": null}]}", "[]"};
  std::string fast, exact;
  for (const std::string& v : values) {
    for (const char* column : {"b", "i", "l", "r", "s", "t", "ts", "g", "d"}) {
      const std::string field = std::string("\"") + column + "\": " + v;
      fast += "{" + field + ", \"Force\": 1}\n";
      exact += "{" + field + ", \"Force\": {}}\n";
    }
  }
  EventReader reader({{"T", specs}});
  const Tables a = ReadTables(reader, {dir.Write("fast.jsonl", fast), "T"}, {{"T", specs}});
  const Tables b = ReadTables(reader, {dir.Write("exact.jsonl", exact), "T"}, {{"T", specs}});
  REQUIRE(a.rows[0].rows() == values.size() * 9);
  REQUIRE(b.rows[0].rows() == a.rows[0].rows());
  for (size_t c = 0; c + 1 < specs.size(); ++c) {
    const Column& x = a.rows[0].columns[c];
    const Column& y = b.rows[0].columns[c];
    for (size_t row = 0; row < x.size(); ++row) {
      INFO(specs[c].name << " row " << row << ": " << values[row / 9]);
      REQUIRE(x.IsNull(row) == y.IsNull(row));
      if (x.IsNull(row)) continue;
      switch (specs[c].type) {
        case Type::Bool: CHECK(x.BoolAt(row) == y.BoolAt(row)); break;
        case Type::Int: CHECK(x.IntAt(row) == y.IntAt(row)); break;
        case Type::Real: CHECK(std::signbit(x.RealAt(row)) == std::signbit(y.RealAt(row)));
                         CHECK(x.RealAt(row) == y.RealAt(row)); break;
        case Type::Long: case Type::DateTime: case Type::TimeSpan: CHECK(x.LongAt(row) == y.LongAt(row)); break;
        default: CHECK(x.StringAt(row) == y.StringAt(row)); break;
      }
    }
  }
  // Wrong-typed values are counted alike; the exact run adds one per line for Force.
  CHECK(b.stats.values_wrong_type == a.stats.values_wrong_type + values.size() * 9);
}

TEST_CASE("an input that cannot be opened is reported", "[runtime][reader]") {
  const Tables r = ReadTables({"/nonexistent/huntc/x.jsonl", "DeviceNetworkEvents"});
  CHECK_FALSE(r.ok);
  CHECK(r.Lines(InputIssueKind::Unreadable) == std::vector<uint64_t>{0});
}
