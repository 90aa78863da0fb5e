// gen-events: writes seeded sample Defender XDR tables, with attacks planted on request.
//
//   gen-events --events 1000000 --seed 1 -o events.jsonl                    one table (DeviceNetworkEvents)
//   gen-events --events 200000 --scenarios all -o out/sample                 every table, one file each
//   gen-events --events 200000 --format envelope --compress zstd -o all.json.zst
//
// stdout carries data only; the summary goes to stderr.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "runtime/types.h"
#include "tools/gen-events/generator.h"
#include "tools/gen-events/output.h"

namespace fs = std::filesystem;
using namespace huntc::gen;

namespace {

std::vector<std::string> SplitList(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    size_t start = 0;
    while (start <= item.size()) {
      const size_t end = std::min(item.find(',', start), item.size());
      if (end > start) out.push_back(item.substr(start, end - start));
      start = end + 1;
    }
  }
  return out;
}

int Fail(const std::string& message, int code = 2) {
  fmt::print(stderr, "gen-events: {}\n", message);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Writes seeded sample Defender XDR tables (Device*), with attacks planted on request."};
  GenOptions opt;
  std::string now = "2026-11-20T00:00:00Z", output, format = "jsonl", compress = "none", manifest_path;
  std::vector<std::string> tables, scenario, scenarios, columns;
  uint64_t per_table = 0;
  bool bench = false;
  auto* events = app.add_option("--events", opt.events, "Rows of the event tables in all, split by their shares");
  auto* each = app.add_option("--events-per-table", per_table, "Rows of each event table instead");
  events->excludes(each);
  app.add_option("--seed", opt.seed, "Seed; the same options give the same bytes")->capture_default_str();
  app.add_option("--now", now, "End of the time window (UTC, ISO 8601)")->capture_default_str();
  app.add_option("--days", opt.days, "Length of the time window in days")->check(CLI::Range(1, 3650))->capture_default_str();
  app.add_option("--tables", tables,
                 "Tables to write, comma-separated, or all (default: all for a folder, DeviceNetworkEvents otherwise)");
  app.add_option("--scenario", scenario, "Plant a scenario (repeatable): beacon, encoded_cradle, lolbin, "
                                         "lateral_movement, run_key, credential_dumping, rdp_brute_force, unsigned_dll, "
                                         "new_service, forced_authentication");
  app.add_option("--scenarios", scenarios, "Plant these scenarios, comma-separated, or all");
  app.add_option("--format", format, "jsonl, envelope (Defender streaming API) or csv")->capture_default_str();
  app.add_option("--columns", columns, "Write only these columns (comma-separated), in schema order");
  app.add_option("-o,--output", output,
                 "A folder (one <Table>.jsonl/.csv per table) or a file; default stdout");
  app.add_option("--compress", compress, "none, gzip or zstd")->capture_default_str();
  app.add_option("--manifest", manifest_path,
                 "Where to write the manifest (default: <output>.manifest.json when scenarios are planted)");
  app.add_flag("--bench", bench, "Generate without writing and print the rate");
  CLI11_PARSE(app, argc, argv);

  if (events->count() == 0 && each->count() == 0) return Fail("give --events N or --events-per-table N");
  if (each->count()) opt.events_per_table = per_table;
  const auto parsed = huntc::ParseDateTime(now);
  // The calendar is only laid out from 1970 on.
  if (!parsed || *parsed < huntc::kUnixEpochTicks + (opt.days + 60) * huntc::kTicksPerDay)
    return Fail("--now must be a datetime after 1970, such as 2026-11-20T00:00:00Z");
  opt.now = *parsed;
  if (format == "jsonl") {
    opt.format = Format::kJsonLines;
  } else if (format == "envelope") {
    opt.format = Format::kEnvelope;
  } else if (format == "csv") {
    opt.format = Format::kCsv;
  } else {
    return Fail("--format must be jsonl, envelope or csv");
  }
  const auto compression = CompressionFromName(compress);
  if (!compression) return Fail("--compress must be none, gzip or zstd");

  // A folder is a path that exists as one, ends with a slash, or does not exist and has no extension.
  std::error_code ec;
  const bool folder = !output.empty() && output != "-" &&
                      (fs::is_directory(output, ec) || output.back() == '/' ||
                       (!fs::exists(output, ec) && !fs::path(output).has_extension()));
  const std::vector<std::string> table_names = SplitList(tables);
  if (table_names.empty() || (table_names.size() == 1 && table_names[0] == "all")) {
    opt.tables.clear();
    if (folder || (table_names.size() == 1 && table_names[0] == "all")) {
      for (size_t t = 0; t < kTableCount; ++t) opt.tables.push_back(static_cast<Table>(t));
    } else {
      opt.tables.push_back(Table::kDeviceNetworkEvents);
    }
  } else {
    opt.tables.clear();
    for (const std::string& name : table_names) {
      const auto t = TableFromName(name);
      if (!t) return Fail("--tables: no table " + name);
      if (std::find(opt.tables.begin(), opt.tables.end(), *t) == opt.tables.end()) opt.tables.push_back(*t);
    }
  }
  std::vector<std::string> scenario_names = SplitList(scenario);
  for (const std::string& s : SplitList(scenarios)) scenario_names.push_back(s);
  for (const std::string& name : scenario_names) {
    if (name == "all") {
      for (size_t s = 0; s < kScenarioCount; ++s) opt.scenarios.push_back(static_cast<Scenario>(s));
    } else if (const auto s = ScenarioFromName(name)) {
      opt.scenarios.push_back(*s);
    } else {
      return Fail("no scenario " + name);
    }
  }
  opt.columns = SplitList(columns);
  if (!bench && !folder && opt.tables.size() > 1 && opt.format != Format::kEnvelope)
    return Fail("several tables go to one file only as envelopes (--format envelope); or write to a folder");

  // Sinks: one file per table in a folder, else one stream.
  std::map<Table, std::unique_ptr<OutputFile>> files;
  std::unique_ptr<OutputFile> single;
  std::string error;
  const std::string extension = std::string(opt.format == Format::kCsv ? ".csv" : ".jsonl") +
                                std::string(CompressionSuffix(*compression));
  if (!bench) {
    if (folder) {
      fs::create_directories(output, ec);
      if (ec) return Fail("cannot create " + output + ": " + ec.message(), 1);
      for (const Table t : opt.tables) {
        const std::string path = (fs::path(output) / (std::string(TableName(t)) + extension)).string();
        if (!(files[t] = OutputFile::Open(path, *compression, error))) return Fail(error, 1);
      }
    } else if (!(single = OutputFile::Open(output, *compression, error))) {
      return Fail(error, 1);
    }
  }
  std::map<Table, uint64_t> bytes;
  bool write_failed = false;
  const auto start = std::chrono::steady_clock::now();
  const GenResult result = Generate(opt, [&](Table t, std::string_view chunk) {
    bytes[t] += chunk.size();
    if (bench) return true;
    OutputFile& f = single ? *single : *files[t];
    write_failed = !f.Write(chunk);
    return !write_failed;
  });
  if (!result.error.empty()) return Fail(result.error);
  bool closed = true;
  if (single) closed = single->Close();
  for (auto& [t, f] : files) closed = f->Close() && closed;
  if (write_failed || !closed) return Fail("writing " + (output.empty() ? std::string("stdout") : output) + " failed", 1);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::string manifest = manifest_path;
  if (manifest.empty() && !opt.scenarios.empty() && !output.empty() && output != "-") {
    std::string base = output;
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    manifest = base + ".manifest.json";
  }
  if (!manifest.empty() && !bench) {
    FILE* m = std::fopen(manifest.c_str(), "wb");
    if (!m || std::fwrite(result.manifest.data(), 1, result.manifest.size(), m) != result.manifest.size() ||
        std::fclose(m) != 0)
      return Fail("cannot write the manifest " + manifest, 1);
  }

  uint64_t rows = 0, total = 0;
  for (const Table t : opt.tables) {
    rows += result.rows[static_cast<size_t>(t)];
    total += bytes[t];
    if (opt.tables.size() > 1 || bench)
      fmt::print(stderr, "  {:<26} {:>10} rows {:>9.1f} MB\n", TableName(t), result.rows[static_cast<size_t>(t)],
                 bytes[t] / 1e6);
  }
  fmt::print(stderr, "gen-events: {} rows, {:.1f} MB {}in {:.2f} s: {:.2f} M rows/s, {:.0f} MB/s (seed {}){}\n", rows,
             total / 1e6, bench ? "generated " : "to " + (output.empty() ? std::string("stdout") : output) + " ",
             seconds, rows / seconds / 1e6, total / seconds / 1e6, opt.seed,
             manifest.empty() || bench ? "" : "; manifest " + manifest);
  return 0;
}
