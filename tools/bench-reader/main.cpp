// bench-reader: how fast the event reader turns archives into batches, on one core.
//
//   bench-reader [--events 1000000] [--dir /tmp/huntc-bench] [--reps 3] [--only jsonl|envelope.json|csv|gz|zst]
//                [--chunk BYTES]
//
// Generates DeviceNetworkEvents once into --dir as JSON lines, Defender streaming-API envelopes,
// CSV, gzip and zstd (reused by later runs), then reads each file, filling the five columns of
// the peer benchmark's hunt a (Timestamp, DeviceName, InitiatingProcessFileName, RemoteIP,
// RemotePort), and prints the median of --reps: decoded and file bytes per second, records per
// second, and the peak RSS. It only prints figures; it asserts nothing about them.
#include <sys/resource.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

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
  app.add_option("--only", only, "Read only the files whose name ends with this (jsonl, envelope.json, csv, gz, zst)");
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
  fmt::print("{:<34} {:>10} {:>12} {:>12} {:>13} {:>10}\n", "input", "file MB", "decoded MB/s",
             "file MB/s", "records/s", "RSS MiB");
  for (const Input& input : files) {
    const std::string& path = input.path;
    if (!path.ends_with(only)) continue;
    const uint64_t file_bytes = fs::file_size(path);
    // Compressed files decode to the JSON lines; the others are read as they are.
    const uint64_t data_bytes = path == gz || path == zst ? decoded : file_bytes;
    std::vector<double> seconds;
    uint64_t records = 0;
    for (int r = 0; r < reps; ++r) {
      EventReader reader({{"DeviceNetworkEvents", columns}});
      if (chunk) reader.set_chunk_bytes(chunk);
      ReadStats stats;
      uint64_t cells = 0;
      const auto start = std::chrono::steady_clock::now();
      reader.Read({path, "DeviceNetworkEvents"}, [&](size_t, const Batch& b) { cells += b.rows(); },
                  [](const InputIssue&) {}, stats);
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      records = stats.records;
      if (stats.lines_skipped || cells != records) fmt::print(stderr, "bench-reader: {} read badly\n", path);
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds.size() % 2 ? seconds[seconds.size() / 2]
                                             : (seconds[seconds.size() / 2 - 1] + seconds[seconds.size() / 2]) / 2;
    fmt::print("{:<34} {:>10.1f} {:>12.0f} {:>12.0f} {:>13.0f} {:>10}\n", fs::path(path).filename().string(),
               file_bytes / 1e6, data_bytes / 1e6 / median, file_bytes / 1e6 / median, records / median, PeakRssMiB());
  }
  return 0;
}
