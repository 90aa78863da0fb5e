// The JIT must agree with the reference interpreter: many queries, each run by both engines over
// the same generated events, must give the same detections: scan filters, summarizes and the
// computed columns of projections.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "compiler/driver/compile.h"
#include "tests/unit/archive_util.h"
#include "tests/unit/run_util.h"
#include "tools/gen-events/generator.h"

using namespace huntc;
namespace fs = std::filesystem;

namespace {

const int64_t kNow = *ParseDateTime("2026-11-20T00:00:00Z");

// kernels: how many kernels the query has under the JIT.
std::vector<std::string> RunQuery(const std::string& kql, Engine engine, size_t kernels, const fs::path& events,
                                  Jit& jit, const Catalog& catalog, const fs::path& dir) {
  Diagnostics diags;
  auto file = std::make_shared<SourceFile>("q.kql", kql);
  auto query = CompileQuery(kql, TextOrigin::Identity(file), catalog, jit, diags, nullptr, engine);
  INFO((diags.items().empty() ? std::string() : RenderText(diags.items()[0])));
  REQUIRE(query);
  // Under the JIT the filter (and summarize) must really be kernels, or both runs are the
  // interpreter's.
  CHECK(query->kernels == (engine == Engine::Jit ? kernels : 0u));
  CHECK(query->interpreted.empty());
  std::vector<std::unique_ptr<CompiledQuery>> queries;
  queries.push_back(std::move(query));
  std::vector<std::string> lines = test::RunToLines(queries, {{events.string(), "DeviceNetworkEvents"}}, kNow, dir);
  std::sort(lines.begin(), lines.end());
  return lines;
}

// The two engines' sorted rows are the same; on a difference, says the first one instead of
// printing both whole lists (thousands of rows: Catch takes minutes to print them).
void CheckSameRows(const std::vector<std::string>& jit_rows, const std::vector<std::string>& interp_rows) {
  CHECK(jit_rows.size() == interp_rows.size());
  const auto [j, i] = std::mismatch(jit_rows.begin(), jit_rows.end(), interp_rows.begin(), interp_rows.end());
  INFO("the first row that differs, JIT then interpreter");
  CHECK((j == jit_rows.end() ? std::string("(none)") : *j) == (i == interp_rows.end() ? std::string("(none)") : *i));
}

}  // namespace

TEST_CASE("engines: the JIT and the interpreter give the same detections", "[interp][engines]") {
  const test::TempDir dir;  // per process: test runs may overlap
  const fs::path events = dir.path / "DeviceNetworkEvents.jsonl";
  {
    std::ofstream out(events, std::ios::binary);
    gen::GenOptions opt;
    opt.events = 20005;  // the last batch ends inside a word of the kernels' row mask
    opt.now = kNow;
    gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
      return static_cast<bool>(out.write(chunk.data(), chunk.size()));
    });
  }
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  const Catalog catalog = Catalog::BuiltIn();
  const char* predicates[] = {
      "RemotePort == 443",
      "RemotePort != 443 and RemotePort < 1024",
      "RemotePort in (22, 3389, 4444, 8080, 445, 139)",
      "RemotePort !in (80, 443)",
      "not(RemotePort > 1000) or isnull(RemotePort)",
      "RemotePort % 7 == 3 and RemotePort / 100 > 2",
      "LocalPort - RemotePort > 0",
      "RemoteUrl has 'pastebin' or RemoteUrl contains 'ngrok'",
      "RemoteUrl endswith '.com' and RemoteUrl !startswith 'www'",
      "RemoteUrl has_cs 'Microsoft' or RemoteUrl contains_cs 'Azure'",
      "InitiatingProcessFileName =~ 'POWERSHELL.EXE'",
      "InitiatingProcessFileName in~ ('powershell.exe', 'cmd.exe', 'rundll32.exe', 'regsvr32.exe', 'mshta.exe')",
      "InitiatingProcessFileName !in ('chrome.exe', 'msedge.exe')",
      "isempty(RemoteUrl) and isnotempty(RemoteIP)",
      "Timestamp > ago(3d) and ActionType == 'ConnectionSuccess'",
      "Timestamp between (datetime(2026-11-15) .. 2d)",
      "Timestamp !between (ago(10d) .. ago(2d))",
      "InitiatingProcessCommandLine contains '-enc' or InitiatingProcessCommandLine has 'bypass'",
      "RemoteUrl has_any ('pastebin', 'ngrok', 'github') or InitiatingProcessFileName has_any ('powershell')",
      "RemoteUrl has_any (dynamic(['pastebin', null, 'NGROK'])) and RemotePort !in (22)",
      "InitiatingProcessCommandLine has_all ('-enc', 'powershell') or RemoteUrl has_all ()",
      // Many literals on one value: matched in one pass (LiteralMatcher), also with empty ones.
      "RemoteUrl startswith 'www' or RemoteUrl endswith '.net' or RemoteUrl =~ 'PASTEBIN.COM' or "
      "RemoteUrl contains_cs 'Micro' or RemotePort == 22 or InitiatingProcessFileName has 'cmd'",
      "InitiatingProcessCommandLine has_all ('powershell', '-enc', 'hidden', 'x') or RemoteUrl has_any ('a', 'b', '', 'com')",
      "not(RemoteUrl has 'com' or RemoteUrl has_cs 'NET' or RemoteUrl endswith_cs 'org') and RemotePort < 1000",
      // Straight-line conjuncts run first and without branches, around a helper call.
      "RemoteUrl contains 'micro' and LocalPort > 1024 and RemotePort != 443",
      "RemotePort in (80, 443) and not(isnull(LocalPort)) and LocalPort - RemotePort > 100",
      // Term prefixes and suffixes, both cases, negated, and on absent values.
      "RemoteUrl hasprefix 'micro' or RemoteUrl hassuffix 'bin.com' or InitiatingProcessFileName hassuffix '.EXE'",
      "InitiatingProcessCommandLine hasprefix_cs '-Enc' or InitiatingProcessFileName hassuffix_cs 'exe' or RemoteUrl hasprefix_cs 'WWW'",
      "(RemoteUrl !hasprefix 'www' and RemoteUrl !hassuffix_cs 'com') or RemoteUrl !hasprefix_cs ''",
      "InitiatingProcessCommandLine hasprefix 'power' and InitiatingProcessCommandLine !hassuffix 'shell'",
      // Regular expressions: anchors, classes, case folding, the empty value, no match at all.
      "RemoteUrl matches regex @'^[a-z0-9-]+\\.(com|net)$' or InitiatingProcessCommandLine matches regex @'(?i)-e(nc|ncodedcommand)\\s'",
      "RemoteUrl matches regex '^$' and RemotePort > 100",
      "not(InitiatingProcessFileName matches regex 'exe') or RemoteUrl matches regex @'\\d{2,}'",
      "InitiatingProcessFileName matches regex 'zz(?P<x>q)+' or RemoteUrl matches regex ''",
      "extract(@'^(\\w+)\\.(exe|dll)$', 1, InitiatingProcessFileName) in~ ('powershell', 'cmd', 'svchost')",
      "extract('(a)|(b)', 2, RemoteUrl) == '' and extract('([0-9]+)', 1, RemoteUrl) != '' or extract('x', 3, RemoteUrl) == 'y'",
      // Conditionals: strings and numbers, null conditions, null and empty values skipped.
      "iff(RemotePort > 1000, RemoteUrl, InitiatingProcessFileName) has 'exe'",
      "case(RemotePort == 443, 'https', RemotePort == 80, 'http', isnull(RemotePort), 'none', 'other') in ('https', 'none')",
      "coalesce(RemoteUrl, InitiatingProcessFileName) endswith '.exe' or iff(RemotePort < 100, LocalPort, RemotePort) > 50000",
      "coalesce(RemotePort, LocalPort, 0) > 1000 and coalesce(RemotePort, 7) % 2 == 1",
      // The interpreter's scalar functions called from kernels.
      "strlen(RemoteUrl) > 20 or strlen(InitiatingProcessCommandLine) between (10 .. 30)",
      "ipv4_is_private(RemoteIP) or ipv4_is_in_range(LocalIP, '10.0.0.0/8')",
      "ipv4_compare(RemoteIP, '100.0.0.0') > 0 and ipv4_compare(LocalIP, RemoteIP, 8) != 0",
      "isnull(ipv4_is_private(RemoteUrl)) and RemotePort < 1000",
      "bin(Timestamp, 1d) > ago(5d) and bin(RemotePort, 1000) == 0 and isnull(bin(LocalPort, 0))",
      "datetime_diff('day', now(), Timestamp) > 3 or datetime_diff('Hour', Timestamp, ago(1d)) < 0",
      // datetime_add: fixed periods inline, calendar and computed periods by call, null and
      // negative amounts, an unknown period (null), years out of range (null).
      "Timestamp between (datetime_add('day', -3, now()) .. datetime_add('Hour', RemotePort % 48, ago(2d)))",
      "datetime_add('month', 1, Timestamp) > datetime_add('Year', 0, now()) or "
      "datetime_add(iff(RemotePort > 1000, 'minute', 'Week'), LocalPort, Timestamp) < ago(1d)",
      "isnull(datetime_add('fortnight', 1, Timestamp)) and datetime_add('nanosecond', 250, Timestamp) > Timestamp",
      "isnull(datetime_add('quarter', -RemotePort * 10, Timestamp)) or datetime_add('millisecond', LocalPort, Timestamp) > now()",
  };
  size_t nonempty = 0;
  for (const char* where : predicates) {
    // As a scan pipeline, and as the kernel under a summarize (a hybrid plan).
    for (const char* tail : {" | project Timestamp, DeviceName, RemotePort, RemoteUrl",
                             " | summarize n = count(), devices = dcount(DeviceName) by RemotePort"}) {
      const std::string kql = std::string("DeviceNetworkEvents | where ") + where + tail;
      INFO(kql);
      const size_t kernels = std::string_view(tail).find("summarize") != std::string_view::npos ? 2 : 1;
      const auto jit_rows = RunQuery(kql, Engine::Jit, kernels, events, *jit, catalog, dir.path);
      const auto interp_rows = RunQuery(kql, Engine::Interp, kernels, events, *jit, catalog, dir.path);
      CHECK(jit_rows.size() == interp_rows.size());
      CheckSameRows(jit_rows, interp_rows);
      nonempty += !jit_rows.empty();
    }
  }
  // The comparison means something only if the queries select rows (about all but one do).
  CHECK(nonempty >= 2 * (std::size(predicates) - 2));

  // Kernels inside a shared subplan (materialize, used twice) get their runtime objects (string
  // sets, regexes) like any other: they once ran with none and crashed.
  for (const char* where : {"InitiatingProcessFileName in~ ('powershell.exe', 'cmd.exe', 'rundll32.exe')",
                            "extract(@'^(\\w+)\\.(exe|dll)$', 1, InitiatingProcessFileName) != '' and "
                            "RemoteUrl matches regex @'\\.(com|net)$'"}) {
    const std::string kql = std::string("let T = materialize(DeviceNetworkEvents | where ") + where +
                            "); T | summarize n = count() by RemotePort"
                            " | join kind=inner (T | summarize d = dcount(RemoteUrl) by RemotePort) on RemotePort";
    INFO(kql);
    const auto jit_rows = RunQuery(kql, Engine::Jit, 3, events, *jit, catalog, dir.path);  // filter, 2 summarizes
    const auto interp_rows = RunQuery(kql, Engine::Interp, 3, events, *jit, catalog, dir.path);
    CHECK(jit_rows.size() >= 3);
    CheckSameRows(jit_rows, interp_rows);
  }

  // Computed columns: the projection kernel against the interpreter, over the rows a compiled
  // filter selected and over whole batches, with nulls, zero divisors and calls of helpers.
  // Each with how many Projects it lowers to: common subexpressions become a Project of their own.
  const std::pair<const char*, size_t> extends[] = {
      {"B = RemotePort * 2 + 1, H = bin(Timestamp, 1h)", 1},
      {"D = RemotePort / (LocalPort % 3), M = LocalPort % -7, N = -RemotePort, O = RemotePort - LocalPort * 3", 2},
      {"R = todouble(RemotePort) / 0.0, Q = LocalPort * 1.5 - RemotePort, W = RemotePort % 0, V = real(null) + 1.0", 2},
      {"T = Timestamp + 1d, E = now() - Timestamp, F = datetime_diff('hour', now(), Timestamp), G = Timestamp - 90m", 1},
      {"DA = datetime_add('month', -RemotePort, Timestamp), DB = datetime_add('second', LocalPort, Timestamp), "
       "DC = datetime_add('MicroSecond', 7, datetime(null))", 1},
      {"I = iff(RemotePort > 1000, LocalPort, RemotePort), C = case(RemotePort == 443, 1, RemotePort == 80, 2, 3)", 1},
      {"K = coalesce(RemotePort, LocalPort, -1), J = iff(isnull(RemotePort), Timestamp, datetime(null))", 1},
      {"L = strlen(RemoteUrl) + strlen(InitiatingProcessFileName), P = ipv4_is_private(RemoteIP)", 1},
      {"X = isnull(RemotePort), Y = RemotePort > 443 and RemoteUrl has 'micro', Z = bin(RemotePort, 100)", 1},
      {"U = RemoteUrl matches regex @'\\.(com|net)$' or LocalPort < 2000, A = bin(todouble(LocalPort), 0.5)", 1},
      {"AB = abs(LocalPort - RemotePort), AR = abs(todouble(RemotePort) / -3.0), AT = abs(Timestamp - now()), "
       "AL = abs(tolong(LocalPort) * -9223372036854775807 - 1), AN = abs(int(null))", 2},
  };
  for (const auto& [extend, projects] : extends) {
    // The third filter's `or` is one literal matcher: the fused filter-and-projection kernel once
    // ran it without one and selected nothing.
    for (const char* where : {"", " | where RemotePort != 443 and RemoteUrl !has 'pastebin'",
                              " | where RemoteUrl endswith '.com' or RemoteUrl endswith '.net'"}) {
      const std::string kql = std::string("DeviceNetworkEvents") + where + " | extend " + extend;
      INFO(kql);
      const size_t kernels = (*where ? 1 : 0) + projects;  // the filter, and the projections
      const auto jit_rows = RunQuery(kql, Engine::Jit, kernels, events, *jit, catalog, dir.path);
      const auto interp_rows = RunQuery(kql, Engine::Interp, kernels, events, *jit, catalog, dir.path);
      CHECK(jit_rows.size() > 1000);
      CheckSameRows(jit_rows, interp_rows);
    }
  }

  // A Project above a summarize, a join or an mv-expand is a kernel too, over the rows those hand
  // on. Each with its kernels: filters, summarizes and Projects.
  const std::pair<const char*, size_t> above[] = {
      {"DeviceNetworkEvents | summarize n = count(), u = make_set(RemoteUrl) by RemotePort"
       " | extend M = n * 2 + RemotePort, F = tolower(tostring(u[0])), S = substring(tostring(u), 1, 6)", 2},
      {"DeviceNetworkEvents | where RemotePort < 100 | mv-expand P = split(RemoteUrl, '.')"
       " | extend Q = toupper(P), L = strlen(tostring(P)) + RemotePort, Z = iff(isnull(LocalPort), 'none', tolower(P))", 3},
      {"DeviceNetworkEvents | where RemotePort == 443 | summarize n = count() by DeviceName"
       " | join kind=inner (DeviceNetworkEvents | where RemotePort == 80 | summarize m = count() by DeviceName) on DeviceName"
       " | extend R = todouble(n) / m, D = strcat(DeviceName, '/', tostring(n - m))", 5},
      // A filter above them: its predicate a kernel of one bool column, null meaning false.
      {"DeviceNetworkEvents | summarize n = count(), u = make_set(RemoteUrl) by RemotePort"
       " | where n % 3 != 1 and tolower(tostring(u[0])) !has 'microsoft' or isnull(RemotePort)", 2},
      {"DeviceNetworkEvents | where RemotePort < 100 | mv-expand P = split(RemoteUrl, '.')"
       " | where tolower(P) in ('com', 'net', 'org') or strlen(tostring(P)) > 8 or LocalPort / (RemotePort - 80) > 100", 3},
      {"DeviceNetworkEvents | where RemotePort == 443 | summarize n = count() by DeviceName"
       " | join kind=inner (DeviceNetworkEvents | where RemotePort == 80 | summarize m = count() by DeviceName) on DeviceName"
       " | where n > m or DeviceName endswith '1'", 5},
      {"DeviceNetworkEvents | extend U = tolower(RemoteUrl) | where U has 'microsoft' or RemotePort == 443", 2},
  };
  for (const auto& [kql, kernels] : above) {
    INFO(kql);
    const auto jit_rows = RunQuery(kql, Engine::Jit, kernels, events, *jit, catalog, dir.path);
    const auto interp_rows = RunQuery(kql, Engine::Interp, kernels, events, *jit, catalog, dir.path);
    CHECK(jit_rows.size() > 5);
    CheckSameRows(jit_rows, interp_rows);
  }
}

// Dynamic values and the string functions kernels call through the interpreter's own code, over
// events written to reach their edge cases: a null, absent, empty or non-JSON dynamic, missing
// and nested members, arrays (negative indexes, past the end), members of every JSON kind, and
// strings holding JSON, holding none, or empty.
TEST_CASE("engines: dynamic values and string functions agree under the JIT", "[interp][engines][dynamic]") {
  const test::TempDir dir;
  const fs::path events = dir.path / "DeviceNetworkEvents.jsonl";
  const char* additional[] = {
      R"({"a":"x","n":7,"r":2.5,"flag":true,"o":{"b":"deep text","c":{"d":[1,2]}},"arr":["one","two",3]})",
      R"({"a":"X","n":"12","r":"0.5","flag":"false","o":{"b":null},"arr":[]})",
      R"({"a":null,"n":null,"o":"not an object","arr":"not an array"})",
      R"({"a":{"nested":"x"},"n":1.9,"flag":0,"arr":[null,"two"],"o":{"b":"x y"}})",
      R"("a plain string")",
      R"("{\"a\":\"x\",\"n\":3}")",
      R"([1,2,3])",
      R"(42)",
      R"(null)",
      R"({})",
      "",  // absent
  };
  const char* urls[] = {
      R"({\"k\":\"v\",\"a\":{\"b\":[10,20]}})", "Abc-123-DEF.example.com", "not json {", "", "[\"p\",\"q\"]",
      "aaa.bbb.aaa", "null", "ünïcode-Straße.de",
      // A path whose JSON text has escapes: backslashes, a quote, a tab.
      R"(C:\\Users\\a\"b\tc\\x.exe:ads)",
  };
  const char* commands[] = {
      R"(powershell.exe -enc \"a b\" c)", "cmd.exe /c \\\"x y\\\" z", "", "rundll32 a,b",
  };
  {
    std::ofstream out(events, std::ios::binary);
    size_t row = 0;
    for (const char* a : additional) {
      for (const char* url : urls) {
        out << R"({"Timestamp":"2026-11-19T00:00:00Z","DeviceName":"d)" << row << R"(","RemotePort":)" << row % 7
            << R"(,"LocalPort":)" << (row % 5 == 0 ? std::string("null") : std::to_string(row % 9 - 3))
            << R"(,"RemoteUrl":")" << url << R"(","InitiatingProcessCommandLine":")" << commands[row % std::size(commands)]
            << R"(","InitiatingProcessFileName":"F)" << row % 3 << R"(.exe")";
        if (*a) out << R"(,"AdditionalFields":)" << a;
        out << "}\n";
        ++row;
      }
    }
  }
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  const Catalog catalog = Catalog::BuiltIn();
  const char* predicates[] = {
      // member access: kinds, conversions, nulls, missing and nested members
      "tostring(AdditionalFields.a) == 'x'",
      "tostring(AdditionalFields.a) =~ 'x' or isnull(AdditionalFields.a)",
      "toint(AdditionalFields.n) > 5 or tolong(AdditionalFields['n']) between (1 .. 2)",
      "todouble(AdditionalFields.r) > 1 or toreal(AdditionalFields.n) < 2",
      "tobool(AdditionalFields.flag) or isnull(tobool(AdditionalFields.flag))",
      "tostring(AdditionalFields.o.b) has 'deep' or tostring(AdditionalFields.o.c.d) == '[1,2]'",
      "isnotnull(AdditionalFields.o) and isnull(AdditionalFields.o.b)",
      "isnull(AdditionalFields.missing) and isnotnull(AdditionalFields)",
      "tostring(AdditionalFields.a.nested) == 'x' or tostring(AdditionalFields.a) has 'nested'",
      "todatetime(AdditionalFields.a) > ago(1d) or isempty(tostring(AdditionalFields.n))",
      // indexes
      "tostring(AdditionalFields.arr[1]) == 'two' or toint(AdditionalFields.arr[-1]) == 3",
      "isnull(AdditionalFields.arr[5]) and isnotnull(AdditionalFields.arr[0])",
      "toint(AdditionalFields[0]) == 1 or tostring(AdditionalFields[-1]) == '3'",
      "array_length(AdditionalFields.arr) == 3 or array_length(AdditionalFields) > 0",
      "isnull(array_length(AdditionalFields.arr))",
      "array_length(parse_json(RemoteUrl)) == 2 or array_length(split(RemoteUrl, '\\\\')) == 4",
      // the column itself, null, empty, non-JSON
      "tostring(AdditionalFields) contains 'x'",
      "isnull(AdditionalFields) or isempty(AdditionalFields)",
      "tolong(AdditionalFields) == 42 or tostring(AdditionalFields) == 'a plain string'",
      // parse_json of strings: JSON, not JSON, empty, "null"
      "tostring(parse_json(RemoteUrl).k) == 'v' or toint(parse_json(RemoteUrl).a.b[1]) == 20",
      "isnull(parse_json(RemoteUrl)) or tostring(parse_json(RemoteUrl)[0]) == 'p'",
      "tostring(parse_json(RemoteUrl)) has 'json' or tostring(todynamic(RemoteUrl).a) == '{\"b\":[10,20]}'",
      "tostring(parse_json(tostring(AdditionalFields)).a) == 'x'",
      // extractjson
      "extractjson('$.a', tostring(AdditionalFields)) == 'x' or extractjson('$.k', RemoteUrl) == 'v'",
      "extractjson('$.o.b', tostring(AdditionalFields)) has 'text' or isnotempty(extractjson('$.arr[0]', tostring(AdditionalFields)))",
      // string functions
      "tolower(RemoteUrl) == 'abc-123-def.example.com' or toupper(RemoteUrl) startswith 'AAA'",
      "tolower(InitiatingProcessFileName) in ('f1.exe', 'f2.exe') and toupper(RemoteUrl) has 'STRASSE'",
      "substring(RemoteUrl, 2, 3) == 'c-1' or substring(RemoteUrl, 4) startswith '123'",
      "substring(RemoteUrl, -3) == 'com' or substring(RemoteUrl, 1, LocalPort) == 'bc' or substring(RemoteUrl, LocalPort) == ''",
      "strcat(RemoteUrl, '-', InitiatingProcessFileName) has 'F1' and strcat(DeviceName) endswith '3'",
      "replace_regex(RemoteUrl, @'\\d+', 'N') == 'Abc-N-DEF.example.com' or replace_regex(RemoteUrl, 'a(a)', @'<\\1>') has '<a>'",
      "countof(RemoteUrl, 'a') > 1 or countof(RemoteUrl, '') > 0",
      "tostring(parse_command_line(InitiatingProcessCommandLine, 'windows')[1]) == '-enc' or "
      "array_length(parse_command_line(InitiatingProcessCommandLine, 'windows')) == 3",
      "isnull(parse_command_line(InitiatingProcessCommandLine, 'linux')) and RemotePort < 3",
      "tostring(split(RemoteUrl, '.')[-1]) == 'com' or tostring(split(RemoteUrl, '-', 1)[0]) == '123'",
      "array_length(split(RemoteUrl, '')) == 1 and isnull(split(RemoteUrl, '.', LocalPort)[0])",
      "indexof(RemoteUrl, 'a') == 0 or indexof(RemoteUrl, '.', 4) > 4 or isnull(indexof(RemoteUrl, 'a', LocalPort))",
      "tostring(RemotePort) == '3' or tostring(LocalPort) == '' or tostring(Timestamp) startswith '2026'",
      "tostring(RemotePort > 3) == 'true' or strcat(tostring(todouble(RemotePort) / 4), 'x') == '0.25x'",
      "url_encode(RemoteUrl) has '%22' or url_decode('a%20b') == 'a b' and hash_sha256(RemoteUrl) startswith 'a'",
      "base64_decode_tostring('aGVsbG8=') == strcat('hel', 'lo') and array_length(base64_decode_toarray(RemoteUrl)) > 0",
      "tostring(parse_url(strcat('https://', RemoteUrl, '/p?q=1')).Host) has 'example' or "
      "tostring(parse_path(RemoteUrl).Extension) == 'com'",
      // string functions of a dynamic value read it as tostring() makes it
      "tolower(AdditionalFields.a) == 'x' or toupper(AdditionalFields) has 'PLAIN' or substring(AdditionalFields.arr, 1, 5) == 'one\",'",
      "tolower(parse_path(RemoteUrl).Filename) endswith '.com' or isempty(toupper(AdditionalFields.missing))",
      "substring(RemoteUrl, -6, 2) == 'ra' or substring(RemoteUrl, 1, -1) != '' or substring(AdditionalFields, LocalPort) has '2'",
      "strlen(AdditionalFields.a) == 1 or strlen(AdditionalFields) > 40 or strlen(parse_path(RemoteUrl).Filename) == 12",
      "strcat_array(array_slice(split(RemoteUrl, '.'), 0, RemotePort - 5), '/') == 'aaa/bbb' or "
      "array_length(array_slice(AdditionalFields.arr, 1, 9)) == 2 or strcat_array(AdditionalFields.arr, '') == 'onetwo3'",
  };
  size_t nonempty = 0;
  for (const char* where : predicates) {
    // As a scan pipeline, and as the kernel under a summarize whose key is computed too.
    for (const char* tail : {" | project DeviceName, RemotePort, RemoteUrl, AdditionalFields",
                             " | summarize n = count(), devices = dcount(DeviceName) by a = tostring(AdditionalFields.a)",
                             " | summarize s = make_set(tolower(RemoteUrl)), m = max(toint(AdditionalFields.n)) by RemotePort"}) {
      const std::string kql = std::string("DeviceNetworkEvents | where ") + where + tail;
      INFO(kql);
      const size_t kernels = std::string_view(tail).find("summarize") != std::string_view::npos ? 2 : 1;
      const auto jit_rows = RunQuery(kql, Engine::Jit, kernels, events, *jit, catalog, dir.path);
      const auto interp_rows = RunQuery(kql, Engine::Interp, kernels, events, *jit, catalog, dir.path);
      CheckSameRows(jit_rows, interp_rows);
      nonempty += !jit_rows.empty();
    }
  }
  CHECK(nonempty >= 3 * (std::size(predicates) - 4));

  // Computed string and dynamic columns: the projection kernel appends what the interpreter's
  // columns hold, a null string as "" and a null dynamic as null, over whole batches, over the
  // rows a filter selected, and over none. InitiatingProcessFileName is dictionary-encoded (three
  // values); the extends read it and plain columns alike. Each with how many Projects it lowers to.
  const std::pair<const char*, size_t> extends[] = {
      {"U = tolower(InitiatingProcessFileName), S = strcat(DeviceName, ':', tostring(RemotePort))", 1},
      {"T = toupper(RemoteUrl), B = substring(RemoteUrl, LocalPort, 3), L = tostring(LocalPort), E = strcat(RemoteUrl)", 1},
      {"X = extract(@'^(\\w+)-', 1, RemoteUrl), R = replace_regex(RemoteUrl, @'\\d+', 'N'), "
       "C = tostring(parse_command_line(InitiatingProcessCommandLine, 'windows')[0])", 1},
      // Literal patterns take a plain search unless the rewrite has a backslash.
      {"RL = replace_regex(RemoteUrl, @'\\.', '[.]'), RA = replace_regex(RemoteUrl, 'aa', @'<\\0>'), "
       "RE = replace_regex(RemoteUrl, 'e', ''), RX = replace(@'\\x41', 'a', RemoteUrl)", 1},
      {"I = iff(LocalPort > 0, RemoteUrl, InitiatingProcessFileName), "
       "K = case(RemotePort == 1, 'one', isnull(LocalPort), '', RemotePort == 3, DeviceName, 'other')", 1},
      {"A = tostring(AdditionalFields.a), O = tostring(AdditionalFields.o), J = extractjson('$.a', tostring(AdditionalFields))", 1},
      {"D = parse_json(RemoteUrl), M = AdditionalFields.o, N = AdditionalFields.arr[1], P = split(RemoteUrl, '.')", 1},
      // String functions of dynamic values, and substrings of unicode text.
      {"LA = tolower(AdditionalFields.a), UD = toupper(AdditionalFields), SD = substring(AdditionalFields.o, 1, 4), "
       "PF = tolower(parse_path(RemoteUrl).Filename), HD = url_encode(AdditionalFields.arr), "
       "SU = substring(RemoteUrl, -7, 3), SN = substring(RemoteUrl, 2, LocalPort)", 1},
      // split()'s pieces as strings: quoted JSON strings, some with escapes, read without a parser.
      {"P = split(RemoteUrl, '\\\\') | mv-expand P | extend S = tostring(P), F = tolower(P), "
       "PD = tostring(parse_path(RemoteUrl).DirectoryPath), PS = parse_path(RemoteUrl).AlternateDataStreamName", 3},
      // Slices and joins of arrays: negative and null bounds, items of every kind, not arrays (the
      // split shared by two columns is a Project of its own).
      {"SL = array_slice(split(RemoteUrl, '.'), 1, LocalPort), SA = array_slice(AdditionalFields.arr, -2, -1), "
       "JA = strcat_array(AdditionalFields.arr, '-'), JS = strcat_array(array_slice(split(RemoteUrl, '.'), 0, -2), '\\\\'), "
       "JN = strcat_array(AdditionalFields.o, ','), JP = strcat_array(parse_json(RemoteUrl), '')", 2},
      // Trims by a pattern (a class, a group, a letter) and literal replacements, of strings
      // and of dynamic values.
      {"T1 = trim(@'[a-z]', RemoteUrl), T2 = trim_start(@'\\w+-', RemoteUrl), T3 = trim_end(@'(\\.[a-z]+)', RemoteUrl), "
       "T4 = trim('a', RemoteUrl), T5 = trim(' ', InitiatingProcessCommandLine), T6 = trim_end('\"', AdditionalFields.a), "
       "R1 = replace_string(RemoteUrl, '.', '[.]'), R2 = replace_string(RemoteUrl, '', 'x'), "
       "R3 = replace_string(InitiatingProcessCommandLine, ' ', ''), R4 = replace_string(AdditionalFields.a, 'x', RemoteUrl)", 2},
      // A null dynamic the kernel made must be null to the next Project's kernel, which reads it.
      {"N = AdditionalFields.arr[1], D = parse_json(RemoteUrl) | extend Z = isnull(N), Y = isnull(D), "
       "S = strcat(tostring(D), '/', tostring(N))", 2},
  };
  for (const auto& [extend, projects] : extends) {
    for (const char* where : {"", " | where LocalPort != 2 and RemoteUrl !has 'example'", " | where RemotePort > 100"}) {
      const std::string kql = std::string("DeviceNetworkEvents") + where + " | extend " + extend;
      INFO(kql);
      const size_t kernels = (*where ? 1 : 0) + projects;  // the filter, and the projections
      const auto jit_rows = RunQuery(kql, Engine::Jit, kernels, events, *jit, catalog, dir.path);
      const auto interp_rows = RunQuery(kql, Engine::Interp, kernels, events, *jit, catalog, dir.path);
      CheckSameRows(jit_rows, interp_rows);
      // The last filter selects nothing (RemotePort is below 7): every batch is filtered out.
      CHECK(jit_rows.empty() == (std::string_view(where).find("100") != std::string_view::npos));
    }
  }
}

TEST_CASE("engines: parse_path(...).key and parse_url(...).key read alone agree with the interpreter",
          "[interp][engines]") {
  // The compiled member read of parse_path / parse_url (huntc_parse_member) over paths and URLs
  // of every shape: with and without a directory, extension, drive, stream; with port, user,
  // fragment, query; keys in the wrong case, missing keys, and the query parameters (an object,
  // whose members take the general way). RemoteUrl is a string column, AdditionalFields.p the
  // same text in a dynamic one.
  const test::TempDir dir;
  const fs::path events = dir.path / "DeviceNetworkEvents.jsonl";
  const std::vector<std::string> values = {
      "", "file.txt", "file", ".bashrc", "archive.tar.gz", "C:", "C:file.txt", R"(C:\)", R"(C:\temp\file.txt)",
      "c:/x/y.tar.gz", R"(\\?\C:\long\p.exe)", R"(\\server\share\f.txt)", "/usr/bin/ls", "/", "dir/",
      "file://C:/temp/file.txt:some.exe", R"(C:\a\b.txt:stream:$DATA)", "a:b", R"(C:\Windows\System32\svchost.exe)",
      "tab\there\\x.\n", R"(quote"\back\slash)", "8443", "\xc3\xbc\xc3\xb1\\c\xc3\xb6" "d\xc3\xa9.txt",
      "not a url", "://x", "https://example.com", "https://user:pw@example.com:8443/a/b?x=1&y=two%20words#frag",
      "http://[::1]:80/p", "http://[::1]/p", "ftp://u@h", "http://h:/p", "http://h?q#f", "http://h#f?q",
      "http://a@b@c/", "HTTP://Host.COM/Path", "http://h/p?a=%ff&a=2&b", "http://h:80x/", "s3://bucket/k:colon",
      "https://\xc3\xbc.example/\xc3\xa4", "http://h/?q=%C3%A9&x=%22"};
  {
    const auto quoted = [](std::string_view s) {
      std::string out = "\"";
      for (const char c : s) {
        if (c == '"' || c == '\\') {
          out += '\\';
          out += c;
        } else if (c == '\n') {
          out += "\\n";
        } else if (c == '\t') {
          out += "\\t";
        } else {
          out += c;
        }
      }
      return out + '"';
    };
    std::ofstream out(events, std::ios::binary);
    for (size_t i = 0; i < values.size(); ++i) {
      out << R"({"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"d)" << i << R"(","RemoteUrl":)" << quoted(values[i])
          << R"(,"AdditionalFields":{"p":)" << quoted(values[i]) << "}}\n";
    }
  }
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  REQUIRE(jit);
  const Catalog catalog = Catalog::BuiltIn();
  // One read of each parse per query: reads of one parse_path(x) share its object (a column of
  // their Project), which is not this read.
  const char* extends[] = {
      "parse_path(RemoteUrl).Scheme", "parse_path(RemoteUrl).RootPath", "parse_path(RemoteUrl).DirectoryPath",
      "parse_path(RemoteUrl).DirectoryName", "parse_path(RemoteUrl).Filename", "parse_path(RemoteUrl).Extension",
      "parse_path(RemoteUrl).AlternateDataStreamName", "tolower(parse_path(RemoteUrl).Filename)",
      "parse_path(RemoteUrl).filename", "parse_path(RemoteUrl)['Nope']", "parse_path(RemoteUrl).Host",
      "parse_path(RemoteUrl)['Query Parameters']", "strlen(parse_path(RemoteUrl).Extension)",
      "tostring(parse_path(tostring(AdditionalFields.p)).DirectoryPath)", "parse_path(AdditionalFields.p).Filename",
      "toint(parse_path(RemoteUrl).Filename)", "isempty(parse_path(RemoteUrl).Extension)",
      "isnull(parse_path(RemoteUrl).Extension)", "parse_url(RemoteUrl).Scheme", "parse_url(RemoteUrl).Host",
      "parse_url(RemoteUrl).Port", "parse_url(RemoteUrl).Path", "parse_url(RemoteUrl).Username",
      "parse_url(RemoteUrl).Password", "parse_url(RemoteUrl).Fragment", "parse_url(RemoteUrl)['Query Parameters']",
      "tostring(parse_url(RemoteUrl)['Query Parameters'].x)", "parse_url(RemoteUrl)['Query Parameters']['a']",
      "parse_url(RemoteUrl).host", "parse_url(RemoteUrl).Filename", "isnull(parse_url(RemoteUrl).Host)",
      "toint(parse_url(RemoteUrl).Port)", "tolong(parse_url(RemoteUrl).Port)", "todouble(parse_url(RemoteUrl).Port)",
      "toupper(parse_url(AdditionalFields.p).Host)", "parse_url(AdditionalFields.p).Host",
  };
  for (const char* extend : extends) {
    const std::string kql = std::string("DeviceNetworkEvents | extend V = ") + extend;
    INFO(kql);
    const auto jit_rows = RunQuery(kql, Engine::Jit, 1, events, *jit, catalog, dir.path);
    const auto interp_rows = RunQuery(kql, Engine::Interp, 1, events, *jit, catalog, dir.path);
    CHECK(jit_rows.size() == values.size());
    CheckSameRows(jit_rows, interp_rows);
  }
  const char* predicates[] = {
      "tolower(parse_path(RemoteUrl).Filename) in ('svchost.exe', 'file.txt', 'ls')",
      "parse_path(RemoteUrl).Extension == 'txt' or parse_path(tostring(AdditionalFields.p)).RootPath =~ 'c:'",
      "tostring(parse_url(RemoteUrl).Host) has 'example' or parse_url(AdditionalFields.p).Port == '80'",
      "isnotempty(parse_url(RemoteUrl).Fragment) or isnull(parse_url(AdditionalFields.p).Scheme)",
  };
  for (const char* where : predicates) {
    const std::string kql = std::string("DeviceNetworkEvents | where ") + where;
    INFO(kql);
    const auto jit_rows = RunQuery(kql, Engine::Jit, 1, events, *jit, catalog, dir.path);
    const auto interp_rows = RunQuery(kql, Engine::Interp, 1, events, *jit, catalog, dir.path);
    CHECK(!jit_rows.empty());
    CheckSameRows(jit_rows, interp_rows);
  }
}
