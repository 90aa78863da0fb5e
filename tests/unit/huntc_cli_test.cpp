// huntc run's filters and CI options, huntc explain and huntc test, run as the built binary
// (HUNTC_EXE) in the source folder; and the explain library on fixture queries.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>

#include <simdjson.h>

#include "compiler/explain/explain.h"
#include "tests/unit/cli_util.h"

namespace fs = std::filesystem;

namespace {

using namespace huntc::test;

// The three rules huntc shipped first: the filters and summaries below count on them.
const std::string kOriginalRules =
    "rules/lolbin-network-connections.yaml rules/pastebin-or-encoded-command.yaml rules/public-remote-admin-ports.yaml";

std::string RuleWithQuery(const std::string& query) {
  std::string text = R"(id: 3c0ffee0-1111-4c3e-9a55-4f3b2a1c0d01
name: Fixture rule
severity: Low
tactics:
  - Execution
query: |
)";
  size_t at = 0;
  while (at < query.size()) {
    const size_t end = query.find('\n', at);
    text += "  " + query.substr(at, end == std::string::npos ? std::string::npos : end - at) + "\n";
    if (end == std::string::npos) break;
    at = end + 1;
  }
  text += R"(entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: HostName
        columnName: DeviceName
customDetails:
  Calls: Calls
)";
  return text;
}

// The one indicator (or exclusion) of `list` on `field` with operator `op`.
simdjson::dom::element Find(simdjson::dom::element e, const char* list, const std::string& field,
                            const std::string& op) {
  simdjson::dom::array a;
  REQUIRE(e[list].get(a) == simdjson::SUCCESS);
  for (simdjson::dom::element item : a) {
    if (Str(item, "field") == field && Str(item, "op") == op) return item;
  }
  FAIL("no " << list << " entry " << field << " " << op);
  return {};
}

constexpr const char* kNow = "--now 2026-11-20T00:00:00Z";

}  // namespace

TEST_CASE("explain: indicators through lets and extends with exclusions and outputs", "[cli][explain]") {
  Fixture f("explain");
  const std::string rule = f.Add("rule.yaml", RuleWithQuery(R"(let procs = dynamic(["powershell.exe", "cmd.exe"]);
let port = 4444;
DeviceNetworkEvents
| extend Proc = tolower(InitiatingProcessFileName)
| where Proc in~ (procs) and RemotePort == port
| where ipv4_is_private(RemoteIP) == false
| where not(RemoteUrl has "microsoft.com") and InitiatingProcessCommandLine !contains "update"
| where ActionType != "ConnectionFailed"
| summarize Calls = count() by DeviceName, RemoteIP)"));
  const Run run = Huntc("explain --format json " + rule);
  REQUIRE(run.code == 0);
  simdjson::dom::parser parser;
  const simdjson::dom::element root = ParseJson(parser, run.out);
  simdjson::dom::array rules;
  REQUIRE(root["rules"].get(rules) == simdjson::SUCCESS);
  REQUIRE(rules.size() == 1);
  const simdjson::dom::element r = rules.at(0);
  CHECK(Bool(r, "explained"));
  CHECK(Str(r, "id") == "3c0ffee0-1111-4c3e-9a55-4f3b2a1c0d01");
  const simdjson::dom::element e = r["explanation"];

  // The extend alias goes back to its column; the let list gives its values.
  const auto in = Find(e, "indicators", "InitiatingProcessFileName", "in");
  CHECK(Strings(in, "values") == std::vector<std::string>{"powershell.exe", "cmd.exe"});
  CHECK_FALSE(Bool(in, "case_sensitive"));
  CHECK_FALSE(Bool(in, "negated"));
  CHECK(Strings(Find(e, "indicators", "RemotePort", "eq"), "values") == std::vector<std::string>{"4444"});

  // Exclusions: each negated top-level conjunct.
  const auto cidr = Find(e, "exclusions", "RemoteIP", "cidr_match");
  CHECK(Strings(cidr, "values") == huntc::explain::PrivateRanges());
  CHECK(Bool(cidr, "negated"));
  CHECK(Strings(Find(e, "exclusions", "RemoteUrl", "has"), "values") == std::vector<std::string>{"microsoft.com"});
  CHECK(Strings(Find(e, "exclusions", "InitiatingProcessCommandLine", "contains"), "values") ==
        std::vector<std::string>{"update"});
  CHECK(Bool(Find(e, "exclusions", "ActionType", "eq"), "case_sensitive"));
  simdjson::dom::array exclusions;
  REQUIRE(e["exclusions"].get(exclusions) == simdjson::SUCCESS);
  CHECK(exclusions.size() == 4);

  // Stages and outputs.
  simdjson::dom::array stages;
  REQUIRE(e["stages"].get(stages) == simdjson::SUCCESS);
  REQUIRE(stages.size() == 1);
  CHECK(Str(stages.at(0), "source") == "DeviceNetworkEvents");
  CHECK(Strings(stages.at(0), "operators") ==
        std::vector<std::string>{"extend", "where", "where", "where", "where", "summarize"});
  simdjson::dom::array outputs;
  REQUIRE(e["outputs"].get(outputs) == simdjson::SUCCESS);
  REQUIRE(outputs.size() == 3);
  CHECK(Str(outputs.at(0), "name") == "DeviceName");
  CHECK(Str(outputs.at(0), "source") == "summarize");
  CHECK(Strings(outputs.at(0), "used_by") == std::vector<std::string>{"entity Host.HostName"});
  CHECK(Str(outputs.at(2), "name") == "Calls");
  CHECK(Strings(outputs.at(2), "used_by") == std::vector<std::string>{"custom detail Calls"});
}

TEST_CASE("explain: a negated disjunction excludes each of its tests but or-terms exclude nothing",
          "[cli][explain]") {
  Fixture f("explain-logic");
  const std::string rule = f.Add("rule.yaml", RuleWithQuery(R"(DeviceProcessEvents
| where not(FileName == "a.exe" or FileName startswith "b")
| where FolderPath !has "temp" or AccountName == "x"
| extend Calls = 1
| project DeviceName, Calls)"));
  const Run run = Huntc("explain --format json " + rule);
  REQUIRE(run.code == 0);
  simdjson::dom::parser parser;
  const simdjson::dom::element e = ParseJson(parser, run.out)["rules"].at(0)["explanation"];
  CHECK(Bool(Find(e, "exclusions", "FileName", "eq"), "negated"));
  CHECK(Bool(Find(e, "exclusions", "FileName", "starts_with"), "negated"));
  CHECK(Bool(Find(e, "indicators", "FolderPath", "has"), "negated"));
  simdjson::dom::array exclusions;
  REQUIRE(e["exclusions"].get(exclusions) == simdjson::SUCCESS);
  CHECK(exclusions.size() == 2);
  simdjson::dom::array outputs;
  REQUIRE(e["outputs"].get(outputs) == simdjson::SUCCESS);
  CHECK(Str(outputs.at(0), "source") == "table");
  CHECK(Str(outputs.at(1), "source") == "extend");
}

TEST_CASE("explain: text output and --dump and a rule that does not parse", "[cli][explain]") {
  const Run text = Huntc("explain rules/lolbin-network-connections.yaml");
  REQUIRE(text.code == 0);
  CHECK(text.out.find("[query] InitiatingProcessFileName in [powershell.exe, cmd.exe") != std::string::npos);
  CHECK(text.out.find("DeviceName (string) from table; used by entity Host.FullName") != std::string::npos);

  const Run dump = Huntc("explain rules/lolbin-network-connections.yaml --dump ir-opt");
  REQUIRE(dump.code == 0);
  CHECK(dump.out.find("--dump ir-opt:") != std::string::npos);
  CHECK(dump.out.find("Filter") != std::string::npos);

  Fixture f("explain-bad");
  const std::string bad = f.Add("bad.yaml", RuleWithQuery("DeviceProcessEvents | where ("));
  const Run run = Huntc("explain --format json " + bad + " rules/lolbin-network-connections.yaml");
  CHECK(run.code == 1);
  simdjson::dom::parser parser;
  const simdjson::dom::element root = ParseJson(parser, run.out);
  const simdjson::dom::element r = root["rules"].at(0);
  CHECK_FALSE(Bool(r, "explained"));
  CHECK(r["explanation"].is_null());
  simdjson::dom::array diags;
  REQUIRE(r["diagnostics"].get(diags) == simdjson::SUCCESS);
  CHECK(diags.size() > 0);
  CHECK(Bool(root["rules"].at(1), "explained"));

  CHECK(Huntc("explain no-such-rule.yaml").code == 2);
  CHECK(Huntc("explain rules --format xml").code == 2);
}

TEST_CASE("explain: every corpus rule without a crash", "[cli][explain][corpus]") {
  const fs::path corpus = fs::path(HUNTC_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::exists(corpus / "sentinel")) {
    WARN("no Sentinel corpus at " << corpus.string() << "; skipped");
    return;
  }
  const Run json = Huntc("explain ../shared/corpus/sentinel ../shared/corpus/sentinel-supplement --format json");
  WARN("huntc explain over the corpus took " << json.seconds << " s (process wall time)");
  // 1: some rules do not bind (tables or columns huntc has no schema for); never a crash.
  CHECK((json.code == 0 || json.code == 1));
  simdjson::dom::parser parser;
  const simdjson::dom::element root = ParseJson(parser, json.out);
  simdjson::dom::array rules;
  REQUIRE(root["rules"].get(rules) == simdjson::SUCCESS);
  size_t explained = 0;
  for (simdjson::dom::element r : rules) {
    simdjson::dom::array diags;
    REQUIRE(r["diagnostics"].get(diags) == simdjson::SUCCESS);
    if (Bool(r, "explained")) {
      ++explained;
    } else {
      INFO(Str(r, "file"));
      CHECK(diags.size() > 0);  // a rule not explained says why
    }
  }
  WARN("corpus: " << rules.size() << " rules, " << explained << " explained");
  CHECK(rules.size() >= 462);
  CHECK(explained * 10 >= rules.size() * 8);
  const Run text = Huntc("explain ../shared/corpus/sentinel ../shared/corpus/sentinel-supplement");
  CHECK(text.code == json.code);
}

TEST_CASE("run: rule filters with the per-rule summary and --fail-on-detection", "[cli][run]") {
  const std::string events = " --events tests/rule-cases/lolbin-network-connections/positive/DeviceNetworkEvents.jsonl ";
  const Run all = Huntc("run " + kOriginalRules + events + kNow, true);
  REQUIRE(all.code == 0);
  CHECK(all.out.find("huntc: Script hosts and LOLBins making network connections "
                     "[6c1f3e0a-8b7d-4c52-9a41-2f5d8e7b9c10]: 2 detections") != std::string::npos);
  CHECK(all.out.find("3 queries run") != std::string::npos);

  const Run by_name = Huntc("run " + kOriginalRules + " --rule '*lolbin*'" + events + kNow, true);
  REQUIRE(by_name.code == 0);
  CHECK(by_name.out.find("1 query run") != std::string::npos);
  const Run by_id = Huntc("run " + kOriginalRules + " --rule 4d7a2c91-6e3b-4f0a-8c5d-1b9e7f3a2d64 --rule '*LOLBin*'" +
                          events + kNow, true);
  CHECK(by_id.out.find("2 queries run") != std::string::npos);
  CHECK(Huntc("run " + kOriginalRules + " --severity high" + events + kNow, true).out.find("1 query run") !=
        std::string::npos);
  CHECK(Huntc("run " + kOriginalRules + " --tactic LateralMovement,Execution" + events + kNow, true)
            .out.find("2 queries run") != std::string::npos);

  const Run none = Huntc("run " + kOriginalRules + " --severity Informational" + events + kNow, true);
  CHECK(none.code == 2);
  CHECK(none.out.find("left none of the 3 rules") != std::string::npos);

  CHECK(Huntc("run " + kOriginalRules + " --fail-on-detection" + events + kNow).code == 1);
  CHECK(Huntc("run " + kOriginalRules + " --fail-on-detection --rule '*paste sites*'" + events + kNow).code == 0);
}

TEST_CASE("test: the example case passes and fails when the clock makes it wrong", "[cli][test]") {
  const std::string base = "test " + kOriginalRules + " --cases tests/rule-cases --rule '*LOLBin*' ";
  for (const char* engine : {"jit", "interp"}) {
    const Run pass = Huntc(base + kNow + " --engine " + engine);
    INFO(pass.out);
    CHECK(pass.code == 0);
    CHECK(pass.out.find("PASS      Script hosts and LOLBins") != std::string::npos);
    CHECK(pass.out.find("1 passed, 0 failed") != std::string::npos);
  }
  // A week later the positive samples are too old.
  const Run late = Huntc(base + "--now 2026-11-27T00:00:00Z");
  CHECK(late.code == 1);
  CHECK(late.out.find("positive: 0 detections, 2 expected") != std::string::npos);
  // Two weeks earlier the old negative sample is recent.
  const Run early = Huntc(base + "--now 2026-11-05T00:00:00Z");
  CHECK(early.code == 1);
  CHECK(early.out.find("negative: 1 detection, none expected") != std::string::npos);

  const Run all = Huntc("test " + kOriginalRules + " --cases tests/rule-cases " + kNow);
  CHECK(all.code == 0);
  CHECK(all.out.find("1 passed, 0 failed, 2 without cases") != std::string::npos);
  CHECK(Huntc("test " + kOriginalRules).code == 2);  // --cases and --now are required
}

TEST_CASE("help: every verb documents its flags", "[cli][help]") {
  const Run top = Huntc("--help");
  CHECK(top.code == 0);
  for (const char* verb : {"run", "query", "lint", "explain", "test"}) CHECK(top.out.find(verb) != std::string::npos);
  const Run run = Huntc("run --help");
  for (const char* flag : {"--rule", "--severity", "--tactic", "--fail-on-detection", "--now", "--events"}) {
    CHECK(run.out.find(flag) != std::string::npos);
  }
  const Run explain = Huntc("explain --help");
  CHECK(explain.code == 0);
  for (const char* flag : {"--format", "--dump", "--schemas"}) CHECK(explain.out.find(flag) != std::string::npos);
  const Run test = Huntc("test --help");
  CHECK(test.code == 0);
  for (const char* flag : {"--cases", "--now", "--engine", "--rule"}) CHECK(test.out.find(flag) != std::string::npos);
}

TEST_CASE("run: --from and --to restrict the rows each table reads and --now auto", "[cli][run][time]") {
  const std::string events = " --events tests/rule-cases/lolbin-network-connections/positive/DeviceNetworkEvents.jsonl "
                             "tests/rule-cases/lolbin-network-connections/negative ";
  const std::string rule = "run " + kOriginalRules + " --rule '*LOLBin*' --format csv";
  // Without a window: 2 detections (19 Nov 10:00 and 18 Nov 08:15).
  CHECK(Huntc(rule + events + kNow, true).out.find(": 2 detections") != std::string::npos);
  const Run from = Huntc(rule + events + kNow + " --from 2026-11-19T00:00:00Z");
  CHECK(from.code == 0);
  CHECK(from.out.find("2026-11-19T10:00:00.0000000Z,wks-1") != std::string::npos);
  CHECK(from.out.find("wks-2") == std::string::npos);
  for (const char* engine : {"jit", "interp"}) {
    const Run window = Huntc(rule + events + kNow + " --from 2026-11-18T00:00:00Z --to 2026-11-19T00:00:00Z --engine " + engine);
    CHECK(window.code == 0);
    CHECK(window.out.find("2026-11-18T08:15:00.0000000Z,wks-2") != std::string::npos);
    CHECK(window.out.find("wks-1") == std::string::npos);
  }
  // Every table named is windowed: a union leg is wrapped, a pipeline source gets a where.
  const auto windows = [](const std::string& query) {
    const Run ast = Huntc("query '" + query + "' --from 2026-11-19T00:00:00Z --dump ast");
    size_t n = 0;
    for (size_t at = ast.out.find("Name Timestamp"); at != std::string::npos; at = ast.out.find("Name Timestamp", at + 1)) ++n;
    return n;
  };
  CHECK(windows("union DeviceNetworkEvents, (DeviceProcessEvents | take 1)") == 2);
  // A let that hides a table's name is its definition's rows, windowed there.
  CHECK(windows("let DeviceEvents = DeviceProcessEvents | take 5; DeviceEvents | take 1") == 1);
  // The rewritten query's diagnostics still point at what the user wrote.
  const Run bad = Huntc("query 'DeviceNetworkEvents | where RemotePort == ' --from 2026-11-19T00:00:00Z --dump ir", true);
  CHECK(bad.out.find("<query>:1:42: error HC301") != std::string::npos);
  CHECK(Huntc(rule + events + "--from yesterday").code == 2);

  // --now auto: the newest event (19 Nov 11:00) is now, so the week back reaches 12 Nov.
  const Run automatic = Huntc(rule + events + "--now auto", true);
  CHECK(automatic.code == 0);
  CHECK(automatic.out.find("now() is 2026-11-19T11:00:00.0000000Z") != std::string::npos);
  CHECK(automatic.out.find(": 2 detections") != std::string::npos);
  CHECK(Huntc(rule + " --events - --now auto < /dev/null").code == 2);
}

TEST_CASE("run: --profile-rules times each rule and the progress line shows only on a terminal", "[cli][run]") {
  const std::string command = "run " + kOriginalRules + " --events tests/rule-cases/lolbin-network-connections/positive/DeviceNetworkEvents.jsonl "
                              "-o /dev/null --profile-rules ";
  for (const char* engine : {"jit", "interp"}) {
    const Run run = Huntc(command + kNow + " --engine " + engine, true);
    CHECK(run.code == 0);
    INFO(run.out);
    CHECK(std::regex_search(run.out, std::regex(R"(\]: 2 detections in [0-9]+\.[0-9]{3} ms)")));
    CHECK(run.out.find("MiB/s") == std::string::npos);  // stderr is a pipe here
  }
  if (!fs::exists("/usr/bin/script")) {
    WARN("no /usr/bin/script to give huntc a terminal; the progress line is not tested");
    return;
  }
  // script(1) runs huntc on a pseudo-terminal.
  const Run tty = Shell("script -qec \"'" HUNTC_EXE "' " + command + kNow + "\" /dev/null");
  INFO(tty.out);
  CHECK(tty.code == 0);
  CHECK(std::regex_search(tty.out, std::regex(R"(huntc: [0-9.]+ of [0-9.]+ MiB, 3 events, [0-9.]+ MiB/s, ETA)")));
}

TEST_CASE("run, query, test: --externaldata reads a URL's rows from a local file", "[cli][externaldata]") {
  const Fixture f("externaldata");
  const std::string csv = f.Add("bad.csv", "evil.exe\nworse.exe\n");
  const std::string events =
      f.Add("DeviceProcessEvents.jsonl",
            R"({"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"a","FileName":"evil.exe"})" "\n"
            R"({"Timestamp":"2026-11-19T10:05:00Z","DeviceName":"b","FileName":"ok.exe"})" "\n");
  const std::string query =
      "let bad = externaldata(Name:string) ['https://example.com/bad.csv'] with (format='csv');\n"
      "DeviceProcessEvents | where FileName in (bad) | summarize Calls = count() by DeviceName";
  const std::string rule = f.Add("rule.yaml", RuleWithQuery(query));
  const std::string map = " --externaldata https://example.com/bad.csv=" + csv + " ";

  // The mapped file's rows stand for the URL's: one process runs a listed file.
  f.Add("q.kql", "externaldata(Name:string) ['https://example.com/bad.csv'] with (format='csv') | count");
  const Run count = Huntc("query --engine interp --events " + events + map + "\"$(cat " + f.dir() + "/q.kql)\"", true);
  INFO(count.out);
  CHECK(count.code == 0);
  CHECK(count.out.find(R"({"row": {"Count": 2}})") != std::string::npos);

  const Run run = Huntc("run " + rule + " --engine interp --events " + events + map + kNow, true);
  INFO(run.out);
  CHECK(run.code == 0);
  CHECK(run.out.find("1 detection") != std::string::npos);
  CHECK(run.out.find(R"("row": {"DeviceName": "a", "Calls": 1})") != std::string::npos);

  // Without the mapping, the URL is named and so is the option (never an empty table).
  const Run unmapped = Huntc("run " + rule + " --engine interp --events " + events + " " + kNow, true);
  CHECK(unmapped.out.find("HC500") != std::string::npos);
  CHECK(unmapped.out.find("https://example.com/bad.csv") != std::string::npos);
  CHECK(unmapped.out.find("--externaldata") != std::string::npos);

  // huntc test takes the option too: the rule's positive case matches.
  f.Add("cases/3c0ffee0-1111-4c3e-9a55-4f3b2a1c0d01/positive/DeviceProcessEvents.jsonl",
        R"({"Timestamp":"2026-11-19T10:00:00Z","DeviceName":"a","FileName":"worse.exe"})" "\n");
  const Run test = Huntc("test " + rule + " --engine interp --cases " + f.dir() + "/cases" + map + kNow);
  INFO(test.out);
  CHECK(test.code == 0);
  CHECK(test.out.find("1 passed, 0 failed") != std::string::npos);
  CHECK(Huntc("test " + rule + " --engine interp --cases " + f.dir() + "/cases --externaldata nothing " + kNow).code == 2);
}

TEST_CASE("run: --cache-dir keeps compiled kernels, by default under XDG_CACHE_HOME, --no-cache keeps none",
          "[cli][run][cache]") {
  const Fixture f("cache");
  const std::string args =
      "run " + kOriginalRules +
      " --events tests/rule-cases/lolbin-network-connections/positive/DeviceNetworkEvents.jsonl " + kNow;
  const Run cold = Huntc(args + " --cache-dir " + f.Path("cache"));
  REQUIRE(cold.code == 0);
  REQUIRE(!cold.out.empty());
  const Run listed = Shell("ls " + f.Path("cache"));
  CHECK(listed.out.find(".o\n") != std::string::npos);
  CHECK(listed.out.find(".tmp") == std::string::npos);
  CHECK(Huntc(args + " --cache-dir " + f.Path("cache")).out == cold.out);

  const std::string huntc = " '" HUNTC_EXE "' ";
  CHECK(Shell("XDG_CACHE_HOME=" + f.Path("xdg") + huntc + args).out == cold.out);
  CHECK(Shell("ls " + f.Path("xdg/huntc")).out.find(".o\n") != std::string::npos);
  CHECK(Shell("XDG_CACHE_HOME=" + f.Path("none") + huntc + args + " --no-cache").out == cold.out);
  CHECK(Shell("test -e " + f.Path("none")).code == 1);

  // A cache folder that cannot be made: the run goes on, with one warning.
  f.Add("file", "x");
  const Run blocked = Huntc(args + " --cache-dir " + f.Path("file/cache") + " 2>" + f.Path("stderr"));
  CHECK(blocked.code == 0);
  CHECK(blocked.out == cold.out);
  const std::string stderr_text = Shell("cat " + f.Path("stderr")).out;
  const size_t warning = stderr_text.find("warning: cannot write the kernel cache");
  CHECK(warning != std::string::npos);
  CHECK(stderr_text.find("warning: cannot write the kernel cache", warning + 1) == std::string::npos);
}

TEST_CASE("query: loads its kernel from the cache, and only --dump compiles it afresh", "[cli][query][cache]") {
  const Fixture f("query-cache");
  const std::string query =
      "'DeviceNetworkEvents | where InitiatingProcessFileName in~ (\"powershell.exe\", \"cmd.exe\") "
      "| project DeviceName, RemoteIP'";
  const std::string args = "query " + query +
                           " --events tests/rule-cases/lolbin-network-connections/positive/DeviceNetworkEvents.jsonl " +
                           kNow + " --cache-dir " + f.Path("cache");
  const Run cold = Huntc(args);
  REQUIRE(cold.code == 0);
  REQUIRE(!cold.out.empty());
  // A kernel compiled afresh is stored again, renamed into place as a new file: the cached one
  // keeps its inode only when it was loaded.
  const std::string inodes = "stat -c %i " + f.Path("cache") + "/*.o";
  const Run before = Shell(inodes);
  REQUIRE(before.code == 0);
  REQUIRE(!before.out.empty());
  CHECK(Huntc(args).out == cold.out);
  CHECK(Shell(inodes).out == before.out);
  const Run dump = Huntc("query " + query + " --dump llvm-opt --cache-dir " + f.Path("cache"));
  CHECK(dump.code == 0);
  CHECK(dump.out.find("define") != std::string::npos);
  CHECK(Shell(inodes).out != before.out);
}

TEST_CASE("explain: the pack scan stage of rules reading one table", "[cli][explain][pack]") {
  Fixture f("explain-pack");
  const std::string a = f.Add("a.yaml", RuleWithQuery(R"(DeviceProcessEvents
| where ActionType == "ProcessCreated" and ProcessCommandLine has "-enc"
| project DeviceName, Calls = ProcessCommandLine)"));
  const std::string b = f.Add("b.yaml", RuleWithQuery(R"(DeviceProcessEvents
| where ActionType == "ProcessCreated" and ProcessCommandLine contains "bitsadmin"
| project DeviceName, Calls = FileName)"));
  const Run run = Huntc("explain --format json " + a + " " + b);
  REQUIRE(run.code == 0);
  simdjson::dom::parser parser;
  const simdjson::dom::element root = ParseJson(parser, run.out);
  simdjson::dom::array stages;
  REQUIRE(root["pack_scan"].get(stages) == simdjson::SUCCESS);
  REQUIRE(stages.size() == 1);
  CHECK(Str(stages.at(0), "table") == "DeviceProcessEvents");
  // The ActionType test is common to both filters; the two literals share one pass.
  CHECK(Str(stages.at(0), "layout") ==
        "2 filters, 4 conjuncts (3 distinct, 1 shared), 2 string tests pooled: literals per column "
        "ProcessCommandLine 2");
}

TEST_CASE("run: --no-prefilter parses every line, --no-pack-scan runs each rule's kernel alone, with the same detections",
          "[cli][run][pack]") {
  Fixture dir("no-prefilter");
  const std::string command = "run " + kOriginalRules +
                              " --events tests/rule-cases/lolbin-network-connections/positive/DeviceNetworkEvents.jsonl "
                              "--threads 1 --verbose " + kNow;
  struct Outcome {
    std::string detections, log;
  };
  const auto run = [&](const std::string& flags) {
    const Run r = Huntc(command + flags + " 2>" + dir.Path("log"));
    CHECK(r.code == 0);
    return Outcome{r.out, Shell("cat " + dir.Path("log")).out};
  };
  const Outcome plain = run("");
  INFO(plain.log);
  CHECK(plain.detections.find("\"rule_id\"") != std::string::npos);
  CHECK(plain.log.find("lines skipped unparsed") != std::string::npos);
  CHECK(plain.log.find("pack scan of DeviceNetworkEvents") != std::string::npos);

  const Outcome parsed = run(" --no-prefilter");
  INFO(parsed.log);
  CHECK(parsed.detections == plain.detections);
  CHECK(parsed.log.find("lines skipped unparsed") == std::string::npos);

  const Outcome alone = run(" --no-pack-scan");
  INFO(alone.log);
  CHECK(alone.detections == plain.detections);
  CHECK(alone.log.find("pack scan of") == std::string::npos);
}
