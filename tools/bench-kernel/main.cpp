// bench-kernel: scan filters over string columns held in memory, JIT kernel versus interpreter.
//
//   bench-kernel [--rows 10000000] [--reps 3] [--batch 4096]
//
// Generates DeviceProcessEvents command lines (a pool of distinct values repeated up to --rows),
// stores them as one string column in batches of --batch rows, as the reader hands them over,
// and times each filter below over all of them: the compiled kernel (compiler/jit) and the
// interpreter (runtime/exec). Prints the best CPU time of --reps, rows per CPU second, the ratio, and the
// number of rows kept, which both engines must give alike (exit status 1 otherwise). It only
// prints figures; it asserts nothing about them.
#include <ctime>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <simdjson.h>

#include "compiler/jit/jit.h"
#include "runtime/exec/eval.h"
#include "runtime/types.h"
#include "tools/gen-events/generator.h"

using namespace huntc;

namespace {

std::vector<std::string> CommandLines(uint64_t events) {
  gen::GenOptions opt;
  opt.events = events;
  opt.now = *ParseDateTime("2026-11-20T00:00:00Z");
  opt.tables = {gen::Table::kDeviceProcessEvents};
  opt.columns = {"ProcessCommandLine"};
  std::vector<std::string> out;
  simdjson::dom::parser parser;
  gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
    size_t at = 0;
    while (at < chunk.size()) {
      size_t end = chunk.find('\n', at);
      if (end == std::string_view::npos) end = chunk.size();
      std::string_view value;
      if (parser.parse(chunk.data() + at, end - at)["ProcessCommandLine"].get(value) == simdjson::SUCCESS) {
        out.emplace_back(value);
      }
      at = end + 1;
    }
    return true;
  });
  return out;
}

// The best CPU seconds of `reps` runs of `f`, which returns the rows it kept.
template <class F>
double BestCpuSeconds(int reps, size_t& kept, F f) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const std::clock_t start = std::clock();
    kept = f();
    best = std::min(best, double(std::clock() - start) / CLOCKS_PER_SEC);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Times scan filters over an in-memory string column: JIT kernel versus interpreter."};
  uint64_t rows = 10'000'000;
  uint32_t batch_rows = 4096;
  int reps = 3;
  app.add_option("--rows", rows, "Rows in memory")->capture_default_str();
  app.add_option("--batch", batch_rows, "Rows per batch")->check(CLI::Range(1u, 1u << 24))->capture_default_str();
  app.add_option("--reps", reps, "Runs of each; the best is shown")->check(CLI::Range(1, 100))->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const std::vector<std::string> pool = CommandLines(std::min<uint64_t>(rows, 200'000));
  if (pool.empty()) return 1;
  // The column in batches of `batch_rows`, as the reader hands them over.
  std::vector<Batch> batches;
  std::vector<ColumnView> views;
  for (uint64_t start = 0; start < rows; start += batch_rows) {
    Batch& b = batches.emplace_back();
    b.columns.emplace_back(Type::String);
    for (uint64_t r = start; r < std::min<uint64_t>(rows, start + batch_rows); ++r) {
      b.columns[0].AppendString(pool[r % pool.size()]);
    }
  }
  for (const Batch& b : batches) views.push_back(b.columns[0].View());
  const std::vector<ColumnSpec> specs = {{"ProcessCommandLine", Type::String}};

  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  if (!jit) {
    fmt::print(stderr, "bench-kernel: {}\n", error);
    return 1;
  }
  using ir::Expr;
  using ir::Fn;
  const auto test = [](Fn fn, const char* text) {
    return Expr::Call(fn, Type::Bool, {Expr::Column(0, Type::String), Expr::Constant(ir::Value::String(text))});
  };
  const std::vector<std::pair<std::string, Expr>> filters = {
      {"contains \"-enc\"", test(Fn::Contains, "-enc")},
      {"contains_cs \"-enc\"", test(Fn::ContainsCs, "-enc")},
      {"has \"pastebin\"", test(Fn::Has, "pastebin")},
      {"startswith \"C:\\\\Windows\"", test(Fn::StartsWith, "C:\\Windows")},
      {"== \"cmd.exe\"", test(Fn::Eq, "cmd.exe")},
  };
  fmt::print("{} rows in memory ({} distinct command lines), batches of {}, best CPU time of {}\n", rows,
             pool.size(), batch_rows, reps);
  fmt::print("{:<26} {:>10} {:>14} {:>10} {:>14} {:>7} {:>9}\n", "filter", "jit s", "jit M rows/s", "interp s",
             "interp M rows/s", "ratio", "kept");
  int status = 0;
  std::vector<uint32_t> selection(batch_rows);
  for (const auto& [name, predicate] : filters) {
    KernelObjects objects;
    const FilterKernel kernel = jit->CompileFilter(predicate, specs, objects, nullptr, error);
    if (!kernel) {
      fmt::print(stderr, "bench-kernel: {}: {}\n", name, error);
      return 1;
    }
    const KernelContext context{0, objects.table.data()};
    size_t jit_kept = 0, interp_kept = 0;
    const double jit_s = BestCpuSeconds(reps, jit_kept, [&] {
      size_t kept = 0;
      for (size_t k = 0; k < batches.size(); ++k) {
        kept += kernel(&views[k], static_cast<uint32_t>(batches[k].rows()), &context, selection.data());
      }
      return kept;
    });
    exec::Evaluator evaluator(0);
    const double interp_s = BestCpuSeconds(reps, interp_kept, [&] {
      size_t kept = 0;
      for (const Batch& b : batches) {
        const Column c = evaluator.Evaluate(predicate, exec::RowSet::All(b));
        for (size_t r = 0; r < c.size(); ++r) kept += !c.IsNull(r) && c.BoolAt(r);
      }
      return kept;
    });
    if (jit_kept != interp_kept) {
      fmt::print(stderr, "bench-kernel: {}: the JIT kept {} rows, the interpreter {}\n", name, jit_kept, interp_kept);
      status = 1;
    }
    fmt::print("{:<26} {:>10.3f} {:>14.1f} {:>10.3f} {:>14.1f} {:>6.1f}x {:>9}\n", name, jit_s, rows / jit_s / 1e6,
               interp_s, rows / interp_s / 1e6, interp_s / jit_s, jit_kept);
  }
  return status;
}
