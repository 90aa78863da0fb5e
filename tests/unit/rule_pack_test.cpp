// The shipped rule pack (rules/), end to end: for each rule, gen-events (GEN_EVENTS_EXE) writes a
// small archive with the rule's scenario planted, huntc (HUNTC_EXE) runs the rule over it, and the
// detections must name the entities the scenario's manifest entry lists; over an archive with no
// scenario planted the rule must stay quiet. One table says, per rule, which scenario it hunts and
// which detection columns must equal which manifest fields.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <set>

#include <simdjson.h>

#include "tests/unit/archive_util.h"
#include "tests/unit/cli_util.h"

namespace fs = std::filesystem;

namespace {

using huntc::test::Run;
using huntc::test::Shell;

// The engines every rule runs under.
constexpr std::array<const char*, 2> kEngines = {"jit", "interp"};

// One small archive per scenario (seconds to write and to hunt), all from the same seed: the
// background is the same in each, and the archive without scenarios is that background alone.
constexpr const char* kGenerate = "--events 60000 --days 7 --seed 11 --now 2026-11-20T00:00:00Z";
constexpr const char* kNow = "2026-11-20T00:00:00Z";

enum class Expect {
  // Every detection is planted, the planted rows are all there, and without the scenario the rule
  // reports nothing.
  kExactly,
  // An investigation hunt that lists the background too (baselines, inventories): the planted rows
  // are among the detections, and without the scenario no detection names the planted entities.
  kAmong,
};

// A detection column (in "row") and what it must hold: a field of the scenario's manifest entry
// (its value, or any element of an array value), or "=text" for a fixed value. A column holding an
// array matches when one of its elements does.
struct Field {
  std::string column, expected;
};

struct RuleCase {
  std::string rule;      // file name under rules/
  std::string scenario;  // what gen-events plants for it
  Expect expect;
  size_t rows;  // detections matching `fields` on the planted archive
  std::vector<Field> fields;
};

const std::vector<RuleCase> kCases = {
    // Rules that came before the pack.
    {"lolbin-network-connections.yaml", "encoded_cradle", Expect::kAmong, 1,
     {{"DeviceName", "device"}, {"RemoteIP", "remote_ip"}, {"InitiatingProcessCommandLine", "command_line"}}},
    {"pastebin-or-encoded-command.yaml", "encoded_cradle", Expect::kAmong, 1,
     {{"DeviceName", "device"}, {"InitiatingProcessCommandLine", "command_line"}}},
    {"public-remote-admin-ports.yaml", "forced_authentication", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"RemoteIP", "remote_ip"}, {"RemotePort", "=445"}}},
    // The outbound-traffic investigation.
    {"outbound-unusual-connections.yaml", "beacon", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"InitiatingProcessFileName", "process"}, {"RemoteIP", "remote_ip"}}},
    {"outbound-connection-processes.yaml", "beacon", Expect::kExactly, 1,
     {{"DeviceName", "device"},
      {"RemoteIP", "remote_ip"},
      {"ProcessId", "process_id"},
      {"ProcessCommandLine", "command_line"},
      {"ParentFileName", "=explorer.exe"}}},
    {"outbound-shared-destinations.yaml", "beacon", Expect::kAmong, 1,
     {{"RemoteIP", "remote_ip"}, {"Processes", "process"}, {"DeviceNames", "device"}}},
    {"outbound-script-host-activity.yaml", "encoded_cradle", Expect::kAmong, 1,
     {{"DeviceName", "device"}, {"RemoteIP", "remote_ip"}, {"InitiatingProcessCommandLine", "command_line"},
      {"Processes", "process"}}},
    {"firewall-policy-design-assistant.yaml", "beacon", Expect::kAmong, 1,
     {{"Direction", "=Outbound"}, {"RemoteIPs", "remote_ip"}}},
    // Ours, by scenario.
    {"encoded-powershell-from-office.yaml", "encoded_cradle", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"ProcessId", "process_id"}, {"ProcessCommandLine", "command_line"},
      {"AccountName", "account_name"}}},
    {"powershell-runs-downloaded-code.yaml", "encoded_cradle", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"InitiatingProcessId", "process_id"}, {"RemoteIP", "remote_ip"}}},
    {"lolbin-public-connection.yaml", "lolbin", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"InitiatingProcessFileName", "lolbin"}, {"RemoteIP", "remote_ip"},
      {"InitiatingProcessId", "process_id"}}},
    {"lolbin-download-then-execution.yaml", "lolbin", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"Lolbin", "lolbin"}, {"RemoteIP", "remote_ip"}, {"Processes", "payload_name"},
      {"Processes", "discovery"}}},
    {"discovery-from-user-writable-folder.yaml", "lolbin", Expect::kExactly, 2,
     {{"DeviceName", "device"}, {"FileName", "discovery"}, {"InitiatingProcessFolderPath", "payload"}}},
    {"credential-dumping-command-lines.yaml", "credential_dumping", Expect::kExactly, 3,
     {{"DeviceName", "device"}, {"FileName", "processes"}, {"ProcessId", "process_ids"}}},
    {"lsass-process-access.yaml", "credential_dumping", Expect::kExactly, 3,
     {{"DeviceName", "device"}, {"InitiatingProcessFileName", "processes"}, {"InitiatingProcessId", "process_ids"}}},
    {"credential-dump-files.yaml", "credential_dumping", Expect::kExactly, 2,
     {{"DeviceName", "device"}, {"FolderPath", "dump_files"}}},
    {"run-key-persistence.yaml", "run_key", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"RegistryKey", "registry_key"}, {"RegistryValueName", "registry_value_name"},
      {"Executable", "implant"}, {"InitiatingProcessFileName", "process"}}},
    {"run-key-to-dropped-file.yaml", "run_key", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"RegistryKey", "registry_key"}, {"ImplantPath", "implant"},
      {"InitiatingProcessFileName", "process"}}},
    {"rdp-brute-force-success.yaml", "rdp_brute_force", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"RemoteIP", "remote_ip"}, {"AccountName", "success_account"},
      {"Failures", "failed_logons"}}},
    {"logon-from-public-address.yaml", "rdp_brute_force", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"RemoteIP", "remote_ip"}, {"AccountName", "success_account"}}},
    {"network-logons-to-workstations.yaml", "lateral_movement", Expect::kExactly, 4,
     {{"Workstation", "targets"}, {"AccountName", "account_name"}, {"Sources", "source_ip"}}},
    {"psexec-service-installed.yaml", "lateral_movement", Expect::kExactly, 4,
     {{"DeviceName", "targets"}, {"ServiceName", "=PSEXESVC"}}},
    {"admin-share-executable-write.yaml", "lateral_movement", Expect::kExactly, 4,
     {{"DeviceName", "targets"}, {"RequestSourceIP", "source_ip"}, {"RequestAccountName", "account_name"}}},
    {"psexec-remote-targets.yaml", "lateral_movement", Expect::kExactly, 4,
     {{"DeviceName", "device"}, {"Target", "target_hosts"}, {"AccountName", "account_name"}}},
    {"unsigned-dll-user-folder.yaml", "unsigned_dll", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"FolderPath", "dll"}, {"SHA1", "sha1"}, {"LoadedBy", "process"}}},
    {"regular-beacon-intervals.yaml", "beacon", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"InitiatingProcessId", "process_id"}, {"RemoteIP", "remote_ip"}}},
    {"service-from-user-writable-folder.yaml", "new_service", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"ServiceName", "service_name"}, {"FolderPath", "service_binary"},
      {"CreationCommandLine", "command_line"}}},
    // Needs mv-apply and series_* in the interpreter.
    {"suspicious-network-beacons.yaml", "beacon", Expect::kExactly, 1,
     {{"DeviceName", "device"}, {"InitiatingProcessId", "process_id"}, {"RemoteIP", "remote_ip"}}},
};

// The archive of one scenario ("" for none), written on first use into a folder for this process.
const std::string& Archive(const std::string& scenario) {
  static const huntc::test::TempDir dir;
  static std::map<std::string, std::string> archives;
  if (const auto found = archives.find(scenario); found != archives.end()) return found->second;
  const std::string path = (dir.path / (scenario.empty() ? "background" : scenario)).string();
  const Run gen = Shell(std::string("'" GEN_EVENTS_EXE "' ") + kGenerate + " --tables all" +
                        (scenario.empty() ? "" : " --scenario " + scenario) + " -o '" + path + "' 2>/dev/null");
  INFO("gen-events for scenario `" << scenario << "`");
  REQUIRE(gen.code == 0);
  return archives.emplace(scenario, path).first->second;
}

// The values a JSON value stands for: a scalar's text, or the texts of an array's elements.
std::set<std::string> Texts(simdjson::dom::element e) {
  std::set<std::string> out;
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY:
      for (simdjson::dom::element item : e.get_array()) {
        const std::set<std::string> inner = Texts(item);
        out.insert(inner.begin(), inner.end());
      }
      break;
    case simdjson::dom::element_type::STRING: out.emplace(std::string_view(e.get_string())); break;
    case simdjson::dom::element_type::INT64: out.insert(std::to_string(int64_t(e.get_int64()))); break;
    case simdjson::dom::element_type::UINT64: out.insert(std::to_string(uint64_t(e.get_uint64()))); break;
    case simdjson::dom::element_type::BOOL: out.insert(bool(e.get_bool()) ? "true" : "false"); break;
    default: out.insert(simdjson::to_string(e)); break;
  }
  return out;
}

// The manifest entry of `scenario` in the planted archive's manifest, field -> values.
std::map<std::string, std::set<std::string>> ManifestEntry(const std::string& scenario) {
  simdjson::dom::parser parser;
  simdjson::dom::element manifest;
  REQUIRE(parser.load(Archive(scenario) + ".manifest.json").get(manifest) == simdjson::SUCCESS);
  std::map<std::string, std::set<std::string>> fields;
  for (simdjson::dom::element entry : manifest["scenarios"].get_array()) {
    if (std::string_view(entry["scenario"].get_string()) != scenario) continue;
    for (auto [key, value] : entry.get_object()) fields[std::string(key)] = Texts(value);
  }
  REQUIRE(!fields.empty());
  return fields;
}

// Each detection's row, column -> values.
using Row = std::map<std::string, std::set<std::string>>;

std::vector<Row> Detections(const std::string& rule, const std::string& scenario, const char* engine) {
  const Run run = Shell("'" HUNTC_EXE "' run 'rules/" + rule + "' --events '" + Archive(scenario) + "' --now " + kNow +
                        " --engine " + engine + " --format jsonl 2>/dev/null");
  INFO("huntc run rules/" << rule << " over the `" << scenario << "` archive, engine " << engine);
  REQUIRE(run.code == 0);
  std::vector<Row> rows;
  simdjson::dom::parser parser;
  size_t at = 0;
  while (at < run.out.size()) {
    const size_t end = std::min(run.out.find('\n', at), run.out.size());
    simdjson::dom::element detection;
    REQUIRE(parser.parse(run.out.data() + at, end - at).get(detection) == simdjson::SUCCESS);
    Row row;
    for (auto [key, value] : detection["row"].get_object()) row[std::string(key)] = Texts(value);
    rows.push_back(std::move(row));
    at = end + 1;
  }
  return rows;
}

std::set<std::string> Expected(const Field& f, const std::map<std::string, std::set<std::string>>& manifest) {
  if (f.expected.starts_with('=')) return {f.expected.substr(1)};
  const auto found = manifest.find(f.expected);
  INFO("manifest field " << f.expected);
  REQUIRE(found != manifest.end());
  return found->second;
}

bool Matches(const Row& row, const RuleCase& c, const std::map<std::string, std::set<std::string>>& manifest) {
  for (const Field& f : c.fields) {
    const auto column = row.find(f.column);
    if (column == row.end()) return false;
    const std::set<std::string> expected = Expected(f, manifest);
    bool any = false;
    for (const std::string& v : column->second) any = any || expected.count(v) > 0;
    if (!any) return false;
  }
  return true;
}

std::string Describe(const Row& row) {
  std::string out;
  for (const auto& [column, values] : row) {
    out += column + "=";
    for (const std::string& v : values) out += v + "|";
    out += " ";
  }
  return out;
}

}  // namespace

TEST_CASE("pack: every rule in rules/ has an end-to-end case", "[pack]") {
  std::set<std::string> covered;
  for (const RuleCase& c : kCases) covered.insert(c.rule);
  for (const fs::directory_entry& e : fs::directory_iterator(fs::path(HUNTC_SOURCE_DIR) / "rules")) {
    INFO(e.path().filename().string());
    CHECK(covered.count(e.path().filename().string()) == 1);
  }
}

TEST_CASE("pack: each rule reports its planted scenario and nothing on the background", "[pack]") {
  for (const char* engine : kEngines) {
    for (const RuleCase& c : kCases) {
      DYNAMIC_SECTION(c.rule << " (" << engine << ")") {
        const auto manifest = ManifestEntry(c.scenario);
        const std::vector<Row> planted = Detections(c.rule, c.scenario, engine);
        size_t matching = 0;
        for (const Row& row : planted) {
          const bool match = Matches(row, c, manifest);
          matching += match;
          if (c.expect == Expect::kExactly) {
            INFO("a detection that is not planted: " << Describe(row));
            CHECK(match);
          }
        }
        CHECK(matching == c.rows);
        if (c.expect == Expect::kExactly) {
          // Each planted value (the four targets, the three tools, ...) is detected.
          for (const Field& f : c.fields) {
            std::set<std::string> seen;
            for (const Row& row : planted)
              if (const auto v = row.find(f.column); v != row.end()) seen.insert(v->second.begin(), v->second.end());
            for (const std::string& want : Expected(f, manifest)) {
              INFO("column " << f.column << " never holds " << want);
              CHECK(seen.count(want) == 1);
            }
          }
        }
        const std::vector<Row> background = Detections(c.rule, "", engine);
        for (const Row& row : background) {
          INFO("on the archive without scenarios: " << Describe(row));
          CHECK(c.expect == Expect::kAmong);
          CHECK_FALSE(Matches(row, c, manifest));
        }
        std::printf("pack: %s (%s): %zu detections with `%s` planted, %zu without\n", c.rule.c_str(), engine,
                    planted.size(), c.scenario.c_str(), background.size());
      }
    }
  }
}

TEST_CASE("pack: the whole pack finds the same detections with the same pack scan stages on 1 and 2 threads",
          "[pack][threads]") {
  // Several tables' stages are built at once on 2 threads: nothing a run reports may depend on it.
  const std::string& archive = Archive("lateral_movement");
  const auto run = [&](const char* threads) {
    const Run r = Shell("'" HUNTC_EXE "' run rules --events '" + archive + "' --now " + kNow + " --threads " +
                            threads + " --verbose --format jsonl 2>&1 >/dev/null | grep 'pack scan of' ; '" HUNTC_EXE
                            "' run rules --events '" + archive + "' --now " + kNow + " --threads " + threads +
                            " --format jsonl 2>/dev/null | sort");
    REQUIRE(r.code == 0);
    return r.out;
  };
  const std::string one = run("1");
  INFO(one.substr(0, 4000));
  CHECK(std::count(one.begin(), one.end(), '\n') > 10);
  CHECK(one.find("pack scan of DeviceProcessEvents") != std::string::npos);
  CHECK(one.find("pack scan of DeviceNetworkEvents") != std::string::npos);
  CHECK(run("2") == one);
}
