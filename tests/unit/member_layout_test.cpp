// Reading JSON lines by their key layout (EventReader::set_members): every line read, skipped and
// reported exactly as the general walk reads it, on hand-made lines that change or break the
// layout and on generated archives of several tables, clean and damaged.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "runtime/event_reader.h"
#include "tests/unit/archive_util.h"
#include "tools/gen-events/generator.h"

using namespace huntc;

namespace {

// Everything one read gives: each row as text (every column by its type), the issues, the stats.
struct Outcome {
  std::vector<std::string> rows;
  std::vector<std::string> issues;
  ReadStats stats;
};

std::string Cell(const Column& c, size_t row) {
  if (c.IsNull(row)) return "null";
  switch (c.type()) {
    case Type::Bool: return c.BoolAt(row) ? "true" : "false";
    case Type::Int: return std::to_string(c.IntAt(row));
    case Type::Long:
    case Type::DateTime:
    case Type::TimeSpan: return std::to_string(c.LongAt(row));
    case Type::Real:
    case Type::Decimal: return fmt::format("{}", c.RealAt(row));
    default: return fmt::format("'{}'", c.StringAt(row));
  }
}

// `others`: tables read besides `table`, whose rows are told by their table's number.
Outcome ReadFile(const std::string& path, const std::string& table, const std::vector<ColumnSpec>& columns,
                 bool members, size_t chunk = size_t{1} << 20, bool raw = true,
                 const std::vector<TableColumns>& others = {}) {
  std::vector<TableColumns> tables = {{table, columns}};
  tables.insert(tables.end(), others.begin(), others.end());
  EventReader reader(tables);
  reader.set_members(members);
  reader.set_raw(raw);
  reader.set_chunk_bytes(chunk);
  Outcome o;
  reader.Read(
      {path, table},
      [&](size_t t, const Batch& b) {
        for (size_t row = 0; row < b.rows(); ++row) {
          std::string text = t > 0 ? fmt::format("{}:", t) : "";
          for (const Column& c : b.columns) text += Cell(c, row) + "|";
          o.rows.push_back(text);
        }
      },
      [&](const InputIssue& issue) {
        o.issues.push_back(fmt::format("{} {} {}", issue.line, static_cast<int>(issue.kind), issue.message));
      },
      o.stats);
  return o;
}

void Same(const Outcome& a, const Outcome& b) {
  CHECK(a.rows == b.rows);
  CHECK(a.issues == b.issues);
  CHECK(a.stats.lines == b.stats.lines);
  CHECK(a.stats.lines_skipped == b.stats.lines_skipped);
  CHECK(a.stats.records == b.stats.records);
  CHECK(a.stats.other_records == b.stats.other_records);
  CHECK(a.stats.values_wrong_type == b.stats.values_wrong_type);
  CHECK(a.stats.skipped == b.stats.skipped);
  CHECK(a.stats.issues == b.stats.issues);
}

// Reads `path` with and without layouts, and with layouts but no raw walk (set_raw), at several
// chunk sizes (records across windows and reads), checks all agree, and returns the outcome.
Outcome ReadBothWays(const std::string& path, const std::string& table, const std::vector<ColumnSpec>& columns,
                     const std::vector<TableColumns>& others = {}) {
  const size_t whole = size_t{1} << 20;
  const Outcome by_layout = ReadFile(path, table, columns, true, whole, true, others);
  Same(by_layout, ReadFile(path, table, columns, false, whole, true, others));
  Same(by_layout, ReadFile(path, table, columns, true, whole, false, others));
  for (const size_t chunk : {size_t{4099}, size_t{997}}) {
    INFO("chunk " << chunk);
    Same(ReadFile(path, table, columns, true, chunk, true, others), by_layout);
  }
  return by_layout;
}

std::string Generated(gen::Table table, uint64_t events) {
  std::string text;
  gen::GenOptions opt;
  opt.events = events;
  opt.now = *ParseDateTime("2026-11-20T00:00:00Z");
  opt.tables = {table};
  opt.scenarios = {gen::Scenario::kLolbin, gen::Scenario::kEncodedCradle};
  gen::Generate(opt, [&](gen::Table of, std::string_view chunk) {
    if (of == table) text += chunk;
    return true;
  });
  return text;
}

// `text` with one line in `every` (the `which`-th of each `every`) damaged: a byte changed to,
// or added from, `bytes`, or one removed.
std::string Damaged(const std::string& text, size_t every, size_t which, std::string_view bytes,
                    std::mt19937& random) {
  std::string damaged;
  for (size_t at = 0, line = 0; at < text.size(); ++line) {
    const size_t nl = text.find('\n', at);
    std::string one = text.substr(at, nl - at);
    at = nl + 1;
    if (line % every == which && !one.empty()) {
      const size_t where = random() % one.size();
      switch (random() % 3) {
        case 0: one[where] = bytes[random() % bytes.size()]; break;
        case 1: one.insert(where, 1, bytes[random() % bytes.size()]); break;
        default: one.erase(where, 1); break;
      }
    }
    damaged += one + "\n";
  }
  return damaged;
}

}  // namespace

TEST_CASE("members: lines that change or break the layout read as the general walk reads them",
          "[runtime][reader][members]") {
  test::TempDir dir;
  const std::vector<ColumnSpec> columns = {{"a", Type::String}, {"n", Type::Long}, {"d", Type::Dynamic},
                                           {"r", Type::Real}};
  // Lines that keep the layout {"a","x","n","y","d"}, change it or break it, each after one that
  // has it: so that each is read by the layout when the reader has one.
  const std::string same = R"({"a":"s0","x":"unread","n":1,"y":true,"d":{"k":[1,2]}})";
  const std::vector<std::string> lines = {
      same,
      R"({"a":"s1","x":"u","n":2,"y":false,"d":null})",
      R"({"x":"u","a":"reordered","n":3,"y":null,"d":1})",
      same,
      R"({"a":"renamed n","x":"u","m":4,"y":1,"d":2})",  // n renamed m at the same position
      same,
      R"({"a":"first","x":"u","n":5,"y":1,"a":"last"})",  // one member fewer, a key repeated
      R"({"a":"first","x":"u","a":"last","y":1,"d":3})",  // a repeated at x's position
      R"({"a":"dup","x":"u","n":6,"y":1,"d":4,"n":7})",    // one member more, n repeated
      same,
      R"({"a":"esc\"aped\\\n\t","x":"\\\"","n":8,"y":1,"d":"{\"j\":1}"})",
      R"({"\u0061":"unicode-escaped key","x":"u","n":9,"y":1,"d":5})",
      R"({"a\"":"escaped quote in key","x":"u","n":10,"y":1,"d":6})",
      same,
      "{\"a\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\"x\":\"\xc3\xa9\",\"n\":11,\"y\":1,\"d\":7}",
      "{\"a\":\"bad utf-8 \xc3\",\"x\":\"u\",\"n\":12,\"y\":1,\"d\":8}",
      "{\"a\":\"s\",\"x\":\"bad utf-8 unread \xff\",\"n\":13,\"y\":1,\"d\":9}",
      "{\"a\":\"control\x01\",\"x\":\"u\",\"n\":14,\"y\":1,\"d\":10}",
      "{\"a\":\"s\",\"x\":\"unread control\x1f\",\"n\":15,\"y\":1,\"d\":11}",
      same,
      R"({"a":"s","x":01,"n":16,"y":1,"d":12})",      // unread: a bad number
      R"({"a":"s","x":1.,"n":17,"y":1,"d":13})",
      R"({"a":"s","x":-,"n":18,"y":1,"d":14})",
      R"({"a":"s","x":"unclosed,"n":19,"y":1,"d":15})",
      R"({"a":"s","x":"u","n":20,"y":tru,"d":16})",    // unread: a bad literal
      R"({"a":"s","x":"u","n":21,"y":nulll,"d":17})",
      R"({"a":"s","x":"u","n":22,"y":True,"d":18})",
      R"({"a":"s","x":,"n":23,"y":1,"d":19})",          // unread: no value
      R"({"a":"s","x":"u" "v","n":24,"y":1,"d":20})",   // unread: two values
      R"({"a":"s","x":"u","n":25,"y":1,"d":21,})",
      R"({"a":"s","x":"u","n":26,"y":1,"d":22}})",
      R"({"a":"s","x":"u","n":27,"y":1,"d":23} x)",
      R"({"a":"s","x":"u","n":"28","y":1,"d":24})",   // wrong type: "28" converts, as text
      R"({"a":"s","x":"u","n":"x29","y":1,"d":25})",  // wrong type: null, reported
      R"({"a":"s","x":"u","n":30.5,"y":1,"d":26})",
      same,
      R"({"a":"s","x":{"deep":[{"er":[1,{"est":null}]}]},"n":31,"y":[],"d":{}})",  // nested unread
      R"({"a":"s","x":{"deep":[1,]},"n":32,"y":1,"d":27})",                       // bad nested unread
      R"({"a":"s","x":{"k" 1},"n":33,"y":1,"d":28})",
      R"({"a":"s","x":[1 2],"n":34,"y":1,"d":29})",
      same + "\r",
      R"(  { "a" : "spaced" , "x" : "u" , "n" : 35 , "y" : 1 , "d" : 30 }  )",
      "{\t\"a\":\"tabbed\",\"x\":\"u\",\"n\":36,\"y\":1,\"d\":31}\r",
      "{}",
      same,
      "",
      R"({"a":"s","x":"u","n":37,"y":1})",  // a prefix of the layout
      R"({"a":"Type marker","x":"u","n":38,"y":1,"Type":"T"})",
      R"({"a":"other table","x":"u","n":39,"y":1,"Type":"Other"})",
      // A key that may name the table is in a layout only as text, checked in every line.
      R"({"a":"Type not text","x":"u","n":43,"y":1,"Type":null})" "\n" R"({"a":"Type text","x":"u","n":44,"y":1,"Type":"Other"})",
      R"({"a":"category not text","x":"u","n":45,"y":1,"category":1})" "\n" R"({"a":"category text","x":"u","n":46,"y":1,"category":"Other"})",
      same,
      R"({"a":"s","x":"u","n":40,"y":1,"d":32,"r":2.5e3})",
      R"({"a":"s","x":"u","n":-41,"y":1,"d":33,"r":-0.5E-2})",
      same,
      R"(["not","an","object"])",
      R"({"a":"s","x":"u","n":42,"y":1,"d":34)",
      same,
  };
  // Each line in a file of its own, after two that set the layout, and before one that has it
  // (which may end the file without a newline): so that it is read by the layout.
  Outcome all;
  for (const std::string& line : lines) {
    INFO(line);
    const std::string text = same + "\n" + same + "\n" + line + "\n" + same;
    for (const std::string& content : {text + "\n", text, text + "\r"}) {
      const Outcome o = ReadBothWays(dir.Write("T.jsonl", content), "T", columns);
      if (content.back() != '\n') continue;
      all.rows.insert(all.rows.end(), o.rows.begin(), o.rows.end());
      all.stats.Add(o.stats);
    }
  }
  CHECK(all.stats.lines_skipped == 21);
  // What the general walk gives, spot-checked, so that both ways being wrong alike fails too.
  const auto has = [&](const std::string& row) { return std::find(all.rows.begin(), all.rows.end(), row) != all.rows.end(); };
  CHECK(has("'s0'|1|'{\"k\":[1,2]}'|null|"));
  CHECK(has("'reordered'|3|'1'|null|"));
  CHECK(has("'renamed n'|null|'2'|null|"));
  CHECK(has("'last'|5|null|null|"));
  CHECK(has("'last'|null|'3'|null|"));
  CHECK(has("'dup'|7|'4'|null|"));
  CHECK(has("'esc\"aped\\\n\t'|8|'{\"j\":1}'|null|"));
  CHECK(has("'spaced'|35|'30'|null|"));
  CHECK(has("'s'|-41|'33'|-0.005|"));
  CHECK(all.stats.values_wrong_type == 2);  // "x29" and 30.5
  CHECK(has("'Type not text'|43|null|null|"));
  CHECK(!has("'Type text'|44|null|null|"));
  CHECK(all.stats.other_records == 2);
}

TEST_CASE("members: a layout's keys with their colons, spaced or not, and around the vector width",
          "[runtime][reader][members]") {
  // A layout compares each key together with the colon right after it: keys whose quoted text and
  // colon fill two or three compares of 16 bytes or run past them, and lines with spaces around
  // colons (before one, a layout is not learnt from the line; after one, it is), read as the
  // general walk reads them.
  test::TempDir dir;
  const std::string k28(28, 'k'), k29(29, 'm'), k30(30, 'n'), k45(45, 'p'), k46(46, 'q');
  const std::vector<ColumnSpec> columns = {
      {k28, Type::String}, {k30, Type::Long}, {"s", Type::String}, {k45, Type::Long}};
  const auto line = [&](std::string_view colon, int n) {
    return fmt::format(R"({{"{0}"{3}"v{4}","{1}"{3}"u","{2}"{3}{4},"{5}"{3}1,"{6}"{3}2,)"
                       R"("s"{3}"w"}})",
                       k28, k29, k30, colon, n, k45, k46);
  };
  const std::vector<std::string> colons = {":", ": ", " :", " : ", ":\t"};
  std::vector<std::string> want;
  for (const std::string& first : colons) {
    for (const std::string& then : colons) {
      INFO(first << " then " << then);
      std::string text;
      for (int n = 0; n < 3; ++n) text += line(first, n) + "\n";
      for (int n = 3; n < 6; ++n) text += line(then, n) + "\n";
      text += line(first, 6);
      // A key one byte off in its last byte, and a key cut before its colon, after the layout.
      std::string off = line(first, 7);
      off[1 + k28.size()] = 'x';
      text += fmt::format("\n{}\n{}\n{{\"{}\":\"cut\",\"{}\"\n{}\n", off, line(first, 8), k28, k29,
                          line(first, 9));
      const Outcome o = ReadBothWays(dir.Write("T.jsonl", text), "T", columns);
      REQUIRE(o.rows.size() == 10);
      CHECK(o.rows[0] == "'v0'|0|'w'|1|");
      CHECK(o.rows[5] == "'v5'|5|'w'|1|");
      CHECK(o.rows[7] == "''|7|'w'|1|");  // a string column missing: empty
      CHECK(o.rows[9] == "'v9'|9|'w'|1|");
      CHECK(o.stats.lines_skipped == 1);
    }
  }
  // A key one byte off in its last byte, in each compare of 16 bytes and past them, after lines
  // that set the layout: read as another key.
  const std::vector<std::pair<std::string, std::string>> off = {{k28, "''|3|'w'|1|"},
                                                                {k30, "'v3'|null|'w'|1|"},
                                                                {k45, "'v3'|3|'w'|null|"},
                                                                {k46, "'v3'|3|'w'|1|"}};
  for (const auto& [key, row] : off) {
    INFO(key.size());
    std::string bad = line(":", 3);
    bad[bad.find(key) + key.size() - 1] = 'x';
    const std::string text = fmt::format("{}\n{}\n{}\n{}\n{}\n", line(":", 0), line(":", 1),
                                         line(":", 2), bad, line(":", 4));
    const Outcome o = ReadBothWays(dir.Write("T.jsonl", text), "T", columns);
    REQUIRE(o.rows.size() == 5);
    CHECK(o.rows[3] == row);
  }
}

TEST_CASE("members: generated archives of several tables read the same with and without layouts",
          "[runtime][reader][members]") {
  test::TempDir dir;
  for (const gen::Table table : {gen::Table::kDeviceNetworkEvents, gen::Table::kDeviceProcessEvents,
                                 gen::Table::kDeviceFileEvents, gen::Table::kDeviceEvents,
                                 gen::Table::kDeviceLogonEvents}) {
    const std::string name(gen::TableName(table));
    INFO(name);
    const std::string clean = Generated(table, 3000);
    // Columns: every third key of the first line with the type of its value, a dynamic one for
    // every object, and one no line has.
    std::vector<ColumnSpec> columns = {{"NoSuchColumn", Type::String}};
    const std::string first = clean.substr(0, clean.find('\n'));
    size_t member = 0;
    for (size_t at = first.find("\",\""); at != std::string::npos; at = first.find("\",\"", at + 1)) {
      const size_t key_end = first.find("\":", at + 3);
      if (key_end == std::string::npos) break;
      const std::string key = first.substr(at + 3, key_end - at - 3);
      if (key.find('"') != std::string::npos || member++ % 3 != 0) continue;
      const char value = first[key_end + 2];
      columns.push_back({key, value == '"' ? Type::String : value == '{' ? Type::Dynamic : Type::Long});
    }
    REQUIRE(columns.size() > 3);
    const std::string path = dir.Write(name + ".jsonl", clean);
    const Outcome o = ReadBothWays(path, name, columns);
    CHECK(o.stats.records == o.stats.lines);
    // Damaged: one line in five gets a byte changed, added or removed.
    std::mt19937 random(77);
    const std::string damaged = Damaged(clean, 5, 2, "\"\\{}[]:,\x01\t\r\xff 0en", random);
    const std::string damaged_path = dir.Write(name + "-damaged.jsonl", damaged);
    const Outcome d = ReadBothWays(damaged_path, name, columns);
    CHECK(d.stats.lines_skipped > 50);
    // A key of its own in every line (the reader then tries layouts only now and then), and in
    // every other line.
    for (const size_t every : {1, 2}) {
      std::string varied;
      for (size_t at = 0, line = 0; at < clean.size(); ++line) {
        const size_t nl = clean.find('\n', at);
        const std::string text = clean.substr(at, nl - at);
        at = nl + 1;
        varied += line % every == 0 ? fmt::format("{{\"K{}\":1,{}\n", line, text.substr(1)) : text + "\n";
      }
      const Outcome v = ReadBothWays(dir.Write(name + "-varied.jsonl", varied), name, columns);
      CHECK(v.rows == o.rows);
    }
  }
}

using test::RawWalks;

TEST_CASE("raw walk: escapes, look-alike keys, numbers and literals read as stage 1 reads them",
          "[runtime][reader][members][raw]") {
  test::TempDir dir;
  const std::vector<ColumnSpec> columns = {{"a", Type::String}, {"n", Type::Long}, {"d", Type::Dynamic},
                                           {"r", Type::Real}};
  const std::string same = R"({"a":"s0","x":"unread","n":1,"y":true,"d":null,"r":0.5})";
  const std::vector<std::string> lines = {
      R"({"a":"ends in \\","x":"u","n":1,"y":1,"d":2,"r":1})",
      R"({"a":"ends in \\\\","x":"u\\","n":2,"y":1,"d":2,"r":1})",
      R"({"a":"quote \" then \\\"","x":"\\\\\"","n":3,"y":1,"d":2,"r":1})",
      R"({"a":"\\\\\\\"","x":"\"","n":4,"y":1,"d":"\\","r":1})",
      R"({"a":"\",\"x\":\"u\",\"n\":99,\"y\":1","x":"u","n":5,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"\",\"n\":98,\"d\":\"","n":6,"y":1,"d":2,"r":1})",
      R"({"a":"\",\"n\":97}","x":"u","n":7,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"}","n":8,"y":1,"d":"{","r":1})",
      R"({"a":"","x":"","n":9,"y":1,"d":"","r":1})",
      R"({"a":"\/\b\f\n\r\t","x":"\/","n":10,"y":1,"d":2,"r":1})",
      R"({"a":"\u00e9 unicode","x":"u","n":11,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"\u0022","n":12,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"bad \x escape","n":13,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"u","n":-14,"y":1,"d":-2,"r":-1.5e3})",
      R"({"a":"s","x":"u","n":0,"y":-0,"d":0e0,"r":-0})",
      R"({"a":"s","x":"u","n":01,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":-01,"n":16,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"u","n":17,"y":1,"d":2,"r":01.5})",
      R"({"a":"s","x":+1,"n":18,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":.5,"n":19,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":1e,"n":20,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":0x10,"n":21,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":1E+2,"n":22,"y":1,"d":2,"r":1.5E-2})",
      R"({"a":"s","x":123456789012345678901234567890,"n":23,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"u","n":1234567890123456789,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"u","n":true,"y":false,"d":true,"r":null})",
      R"({"a":null,"x":null,"n":null,"y":null,"d":null,"r":null})",
      R"({"a":true,"x":false,"n":25,"y":true,"d":false,"r":true})",
      R"({"a":"s","x":"u","n":26 ,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"u","n": 27,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"u" ,"n":28,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"u","n":29,"y":1,"d":2,"r":1} )",
      R"({"a":"s","x":"u","n":30,"y":1,"d":2,"r":1}})",
      R"({"a":"s","x":"u","n":31,"y":1,"d":{"r":1},"r":1})",
      R"({"a":"s","x":["u"],"n":32,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"u","n":33,"y":1,"d":2,"r":1,"z":3})",
      R"({"a":"s","x":"u","n":34,"y":1,"d":2})",
      R"({"a":"s","x":"u","n":35,"y":1,"r":1,"d":2})",
      R"({"a":"s","x":"u","n":36,"y":1,"d":2,"r":)",
      R"({"a":"s","x":"u","n":37,"y":1,"d":2,"r":1)",
      R"({"a":"s","x":"u,"n":38,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"u","n":39,"y":tru,"d":2,"r":1})",
      R"({"a":"s","x":"u","n":40,"y":1,"d":2,"r":1}x)",
      R"({"a":"s","x":1,2,"n":48,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":1}"n":49,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":1"n":50,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"u","n":51"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"u","n":52,,"y":1,"d":2,"r":1})",
      R"({"a":"s","x":"u","n":53,"y":1,"d":2,"r":1,})",
      R"({"a":"s","x":"u","n":54,"y":1,"d":2,"r":1 ,"q":1})",
      R"({"a":"s","x":"u","n":55,"y":1,"d":2,"r":1]})",
      R"({"a":"s","x":"u","n":56,"y":1,"d":2,"r":1}"z")",
      R"({"a":"s","x":"u","n":57,"y":1,"d":2,"r":"1"})",
      "{\"a\":\"s\",\"x\":\"tab\tin\",\"n\":41,\"y\":1,\"d\":2,\"r\":1}",
      "{\"a\":\"s\",\"x\":\"u\",\"n\":42,\"y\":1,\"d\":2,\"r\":1}\r",
      "{\"a\":\"s\",\"x\":\"cr\r\",\"n\":43,\"y\":1,\"d\":2,\"r\":1}",
      "{\"a\":\"s\",\"x\":\"u\",\"n\":44,\"y\":1,\"d\":2,\"r\":1}\r\r",
      "{\"a\":\"caf\xc3\xa9\",\"x\":\"\xe2\x82\xac\",\"n\":45,\"y\":1,\"d\":2,\"r\":1}",
      "{\"a\":\"s\",\"x\":\"bad \xc3(\",\"n\":46,\"y\":1,\"d\":2,\"r\":1}",
      "{\"a\":\"s\",\"x\":\"u\",\"n\":47,\"y\":1,\"d\":2,\"r\":1}\xff",
      "",
      "{",
  };
  Outcome all;
  for (const std::string& line : lines) {
    INFO(line);
    const std::string text = same + "\n" + same + "\n" + line + "\n" + same;
    for (const std::string& content : {text + "\n", text, text + "\r\n"}) {
      const Outcome o = ReadBothWays(dir.Write("T.jsonl", content), "T", columns);
      all.rows.insert(all.rows.end(), o.rows.begin(), o.rows.end());
      all.stats.Add(o.stats);
    }
  }
  if (RawWalks()) CHECK(all.stats.lines_walked > 2 * lines.size());
  // What stage 1 and the general walk give, spot-checked, so that all ways being wrong alike fails.
  const auto has = [&](const std::string& row) { return std::find(all.rows.begin(), all.rows.end(), row) != all.rows.end(); };
  CHECK(has("'ends in \\'|1|'2'|1|"));
  CHECK(has("'quote \" then \\\"'|3|'2'|1|"));
  CHECK(has("'\\\\\\\"'|4|'\"\\\\\"'|1|"));
  CHECK(has("'\",\"x\":\"u\",\"n\":99,\"y\":1'|5|'2'|1|"));
  CHECK(has("'s'|6|'2'|1|"));
  CHECK(has("'/\b\f\n\r\t'|10|'2'|1|"));
  CHECK(has("'s'|-14|'-2'|-1500|"));
  CHECK(has("'s'|22|'2'|0.015|"));
  CHECK(has("'s'|26|'2'|1|"));
  CHECK(has("'s'|31|'{\"r\":1}'|1|"));
  CHECK(has("'s'|42|'2'|1|"));
  CHECK(!has("'s'|16|'2'|1|"));
  CHECK(!has("'s'|43|'2'|1|"));
}

TEST_CASE("raw walk: randomly damaged lines and lines across windows read as stage 1 reads them",
          "[runtime][reader][members][raw]") {
  test::TempDir dir;
  const std::vector<ColumnSpec> columns = {{"Path", Type::String}, {"Port", Type::Long}, {"Extra", Type::Dynamic},
                                           {"Score", Type::Real}, {"Ok", Type::Bool}};
  std::mt19937 random(14);
  // Lines of one layout whose strings hold escapes (runs of backslashes before a quote among
  // them) and key look-alikes, of lengths that put window ends (64 KiB, and the reads of
  // ReadBothWays) anywhere in a line.
  const std::vector<std::string> texts = {"C:\\\\Windows\\\\", "a\\\"b", "\\\\\\\"", "\\\",\\\"Port\\\":1",
                                          "}", "", "plain text"};
  std::string clean;
  while (clean.size() < (size_t{3} << 16)) {
    std::string path;
    for (size_t k = random() % 40; k > 0; --k) path += texts[random() % texts.size()];
    // One line in 40 has a \u escape, which the raw walk leaves to stage 1.
    if (random() % 40 == 0) path += "\\u00e9";
    clean += fmt::format(R"({{"Path":"{}","Unread":"{}","Port":{},"Extra":{},"Score":{}e{},"Ok":{}}})",
                         path, texts[random() % texts.size()], static_cast<int>(random() % 2000) - 1000,
                         random() % 10 == 0 ? "{\"k\":[1]}" : "null", random() % 100, random() % 5,
                         random() % 2 ? "true" : "false");
    clean += random() % 50 == 0 ? "\r\n" : "\n";
  }
  const Outcome o = ReadBothWays(dir.Write("T.jsonl", clean), "T", columns);
  CHECK(o.stats.lines_skipped == 0);
  if (RawWalks()) CHECK(o.stats.lines_walked * 2 > o.stats.lines);
  // Damaged: one line in four gets a byte changed, added or removed; the file ends in a cut line.
  std::string damaged = Damaged(clean, 4, 1, "\"\\{}[]:,\x01\t\r\xff 0-.eEu", random);
  damaged += clean.substr(0, clean.find('\n') / 2);
  const Outcome d = ReadBothWays(dir.Write("T.jsonl", damaged), "T", columns);
  CHECK(d.stats.lines_skipped > 100);
  if (RawWalks()) CHECK(d.stats.lines_walked * 2 > d.stats.lines);
}

TEST_CASE("raw walk: arrays and objects, unread or staged, read as stage 1 reads them",
          "[runtime][reader][members][raw]") {
  test::TempDir dir;
  const std::vector<ColumnSpec> columns = {{"a", Type::String}, {"n", Type::Long}, {"d", Type::Dynamic}};
  const std::string same = R"({"a":"s0","x":"unread","n":1,"d":null})";
  const auto nested = [](int depth) { return std::string(depth, '[') + "1" + std::string(depth, ']'); };
  const std::vector<std::string> values = {
      "{}", "[]", R"({"k":1})", "[1,2,3]", "[true,false,null]", "[-1.5e3,0,1E+2]", R"(["a","b"])",
      R"({"k":"v","j":[1,{"m":null}],"e":{}})", "[[[]]]", R"({"k\"q":"\"}","e\\":"\\"})", R"({"k":"]"})",
      R"({"":""})", "[{},[],{}]", R"({"p":"C:\\Windows\\"})", R"(["\u00e9"])", "{\"k\":\"tab\tin\"}",
      nested(62), nested(63), nested(64), nested(65),
      // Not what stage 1 and the general walk take, or spaced: left to them.
      R"({ "k":1})", R"({"k" :1})", R"({"k": 1})", R"({"k":1 })", "[1 ]", "[ 1]", "[ ]", R"({"k":"v" })",
      "[1,]", "[,1]", "{,}", R"({"k"})", R"({"k":})", R"({"k":1,})", "[1}", R"({"k":1])", "[1:2]", "{1:2}",
      R"(["a":1])", R"({"k":tru})", "[01]", "[1.]", "[-]", "[truex]", "[1]]", "[[1]", R"({"k":{"j":1})",
      R"({"k":"v"}})", R"({"k":"v",})", R"({"k""v"})", R"([""""])", R"({"k":1}x)", "[1", "{", "[",
  };
  Outcome all;
  for (const std::string& value : values) {
    // In the unread member x, then in a string, a long and a dynamic column.
    for (const int where : {1, 0, 2, 3}) {
      std::vector<std::string> member = {R"("s")", R"("u")", "2", "3"};
      member[static_cast<size_t>(where)] = value;
      const std::string line = fmt::format(R"({{"a":{},"x":{},"n":{},"d":{}}})", member[0], member[1], member[2],
                                           member[3]);
      INFO(line);
      const std::string text = same + "\n" + same + "\n" + line + "\n" + line + "\n" + same;
      for (const std::string& content : {text + "\n", text + "\r\n"}) {
        const Outcome o = ReadBothWays(dir.Write("T.jsonl", content), "T", columns);
        all.rows.insert(all.rows.end(), o.rows.begin(), o.rows.end());
        all.stats.Add(o.stats);
      }
    }
  }
  // Each valid container walked raw (the lines after the first of a layout), in every place.
  if (RawWalks()) CHECK(all.stats.lines_walked > values.size() * 8);
  const auto has = [&](const std::string& row) { return std::find(all.rows.begin(), all.rows.end(), row) != all.rows.end(); };
  CHECK(has(R"('s'|2|'{"k":"v","j":[1,{"m":null}],"e":{}}'|)"));
  CHECK(has(R"('[1,2,3]'|2|'3'|)"));
  CHECK(has(R"('s'|null|'3'|)"));
  CHECK(has("'s'|2|'" + nested(63) + "'|"));
  CHECK(all.stats.values_wrong_type > 0);
  CHECK(all.stats.lines_skipped > 0);
}

TEST_CASE("members: lines whose Type names their table read by the layout as the general walk reads them",
          "[runtime][reader][members][raw]") {
  test::TempDir dir;
  // A Log Analytics export: every line names its table by `Type`, which the layout then checks,
  // as a column read or not. "U" is a table read too, "Other" one nobody reads.
  const std::vector<ColumnSpec> plain = {{"a", Type::String}, {"n", Type::Long}, {"d", Type::Dynamic}};
  const std::vector<ColumnSpec> typed = {{"a", Type::String}, {"n", Type::Long}, {"d", Type::Dynamic},
                                         {"Type", Type::String}};
  const std::vector<TableColumns> others = {{"U", {{"a", Type::String}, {"Type", Type::String}}}};
  const std::string same = R"({"a":"s0","x":"unread","n":1,"Type":"T","d":{"k":[1,2]}})";
  const std::vector<std::string> lines = {
      same,
      R"({"a":"s1","x":"u","n":2,"Type":"T","d":null})",
      R"({"a":"other","x":"u","n":3,"Type":"Other","d":1})",
      R"({"a":"U","x":"u","n":4,"Type":"U","d":2})",
      R"({"a":"case","x":"u","n":5,"Type":"t","d":3})",
      R"({"a":"longer","x":"u","n":6,"Type":"T2","d":4})",
      R"({"a":"shorter","x":"u","n":7,"Type":"","d":5})",
      R"({"a":"escaped","x":"u","n":8,"Type":"\u0054","d":6})",  // T, which only the parser sees
      R"({"a":"escaped /","x":"u","n":9,"Type":"T\/","d":7})",
      R"({"a":"spaced","x":"u","n":10,"Type":"T" ,"d":8})",
      R"({"a":"not text","x":"u","n":11,"Type":null,"d":9})",
      R"({"a":"number","x":"u","n":12,"Type":1,"d":10})",
      R"({"a":"object","x":"u","n":13,"Type":{"T":1},"d":11})",
      R"({"a":"last wins","x":"u","n":14,"Type":"Other","Type":"T"})",
      R"({"a":"last loses","x":"u","n":15,"Type":"T","Type":"Other"})",
      R"({"a":"no type","x":"u","n":16,"y":"T","d":12})",
      R"({"a":"category","x":"u","n":17,"category":"T","d":13})",
      R"({"a":"unclosed","x":"u","n":18,"Type":"T,"d":14})",
      R"({"a":"cut","x":"u","n":19,"Type":"T")",
  };
  for (const std::vector<ColumnSpec>* columns : {&plain, &typed}) {
    INFO("Type read: " << (columns == &typed));
    Outcome all;
    for (const std::string& line : lines) {
      INFO(line);
      // After two lines that set the layout (the first of an input is read alone), and before
      // three that have it (the first learns it again when the line broke it).
      const std::string text = same + "\n" + same + "\n" + line + "\n" + same + "\n" + same + "\n" + same + "\n";
      const Outcome o = ReadBothWays(dir.Write("T.jsonl", text), "T", *columns, others);
      all.rows.insert(all.rows.end(), o.rows.begin(), o.rows.end());
      all.stats.Add(o.stats);
    }
    CHECK(all.stats.lines_skipped == 2);
    // Other, t, T2, "", T/ and "last loses"; as a string column, 1 and {"T":1} too.
    CHECK(all.stats.other_records == (columns == &typed ? 8 : 6));
    const auto has = [&](const std::string& row) {
      return std::find(all.rows.begin(), all.rows.end(), row) != all.rows.end();
    };
    const std::string type = columns == &typed ? "'T'|" : "";
    CHECK(has("'s1'|2|null|" + type));
    CHECK(has("1:'U'|'U'|"));
    CHECK(has("'escaped'|8|'6'|" + type));
    CHECK(has("'spaced'|10|'8'|" + type));
    CHECK(has("'last wins'|14|null|" + type));
    CHECK(!has("'last loses'|15|null|" + type));
    CHECK(has("'not text'|11|'9'|" + (columns == &typed ? std::string("''|") : "")));
    CHECK(has("'no type'|16|'12'|" + (columns == &typed ? std::string("''|") : "")));
    // The lines of the table's layout, Type and all, were walked raw where the CPU allows: two
    // at least after each line.
    if (RawWalks()) CHECK(all.stats.lines_walked > 2 * lines.size());
  }
}
