// The sample-data generator: deterministic, schema-true rows in every table and format, entities that
// join across tables, planted scenarios exactly where the manifest says (and nowhere when not
// planted), and shares that make the benchmark hunts select a few rows but not all.
#include <catch2/catch.hpp>
#include <simdjson.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/types.h"
#include "tests/unit/archive_util.h"
#include "tools/gen-events/columns.h"
#include "tools/gen-events/generator.h"
#include "tools/gen-events/output.h"

using namespace huntc;
using gen::Table;

namespace {

const int64_t kNow = *ParseDateTime("2026-11-20T00:00:00Z");

std::vector<Table> AllTables() {
  std::vector<Table> t;
  for (size_t i = 0; i < gen::kTableCount; ++i) t.push_back(static_cast<Table>(i));
  return t;
}

std::vector<gen::Scenario> AllScenarios() {
  std::vector<gen::Scenario> s;
  for (size_t i = 0; i < gen::kScenarioCount; ++i) s.push_back(static_cast<gen::Scenario>(i));
  return s;
}

gen::GenOptions Options(uint64_t events, uint64_t seed, std::vector<Table> tables = {Table::kDeviceNetworkEvents},
                        int days = 14) {
  gen::GenOptions o;
  o.events = events;
  o.seed = seed;
  o.now = kNow;
  o.days = days;
  o.tables = std::move(tables);
  return o;
}

struct Output {
  std::map<Table, std::string> tables;
  gen::GenResult result;
};

Output Run(const gen::GenOptions& opt) {
  Output out;
  out.result = gen::Generate(opt, [&](Table t, std::string_view chunk) {
    out.tables[t] += chunk;
    return true;
  });
  REQUIRE(out.result.error.empty());
  return out;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

struct Column {
  std::string name, type;
};

std::vector<Column> SchemaColumns(Table t) {
  simdjson::dom::parser parser;
  const simdjson::dom::element schema =
      parser.load(std::string(HUNTC_SOURCE_DIR) + "/schemas/" + std::string(gen::TableName(t)) + ".json");
  std::vector<Column> columns;
  for (const simdjson::dom::element c : schema["columns"].get_array())
    columns.push_back({std::string(c["name"].get_string().value()), std::string(c["type"].get_string().value())});
  return columns;
}

bool IsDateTimeText(std::string_view s) {
  const auto t = ParseDateTime(s);
  return t && FormatDateTime(*t) == s;  // the full "2026-11-19T13:45:12.1234567Z" form
}

// Why a value does not fit the KQL type of its column, or "" when it does. Strings are never null
// in KQL; every other type may be.
std::string TypeProblem(const simdjson::dom::element& v, const Column& c) {
  using T = simdjson::dom::element_type;
  if (c.type == "string") return v.type() == T::STRING ? "" : "not a string";
  if (v.type() == T::NULL_VALUE) return "";
  if (c.type == "datetime")
    return v.type() == T::STRING && IsDateTimeText(v.get_string().value()) ? "" : "not an ISO datetime";
  if (c.type == "int")
    return v.type() == T::INT64 && v.get_int64().value() >= INT32_MIN && v.get_int64().value() <= INT32_MAX
               ? ""
               : "not an int";
  if (c.type == "long") return v.type() == T::INT64 ? "" : "not a long";
  if (c.type == "bool") return v.type() == T::BOOL ? "" : "not a bool";
  if (c.type == "dynamic") return v.type() == T::OBJECT || v.type() == T::ARRAY ? "" : "not an object or array";
  return "unknown type " + c.type;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// KQL `has`: the needle is a whole term, compared without case.
bool HasTerm(std::string_view haystack, std::string_view needle) {
  const std::string h = Lower(haystack), n = Lower(needle);
  for (size_t at = h.find(n); at != std::string::npos; at = h.find(n, at + 1))
    if ((at == 0 || !IsAlnum(h[at - 1])) && (at + n.size() == h.size() || !IsAlnum(h[at + n.size()])))
      return true;
  return false;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return Lower(haystack).find(Lower(needle)) != std::string::npos;
}

// A row: the text of each value (strings unquoted, null empty, the rest as JSON), looked up by
// column name through an index shared by the rows of a table.
struct Row {
  std::shared_ptr<const std::map<std::string, size_t, std::less<>>> columns;
  std::vector<std::string> values;

  const std::string* get(std::string_view name) const {
    const auto it = columns->find(name);
    return it == columns->end() ? nullptr : &values[it->second];
  }
  const std::string& at(std::string_view name) const {
    const std::string* v = get(name);
    if (!v) throw std::out_of_range("no column " + std::string(name));
    return *v;
  }
  size_t size() const { return values.size(); }
};

std::string ValueText(const simdjson::dom::element& v) {
  using T = simdjson::dom::element_type;
  switch (v.type()) {
    case T::STRING: return std::string(v.get_string().value());
    case T::NULL_VALUE: return "";
    default: return simdjson::minify(v);
  }
}

std::vector<Row> ParseRows(std::string_view text) {
  simdjson::dom::parser parser;
  std::vector<Row> rows;
  std::shared_ptr<std::map<std::string, size_t, std::less<>>> columns;
  for (const std::string_view line : Lines(text)) {
    simdjson::dom::object object;
    REQUIRE(parser.parse(line.data(), line.size()).get_object().get(object) == simdjson::SUCCESS);
    if (!columns) {
      columns = std::make_shared<std::map<std::string, size_t, std::less<>>>();
      for (const auto field : object) columns->emplace(std::string(field.key), columns->size());
    }
    Row row{columns, {}};
    row.values.reserve(columns->size());
    for (const auto field : object) row.values.push_back(ValueText(field.value));
    REQUIRE(row.values.size() == columns->size());
    rows.push_back(std::move(row));
  }
  return rows;
}

int64_t Time(const Row& r, const char* column) { return *ParseDateTime(r.at(column)); }

// Decodes base64 ("" when the text is not base64).
std::string DecodeBase64(std::string_view s) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (const char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') break;
    else return "";
    buffer = buffer << 6 | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(buffer >> bits & 0xff);
    }
  }
  return out;
}

// The scripts behind -enc / -EncodedCommand / -e arguments, decoded from UTF-16LE.
std::vector<std::string> EncodedScripts(std::string_view cmdline) {
  std::vector<std::string> scripts;
  std::istringstream words{std::string(cmdline)};
  std::string word, previous;
  while (words >> word) {
    const std::string flag = Lower(previous);
    if (flag == "-enc" || flag == "-encodedcommand" || flag == "-e" || flag == "-ec") {
      std::string utf16 = DecodeBase64(word), script;
      for (size_t i = 0; i + 1 < utf16.size(); i += 2) script += utf16[i];
      scripts.push_back(script);
    }
    previous = word;
  }
  return scripts;
}

bool IsDownloadCradle(std::string_view text) {
  return Contains(text, "DownloadString") || Contains(text, "DownloadFile") || HasTerm(text, "iex") ||
         Contains(text, "Invoke-Expression");
}

// --- Scenario signatures, written from the scenario descriptions, not from the generator. -----

using Tables = std::map<Table, std::vector<Row>>;

// Each returns the keys of what it finds: a value the manifest names (a device, pid, address ...).
std::set<std::string> BeaconHits(const Tables& t) {
  std::map<std::string, std::vector<int64_t>> groups;
  for (const Row& r : t.at(Table::kDeviceNetworkEvents))
    if (r.at("RemoteIPType") == "Public" && r.at("ActionType") == "ConnectionSuccess")
      groups[r.at("DeviceName") + "|" + r.at("InitiatingProcessId") + "|" + r.at("RemoteIP")].push_back(
          Time(r, "Timestamp"));
  std::set<std::string> hits;
  for (auto& [key, times] : groups) {
    if (times.size() < 20) continue;
    std::sort(times.begin(), times.end());
    double sum = 0, sum2 = 0;
    for (size_t i = 1; i < times.size(); ++i) {
      const double gap = static_cast<double>(times[i] - times[i - 1]);
      sum += gap;
      sum2 += gap * gap;
    }
    const double n = static_cast<double>(times.size() - 1), mean = sum / n;
    if ((sum2 / n - mean * mean) < 0.25 * 0.25 * mean * mean) hits.insert(key);
  }
  return hits;
}

std::set<std::string> CradleHits(const Tables& t) {
  std::set<std::string> hits;
  for (const auto& [table, rows] : t)
    for (const Row& r : rows)
      for (const char* column : {"ProcessCommandLine", "InitiatingProcessCommandLine"}) {
        const std::string* cmdline = r.get(column);
        if (!cmdline) continue;
        bool hit = IsDownloadCradle(*cmdline);
        for (const std::string& script : EncodedScripts(*cmdline)) hit = hit || IsDownloadCradle(script);
        if (hit) hits.insert(r.at("DeviceName") + "|" + *cmdline);
      }
  return hits;
}

std::set<std::string> LolbinHits(const Tables& t) {
  const std::set<std::string> lolbins = {"rundll32.exe", "mshta.exe", "regsvr32.exe", "certutil.exe"};
  std::set<std::string> hits;
  for (const Row& n : t.at(Table::kDeviceNetworkEvents)) {
    if (!lolbins.count(Lower(n.at("InitiatingProcessFileName"))) || n.at("RemoteIPType") != "Public") continue;
    const int64_t at = Time(n, "Timestamp");
    for (const Row& p : t.at(Table::kDeviceProcessEvents)) {
      const int64_t created = Time(p, "Timestamp");
      if (p.at("DeviceName") == n.at("DeviceName") && created > at && created - at <= 10 * 60 * kTicksPerSecond) {
        hits.insert(n.at("DeviceName") + "|" + n.at("RemoteIP"));
        break;
      }
    }
  }
  return hits;
}

std::set<std::string> LateralHits(const Tables& t) {
  std::set<std::string> workstations, hits;
  for (const Row& r : t.at(Table::kDeviceInfo))
    if (r.at("DeviceType") == "Workstation") workstations.insert(r.at("DeviceName"));
  for (const Row& r : t.at(Table::kDeviceLogonEvents))
    if ((r.at("LogonType") == "Network" || r.at("LogonType") == "RemoteInteractive") &&
        workstations.count(r.at("DeviceName")))
      hits.insert("logon|" + r.at("AccountName"));
  for (const Row& r : t.at(Table::kDeviceEvents))
    if (r.at("ActionType") == "ServiceInstalled" && Contains(r.at("AdditionalFields"), "PSEXESVC"))
      hits.insert("service|" + r.at("DeviceName"));
  return hits;
}

std::set<std::string> RunKeyHits(const Tables& t) {
  std::set<std::string> hits;
  for (const Row& r : t.at(Table::kDeviceRegistryEvents))
    if (Contains(r.at("RegistryKey"), "\\CurrentVersion\\Run")) hits.insert(r.at("DeviceName") + "|" + r.at("RegistryKey"));
  return hits;
}

std::set<std::string> CredentialHits(const Tables& t) {
  std::set<std::string> hits;
  for (const Row& r : t.at(Table::kDeviceProcessEvents)) {
    const std::string& c = r.at("ProcessCommandLine");
    if ((Contains(c, "lsass") && Lower(r.at("FileName")) != "lsass.exe") || Contains(c, "MiniDump") ||
        Contains(c, "sekurlsa::"))
      hits.insert(r.at("DeviceName"));
  }
  for (const Row& r : t.at(Table::kDeviceEvents))
    if (r.at("ActionType") == "OpenProcessApiCall" && Lower(r.at("FileName")) == "lsass.exe")
      hits.insert(r.at("DeviceName"));
  return hits;
}

std::set<std::string> BruteForceHits(const Tables& t) {
  std::map<std::string, int> failures;
  std::set<std::string> hits;
  for (const Row& r : t.at(Table::kDeviceLogonEvents)) {
    if (r.at("RemoteIPType") != "Public") continue;
    if (r.at("ActionType") == "LogonFailed") ++failures[r.at("RemoteIP")];
    if (r.at("ActionType") == "LogonSuccess" && failures[r.at("RemoteIP")] >= 10) hits.insert(r.at("RemoteIP"));
  }
  return hits;
}

std::set<std::string> UnsignedDllHits(const Tables& t) {
  std::set<std::string> signed_files, hits;
  for (const Row& r : t.at(Table::kDeviceFileCertificateInfo))
    if (r.at("IsSigned") == "true") signed_files.insert(r.at("SHA1"));
  for (const Row& r : t.at(Table::kDeviceImageLoadEvents)) {
    const std::string& path = r.at("FolderPath");
    if ((path.starts_with("C:\\Users\\") || path.starts_with("C:\\ProgramData\\")) && !signed_files.count(r.at("SHA1")))
      hits.insert(r.at("SHA1"));
  }
  return hits;
}

std::set<std::string> NewServiceHits(const Tables& t) {
  std::set<std::string> hits;
  for (const Row& r : t.at(Table::kDeviceEvents)) {
    const std::string& path = r.at("FolderPath");
    if (r.at("ActionType") == "ServiceInstalled" && !path.starts_with("C:\\Windows\\") &&
        !path.starts_with("C:\\Program Files"))
      hits.insert(r.at("DeviceName") + "|" + path);
  }
  for (const Row& r : t.at(Table::kDeviceProcessEvents))
    if (Lower(r.at("FileName")) == "sc.exe" && Contains(r.at("ProcessCommandLine"), " create "))
      hits.insert(r.at("DeviceName") + "|sc");
  return hits;
}

std::set<std::string> ForcedAuthenticationHits(const Tables& t) {
  std::set<std::string> hits;
  for (const Row& r : t.at(Table::kDeviceNetworkEvents)) {
    const std::string& port = r.at("RemotePort");
    if (r.at("RemoteIPType") == "Public" && (port == "445" || port == "139" || port == "135" || port == "3389") &&
        r.at("ActionType") != "InboundConnectionAccepted")
      hits.insert(r.at("DeviceName") + "|" + r.at("RemoteIP"));
  }
  return hits;
}

// What each scenario's signature should find, from the manifest entry.
std::set<std::string> ExpectedHits(const simdjson::dom::element& s) {
  const std::string name(s["scenario"].get_string().value());
  auto str = [&](const char* key) { return std::string(s[key].get_string().value()); };
  if (name == "beacon")
    return {str("device") + "|" + std::to_string(s["process_id"].get_int64().value()) + "|" + str("remote_ip")};
  if (name == "encoded_cradle") return {str("device") + "|" + str("command_line")};
  if (name == "lolbin") return {str("device") + "|" + str("remote_ip")};
  if (name == "lateral_movement") {
    const std::string account = str("account");
    std::set<std::string> out = {"logon|" + account.substr(account.find('\\') + 1)};
    for (const simdjson::dom::element t : s["targets"].get_array())
      out.insert("service|" + std::string(t.get_string().value()));
    return out;
  }
  if (name == "run_key") return {str("device") + "|" + str("registry_key")};
  if (name == "credential_dumping") return {str("device")};
  if (name == "rdp_brute_force") return {str("remote_ip")};
  if (name == "forced_authentication") return {str("device") + "|" + str("remote_ip")};
  if (name == "new_service") return {str("device") + "|" + str("service_binary"), str("device") + "|sc"};
  return {str("sha1")};  // unsigned_dll
}

using Signature = std::set<std::string> (*)(const Tables&);
const std::map<std::string, Signature> kSignatures = {
    {"beacon", BeaconHits},          {"encoded_cradle", CradleHits},         {"lolbin", LolbinHits},
    {"lateral_movement", LateralHits}, {"run_key", RunKeyHits},              {"credential_dumping", CredentialHits},
    {"rdp_brute_force", BruteForceHits}, {"unsigned_dll", UnsignedDllHits}, {"new_service", NewServiceHits},
    {"forced_authentication", ForcedAuthenticationHits},
};

Tables ParseAll(const Output& out) {
  Tables t;
  for (const auto& [table, text] : out.tables) t[table] = ParseRows(text);
  return t;
}

// An archive of every table, small enough for the tests: three days.
gen::GenOptions Archive(uint64_t seed, std::vector<gen::Scenario> scenarios) {
  gen::GenOptions o = Options(60'000, seed, AllTables(), 3);
  o.scenarios = std::move(scenarios);
  return o;
}

}  // namespace

TEST_CASE("generator: the column lists are the schemas' columns, in order, with their types", "[tools][generator]") {
  for (const Table t : AllTables()) {
    INFO(gen::TableName(t));
    const std::vector<Column> schema = SchemaColumns(t);
    gen::GenOptions o = Options(1, 1, {t}, 1);
    // The header of a CSV is the list of columns.
    o.format = gen::Format::kCsv;
    const Output out = Run(o);
    std::string header;
    for (size_t i = 0; i < schema.size(); ++i) header += (i ? "," : "") + schema[i].name;
    CHECK(out.tables.at(t).substr(0, out.tables.at(t).find("\r\n")) == header);
    for (const Column& c : schema) {
      const auto f = std::find(std::begin(gen::kFieldNames), std::end(gen::kFieldNames), c.name);
      REQUIRE(f != std::end(gen::kFieldNames));
      CHECK(gen::kFieldTypes[f - std::begin(gen::kFieldNames)] == c.type);
    }
  }
}

TEST_CASE("generator: the same options give the same bytes, in every table and format", "[tools][generator]") {
  for (const gen::Format format : {gen::Format::kJsonLines, gen::Format::kEnvelope, gen::Format::kCsv}) {
    gen::GenOptions o = Archive(5, AllScenarios());
    o.events = 20'000;
    o.format = format;
    const Output a = Run(o), b = Run(o);
    REQUIRE(a.tables.size() == gen::kTableCount);
    for (const auto& [table, text] : a.tables) {
      INFO(gen::TableName(table) << " format " << int(format));
      CHECK(!text.empty());
      CHECK(text == b.tables.at(table));
    }
    CHECK(a.result.manifest == b.result.manifest);
    o.seed = 6;
    const Output c = Run(o);
    CHECK(c.tables.at(Table::kDeviceNetworkEvents) != a.tables.at(Table::kDeviceNetworkEvents));
  }
  // The single-table default of the demo and benchmarks, too.
  CHECK(Run(Options(3000, 1)).tables.at(Table::kDeviceNetworkEvents) ==
        Run(Options(3000, 1)).tables.at(Table::kDeviceNetworkEvents));
}

TEST_CASE("generator: chunks end at line ends and the sink can stop it", "[tools][generator]") {
  std::vector<std::string> chunks;
  gen::Generate(Options(3000, 7), [&](Table, std::string_view chunk) {
    chunks.emplace_back(chunk);
    return true;
  });
  REQUIRE(chunks.size() > 1);  // 3000 events are several megabytes
  std::string joined;
  for (const std::string& c : chunks) {
    CHECK(c.ends_with('\n'));
    joined += c;
  }
  CHECK(joined == Run(Options(3000, 7)).tables.at(Table::kDeviceNetworkEvents));
  int calls = 0;
  const gen::GenResult r = gen::Generate(Options(3000, 7), [&](Table, std::string_view) { return ++calls < 1; });
  CHECK(calls == 1);
  CHECK(r.stopped);
}

TEST_CASE("generator: every row of every table has the schema's columns, in order and typed", "[tools][generator]") {
  const Output out = Run(Archive(1, AllScenarios()));
  simdjson::dom::parser parser;
  for (const auto& [table, text] : out.tables) {
    INFO(gen::TableName(table));
    const std::vector<Column> columns = SchemaColumns(table);
    size_t lines = 0;
    for (const std::string_view line : Lines(text)) {
      ++lines;
      INFO(line);
      simdjson::dom::object object;
      REQUIRE(parser.parse(line.data(), line.size()).get_object().get(object) == simdjson::SUCCESS);
      size_t i = 0;
      for (const auto field : object) {
        REQUIRE(i < columns.size());
        REQUIRE(field.key == columns[i].name);
        INFO(columns[i].name);
        REQUIRE(TypeProblem(field.value, columns[i]) == "");
        ++i;
      }
      REQUIRE(i == columns.size());
      REQUIRE(!object["Timestamp"].is_null());
    }
    CHECK(lines == out.result.rows[static_cast<size_t>(table)]);
  }
}

TEST_CASE("generator: --events is split by the stated shares, --events-per-table gives each its own", "[tools][generator]") {
  const Output out = Run(Archive(2, {}));
  uint64_t event_rows = 0;
  for (const gen::TableShare& s : gen::kTableShares) {
    const uint64_t rows = out.result.rows[static_cast<size_t>(s.table)];
    INFO(gen::TableName(s.table) << " " << rows);
    if (s.table == Table::kDeviceProcessEvents) {
      CHECK(rows >= 60'000 * s.per_mille / 1000);  // at least its share: every process named has its row
    } else {
      CHECK(rows >= 60'000 * s.per_mille / 1000);
      CHECK(rows <= 60'000 * s.per_mille / 1000 + 7);
      event_rows += rows;
    }
  }
  CHECK(event_rows == 60'000 - 60'000 * 140 / 1000);
  // The inventory: each device once a day.
  CHECK(out.result.rows[static_cast<size_t>(Table::kDeviceInfo)] % 3 == 0);
  CHECK(out.result.rows[static_cast<size_t>(Table::kDeviceInfo)] / 3 >= 200);
  CHECK(out.result.rows[static_cast<size_t>(Table::kDeviceInfo)] / 3 <= 500);

  gen::GenOptions each = Options(0, 2, {Table::kDeviceNetworkEvents, Table::kDeviceLogonEvents}, 3);
  each.events_per_table = 1234;
  const Output per = Run(each);
  CHECK(per.result.rows[static_cast<size_t>(Table::kDeviceNetworkEvents)] == 1234);
  CHECK(per.result.rows[static_cast<size_t>(Table::kDeviceLogonEvents)] == 1234);
}

TEST_CASE("generator: entities agree across tables", "[tools][generator]") {
  const Tables t = ParseAll(Run(Archive(3, AllScenarios())));
  std::map<std::string, std::string> device_names;
  for (const Row& r : t.at(Table::kDeviceInfo)) device_names[r.at("DeviceId")] = r.at("DeviceName");
  REQUIRE(device_names.size() >= 200);
  // Every process created, by (device, pid, creation time): the key Defender's rows join on.
  std::set<std::tuple<std::string, std::string, std::string>> processes;
  std::map<std::string, std::set<std::string>> sha1_by_name;
  for (const Row& r : t.at(Table::kDeviceProcessEvents)) {
    processes.insert({r.at("DeviceId"), r.at("ProcessId"), r.at("ProcessCreationTime")});
    sha1_by_name[Lower(r.at("FileName"))].insert(r.at("SHA1"));
    CHECK(r.at("ProcessCreationTime") == r.at("Timestamp"));
  }
  size_t joined = 0;
  for (const auto& [table, rows] : t) {
    INFO(gen::TableName(table));
    for (const Row& r : rows) {
      REQUIRE(device_names.count(r.at("DeviceId")));
      REQUIRE(device_names.at(r.at("DeviceId")) == r.at("DeviceName"));
      const std::string* pid = r.get("InitiatingProcessId");
      if (!pid || pid->empty() || *pid == "4") continue;  // the kernel is never created
      INFO(r.at("InitiatingProcessFileName") << " " << *pid << " " << r.at("Timestamp"));
      REQUIRE(processes.count({r.at("DeviceId"), *pid, r.at("InitiatingProcessCreationTime")}));
      CHECK(Time(r, "InitiatingProcessCreationTime") <= Time(r, "Timestamp"));
      ++joined;
      const auto sha1 = sha1_by_name.find(Lower(r.at("InitiatingProcessFileName")));
      REQUIRE(sha1 != sha1_by_name.end());
      CHECK(sha1->second.count(r.at("InitiatingProcessSHA1")));
    }
  }
  CHECK(joined > 40'000);
  // One file name, one executable: the same hashes wherever it runs.
  for (const auto& [name, hashes] : sha1_by_name) {
    INFO(name);
    CHECK(hashes.size() == 1);
  }
  // A process names its parent's creation, which comes before its own.
  for (const Row& r : t.at(Table::kDeviceProcessEvents)) {
    if (r.at("InitiatingProcessId") == "4") continue;
    CHECK(Time(r, "InitiatingProcessCreationTime") <= Time(r, "ProcessCreationTime"));
    CHECK(r.at("InitiatingProcessParentCreationTime") <= r.at("InitiatingProcessCreationTime"));
  }
  // Accounts: a SID names one account everywhere.
  std::map<std::string, std::string> accounts;
  for (const auto& [table, rows] : t)
    for (const Row& r : rows)
      for (const auto& [sid, name] : {std::pair{"AccountSid", "AccountName"},
                                      std::pair{"InitiatingProcessAccountSid", "InitiatingProcessAccountName"}}) {
        const std::string* s = r.get(sid);
        if (!s || s->empty()) continue;
        CHECK(accounts.emplace(*s, r.at(name)).first->second == r.at(name));
      }
}

TEST_CASE("generator: values agree with each other and with the time window", "[tools][generator]") {
  const std::vector<Row> rows = ParseRows(Run(Options(20'000, 1)).tables.at(Table::kDeviceNetworkEvents));
  std::map<std::string, std::string> device_ips;
  int64_t last_report = 0, last_generated = 0;
  size_t missing_remote = 0, aggregated = 0, ipv6 = 0;
  for (const Row& e : rows) {
    const std::string& ip = e.at("RemoteIP");
    INFO(e.at("DeviceName") << " " << e.at("ActionType") << " " << ip);
    std::string expected = "Public";
    if (ip.empty()) expected = "";
    else if (ip.starts_with("127.")) expected = "Loopback";
    else if (ip.starts_with("10.") || ip.starts_with("fd")) expected = "Private";
    CHECK(e.at("RemoteIPType") == expected);
    ipv6 += ip.find(':') != std::string::npos;
    if (e.at("LocalIPType") == "Private" && e.at("LocalIP").find(':') == std::string::npos)
      CHECK(device_ips.emplace(e.at("DeviceId"), e.at("LocalIP")).first->second == e.at("LocalIP"));
    const int64_t report = std::stoll(e.at("ReportId"));
    CHECK(report > last_report);
    last_report = report;
    CHECK(Time(e, "TimeGenerated") >= last_generated);  // exported in ingestion order
    last_generated = Time(e, "TimeGenerated");
    CHECK(Time(e, "Timestamp") >= kNow - 14 * kTicksPerDay);
    CHECK(Time(e, "Timestamp") <= Time(e, "TimeGenerated"));
    CHECK(Time(e, "TimeGenerated") < kNow);
    CHECK(Time(e, "InitiatingProcessCreationTime") <= Time(e, "Timestamp"));
    if (ip.empty() || e.at("RemotePort").empty()) ++missing_remote;
    const bool is_aggregated = e.at("ActionType").ends_with("AggregatedReport");
    CHECK(is_aggregated == (e.at("AdditionalFields").find("\"uniqueEventsAggregated\":") != std::string::npos));
    aggregated += is_aggregated;
  }
  CHECK(missing_remote > rows.size() / 300);  // about 1 %
  CHECK(missing_remote < rows.size() / 30);
  CHECK(aggregated > rows.size() / 100);
  CHECK(ipv6 > rows.size() / 200);
}

TEST_CASE("generator: each benchmark hunt selects a few rows, not none and not all", "[tools][generator]") {
  const std::vector<Row> events = ParseRows(Run(Options(20'000, 1)).tables.at(Table::kDeviceNetworkEvents));
  const std::set<std::string> script_hosts = {"powershell.exe", "cmd.exe", "rundll32.exe", "mshta.exe",
                                              "wscript.exe"};
  size_t a = 0, c = 0, odd_case_hosts = 0, pastebin = 0, look_alikes = 0;
  std::map<std::pair<std::string, std::string>, std::pair<size_t, std::set<std::string>>> groups;
  for (const Row& e : events) {
    const std::string& file = e.at("InitiatingProcessFileName");
    // a: Timestamp > ago(7d) and InitiatingProcessFileName in~ (...)
    if (Time(e, "Timestamp") > kNow - 7 * kTicksPerDay && script_hosts.count(Lower(file))) {
      ++a;
      odd_case_hosts += !script_hosts.count(file);
    }
    // b: summarize count(), dcount(DeviceName) by RemoteIP, RemotePort | where Devices > 1 or Connections > 20
    auto& group = groups[{e.at("RemoteIP"), e.at("RemotePort")}];
    ++group.first;
    group.second.insert(e.at("DeviceName"));
    // c: A and B and C or D, where and binds tighter than or
    const bool has_pastebin = HasTerm(e.at("RemoteUrl"), "pastebin");
    pastebin += has_pastebin;
    look_alikes += !has_pastebin && Contains(e.at("RemoteUrl"), "pastebin");
    c += (e.at("ActionType") == "ConnectionSuccess" && e.at("RemoteIPType") == "Public" && has_pastebin) ||
         Contains(e.at("InitiatingProcessCommandLine"), "-enc");
  }
  const size_t b = std::count_if(groups.begin(), groups.end(), [](const auto& g) {
    return g.second.second.size() > 1 || g.second.first > 20;
  });
  const size_t n = events.size();
  INFO("a " << a << ", b " << b << ", c " << c << " of " << n);
  CHECK(a >= 1);
  CHECK(a < n / 10);
  CHECK(b >= 1);
  CHECK(b < n / 10);
  CHECK(c >= 1);
  CHECK(c < n / 10);
  CHECK(odd_case_hosts >= 1);  // so that in~ differs from in
  CHECK(pastebin >= 1);
  CHECK(look_alikes >= 1);  // so that has differs from contains
}

TEST_CASE("generator: planted scenarios are where the manifest says, and nowhere when not planted",
          "[tools][generator]") {
  const Output planted = Run(Archive(4, AllScenarios()));
  const Tables tables = ParseAll(planted);
  simdjson::dom::parser parser;
  const simdjson::dom::element manifest = parser.parse(planted.result.manifest);
  CHECK(manifest["invariants"].get_array().size() >= 8);
  size_t scenarios = 0;
  for (const simdjson::dom::element s : manifest["scenarios"].get_array()) {
    ++scenarios;
    const std::string name(s["scenario"].get_string().value());
    INFO(name);
    // Every expectation: the match selects exactly `rows` rows, inside [first, last].
    for (const simdjson::dom::element e : s["expect"].get_array()) {
      const Table table = *gen::TableFromName(e["table"].get_string().value());
      const int64_t first = *ParseDateTime(e["first"].get_string().value());
      const int64_t last = *ParseDateTime(e["last"].get_string().value());
      INFO(simdjson::minify(e));
      int64_t found = 0;
      for (const Row& r : tables.at(table)) {
        bool all = true;
        for (const auto m : e["match"].get_object()) all = all && r.at(std::string(m.key)) == ValueText(m.value);
        if (!all) continue;
        ++found;
        CHECK(Time(r, "Timestamp") >= first);
        CHECK(Time(r, "Timestamp") <= last);
      }
      CHECK(found == e["rows"].get_int64().value());
    }
    // The scenario's signature finds exactly the planted entities.
    CHECK(kSignatures.at(name)(tables) == ExpectedHits(s));
  }
  CHECK(scenarios == gen::kScenarioCount);

  // Without the scenarios, and on other seeds, no signature finds anything.
  for (const uint64_t seed : {4, 11}) {
    gen::GenOptions o = Archive(seed, {});
    o.events = seed == 4 ? 60'000 : 20'000;
    const Tables quiet = ParseAll(Run(o));
    for (const auto& [name, signature] : kSignatures) {
      INFO(name << " seed " << seed);
      CHECK(signature(quiet).empty());
    }
  }
  // One scenario alone is planted alone.
  gen::GenOptions o = Archive(4, {gen::Scenario::kRunKey});
  o.events = 20'000;
  const Output one = Run(o);
  const Tables only = ParseAll(one);
  for (const auto& [name, signature] : kSignatures) {
    INFO(name);
    CHECK(signature(only).empty() == (name != "run_key"));
  }
}

TEST_CASE("generator: envelopes and CSV hold the same values as JSON lines", "[tools][generator]") {
  gen::GenOptions o = Archive(8, AllScenarios());
  o.events = 8'000;
  const Output lines = Run(o);
  o.format = gen::Format::kEnvelope;
  const Output envelopes = Run(o);
  o.format = gen::Format::kCsv;
  const Output csv = Run(o);
  simdjson::dom::parser parser, line_parser;
  for (const auto& [table, text] : lines.tables) {
    INFO(gen::TableName(table));
    const std::vector<std::string_view> json = Lines(text);
    const std::vector<std::string_view> env = Lines(envelopes.tables.at(table));
    REQUIRE(env.size() == json.size());
    for (size_t i = 0; i < json.size(); ++i) {
      const simdjson::dom::element e = parser.parse(env[i].data(), env[i].size());
      REQUIRE(e["operationName"].get_string().value() == "Publish");
      REQUIRE(e["category"].get_string().value() == "AdvancedHunting-" + std::string(gen::TableName(table)));
      const simdjson::dom::element line = line_parser.parse(json[i].data(), json[i].size());
      REQUIRE(e["time"].get_string().value() == line["TimeGenerated"].get_string().value());
      REQUIRE(e["tenantId"].get_string().value() == line["TenantId"].get_string().value());
      REQUIRE(simdjson::minify(e["properties"]) == simdjson::minify(line));
    }
    // CSV: RFC 4180 fields, null empty and unquoted, strings always quoted.
    const std::string& c = csv.tables.at(table);
    const std::vector<Row> rows = ParseRows(text);
    std::vector<std::string> header;
    size_t at = 0, row = 0;
    std::vector<std::pair<std::string, bool>> fields;  // value, quoted
    while (at < c.size()) {
      std::string value;
      bool quoted = c[at] == '"';
      if (quoted) {
        for (++at;; ++at) {
          REQUIRE(at < c.size());
          if (c[at] == '"') {
            if (at + 1 < c.size() && c[at + 1] == '"') {
              value += '"';
              ++at;
            } else {
              ++at;
              break;
            }
          } else {
            value += c[at];
          }
        }
      } else {
        while (at < c.size() && c[at] != ',' && c[at] != '\r') value += c[at++];
      }
      fields.push_back({value, quoted});
      REQUIRE(at < c.size());
      if (c[at] == ',') {
        ++at;
        continue;
      }
      REQUIRE(c.compare(at, 2, "\r\n") == 0);
      at += 2;
      if (header.empty()) {
        for (const auto& f : fields) header.push_back(f.first);
      } else {
        REQUIRE(row < rows.size());
        REQUIRE(fields.size() == header.size());
        for (size_t k = 0; k < fields.size(); ++k) {
          INFO(header[k] << " row " << row);
          CHECK(fields[k].first == rows[row].at(header[k]));
        }
        ++row;
      }
      fields.clear();
    }
    CHECK(row == rows.size());
  }
}

TEST_CASE("generator: gzip and zstd files decompress to the same bytes", "[tools][generator]") {
  const std::string text = Run(Options(3000, 9)).tables.at(Table::kDeviceNetworkEvents);
  const test::TempDir tmp;  // per process: test runs may overlap
  const std::filesystem::path& dir = tmp.path;
  for (const gen::Compression c : {gen::Compression::kGzip, gen::Compression::kZstd}) {
    const std::string path = (dir / ("events.jsonl" + std::string(gen::CompressionSuffix(c)))).string();
    std::string error;
    auto file = gen::OutputFile::Open(path, c, error);
    REQUIRE(file);
    for (size_t at = 0; at < text.size(); at += 100'000) REQUIRE(file->Write(std::string_view(text).substr(at, 100'000)));
    REQUIRE(file->Close());
    std::ifstream in(path, std::ios::binary);
    const std::string packed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(packed.size() < text.size() / 4);
    std::string unpacked(text.size() + 1, '\0');
    if (c == gen::Compression::kGzip) {
      z_stream z{};
      REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
      z.avail_in = static_cast<uInt>(packed.size());
      z.next_out = reinterpret_cast<Bytef*>(unpacked.data());
      z.avail_out = static_cast<uInt>(unpacked.size());
      CHECK(inflate(&z, Z_FINISH) == Z_STREAM_END);
      unpacked.resize(z.total_out);
      inflateEnd(&z);
    } else {
      const size_t n = ZSTD_decompress(unpacked.data(), unpacked.size(), packed.data(), packed.size());
      REQUIRE(!ZSTD_isError(n));
      unpacked.resize(n);
    }
    CHECK(unpacked == text);
  }
}

TEST_CASE("generator: --columns writes only the named columns, in schema order", "[tools][generator]") {
  gen::GenOptions o = Options(500, 1, {Table::kDeviceNetworkEvents, Table::kDeviceProcessEvents}, 2);
  o.columns = {"RemoteIP", "Timestamp", "DeviceName"};  // RemoteIP is not a column of DeviceProcessEvents
  const Output out = Run(o);
  const std::vector<Row> network = ParseRows(out.tables.at(Table::kDeviceNetworkEvents));
  REQUIRE(!network.empty());
  CHECK(out.tables.at(Table::kDeviceNetworkEvents).starts_with("{\"Timestamp\":"));
  for (const Row& r : network) CHECK(r.size() == 3);
  for (const Row& r : ParseRows(out.tables.at(Table::kDeviceProcessEvents))) CHECK(r.size() == 2);

  o.columns = {"Timestamp", "NoSuchColumn"};
  CHECK(gen::Generate(o, [](Table, std::string_view) { return true; }).error ==
        "--columns: no selected table has a column NoSuchColumn");
  o.columns = {"RemoteIP"};
  CHECK(gen::Generate(o, [](Table, std::string_view) { return true; }).error ==
        "--columns: DeviceProcessEvents has none of the columns named");
}
