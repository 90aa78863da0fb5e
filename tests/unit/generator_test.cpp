// The sample-data generator: deterministic, schema-true JSON lines, plausible values, and shares
// that make the benchmark hunts of shared/bench/hunts select a few rows but not all.
#include <catch2/catch.hpp>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/types.h"
#include "tools/gen-events/generator.h"

using namespace huntc;

namespace {

const int64_t kNow = *ParseDateTime("2026-11-20T00:00:00Z");

std::string Generate(uint64_t events, uint64_t seed) {
  std::string out;
  gen::GenerateEvents({events, seed, kNow, 14}, [&](std::string_view chunk) {
    out += chunk;
    return true;
  });
  return out;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end == std::string_view::npos ? text.size() : end + 1;
  }
  return lines;
}

struct Column {
  std::string name, type;
};

std::vector<Column> SchemaColumns() {
  simdjson::dom::parser parser;
  const simdjson::dom::element schema =
      parser.load(std::string(HUNTC_SOURCE_DIR) + "/schemas/DeviceNetworkEvents.json");
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
  if (c.type == "dynamic") return v.type() == T::OBJECT ? "" : "not an object";
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

// The columns the hunts and the consistency checks read.
struct Event {
  int64_t timestamp, time_generated, process_created, report_id;
  std::string device_id, device_name, action, remote_ip, remote_url, local_ip, local_ip_type, remote_ip_type,
      file_name, command_line, additional_fields;
  std::optional<int64_t> remote_port;
};

std::vector<Event> Parse(std::string_view text) {
  simdjson::dom::parser parser;
  std::vector<Event> events;
  for (const std::string_view line : Lines(text)) {
    const simdjson::dom::element e = parser.parse(line.data(), line.size());
    auto str = [&](const char* key) { return std::string(e[key].get_string().value()); };
    auto time = [&](const char* key) { return *ParseDateTime(e[key].get_string().value()); };
    Event ev{time("Timestamp"), time("TimeGenerated"), time("InitiatingProcessCreationTime"),
             e["ReportId"].get_int64().value(), str("DeviceId"), str("DeviceName"), str("ActionType"),
             str("RemoteIP"), str("RemoteUrl"), str("LocalIP"), str("LocalIPType"), str("RemoteIPType"),
             str("InitiatingProcessFileName"), str("InitiatingProcessCommandLine"),
             e["AdditionalFields"].is_null() ? "" : simdjson::minify(e["AdditionalFields"]), std::nullopt};
    if (!e["RemotePort"].is_null()) ev.remote_port = e["RemotePort"].get_int64().value();
    events.push_back(std::move(ev));
  }
  return events;
}

std::string ExpectedIpType(std::string_view ip) {
  if (ip.empty()) return "";
  if (ip.starts_with("127.")) return "Loopback";
  if (ip.starts_with("10.") || ip.starts_with("192.168.")) return "Private";
  if (ip.starts_with("172.")) {
    const int second = std::stoi(std::string(ip.substr(4)));
    if (second >= 16 && second <= 31) return "Private";
  }
  return "Public";
}

}  // namespace

TEST_CASE("generator: the same seed gives the same bytes, another seed others", "[tools][generator]") {
  const std::string a = Generate(3000, 1);
  CHECK(a == Generate(3000, 1));
  CHECK(a != Generate(3000, 2));
  CHECK(Lines(a).size() == 3000);
}

TEST_CASE("generator: chunks end at line ends and the sink can stop it", "[tools][generator]") {
  std::vector<std::string> chunks;
  gen::GenerateEvents({3000, 7, kNow, 14}, [&](std::string_view chunk) {
    chunks.emplace_back(chunk);
    return true;
  });
  REQUIRE(chunks.size() > 1);  // 3000 events are several megabytes
  std::string joined;
  for (const std::string& c : chunks) {
    CHECK(c.ends_with('\n'));
    joined += c;
  }
  CHECK(joined == Generate(3000, 7));

  int calls = 0;
  gen::GenerateEvents({3000, 7, kNow, 14}, [&](std::string_view) { return ++calls < 1; });
  CHECK(calls == 1);
}

TEST_CASE("generator: every line is an object with the schema's columns, in order and typed", "[tools][generator]") {
  const std::vector<Column> columns = SchemaColumns();
  REQUIRE(columns.size() == 49);
  const std::string text = Generate(20'000, 1);
  simdjson::dom::parser parser;
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
  CHECK(lines == 20'000);
}

TEST_CASE("generator: values agree with each other and with the time window", "[tools][generator]") {
  const std::vector<Event> events = Parse(Generate(20'000, 1));
  std::map<std::string, std::string> device_names, device_ips;
  int64_t last_report = 0, last_generated = 0;
  size_t missing_remote = 0, aggregated = 0;
  for (const Event& e : events) {
    INFO(e.device_name << " " << e.action << " " << e.remote_ip);
    CHECK(e.remote_ip_type == ExpectedIpType(e.remote_ip));
    CHECK(device_names.emplace(e.device_id, e.device_name).first->second == e.device_name);
    if (e.local_ip_type == "Private") CHECK(device_ips.emplace(e.device_id, e.local_ip).first->second == e.local_ip);
    CHECK(e.report_id > last_report);
    last_report = e.report_id;
    CHECK(e.time_generated >= last_generated);  // exported in ingestion order
    last_generated = e.time_generated;
    CHECK(e.timestamp >= kNow - 14 * kTicksPerDay);
    CHECK(e.timestamp <= e.time_generated);
    CHECK(e.time_generated < kNow);
    CHECK(e.process_created <= e.timestamp);
    if (e.remote_ip.empty() || !e.remote_port) ++missing_remote;
    const bool is_aggregated = e.action.ends_with("AggregatedReport");
    CHECK(is_aggregated == (e.additional_fields.find("\"uniqueEventsAggregated\":") != std::string::npos));
    aggregated += is_aggregated;
  }
  CHECK(device_names.size() >= 200);
  CHECK(device_names.size() <= 500);
  CHECK(missing_remote > events.size() / 300);  // about 1 %
  CHECK(missing_remote < events.size() / 30);
  CHECK(aggregated > events.size() / 100);
}

TEST_CASE("generator: each benchmark hunt selects a few rows, not none and not all", "[tools][generator]") {
  const std::vector<Event> events = Parse(Generate(20'000, 1));
  const std::set<std::string> script_hosts = {"powershell.exe", "cmd.exe", "rundll32.exe", "mshta.exe",
                                              "wscript.exe"};
  size_t a = 0, c = 0, odd_case_hosts = 0, pastebin = 0, look_alikes = 0;
  std::map<std::pair<std::string, std::optional<int64_t>>, std::pair<size_t, std::set<std::string>>> groups;
  for (const Event& e : events) {
    // a: Timestamp > ago(7d) and InitiatingProcessFileName in~ (...)
    if (e.timestamp > kNow - 7 * kTicksPerDay && script_hosts.count(Lower(e.file_name))) {
      ++a;
      odd_case_hosts += !script_hosts.count(e.file_name);
    }
    // b: summarize count(), dcount(DeviceName) by RemoteIP, RemotePort | where Devices > 1 or Connections > 20
    auto& group = groups[{e.remote_ip, e.remote_port}];
    ++group.first;
    group.second.insert(e.device_name);
    // c: A and B and C or D, where and binds tighter than or
    const bool has_pastebin = HasTerm(e.remote_url, "pastebin");
    pastebin += has_pastebin;
    look_alikes += !has_pastebin && Lower(e.remote_url).find("pastebin") != std::string::npos;
    c += (e.action == "ConnectionSuccess" && e.remote_ip_type == "Public" && has_pastebin) ||
         Lower(e.command_line).find("-enc") != std::string::npos;
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
