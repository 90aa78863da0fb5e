// huntc lint as a library: YAML keys, every Sentinel CI structure check, the hunting-query style
// checks, the compiler front end, the checks on the bound query, suppression and profiles.
#include <catch2/catch.hpp>

#include <algorithm>
#include <utility>

#include "compiler/lint/lint.h"
#include "compiler/lint/sentinel.h"

using namespace huntc;
using namespace huntc::lint;

namespace {

// A rule file as ordered top-level fields, each `key` plus the text after its colon.
struct RuleText {
  std::vector<std::pair<std::string, std::string>> fields;

  RuleText& Set(const std::string& key, const std::string& value) {
    const auto it = std::find_if(fields.begin(), fields.end(),
                                 [&](const auto& f) { return f.first == key; });
    if (it != fields.end()) {
      it->second = value;
    } else {
      fields.emplace_back(key, value);
    }
    return *this;
  }
  RuleText& Remove(const std::string& key) {
    std::erase_if(fields, [&](const auto& f) { return f.first == key; });
    return *this;
  }
  std::string Text() const {
    std::string out;
    for (const auto& [key, value] : fields) out += key + ":" + value + "\n";
    return out;
  }
};

constexpr const char* kConnector =
    "\n  - connectorId: MicrosoftThreatProtection\n    dataTypes:\n      - DeviceProcessEvents";

// A Scheduled rule Sentinel's CI accepts and huntc compiles.
RuleText Scheduled() {
  return RuleText{{
      {"id", " 0b9b8f6e-1111-4c3e-9a55-4f3b2a1c0d01"},
      {"name", " Encoded PowerShell"},
      {"description", " Finds encoded PowerShell."},
      {"severity", " Medium"},
      {"kind", " Scheduled"},
      {"queryFrequency", " 1h"},
      {"queryPeriod", " 1h"},
      {"triggerOperator", " gt"},
      {"triggerThreshold", " 0"},
      {"requiredDataConnectors", kConnector},
      {"tactics", "\n  - Execution"},
      {"relevantTechniques", "\n  - T1059.001"},
      {"query", " |\n  DeviceProcessEvents\n  | where Timestamp > ago(1h) and FileName =~ "
                "\"powershell.exe\"\n  | project Timestamp, DeviceName, FileName, "
                "ProcessCommandLine"},
      {"entityMappings", "\n  - entityType: Host\n    fieldMappings:\n      - identifier: "
                         "FullName\n        columnName: DeviceName"},
      {"version", " 1.0.0"},
  }};
}

// A hunting query as the style guide wants it.
RuleText Hunting() {
  return RuleText{{
      {"id", " 7f7a796d-1511-4930-b9da-5971db4352ec"},
      {"name", " Encoded PowerShell"},
      {"description", " Finds encoded PowerShell."},
      {"requiredDataConnectors", kConnector},
      {"tactics", "\n  - Execution"},
      {"query", " |\n  DeviceProcessEvents\n  | where FileName =~ \"powershell.exe\""},
  }};
}

const Catalog& TestCatalog() {
  static const Catalog catalog = Catalog::BuiltIn();
  return catalog;
}

Report LintMany(const std::vector<std::pair<std::string, std::string>>& files,
                const Options& options = {}) {
  std::vector<std::shared_ptr<const SourceFile>> sources;
  for (const auto& [path, text] : files) sources.push_back(std::make_shared<SourceFile>(path, text));
  return LintFiles(sources, TestCatalog(), options);
}

Report LintOne(const std::string& text, const Options& options = {},
               const std::string& path = "rule.yaml") {
  return LintMany({{path, text}}, options);
}

std::vector<Diagnostic> All(const Report& report) {
  std::vector<Diagnostic> out;
  for (const FileReport& f : report.files) {
    out.insert(out.end(), f.diagnostics.begin(), f.diagnostics.end());
  }
  return out;
}

std::vector<Diagnostic> With(const Report& report, Code code) {
  std::vector<Diagnostic> out;
  for (const Diagnostic& d : All(report)) {
    if (d.code == code) out.push_back(d);
  }
  return out;
}

// The one diagnostic with `code`; fails the test unless there is exactly one.
Diagnostic One(const Report& report, Code code) {
  const std::vector<Diagnostic> found = With(report, code);
  INFO("code " << Info(code).id);
  REQUIRE(found.size() == 1);
  return found[0];
}

// "line:column" of a diagnostic.
std::string At(const Diagnostic& d) {
  return std::to_string(d.Line()) + ":" + std::to_string(d.Column());
}

std::string Spanned(const Diagnostic& d) {
  return d.span.file->text().substr(d.span.begin, d.span.end - d.span.begin);
}

bool Clean(const Report& report) {
  for (const Diagnostic& d : All(report)) UNSCOPED_INFO(RenderText(d));
  return All(report).empty();
}

}  // namespace

TEST_CASE("lint: the base fixtures are clean and compile", "[lint]") {
  const Report scheduled = LintOne(Scheduled().Text());
  CHECK(Clean(scheduled));
  CHECK(scheduled.files[0].role == RuleRole::Analytic);
  CHECK(scheduled.files[0].compiles);
  CHECK(scheduled.files[0].rule_id == "0b9b8f6e-1111-4c3e-9a55-4f3b2a1c0d01");
  const Report hunting = LintOne(Hunting().Text());
  CHECK(Clean(hunting));
  CHECK(hunting.files[0].role == RuleRole::Hunting);
}

TEST_CASE("lint: YAML syntax errors carry line and column", "[lint][yaml]") {
  const Report r = LintOne("id: x\nname: n\nrequiredDataConnectors:\n    - connectorId: A\n    "
                           "dataTypes:\n        - T\nquery: T\n");
  const Diagnostic d = One(r, Code::YamlSyntax);
  CHECK(d.severity == Severity::Error);
  CHECK(At(d) == "5:5");
  CHECK_FALSE(r.files[0].rule);
}

TEST_CASE("lint: unknown keys are warnings that suggest the closest key", "[lint][yaml]") {
  const Report r = LintOne(Scheduled().Set("querFrequency", " 1h").Set("Refs", " x").Text());
  const std::vector<Diagnostic> unknown = With(r, Code::YamlUnknownKey);
  REQUIRE(unknown.size() == 2);
  CHECK(unknown[0].severity == Severity::Warning);
  CHECK(unknown[0].message.find("did you mean `queryFrequency`") != std::string::npos);
  CHECK(Spanned(unknown[0]) == "querFrequency");
  CHECK(unknown[1].message.find("did you mean") == std::string::npos);
  // A top-level key nested in the wrong map says where it belongs.
  const Report nested = LintOne(Hunting().Set("requiredDataConnectors",
      "\n- connectorId: MicrosoftThreatProtection\n  dataTypes:\n  - DeviceEvents\n  tactics:\n  - Execution").Text());
  CHECK(One(nested, Code::YamlUnknownKey).message.find("belongs at the top level") !=
        std::string::npos);
}

TEST_CASE("lint: a key in another case is a warning and its value still counts", "[lint][yaml]") {
  const Report r = LintOne(Scheduled().Set("requiredDataConnectors",
      "\n  - connectorId: MicrosoftThreatProtection\n    datatypes:\n      - DeviceProcessEvents").Text());
  const Diagnostic d = One(r, Code::YamlKeyCase);
  CHECK(d.severity == Severity::Warning);
  CHECK(Spanned(d) == "datatypes");
  CHECK(With(r, Code::SentinelConnectorDataTypes).empty());
  CHECK_FALSE(r.Fails(Severity::Error));
}

TEST_CASE("sentinel: kind must be exactly Scheduled or NRT", "[lint][sentinel]") {
  CHECK(One(LintOne(Scheduled().Set("kind", " scheduled").Text()), Code::SentinelKind).severity ==
        Severity::Error);
  CHECK(One(LintOne(Scheduled().Set("kind", " Hunting").Text()), Code::SentinelKind).severity ==
        Severity::Error);
  // A file under Detections/ is an analytic rule even without `kind`.
  const Report missing = LintOne(Scheduled().Remove("kind").Text(), {}, "Detections/Foo/rule.yaml");
  CHECK(One(missing, Code::SentinelMissingField).message.find("`kind`") != std::string::npos);
}

TEST_CASE("sentinel: required fields depend on the kind", "[lint][sentinel]") {
  for (const char* key : {"queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold",
                          "requiredDataConnectors", "severity", "name", "description", "id"}) {
    INFO(key);
    const Diagnostic d = One(LintOne(Scheduled().Remove(key).Text()), Code::SentinelMissingField);
    CHECK(d.severity == Severity::Error);
    CHECK(d.message.find(key) != std::string::npos);
  }
  CHECK(One(LintOne(Scheduled().Set("name", " ' '").Text()), Code::SentinelMissingField)
            .message.find("blank") != std::string::npos);
  RuleText nrt = Scheduled().Set("kind", " NRT");
  for (const char* key : {"queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold",
                          "requiredDataConnectors"}) {
    nrt.Remove(key);
  }
  CHECK(Clean(LintOne(nrt.Text())));
}

TEST_CASE("sentinel: ids are GUIDs, unique across the input", "[lint][sentinel]") {
  CHECK(One(LintOne(Scheduled().Set("id", " not-a-guid").Text()), Code::SentinelId).severity ==
        Severity::Error);
  CHECK(Clean(LintOne(Scheduled().Set("id", " '{0B9B8F6E-1111-4C3E-9A55-4F3B2A1C0D01}'").Text())));
  CHECK(Clean(LintOne(Scheduled().Set("id", " 0b9b8f6e11114c3e9a554f3b2a1c0d01").Text())));
  const Report two = LintMany({{"a/Detections/one.yaml", Scheduled().Text()},
                               {"a/Detections/two.yaml", Scheduled().Set("id", " 0B9B8F6E-1111-4C3E-9A55-4F3B2A1C0D01").Text()}});
  const Diagnostic d = One(two, Code::SentinelDuplicateId);
  CHECK(d.severity == Severity::Error);
  CHECK(d.span.file->path() == "a/Detections/two.yaml");
  CHECK(d.message.find("a/Detections/one.yaml") != std::string::npos);
  // With a hunting query involved it is the style guide's rule: a warning.
  const Report mixed = LintMany({{"Detections/one.yaml", Scheduled().Text()},
                                 {"Hunting Queries/two.yaml", Hunting().Set("id", " 0b9b8f6e-1111-4c3e-9a55-4f3b2a1c0d01").Text()}});
  CHECK(One(mixed, Code::SentinelDuplicateId).severity == Severity::Warning);
}

TEST_CASE("sentinel: lengths of name, description and query", "[lint][sentinel]") {
  const Diagnostic name = One(LintOne(Scheduled().Set("name", " " + std::string(257, 'a')).Text()),
                              Code::SentinelLength);
  CHECK(name.message.find("257") != std::string::npos);
  CHECK(Clean(LintOne(Scheduled().Set("name", " " + std::string(256, 'a')).Text())));
  CHECK(One(LintOne(Scheduled().Set("description", " " + std::string(5001, 'd')).Text()),
            Code::SentinelLength)
            .severity == Severity::Error);
  const std::string long_query =
      " |\n  DeviceProcessEvents\n  | where Timestamp > ago(1h) and FileName == \"" +
      std::string(10000, 'x') + "\"\n  | project Timestamp, DeviceName";
  CHECK(With(LintOne(Scheduled().Set("query", long_query).Text()), Code::SentinelLength).size() == 1);
}

TEST_CASE("sentinel: severity names, case and numbers by profile", "[lint][sentinel]") {
  CHECK(One(LintOne(Scheduled().Set("severity", " Critical").Text()), Code::SentinelSeverity)
            .severity == Severity::Error);
  CHECK(One(LintOne(Scheduled().Set("severity", " medium").Text()), Code::SentinelSeverity)
            .severity == Severity::Warning);
  Options current;
  current.profile = Profile::SentinelCurrent;
  CHECK(One(LintOne(Scheduled().Set("severity", " 2").Text()), Code::SentinelEnumNumber).severity ==
        Severity::Warning);
  CHECK(One(LintOne(Scheduled().Set("severity", " 2").Text(), current), Code::SentinelEnumNumber)
            .severity == Severity::Error);
}

TEST_CASE("sentinel: queryFrequency and queryPeriod formats", "[lint][sentinel]") {
  Options options;  // short periods make the query's 1h filter too long: not tested here
  options.disabled.insert(Code::QueryTimeFilterTooLong);
  for (const char* good : {"1h", "5m", "14d", "01:00:00", "1.00:00:00", "1", "00:05"}) {
    INFO(good);
    const std::string value = std::string(" '") + good + "'";
    CHECK(Clean(LintOne(Scheduled().Set("queryFrequency", value).Set("queryPeriod", value).Text(),
                        options)));
  }
  for (const char* bad : {"1H", "PT1H", "1.5h", "1 h", "one hour", "25:00:00"}) {
    INFO(bad);
    CHECK(One(LintOne(Scheduled().Set("queryFrequency", std::string(" ") + bad).Text()),
              Code::SentinelTimeSpanFormat)
              .severity == Severity::Error);
  }
}

TEST_CASE("sentinel: time span limits", "[lint][sentinel]") {
  CHECK(One(LintOne(Scheduled().Set("queryFrequency", " 4m").Text()), Code::SentinelTimeSpanRange)
            .message.find("5 minutes to 14 days") != std::string::npos);
  CHECK(With(LintOne(Scheduled().Set("queryPeriod", " 15d").Text()), Code::SentinelTimeSpanRange)
            .size() == 1);
  CHECK(One(LintOne(Scheduled().Set("queryFrequency", " 2h").Text()), Code::SentinelTimeSpanRange)
            .message.find("shorter") != std::string::npos);
  CHECK(One(LintOne(Scheduled().Set("queryFrequency", " 30m").Set("queryPeriod", " 2d").Text()),
            Code::SentinelTimeSpanRange)
            .message.find("at least 1 hour") != std::string::npos);
  CHECK(ParseSentinelTimeSpan("5") == int64_t{5} * 864'000'000'000);
  CHECK(ParseSentinelTimeSpan("1:02:03:04.5") ==
        ((((int64_t{1} * 24 + 2) * 60 + 3) * 60 + 4) * 10 + 5) * 1'000'000);
  CHECK_FALSE(ParseSentinelTimeSpan("00:60"));
}

TEST_CASE("sentinel: trigger operator and threshold", "[lint][sentinel]") {
  CHECK(Clean(LintOne(Scheduled().Set("triggerOperator", " GreaterThan").Text())));
  CHECK(One(LintOne(Scheduled().Set("triggerOperator", " greaterthan").Text()), Code::SentinelTrigger)
            .severity == Severity::Error);
  for (const char* bad : {"10001", "-1", "1.5", "many"}) {
    INFO(bad);
    CHECK(With(LintOne(Scheduled().Set("triggerThreshold", std::string(" ") + bad).Text()),
               Code::SentinelTrigger)
              .size() == 1);
  }
  CHECK(Clean(LintOne(Scheduled().Set("triggerThreshold", " 10000").Text())));
}

TEST_CASE("sentinel: tactics are AttackTactic names in a list", "[lint][sentinel]") {
  const Diagnostic d = One(LintOne(Scheduled().Set("tactics", "\n  - Execution\n  - Initial Access").Text()),
                           Code::SentinelTactic);
  CHECK(d.severity == Severity::Error);
  CHECK(Spanned(d) == "Initial Access");
  CHECK(One(LintOne(Scheduled().Set("tactics", "\n  - execution").Text()), Code::SentinelTactic)
            .severity == Severity::Warning);
  CHECK(One(LintOne(Scheduled().Set("tactics", " Execution").Text()), Code::YamlFieldType).severity ==
        Severity::Error);
  // Hunting queries: the same checks, as warnings.
  CHECK(One(LintOne(Hunting().Set("tactics", "\n  - ValidAccounts").Text()), Code::SentinelTactic)
            .severity == Severity::Warning);
  CHECK(One(LintOne(Hunting().Set("tactics", " CommandAndControl").Text()), Code::YamlFieldType)
            .severity == Severity::Warning);
}

TEST_CASE("sentinel: techniques must match the tactics (Scheduled only)", "[lint][sentinel]") {
  const Diagnostic d = One(LintOne(Scheduled().Set("tactics", "\n  - Persistence").Text()),
                           Code::SentinelTechniqueTactic);
  CHECK(d.message.find("Execution") != std::string::npos);
  CHECK(Spanned(d) == "T1059.001");
  CHECK(One(LintOne(Scheduled().Set("relevantTechniques", "\n  - t1574").Text()),
            Code::SentinelTechnique)
            .severity == Severity::Error);
  // The CI's check casts to the Scheduled model: NRT rules are not checked.
  RuleText nrt = Scheduled().Set("kind", " NRT").Set("tactics", "\n  - Persistence");
  CHECK(With(LintOne(nrt.Text()), Code::SentinelTechniqueTactic).empty());
  // Hunting queries: only the id format.
  CHECK(One(LintOne(Hunting().Set("relevantTechniques", "\n  - t1574").Text()), Code::SentinelTechnique)
            .severity == Severity::Warning);
  CHECK(Clean(LintOne(Hunting().Set("relevantTechniques", "\n  - T1574.002").Text())));
}

TEST_CASE("sentinel: entity mappings", "[lint][sentinel]") {
  const auto mapping = [](const std::string& type, const std::string& fields) {
    return "\n  - entityType: " + type + "\n    fieldMappings:" + fields;
  };
  const auto field = [](const std::string& id, const std::string& column) {
    return "\n      - identifier: " + id + "\n        columnName: " + column;
  };
  const auto lint = [&](const std::string& mappings, const Options& options = {}) {
    return LintOne(Scheduled().Set("entityMappings", mappings).Text(), options);
  };
  CHECK(Spanned(One(lint(mapping("Computer", field("FullName", "DeviceName"))),
                    Code::SentinelEntityMapping)) == "Computer");
  // An identifier of another type; the mapping then also lacks Host's required identifiers.
  const std::vector<Diagnostic> address =
      With(lint(mapping("Host", field("Address", "DeviceName"))), Code::SentinelEntityMapping);
  REQUIRE(address.size() == 2);
  CHECK(address[1].message.find("not an identifier of Host") != std::string::npos);
  CHECK(address[0].message.find("a Host mapping needs FullName or HostName") != std::string::npos);
  // Repeated identifier; FileHash needs Algorithm and Value together.
  CHECK(One(lint(mapping("Host", field("FullName", "DeviceName") + field("FullName", "DeviceName"))),
            Code::SentinelEntityMapping)
            .message.find("twice") != std::string::npos);
  CHECK(One(lint(mapping("FileHash", field("Value", "FileName"))), Code::SentinelEntityMapping)
            .message.find("Algorithm + Value") != std::string::npos);
  CHECK(One(lint(mapping("Host", field("FullName", "1Device"))), Code::SentinelEntityMapping)
            .message.find("column name") != std::string::npos);
  CHECK(One(lint(mapping("Host", field("FullName", "DeviceName") + field("HostName", "DeviceName") +
                                     field("NTDomain", "DeviceName") + field("DnsDomain", "DeviceName"))),
            Code::SentinelEntityCount)
            .message.find("1 to 3") != std::string::npos);
  // Six mappings: over the 2022 limit of 5, within the current limit of 10.
  std::string six;
  for (int i = 0; i < 6; ++i) six += mapping("Host", field("FullName", "DeviceName"));
  CHECK(One(lint(six), Code::SentinelEntityCount).severity == Severity::Error);
  Options current;
  current.profile = Profile::SentinelCurrent;
  CHECK(With(lint(six, current), Code::SentinelEntityCount).empty());
}

TEST_CASE("sentinel: alert format placeholders are found as the CI's pattern finds them",
          "[lint][sentinel]") {
  const auto placeholders = [](const std::string& format) {
    const Report r = LintOne(Scheduled()
        .Set("query", " |\n  DeviceProcessEvents\n  | where Timestamp > ago(1h)\n  | project Timestamp, DeviceName")
        .Set("alertDetailsOverride", "\n  alertDisplayNameFormat: '" + format + "'").Text());
    std::vector<std::string> columns;
    for (const Diagnostic& d : With(r, Code::QueryColumnNotOutput)) columns.push_back(Spanned(d));
    return columns;
  };
  CHECK(placeholders("{{A}} and {{B}}") == std::vector<std::string>{"{{A}}", "{{B}}"});
  CHECK(placeholders("{{{A}}}") == std::vector<std::string>{"{{A}}"});
  CHECK(placeholders("{{A{{B}} {{C}D}}") == std::vector<std::string>{"{{B}}"});
  CHECK(placeholders("{{A} {{B").empty());
  // Linear in the length of the format, whatever its braces.
  CHECK(placeholders(std::string(200000, '{') + "}}").size() == 1);
}

TEST_CASE("sentinel: custom details and alert details limits", "[lint][sentinel]") {
  std::string many;
  for (int i = 0; i < 21; ++i) many += "\n  D" + std::to_string(i) + ": FileName";
  CHECK(One(LintOne(Scheduled().Set("customDetails", many).Text()), Code::SentinelCustomDetails)
            .message.find("at most 20") != std::string::npos);
  CHECK(Spanned(One(LintOne(Scheduled().Set("customDetails", "\n  _Bad: FileName").Text()),
                    Code::SentinelCustomDetails)) == "_Bad");
  CHECK(Clean(LintOne(Scheduled().Set("customDetails", "\n  Image: FileName").Text())));
  CHECK(One(LintOne(Scheduled().Set("alertDetailsOverride",
                                    "\n  alertDisplayNameFormat: '{{FileName}} {{DeviceName}} "
                                    "{{FileName}} {{Timestamp}}'").Text()),
            Code::SentinelAlertDetails)
            .message.find("4 {{column}} placeholders") != std::string::npos);
  CHECK(With(LintOne(Scheduled().Set("alertDetailsOverride", "\n  alertDescriptionFormat: ''").Text()),
             Code::SentinelAlertDetails)
            .size() == 1);
}

TEST_CASE("sentinel: version, event grouping, legacy entity columns", "[lint][sentinel]") {
  CHECK(One(LintOne(Scheduled().Set("version", " '1.0'").Text()), Code::SentinelVersion).severity ==
        Severity::Error);
  CHECK(Clean(LintOne(Scheduled().Set("version", " 10.2.33").Text())));
  CHECK(One(LintOne(Scheduled().Set("eventGroupingSettings", "\n  aggregationKind: PerEvent").Text()),
            Code::SentinelEventGrouping)
            .severity == Severity::Error);
  CHECK(Clean(LintOne(Scheduled().Set("eventGroupingSettings", "\n  aggregationKind: AlertPerResult").Text())));
  const Report legacy = LintOne(Scheduled().Set("query",
      " |\n  DeviceProcessEvents\n  | where Timestamp > ago(1h)\n  | project Timestamp, "
      "DeviceName, HostCustomEntity = DeviceName").Text());
  CHECK(One(legacy, Code::SentinelLegacyEntity).message.find("HostCustomEntity") != std::string::npos);
}

TEST_CASE("sentinel: connector ids and data types, by profile", "[lint][sentinel]") {
  const std::string unknown =
      "\n  - connectorId: MicrosoftDefenderThreatIntelligence\n    dataTypes:\n      - X";
  CHECK(One(LintOne(Scheduled().Set("requiredDataConnectors", unknown).Text()), Code::SentinelConnector)
            .severity == Severity::Error);
  Options current;
  current.profile = Profile::SentinelCurrent;
  CHECK(One(LintOne(Scheduled().Set("requiredDataConnectors", unknown).Text(), current),
            Code::SentinelConnector)
            .severity == Severity::Warning);
  CHECK(One(LintOne(Scheduled().Set("requiredDataConnectors",
                                    "\n  - connectorId: MicrosoftThreatProtection").Text()),
            Code::SentinelConnectorDataTypes)
            .severity == Severity::Error);
}

TEST_CASE("sentinel: ASCII only, in hunting queries too", "[lint][sentinel]") {
  const Diagnostic d = One(LintOne(Hunting().Set("description", " Finds \xE2\x80\x93 things.").Text()),
                           Code::SentinelNonAscii);
  CHECK(d.severity == Severity::Error);
  CHECK(At(d) == "3:20");
  CHECK(Spanned(d) == "\xE2\x80\x93");
}

TEST_CASE("sentinel: analytic rule files end in .yaml and have unique names", "[lint][sentinel]") {
  CHECK(One(LintOne(Scheduled().Text(), {}, "Detections/rule.yml"), Code::SentinelFileName)
            .severity == Severity::Error);
  const Report twice = LintMany({{"Detections/A/rule.yaml", Scheduled().Text()},
                                 {"Solutions/X/Analytic Rules/rule.yaml",
                                  Scheduled().Set("id", " 1b9b8f6e-1111-4c3e-9a55-4f3b2a1c0d01").Text()}});
  CHECK(One(twice, Code::SentinelFileName).message.find("Detections/A/rule.yaml") != std::string::npos);
  // Hunting queries may use .yml.
  CHECK(Clean(LintOne(Hunting().Text(), {}, "Hunting Queries/q.yml")));
}

TEST_CASE("sentinel: roles follow the repository layout, then `kind`", "[lint][sentinel]") {
  CHECK(RoleFromPath("x/Detections/A/r.yaml") == RuleRole::Analytic);
  CHECK(RoleFromPath("Solutions__Foo__Analytic Rules__r.yaml") == RuleRole::Analytic);
  CHECK(RoleFromPath("Solutions__Foo__Hunting Queries__r.yaml") == RuleRole::Hunting);
  CHECK(RoleFromPath("Detections/Hunting Queries/r.yaml") == RuleRole::Hunting);
  CHECK_FALSE(RoleFromPath("rules/r.yaml"));
  // A hunting query with `kind` under Hunting Queries is still a hunting query.
  const Report r = LintOne(Hunting().Set("kind", " Scheduled").Text(), {}, "Hunting Queries/q.yaml");
  CHECK(r.files[0].role == RuleRole::Hunting);
  CHECK(Clean(r));
}

TEST_CASE("style: hunting queries need id, name and description, names end without a period",
          "[lint][style]") {
  const Diagnostic missing = One(LintOne(Hunting().Remove("id").Text()), Code::SentinelMissingField);
  CHECK(missing.severity == Severity::Warning);
  const Diagnostic period = One(LintOne(Hunting().Set("name", " Finds things.").Text()),
                                Code::StyleHuntingName);
  CHECK(period.severity == Severity::Info);
  CHECK(With(LintOne(Hunting().Set("name", " " + std::string(51, 'n')).Text()), Code::StyleHuntingName)
            .size() == 1);
}

TEST_CASE("front end: syntax and binding errors point into the YAML file", "[lint][compile]") {
  const Report r = LintOne(Hunting().Set("query", " |\n  DeviceProcessEvents\n  | where FileNam == \"x\"").Text());
  const Diagnostic d = One(r, Code::UnknownColumn);
  CHECK(d.severity == Severity::Error);
  CHECK(At(d) == "12:11");
  CHECK_FALSE(r.files[0].compiles);
  const Report syntax = LintOne(Hunting().Set("query", " |\n  DeviceProcessEvents\n  | where FileName == == 1").Text());
  CHECK(syntax.Fails(Severity::Error));
  CHECK(All(syntax)[0].code == Code::SyntaxExpected);  // an operand is missing after `==`
  CHECK(At(All(syntax)[0]) == "12:22");
}

TEST_CASE("front end: what huntc cannot compile yet is a warning", "[lint][compile]") {
  const Report r = LintOne(Hunting().Set("query", " |\n  DeviceProcessEvents\n  | partition by DeviceId (take 1)").Text());
  const Diagnostic d = One(r, Code::Unsupported);
  CHECK(d.severity == Severity::Warning);
  CHECK(At(d) == "12:5");
  CHECK_FALSE(r.files[0].compiles);
  CHECK(r.files[0].rule);
  CHECK(r.Compiled() == 0);
  CHECK_FALSE(r.Fails(Severity::Error));
}

TEST_CASE("bound query: mapped columns must be in the result", "[lint][query]") {
  const Report r = LintOne(Scheduled()
      .Set("entityMappings", "\n  - entityType: Account\n    fieldMappings:\n      - identifier: Name\n        columnName: AccountName")
      .Set("customDetails", "\n  Cmd: ProcessCommandLine\n  Host: devicename")
      .Set("alertDetailsOverride", "\n  alertDisplayNameFormat: 'Run of {{FileName}} on {{DeviceNme}}'")
      .Set("query", " |\n  DeviceProcessEvents\n  | where Timestamp > ago(1h)\n  | project Timestamp, DeviceName, FileName")
      .Text());
  const std::vector<Diagnostic> missing = With(r, Code::QueryColumnNotOutput);
  REQUIRE(missing.size() == 4);
  CHECK(Spanned(missing[0]) == "AccountName");
  CHECK(missing[0].message.find("entity mapping Account.Name") != std::string::npos);
  CHECK(Spanned(missing[1]) == "ProcessCommandLine");
  CHECK(missing[2].message.find("case-sensitive: `DeviceName`") != std::string::npos);
  CHECK(Spanned(missing[3]) == "{{DeviceNme}}");
  CHECK(missing[3].message.find("did you mean `DeviceName`") != std::string::npos);
  // Without a project, every column of the table is output.
  CHECK(Clean(LintOne(Scheduled().Set("query", " |\n  DeviceProcessEvents\n  | where Timestamp > ago(1h)").Set("customDetails", "\n  Cmd: ProcessCommandLine").Text())));
}

TEST_CASE("bound query: scheduled rules need a time filter within queryPeriod", "[lint][query]") {
  const Report none = LintOne(Scheduled().Set("query", " |\n  DeviceProcessEvents\n  | where FileName == \"a\"").Text());
  const Diagnostic d = One(none, Code::QueryNoTimeFilter);
  CHECK(Spanned(d) == "DeviceProcessEvents");
  CHECK(d.message.find("Timestamp > ago") != std::string::npos);
  // A filter under `or` bounds nothing.
  CHECK(With(LintOne(Scheduled().Set("query", " |\n  DeviceProcessEvents\n  | where Timestamp > ago(1h) or FileName == \"a\"").Text()),
             Code::QueryNoTimeFilter).size() == 1);
  const Report longer = LintOne(Scheduled().Set("query", " |\n  DeviceProcessEvents\n  | where FileName == \"a\" and Timestamp >= ago(14d)").Text());
  const Diagnostic too_long = One(longer, Code::QueryTimeFilterTooLong);
  CHECK(Spanned(too_long) == "Timestamp >= ago(14d)");
  CHECK(too_long.message.find("14d") != std::string::npos);
  CHECK(too_long.message.find("(1h)") != std::string::npos);
  for (const char* filter : {"Timestamp between (ago(1h) .. now())", "ago(30m) < Timestamp",
                             "Timestamp > now(-1h)", "Timestamp > now() - 1h",
                             "Timestamp > datetime(2024-01-01)"}) {
    INFO(filter);
    CHECK(Clean(LintOne(Scheduled().Set("query", std::string(" |\n  DeviceProcessEvents\n  | where ") + filter).Text())));
  }
  // Hunting queries are run by hand over a chosen range: no check.
  CHECK(Clean(LintOne(Hunting().Text())));
}

TEST_CASE("bound query: conditions that are never true", "[lint][query]") {
  const Report eq = LintOne(Hunting().Set("query", " |\n  DeviceProcessEvents\n  | where FileName == \"a.exe\" and FolderPath has \"x\" and FileName == \"b.exe\"").Text());
  CHECK(Spanned(One(eq, Code::QueryContradiction)) == "FileName == \"b.exe\"");
  CHECK(Clean(LintOne(Hunting().Set("query", " |\n  DeviceProcessEvents\n  | where FileName =~ \"A.exe\" and FileName == \"a.exe\"").Text())));
  CHECK(With(LintOne(Hunting().Set("query", " |\n  DeviceProcessEvents\n  | where FileName == \"a\" or FileName == \"b\"").Text()),
             Code::QueryContradiction).empty());
  CHECK(With(LintOne(Hunting().Set("query", " |\n  DeviceProcessEvents\n  | where ProcessId between (10 .. 1)").Text()),
             Code::QueryContradiction).size() == 1);
  // The binder's own never-true warning (different types) shows too.
  CHECK(One(LintOne(Hunting().Set("query", " |\n  DeviceProcessEvents\n  | where FileName == 5").Text()),
            Code::NeverTrue).severity == Severity::Warning);
}

TEST_CASE("bound query: has needles with separators, contains that could be has", "[lint][query]") {
  const Report r = LintOne(Hunting().Set("query", " |\n  DeviceProcessEvents\n  | where ProcessCommandLine has \".ps1\" or ProcessCommandLine has \"cmd.exe\" or ProcessCommandLine has \"powershell\"").Text());
  const std::vector<Diagnostic> separators = With(r, Code::QueryHasSeparator);
  REQUIRE(separators.size() == 2);
  CHECK(Spanned(separators[0]) == "\".ps1\"");
  CHECK(separators[0].message.find("starts or ends") != std::string::npos);
  CHECK(separators[1].message.find("phrase") != std::string::npos);
  const Report contains = LintOne(Hunting().Set("query", " |\n  DeviceProcessEvents\n  | where ProcessCommandLine !contains \"mimikatz\" and FileName contains \".exe\"").Text());
  const Diagnostic hint = One(contains, Code::QueryPreferHas);
  CHECK(hint.severity == Severity::Hint);
  CHECK(Spanned(hint) == "!contains");
  CHECK(hint.message.find("'!has'") != std::string::npos);
}

TEST_CASE("suppression: comments, the huntc-disable key and --disable", "[lint][suppress]") {
  const std::string text = Scheduled().Set("query", " |\n  DeviceProcessEvents\n  | where FileName == \"a\"").Text();
  REQUIRE(With(LintOne(text), Code::QueryNoTimeFilter).size() == 1);
  const Report comment = LintOne("# huntc-disable: HC601\n" + text);
  CHECK(Clean(comment));
  CHECK(comment.suppressed == 1);
  CHECK(Clean(LintOne(text + "huntc-disable: [HC601]\n")));
  CHECK(Clean(LintOne(text + "huntc-disable: hc601, HC999\n")) == false);
  CHECK(One(LintOne(text + "huntc-disable: hc601, HC999\n"), Code::SuppressionUnknownCode)
            .message.find("HC999") != std::string::npos);
  Options options;
  options.disabled.insert(Code::QueryNoTimeFilter);
  const Report flag = LintOne(text, options);
  CHECK(Clean(flag));
  CHECK(flag.suppressed == 1);
  // A comment suppresses only in its own file.
  const Report two = LintMany({{"a.yaml", "# huntc-disable: HC601\n" + text},
                               {"b.yaml", Scheduled().Set("id", " 1b9b8f6e-1111-4c3e-9a55-4f3b2a1c0d01").Set("query", " |\n  DeviceProcessEvents\n  | where FileName == \"a\"").Text()}});
  CHECK(One(two, Code::QueryNoTimeFilter).span.file->path() == "b.yaml");
}

TEST_CASE("report: counts and fail levels", "[lint]") {
  const Report r = LintOne(Hunting().Set("query", " |\n  DeviceProcessEvents\n  | where FileName contains \"powershell\"").Text());
  CHECK(r.Count(Severity::Hint) == 1);
  CHECK_FALSE(r.Fails(Severity::Warning));
  CHECK(r.Fails(Severity::Hint));
  CHECK(ProfileFromName("sentinel-current") == Profile::SentinelCurrent);
  CHECK_FALSE(ProfileFromName("2022"));
}
