// gen-events: writes seeded sample DeviceNetworkEvents as JSON lines (or as the portal's CSV
// export), to a file or stdout.
//
//   gen-events --events 1000000 --seed 1 --now 2026-11-20T00:00:00Z --days 14 -o events.jsonl
//
// stdout carries data only; the one-line summary goes to stderr.
#include <chrono>
#include <memory>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "runtime/types.h"
#include "tools/gen-events/csv_export.h"
#include "tools/gen-events/generator.h"

int main(int argc, char** argv) {
  CLI::App app{"Writes seeded sample DeviceNetworkEvents as JSON lines."};
  huntc::gen::GenOptions opt;
  std::string now = "2026-11-20T00:00:00Z";
  std::string output;
  app.add_option("--events", opt.events, "Number of events")->required();
  app.add_option("--seed", opt.seed, "Seed; the same seed and options give the same bytes")->capture_default_str();
  app.add_option("--now", now, "End of the time window (UTC, ISO 8601)")->capture_default_str();
  app.add_option("--days", opt.days, "Length of the time window in days")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  app.add_option("-o,--output", output, "Output file (default: stdout)");
  std::string format = "jsonl";
  app.add_option("--format", format, "jsonl, or csv as the Defender portal exports it")
      ->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const auto parsed = huntc::ParseDateTime(now);
  // The calendar is only laid out from 1970 on.
  if (!parsed || *parsed < huntc::kUnixEpochTicks + (opt.days + 60) * huntc::kTicksPerDay) {
    fmt::print(stderr, "gen-events: --now must be a datetime after 1970, such as 2026-11-20T00:00:00Z\n");
    return 2;
  }
  opt.now = *parsed;

  FILE* out = output.empty() ? stdout : std::fopen(output.c_str(), "wb");
  if (!out) {
    fmt::print(stderr, "gen-events: cannot open {}\n", output);
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  uint64_t bytes = 0;
  std::unique_ptr<huntc::gen::CsvExport> csv;
  std::string converted;
  huntc::gen::GenerateEvents(opt, [&](std::string_view chunk) {
    if (format == "csv") {
      converted.clear();
      if (!csv) {
        // Every event has every column, so the first chunk names them all.
        csv = std::make_unique<huntc::gen::CsvExport>(huntc::gen::CsvExport::ColumnsOf(chunk));
        csv->AppendHeader(converted);
      }
      csv->AppendRecords(chunk, converted);
      chunk = converted;
    }
    bytes += chunk.size();
    return std::fwrite(chunk.data(), 1, chunk.size(), out) == chunk.size();
  });
  const bool ok = std::fflush(out) == 0 && !std::ferror(out) && (out == stdout || std::fclose(out) == 0);
  if (!ok) {
    fmt::print(stderr, "gen-events: write to {} failed\n", output.empty() ? "stdout" : output);
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(stderr, "gen-events: {} events, {:.1f} MB to {} in {:.2f} s (seed {})\n", opt.events, bytes / 1e6,
             output.empty() ? "stdout" : output, seconds, opt.seed);
  return 0;
}
