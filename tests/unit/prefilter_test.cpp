// The raw-bytes literal prefilter: which scan filters give which literal sets (and which give
// none), the reader with a prefilter against the reader without one on generated, damaged and
// escaped lines, and whole runs of the bench hunts and the rule pack with and without it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "runtime/event_reader.h"
#include "runtime/needle_scan.h"
#include "runtime/exec/prefilter.h"
#include "runtime/strings.h"
#include "tests/unit/archive_util.h"
#include "tests/unit/run_util.h"
#include "tools/gen-events/generator.h"

using namespace huntc;
using exec::Expr;
using exec::Fn;
using exec::Value;
namespace fs = std::filesystem;

namespace {

const int64_t kNow = *ParseDateTime("2026-11-20T00:00:00Z");
// Columns of generated DeviceNetworkEvents lines that the needles of the reader tests look at.
const std::vector<ColumnSpec> kProcessColumns = {{"InitiatingProcessFileName", Type::String},
                                                 {"InitiatingProcessCommandLine", Type::String},
                                                 {"RemotePort", Type::Int},
                                                 {"Timestamp", Type::DateTime}};

const std::vector<ColumnSpec> kSchema = {{"Name", Type::String}, {"Port", Type::Int}, {"Extra", Type::Dynamic},
                                         {"Line", Type::String}};

Expr Col(int c) { return Expr::Column(c, kSchema[static_cast<size_t>(c)].type); }
Expr Str(const char* s) { return Expr::Constant(Value::String(s)); }
Expr Test(Fn fn, std::vector<Expr> args) { return Expr::Call(fn, Type::Bool, std::move(args)); }

std::optional<LineNeeds> Literals(const Expr& e) { return exec::LineLiterals(e, kSchema); }
// Needs of one group.
LineNeeds Set(LiteralGroup group) { return LineNeeds{LiteralAlternative{std::move(group)}}; }

}  // namespace

TEST_CASE("prefilter: the literal sets scan filters give", "[prefilter]") {
  // Each string test of a string column with a constant needle gives it, folded to lower case.
  for (const Fn fn : {Fn::Eq, Fn::EqCi, Fn::Has, Fn::HasCs, Fn::HasPrefix, Fn::HasPrefixCs, Fn::HasSuffix,
                      Fn::HasSuffixCs, Fn::Contains, Fn::ContainsCs, Fn::StartsWith, Fn::StartsWithCs,
                      Fn::EndsWith, Fn::EndsWithCs}) {
    INFO(exec::FnName(fn));
    CHECK(Literals(Test(fn, {Col(0), Str("Cmd.EXE")})) == Set({"cmd.exe"}));
  }
  CHECK(Literals(Test(Fn::Eq, {Str("x1"), Col(0)})) == Set({"x1"}));
  CHECK(Literals(Test(Fn::InCi, {Col(0), Str("b.exe"), Str("A.exe"), Str("a.exe")})) == Set({"a.exe", "b.exe"}));
  CHECK(Literals(Test(Fn::In, {Col(3), Str("x y")})) == Set({"x y"}));
  CHECK(Literals(Test(Fn::HasAny, {Col(0), Str("ab"), Expr::Constant(Value::Dynamic(R"(["cd",null,"Ef"])"))})) ==
        Set({"ab", "cd", "ef"}));
  // has_all needs every needle.
  CHECK(Literals(Test(Fn::HasAll, {Col(0), Str("ab"), Str("-encoded")})) == LineNeeds{{{"-encoded"}, {"ab"}}});
  // A conjunction needs what each conjunct with needs does; others may have none.
  const Expr port = Test(Fn::Gt, {Col(1), Expr::Constant(Value::Integer(Type::Int, 5))});
  CHECK(Literals(Test(Fn::And, {port, Test(Fn::Has, {Col(0), Str("abc")}), Test(Fn::Has, {Col(3), Str("abcdef")})})) ==
        LineNeeds{{{"abc"}, {"abcdef"}}});
  CHECK(Literals(Test(Fn::And, {port, Test(Fn::InCi, {Col(0), Str("abcd"), Str("ab")}),
                                Test(Fn::Has, {Col(3), Str("xyz")})})) == LineNeeds{{{"ab", "abcd"}, {"xyz"}}});
  // A disjunction collects its branches' alternatives, when every branch has needs.
  const Expr abc = Test(Fn::Has, {Col(0), Str("abc")});
  CHECK(Literals(Test(Fn::Or, {abc, Test(Fn::And, {port, Test(Fn::Contains, {Col(3), Str("-enc")}), abc})})) ==
        LineNeeds{{{"abc"}}, {{"-enc"}, {"abc"}}});
  CHECK(Literals(Test(Fn::Or, {abc, port})) == std::nullopt);
  // Conjunctions of disjunctions multiply out, up to 16 alternatives; beyond, a conjunct is
  // left out. A disjunction of more than 16 becomes one group of each one's best.
  std::vector<Expr> five;
  for (const char* needle : {"a", "b", "c", "d", "e"}) five.push_back(Test(Fn::Has, {Col(0), Str(needle)}));
  const Expr or5 = Test(Fn::Or, five);
  std::optional<LineNeeds> product = Literals(Test(Fn::And, {or5, abc}));
  REQUIRE(product);
  CHECK(product->size() == 5);
  CHECK((*product)[0] == LiteralAlternative{{"a"}, {"abc"}});
  CHECK(Literals(Test(Fn::And, {or5, abc, or5})) == product);
  std::vector<Expr> many = five;
  for (int i = 0; i < 12; ++i) many.push_back(Test(Fn::Has, {Col(3), Str(std::to_string(100 + i).c_str())}));
  const std::optional<LineNeeds> merged = Literals(Test(Fn::Or, many));
  REQUIRE(merged);
  REQUIRE(merged->size() == 1);
  REQUIRE((*merged)[0].size() == 1);
  CHECK((*merged)[0][0].size() == 17);

  // No set: negations, other tests, other columns, needles the raw line may not show as written.
  const Expr has = Test(Fn::Has, {Col(0), Str("abc")});
  CHECK(Literals(Test(Fn::Not, {has})) == std::nullopt);
  CHECK(Literals(Test(Fn::Ne, {Col(0), Str("abc")})) == std::nullopt);
  CHECK(Literals(Test(Fn::MatchesRegex, {Col(0), Str("abc")})) == std::nullopt);
  CHECK(Literals(port) == std::nullopt);
  CHECK(Literals(Test(Fn::Has, {Col(2), Str("abc")})) == std::nullopt);  // a dynamic column
  CHECK(Literals(Test(Fn::Has, {Col(0), Col(3)})) == std::nullopt);
  CHECK(Literals(Test(Fn::Has, {Expr::Call(Fn::ToLower, Type::String, {Col(0)}), Str("abc")})) == std::nullopt);
  for (const char* needle : {"", "a\"b", "a\\b", "c:/x", "tab\there", "caf\xC3\xA9", "\x7f"}) {
    INFO(needle);
    CHECK(Literals(Test(Fn::Contains, {Col(0), Str(needle)})) == std::nullopt);
    CHECK(Literals(Test(Fn::InCi, {Col(0), Str("fine"), Str(needle)})) == std::nullopt);
  }
  CHECK(Literals(Test(Fn::Eq, {Col(0), Str("")})) == std::nullopt);
  CHECK(Literals(Test(Fn::InCi, {Col(0)})) == std::nullopt);
  CHECK(Literals(Test(Fn::HasAll, {Col(0)})) == std::nullopt);
  CHECK(Literals(Test(Fn::HasAny, {Col(0), Expr::Constant(Value::Dynamic(R"(["ok",["nested"]])"))})) == std::nullopt);

  // The filter directly above a Scan gives the scan's set; a Scan under anything else has none.
  exec::PlanPtr scan = exec::Scan("T", kSchema);
  const exec::PlanNode* scan_node = scan.get();
  exec::PlanPtr filtered = exec::Filter(std::move(scan), has);
  CHECK(exec::ScanLiterals(*filtered, *scan_node) == Set({"abc"}));
  CHECK(exec::DescribeNeeds(LineNeeds{{{"a", "b"}, {"c"}}, {{"d"}}}) == R"(one of ("a", "b") and "c", or "d")");
  exec::PlanPtr bare = exec::Scan("T", kSchema);
  CHECK(exec::ScanLiterals(*bare, *bare) == std::nullopt);
}

TEST_CASE("prefilter: the reader dictionary-encodes the string columns a scan filter reads", "[prefilter][dictionary]") {
  // Name under a call, Line under `not`; Port is no string, Extra dynamic: neither is encoded.
  const Expr predicate = Test(Fn::And, {Test(Fn::Contains, {Col(0), Str("abc")}),
                                        Test(Fn::Not, {Test(Fn::Eq, {Col(3), Str("x")})}),
                                        Test(Fn::Gt, {Col(1), Expr::Constant(Value::Integer(Type::Int, 1))}),
                                        Test(Fn::Contains, {Col(2), Str("y")})});
  CHECK(exec::PredicateDictionary(predicate, kSchema) == std::vector<bool>{true, false, false, true});
  CHECK(exec::PredicateDictionary(Test(Fn::Gt, {Col(1), Expr::Constant(Value::Integer(Type::Int, 1))}), kSchema) ==
        std::vector<bool>{false, false, false, false});
  exec::PlanPtr scan = exec::Scan("T", kSchema);
  const exec::PlanNode* scan_node = scan.get();
  exec::PlanPtr filtered = exec::Filter(std::move(scan), predicate);
  CHECK(exec::ScanDictionary(*filtered, *scan_node) == std::vector<bool>{true, false, false, true});
  CHECK(exec::ScanDictionary(*filtered->inputs[0], *scan_node).empty());  // a bare Scan: nothing
  // A summarize looks up a lone string key and dcount's and make_set's strings per distinct value;
  // of two keys, neither.
  const auto spec = [](exec::AggKind kind, int column) {
    exec::AggregateSpec s;
    s.kind = kind;
    s.args.push_back(Col(column));
    s.names = {"A"};
    return s;
  };
  exec::PlanPtr lone = exec::Scan("T", kSchema);
  const exec::PlanNode* lone_scan = lone.get();
  exec::PlanPtr by_line = exec::Aggregate(std::move(lone), {{"Line", Col(3)}}, {});
  CHECK(exec::ScanDictionary(*by_line, *lone_scan) == std::vector<bool>{false, false, false, true});
  exec::PlanPtr two = exec::Scan("T", kSchema);
  const exec::PlanNode* two_scan = two.get();
  exec::PlanPtr two_keys = exec::Aggregate(exec::Filter(std::move(two), Test(Fn::Contains, {Col(0), Str("abc")})),
                                           {{"Line", Col(3)}, {"Port", Col(1)}},
                                           {spec(exec::AggKind::DCount, 3), spec(exec::AggKind::Sum, 1)});
  CHECK(exec::ScanDictionary(*two_keys, *two_scan) == std::vector<bool>{true, false, false, true});
  exec::PlanPtr sums = exec::Scan("T", kSchema);
  const exec::PlanNode* sums_scan = sums.get();
  exec::PlanPtr by_two = exec::Aggregate(std::move(sums), {{"Line", Col(3)}, {"Name", Col(0)}},
                                         {spec(exec::AggKind::MakeSet, 0)});
  CHECK(exec::ScanDictionary(*by_two, *sums_scan) == std::vector<bool>{true, false, false, false});
  // Two scans of one table share a read: it encodes what either wants.
  TableColumns table{"T", {{"Line", Type::String}, {"Name", Type::String}, {"Other", Type::String}}};
  AddDictionary(table, {1, 0}, {true, false});
  AddDictionary(table, {0}, {true});
  CHECK(table.dictionary == std::vector<bool>{true, true});
}

namespace {

// Everything one read gives: each row as text, the issues as "line kind" strings, the stats.
struct Outcome {
  std::vector<std::string> rows;
  std::set<std::string> issues;
  ReadStats stats;
};

Outcome ReadFile(const std::string& path, const std::vector<ColumnSpec>& columns,
                 const LineNeeds* literals, size_t chunk, const std::string& table = "DeviceNetworkEvents",
                 bool skim = true, uint64_t begin = 0, uint64_t end = UINT64_MAX) {
  EventReader reader({{"DeviceNetworkEvents", columns}});
  reader.set_chunk_bytes(chunk);
  reader.set_skim(skim);
  if (literals) REQUIRE(reader.set_prefilter({*literals}));
  Outcome o;
  reader.Read(
      {path, table, begin, end},
      [&](size_t, const Batch& b) {
        for (size_t row = 0; row < b.rows(); ++row) {
          std::string text;
          for (const Column& c : b.columns) {
            text += c.IsNull(row) ? std::string("null") : c.type() == Type::String ? std::string(c.StringAt(row)) : "v";
            text += '|';
          }
          o.rows.push_back(text);
        }
      },
      [&](const InputIssue& issue) { o.issues.insert(fmt::format("{} {}", issue.line, static_cast<int>(issue.kind))); },
      o.stats);
  return o;
}

// The rows a filter asking `needs` of the row's values (case-insensitively) keeps.
std::vector<std::string> Kept(const std::vector<std::string>& rows, const LineNeeds& needs) {
  std::vector<std::string> kept;
  const auto holds = [](const std::string& row, const LiteralAlternative& alternative) {
    return std::all_of(alternative.begin(), alternative.end(), [&](const LiteralGroup& group) {
      return std::any_of(group.begin(), group.end(), [&](const std::string& n) { return StrContains(row, n, false); });
    });
  };
  for (const std::string& row : rows) {
    if (std::any_of(needs.begin(), needs.end(), [&](const LiteralAlternative& a) { return holds(row, a); })) {
      kept.push_back(row);
    }
  }
  return kept;
}

std::string Generated(gen::Format format, uint64_t events) {
  std::string text;
  gen::GenOptions opt;
  opt.events = events;
  opt.now = kNow;
  opt.format = format;
  opt.scenarios = {gen::Scenario::kLolbin, gen::Scenario::kEncodedCradle};
  gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
    text += chunk;
    return true;
  });
  return text;
}

}  // namespace

TEST_CASE("prefilter: the reader keeps every row a filter on its literals keeps, on damaged lines too",
          "[prefilter][reader]") {
  test::TempDir dir;
  const std::vector<ColumnSpec>& columns = kProcessColumns;
  const LineNeeds needles = {{{"powershell", "rundll32.exe", "-enc", "java.exe"}}};
  // Alternatives of several groups: the reader must keep every line that holds one alternative.
  const LineNeeds groups = {{{"powershell"}, {"bypass", "-enc"}}, {{"java.exe"}}, {{"rundll32"}, {"rundll32.exe"}}};
  std::string clean = Generated(gen::Format::kJsonLines, 3000);
  std::vector<std::string> lines;
  for (size_t at = 0; at < clean.size();) {
    const size_t nl = clean.find('\n', at);
    lines.push_back(clean.substr(at, nl - at));
    at = nl + 1;
  }
  // Damage some lines (as the fault tests do), and add lines the raw bytes must not misjudge:
  // needles hidden by \u escapes or split by other escapes, cut lines, lines of no object shape.
  std::mt19937 random(777);
  const std::string bytes = "\"\\{}[],: 01-+.eEtfnlu\x01\xff\xc3\t\r";
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i % 4 != 1 || lines[i].empty()) continue;
    std::string& line = lines[i];
    const size_t at = random() % line.size();
    switch (random() % 4) {
      case 0: line[at] = bytes[random() % bytes.size()]; break;
      case 1: line.insert(at, 1, bytes[random() % bytes.size()]); break;
      case 2: line.erase(at, 1); break;
      default: line.resize(at); break;
    }
  }
  const std::vector<std::string> handmade = {
      R"({"InitiatingProcessFileName":"\u0070owershell.exe","RemotePort":1})",
      R"({"InitiatingProcessFileName":"POWERSHELL.EXE","RemotePort":2})",
      R"({"InitiatingProcessFileName":"x","InitiatingProcessCommandLine":"a \"-ENC\" b\\c\/d"})",
      R"({"InitiatingProcessFileName":"\\u0070owershell","RemotePort":3})",
      R"({"InitiatingProcessFileName":"rundll32\u002eexe","RemotePort":4})",
      R"({"InitiatingProcessFileName":"rundll32.exe","RemotePort":"notanumber"})",
      R"({"InitiatingProcessFileName":"nothing","RemotePort":"notanumber"})",
      R"({"InitiatingProcessFileName":"nothing","RemotePort":5)",
      R"({"InitiatingProcessFileName":"powershell","RemotePort":5)",
      R"(  {"InitiatingProcessFileName":"nothing","RemotePort":6}  )",
      R"({"InitiatingProcessFileName":"nothing\x","RemotePort":7})",
      "{\"InitiatingProcessFileName\":\"nothing\xff\",\"RemotePort\":8}",
      R"({"InitiatingProcessFileName":"nothing","RemotePort":9}{})",
      R"({"category":"AdvancedHunting-DeviceNetworkEvents","properties":{"InitiatingProcessFileName":"PowerShell"}})",
      R"({"Type":"DeviceNetworkEvents","InitiatingProcessCommandLine":-1e5,"InitiatingProcessFileName":{"a":"-enc"}})",
  };
  lines.insert(lines.begin() + 2, handmade.begin(), handmade.end());
  std::string damaged;
  for (const std::string& line : lines) damaged += line + "\n";
  const std::string file = dir.Write("damaged.jsonl", damaged);

  const Outcome all = ReadFile(file, columns, nullptr, 1 << 20);
  REQUIRE(all.stats.lines_prefiltered == 0);
  const std::vector<std::string> expected = Kept(all.rows, needles);
  REQUIRE(expected.size() > 100);
  for (const size_t chunk : {size_t{1} << 20, size_t{65536}, size_t{997}}) {
    INFO("chunk " << chunk);
    const Outcome pre = ReadFile(file, columns, &needles, chunk);
    CHECK(Kept(pre.rows, needles) == expected);
    // Every line is seen; those skipped unparsed are counted; no issue is made up, and the
    // lines a prefilter cannot judge keep theirs.
    CHECK(pre.stats.lines == all.stats.lines);
    CHECK(pre.stats.lines_prefiltered > all.rows.size() / 2);
    CHECK(pre.stats.records + pre.stats.lines_prefiltered + pre.stats.lines_skipped <= pre.stats.lines);
    CHECK(std::includes(all.issues.begin(), all.issues.end(), pre.issues.begin(), pre.issues.end()));
    for (const uint64_t line : {3 + 7, 3 + 8, 3 + 10, 3 + 11}) {  // cut, not an object, bad escape, bad UTF-8
      INFO("handmade line " << line);
      CHECK(std::any_of(pre.issues.begin(), pre.issues.end(),
                        [&](const std::string& s) { return s.starts_with(std::to_string(line) + " "); }));
    }
  }
  const std::vector<std::string> grouped = Kept(all.rows, groups);
  REQUIRE(grouped.size() > 50);
  REQUIRE(grouped.size() < expected.size());
  for (const size_t chunk : {size_t{1} << 20, size_t{4099}}) {
    const Outcome pre = ReadFile(file, columns, &groups, chunk);
    CHECK(Kept(pre.rows, groups) == grouped);
    CHECK(pre.stats.lines == all.stats.lines);
  }
  // The escaped needles were read (a missing string is empty).
  const Outcome pre = ReadFile(file, columns, &needles, 1 << 20);
  CHECK(std::count(pre.rows.begin(), pre.rows.end(), "powershell.exe||v|null|") == 1);
  CHECK(std::count(pre.rows.begin(), pre.rows.end(), "rundll32.exe||v|null|") == 1);
  CHECK(std::count(pre.rows.begin(), pre.rows.end(), "PowerShell||null|null|") == 1);
  CHECK(std::count(pre.rows.begin(), pre.rows.end(), "{\"a\":\"-enc\"}|-1e5|null|null|") == 1);
}

TEST_CASE("prefilter: skimmed windows read, skip and report exactly the lines indexed windows do",
          "[prefilter][reader]") {
  test::TempDir dir;
  const std::vector<ColumnSpec> columns = {{"InitiatingProcessFileName", Type::String},
                                           {"InitiatingProcessCommandLine", Type::String},
                                           {"RemotePort", Type::Int}};
  std::string clean = Generated(gen::Format::kJsonLines, 6000);
  std::vector<std::string> lines;
  for (size_t at = 0; at < clean.size();) {
    const size_t nl = clean.find('\n', at);
    lines.push_back(clean.substr(at, nl - at));
    at = nl + 1;
  }
  // Damage that simdjson's stage 1 finds (control characters in strings, strings that do not
  // close on their line) besides the damage only parsing finds, on lines with and without needles.
  std::mt19937 random(4242);
  const std::string bytes = "\"\\\\\"{}:,\x01\x1f\t\r\xff u";
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i % 5 != 2 || lines[i].empty()) continue;
    std::string& line = lines[i];
    const size_t at = random() % line.size();
    switch (random() % 3) {
      case 0: line[at] = bytes[random() % bytes.size()]; break;
      case 1: line.insert(at, 1, bytes[random() % bytes.size()]); break;
      default: line.erase(at, 1); break;
    }
  }
  const std::string pad(70000, 'p');  // longer than a window of the line scanner
  const std::vector<std::string> handmade = {
      "",
      "   ",
      "{\"InitiatingProcessFileName\":\"no\tthing\",\"RemotePort\":1}",
      "{\"InitiatingProcessFileName\":\"nothing,\"RemotePort\":2}",
      "{\"InitiatingProcessFileName\":\"nothing\\\",\"RemotePort\":3}",
      "{\"InitiatingProcessFileName\":\"a\\\\\",\"InitiatingProcessCommandLine\":\"powershell\\\\\\\"x\"}",
      "{\"InitiatingProcessFileName\":\"crlf\",\"RemotePort\":4}\r",
      "{\"InitiatingProcessFileName\":\"powershell crlf\",\"RemotePort\":5}\r",
      "{\"InitiatingProcessFileName\":\"" + pad + "\",\"RemotePort\":6}",
      "{\"InitiatingProcessFileName\":\"" + pad + "powershell\",\"RemotePort\":7}",
      "{\"InitiatingProcessFileName\":\"\\u0070owershell\",\"RemotePort\":8}",
      "{\"InitiatingProcessFileName\":\"nothing\\q\",\"RemotePort\":9}",
      // Valid UTF-8 past ASCII: the window's UTF-8 is then checked, and the line judged.
      "{\"InitiatingProcessFileName\":\"p\xc3\xb6wershell\",\"RemotePort\":10}",
      "{\"InitiatingProcessFileName\":\"\xc3\xa9 POWERSHELL.exe\",\"RemotePort\":11}",
  };
  for (size_t k = 0; k < handmade.size(); ++k) {
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(7 + 450 * k), handmade[k]);
  }
  // Runs of 1 to 130 backslashes before a quote (closing the string or escaped by the run), in
  // lines one after another: the runs cross 64-byte blocks at every offset, some with control
  // characters after them, some in lines with a needle.
  std::vector<std::string> runs;
  for (size_t n = 1; n <= 130; ++n) {
    runs.push_back("{\"InitiatingProcessFileName\":\"" + std::string(n % 3 == 0 ? "powershell" : "x") +
                   std::string(n, '\\') + "\"" + std::string(n % 4 == 1 ? "\x01" : "") +
                   ",\"RemotePort\":" + std::to_string(n) + "}" + std::string(n % 5 == 0 ? "\r" : ""));
  }
  lines.insert(lines.begin() + 3000, runs.begin(), runs.end());
  // A stray quote (the string then never closes on its line), an escaped quote, a \\ run and a
  // tab or a byte past ASCII in a string, each at every offset of a 64-byte block and blocks
  // before the newline: the skim tells whether a block with no control character ends inside a
  // string by the parity of its quotes.
  const std::vector<std::string> strays = {"\"", "\\\"", "\\\\", "\\\\\"", "\t", "\xc3\xa9", "\xc3"};
  std::vector<std::string> offsets;
  for (size_t n = 0; n < 7 * 64; ++n) {
    offsets.push_back("{\"InitiatingProcessFileName\":\"" + std::string(n % 64, 'y') + strays[n / 64] +
                      std::string(150, n % 3 == 0 ? 'z' : 'x') + (n % 3 == 0 ? "powershell" : "") +
                      "\",\"RemotePort\":" + std::to_string(n) + "}" + std::string(n % 5 == 0 ? "\r" : ""));
  }
  lines.insert(lines.begin() + 4000, offsets.begin(), offsets.end());
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  const LineNeeds needles = {{{"powershell", "rundll32.exe", "-enc"}}};
  const LineNeeds groups = {{{"powershell"}, {"bypass", "-enc"}}, {{"rundll32"}}};
  const LineNeeds common = {{{"connection"}}};  // most lines: the reader stops judging mid-window
  const auto same = [](const Outcome& a, const Outcome& b) {
    CHECK(a.rows == b.rows);
    CHECK(a.issues == b.issues);
    CHECK(a.stats.lines == b.stats.lines);
    CHECK(a.stats.lines_prefiltered == b.stats.lines_prefiltered);
    CHECK(a.stats.lines_skipped == b.stats.lines_skipped);
    CHECK(a.stats.records == b.stats.records);
    CHECK(a.stats.skipped == b.stats.skipped);
    CHECK(a.stats.issues == b.stats.issues);
  };
  // The last line with and without its newline.
  for (const std::string& content : {text, text + "{\"InitiatingProcessFileName\":\"powershell\"}",
                                     text + "{\"InitiatingProcessFileName\":\"other\"}"}) {
    const std::string file = dir.Write("DeviceNetworkEvents.jsonl", content);
    for (const LineNeeds* needs : {&needles, &groups, &common}) {
      // Small chunks put records across windows and reads; one size is enough for most cases.
      const std::vector<size_t> chunks = needs == &needles && content == text
                                             ? std::vector<size_t>{size_t{1} << 20, 65536, 4099, 997}
                                             : std::vector<size_t>{size_t{1} << 20};
      for (const size_t chunk : chunks) {
        INFO("needs " << exec::DescribeNeeds(*needs) << ", chunk " << chunk << ", size " << content.size());
        const Outcome skimmed = ReadFile(file, columns, needs, chunk);
        same(skimmed, ReadFile(file, columns, needs, chunk, "DeviceNetworkEvents", false));
        if (needs != &common) CHECK(skimmed.stats.lines_prefiltered > skimmed.stats.lines / 2);
        CHECK(skimmed.stats.issues[static_cast<size_t>(InputIssueKind::Malformed)] > 100);
      }
    }
    // Ranges of the file: each line read once, by the range it starts in, either way.
    const LineNeeds* needs = &needles;
    std::vector<Outcome> parts[2];
    for (const InputRange& range : SplitInput(file, "DeviceNetworkEvents", 100000)) {
      for (const bool skim : {true, false}) {
        parts[skim].push_back(ReadFile(file, columns, needs, 65536, "DeviceNetworkEvents", skim, range.begin, range.end));
      }
    }
    REQUIRE(parts[0].size() > 10);
    for (size_t r = 0; r < parts[0].size(); ++r) same(parts[1][r], parts[0][r]);
  }
}

TEST_CASE("prefilter: the skim finds its literals in its line scan at every offset, few or many",
          "[prefilter][reader]") {
  test::TempDir dir;
  const std::vector<ColumnSpec> columns = {{"InitiatingProcessFileName", Type::String},
                                           {"RemotePort", Type::Int}};
  // Needles the skim's line scan probes itself (up to NeedleScan::kMaxFused, of several
  // lengths), one more than it does, and more than NeedleScan takes (Hyperscan then).
  const std::vector<std::string> words = {"mshta.exe", "-enc", "Powershell", "certutil", "q", "rundll32.exe",
                                          "bitsadmin", "wmic", "cscript", "regsvr32", "msiexec", "forfiles",
                                          "installutil", "odbcconf"};
  // Each word in a line at every offset of a 64-byte block, in lines of lengths that put it
  // across blocks, last before the line's end (and the window's, where it is the last line), and
  // in letters of another case; lines without a word between them.
  std::string text;
  size_t lines = 0;
  for (size_t n = 0; n < 3 * 64; ++n) {
    for (size_t w = 0; w < words.size(); ++w) {
      std::string word = words[w];
      if (n % 2) {
        for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      const std::string tail(n % 3 == 0 ? 0 : n % 7, 'x');
      text += "{\"InitiatingProcessFileName\":\"" + std::string(n % 64 + w, 'y') + word + tail +
              "\",\"RemotePort\":" + std::to_string(n) + "}\n";
      text += "{\"InitiatingProcessFileName\":\"" + std::string(n % 97, 'y') + "\",\"RemotePort\":1}\n";
      lines += 2;
    }
  }
  const std::string file = dir.Write("DeviceNetworkEvents.jsonl", text);
  for (const size_t count : {size_t{1}, size_t{3}, NeedleScan::kMaxFused, NeedleScan::kMaxFused + 1,
                             NeedleScan::kMaxNeedles + 1}) {
    REQUIRE(count <= words.size());
    LiteralGroup group(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(count));
    if (count > 1) group.back() = "exe";  // a needle inside another: "mshta.exe" holds it
    const LineNeeds needs = {{group}};
    size_t holding = 0;  // lines with a needle: the rows read
    for (size_t at = 0; at < text.size();) {
      const size_t nl = text.find('\n', at);
      const std::string_view line(text.data() + at, nl - at);
      holding += std::any_of(group.begin(), group.end(), [&](const std::string& n) { return StrContains(line, n, false); });
      at = nl + 1;
    }
    for (const size_t chunk : {size_t{1} << 20, size_t{4099}, size_t{997}}) {
      INFO("needles " << count << ", chunk " << chunk);
      const Outcome skimmed = ReadFile(file, columns, &needs, chunk);
      const Outcome indexed = ReadFile(file, columns, &needs, chunk, "DeviceNetworkEvents", false);
      CHECK(skimmed.rows == indexed.rows);
      CHECK(skimmed.stats.lines == lines);
      CHECK(skimmed.stats.lines_prefiltered == indexed.stats.lines_prefiltered);
      CHECK(skimmed.stats.lines_prefiltered > 0);
      CHECK(skimmed.rows.size() == holding);
    }
  }
}

TEST_CASE("prefilter: envelopes and CSV exports read like their JSON lines", "[prefilter][reader]") {
  test::TempDir dir;
  const std::vector<ColumnSpec> columns = {{"InitiatingProcessFileName", Type::String},
                                           {"InitiatingProcessCommandLine", Type::String},
                                           {"RemotePort", Type::Int}};
  const LineNeeds needles = {{{"cmd.exe", "powershell"}}, {{"svchost"}, {"443"}}};
  const std::string jsonl = dir.Write("DeviceNetworkEvents.jsonl", Generated(gen::Format::kJsonLines, 4000));
  const std::string envelope = dir.Write("envelope.jsonl", Generated(gen::Format::kEnvelope, 4000));
  const std::string csv = dir.Write("DeviceNetworkEvents.csv", Generated(gen::Format::kCsv, 4000));
  const std::vector<std::string> expected = Kept(ReadFile(jsonl, columns, nullptr, 1 << 20).rows, needles);
  REQUIRE(expected.size() > 50);
  for (const auto& [path, table] : {std::pair{jsonl, std::string("DeviceNetworkEvents")}, std::pair{envelope, std::string()},
                                    std::pair{csv, std::string("DeviceNetworkEvents")}}) {
    INFO(path);
    const Outcome plain = ReadFile(path, columns, nullptr, 65536, table);
    const Outcome pre = ReadFile(path, columns, &needles, 65536, table);
    CHECK(Kept(plain.rows, needles) == expected);
    CHECK(Kept(pre.rows, needles) == expected);
    CHECK(pre.stats.lines == plain.stats.lines);
    CHECK(pre.stats.lines_prefiltered > 0);
    CHECK(pre.issues.empty());
  }
}

TEST_CASE("prefilter: a line is judged by its table's needs only when its table is sure", "[prefilter][reader]") {
  test::TempDir dir;
  const std::vector<ColumnSpec> columns = {{"Name", Type::String}};
  // Table A's readers need "alpha"; table B's need nothing known.
  const std::string lines =
      "{\"Name\":\"alpha\"}\n{\"Name\":\"beta\"}\n{\"Name\":\"gamma\"}\n"
      "{\"Type\":\"B\",\"Name\":\"beta\"}\n{\"Name\":\"delta\",\"Type\":\"B\"}\n"
      "{\"category\":\"AdvancedHunting-B\",\"properties\":{\"Name\":\"epsilon\"}}\n";
  const std::string file = dir.Write("A.jsonl", lines);
  const auto read = [&](const std::string& table, std::vector<std::optional<LineNeeds>> needs) {
    EventReader reader({{"A", columns}, {"B", columns}});
    reader.set_prefilter(needs);
    std::vector<std::string> rows;
    ReadStats stats;
    reader.Read(
        {file, table},
        [&](size_t t, const Batch& b) {
          for (size_t row = 0; row < b.rows(); ++row) rows.push_back(std::string(t ? "B:" : "A:") + std::string(b.columns[0].StringAt(row)));
        },
        [](const InputIssue&) {}, stats);
    std::sort(rows.begin(), rows.end());
    return std::pair{rows, stats};
  };
  const LineNeeds alpha = {{{"alpha"}}};
  // In an input of table A, plain lines are A's and judged by its needs; lines naming table B
  // are parsed, for B's readers need everything.
  auto [rows, stats] = read("A", {alpha, std::nullopt});
  CHECK(rows == std::vector<std::string>{"A:alpha", "B:beta", "B:delta", "B:epsilon"});
  CHECK(stats.lines_prefiltered == 2);
  CHECK(stats.lines == 6);
  // An input of no table: every line could be B's, so none is skipped.
  std::tie(rows, stats) = read("", {alpha, std::nullopt});
  CHECK(stats.lines_prefiltered == 0);
  CHECK(rows == std::vector<std::string>{"B:beta", "B:delta", "B:epsilon"});
  // With needs for both tables, any line holding neither table's is skipped; the alpha line is
  // parsed, and is of no table.
  std::tie(rows, stats) = read("", {alpha, LineNeeds{{{"epsilon"}}}});
  CHECK(rows == std::vector<std::string>{"B:epsilon"});
  CHECK(stats.lines_prefiltered == 4);
  CHECK(stats.skipped[static_cast<size_t>(InputIssueKind::NoTable)] == 1);
}

namespace {

// One read with readers (set_readers) or none: each row's values as text ("null" when null) and
// its readers (Batch::readers; every bit when the batch keeps none).
struct ReaderRows {
  std::vector<std::vector<std::string>> rows;
  std::vector<uint64_t> readers;
  ReadStats stats;
};

ReaderRows ReadWithReaders(const std::string& path, const std::vector<ColumnSpec>& columns,
                           const std::vector<TableReader>* readers, size_t chunk, bool skim,
                           size_t batch_rows = 4096) {
  EventReader reader({{"DeviceNetworkEvents", columns}}, ReadLimits{}, batch_rows);
  reader.set_chunk_bytes(chunk);
  reader.set_skim(skim);
  if (readers) REQUIRE(reader.set_readers({*readers}));
  ReaderRows r;
  reader.Read(
      {path, "DeviceNetworkEvents"},
      [&](size_t, const Batch& b) {
        REQUIRE((b.readers.empty() || b.readers.size() == b.rows()));
        for (const Column& c : b.columns) REQUIRE(c.size() == b.rows());
        for (size_t row = 0; row < b.rows(); ++row) {
          std::vector<std::string>& values = r.rows.emplace_back();
          for (const Column& c : b.columns) {
            values.push_back(c.IsNull(row) ? "null"
                             : c.type() == Type::String ? std::string(c.StringAt(row))
                             : c.type() == Type::Int    ? std::to_string(c.IntAt(row))
                                                        : std::to_string(c.LongAt(row)));
          }
          r.readers.push_back(b.readers.empty() ? ~uint64_t{0} : b.readers[row]);
        }
      },
      [](const InputIssue&) {}, r.stats);
  return r;
}

}  // namespace

TEST_CASE("prefilter: readers of one table get their columns of every line holding their needs",
          "[prefilter][reader]") {
  test::TempDir dir;
  const std::vector<ColumnSpec>& columns = kProcessColumns;
  // Reader 0 reads every row's port (a summarize); reader 1 the name and port of the lines
  // holding one of two names; reader 2 the command line and time of those holding "-enc" and
  // "powershell" or "bypass". Each one's filter, on the values of its columns:
  const LineNeeds names = {{{"rundll32.exe", "powershell.exe"}}};
  const LineNeeds encoded = {{{"-enc"}, {"powershell", "bypass"}}};
  const auto holds = [](const LineNeeds& needs, const std::string& value) {
    return std::any_of(needs.begin(), needs.end(), [&](const LiteralAlternative& alternative) {
      return std::all_of(alternative.begin(), alternative.end(), [&](const LiteralGroup& group) {
        return std::any_of(group.begin(), group.end(), [&](const std::string& n) { return StrContains(value, n, false); });
      });
    });
  };
  const auto wants = [&](size_t reader, const std::vector<std::string>& row) {
    return reader == 0 || (reader == 1 ? holds(names, row[0]) : holds(encoded, row[1]));
  };
  const std::vector<std::vector<size_t>> reads = {{2}, {0, 2}, {1, 3}};
  std::string text = Generated(gen::Format::kJsonLines, 3000);
  // Lines the raw bytes cannot judge (a \u escape, bad UTF-8, a cut line, a table marker), plain
  // escapes beside needles, a CRLF, values of the wrong type, another key order, a needle in a key.
  const std::vector<std::string> handmade = {
      R"({"InitiatingProcessFileName":"\u0070owershell.exe","InitiatingProcessCommandLine":"x -enc bypass","RemotePort":1})",
      R"({"InitiatingProcessFileName":"powershell.exe","InitiatingProcessCommandLine":"a \"-ENC\" \\bypass","RemotePort":2})",
      R"({"InitiatingProcessFileName":"cmd.exe","InitiatingProcessCommandLine":"powershell -enc","RemotePort":"x","Timestamp":"bad"})",
      "{\"InitiatingProcessFileName\":\"rundll32.exe\",\"RemotePort\":4}\r",
      "{\"InitiatingProcessFileName\":\"rundll32.exe\xff\",\"RemotePort\":5}",
      R"({"Type":"DeviceNetworkEvents","InitiatingProcessFileName":"powershell.exe","RemotePort":6})",
      R"({"InitiatingProcessFileName":"rundll32.exe","RemotePort":7)",
      R"({"RemotePort":8,"InitiatingProcessCommandLine":"-enc powershell","InitiatingProcessFileName":"x"})",
      R"({"powershell.exe":9,"RemotePort":9,"InitiatingProcessCommandLine":"-enc bypass"})",
  };
  for (auto line = handmade.rbegin(); line != handmade.rend(); ++line) text = *line + "\n" + text + *line + "\n";
  const std::string file = dir.Write("DeviceNetworkEvents.jsonl", text);
  const ReaderRows plain = ReadWithReaders(file, columns, nullptr, 1 << 20, true);
  REQUIRE(plain.rows.size() > 3000);
  std::vector<TableReader> all = {{std::nullopt, reads[0]}, {names, reads[1]}, {encoded, reads[2]}};
  for (const size_t chunk : {size_t{1} << 20, size_t{997}}) {
    for (const bool skim : {true, false}) {
      INFO("chunk " << chunk << (skim ? " skimmed" : " indexed"));
      // Reader 0 wants every line: each is read, with the columns of its readers (in batches
      // of 61 rows too: a column no reader of a batch's last rows reads is filled up to them).
      const ReaderRows lazy = ReadWithReaders(file, columns, &all, chunk, skim, skim ? 4096 : 61);
      REQUIRE(lazy.rows.size() == plain.rows.size());
      CHECK(lazy.stats.lines_prefiltered == 0);
      CHECK(lazy.stats.lines == plain.stats.lines);
      size_t narrowed = 0;
      for (size_t row = 0; row < plain.rows.size(); ++row) {
        INFO("row " << row << ": " << fmt::format("{}", fmt::join(plain.rows[row], "|")));
        for (size_t r = 0; r < reads.size(); ++r) {
          const bool bit = (lazy.readers[row] >> r) & 1;
          // A reader is given every row its filter keeps, with its columns as they are.
          if (wants(r, plain.rows[row])) CHECK(bit);
          if (!bit) continue;
          for (const size_t c : reads[r]) CHECK(lazy.rows[row][c] == plain.rows[row][c]);
        }
        // A line no reader but 0 wants has only its column read.
        if ((lazy.readers[row] & 6) == 0) {
          ++narrowed;
          CHECK(lazy.rows[row][0].empty());
          CHECK(lazy.rows[row][3] == "null");
        }
      }
      CHECK(narrowed > plain.rows.size() / 2);
      // The lines the raw bytes cannot judge are every reader's; the first is the \u line.
      CHECK(lazy.readers[0] == ~uint64_t{0});
      CHECK(lazy.readers[1] != ~uint64_t{0});
    }
  }
  // Without reader 0, a line neither other wants is skipped; each reader still gets its rows.
  const std::vector<TableReader> needing = {{names, reads[1]}, {encoded, reads[2]}};
  for (const bool skim : {true, false}) {
    const ReaderRows lazy = ReadWithReaders(file, columns, &needing, 997, skim);
    CHECK(lazy.stats.lines_prefiltered > plain.rows.size() / 2);
    for (size_t r = 1; r < reads.size(); ++r) {
      INFO("reader " << r << (skim ? " skimmed" : " indexed"));
      const auto kept = [&](const ReaderRows& read, uint64_t bit) {
        std::vector<std::vector<std::string>> rows;
        for (size_t row = 0; row < read.rows.size(); ++row) {
          if (!(read.readers[row] & bit) || !wants(r, read.rows[row])) continue;
          std::vector<std::string>& values = rows.emplace_back();
          for (const size_t c : reads[r]) values.push_back(read.rows[row][c]);
        }
        return rows;
      };
      const auto expected = kept(plain, ~uint64_t{0});
      CHECK(expected.size() > 10);
      CHECK(kept(lazy, ReaderBit(r - 1)) == expected);
    }
  }
  // A CSV record is read whole, for every reader.
  const std::string csv = dir.Write("DeviceNetworkEvents.csv", Generated(gen::Format::kCsv, 2000));
  const ReaderRows whole = ReadWithReaders(csv, columns, nullptr, 1 << 20, true);
  const ReaderRows read = ReadWithReaders(csv, columns, &all, 1 << 20, true);
  CHECK(read.rows == whole.rows);
  CHECK(std::all_of(read.readers.begin(), read.readers.end(), [](uint64_t r) { return r == ~uint64_t{0}; }));
}

TEST_CASE("prefilter: the reader stops judging lines when too few are skipped", "[prefilter][reader]") {
  test::TempDir dir;
  // 5,000 lines that hold the literal, then 1,000 that do not: after 4,096 lines judged and none
  // skipped, the reader parses every line; the same 1,000 lines first are skipped.
  std::string held, other;
  for (int i = 0; i < 5000; ++i) held += "{\"Name\":\"alpha\"}\n";
  for (int i = 0; i < 1000; ++i) other += "{\"Name\":\"beta\"}\n";
  const LineNeeds alpha = {{{"alpha"}}};
  const std::vector<ColumnSpec> columns = {{"Name", Type::String}};
  const auto prefiltered = [&](const std::string& text) {
    const std::string file = dir.Write("T.jsonl", text);
    return ReadFile(file, columns, &alpha, 65536, "DeviceNetworkEvents").stats.lines_prefiltered;
  };
  CHECK(prefiltered(held + other) == 0);
  CHECK(prefiltered(other + held) == 1000);
}

namespace {

struct RunResult {
  std::vector<std::string> lines;
  ReadStats stats;
};

// Compiles `queries` (KQL, or rule files when they end in .yaml) under `engine` and runs them
// together over `inputs`, with or without the prefilter, as a pack with `pack` (its scan stages),
// on `threads` reading ranges of `split_bytes`.
RunResult RunAll(const std::vector<std::string>& queries, Engine engine, bool prefilter,
                 const std::vector<InputFile>& inputs, Jit& jit, const fs::path& dir,
                 PackScanCompiler* pack = nullptr, unsigned threads = 1, uint64_t split_bytes = uint64_t{32} << 20) {
  const Catalog catalog = Catalog::BuiltIn();
  std::vector<std::unique_ptr<CompiledQuery>> compiled;
  for (const std::string& q : queries) {
    Diagnostics diags;
    std::unique_ptr<CompiledQuery> c;
    if (q.ends_with(".yaml")) {
      std::optional<Rule> rule = LoadRuleFile(q, diags);
      REQUIRE(rule);
      c = CompileQuery(rule->query, rule->query_origin, catalog, jit, diags, nullptr, engine);
    } else {
      auto file = std::make_shared<SourceFile>("q.kql", q);
      c = CompileQuery(q, TextOrigin::Identity(file), catalog, jit, diags, nullptr, engine);
    }
    INFO(q << (diags.items().empty() ? std::string() : RenderText(diags.items()[0])));
    REQUIRE(c);
    compiled.push_back(std::move(c));
  }
  RunResult r;
  RunStats stats;
  RunOptions options;
  options.prefilter = prefilter;
  options.threads = threads;
  options.split_bytes = split_bytes;
  r.lines = test::RunToLines(compiled, inputs, kNow, dir, &stats, pack, options);
  r.stats = stats.read;
  std::sort(r.lines.begin(), r.lines.end());
  return r;
}

}  // namespace

TEST_CASE("prefilter: the bench hunts and the rule pack detect the same with and without it", "[prefilter][run]") {
  test::TempDir dir;
  std::vector<InputFile> tables, envelope;
  {
    gen::GenOptions opt;
    opt.events = 30000;
    opt.now = kNow;
    opt.tables.clear();
    for (size_t t = 0; t < gen::kTableCount; ++t) opt.tables.push_back(static_cast<gen::Table>(t));
    for (size_t s = 0; s < gen::kScenarioCount; ++s) opt.scenarios.push_back(static_cast<gen::Scenario>(s));
    std::map<gen::Table, std::ofstream> files;
    gen::Generate(opt, [&](gen::Table t, std::string_view chunk) {
      if (!files.count(t)) {
        const fs::path p = dir.path / (std::string(gen::TableName(t)) + ".jsonl");
        files[t].open(p, std::ios::binary);
        tables.push_back({p.string(), std::string(gen::TableName(t))});
      }
      return static_cast<bool>(files[t].write(chunk.data(), chunk.size()));
    });
    opt.format = gen::Format::kEnvelope;
    std::ofstream all(dir.path / "envelope.jsonl", std::ios::binary);
    gen::Generate(opt, [&](gen::Table, std::string_view chunk) { return static_cast<bool>(all.write(chunk.data(), chunk.size())); });
    envelope.push_back({(dir.path / "envelope.jsonl").string(), ""});
  }
  // The three hunts of the DuckDB peer benchmark (tools/bench/run.sh).
  const std::vector<std::string> hunts = {
      "DeviceNetworkEvents | where Timestamp > ago(7d) | where InitiatingProcessFileName in~ (\"powershell.exe\", "
      "\"cmd.exe\", \"rundll32.exe\", \"mshta.exe\", \"wscript.exe\") | project Timestamp, DeviceName, "
      "InitiatingProcessFileName, RemoteIP, RemotePort",
      "DeviceNetworkEvents | summarize Connections = count(), Devices = dcount(DeviceName), Processes = "
      "make_set(InitiatingProcessFileName, 10) by RemoteIP, RemotePort | where Devices > 1 or Connections > 20 "
      "| order by Connections desc",
      "DeviceNetworkEvents | where ActionType == \"ConnectionSuccess\" and RemoteIPType == \"Public\" and "
      "RemoteUrl has \"pastebin\" or InitiatingProcessCommandLine contains \"-enc\" | project Timestamp, "
      "DeviceName, RemoteUrl, InitiatingProcessCommandLine",
  };
  std::vector<std::string> rules;
  for (const auto& e : fs::directory_iterator(fs::path(HUNTC_SOURCE_DIR) / "rules")) {
    if (e.path().extension() == ".yaml") rules.push_back(e.path().string());
  }
  std::sort(rules.begin(), rules.end());
  REQUIRE(rules.size() > 20);
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  // Each hunt and rule alone (most have literals), then the pack together.
  std::vector<std::vector<std::string>> runs;
  for (const std::string& q : hunts) runs.push_back({q});
  for (const std::string& q : rules) runs.push_back({q});
  runs.push_back(rules);
  uint64_t prefiltered = 0, detections = 0;
  for (const std::vector<std::string>& queries : runs) {
    for (const Engine engine : {Engine::Jit, Engine::Interp}) {
      for (const std::vector<InputFile>* inputs : {&tables, &envelope}) {
        INFO((queries.size() == 1 ? queries[0] : std::string("the rule pack")) << " engine "
             << (engine == Engine::Jit ? "jit" : "interp") << (inputs == &tables ? " tables" : " envelopes"));
        const RunResult off = RunAll(queries, engine, false, *inputs, *jit, dir.path);
        const RunResult on = RunAll(queries, engine, true, *inputs, *jit, dir.path);
        CHECK(on.lines == off.lines);
        CHECK(off.stats.lines_prefiltered == 0);
        CHECK(on.stats.lines == off.stats.lines);
        prefiltered += on.stats.lines_prefiltered;
        detections += on.lines.size();
      }
    }
  }
  std::printf("prefilter: %llu lines skipped unparsed, %llu detections over %zu runs\n",
              static_cast<unsigned long long>(prefiltered), static_cast<unsigned long long>(detections), runs.size());
  CHECK(prefiltered > 0);
  CHECK(detections > 0);
}

TEST_CASE("prefilter: a pack whose summarize reads every row and whose filters need literals detects the same",
          "[prefilter][run][pack]") {
  test::TempDir dir;
  std::vector<InputFile> inputs;
  {
    gen::GenOptions opt;
    opt.events = 40000;
    opt.now = kNow;
    for (size_t s = 0; s < gen::kScenarioCount; ++s) opt.scenarios.push_back(static_cast<gen::Scenario>(s));
    const fs::path path = dir.path / "DeviceNetworkEvents.jsonl";
    std::ofstream out(path, std::ios::binary);
    gen::Generate(opt, [&](gen::Table, std::string_view chunk) { return static_cast<bool>(out.write(chunk.data(), chunk.size())); });
    inputs.push_back({path.string(), "DeviceNetworkEvents"});
  }
  // The bench's pack (a summarize of every row beside two filters that need literals), a filter
  // whose needs most lines meet, and one of many literals: the rows of each are read for it alone.
  const std::vector<std::string> queries = {
      "DeviceNetworkEvents | where Timestamp > ago(7d) | where InitiatingProcessFileName in~ (\"powershell.exe\", "
      "\"cmd.exe\", \"rundll32.exe\", \"mshta.exe\", \"wscript.exe\") | project Timestamp, DeviceName, "
      "InitiatingProcessFileName, RemoteIP, RemotePort",
      "DeviceNetworkEvents | summarize Connections = count(), Devices = dcount(DeviceName), Processes = "
      "make_set(InitiatingProcessFileName, 10) by RemoteIP, RemotePort | where Devices > 1 or Connections > 20 "
      "| order by Connections desc",
      "DeviceNetworkEvents | where ActionType == \"ConnectionSuccess\" and RemoteIPType == \"Public\" and "
      "RemoteUrl has \"pastebin\" or InitiatingProcessCommandLine contains \"-enc\" | project Timestamp, "
      "DeviceName, RemoteUrl, InitiatingProcessCommandLine",
      "DeviceNetworkEvents | where ActionType == \"ConnectionSuccess\" and RemotePort == 443 | summarize count() by "
      "InitiatingProcessAccountName",
      "DeviceNetworkEvents | where RemoteUrl has_any (\"pastebin\", \"github\", \"ngrok\", \"duckdns\", \"dropbox\", "
      "\"discord\", \"telegram\", \"transfer\", \"mega\", \"anonfiles\", \"paste\", \"raw\", \"gist\") | project "
      "Timestamp, RemoteUrl, LocalPort",
  };
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  PackScanCompiler stages(*jit);
  // The reference: the interpreter, every line parsed whole.
  const RunResult reference = RunAll(queries, Engine::Interp, false, inputs, *jit, dir.path);
  REQUIRE(reference.lines.size() > 100);
  for (const bool pack : {true, false}) {
    for (const Engine engine : {Engine::Jit, Engine::Interp}) {
      for (const unsigned threads : {1u, 2u}) {
        INFO((engine == Engine::Jit ? "jit" : "interp") << (pack ? " pack" : "") << ", threads " << threads);
        const RunResult on = RunAll(queries, engine, true, inputs, *jit, dir.path, pack ? &stages : nullptr, threads,
                                    uint64_t{1} << 20);
        CHECK(on.lines == reference.lines);
        CHECK(on.stats.lines == reference.stats.lines);
        CHECK(on.stats.records == reference.stats.records);
        CHECK(on.stats.lines_prefiltered == 0);  // the summarize wants every line
      }
    }
  }
}
