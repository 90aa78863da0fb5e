// bench-kernels: rows per second of typical scan predicates, JIT kernel against interpreter, on
// batches already in memory (issue 5's and issue 9's kernel figures).
//
//   bench-kernels [--rows 10000000] [--distinct 1000000] [--batch 4096] [--reps 5] [--only NAME,...]
//                 [--plain-strings]
//
// Generates --distinct DeviceNetworkEvents (the columns the predicates read, through a temporary
// JSON-lines file and the event reader, in batches of --batch rows as the reader makes them),
// then copies those batches until --rows rows are in memory. Each predicate is compiled as
// `DeviceNetworkEvents | where P | count` for both engines; the filter over the scan is timed
// alone over every batch: the JIT's kernel (runtime/kernel.h) and the interpreter's
// Evaluator::Select, on one thread. A predicate the JIT cannot compile says so and why (under
// `--engine jit` huntc runs it interpreted). Prints the median of --reps as rows per second of
// wall time and of the thread's CPU time (steadier on a shared machine), the JIT/interpreter
// ratio, and the rows selected, which both engines must agree on: it exits 1 when they do not.
// It asserts nothing about the speeds. The reader dictionary-encodes string columns of few
// distinct values per batch (runtime/batch.h); it prints which share of each string column's
// batches are encoded, and --plain-strings copies every batch's strings into plain columns
// first, to time the same predicates without the dictionaries.
//
// The projections (--only extend) are timed the same way: `DeviceNetworkEvents | extend E` with
// E's columns computed over every row of every batch by the JIT's projection kernel (into
// columns reused from batch to batch, as the Project operator does) and by the interpreter's
// Evaluator::Evaluate; the last column is a checksum of the values, which must agree. A
// projection with a filter (`| where P | extend E`) is timed over the rows P selects: the JIT's
// filter kernel then its projection kernel (two calls per batch), and on a line of its own
// (`+fused`) the fused scan kernel of both (runtime/kernel.h ScanKernel).
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "runtime/event_reader.h"
#include "runtime/exec/eval.h"
#include "tools/gen-events/generator.h"

namespace fs = std::filesystem;
using namespace huntc;

namespace {

const int64_t kNow = *ParseDateTime("2026-11-20T00:00:00Z");

struct Predicate {
  const char* name;
  const char* kql;
};

// Typical scan predicates of hunting rules, simplest first; the last is a filter-heavy rule's
// conjunction (hunt a's and hunt c's filters together).
const Predicate kPredicates[] = {
    {"int_eq", "RemotePort == 443"},
    {"int_lt", "RemotePort < 1024"},
    {"int_rare", "RemotePort == 445"},
    {"string_eq", "ActionType == 'ConnectionSuccess'"},
    {"in_ci", "InitiatingProcessFileName in~ ('powershell.exe', 'cmd.exe', 'rundll32.exe', 'mshta.exe', 'wscript.exe')"},
    {"has", "RemoteUrl has 'pastebin'"},
    {"contains", "InitiatingProcessCommandLine contains '-enc'"},
    {"regex", "InitiatingProcessCommandLine matches regex @'-[eE][nN][cC]\\s'"},
    {"ipv4_range", "ipv4_is_in_range(RemoteIP, '10.0.0.0/8')"},
    // Dynamic member access and a string function, through the interpreter's own code.
    {"member", "tostring(AdditionalFields.direction) == 'In'"},
    {"members", "tostring(AdditionalFields.direction) == 'In' or toint(AdditionalFields.uniqueEventsAggregated) > 50"},
    {"tolower", "tolower(InitiatingProcessFileName) == 'powershell.exe'"},
    // Many literals on one column: one pass per value (Hyperscan), as the interpreter matches them.
    {"has_any", "RemoteUrl has_any ('pastebin', 'ngrok', 'github', 'discord', 'telegram', 'dropbox', 'transfer', "
                "'anonfiles', 'mega', 'ipfs', 'workers', 'duckdns')"},
    {"or_contains", "InitiatingProcessCommandLine contains '-enc' or InitiatingProcessCommandLine contains 'bypass'"
                    " or InitiatingProcessCommandLine contains 'hidden' or InitiatingProcessCommandLine contains 'iex'"
                    " or InitiatingProcessCommandLine contains 'downloadstring'"},
    {"heavy",
     "Timestamp > ago(7d) and ActionType == 'ConnectionSuccess' and RemoteIPType == 'Public' and RemotePort != 443"
     " and InitiatingProcessFileName in~ ('powershell.exe', 'cmd.exe', 'rundll32.exe', 'mshta.exe', 'wscript.exe')"},
};

// Typical computed columns of hunting rules' extends, over every row or over a filter's rows.
struct Projection {
  const char* name;
  const char* where;  // null for none
  const char* extend;
};
const Projection kProjections[] = {
    {"extend", nullptr, "Bytes = RemotePort * 2 + 1, Hour = bin(Timestamp, 1h)"},
    {"extend_str", nullptr, "U = tolower(InitiatingProcessFileName), S = strcat(DeviceName, ':', tostring(RemotePort))"},
    {"where_ext", "RemotePort != 443 and ActionType == 'ConnectionSuccess'",
     "Bytes = RemotePort * 2 + 1, Hour = bin(Timestamp, 1h)"},
    {"where_str", "RemotePort != 443 and ActionType == 'ConnectionSuccess'",
     "U = tolower(InitiatingProcessFileName), S = strcat(DeviceName, ':', tostring(RemotePort))"},
};

// The sum of a column's valid values (bits of a real, hashes of strings), nulls counted apart:
// the same for equal columns.
uint64_t Checksum(const Column& c) {
  uint64_t sum = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c.IsNull(i)) {
      sum += 0x9e3779b97f4a7c15ull;
      continue;
    }
    switch (c.type()) {
      case Type::Bool: sum += c.BoolAt(i); break;
      case Type::Int: sum += static_cast<uint64_t>(c.IntAt(i)); break;
      case Type::Real:
      case Type::Decimal: sum += std::bit_cast<uint64_t>(c.RealAt(i)); break;
      case Type::Long:
      case Type::DateTime:
      case Type::TimeSpan: sum += static_cast<uint64_t>(c.LongAt(i)); break;
      default: sum += std::hash<std::string_view>{}(c.StringAt(i)); break;
    }
  }
  return sum;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The filter directly above the scan in a compiled `T | where P | count`.
const exec::FilterNode* ScanFilter(const exec::PlanNode* node) {
  while (node) {
    if (const auto* filter = node->As<exec::FilterNode>()) {
      if (filter->inputs[0]->Is<exec::ScanNode>()) return filter;
    }
    node = node->inputs.empty() ? nullptr : node->inputs[0].get();
  }
  return nullptr;
}

// Reads `distinct` generated events' `columns` in batches of `batch_rows`; empty on failure.
std::vector<Batch> GenerateBatches(const std::vector<ColumnSpec>& columns, uint64_t distinct, size_t batch_rows) {
  const char* tmp = std::getenv("TMPDIR");
  const fs::path path = fs::path(tmp && *tmp ? tmp : "/tmp") / fmt::format("bench-kernels-{}.jsonl", getpid());
  gen::GenOptions opt;
  opt.events = distinct;
  opt.now = kNow;
  for (const ColumnSpec& c : columns) opt.columns.push_back(c.name);
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (!out) return {};
  bool ok = true;
  gen::Generate(opt, [&](gen::Table, std::string_view chunk) {
    ok = std::fwrite(chunk.data(), 1, chunk.size(), out) == chunk.size();
    return ok;
  });
  ok = std::fclose(out) == 0 && ok;
  std::vector<Batch> batches;
  if (ok) {
    // Every string column dictionary-encoded where a batch has few values, as a read does for
    // the columns a filter tests.
    std::vector<bool> dictionary;
    for (const ColumnSpec& c : columns) dictionary.push_back(c.type == Type::String);
    EventReader reader({{"DeviceNetworkEvents", columns, dictionary}}, {}, batch_rows);
    ReadStats stats;
    ok = reader.Read({path.string(), "DeviceNetworkEvents"}, [&](size_t, const Batch& b) { batches.push_back(b); },
                     [](const InputIssue&) {}, stats);
  }
  fs::remove(path);
  if (!ok) batches.clear();
  return batches;
}

struct Timing {
  double wall = 0, cpu = 0;
  uint64_t selected = 0;
};

template <typename Fn>
Timing Time(int reps, Fn&& run) {
  std::vector<double> walls, cpus;
  uint64_t selected = 0;
  for (int r = 0; r < reps; ++r) {
    const double w0 = WallSeconds(), c0 = ThreadCpuSeconds();
    selected = run();
    cpus.push_back(ThreadCpuSeconds() - c0);
    walls.push_back(WallSeconds() - w0);
  }
  return {Median(walls), Median(cpus), selected};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench-kernels: scan predicates per second, JIT kernel versus interpreter"};
  uint64_t rows = 10'000'000, distinct = 1'000'000;
  size_t batch_rows = 4096;
  int reps = 5;
  std::vector<std::string> only;
  bool plain_strings = false;
  app.add_option("--rows", rows, "rows in memory");
  app.add_option("--distinct", distinct, "distinct generated events, copied until --rows");
  app.add_option("--batch", batch_rows, "rows per batch (the reader's default)");
  app.add_option("--reps", reps, "runs of each measurement (the median is printed)")->check(CLI::PositiveNumber);
  app.add_option("--only", only, "predicates to run, by name")->delimiter(',');
  app.add_flag("--plain-strings", plain_strings, "time string columns without their dictionaries");
  CLI11_PARSE(app, argc, argv);
  distinct = std::min(distinct, rows);

  const Catalog catalog = Catalog::BuiltIn();
  const TableSchema* table = catalog.Find("DeviceNetworkEvents");
  std::string error;
  std::unique_ptr<Jit> jit = Jit::Create(error);
  if (!table || !jit) {
    std::fprintf(stderr, "bench-kernels: %s\n", table ? error.c_str() : "no DeviceNetworkEvents schema");
    return 2;
  }

  // Compile every predicate for both engines first: their scans say which columns to generate.
  struct Compiled {
    const Predicate* p;
    std::unique_ptr<CompiledQuery> jit, interp;
    const exec::FilterNode* jit_filter = nullptr;
    const exec::FilterNode* interp_filter = nullptr;
  };
  std::vector<Compiled> compiled;
  std::vector<ColumnSpec> columns;
  const auto add_columns = [&](const std::vector<ColumnSpec>& schema) {
    for (const ColumnSpec& s : schema) {
      if (std::none_of(columns.begin(), columns.end(), [&](const ColumnSpec& x) { return x.name == s.name; })) {
        columns.push_back(s);
      }
    }
  };
  for (const Predicate& p : kPredicates) {
    if (!only.empty() && std::find(only.begin(), only.end(), p.name) == only.end()) continue;
    const std::string kql = fmt::format("DeviceNetworkEvents | where {} | count", p.kql);
    Compiled c{&p, nullptr, nullptr};
    for (Engine engine : {Engine::Jit, Engine::Interp}) {
      Diagnostics diags;
      auto query = CompileQuery(kql, TextOrigin::Identity(std::make_shared<SourceFile>(p.name, kql)), catalog, *jit,
                                diags, nullptr, engine);
      const exec::FilterNode* filter = query && query->plan ? ScanFilter(query->plan.get()) : nullptr;
      if (!filter) {
        std::fprintf(stderr, "bench-kernels: %s does not compile to a filter over the scan: %s\n", p.name,
                     diags.items().empty() ? "" : RenderText(diags.items()[0]).c_str());
        return 2;
      }
      (engine == Engine::Jit ? c.jit_filter : c.interp_filter) = filter;
      (engine == Engine::Jit ? c.jit : c.interp) = std::move(query);
    }
    add_columns(c.interp_filter->inputs[0]->schema);
    compiled.push_back(std::move(c));
  }
  // The projections: a Project over the scan in `T | extend E`.
  struct CompiledProjection {
    const Projection* p;
    std::unique_ptr<CompiledQuery> jit, interp;
  };
  // The Scan below a compiled projection, through its filter if it has one.
  const auto scan_of = [](const CompiledQuery& q) -> const exec::PlanNode* {
    const exec::PlanNode* below = q.plan->inputs[0].get();
    if (const auto* filter = below->As<exec::FilterNode>()) below = filter->inputs[0].get();
    return below->Is<exec::ScanNode>() ? below : nullptr;
  };
  std::vector<CompiledProjection> projections;
  for (const Projection& p : kProjections) {
    if (!only.empty() && std::find(only.begin(), only.end(), p.name) == only.end()) continue;
    const std::string kql = p.where ? fmt::format("DeviceNetworkEvents | where {} | extend {}", p.where, p.extend)
                                    : fmt::format("DeviceNetworkEvents | extend {}", p.extend);
    CompiledProjection c{&p, nullptr, nullptr};
    for (Engine engine : {Engine::Jit, Engine::Interp}) {
      Diagnostics diags;
      auto query = CompileQuery(kql, TextOrigin::Identity(std::make_shared<SourceFile>(p.name, kql)), catalog, *jit,
                                diags, nullptr, engine);
      const exec::PlanNode* plan = query ? query->plan.get() : nullptr;
      if (!plan || !plan->Is<exec::ProjectNode>() || !scan_of(*query) ||
          (p.where != nullptr) != plan->inputs[0]->Is<exec::FilterNode>()) {
        std::fprintf(stderr, "bench-kernels: %s does not compile to a projection of the scan: %s\n", p.name,
                     diags.items().empty() ? "" : RenderText(diags.items()[0]).c_str());
        return 2;
      }
      (engine == Engine::Jit ? c.jit : c.interp) = std::move(query);
    }
    add_columns(scan_of(*c.interp)->schema);
    projections.push_back(std::move(c));
  }
  // The generator writes columns in schema order; the reader takes them in any.
  std::sort(columns.begin(), columns.end(),
            [&](const ColumnSpec& a, const ColumnSpec& b) { return table->Find(a.name) < table->Find(b.name); });

  std::fprintf(stderr, "bench-kernels: generating %llu events\n", static_cast<unsigned long long>(distinct));
  std::vector<Batch> batches = GenerateBatches(columns, distinct, batch_rows);
  if (batches.empty()) {
    std::fprintf(stderr, "bench-kernels: generating or reading the events failed\n");
    return 2;
  }
  for (size_t k = 0; k < columns.size(); ++k) {
    if (columns[k].type != Type::String) continue;
    size_t encoded = 0;
    for (Batch& b : batches) {
      encoded += b.columns[k].codes() != nullptr;
      if (!plain_strings) continue;
      Column plain(Type::String);
      for (size_t row = 0; row < b.rows(); ++row) plain.AppendFrom(b.columns[k], row);
      b.columns[k] = std::move(plain);
    }
    std::fprintf(stderr, "bench-kernels: %s: dictionary-encoded in %zu of %zu batches%s\n", columns[k].name.c_str(),
                 encoded, batches.size(), plain_strings ? " (timed plain: --plain-strings)" : "");
  }
  const size_t generated = batches.size();
  uint64_t total = 0;
  for (const Batch& b : batches) total += b.rows();
  batches.reserve(generated * ((rows + total - 1) / total));
  for (size_t i = 0; total < rows; ++i) {
    batches.push_back(batches[i % generated]);
    total += batches.back().rows();
  }

  std::printf("rows %llu in %zu batches of up to %zu; %d reps\n", static_cast<unsigned long long>(total),
              batches.size(), batch_rows, reps);
  if (!compiled.empty()) {
    std::printf("%-11s %-6s %14s %14s %14s %14s %8s %10s\n", "predicate", "jit", "jit_Mrows/s", "jit_Mrows/cpu_s",
                "interp_Mrows/s", "interp_Mrows/cpu_s", "ratio", "selected");
  }
  int status = 0;
  std::vector<uint32_t> selection(batch_rows);
  // A query's batches: the shared columns, moved (not copied) into its scan's order; `from` says
  // where each came from, for giving them back.
  std::vector<size_t> from;
  const auto take = [&](const std::vector<ColumnSpec>& schema) {
    from.clear();
    for (const ColumnSpec& s : schema) {
      from.push_back(std::find_if(columns.begin(), columns.end(), [&](const ColumnSpec& x) { return x.name == s.name; }) -
                     columns.begin());
    }
    std::vector<Batch> mine;
    mine.reserve(batches.size());
    for (Batch& b : batches) {
      Batch m(schema);
      for (size_t k = 0; k < from.size(); ++k) m.columns[k] = std::move(b.columns[from[k]]);
      mine.push_back(std::move(m));
    }
    return mine;
  };
  const auto give_back = [&](std::vector<Batch>& mine) {
    for (size_t i = 0; i < batches.size(); ++i) {
      for (size_t k = 0; k < from.size(); ++k) batches[i].columns[from[k]] = std::move(mine[i].columns[k]);
    }
  };
  const auto views_of = [](const std::vector<Batch>& mine) {
    std::vector<std::vector<ColumnView>> views;
    for (const Batch& b : mine) {
      views.emplace_back();
      for (const Column& col : b.columns) views.back().push_back(col.View());
    }
    return views;
  };
  const auto mrows = [&](double s) { return s > 0 ? static_cast<double>(total) / s / 1e6 : 0.0; };
  for (Compiled& c : compiled) {
    std::vector<Batch> mine = take(c.interp_filter->inputs[0]->schema);

    Timing jit_t;
    const FilterKernel kernel = c.jit_filter->kernel;
    if (kernel) {
      const std::vector<std::vector<ColumnView>> views = views_of(mine);
      const KernelContext context{kNow, c.jit_filter->kernel_objects};
      selection.resize(batch_rows);
      jit_t = Time(reps, [&] {
        uint64_t n = 0;
        for (size_t i = 0; i < mine.size(); ++i) {
          n += kernel(views[i].data(), static_cast<uint32_t>(mine[i].rows()), &context, selection.data());
        }
        return n;
      });
    }
    exec::Evaluator eval(kNow);
    std::vector<uint32_t> out;
    const Timing interp_t = Time(reps, [&] {
      uint64_t n = 0;
      for (const Batch& b : mine) {
        eval.Select(c.interp_filter->predicate, exec::RowSet::All(b), out);
        n += out.size();
      }
      return n;
    });

    if (kernel) {
      std::printf("%-11s %-6s %14.1f %14.1f %14.1f %14.1f %8.2f %10llu\n", c.p->name, "yes", mrows(jit_t.wall),
                  mrows(jit_t.cpu), mrows(interp_t.wall), mrows(interp_t.cpu), interp_t.cpu / jit_t.cpu,
                  static_cast<unsigned long long>(interp_t.selected));
      if (jit_t.selected != interp_t.selected) {
        std::fprintf(stderr, "bench-kernels: MISMATCH: %s selects %llu rows with the JIT, %llu interpreted\n",
                     c.p->name, static_cast<unsigned long long>(jit_t.selected),
                     static_cast<unsigned long long>(interp_t.selected));
        status = 1;
      }
    } else {
      std::printf("%-11s %-6s %14s %14s %14.1f %14.1f %8s %10llu\n", c.p->name, "no", "-", "-", mrows(interp_t.wall),
                  mrows(interp_t.cpu), "-", static_cast<unsigned long long>(interp_t.selected));
      std::fprintf(stderr, "bench-kernels: %s runs interpreted under the JIT: %s\n", c.p->name,
                   c.jit->interpreted.empty() ? "" : c.jit->interpreted[0].c_str());
    }
    std::fflush(stdout);
    give_back(mine);  // for the next predicate
  }

  if (!projections.empty()) {
    std::printf("%-11s %-6s %14s %14s %14s %14s %8s %20s\n", "projection", "jit", "jit_Mrows/s", "jit_Mrows/cpu_s",
                "interp_Mrows/s", "interp_Mrows/cpu_s", "ratio", "checksum");
  }
  for (CompiledProjection& c : projections) {
    const auto& project = *c.interp->plan->As<exec::ProjectNode>();
    const auto& compiled_project = *c.jit->plan->As<exec::ProjectNode>();
    const auto* filter = project.inputs[0]->As<exec::FilterNode>();
    const auto* compiled_filter = compiled_project.inputs[0]->As<exec::FilterNode>();
    std::vector<Batch> mine = take(scan_of(*c.interp)->schema);
    std::vector<size_t> computed;  // the columns the extend computes
    for (size_t i = 0; i < project.exprs.size(); ++i) {
      if (project.exprs[i].kind != exec::ExprKind::Column) computed.push_back(i);
    }
    // The fallbacks of a fused kernel are compiled when first used: now.
    const LazyProjectKernel::Compiled lazy_project =
        compiled_project.lazy_kernel ? compiled_project.lazy_kernel->Get() : LazyProjectKernel::Compiled{};
    const LazyFilterKernel::Compiled lazy_filter = compiled_filter && compiled_filter->lazy_kernel
                                                       ? compiled_filter->lazy_kernel->Get()
                                                       : LazyFilterKernel::Compiled{};
    const ProjectKernel kernel = compiled_project.kernel ? compiled_project.kernel : lazy_project.kernel;
    const void* const* kernel_objects =
        compiled_project.kernel ? compiled_project.kernel_objects : lazy_project.objects;
    const FilterKernel filter_kernel =
        compiled_filter ? (compiled_filter->kernel ? compiled_filter->kernel : lazy_filter.kernel) : nullptr;
    const void* const* filter_objects =
        compiled_filter && compiled_filter->kernel ? compiled_filter->kernel_objects : lazy_filter.objects;
    const bool all = kernel && (!filter || filter_kernel) &&
                     std::all_of(computed.begin(), computed.end(), [&](size_t i) { return compiled_project.compiled[i]; });
    ScanKernel fused = nullptr;
    const void* const* fused_objects = nullptr;
    if (all && compiled_project.fused) {
      const LazyScanKernel::Compiled& f = compiled_project.fused->Get();
      fused = f.kernel;
      fused_objects = f.objects;
      if (!fused) std::fprintf(stderr, "bench-kernels: %s has no fused kernel: %s\n", c.p->name, f.error.c_str());
    }
    // The checksums are taken in one more run, untimed.
    bool check = false;
    Timing jit_t, fused_t;
    if (all) {
      const std::vector<std::vector<ColumnView>> views = views_of(mine);
      std::vector<Column> out;
      for (size_t i : computed) out.emplace_back(project.schema[i].type);
      std::vector<ColumnOutput> outputs(out.size());
      std::vector<uint32_t> identity(batch_rows);
      for (uint32_t i = 0; i < batch_rows; ++i) identity[i] = i;
      const KernelContext context{kNow, kernel_objects};
      const KernelContext filter_context{kNow, filter_objects};
      const auto run = [&] {
        uint64_t sum = 0;
        for (size_t b = 0; b < mine.size(); ++b) {
          uint32_t n = static_cast<uint32_t>(mine[b].rows());
          const uint32_t* rows_of = identity.data();
          if (filter_kernel) {
            n = filter_kernel(views[b].data(), n, &filter_context, selection.data());
            rows_of = selection.data();
          }
          for (size_t k = 0; k < out.size(); ++k) outputs[k] = out[k].Resize(n);
          kernel(views[b].data(), n, rows_of, &context, outputs.data());
          for (const Column& col : out) sum += check ? Checksum(col) : 0;
        }
        return sum;
      };
      jit_t = Time(reps, run);
      check = true;
      jit_t.selected = run();
      check = false;
      if (fused) {
        const KernelContext fused_context{kNow, fused_objects};
        const auto run_fused = [&] {
          uint64_t sum = 0;
          for (size_t b = 0; b < mine.size(); ++b) {
            const size_t rows_in = mine[b].rows();
            for (size_t k = 0; k < out.size(); ++k) outputs[k] = out[k].Resize(rows_in);
            const uint32_t n = fused(views[b].data(), static_cast<uint32_t>(rows_in), &fused_context, selection.data(),
                                     outputs.data());
            for (Column& col : out) {
              if (IsFixedWidth(col.type())) col.Resize(n);
              sum += check ? Checksum(col) : 0;
            }
          }
          return sum;
        };
        fused_t = Time(reps, run_fused);
        check = true;
        fused_t.selected = run_fused();
        check = false;
      }
    }
    exec::Evaluator eval(kNow);
    std::vector<uint32_t> chosen;
    const auto run = [&] {
      uint64_t sum = 0;
      for (const Batch& b : mine) {
        exec::RowSet rows = exec::RowSet::All(b);
        if (filter) {
          eval.Select(filter->predicate, rows, chosen);
          rows = exec::RowSet{&b, chosen.data(), chosen.size()};
        }
        for (size_t i : computed) {
          const Column col = eval.Evaluate(project.exprs[i], rows);
          sum += check ? Checksum(col) : 0;
        }
      }
      return sum;
    };
    Timing interp_t = Time(reps, run);
    check = true;
    interp_t.selected = run();
    if (all) {
      const auto line = [&](const std::string& name, const Timing& t) {
        std::printf("%-11s %-6s %14.1f %14.1f %14.1f %14.1f %8.2f %20llu\n", name.c_str(), "yes", mrows(t.wall),
                    mrows(t.cpu), mrows(interp_t.wall), mrows(interp_t.cpu), interp_t.cpu / t.cpu,
                    static_cast<unsigned long long>(t.selected));
        if (t.selected != interp_t.selected) {
          std::fprintf(stderr, "bench-kernels: MISMATCH: %s computes other values with the JIT\n", name.c_str());
          status = 1;
        }
      };
      line(c.p->name, jit_t);
      if (fused) line(std::string(c.p->name) + "+fused", fused_t);
    } else {
      std::printf("%-11s %-6s %14s %14s %14.1f %14.1f %8s %20llu\n", c.p->name, "no", "-", "-", mrows(interp_t.wall),
                  mrows(interp_t.cpu), "-", static_cast<unsigned long long>(interp_t.selected));
      std::fprintf(stderr, "bench-kernels: %s runs interpreted under the JIT: %s\n", c.p->name,
                   c.jit->interpreted.empty() ? "" : c.jit->interpreted[0].c_str());
    }
    std::fflush(stdout);
    give_back(mine);
  }
  return status;
}
