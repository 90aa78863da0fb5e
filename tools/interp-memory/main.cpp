// interp-memory: shows that a streaming (filter-only) interpreter plan runs in flat memory: it
// generates sample events at 1x and 10x a base size, runs the same Scan | Filter plan over each
// in a child process (so each run has its own peak), and prints the peak resident set sizes.
//
//   interp-memory --events 100000 [--dir /tmp]
//
// It prints figures only; it asserts nothing about time.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "runtime/exec/run.h"
#include "tools/gen-events/generator.h"

using namespace huntc;
using namespace huntc::exec;

namespace {

// DeviceNetworkEvents | where RemoteUrl has "pastebin" or RemotePort == 4444 | (all read columns)
PlanPtr FilterPlan() {
  auto scan = Scan("DeviceNetworkEvents", {{"Timestamp", Type::DateTime},
                                           {"DeviceName", Type::String},
                                           {"RemoteUrl", Type::String},
                                           {"RemotePort", Type::Int},
                                           {"InitiatingProcessCommandLine", Type::String}});
  Expr predicate = Expr::Call(
      Fn::Or, Type::Bool,
      {Expr::Call(Fn::Has, Type::Bool, {Expr::Column(2, Type::String), Expr::Constant(Value::String("pastebin"))}),
       Expr::Call(Fn::Eq, Type::Bool, {Expr::Column(3, Type::Int), Expr::Constant(Value::Integer(Type::Int, 4444))})});
  return Filter(std::move(scan), std::move(predicate));
}

// Runs the plan over `path` in a child process; returns the child's peak RSS in KiB (or -1).
long RunChild(const std::string& path, int64_t now, uint64_t& detections) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    close(pipe_fds[0]);
    std::FILE* sink_file = std::fopen("/dev/null", "w");
    DetectionWriter writer(sink_file, OutputFormat::JsonLines, {});
    DetectionRenderer renderer(OutputFormat::JsonLines, writer.tabular_columns());
    const PlanPtr plan = FilterPlan();
    DetectionShape shape;
    for (const ColumnSpec& c : plan->schema) {
      shape.output.push_back(static_cast<uint32_t>(shape.output.size()));
      shape.output_names.push_back(c.name);
    }
    WriterSink sink(renderer, writer, shape);
    RunStats stats;
    RunPlan(*plan, {{path, "DeviceNetworkEvents"}}, now, sink, [](const InputIssue&) {}, stats);
    writer.Finish();
    const uint64_t rows = sink.rows();
    const bool ok = write(pipe_fds[1], &rows, sizeof rows) == static_cast<ssize_t>(sizeof rows);
    _exit(ok ? 0 : 1);
  }
  close(pipe_fds[1]);
  if (read(pipe_fds[0], &detections, sizeof detections) != static_cast<ssize_t>(sizeof detections)) detections = 0;
  close(pipe_fds[0]);
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return usage.ru_maxrss;  // KiB on Linux
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Peak memory of a filter-only interpreter plan at 1x and 10x input."};
  uint64_t events = 100000;
  std::string dir = std::filesystem::temp_directory_path().string();
  app.add_option("--events", events, "Events in the 1x input")->capture_default_str();
  app.add_option("--dir", dir, "Where to write the generated inputs (removed afterwards)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const int64_t now = *ParseDateTime("2026-11-20T00:00:00Z");
  fmt::print("{:>6} {:>12} {:>12} {:>12} {:>14}\n", "input", "events", "MB", "detections", "peak RSS MiB");
  for (const uint64_t factor : {1, 10}) {
    const std::string path = fmt::format("{}/interp-memory-{}x.jsonl", dir, factor);
    std::FILE* out = std::fopen(path.c_str(), "wb");
    if (!out) {
      fmt::print(stderr, "interp-memory: cannot write {}\n", path);
      return 1;
    }
    gen::GenOptions opt;
    opt.events = events * factor;
    opt.now = now;
    uint64_t bytes = 0;
    gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
      bytes += chunk.size();
      return std::fwrite(chunk.data(), 1, chunk.size(), out) == chunk.size();
    });
    std::fclose(out);
    uint64_t detections = 0;
    const long peak_kib = RunChild(path, now, detections);
    std::filesystem::remove(path);
    if (peak_kib < 0) {
      fmt::print(stderr, "interp-memory: the run over {} failed\n", path);
      return 1;
    }
    fmt::print("{:>5}x {:>12} {:>12.1f} {:>12} {:>14.1f}\n", factor, opt.events, bytes / 1e6, detections, peak_kib / 1024.0);
  }
  return 0;
}
