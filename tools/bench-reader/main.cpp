// bench-reader: how fast the event reader turns archives into batches, on one core.
//
//   bench-reader [--events 1000000] [--dir /tmp/huntc-bench] [--reps 3]
//                [--only raw|jsonl|envelope.json|csv|gz|zst] [--chunk BYTES] [--column-counts 1,5,10,all]
//
// Generates DeviceNetworkEvents once into --dir as JSON lines, Defender streaming-API envelopes,
// CSV, gzip and zstd (reused by later runs), then reads each file, filling the five columns of
// the peer benchmark's hunt a (Timestamp, DeviceName, InitiatingProcessFileName, RemoteIP,
// RemotePort), and prints the median of --reps: decoded and file bytes per second, records per
// second, and the peak RSS so far. It only prints figures; it asserts nothing about them.
//
// The first row is the machine's limit for the same work: simdjson On-Demand alone, on one
// thread, over the JSON-lines file already in memory, finding the same five fields in every
// line (converting only the port, as a parser would) and checking nothing else. Every other
// row says its decoded throughput as a share of that. The machine is shared, so beside the wall
// clock each row also gives the decoded throughput per second of CPU time the reading thread
// used, which other people's work disturbs far less.
//
// With --column-counts, it measures instead how the cost grows with the columns a pack reads:
// each file (JSON lines and CSV unless --only says otherwise) read with the first N columns of
// hunt a's five, then five more that rules often test, then all of the table's columns.
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <simdjson.h>

#include "compiler/schema/schema.h"
#include "runtime/event_reader.h"
#include "tools/gen-events/csv_export.h"
#include "tools/gen-events/generator.h"

namespace fs = std::filesystem;
using namespace huntc;

namespace {

// Streams generated events, converted by `convert`, to `path`.
bool Generate(const std::string& path, uint64_t events, gen::Format format,
              const std::function<void(std::string_view, std::string&, bool last)>& convert) {
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (!out) return false;
  gen::GenOptions opt;
  opt.events = events;
  opt.format = format;
  opt.now = *ParseDateTime("2026-11-20T00:00:00Z");
  std::string converted;
  uint64_t written = 0;
  bool ok = true;
  gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
    written += std::count(chunk.begin(), chunk.end(), '\n');
    converted.clear();
    convert(chunk, converted, written == events);
    ok = std::fwrite(converted.data(), 1, converted.size(), out) == converted.size();
    return ok;
  });
  return std::fclose(out) == 0 && ok;
}

// simdjson's own work of finding `fields` in every line of `text` (padded); `found` counts the
// values found, so that no work can be left out.
void RawSimdjson(const simdjson::padded_string& text, const std::vector<ColumnSpec>& fields,
                 uint64_t& records, uint64_t& found) {
  simdjson::ondemand::parser parser;
  parser.threaded = false;  // one core, as the reader
  simdjson::ondemand::document_stream stream;
  records = found = 0;
  if (parser.iterate_many(text, size_t{1} << 20).get(stream)) return;
  for (auto doc : stream) {
    simdjson::ondemand::object object;
    if (doc.get_object().get(object)) return;
    ++records;
    for (const ColumnSpec& field : fields) {
      if (field.type == Type::Int) {
        int64_t v;
        found += !object.find_field_unordered(field.name).get_int64().get(v);
      } else {
        std::string_view v;
        found += !object.find_field_unordered(field.name).get_string().get(v);
      }
    }
  }
}

// Wall and thread CPU seconds since a start, for the median-of-N figures.
struct Clock {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  double cpu = CpuSeconds();

  static double CpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
  // Adds this run's times to `walls` and `cpus`.
  void Keep(std::vector<double>& walls, std::vector<double>& cpus) const {
    walls.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count());
    cpus.push_back(CpuSeconds() - cpu);
  }
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// RawSimdjson over `text` for `fields`, `reps` times: the median wall and CPU seconds.
struct RawTiming {
  uint64_t records = 0;
  double wall = 0, cpu = 0;
};
RawTiming TimeRawSimdjson(const simdjson::padded_string& text, const std::vector<ColumnSpec>& fields, int reps) {
  std::vector<double> walls, cpus;
  RawTiming t;
  uint64_t found = 0;
  for (int r = 0; r < reps; ++r) {
    const Clock clock;
    RawSimdjson(text, fields, t.records, found);
    clock.Keep(walls, cpus);
  }
  t.wall = Median(walls);
  t.cpu = Median(cpus);
  return t;
}

uint64_t PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Measures the event reader on generated DeviceNetworkEvents archives."};
  uint64_t events = 1'000'000;
  std::string dir = "/tmp/huntc-bench";
  int reps = 3;
  app.add_option("--events", events, "Number of events")->capture_default_str();
  app.add_option("--dir", dir, "Where the archives are generated and kept")->capture_default_str();
  app.add_option("--reps", reps, "Reads of each file; the median is shown")->check(CLI::Range(1, 100))->capture_default_str();
  size_t chunk = 0;
  app.add_option("--chunk", chunk, "Read this many bytes at a time (default: the reader's)");
  std::string only;
  app.add_option("--only", only, "Read only the files whose name ends with this (jsonl, envelope.json, csv, gz, zst), or only simdjson (raw)");
  std::vector<std::string> column_counts;
  app.add_option("--column-counts", column_counts, "Read JSON lines and CSV with this many columns each (numbers, or all)")
      ->delimiter(',');
  CLI11_PARSE(app, argc, argv);

  const fs::path folder = fs::path(dir) / std::to_string(events);
  fs::create_directories(folder);
  const std::string jsonl = (folder / "DeviceNetworkEvents.jsonl").string();
  const std::string envelope = (folder / "DeviceNetworkEvents.envelope.json").string();
  const std::string csv = (folder / "DeviceNetworkEvents.csv").string();
  const std::string gz = (folder / "DeviceNetworkEvents.jsonl.gz").string();
  const std::string zst = (folder / "DeviceNetworkEvents.jsonl.zst").string();

  std::unique_ptr<gen::CsvExport> exporter;
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  ZSTD_CCtx* zc = ZSTD_createCCtx();
  const auto copy = [](std::string_view in, std::string& out, bool) { out.assign(in); };
  struct Input {
    std::string path;
    gen::Format format;  // what the generator writes; `convert` turns it into the file's bytes
    std::function<void(std::string_view, std::string&, bool)> convert;
  };
  const std::vector<Input> files = {
      {jsonl, gen::Format::kJsonLines, copy},
      {envelope, gen::Format::kEnvelope, copy},
      {csv, gen::Format::kJsonLines,
       [&](std::string_view in, std::string& out, bool) {
         if (!exporter) {
           exporter = std::make_unique<gen::CsvExport>(gen::CsvExport::ColumnsOf(in));
           exporter->AppendHeader(out);
         }
         exporter->AppendRecords(in, out);
       }},
      {gz, gen::Format::kJsonLines,
       [&](std::string_view in, std::string& out, bool last) {
         out.resize(deflateBound(&z, in.size()) + 1024);
         z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
         z.avail_in = static_cast<uInt>(in.size());
         z.next_out = reinterpret_cast<Bytef*>(out.data());
         z.avail_out = static_cast<uInt>(out.size());
         deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
         out.resize(out.size() - z.avail_out);
       }},
      {zst, gen::Format::kJsonLines,
       [&](std::string_view in, std::string& out, bool last) {
         out.resize(ZSTD_compressBound(in.size()) + 1024);
         ZSTD_inBuffer input{in.data(), in.size(), 0};
         ZSTD_outBuffer output{out.data(), out.size(), 0};
         while (ZSTD_compressStream2(zc, &output, &input, last ? ZSTD_e_end : ZSTD_e_continue) != 0 &&
                last) {
         }
         out.resize(output.pos);
       }},
  };
  for (const auto& [path, format, convert] : files) {
    if (fs::exists(path)) continue;
    fmt::print(stderr, "bench-reader: generating {}\n", path);
    if (!Generate(path, events, format, convert)) {
      fmt::print(stderr, "bench-reader: cannot write {}\n", path);
      return 1;
    }
  }
  deflateEnd(&z);
  ZSTD_freeCCtx(zc);

  const std::vector<ColumnSpec> columns = {{"Timestamp", Type::DateTime},
                                           {"DeviceName", Type::String},
                                           {"InitiatingProcessFileName", Type::String},
                                           {"RemoteIP", Type::String},
                                           {"RemotePort", Type::Int}};
  const uint64_t decoded = fs::file_size(jsonl);
  if (!column_counts.empty()) {
    // hunt a's five, five more that rules often test, then the rest of the table in schema order.
    std::vector<ColumnSpec> order = columns;
    for (const ColumnSpec& c : std::vector<ColumnSpec>{{"ActionType", Type::String},
                                                       {"RemoteUrl", Type::String},
                                                       {"InitiatingProcessCommandLine", Type::String},
                                                       {"RemoteIPType", Type::String},
                                                       {"LocalIP", Type::String}}) {
      order.push_back(c);
    }
    const Catalog catalog = Catalog::BuiltIn();
    for (const ColumnSpec& c : catalog.Find("DeviceNetworkEvents")->columns) {
      if (std::none_of(order.begin(), order.end(), [&](const ColumnSpec& o) { return o.name == c.name; })) {
        order.push_back(c);
      }
    }
    fmt::print("{:<26} {:>7} {:>12} {:>10} {:>12} {:>8}\n", "input", "columns", "decoded MB/s", "records/s",
               "CPU dec MB/s", "RSS MiB");
    for (const std::string& path : {jsonl, csv}) {
      if (!path.ends_with(only)) continue;
      for (const std::string& count : column_counts) {
        const size_t n = count == "all" ? order.size() : std::min<size_t>(std::stoul(count), order.size());
        const uint64_t bytes = fs::file_size(path);
        const std::vector<ColumnSpec> wanted(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n));
        std::vector<double> walls, cpus;
        uint64_t records = 0;
        for (int r = 0; r < reps; ++r) {
          EventReader reader({{"DeviceNetworkEvents", wanted}});
          ReadStats stats;
          const Clock clock;
          reader.Read({path, "DeviceNetworkEvents"}, [](size_t, const Batch&) {}, [](const InputIssue&) {}, stats);
          clock.Keep(walls, cpus);
          records = stats.records;
          if (stats.lines_skipped || stats.values_wrong_type) fmt::print(stderr, "bench-reader: {} read badly\n", path);
        }
        fmt::print("{:<26} {:>7} {:>12.0f} {:>10.0f} {:>12.0f} {:>8}\n", fs::path(path).filename().string(), n,
                   bytes / 1e6 / Median(walls), records / Median(walls), bytes / 1e6 / Median(cpus), PeakRssMiB());
      }
    }
    // simdjson alone finding the same columns: the speed issue 9 measures a pack's read against.
    if (only.empty() || only == "raw") {
      simdjson::padded_string text;
      if (simdjson::padded_string::load(jsonl).get(text)) {
        fmt::print(stderr, "bench-reader: cannot load {}\n", jsonl);
        return 1;
      }
      for (const std::string& count : column_counts) {
        const size_t n = count == "all" ? order.size() : std::min<size_t>(std::stoul(count), order.size());
        const std::vector<ColumnSpec> wanted(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n));
        const RawTiming t = TimeRawSimdjson(text, wanted, reps);
        if (t.records != events) fmt::print(stderr, "bench-reader: simdjson read {} records\n", t.records);
        fmt::print("{:<26} {:>7} {:>12.0f} {:>10.0f} {:>12.0f} {:>8}\n", "simdjson-raw.jsonl", n,
                   decoded / 1e6 / t.wall, t.records / t.wall, decoded / 1e6 / t.cpu, PeakRssMiB());
      }
    }
    return 0;
  }
  // Rows are printed once all are measured, the raw one first; it is measured last, as it holds
  // the whole file in memory and would otherwise count in the readers' peak RSS.
  struct Row {
    std::string name;
    uint64_t file_bytes, data_bytes, records;
    double wall, cpu;
    uint64_t rss_mib;
  };
  std::vector<Row> rows;
  for (const Input& input : files) {
    const std::string& path = input.path;
    if (!path.ends_with(only) || only == "raw") continue;
    const uint64_t file_bytes = fs::file_size(path);
    std::vector<double> walls, cpus;
    uint64_t records = 0;
    for (int r = 0; r < reps; ++r) {
      EventReader reader({{"DeviceNetworkEvents", columns}});
      if (chunk) reader.set_chunk_bytes(chunk);
      ReadStats stats;
      uint64_t cells = 0;
      const Clock clock;
      reader.Read({path, "DeviceNetworkEvents"}, [&](size_t, const Batch& b) { cells += b.rows(); },
                  [](const InputIssue&) {}, stats);
      clock.Keep(walls, cpus);
      records = stats.records;
      if (stats.lines_skipped || cells != records) fmt::print(stderr, "bench-reader: {} read badly\n", path);
    }
    // Compressed files decode to the JSON lines; the others are read as they are.
    const uint64_t data_bytes = path == gz || path == zst ? decoded : file_bytes;
    rows.push_back({fs::path(path).filename().string(), file_bytes, data_bytes, records, Median(walls),
                    Median(cpus), PeakRssMiB()});
  }
  if (only.empty() || only == "raw") {
    simdjson::padded_string text;
    if (simdjson::padded_string::load(jsonl).get(text)) {
      fmt::print(stderr, "bench-reader: cannot load {}\n", jsonl);
      return 1;
    }
    const RawTiming t = TimeRawSimdjson(text, columns, reps);
    if (t.records != events) fmt::print(stderr, "bench-reader: simdjson read {} records\n", t.records);
    rows.insert(rows.begin(), {"simdjson-raw.jsonl", decoded, decoded, t.records, t.wall, t.cpu, PeakRssMiB()});
  }
  fmt::print("{:<26} {:>8} {:>12} {:>10} {:>10} {:>12} {:>8} {:>7} {:>10}\n", "input", "file MB",
             "decoded MB/s", "file MB/s", "records/s", "CPU dec MB/s", "RSS MiB", "of raw", "CPU of raw");
  const bool has_raw = only.empty() || only == "raw";
  for (const Row& r : rows) {
    // Shares of the raw row's records per second, by the wall clock and by CPU time.
    const auto share = [&](double seconds, double raw_seconds) {
      return has_raw ? fmt::format("{:.2f}", (r.records / seconds) / (rows[0].records / raw_seconds)) : "-";
    };
    fmt::print("{:<26} {:>8.1f} {:>12.0f} {:>10.0f} {:>10.0f} {:>12.0f} {:>8} {:>7} {:>10}\n", r.name,
               r.file_bytes / 1e6, r.data_bytes / 1e6 / r.wall, r.file_bytes / 1e6 / r.wall, r.records / r.wall,
               r.data_bytes / 1e6 / r.cpu, r.rss_mib, share(r.wall, rows[0].wall), share(r.cpu, rows[0].cpu));
  }
  return 0;
}
