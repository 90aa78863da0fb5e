// `huntc lint` as CI runs it: the built binary, its flags, output formats and exit codes, and the
// Sentinel corpus (skipped with a warning when ../shared/corpus is absent).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include <simdjson.h>

#include "tests/unit/cli_util.h"

namespace fs = std::filesystem;

namespace {

using namespace huntc::test;

// Runs `huntc lint ARGS` in the source folder; stdout is captured, stderr goes to the test log.
Run Lint(const std::string& args) { return Huntc("lint " + args); }

constexpr const char* kClean = R"(id: 0b9b8f6e-1111-4c3e-9a55-4f3b2a1c0d01
name: Encoded PowerShell
description: Finds encoded PowerShell.
severity: Medium
kind: Scheduled
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
requiredDataConnectors:
  - connectorId: MicrosoftThreatProtection
    dataTypes:
      - DeviceProcessEvents
tactics:
  - Execution
query: |
  DeviceProcessEvents
  | where Timestamp > ago(1h) and FileName =~ "powershell.exe"
)";

// Error HC209 (line 15) and warning HC601, hint HC605 in the query.
constexpr const char* kFindings = R"(id: 1b9b8f6e-1111-4c3e-9a55-4f3b2a1c0d01
name: Encoded PowerShell
description: Finds encoded PowerShell.
severity: Medium
kind: Scheduled
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
requiredDataConnectors:
  - connectorId: MicrosoftThreatProtection
    dataTypes:
      - DeviceProcessEvents
tactics:
  - Initial Access
query: |
  DeviceProcessEvents
  | where FileName contains "powershell"
)";

// Only the warning HC601 and the hint HC605.
std::string WarningsOnly() {
  std::string text = kFindings;
  text.replace(text.find("Initial Access"), 14, "Execution");
  return text;
}

}  // namespace

TEST_CASE("lint cli: exit codes follow --fail-level", "[lint][cli]") {
  Fixture f("exit");
  const std::string clean = f.Add("clean.yaml", kClean);
  const std::string warnings = f.Add("warnings.yaml", WarningsOnly());
  const std::string errors = f.Add("errors.yaml", kFindings);
  CHECK(Lint(clean).code == 0);
  CHECK(Lint(errors).code == 1);
  CHECK(Lint(warnings).code == 0);
  CHECK(Lint(warnings + " --fail-level error").code == 0);
  CHECK(Lint(warnings + " --fail-level warning").code == 1);
  CHECK(Lint(clean + " --fail-level note").code == 0);
  // The hint (contains -> has) alone fails at note level.
  Fixture g("hint");
  std::string hint_only = kClean;
  hint_only.replace(hint_only.find("=~ \"powershell.exe\""), 19, "contains \"powershell\"");
  const std::string hint = g.Add("hint.yaml", hint_only);
  CHECK(Lint(hint + " --fail-level warning").code == 0);
  CHECK(Lint(hint + " --fail-level note").code == 1);
}

TEST_CASE("lint cli: usage errors exit with 2", "[lint][cli]") {
  Fixture f("usage");
  const std::string clean = f.Add("clean.yaml", kClean);
  CHECK(Lint("").code == 2);                                   // no paths
  CHECK(Lint(clean + " --format xml").code == 2);             // unknown format
  CHECK(Lint(clean + " --fail-level fatal").code == 2);       // unknown level
  CHECK(Lint(clean + " --profile sentinel-2019").code == 2);  // unknown profile
  CHECK(Lint(clean + " --disable HC999").code == 2);          // unknown code
  CHECK(Lint(clean + " --no-such-flag").code == 2);
  CHECK(Lint(f.Path("missing.yaml")).code == 2);            // a path that does not exist
  CHECK(Lint(clean + " --schemas " + f.Path("no-such-folder")).code == 2);
  const Run help = Lint("--help");
  CHECK(help.code == 0);
  CHECK(help.out.find("--fail-level") != std::string::npos);
}

TEST_CASE("lint cli: text output has carets and a summary", "[lint][cli]") {
  Fixture f("text");
  const Run run = Lint(f.Add("rule.yaml", kFindings) + " --format text");
  CHECK(run.code == 1);
  CHECK(run.out.find("rule.yaml:15:5: error HC209: tactic `Initial Access`") != std::string::npos);
  CHECK(run.out.find("\n    - Initial Access\n      ^^^^^^^^^^^^^^\n") != std::string::npos);
  CHECK(run.out.find("huntc lint: 1 file, 1 rule (1 analytic, 0 hunting), 1 compile with huntc; "
                     "1 error, 1 warning, 1 note; 0 suppressed") != std::string::npos);
}

TEST_CASE("lint cli: JSON output has one object per diagnostic and a summary", "[lint][cli]") {
  Fixture f("json");
  const Run run = Lint(f.Add("rule.yaml", kFindings) + " --format json");
  CHECK(run.code == 1);
  simdjson::dom::parser parser;
  const simdjson::dom::element root = ParseJson(parser, run.out);
  simdjson::dom::array diagnostics;
  REQUIRE(root["diagnostics"].get(diagnostics) == simdjson::SUCCESS);
  REQUIRE(diagnostics.size() == 3);
  const simdjson::dom::element first = diagnostics.at(0).value();
  CHECK(Str(first, "file").ends_with("rule.yaml"));
  CHECK(Int(first, "line") == 15);
  CHECK(Int(first, "column") == 5);
  CHECK(Int(first, "end_line") == 15);
  CHECK(Int(first, "end_column") == 19);
  CHECK(Str(first, "code") == "HC209");
  CHECK(Str(first, "severity") == "error");
  CHECK(Str(first, "category") == "sentinel");
  CHECK(Str(first, "message").find("Initial Access") != std::string_view::npos);
  CHECK(Str(first, "rule_id") == "1b9b8f6e-1111-4c3e-9a55-4f3b2a1c0d01");
  const std::set<std::string_view> categories{"yaml", "sentinel", "syntax", "semantic",
                                              "unsupported", "style"};
  for (simdjson::dom::element d : diagnostics) CHECK(categories.contains(Str(d, "category")));
  simdjson::dom::element summary;
  REQUIRE(root["summary"].get(summary) == simdjson::SUCCESS);
  CHECK(Int(summary, "files") == 1);
  CHECK(Int(summary, "rules") == 1);
  CHECK(Int(summary, "compiled") == 1);
  CHECK(Int(summary, "errors") == 1);
  CHECK(Int(summary, "warnings") == 1);
  CHECK(Int(summary, "notes") == 1);
  CHECK(Str(summary, "profile") == "sentinel-2022-08");
}

TEST_CASE("lint cli: SARIF 2.1.0 output has the required structure", "[lint][cli]") {
  Fixture f("sarif");
  const Run run = Lint(f.Add("a rule.yaml", kFindings) + " --format sarif");
  CHECK(run.code == 1);
  simdjson::dom::parser parser;
  const simdjson::dom::element root = ParseJson(parser, run.out);
  CHECK(Str(root, "version") == "2.1.0");
  CHECK(Str(root, "$schema").find("sarif") != std::string_view::npos);
  simdjson::dom::array runs;
  REQUIRE(root["runs"].get(runs) == simdjson::SUCCESS);
  REQUIRE(runs.size() == 1);
  const simdjson::dom::element driver = runs.at(0)["tool"]["driver"].value();
  CHECK(Str(driver, "name") == "huntc");
  simdjson::dom::array rules;
  REQUIRE(driver["rules"].get(rules) == simdjson::SUCCESS);
  std::vector<std::string> ids;
  for (simdjson::dom::element rule : rules) {
    ids.push_back(Str(rule, "id"));
    CHECK(!Str(rule["shortDescription"].value(), "text").empty());
    CHECK(std::set<std::string_view>{"error", "warning", "note"}.contains(
        Str(rule["defaultConfiguration"].value(), "level")));
  }
  // A descriptor for every code in the catalogue, the last of which is HC703.
  CHECK(std::find(ids.begin(), ids.end(), "HC100") != ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "HC605") != ids.end());
  CHECK(ids.back() == "HC703");
  simdjson::dom::array results;
  REQUIRE(runs.at(0)["results"].get(results) == simdjson::SUCCESS);
  REQUIRE(results.size() == 3);
  for (simdjson::dom::element result : results) {
    const std::string rule_id = Str(result, "ruleId");
    CHECK(std::find(ids.begin(), ids.end(), rule_id) != ids.end());
    CHECK(ids[Int(result, "ruleIndex")] == rule_id);
    CHECK(std::set<std::string_view>{"error", "warning", "note"}.contains(Str(result, "level")));
    CHECK(!Str(result["message"].value(), "text").empty());
    simdjson::dom::array locations;
    REQUIRE(result["locations"].get(locations) == simdjson::SUCCESS);
    REQUIRE(locations.size() == 1);
    const simdjson::dom::element physical = locations.at(0)["physicalLocation"].value();
    const std::string uri = Str(physical["artifactLocation"].value(), "uri");
    CHECK(uri.starts_with("file:///"));
    CHECK(uri.ends_with("/a%20rule.yaml"));
    const simdjson::dom::element region = physical["region"].value();
    CHECK(Int(region, "startLine") >= 1);
    CHECK(Int(region, "startColumn") >= 1);
    CHECK(Int(region, "endLine") >= Int(region, "startLine"));
  }
  CHECK(Str(results.at(0).value(), "ruleId") == "HC209");
  CHECK(Int(results.at(0)["locations"].at(0)["physicalLocation"]["region"].value(), "startLine") == 15);
}

TEST_CASE("lint cli: GitHub annotations have the documented form", "[lint][cli]") {
  Fixture f("github");
  const Run run = Lint(f.Add("rule.yaml", kFindings) + " --format github");
  CHECK(run.code == 1);
  const std::regex annotation(
      R"(::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=HC\d{3}::.+)");
  size_t annotations = 0;
  std::string line;
  std::istringstream lines(run.out);
  while (std::getline(lines, line)) {
    if (!line.starts_with("::")) continue;
    INFO(line);
    CHECK(std::regex_match(line, annotation));
    ++annotations;
  }
  CHECK(annotations == 3);
  CHECK(run.out.find(",line=15,col=5,endLine=15,endColumn=19,title=HC209::tactic") != std::string::npos);
  CHECK(run.out.find("::notice ") != std::string::npos);
}

TEST_CASE("lint cli: --disable and --profile", "[lint][cli]") {
  Fixture f("flags");
  const std::string rule = f.Add("rule.yaml", kFindings);
  CHECK(Lint(rule + " --disable HC209").code == 0);
  const Run disabled = Lint(rule + " --disable HC209,HC601 --disable HC605");
  CHECK(disabled.out.find("0 errors, 0 warnings, 0 notes; 3 suppressed") != std::string::npos);
  // An entity mapping count of 6: an error in the 2022 profile, fine in the current one.
  std::string six = kClean;
  six += "entityMappings:\n";
  for (int i = 0; i < 6; ++i) {
    six += "  - entityType: Host\n    fieldMappings:\n      - identifier: FullName\n        columnName: DeviceName\n";
  }
  const std::string many = f.Add("six.yaml", six);
  CHECK(Lint(many).code == 1);
  CHECK(Lint(many + " --profile sentinel-2022-08").code == 1);
  CHECK(Lint(many + " --profile sentinel-current").code == 0);
  CHECK(Lint(many + " --profile sentinel-current --format json").out.find("\"profile\": \"sentinel-current\"") != std::string::npos);
}

TEST_CASE("lint cli: --schemas adds tables the queries can read", "[lint][cli]") {
  Fixture f("schemas");
  std::string rule = kClean;
  rule.replace(rule.find("DeviceProcessEvents\n  |"), 19, "MyEvents");
  const std::string path = f.Add("rules/rule.yaml", rule);
  const Run without = Lint(path + " --format json");
  CHECK(without.code == 1);
  CHECK(without.out.find("HC400") != std::string::npos);
  f.Add("schemas/MyEvents.json",
        R"({"name": "MyEvents", "columns": [{"name": "Timestamp", "type": "datetime"}, {"name": "FileName", "type": "string"}]})");
  CHECK(Lint(path + " --schemas " + f.Path("schemas")).code == 0);
}

TEST_CASE("lint cli: folders are searched for .yaml and .yml files", "[lint][cli]") {
  Fixture f("folders");
  f.Add("a/one.yaml", kClean);
  std::string second = kClean;
  second.replace(second.find("0b9b8f6e"), 8, "2b9b8f6e");
  f.Add("a/b/two.yml", second);
  f.Add("a/notes.txt", "not a rule");
  const Run run = Lint(f.dir() + " --format json");
  simdjson::dom::parser parser;
  CHECK(Int(ParseJson(parser, run.out)["summary"].value(), "files") == 2);
  // two.yml has `kind`, so it is an analytic rule, which Sentinel's CI wants named *.yaml.
  CHECK(run.code == 1);
  CHECK(run.out.find("\"HC220\": 1") != std::string::npos);
}

TEST_CASE("lint cli: the rule pack huntc ships has no errors and no warnings", "[lint][cli]") {
  const Run run = Lint("rules --format json --fail-level warning");
  INFO(run.out);
  CHECK(run.code == 0);
  simdjson::dom::parser parser;
  const simdjson::dom::element summary = ParseJson(parser, run.out)["summary"].value();
  int64_t files = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(fs::path(HUNTC_SOURCE_DIR) / "rules"))
    files += e.path().extension() == ".yaml";
  CHECK(Int(summary, "rules") == files);
  CHECK(Int(summary, "compiled") == files);
  CHECK(Int(summary, "errors") == 0);
  CHECK(Int(summary, "warnings") == 0);
}

TEST_CASE("lint cli: the Sentinel corpus", "[lint][cli][corpus]") {
  const fs::path corpus = fs::path(HUNTC_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::exists(corpus / "sentinel")) {
    WARN("no Sentinel corpus at " << corpus.string() << "; skipped");
    return;
  }
  const Run run = Lint("../shared/corpus/sentinel ../shared/corpus/sentinel-supplement --format json");
  WARN("huntc lint over the corpus took " << run.seconds << " s (process wall time)");
  CHECK(run.code == 1);
  simdjson::dom::parser parser;
  const simdjson::dom::element root = ParseJson(parser, run.out);
  simdjson::dom::element summary = root["summary"].value();
  CHECK(Int(summary, "files") == 469);
  WARN("corpus: " << Int(summary, "rules") << " rules, " << Int(summary, "compiled")
                  << " compile, " << Int(summary, "errors") << " errors, "
                  << Int(summary, "warnings") << " warnings, " << Int(summary, "notes") << " notes");

  bool invalid_yaml = false, invalid_tactic = false;
  size_t analytic_structural_errors = 0, analytic_key_case = 0;
  std::set<std::string> analytic_files;
  const std::regex analytic(R"((^|/)(Detections__|Solutions__[^/]*__Analytic Rules__)[^/]*$)");
  simdjson::dom::array diagnostics;
  REQUIRE(root["diagnostics"].get(diagnostics) == simdjson::SUCCESS);
  for (simdjson::dom::element d : diagnostics) {
    const std::string file(Str(d, "file"));
    const std::string code = Str(d, "code");
    if (file.ends_with("rmm_AnyDesk_netconn.yaml") && code == "HC100") {
      invalid_yaml = true;
      CHECK(Str(d, "severity") == "error");
      CHECK(Int(d, "line") == 9);
      CHECK(Int(d, "column") == 5);
    }
    if (code == "HC209" && Str(d, "message").find("`ValidAccounts`") != std::string_view::npos) {
      invalid_tactic = true;
      CHECK(file.ends_with("rdp-to-hybrid-device-followed-by-entra-access.yaml"));
      CHECK(Int(d, "line") == 18);
      CHECK(Int(d, "column") == 5);
      CHECK(Str(d, "severity") == "warning");  // a hunting query: the style guide's level
    }
    // Sentinel's CI passes the 75 analytic rules of the 2022 snapshot.
    if (file.find("sentinel-supplement") != std::string::npos || !std::regex_search(file, analytic)) {
      continue;
    }
    const std::string category = Str(d, "category");
    if ((category == "sentinel" || category == "yaml") && Str(d, "severity") == "error") {
      ++analytic_structural_errors;
      UNSCOPED_INFO(file << ":" << Int(d, "line") << ": " << code << " " << Str(d, "message"));
    }
    if (code == "HC105") {
      ++analytic_key_case;
      CHECK(Str(d, "message").find("`datatypes`") != std::string_view::npos);
      analytic_files.insert(file);
    }
  }
  CHECK(invalid_yaml);
  CHECK(invalid_tactic);
  CHECK(analytic_structural_errors == 0);
  CHECK(analytic_key_case == 4);
  CHECK(analytic_files.size() == 4);
  const Run text = Lint("../shared/corpus/sentinel ../shared/corpus/sentinel-supplement");
  WARN(text.out.substr(text.out.rfind("huntc lint:")));
}
