// Fault injection: a generated archive with corrupted lines, invalid UTF-8 and wrong-typed values,
// plain and compressed, and cut short. Every untouched record must still be read, the damaged
// ones skipped or nulled, and every count exact.
#include <catch2/catch.hpp>

#include <random>

#include "runtime/event_reader.h"
#include "tests/unit/archive_util.h"
#include "tools/gen-events/csv_export.h"
#include "tools/gen-events/generator.h"

using namespace huntc;

namespace {

const std::vector<ColumnSpec> kColumns = {{"ReportId", Type::Long},
                                          {"DeviceName", Type::String},
                                          {"RemotePort", Type::Int},
                                          {"Timestamp", Type::DateTime}};

// Each row rendered as text, so rows compare whole.
struct Read {
  std::vector<std::string> rows;
  ReadStats stats;
  bool ok = false;
};

Read ReadRows(const std::string& path) {
  EventReader reader({{"DeviceNetworkEvents", kColumns}});
  reader.set_chunk_bytes(100000);  // many chunk boundaries
  Read r;
  r.ok = reader.Read(
      {path, "DeviceNetworkEvents"},
      [&](size_t, const Batch& b) {
        for (size_t row = 0; row < b.rows(); ++row) {
          std::string text;
          for (const Column& c : b.columns) {
            text += c.IsNull(row) ? std::string("null")
                    : c.type() == Type::String ? std::string(c.StringAt(row))
                                               : std::to_string(c.type() == Type::Int ? c.IntAt(row) : c.LongAt(row));
            text += '|';
          }
          r.rows.push_back(text);
        }
      },
      [](const InputIssue&) {}, r.stats);
  return r;
}

uint64_t Skipped(const ReadStats& s, InputIssueKind kind) { return s.skipped[static_cast<size_t>(kind)]; }

// The bytes of a gzip stream that decode before it ends or breaks.
std::string GunzipPrefix(const std::string& packed) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
  std::string out;
  char buffer[65536];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  z.avail_in = static_cast<uInt>(packed.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_out == sizeof buffer) break;
    if (rc == Z_BUF_ERROR) rc = Z_OK;
  }
  inflateEnd(&z);
  return out;
}

// 3,000 generated DeviceNetworkEvents as JSON lines: the clean input the damage is done to.
std::string GeneratedLines() {
  std::string lines;
  gen::GenOptions opt;
  opt.events = 3000;
  opt.now = *ParseDateTime("2026-11-20T00:00:00Z");
  gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
    lines += chunk;
    return true;
  });
  return lines;
}

}  // namespace

TEST_CASE("faults: damaged records are skipped or nulled, all others read, counts exact",
          "[runtime][reader][faults]") {
  test::TempDir dir;
  const std::string clean = GeneratedLines();
  const Read original = ReadRows(dir.Write("clean.jsonl", clean));
  REQUIRE(original.rows.size() == 3000);
  REQUIRE(original.stats.lines_skipped == 0);

  // Damage lines by index: cut in half (malformed), a stray 0xFF byte in a string (invalid
  // UTF-8), a port that is not a number (wrong type: the row stays, its port is null).
  std::vector<std::string> lines;
  for (size_t at = 0; at < clean.size();) {
    const size_t nl = clean.find('\n', at);
    lines.push_back(clean.substr(at, nl - at));
    at = nl + 1;
  }
  std::vector<std::string> expected;
  uint64_t malformed = 0, bad_utf8 = 0, wrong_type = 0;
  std::string damaged;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = lines[i];
    std::string row = original.rows[i];
    if (i % 97 == 5) {
      line.resize(line.size() / 2);
      ++malformed;
      row.clear();
    } else if (i % 101 == 7) {
      line.insert(line.find("\"DeviceName\":\"") + 14, 1, static_cast<char>(0xff));
      ++bad_utf8;
      row.clear();
    } else if (i % 89 == 11) {
      const size_t port = line.find("\"RemotePort\":") + 13;
      line.replace(port, line.find(',', port) - port, "\"abc\"");
      ++wrong_type;
      const size_t first = row.find('|'), second = row.find('|', first + 1);
      row.replace(second + 1, row.find('|', second + 1) - second - 1, "null");
    }
    damaged += line;
    damaged += '\n';
    if (!row.empty()) expected.push_back(row);
  }
  REQUIRE(malformed > 20);
  REQUIRE(bad_utf8 > 20);
  REQUIRE(wrong_type > 20);

  const std::string gz = test::Gzip(damaged);
  for (const std::string& file : {dir.Write("damaged.jsonl", damaged), dir.Write("damaged.gz", gz),
                                  dir.Write("damaged.zst", test::Zstd(damaged))}) {
    INFO(file);
    const Read r = ReadRows(file);
    CHECK(r.ok);
    CHECK(r.rows == expected);
    CHECK(Skipped(r.stats, InputIssueKind::Malformed) == malformed);
    CHECK(Skipped(r.stats, InputIssueKind::InvalidUtf8) == bad_utf8);
    CHECK(r.stats.lines_skipped == malformed + bad_utf8);
    CHECK(r.stats.values_wrong_type == wrong_type);
    CHECK(r.stats.lines == lines.size());
  }

  // Cut short: the records wholly inside the part that still decodes are read.
  const std::string cut = gz.substr(0, gz.size() * 2 / 3);
  const std::string prefix = GunzipPrefix(cut);
  const size_t complete = static_cast<size_t>(std::count(prefix.begin(), prefix.end(), '\n'));
  REQUIRE(complete > 1000);
  REQUIRE(complete < lines.size());
  REQUIRE(prefix.back() != '\n');
  const Read r = ReadRows(dir.Write("cut.gz", cut));
  CHECK_FALSE(r.ok);
  uint64_t lost = 0;  // the damaged records among the complete lines
  for (size_t i = 0; i < complete; ++i) lost += i % 97 == 5 || i % 101 == 7;
  CHECK(r.rows == std::vector<std::string>(expected.begin(), expected.begin() + (complete - lost)));
  CHECK(Skipped(r.stats, InputIssueKind::Truncated) == 1);
  CHECK(r.stats.lines_skipped == lost + 1);
}

namespace {

// The first `columns` columns of a row as text.
std::string Render(const Batch& b, size_t row, size_t columns) {
  std::string text;
  for (size_t column = 0; column < columns; ++column) {
    const Column& c = b.columns[column];
    if (c.IsNull(row)) {
      text += "null";
    } else {
      switch (c.type()) {
        case Type::Int: text += std::to_string(c.IntAt(row)); break;
        case Type::Bool: text += c.BoolAt(row) ? "true" : "false"; break;
        case Type::String:
        case Type::Dynamic: text += c.StringAt(row); break;
        default: text += std::to_string(c.LongAt(row)); break;
      }
    }
    text += '|';
  }
  return text;
}

// What a read gave: its rows in order, its issues as "line: kind: message", and its counts.
struct Outcome {
  std::vector<std::string> rows;
  std::vector<std::string> issues;
  uint64_t lines = 0, skipped = 0, wrong_type = 0, other = 0;
};

// With `per_line`, a column is added whose name only an escape can write in a key: that keeps
// the line scanner (which compares keys unescaped) off, so every line goes through the
// per-line paths; the column, never present, is left out of the rows.
Outcome ReadOutcome(const std::string& path, std::vector<ColumnSpec> columns, size_t chunk,
                    bool per_line = false) {
  if (per_line) columns.push_back({"per/line", Type::String});
  EventReader reader({{"DeviceNetworkEvents", columns}});
  reader.set_chunk_bytes(chunk);
  Outcome out;
  ReadStats stats;
  reader.Read(
      {path, "DeviceNetworkEvents"},
      [&](size_t, const Batch& b) {
        for (size_t row = 0; row < b.rows(); ++row) out.rows.push_back(Render(b, row, columns.size() - per_line));
      },
      [&](const InputIssue& issue) {
        out.issues.push_back(std::to_string(issue.line) + ": " + std::string(InputIssueName(issue.kind)) +
                             ": " + issue.message);
      },
      stats);
  out.lines = stats.lines;
  out.skipped = stats.lines_skipped;
  out.wrong_type = stats.values_wrong_type;
  out.other = stats.other_records;
  return out;
}

}  // namespace

// The line scanner (which reads JSON lines a window at a time) must accept, reject and convert
// exactly what the per-line parser does.
TEST_CASE("faults: the line scanner and the per-line parser agree on damaged lines",
          "[runtime][reader][faults]") {
  test::TempDir dir;
  const std::string clean = GeneratedLines();
  std::vector<std::string> lines;
  for (size_t at = 0; at < clean.size();) {
    const size_t nl = clean.find('\n', at);
    lines.push_back(clean.substr(at, nl - at));
    at = nl + 1;
  }
  // Hand-made lines for what the generator does not write, added undamaged after the damage.
  const std::vector<std::string> handmade = {
      R"({"RemotePort":"443","DeviceName":"a\u0041b","Timestamp":"2026-11-20T01:02:03.1234567+01:00"})",
      R"({"RemotePort":4.5e0,"DeviceName":"tab\there\/\"q\"","ReportId":-0,"IsInitiatingProcessRemoteSession":1})",
      R"(  { "RemotePort" : 80 , "AdditionalFields" : "{\"a\": [1, {\"b\": null}]}" }  )",
      R"({"AdditionalFields":[[[[]]],{}],"RemotePort":null,"Type":"DeviceNetworkEvents"})",
      R"({"Type":"DeviceProcessEvents","RemotePort":1})",
      R"({"Remote\u0050ort":7,"DeviceName":true,"ReportId":1e3})",
      R"({"RemotePort":2147483648,"ReportId":9223372036854775807,"DeviceName":{"x":1}})",
      R"({})", R"({"a":{"b":{"c":[1,2,{"d":"e"}]}},"RemotePort":5})", "", "  \t",
      "\xEF\xBB\xBF{\"RemotePort\":6}", R"({"RemotePort":7}  {"RemotePort":8})", R"({"RemotePort":9},)",
      R"({"DeviceName":"\ud83d\ude00","RemotePort":"0x10","Timestamp":"2026-13-01T00:00:00Z"})",
      R"({"time":"x","category":"AdvancedHunting-DeviceNetworkEvents","properties":{"RemotePort":1,"DeviceName":"e"}})",
      R"({"properties":{"RemotePort":2,"Type":"DeviceProcessEvents"},"RemotePort":3,"category":"DeviceNetworkEvents"})",
      R"({"category":"AdvancedHunting-DeviceProcessEvents","properties":{"RemotePort":4}})",
      R"({"category":"AdvancedHunting-Nobody","properties":{"RemotePort":tru}})",
      R"({"category":"AdvancedHunting-Nobody","properties":{"RemotePort":5}})",
      R"({"category":"AdvancedHunting-DeviceNetworkEvents","properties":"not an object","RemotePort":6})",
      R"({"category":7,"properties":{"RemotePort":8},"Type":"Nobody"})",
      R"({"Type":"Nobody","RemotePort":9})", R"({"Type":"DeviceNetworkEvents","Type":"Nobody"})",
  };
  const std::vector<ColumnSpec> columns = {{"ReportId", Type::Long},
                                           {"DeviceName", Type::String},
                                           {"RemotePort", Type::Int},
                                           {"Timestamp", Type::DateTime},
                                           {"AdditionalFields", Type::Dynamic},
                                           {"IsInitiatingProcessRemoteSession", Type::Bool},
                                           {"Type", Type::String}};
  // Damage most lines: a byte that matters to JSON replaced, inserted or deleted, or the line
  // cut, at random places, and near the values (where most damage is subtle).
  std::mt19937 random(12345);
  const std::string bytes = "\"\\{}[],: 01-+.eEtfnlu\x01\xff\xc3\t\r";
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string& line = lines[i];
    if (line.empty() || i % 5 == 0) continue;
    for (int damage = 0; damage < 1 + static_cast<int>(i % 3) && !line.empty(); ++damage) {
      size_t at = random() % line.size();
      if (damage > 0) {
        // Next to a value: after a colon.
        const size_t colon = line.find(':', at);
        if (colon != std::string::npos && colon + 2 < line.size()) at = colon + 1 + random() % 2;
      }
      const char b = bytes[random() % bytes.size()];
      switch (random() % 7) {
        case 0:
        case 1:
        case 2: line[at] = b; break;
        case 3:
        case 4: line.insert(at, 1, b); break;
        case 5: line.erase(at, 1); break;
        default: line.resize(at); break;
      }
    }
  }
  lines.insert(lines.begin() + 3, handmade.begin(), handmade.end());
  lines.insert(lines.end() - 3, handmade.begin(), handmade.end());
  std::string damaged;
  for (const std::string& line : lines) damaged += line + "\n";
  // The last line is cut short, with no newline.
  damaged += lines[1].substr(0, lines[1].size() / 2);
  const std::string file = dir.Write("damaged.jsonl", damaged);
  const Outcome expected = ReadOutcome(file, columns, 1 << 20, true);
  REQUIRE(expected.rows.size() > 600);
  REQUIRE(expected.skipped > 1000);
  // Chunks of every size put lines, bad and good, across chunk boundaries and make some lines
  // longer than the buffer.
  for (const size_t chunk : {size_t{1} << 20, size_t{65536}, size_t{4099}, size_t{1000}, size_t{97}}) {
    INFO("chunk " << chunk);
    const Outcome scanned = ReadOutcome(file, columns, chunk);
    CHECK(scanned.rows == expected.rows);
    CHECK(scanned.issues == expected.issues);
    CHECK(scanned.lines == expected.lines);
    CHECK(scanned.skipped == expected.skipped);
    CHECK(scanned.wrong_type == expected.wrong_type);
    CHECK(scanned.other == expected.other);
  }
}

// The CSV splitter finds commas and quotes as bits, 64 bytes to a word: generated command lines
// put quoted fields with doubled quotes and commas across every word boundary. The CSV export
// of generated events must read like their JSON lines, and a CSV record damaged by a stray
// quote must be skipped alone.
TEST_CASE("faults: a CSV export reads like its JSON lines", "[runtime][reader][faults]") {
  test::TempDir dir;
  std::string jsonl, csv;
  gen::GenOptions opt;
  opt.events = 2000;
  opt.now = *ParseDateTime("2026-11-20T00:00:00Z");
  std::unique_ptr<gen::CsvExport> exporter;
  gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
    jsonl += chunk;
    if (!exporter) {
      exporter = std::make_unique<gen::CsvExport>(gen::CsvExport::ColumnsOf(chunk));
      exporter->AppendHeader(csv);
    }
    exporter->AppendRecords(chunk, csv);
    return true;
  });
  const std::vector<ColumnSpec> columns = {{"ReportId", Type::Long},
                                           {"InitiatingProcessCommandLine", Type::String},
                                           {"RemotePort", Type::Int},
                                           {"Timestamp", Type::DateTime},
                                           {"InitiatingProcessFolderPath", Type::String},
                                           {"DeviceName", Type::String}};
  const Outcome from_json = ReadOutcome(dir.Write("events.jsonl", jsonl), columns, 1 << 20);
  REQUIRE(from_json.rows.size() == 2000);
  REQUIRE(from_json.issues.empty());
  for (const size_t chunk : {size_t{1} << 20, size_t{1000}}) {
    const Outcome from_csv = ReadOutcome(dir.Write("events.csv", csv), columns, chunk);
    CHECK(from_csv.rows == from_json.rows);
    CHECK(from_csv.issues.empty());
  }

  // A stray quote after a closing one: that record alone is skipped.
  const size_t quoted = csv.find("\"\"\"", csv.find('\n'));
  REQUIRE(quoted != std::string::npos);
  const size_t closing = csv.find("\",", quoted + 3);
  REQUIRE(closing != std::string::npos);
  const std::string damaged = csv.substr(0, closing + 1) + "x" + csv.substr(closing + 1);
  const Outcome from_damaged = ReadOutcome(dir.Write("damaged.csv", damaged), columns, 1 << 20);
  CHECK(from_damaged.rows.size() == 1999);
  CHECK(from_damaged.skipped == 1);
}
