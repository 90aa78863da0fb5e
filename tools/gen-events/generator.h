// A deterministic generator of Defender XDR advanced-hunting archives: the ten Device* tables of a
// simulated network (contoso.local), with attacks planted on request and a manifest saying what a
// hunt must find.
//
// The output is a pure function of the options: the same options give the same bytes on any
// platform, because seeded xoshiro256** streams drive every draw and neither std distributions nor
// libm are used. Entities agree across tables: one fleet of devices, one directory of accounts, and
// process instances whose ids, command lines and hashes are the same in every table that names them;
// every process another table names has its ProcessCreated row in DeviceProcessEvents (the kernel,
// pid 4, excepted, as in Defender). See catalog.h for the world and scenarios.cpp for the attacks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace huntc::gen {

// In the order they are generated: a table comes after those whose rows it describes.
enum class Table : uint8_t {
  kDeviceInfo,
  kDeviceNetworkInfo,
  kDeviceNetworkEvents,
  kDeviceFileEvents,
  kDeviceRegistryEvents,
  kDeviceImageLoadEvents,
  kDeviceEvents,
  kDeviceLogonEvents,
  kDeviceProcessEvents,        // the processes the tables above name, padded to its share
  kDeviceFileCertificateInfo,  // the signed files the image loads and processes name
};
inline constexpr size_t kTableCount = 10;
std::string_view TableName(Table t);
std::optional<Table> TableFromName(std::string_view name);

enum class Format : uint8_t {
  kJsonLines,  // one object per line, columns in schema order
  kEnvelope,   // Defender streaming-API records: {"time", "tenantId", "operationName", "category", "properties"}
  kCsv,        // RFC 4180 with a header; null is an empty field, a string is always quoted
};

enum class Scenario : uint8_t {
  kBeacon,
  kEncodedCradle,
  kLolbin,
  kLateralMovement,
  kRunKey,
  kCredentialDumping,
  kRdpBruteForce,
  kUnsignedDll,
  kNewService,
  kForcedAuthentication,
};
inline constexpr size_t kScenarioCount = 10;
std::string_view ScenarioName(Scenario s);
std::optional<Scenario> ScenarioFromName(std::string_view name);

struct GenOptions {
  uint64_t seed = 1;
  int64_t now = 0;  // datetime ticks (runtime/types.h); events fall in [now - days, now)
  int days = 14;
  std::vector<Table> tables = {Table::kDeviceNetworkEvents};
  // Rows of the event tables: `events` spread by kTableShares, or `events_per_table` each.
  uint64_t events = 0;
  std::optional<uint64_t> events_per_table;
  std::vector<Scenario> scenarios;
  Format format = Format::kJsonLines;
  std::vector<std::string> columns;  // only these columns, in schema order; empty: all
};

// The share of `events` each event table gets, in thousandths, when all are selected (renormalised
// over a subset; the remainder of the division goes to the first). DeviceProcessEvents may hold
// more: every process instance the other tables name. The inventory tables are sized by the fleet:
// DeviceInfo and DeviceNetworkInfo report each device once a day, DeviceFileCertificateInfo each
// signed file once per device that runs or loads it.
struct TableShare {
  Table table;
  uint64_t per_mille;
};
inline constexpr TableShare kTableShares[] = {
    {Table::kDeviceNetworkEvents, 300}, {Table::kDeviceFileEvents, 180}, {Table::kDeviceImageLoadEvents, 160},
    {Table::kDeviceProcessEvents, 140}, {Table::kDeviceEvents, 110},     {Table::kDeviceRegistryEvents, 80},
    {Table::kDeviceLogonEvents, 30},
};

// Receives the output: chunks of about a megabyte that end at line ends, table by table (all of a
// table before the next, in Table order). Returning false stops the generator.
using ChunkSink = std::function<bool(Table, std::string_view)>;

struct GenResult {
  std::string error;  // why nothing was generated (bad --columns, ...); empty on success
  bool stopped = false;  // the sink returned false
  uint64_t rows[kTableCount] = {};
  std::string manifest;  // JSON: the invariants of the background and every planted scenario
};

GenResult Generate(const GenOptions& opt, const ChunkSink& sink);

}  // namespace huntc::gen
