// Lowering for the interpreter, one construct at a time: each query is compiled with
// Engine::Interp and run over a few hand-written rows; the expected rows follow the KQL docs.
// Constructs not lowered yet must be refused with HC500 at their span, by both engines.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "tests/unit/archive_util.h"
#include "tests/unit/run_util.h"

using namespace huntc;
namespace fs = std::filesystem;

namespace {

const int64_t kNow = *ParseDateTime("2026-11-20T00:00:00Z");

// Four process events on two devices.
const char* kProcesses =
    R"({"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"a","FileName":"cmd.exe","ProcessCommandLine":"cmd /c whoami","AccountName":"alice","ProcessId":10,"InitiatingProcessFileName":"explorer.exe","AdditionalFields":"{\"k\":[1,2]}"})" "\n"
    R"({"Timestamp":"2026-11-19T11:30:00Z","DeviceName":"a","FileName":"powershell.exe","ProcessCommandLine":"powershell -enc AAA","AccountName":"alice","ProcessId":11,"InitiatingProcessFileName":"cmd.exe","AdditionalFields":"{\"k\":[3]}"})" "\n"
    R"({"Timestamp":"2026-11-19T11:45:00Z","DeviceName":"b","FileName":"cmd.exe","ProcessCommandLine":"cmd /c dir","AccountName":"bob","ProcessId":20,"InitiatingProcessFileName":"explorer.exe","AdditionalFields":"{}"})" "\n"
    R"({"Timestamp":"2026-11-01T00:00:00Z","DeviceName":"b","FileName":"net.exe","ProcessCommandLine":"net user","AccountName":"bob","ProcessId":21,"InitiatingProcessFileName":"cmd.exe","AdditionalFields":"{}"})" "\n";

const char* kLogons =
    R"({"Timestamp":"2026-11-19T09:00:00Z","DeviceName":"a","AccountName":"alice","LogonType":"Interactive"})" "\n"
    R"({"Timestamp":"2026-11-19T09:05:00Z","DeviceName":"a","AccountName":"alice","LogonType":"Network"})" "\n"
    R"({"Timestamp":"2026-11-19T09:10:00Z","DeviceName":"c","AccountName":"carol","LogonType":"Network"})" "\n";

struct Result {
  bool compiled = false;
  std::string diagnostics;        // rendered
  std::vector<std::string> rows;  // JSON lines, in output order
};

Result Run(const std::string& kql, Engine engine = Engine::Interp, const ExternalFiles* external = nullptr) {
  const test::TempDir dir;
  const std::vector<InputFile> inputs{{dir.Write("DeviceProcessEvents.jsonl", kProcesses), "DeviceProcessEvents"},
                                      {dir.Write("DeviceLogonEvents.jsonl", kLogons), "DeviceLogonEvents"}};
  std::string error;
  static std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  Diagnostics diags;
  auto file = std::make_shared<SourceFile>("q.kql", kql);
  Result r;
  auto query = CompileQuery(kql, TextOrigin::Identity(file), Catalog::BuiltIn(), *jit, diags, nullptr, engine, external);
  for (const Diagnostic& d : diags.items()) r.diagnostics += RenderText(d) + "\n";
  if (!query) return r;
  r.compiled = true;
  std::vector<std::unique_ptr<CompiledQuery>> queries;
  queries.push_back(std::move(query));
  r.rows = test::RunToLines(queries, inputs, kNow, dir.path);
  return r;
}

std::vector<std::string> Rows(const std::string& kql, const ExternalFiles* external = nullptr) {
  Result r = Run(kql, Engine::Interp, external);
  INFO(r.diagnostics);
  REQUIRE(r.compiled);
  return r.rows;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("lower: scalar functions, dynamic access and let constants", "[lower]") {
  CHECK(Rows("let since = ago(2d); let names = dynamic(['cmd.exe', 'net.exe']);\n"
             "DeviceProcessEvents | where Timestamp > since and FileName in (names)\n"
             "| project FileName, n = strlen(FileName), up = toupper(substring(FileName, 0, 3)),\n"
             "  k = parse_json(AdditionalFields).k[0], e = extract(@'/c (\\w+)', 1, ProcessCommandLine),\n"
             "  i = iff(ProcessId > 15, 'high', 'low'), c = case(ProcessId == 10, 1, ProcessId == 20, 2, 0)") ==
        std::vector<std::string>{
            R"({"row": {"FileName": "cmd.exe", "n": 7, "up": "CMD", "k": 1, "e": "whoami", "i": "low", "c": 1}})",
            R"({"row": {"FileName": "cmd.exe", "n": 7, "up": "CMD", "k": null, "e": "dir", "i": "high", "c": 2}})"});
  CHECK(Rows("DeviceProcessEvents | where ProcessCommandLine has_any (dynamic(['whoami', 'user'])) "
             "and FileName hassuffix '.exe' and ProcessCommandLine matches regex @'^(cmd|net) ' "
             "and ProcessId between (10 .. 21) | project ProcessId") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10}})", R"({"row": {"ProcessId": 21}})"});
  CHECK(Rows("let names = pack_array('NET.EXE', 'x'); DeviceProcessEvents | where FileName in~ (names) | project ProcessId") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 21}})"});
  CHECK(Rows("DeviceProcessEvents | where ProcessCommandLine has_all ('cmd', 'dir') | project ProcessId") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 20}})"});
}

TEST_CASE("lower: extend and the project variants", "[lower]") {
  CHECK(Rows("DeviceProcessEvents | where ProcessId == 10 | project FileName, ProcessId, DeviceName\n"
             "| extend ProcessId = ProcessId * 2, x = 1 | project-rename Name = FileName\n"
             "| project-away DeviceName | project-reorder x") ==
        std::vector<std::string>{R"({"row": {"x": 1, "Name": "cmd.exe", "ProcessId": 20}})"});
  CHECK(Rows("DeviceProcessEvents | where ProcessId == 20 | project-keep File*, ProcessId") ==
        std::vector<std::string>{R"({"row": {"FileName": "cmd.exe", "FileSize": null, "ProcessId": 20}})"});
}

TEST_CASE("lower: summarize with keys, bin() and aggregates", "[lower]") {
  CHECK(Sorted(Rows("DeviceProcessEvents | summarize n = count(), c = countif(FileName == 'cmd.exe'), "
                    "d = dcount(FileName), s = make_set(FileName, 1), m = max(ProcessId) by DeviceName")) ==
        std::vector<std::string>{
            R"({"row": {"DeviceName": "a", "n": 2, "c": 1, "d": 2, "s": ["cmd.exe"], "m": 11}})",
            R"({"row": {"DeviceName": "b", "n": 2, "c": 1, "d": 2, "s": ["cmd.exe"], "m": 21}})"});
  CHECK(Sorted(Rows("DeviceProcessEvents | where Timestamp > ago(2d) | summarize count() by bin(Timestamp, 1h)")) ==
        std::vector<std::string>{R"({"row": {"Timestamp": "2026-11-19T10:00:00.0000000Z", "count_": 1}})",
                                 R"({"row": {"Timestamp": "2026-11-19T11:00:00.0000000Z", "count_": 2}})"});
  CHECK(Sorted(Rows("DeviceProcessEvents | summarize arg_max(ProcessId, FileName) by DeviceName")) ==
        std::vector<std::string>{R"({"row": {"DeviceName": "a", "ProcessId": 11, "FileName": "powershell.exe"}})",
                                 R"({"row": {"DeviceName": "b", "ProcessId": 21, "FileName": "net.exe"}})"});
  CHECK(Sorted(Rows("DeviceProcessEvents | summarize many = dcount(FileName) > 1, "
                    "share = 100 * countif(FileName == 'cmd.exe') / count(), last = max(ProcessId) by DeviceName")) ==
        std::vector<std::string>{R"({"row": {"DeviceName": "a", "many": true, "share": 50, "last": 11}})",
                                 R"({"row": {"DeviceName": "b", "many": true, "share": 50, "last": 21}})"});
  // The deprecated makeset/makelist keep at most 128 values unless told otherwise; make_set 1048576.
  std::string numbers = "datatable(i: long) [1";
  for (int i = 2; i <= 200; ++i) numbers += fmt::format(", {}", i);
  CHECK(Rows(numbers + "] | summarize s = makeset(i), l = makelist(i), s2 = makeset(i, 150), m = make_set(i)\n"
                       "| project s = array_length(s), l = array_length(l), s2 = array_length(s2), m = array_length(m)") ==
        std::vector<std::string>{R"({"row": {"s": 128, "l": 128, "s2": 150, "m": 200}})"});
  CHECK(Rows("DeviceProcessEvents | where ProcessId > 100 | summarize count()") ==
        std::vector<std::string>{R"({"row": {"count_": 0}})"});
}

TEST_CASE("lower: sort, top, take, distinct and count", "[lower]") {
  CHECK(Rows("DeviceProcessEvents | sort by ProcessId asc | project ProcessId | take 2") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10}})", R"({"row": {"ProcessId": 11}})"});
  CHECK(Rows("DeviceProcessEvents | top 1 by ProcessId | project ProcessId") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 21}})"});
  CHECK(Sorted(Rows("DeviceProcessEvents | distinct AccountName")) ==
        std::vector<std::string>{R"({"row": {"AccountName": "alice"}})", R"({"row": {"AccountName": "bob"}})"});
  CHECK(Rows("DeviceProcessEvents | where FileName == 'cmd.exe' | count") ==
        std::vector<std::string>{R"({"row": {"Count": 2}})"});
}

TEST_CASE("lower: joins, lookup and union", "[lower]") {
  // innerunique keeps one left row per key: of device a's two logons, only the first.
  CHECK(Sorted(Rows("DeviceLogonEvents | project DeviceName, LogonType\n"
                    "| join (DeviceProcessEvents | project DeviceName, FileName) on DeviceName")) ==
        std::vector<std::string>{
            R"({"row": {"DeviceName": "a", "LogonType": "Interactive", "DeviceName1": "a", "FileName": "cmd.exe"}})",
            R"({"row": {"DeviceName": "a", "LogonType": "Interactive", "DeviceName1": "a", "FileName": "powershell.exe"}})"});
  CHECK(Sorted(Rows("DeviceLogonEvents | project Device = DeviceName | join kind=leftanti "
                    "(DeviceProcessEvents) on $left.Device == $right.DeviceName")) ==
        std::vector<std::string>{R"({"row": {"Device": "c"}})"});
  CHECK(Sorted(Rows("DeviceLogonEvents | join kind=inner (DeviceProcessEvents) on "
                    "$left.DeviceName == $right.DeviceName and $left.AccountName == $right.AccountName\n"
                    "| where LogonType == 'Network' | project ProcessId")) ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10}})", R"({"row": {"ProcessId": 11}})"});
  CHECK(Sorted(Rows("DeviceProcessEvents | where ProcessId == 10 | project DeviceName, FileName\n"
                    "| lookup (DeviceLogonEvents | where LogonType == 'Network' | project DeviceName, AccountName) on DeviceName")) ==
        std::vector<std::string>{R"({"row": {"DeviceName": "a", "FileName": "cmd.exe", "AccountName": "alice"}})"});
  // An int key joins a long key of the same value (Kusto allows these two types to differ).
  CHECK(Sorted(Rows("DeviceProcessEvents | where ProcessId == 10 | project Id = toint(ProcessId)\n"
                    "| join kind=inner (DeviceProcessEvents | project ProcessId, FileName) on $left.Id == $right.ProcessId")) ==
        std::vector<std::string>{R"({"row": {"Id": 10, "ProcessId": 10, "FileName": "cmd.exe"}})"});
  // `in` / `!in` over a table: membership in its first column.
  CHECK(Sorted(Rows("let networked = DeviceLogonEvents | where LogonType == 'Network' | project DeviceName;\n"
                    "DeviceProcessEvents | where ProcessId > 10 and DeviceName in (networked) | project ProcessId")) ==
        std::vector<std::string>{R"({"row": {"ProcessId": 11}})"});
  CHECK(Sorted(Rows("DeviceProcessEvents | where FileName in~ ((DeviceProcessEvents | where ProcessId == 11 "
                    "| project toupper(FileName))) | project ProcessId")) ==
        std::vector<std::string>{R"({"row": {"ProcessId": 11}})"});
  CHECK(Sorted(Rows("DeviceProcessEvents | where AccountName !in ((DeviceLogonEvents | project AccountName)) | project ProcessId")) ==
        std::vector<std::string>{R"({"row": {"ProcessId": 20}})", R"({"row": {"ProcessId": 21}})"});
  CHECK(Sorted(Rows("union (DeviceProcessEvents | where ProcessId == 10 | project DeviceName, ProcessId),\n"
                    "(DeviceLogonEvents | where DeviceName == 'c' | project DeviceName, LogonType)")) ==
        std::vector<std::string>{R"({"row": {"DeviceName": "a", "ProcessId": 10, "LogonType": ""}})",
                                 R"({"row": {"DeviceName": "c", "ProcessId": null, "LogonType": "Network"}})"});
  // kind=inner keeps only the columns every input has.
  CHECK(Sorted(Rows("union kind=inner (DeviceProcessEvents | where ProcessId == 10 | project DeviceName, ProcessId),\n"
                    "(DeviceLogonEvents | where DeviceName == 'c' | project LogonType, DeviceName)")) ==
        std::vector<std::string>{R"({"row": {"DeviceName": "a"}})", R"({"row": {"DeviceName": "c"}})"});
}

TEST_CASE("lower: mv-expand, datatable, print, serialize and functions", "[lower]") {
  CHECK(Rows("DeviceProcessEvents | where ProcessId < 12 | mv-expand k = parse_json(AdditionalFields).k to typeof(long)\n"
             "| project ProcessId, k") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10, "k": 1}})", R"({"row": {"ProcessId": 10, "k": 2}})",
                                 R"({"row": {"ProcessId": 11, "k": 3}})"});
  // kind=array (or bagexpansion=array) expands a bag into [key, value] pairs, the default into
  // one-entry bags.
  for (const char* mode : {"kind=array", "bagexpansion=array"}) {
    CHECK(Rows(fmt::format("print b = dynamic({{\"k\": 1}}) | mv-expand {} b", mode)) ==
          std::vector<std::string>{R"({"row": {"b": ["k",1]}})"});
  }
  CHECK(Rows("print b = dynamic({\"k\": 1}) | mv-expand kind=bag b") ==
        std::vector<std::string>{R"({"row": {"b": {"k":1}}})"});
  CHECK(Rows("let t = datatable(Name:string, N:long) ['x', 1, 'y', 2]; t | where N > 1") ==
        std::vector<std::string>{R"({"row": {"Name": "y", "N": 2}})"});
  // Text functions read a dynamic string as its text, unquoted (as tostring() gives it).
  CHECK(Rows("print u = toupper(parse_json('{\"a\": \"xy\"}').a), n = strlen(dynamic({\"a\": \"xyz\"}).a)") ==
        std::vector<std::string>{R"({"row": {"u": "XY", "n": 3}})"});
  CHECK(Rows("print a = 1 + 2, b = strcat('x', 'y')") ==
        std::vector<std::string>{R"({"row": {"a": 3, "b": "xy"}})"});
  CHECK(Rows("DeviceProcessEvents | sort by ProcessId asc | project ProcessId | serialize r = row_number(), p = prev(ProcessId)") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10, "r": 1, "p": null}})",
                                 R"({"row": {"ProcessId": 11, "r": 2, "p": 10}})",
                                 R"({"row": {"ProcessId": 20, "r": 3, "p": 11}})",
                                 R"({"row": {"ProcessId": 21, "r": 4, "p": 20}})"});
  CHECK(Rows("DeviceProcessEvents | sort by ProcessId asc | extend changed = prev(DeviceName) != DeviceName\n"
             "| where row_number() > 1 | project ProcessId, changed") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 11, "changed": false}})",
                                 R"({"row": {"ProcessId": 20, "changed": true}})",
                                 R"({"row": {"ProcessId": 21, "changed": false}})"});
  CHECK(Sorted(Rows("let total = toscalar(DeviceProcessEvents | count);\n"
                    "DeviceProcessEvents | summarize n = count() by DeviceName | project DeviceName, share = n * 100 / total")) ==
        std::vector<std::string>{R"({"row": {"DeviceName": "a", "share": 50}})",
                                 R"({"row": {"DeviceName": "b", "share": 50}})"});
  // An empty subquery's scalar is null, which no row is greater than.
  CHECK(Rows("DeviceProcessEvents | where Timestamp > toscalar(DeviceLogonEvents | where AccountName == 'none' | summarize max(Timestamp))\n"
             "| count") == std::vector<std::string>{R"({"row": {"Count": 0}})"});
  CHECK(Rows("let short = (s: string) { substring(s, 0, 3) };\n"
             "DeviceProcessEvents | where ProcessId == 11 | project p = short(FileName)") ==
        std::vector<std::string>{R"({"row": {"p": "pow"}})"});
  CHECK(Rows("let byName = (T:(FileName:string), name:string) { T | where FileName =~ name };\n"
             "DeviceProcessEvents | invoke byName('CMD.exe') | count") ==
        std::vector<std::string>{R"({"row": {"Count": 2}})"});
  CHECK(Rows("let procs = (name: string) { DeviceProcessEvents | where FileName =~ name | project ProcessId };\n"
             "procs('NET.EXE')") == std::vector<std::string>{R"({"row": {"ProcessId": 21}})"});
  // A piped table used twice is one shared subplan, lowered where the invoke is: the body's
  // own `src` does not hide the caller's.
  CHECK(Sorted(Rows("let f = (T:(ProcessId:long)) { T | join kind=inner (T | where ProcessId > 15 | extend Big = true) on ProcessId\n"
                    "  | project ProcessId, Big };\n"
                    "DeviceProcessEvents | project ProcessId | invoke f()")) ==
        std::vector<std::string>{R"({"row": {"ProcessId": 20, "Big": true}})", R"({"row": {"ProcessId": 21, "Big": true}})"});
  CHECK(Rows("let src = DeviceProcessEvents | where FileName == 'cmd.exe';\n"
             "let f = (T:(ProcessId:long)) { let src = 1; union T, (T | where ProcessId > src) | count };\n"
             "src | project ProcessId | invoke f()") == std::vector<std::string>{R"({"row": {"Count": 4}})"});
  // Window functions and toscalar() in one operator, met in either order (row-number docs:
  // numbers from 1 in the serialized order).
  CHECK(Rows("DeviceProcessEvents | sort by ProcessId asc\n"
             "| where row_number() == toscalar(DeviceLogonEvents | count) | project ProcessId") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 20}})"});
  CHECK(Rows("DeviceProcessEvents | sort by ProcessId asc\n"
             "| extend n = toscalar(DeviceLogonEvents | count), r = row_number(), p = prev(ProcessId)\n"
             "| where r == n | project ProcessId, n, r, p") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 20, "n": 3, "r": 3, "p": 11}})"});
}

// rand-function docs: rand() is a real in [0.0, 1.0), rand(N) a real from {0.0, 1.0, ..., N - 1};
// new_guid-function docs: a random guid. Only the range and format are checked, and each call
// is reported as a note (HC409) at its span.
TEST_CASE("lower: rand() and new_guid() are computed per row and noted as non-deterministic", "[lower]") {
  Result r = Run("DeviceProcessEvents | extend r = rand(), n = rand(3), g = new_guid()\n"
                 "| where r >= 0 and r < 1 and n in (0.0, 1.0, 2.0)\n"
                 "  and tostring(g) matches regex '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'\n"
                 "| summarize rows = count(), guids = dcount(tostring(g))");
  REQUIRE(r.compiled);
  CHECK(r.rows == std::vector<std::string>{R"({"row": {"rows": 4, "guids": 4}})"});
  CHECK_THAT(r.diagnostics, Catch::Contains("q.kql:1:34: info HC409") && Catch::Contains("HC409") &&
                                Catch::Contains("rand() is non-deterministic") &&
                                Catch::Contains("new_guid() is non-deterministic"));
  // A row keeps the value it drew: a later use reads the column, not a new draw.
  CHECK(Rows("DeviceProcessEvents | extend r = rand() | extend s = r | where r != s | count") ==
        std::vector<std::string>{R"({"row": {"Count": 0}})"});
  CHECK(Rows("DeviceProcessEvents | extend g = tostring(new_guid()) | extend h = g | where g != h | count") ==
        std::vector<std::string>{R"({"row": {"Count": 0}})"});
}

// base64-decode-toarray and unicode-codepoints-to-string (make_string) docs, as the
// launching-base64-powershell[Nobelium] hunt combines them.
TEST_CASE("lower: base64_decode_toarray() and make_string()", "[lower]") {
  CHECK(Rows("print a = base64_decode_toarray('S3VzdG8='), s = make_string(base64_decode_toarray('S3VzdG8=')),\n"
             "  t = make_string(dynamic([75, 117, 115]), 116, 111)") ==
        std::vector<std::string>{R"({"row": {"a": [75,117,115,116,111], "s": "Kusto", "t": "Kusto"}})"});
}

TEST_CASE("lower: what is not lowered is refused with HC500 at its span", "[lower]") {
  // kind=nonempty needs the axis's bounds and no groups (see tests/cases/make-series-nonempty).
  Result r = Run("DeviceProcessEvents | make-series kind=nonempty count() on Timestamp step 1h");
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("make-series kind=nonempty"));
  // find without a project list (its pack_ column) or over every table.
  r = Run("find in (DeviceProcessEvents, DeviceLogonEvents) where AccountName == 'alice'");
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("find without a 'project' list"));
  r = Run("find where AccountName == 'alice' project DeviceName");
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("find without 'in (...)'"));
  // A function body is bound once per call; calls with arguments of other types need it bound
  // again, which lowering does not do yet.
  r = Run("let f = (x: dynamic) { tostring(x) }; print a = f(dynamic(1)), b = f(dynamic('s'))");
  CHECK(r.compiled);
  r = Run("let f = (T:(*)) { T | count }; union (DeviceProcessEvents | invoke f()), (DeviceLogonEvents | invoke f())");
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("f() with arguments of other types"));
  // union kind=inner of a name with two types: no column is common to every input.
  r = Run("union kind=inner (DeviceProcessEvents | project x = ProcessId), (DeviceLogonEvents | project x = AccountName)");
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("union kind=inner over a column of several types"));
  // A constant regex that is not RE2 (look-behind, backreference) is an error, not a silent
  // non-match, wherever a regex is taken.
  for (const char* q : {"DeviceProcessEvents | where FileName matches regex '(?<=a)b'",
                        "DeviceProcessEvents | project extract(@'(a)\\1', 0, FileName)",
                        "DeviceProcessEvents | project replace_regex(FileName, '(?=x)', 'y')",
                        "DeviceProcessEvents | project countof(FileName, '(?!x)', 'regex')",
                        "DeviceProcessEvents | project trim('(?<!x)', FileName)"}) {
    r = Run(q);
    INFO(q);
    CHECK_FALSE(r.compiled);
    CHECK_THAT(r.diagnostics, Catch::Contains("HC408") && Catch::Contains("not a valid RE2"));
  }
  CHECK(Run("DeviceProcessEvents | where FileName matches regex '(?i)CMD' | project countof(FileName, '(?!', 'normal')").compiled);
  r = Run("DeviceProcessEvents | where FileName like 'cmd%'");
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500"));
  // The JIT engine lowers as the interpreter does, so it refuses the same constructs.
  r = Run("DeviceProcessEvents | partition by DeviceId (take 1)", Engine::Jit);
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("partition"));
}

TEST_CASE("lower: mv-apply runs its subquery per row over the row's items", "[lower]") {
  // mv-apply doc: the subquery runs on each record's expanded subtable and the results are
  // unioned; rows for which it returns nothing are gone. `with_itemindex` numbers the items.
  CHECK(Rows("DeviceProcessEvents | where ProcessId < 12 | extend l = parse_json(AdditionalFields).k\n"
             "| mv-apply with_itemindex=i e = l to typeof(long) on (top 1 by e | project e, i)\n"
             "| project ProcessId, e, i") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10, "e": 2, "i": 1}})",
                                 R"({"row": {"ProcessId": 11, "e": 3, "i": 0}})"});
  // Several columns expand in lock-step (the shorter padded with null); a summarize inside
  // gives one row per input row; where, extend and take work inside too.
  CHECK(Rows("print a = dynamic([1, 2, 3]), b = dynamic(['x', 'y'])\n"
             "| mv-apply a to typeof(long), b to typeof(string) on (where a > 1 | extend c = strcat(b, a) | take 5)\n"
             "| project a, b, c") ==
        std::vector<std::string>{R"({"row": {"a": 2, "b": "y", "c": "y2"}})", R"({"row": {"a": 3, "b": "", "c": "3"}})"});
  CHECK(Sorted(Rows("DeviceProcessEvents | where ProcessId < 12 | extend l = parse_json(AdditionalFields).k\n"
                    "| mv-apply e = l to typeof(long) on (summarize s = sum(e), n = count())\n"
                    "| project ProcessId, s, n")) ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10, "s": 3, "n": 2}})", R"({"row": {"ProcessId": 11, "s": 3, "n": 1}})"});
  // The subquery is fed only its row: a table read inside it is refused.
  Result r = Run("DeviceProcessEvents | extend l = parse_json(AdditionalFields).k\n"
                 "| mv-apply e = l on (join (DeviceLogonEvents) on DeviceName)");
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("mv-apply subquery"));
}

TEST_CASE("lower: make-series builds one array per aggregate over the whole axis", "[lower]") {
  // make-series doc: arrays over every bin from `from` up to (not including) `to`, `default=`
  // for empty bins, the axis as an array of bin start times, one row per `by` group.
  CHECK(Sorted(Rows("DeviceProcessEvents | where Timestamp > ago(2d)\n"
                    "| make-series n = count() default = 9, p = max(ProcessId) on Timestamp\n"
                    "  from datetime(2026-11-19T09:00:00Z) to datetime(2026-11-19T12:00:00Z) step 1h by DeviceName")) ==
        std::vector<std::string>{
            R"({"row": {"DeviceName": "a", "n": [9,1,1], "p": [0,10,11], "Timestamp": ["2026-11-19T09:00:00.0000000Z","2026-11-19T10:00:00.0000000Z","2026-11-19T11:00:00.0000000Z"]}})",
            R"({"row": {"DeviceName": "b", "n": [9,9,1], "p": [0,0,20], "Timestamp": ["2026-11-19T09:00:00.0000000Z","2026-11-19T10:00:00.0000000Z","2026-11-19T11:00:00.0000000Z"]}})"});
  // Bounds relative to now() (now = 2026-11-20T00:00Z); the rows outside them do not count.
  CHECK(Rows("DeviceProcessEvents | make-series n = count() on Timestamp from ago(14h) to now() - 12h step 1h") ==
        std::vector<std::string>{
            R"({"row": {"n": [1,2], "Timestamp": ["2026-11-19T10:00:00.0000000Z","2026-11-19T11:00:00.0000000Z"]}})"});
  // `in range(from, to, step)`, a numeric axis.
  CHECK(Rows("DeviceProcessEvents | make-series c = count() on ProcessId in range(10, 22, 5)") ==
        std::vector<std::string>{R"({"row": {"c": [2,0,2], "ProcessId": [10,15,20]}})"});
}

TEST_CASE("lower: series functions, their columns and their defaults", "[lower]") {
  // series_stats doc: unnamed, the columns are series_stats_<arg>_min, ..._variance.
  CHECK(Rows("print y = dynamic([1, 3, 2]) | extend series_stats(y) | project series_stats_y_max_idx, series_stats_y_variance") ==
        std::vector<std::string>{R"({"row": {"series_stats_y_max_idx": 1, "series_stats_y_variance": 1}})"});
  // series_fit_line doc example (RSquare 0.982, Slope 2.730, Interception -1.666, to the
  // digits the doc shows), named columns, in project.
  CHECK(Rows("print y = dynamic([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30])\n"
             "| project (RSquare, Slope, Variance, RVariance, Interception, LineFit) = series_fit_line(y)\n"
             "| project RSquare, Slope, Interception") ==
        std::vector<std::string>{
            R"({"row": {"RSquare": 0.982900730884447, "Slope": 2.7307692307692313, "Interception": -1.6666666666666714}})"});
  // series_decompose_anomalies with its defaults (threshold 1.5, seasonality detected, avg, ctukey).
  CHECK(Rows("print y = dynamic([1, 2, 1, 30, 2, 1, 2, 1])\n"
             "| extend (flags, score, baseline) = series_decompose_anomalies(y) | project flags, baseline") ==
        std::vector<std::string>{R"({"row": {"flags": [0,0,0,1,0,0,0,0], "baseline": [5,5,5,5,5,5,5,5]}})"});
  CHECK(Rows("print f = series_fill_forward(dynamic([1, null, 3])), o = series_outliers(dynamic([1, 2, 1, 30, 2, 1, 2, 1]), 'tukey')") ==
        std::vector<std::string>{R"({"row": {"f": [1,1,3], "o": [0,0,0,28,0,0,0,0]}})"});
  Result r = Run("print s = series_stats_dynamic(dynamic([1, 2]), 2)");
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("series_stats_dynamic() with 2 arguments"));
}

TEST_CASE("lower: scans under joins and summarize read only the columns used", "[lower]") {
  Diagnostics diags;
  const std::string kql =
      "DeviceLogonEvents | project DeviceName | join (DeviceProcessEvents | project DeviceName, FileName\n"
      "| summarize n = count() by DeviceName) on DeviceName";
  auto file = std::make_shared<SourceFile>("q.kql", kql);
  AnalyzedQuery analyzed;
  CompileDumps dumps;
  REQUIRE(AnalyzeQuery(kql, TextOrigin::Identity(file), Catalog::BuiltIn(), diags, analyzed, &dumps));
  CHECK_THAT(dumps.ir_opt, Catch::Contains("Scan DeviceLogonEvents [#0=DeviceName:string]") &&
                               Catch::Contains("Scan DeviceProcessEvents [#0=DeviceName:string]\n"));
}

TEST_CASE("lower: parse and parse-where, simple, relaxed and regex", "[lower][parse]") {
  // parse-operator docs: the computed columns are null (strings: empty) for the strings that do
  // not parse; `*` skips text; the last column takes the rest of the string.
  CHECK(Rows("DeviceProcessEvents | parse ProcessCommandLine with Cmd ' /c ' Arg | project ProcessId, Cmd, Arg") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10, "Cmd": "cmd", "Arg": "whoami"}})",
                                 R"({"row": {"ProcessId": 11, "Cmd": "", "Arg": ""}})",
                                 R"({"row": {"ProcessId": 20, "Cmd": "cmd", "Arg": "dir"}})",
                                 R"({"row": {"ProcessId": 21, "Cmd": "", "Arg": ""}})"});
  // parse-where-operator docs: "The result is only the successfully parsed strings."
  CHECK(Rows("DeviceProcessEvents | parse-where ProcessCommandLine with * '/c ' Arg | project ProcessId, Arg") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10, "Arg": "whoami"}})",
                                 R"({"row": {"ProcessId": 20, "Arg": "dir"}})"});
  // simple: "all extended columns must match the required types" (else the parse fails);
  // relaxed: "Extended columns that didn't match the required type get null values."
  CHECK(Rows("print s = 'pid=42; user=bob' | parse s with 'pid=' P:long '; user=' U | project P, U") ==
        std::vector<std::string>{R"({"row": {"P": 42, "U": "bob"}})"});
  CHECK(Rows("print s = 'pid=x; user=bob' | parse s with 'pid=' P:long '; user=' U | project P, U") ==
        std::vector<std::string>{R"({"row": {"P": null, "U": ""}})"});
  CHECK(Rows("print s = 'pid=x; user=bob' | parse kind=relaxed s with 'pid=' P:long '; user=' U | project P, U") ==
        std::vector<std::string>{R"({"row": {"P": null, "U": "bob"}})"});
  // The docs' example: a typed column followed by `*` takes its number, the `*` the rest (the
  // docs translate a long column to digits); its US-style dates are ISO here, which todatetime()
  // reads.
  CHECK(Rows("print s = 'resourceName=PipelineScheduler, totalSlices=27, sliceNumber=23, "
             "releaseTime=2016-02-17 08:40:01, previousLockTime=2016-02-17 08:39:01)'\n"
             "| parse s with * 'resourceName=' resourceName ', totalSlices=' totalSlices:long * 'sliceNumber=' "
             "sliceNumber:long * 'releaseTime=' releaseTime:date ',' * 'previousLockTime=' previousLockTime:date ')' *\n"
             "| project-away s") ==
        std::vector<std::string>{R"({"row": {"resourceName": "PipelineScheduler", "totalSlices": 27, "sliceNumber": 23, )"
                                 R"("releaseTime": "2016-02-17T08:40:01.0000000Z", "previousLockTime": "2016-02-17T08:39:01.0000000Z"}})"});
  CHECK(Rows("print s = 'pid=x' | parse-where s with 'pid=' P:long | count") ==
        std::vector<std::string>{R"({"row": {"Count": 0}})"});
  // regex: the string parts are RE2 (their own groups do not shift the columns'); flags=i is
  // case-insensitive matching.
  CHECK(Rows("print s = 'User=Bob, ID=7' | parse kind=regex flags=i s with 'user=' Name ', id=' Id:int | project Name, Id") ==
        std::vector<std::string>{R"({"row": {"Name": "Bob", "Id": 7}})"});
  CHECK(Rows("print s = 'ab12cd' | parse kind=regex s with '([a-z]+)' N:long 'cd' | project N") ==
        std::vector<std::string>{R"({"row": {"N": 12}})"});
  Result r = Run("print s = 'a' | parse kind=fuzzy s with 'a' X");
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("parse kind=fuzzy"));
}

TEST_CASE("lower: top-nested, one level and several", "[lower][top-nested]") {
  // top-nested docs: N of the column's values with the highest aggregate (asc: lowest); the
  // unnamed aggregate column is aggregated_<column>; without N, every value.
  CHECK(Rows("DeviceProcessEvents | top-nested 1 of DeviceName by max(ProcessId)") ==
        std::vector<std::string>{R"({"row": {"DeviceName": "b", "aggregated_DeviceName": 21}})"});
  CHECK(Rows("DeviceProcessEvents | top-nested 1 of DeviceName by m = max(ProcessId) asc") ==
        std::vector<std::string>{R"({"row": {"DeviceName": "a", "m": 11}})"});
  CHECK(Sorted(Rows("DeviceProcessEvents | top-nested of AccountName by dcount(FileName)")) ==
        std::vector<std::string>{R"({"row": {"AccountName": "alice", "aggregated_AccountName": 2}})",
                                 R"({"row": {"AccountName": "bob", "aggregated_AccountName": 2}})"});
  // Each level's N values within each value kept above it, with the aggregates of every level.
  CHECK(Sorted(Rows("DeviceProcessEvents | top-nested 2 of DeviceName by count(), 1 of FileName by m = max(ProcessId)")) ==
        std::vector<std::string>{
            R"({"row": {"DeviceName": "a", "aggregated_DeviceName": 2, "FileName": "powershell.exe", "m": 11}})",
            R"({"row": {"DeviceName": "b", "aggregated_DeviceName": 2, "FileName": "net.exe", "m": 21}})"});
  CHECK(Sorted(Rows("DeviceProcessEvents | top-nested 1 of DeviceName by max(ProcessId), top-nested all of FileName by count()")) ==
        std::vector<std::string>{
            R"({"row": {"DeviceName": "b", "aggregated_DeviceName": 21, "FileName": "cmd.exe", "aggregated_FileName": 1}})",
            R"({"row": {"DeviceName": "b", "aggregated_DeviceName": 21, "FileName": "net.exe", "aggregated_FileName": 1}})"});
  // with others: one more row per level, the aggregate of the values left out (see
  // tests/cases/top-nested-with-others); an aggregate over rows, not over the kept aggregates.
  CHECK(Sorted(Rows("DeviceProcessEvents | top-nested 1 of FileName with others = 'rest' by m = max(ProcessId)")) ==
        std::vector<std::string>{R"({"row": {"FileName": "net.exe", "m": 21}})", R"({"row": {"FileName": "rest", "m": 20}})"});
  CHECK(Sorted(Rows("DeviceProcessEvents | top-nested 2 of AccountName with others = 'rest' by c = count()")) ==
        std::vector<std::string>{R"({"row": {"AccountName": "alice", "c": 2}})", R"({"row": {"AccountName": "bob", "c": 2}})",
                                 R"({"row": {"AccountName": "rest", "c": 0}})"});
  Result r = Run("DeviceProcessEvents | top-nested of DeviceName with others = 'rest' by count()");
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("with others' without a count"));
}

TEST_CASE("lower: range, the operator and the function", "[lower][range]") {
  // range-operator docs: "values are start, start + step, ... up to and until stop".
  CHECK(Rows("range X from 1 to 8 step 3") ==
        std::vector<std::string>{R"({"row": {"X": 1}})", R"({"row": {"X": 4}})", R"({"row": {"X": 7}})"});
  CHECK(Rows("range Day from ago(2d) to now() step 1d") ==
        std::vector<std::string>{R"({"row": {"Day": "2026-11-18T00:00:00.0000000Z"}})",
                                 R"({"row": {"Day": "2026-11-19T00:00:00.0000000Z"}})",
                                 R"({"row": {"Day": "2026-11-20T00:00:00.0000000Z"}})"});
  // range-function docs: range(1, 8, 3) is [1,4,7]; the default step of numbers is 1.
  CHECK(Rows("print r = range(1, 8, 3), d = range(1, 3)") ==
        std::vector<std::string>{R"({"row": {"r": [1,4,7], "d": [1,2,3]}})"});
  Result r = Run("range X from 1 to 3 step 0");
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("zero step"));
}

TEST_CASE("lower: 'in' over arrays in a table and nested in other terms", "[lower][in]") {
  // in-operator docs: a dynamic array on the right is flattened: its elements are the values.
  CHECK(Rows("let names = DeviceProcessEvents | where DeviceName == 'b' | summarize make_list(FileName);\n"
             "DeviceProcessEvents | where FileName in (names) | project ProcessId") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10}})", R"({"row": {"ProcessId": 20}})",
                                 R"({"row": {"ProcessId": 21}})"});
  // in~ over a subquery under `or`, and `in` under `not`: membership as a value.
  CHECK(Rows("DeviceProcessEvents | where ProcessId == 20 or DeviceName in~ ((DeviceLogonEvents\n"
             "| where LogonType == 'Interactive' | project toupper(DeviceName))) | project ProcessId") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10}})", R"({"row": {"ProcessId": 11}})",
                                 R"({"row": {"ProcessId": 20}})"});
  CHECK(Rows("DeviceProcessEvents | where not(DeviceName in ((DeviceLogonEvents | project DeviceName))) or ProcessId == 10\n"
             "| project ProcessId") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10}})", R"({"row": {"ProcessId": 20}})",
                                 R"({"row": {"ProcessId": 21}})"});
  CHECK(Rows("DeviceProcessEvents | extend seen = AccountName !in ((DeviceLogonEvents | project AccountName))\n"
             "| project ProcessId, seen") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10, "seen": false}})", R"({"row": {"ProcessId": 11, "seen": false}})",
                                 R"({"row": {"ProcessId": 20, "seen": true}})", R"({"row": {"ProcessId": 21, "seen": true}})"});
}

TEST_CASE("lower: has_any over a table", "[lower][in]") {
  // has-any-operator docs: the right side may be a tabular expression, whose first column's
  // values are the terms.
  CHECK(Rows("let words = DeviceLogonEvents | where LogonType == 'Network' | project w = strcat(AccountName, '');\n"
             "DeviceProcessEvents | extend line = strcat(ProcessCommandLine, ' by ', AccountName)\n"
             "| where line has_any (words) | project ProcessId") ==
        std::vector<std::string>{R"({"row": {"ProcessId": 10}})", R"({"row": {"ProcessId": 11}})"});
  CHECK(Rows("let none = DeviceLogonEvents | where LogonType == 'none' | project AccountName;\n"
             "DeviceProcessEvents | where ProcessCommandLine has_any (none) | count") ==
        std::vector<std::string>{R"({"row": {"Count": 0}})"});
}

TEST_CASE("lower: externaldata reads the local files its URLs are mapped to", "[lower][externaldata]") {
  const test::TempDir dir;
  // externaldata docs: the columns as declared, the format from with(format=...), and
  // ignoreFirstRecord skips a CSV header.
  const ExternalFiles files{
      {"https://example.com/iocs.csv",
       dir.Write("iocs.csv", "Added,IoC,Score\n2026-11-01,\"cmd.exe\",5\n2026-11-02,\"a \"\"b\"\", c\",x\n")},
      {"https://example.com/iocs.tsv", dir.Write("iocs.tsv", "net.exe\t1\n")},
      {"https://example.com/iocs.json", dir.Write("iocs.json", "{\"IoC\":\"cmd.exe\",\"Score\":3}\n{\"IoC\":\"x\"}\n")},
      {"https://example.com/multi.json", dir.Write("multi.json", "[{\"IoC\":\"net.exe\",\"Tags\":[1]},\n {\"IoC\":\"y\"}]")},
  };
  CHECK(Rows("externaldata(Added:datetime, IoC:string, Score:long) [@'https://example.com/iocs.csv']\n"
             "with (format='csv', ignoreFirstRecord=true)", &files) ==
        std::vector<std::string>{R"({"row": {"Added": "2026-11-01T00:00:00.0000000Z", "IoC": "cmd.exe", "Score": 5}})",
                                 R"({"row": {"Added": "2026-11-02T00:00:00.0000000Z", "IoC": "a \"b\", c", "Score": null}})"});
  CHECK(Rows("let iocs = externaldata(IoC:string, Score:long) ['https://example.com/iocs.tsv'] with (format='tsv');\n"
             "DeviceProcessEvents | where FileName in (iocs) | project ProcessId", &files) ==
        std::vector<std::string>{R"({"row": {"ProcessId": 21}})"});
  CHECK(Rows("externaldata(IoC:string, Score:long) ['https://example.com/iocs.json'] with (format='json')", &files) ==
        std::vector<std::string>{R"({"row": {"IoC": "cmd.exe", "Score": 3}})", R"({"row": {"IoC": "x", "Score": null}})"});
  CHECK(Rows("externaldata(IoC:string, Tags:dynamic) ['https://example.com/multi.json'] with (format='multijson')", &files) ==
        std::vector<std::string>{R"({"row": {"IoC": "net.exe", "Tags": [1]}})", R"({"row": {"IoC": "y", "Tags": null}})"});
  // Never a silent empty table: an unmapped URL is refused, naming it and the option.
  Result r = Run("externaldata(IoC:string) ['https://example.com/other.csv']", Engine::Interp, &files);
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("https://example.com/other.csv") &&
                                Catch::Contains("--externaldata"));
  // A file that is not in its format is an input error naming the URL.
  const ExternalFiles broken{{"https://example.com/broken.csv", dir.Write("broken.csv", "a,\"b\nc\n")}};
  r = Run("externaldata(IoC:string) ['https://example.com/broken.csv']", Engine::Interp, &broken);
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC700") && Catch::Contains("https://example.com/broken.csv") &&
                                Catch::Contains("quoted field is not closed"));
  r = Run("externaldata(IoC:string) ['https://example.com/iocs.csv'] with (format='parquet')", Engine::Interp, &files);
  CHECK_FALSE(r.compiled);
  CHECK_THAT(r.diagnostics, Catch::Contains("HC500") && Catch::Contains("parquet"));
}

TEST_CASE("lower: find over several tables with a project list", "[lower][find]") {
  // doc: find-operator. Each table's rows where the predicate is true, source_ naming the
  // table, then the listed columns; a column a table lacks is null there (an empty string), so
  // a term over it is not true for that table's rows.
  CHECK(Sorted(Rows("find in (DeviceProcessEvents, DeviceLogonEvents) where AccountName == 'alice' "
                    "and (LogonType == 'Network' or FileName == 'cmd.exe') project DeviceName, FileName, LogonType")) ==
        std::vector<std::string>{
            R"({"row": {"source_": "DeviceLogonEvents", "DeviceName": "a", "FileName": "", "LogonType": "Network"}})",
            R"({"row": {"source_": "DeviceProcessEvents", "DeviceName": "a", "FileName": "cmd.exe", "LogonType": ""}})"});
  // Under a pipeline, with withsource.
  CHECK(Rows("find withsource=T in (DeviceProcessEvents, DeviceLogonEvents) where DeviceName == 'c' project AccountName "
             "| summarize n = count() by T, AccountName") ==
        std::vector<std::string>{R"({"row": {"T": "DeviceLogonEvents", "AccountName": "carol", "n": 1}})"});
}
