// bench-aggregate: summarize over generated DeviceNetworkEvents already in memory, the JIT's
// aggregation kernel against the interpreter's operator, on one core (issue 5's figure).
//
//   bench-aggregate [--rows 10000000] [--reps 3] [--dir /tmp] [--only TEXT]
//
// Generates --rows events (only the columns the queries read) into a JSON-lines file in --dir,
// reads it into batches and deletes it; then runs each summarize over the batches under both
// engines and prints, per query and engine, the median of --reps of rows per second of CPU time
// (the machine is shared: CPU time is disturbed less than the wall clock) and of wall time, the
// groups, and the JIT's speed-up. It checks that both engines give the same rows; it asserts
// nothing about the figures.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "compiler/jit/jit.h"
#include "runtime/event_reader.h"
#include "runtime/exec/execution.h"
#include "runtime/output.h"
#include "tools/gen-events/generator.h"

namespace fs = std::filesystem;
using namespace huntc;
using namespace huntc::exec;

namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

const std::vector<ColumnSpec> kColumns = {{"DeviceName", Type::String},
                                          {"InitiatingProcessFileName", Type::String},
                                          {"RemoteIP", Type::String},
                                          {"RemotePort", Type::Int}};
enum { kDevice, kProcess, kRemoteIp, kRemotePort };

Expr Field(int c) { return Expr::Column(c, kColumns[static_cast<size_t>(c)].type); }

AggregateSpec Agg(AggKind kind, std::vector<Expr> args, std::string name, int64_t limit = 1048576) {
  AggregateSpec spec;
  spec.kind = kind;
  spec.args = std::move(args);
  spec.limit = limit;
  spec.names = {std::move(name)};
  return spec;
}

struct Query {
  std::string name;
  std::vector<NamedExpr> keys;
  std::vector<AggregateSpec> aggregates;
};

// The result rows as text, sorted: summarize defines no order.
std::vector<std::string> Lines(const Batch& b) {
  std::vector<std::string> lines;
  for (size_t r = 0; r < b.rows(); ++r) {
    std::string line;
    for (const Column& c : b.columns) {
      AppendJsonValue(line, c, r);
      line.push_back('|');
    }
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench-aggregate: compiled summarize against the interpreter's, on batches in memory"};
  uint64_t rows = 10'000'000;
  int reps = 3;
  std::string dir = "/tmp";
  app.add_option("--rows", rows, "events to generate");
  app.add_option("--reps", reps, "runs per query and engine (the median is printed)")->check(CLI::PositiveNumber);
  app.add_option("--dir", dir, "where the generated file is written (and deleted)");
  std::string only;
  app.add_option("--only", only, "run only the queries whose text holds this");
  CLI11_PARSE(app, argc, argv);

  // The events, read into batches.
  const fs::path path = fs::path(dir) / fmt::format("bench-aggregate-{}.jsonl", ::getpid());
  {
    std::FILE* out = std::fopen(path.c_str(), "wb");
    if (!out) {
      fmt::print(stderr, "bench-aggregate: cannot write {}\n", path.string());
      return 1;
    }
    gen::GenOptions opt;
    opt.events_per_table = rows;
    opt.now = *ParseDateTime("2026-11-20T00:00:00Z");
    for (const ColumnSpec& c : kColumns) opt.columns.push_back(c.name);
    gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
      return std::fwrite(chunk.data(), 1, chunk.size(), out) == chunk.size();
    });
    std::fclose(out);
  }
  std::vector<Batch> batches;
  {
    EventReader reader({{"DeviceNetworkEvents", kColumns}});
    ReadStats stats;
    reader.Read({path.string(), "DeviceNetworkEvents"}, [&](size_t, const Batch& b) { batches.push_back(b); },
                [](const InputIssue&) {}, stats);
    fs::remove(path);
  }
  uint64_t total = 0;
  for (const Batch& b : batches) total += b.rows();
  fmt::print("bench-aggregate: {} DeviceNetworkEvents rows in {} batches, one core\n\n", total, batches.size());

  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  if (!jit) {
    fmt::print(stderr, "bench-aggregate: {}\n", error);
    return 1;
  }
  const std::vector<Query> queries = {
      {"hunt b: count(), dcount(DeviceName), make_set(InitiatingProcessFileName, 10) by RemoteIP, RemotePort",
       {{"RemoteIP", Field(kRemoteIp)}, {"RemotePort", Field(kRemotePort)}},
       {Agg(AggKind::Count, {}, "Connections"), Agg(AggKind::DCount, {Field(kDevice)}, "Devices"),
        Agg(AggKind::MakeSet, {Field(kProcess)}, "Processes", 10)}},
      {"count() by RemotePort", {{"RemotePort", Field(kRemotePort)}}, {Agg(AggKind::Count, {}, "n")}},
      {"count() by DeviceName", {{"DeviceName", Field(kDevice)}}, {Agg(AggKind::Count, {}, "n")}},
      // Other string keys: a few dozen file names; a few thousand IPs, more than a dictionary holds.
      {"count() by InitiatingProcessFileName", {{"InitiatingProcessFileName", Field(kProcess)}},
       {Agg(AggKind::Count, {}, "n")}},
      {"count() by RemoteIP", {{"RemoteIP", Field(kRemoteIp)}}, {Agg(AggKind::Count, {}, "n")}},
  };
  fmt::print("| query | engine | groups | M rows/s (CPU) | M rows/s (wall) | JIT speed-up (CPU) |\n");
  fmt::print("|---|---|---:|---:|---:|---:|\n");
  bool same = true;
  for (const Query& q : queries) {
    if (q.name.find(only) == std::string::npos) continue;
    PlanPtr plan = Aggregate(Scan("DeviceNetworkEvents", kColumns), q.keys, q.aggregates);
    auto& node = *plan->As<AggregateNode>();
    KernelObjects objects;
    const AggregateKernel kernel = jit->CompileAggregate(node, objects, nullptr, error);
    if (!kernel) {
      fmt::print(stderr, "bench-aggregate: {}: {}\n", q.name, error);
      return 1;
    }
    double interp_cpu = 0;
    std::vector<std::string> interp_lines;
    for (const bool compiled : {false, true}) {
      node.kernel = compiled ? kernel : nullptr;
      node.kernel_objects = objects.table.data();
      std::vector<double> cpus, walls;
      std::vector<std::string> lines;
      for (int r = 0; r < reps; ++r) {
        CollectSink sink(plan->schema);
        const double cpu = CpuSeconds();
        const auto wall = std::chrono::steady_clock::now();
        {
          Execution run(*plan, 0, sink);
          for (const Batch& b : batches) run.Push(0, b);
          run.Finish(0);
        }
        cpus.push_back(CpuSeconds() - cpu);
        walls.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count());
        if (r == 0) lines = Lines(sink.result());
      }
      const double cpu = Median(cpus), wall = Median(walls);
      if (!compiled) {
        interp_cpu = cpu;
        interp_lines = lines;
      } else if (lines != interp_lines) {
        fmt::print(stderr, "bench-aggregate: {}: the engines' results differ\n", q.name);
        same = false;
      }
      fmt::print("| {} | {} | {} | {:.1f} | {:.1f} | {} |\n", q.name, compiled ? "jit" : "interp", lines.size(),
                 static_cast<double>(total) / cpu / 1e6, static_cast<double>(total) / wall / 1e6,
                 compiled ? fmt::format("{:.1f}x", interp_cpu / cpu) : "");
    }
  }
  return same ? 0 : 1;
}
