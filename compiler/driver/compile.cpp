// The compiler driver.
#include "compiler/driver/compile.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/lower.h"
#include "compiler/ir/optimize.h"
#include "compiler/ir/physical.h"
#include "compiler/syntax/parser.h"
#include "runtime/exec/prefilter.h"
#include "runtime/exec/run.h"
#include "runtime/output.h"

namespace huntc {

bool AnalyzeQuery(std::string_view query, const TextOrigin& origin, const Catalog& catalog,
                  Diagnostics& diags, AnalyzedQuery& out, CompileDumps* dumps,
                  const ExternalFiles* external) {
  const syntax::Reporter report = [&](Code code, syntax::Span span, std::string message) {
    diags.Report(code, origin.Map(span.begin, span.end), std::move(message));
  };
  out.parsed = syntax::Parse(query, out.ast, report);
  if (dumps) dumps->ast = syntax::Dump(out.ast);  // also with errors: the tree shows what was read
  if (!out.parsed) return false;
  out.bound = Bind(out.ast, catalog, out.binding, report);
  if (!out.bound) return false;

  out.plan = ir::Lower(out.ast, out.binding, report, {.external_files = external});
  if (!out.plan) return false;
  if (dumps) dumps->ir = out.plan->ToString();
  out.plan = ir::Optimize(std::move(out.plan));
  if (dumps) dumps->ir_opt = out.plan->ToString();
  return true;
}

namespace {

// Calls `visit` on every node of `plan`, each shared subplan's nodes once. Iterative: joins and
// unions nest as deep as the query does.
template <typename Visit>
void ForEachNode(exec::PlanNode& plan, Visit visit) {
  std::vector<exec::PlanNode*> stack{&plan};
  std::set<const exec::PlanNode*> shared;
  while (!stack.empty()) {
    exec::PlanNode* node = stack.back();
    stack.pop_back();
    for (const exec::PlanPtr& input : node->inputs) stack.push_back(input.get());
    if (auto* use = node->As<exec::SharedNode>(); use && shared.insert(use->subplan.get()).second) {
      stack.push_back(use->subplan.get());
    }
    visit(node);
  }
}

// Compiles the filter directly above each Scan of `plan` to a kernel, which then runs in its
// place; a filter the JIT cannot compile stays interpreted and is named in `q.interpreted`.
// Without `generate`, only finds which filters would compile (q.kernels counts them); with
// `lazy`, also gives those a kernel compiled when first used.
constexpr std::string_view kFilterInterpreted = "a scan filter runs interpreted: ";

void CompileScanFilters(exec::PlanNode& plan, Jit& jit, CompiledQuery& q, KernelDumps* dumps, bool generate,
                        bool lazy = false, const std::set<const exec::FilterNode*>& also_lazy = {}) {
  ForEachNode(plan, [&](exec::PlanNode* node) {
    auto* filter = node->As<exec::FilterNode>();
    if (!filter || !filter->inputs[0]->Is<exec::ScanNode>()) return;
    std::string error;
    const std::vector<ColumnSpec>& columns = filter->inputs[0]->schema;
    if (!generate || lazy || also_lazy.count(filter)) {
      if (!jit.CanCompile(filter->predicate, columns, error)) {
        q.interpreted.push_back(std::string(kFilterInterpreted) + error);
        return;
      }
      ++q.kernels;
      if (!generate) return;
      // Its own objects: q.objects' table is complete, and pointed to, before this compiles.
      filter->lazy_kernel = std::make_shared<LazyFilterKernel>(
          [&jit, filter, objects = std::make_shared<KernelObjects>()] {
            LazyFilterKernel::Compiled c;
            c.kernel = jit.CompileFilter(filter->predicate, filter->inputs[0]->schema, *objects, nullptr, c.error);
            c.objects = objects->table.data();
            return c;
          });
      q.lazy_filters.push_back(filter);
      return;
    }
    filter->kernel = jit.CompileFilter(filter->predicate, columns, q.objects, dumps, error);
    if (filter->kernel) {
      ++q.kernels;
    } else {
      q.interpreted.push_back(std::string(kFilterInterpreted) + error);
    }
  });
}

// Compiles each summarize of `plan` to a kernel, which then fills a group table in place of the
// interpreter's aggregators; one the JIT cannot compile stays interpreted and is named in
// `q.interpreted`. Without `generate`, only finds which would compile.
void CompileAggregates(exec::PlanNode& plan, Jit& jit, CompiledQuery& q, KernelDumps* dumps, bool generate) {
  ForEachNode(plan, [&](exec::PlanNode* node) {
    auto* aggregate = node->As<exec::AggregateNode>();
    if (!aggregate) return;
    std::string error;
    const bool ok = generate ? (aggregate->kernel = jit.CompileAggregate(*aggregate, q.objects, dumps, error)) != nullptr
                             : jit.CanCompileAggregate(*aggregate, error);
    if (ok) {
      ++q.kernels;
    } else {
      q.interpreted.push_back("a summarize runs interpreted: " + error);
    }
  });
}

// Whether `e`, a column of a Project, is computed per row: not a column passed on, nor a string
// constant (a union's missing columns, say).
bool Computed(const exec::Expr& e) {
  return e.kind != exec::ExprKind::Column && !(e.kind == exec::ExprKind::Constant && !IsFixedWidth(e.type));
}

// The filter over a Scan directly below `project`, or null.
const exec::FilterNode* FilterOverScan(const exec::ProjectNode& project) {
  const auto* filter = project.inputs[0]->As<exec::FilterNode>();
  return filter && filter->inputs[0]->Is<exec::ScanNode>() ? filter : nullptr;
}

// The tier of a kernel over the rows `node` yields: cold when they are few, that is when every
// path below it passes a filter or a summarize before it reaches a scan (its rows are a rule's
// detections or groups), else hot. Iterative: joins and unions nest as deep as the query does.
KernelTier TierOver(const exec::PlanNode& node) {
  std::vector<const exec::PlanNode*> stack{&node};
  while (!stack.empty()) {
    const exec::PlanNode* n = stack.back();
    stack.pop_back();
    if (n->Is<exec::FilterNode>() || n->Is<exec::AggregateNode>()) continue;
    if (n->Is<exec::ScanNode>()) return KernelTier::Hot;
    if (const auto* use = n->As<exec::SharedNode>()) stack.push_back(use->subplan.get());
    for (const exec::PlanPtr& input : n->inputs) stack.push_back(input.get());
  }
  return KernelTier::Cold;
}

// The filters over a Scan below a Project with computed columns: fused with it when both compile
// (FuseWithFilter), so that their own kernels are only fallbacks, compiled when first used.
std::set<const exec::FilterNode*> FusedFilters(exec::PlanNode& plan) {
  std::set<const exec::FilterNode*> filters;
  ForEachNode(plan, [&](exec::PlanNode* node) {
    const auto* project = node->As<exec::ProjectNode>();
    const exec::FilterNode* filter = project ? FilterOverScan(*project) : nullptr;
    if (filter && std::any_of(project->exprs.begin(), project->exprs.end(), Computed)) filters.insert(filter);
  });
  return filters;
}

// Gives a Project with a kernel directly above a compiled filter over a Scan the fused kernel of
// both, compiled at its first batch: a filter a pack scan stage runs never needs it.
void FuseWithFilter(exec::ProjectNode& project, Jit& jit) {
  const exec::FilterNode* filter = FilterOverScan(project);
  if (!filter || !filter->compiled()) return;
  // Its own objects: q.objects' table is complete, and pointed to, before this compiles.
  project.fused = std::make_shared<LazyScanKernel>([&jit, &project, filter, objects = std::make_shared<KernelObjects>()] {
    std::vector<const exec::Expr*> exprs;
    for (size_t i = 0; i < project.exprs.size(); ++i) {
      if (project.compiled[i]) exprs.push_back(&project.exprs[i]);
    }
    LazyScanKernel::Compiled c;
    c.kernel = jit.CompileScan(filter->predicate, exprs, filter->inputs[0]->schema, *objects, nullptr, c.error);
    c.objects = objects->table.data();
    return c;
  });
}

// Compiles the computed columns of each Project in `plan` into one kernel per Project (a scan
// pipeline's, or one above a join, mv-expand or summarize: the kernel reads the rows selected of
// any batch); a column the JIT cannot compile (a guid, or a construct it lacks) stays
// interpreted and is named in `q.interpreted`. Without `generate`, only finds which would
// compile. With `lazy`, a projection fused with its filter gets a kernel compiled when first used.
void CompileProjections(exec::PlanNode& plan, Jit& jit, CompiledQuery& q, KernelDumps* dumps, bool generate,
                        bool lazy = false) {
  ForEachNode(plan, [&](exec::PlanNode* node) {
    auto* project = node->As<exec::ProjectNode>();
    if (!project) return;
    const std::vector<ColumnSpec>& columns = project->inputs[0]->schema;
    std::vector<bool> compiled(project->exprs.size(), false);
    std::vector<const exec::Expr*> exprs;
    for (size_t i = 0; i < project->exprs.size(); ++i) {
      const exec::Expr& e = project->exprs[i];
      if (!Computed(e)) continue;  // nothing to compute per row
      std::string error;
      if (jit.CanCompileProjection(e, columns, error)) {
        compiled[i] = true;
        exprs.push_back(&e);
      } else {
        q.interpreted.push_back(
            fmt::format("a computed column runs interpreted: {}: {}", project->schema[i].name, error));
      }
    }
    if (exprs.empty()) return;
    std::string error;
    const exec::FilterNode* filter = FilterOverScan(*project);
    if (generate && lazy && filter && filter->compiled()) {
      // Its own objects: q.objects' table is complete, and pointed to, before this compiles.
      project->lazy_kernel = std::make_shared<LazyProjectKernel>(
          [&jit, project, exprs, objects = std::make_shared<KernelObjects>()] {
            LazyProjectKernel::Compiled c;
            c.kernel = jit.CompileProjection(exprs, project->inputs[0]->schema, *objects, nullptr, c.error,
                                             KernelTier::Cold);  // over the rows its filter selected
            c.objects = objects->table.data();
            return c;
          });
      q.lazy_projections.push_back(project);
      project->compiled = std::move(compiled);
      FuseWithFilter(*project, jit);
    } else if (generate) {
      project->kernel = jit.CompileProjection(exprs, columns, q.objects, dumps, error, TierOver(*project->inputs[0]));
      if (!project->kernel) {
        q.interpreted.push_back("a projection runs interpreted: " + error);
        return;
      }
      project->compiled = std::move(compiled);
      FuseWithFilter(*project, jit);
    }
    ++q.kernels;
  });
}

// Compiles the predicate of each filter of `plan` not directly above a Scan (over a join's,
// summarize's or mv-expand's rows) as a projection kernel of one bool column; one the JIT cannot
// compile stays interpreted and is named in `q.interpreted`. Without `generate`, only finds which
// would compile.
void CompileRowFilters(exec::PlanNode& plan, Jit& jit, CompiledQuery& q, KernelDumps* dumps, bool generate) {
  ForEachNode(plan, [&](exec::PlanNode* node) {
    auto* filter = node->As<exec::FilterNode>();
    if (!filter || filter->inputs[0]->Is<exec::ScanNode>()) return;
    const std::vector<ColumnSpec>& columns = filter->inputs[0]->schema;
    std::string error;
    const bool ok = generate ? (filter->row_kernel = jit.CompileProjection({&filter->predicate}, columns, q.objects,
                                                                           dumps, error,
                                                                           TierOver(*filter->inputs[0]))) != nullptr
                             : jit.CanCompileProjection(filter->predicate, columns, error);
    if (ok) {
      ++q.kernels;
    } else {
      q.interpreted.push_back("a filter runs interpreted: " + error);
    }
  });
}

// Points every kernel of `plan`, shared subplans' too, at the objects table, which is complete
// only once all are compiled.
void SetKernelObjects(exec::PlanNode& plan, const CompiledQuery& q) {
  ForEachNode(plan, [&](exec::PlanNode* node) {
    if (auto* filter = node->As<exec::FilterNode>(); filter && (filter->kernel || filter->row_kernel)) {
      filter->kernel_objects = q.objects.table.data();
    }
    if (auto* a = node->As<exec::AggregateNode>(); a && a->kernel) a->kernel_objects = q.objects.table.data();
    if (auto* p = node->As<exec::ProjectNode>(); p && p->kernel) p->kernel_objects = q.objects.table.data();
  });
}

// The scan pipeline that runs `plan` on its own, when the plan is one: Scan, at most one
// Filter (compiled), at most one Project of columns. Then the query needs no plan.
bool ToScanPipeline(CompiledQuery& q) {
  const exec::PlanNode* node = q.plan.get();
  const exec::ProjectNode* project = node->As<exec::ProjectNode>();
  if (project) {
    for (const exec::Expr& e : project->exprs) {
      if (e.kind != exec::ExprKind::Column) return false;
    }
    node = node->inputs[0].get();
  }
  const exec::FilterNode* filter = node->As<exec::FilterNode>();
  exec::PlanPtr& filter_owner = project ? q.plan->inputs[0] : q.plan;
  if (filter) {
    if (!filter->compiled()) return false;
    node = node->inputs[0].get();
  }
  const exec::ScanNode* scan = node->As<exec::ScanNode>();
  if (!scan) return false;
  ScanPipeline& p = q.pipeline;
  p.table = scan->table;
  p.columns = scan->schema;
  if (filter) {
    p.filter = filter->kernel;  // for a lazy filter, set once compiled (CompilePipelineFilter)
    p.objects = filter->kernel_objects;
    p.literals = exec::LineLiterals(filter->predicate, scan->schema);
    p.dictionary = exec::PredicateDictionary(filter->predicate, scan->schema);
    p.filter_columns = exec::PredicateColumns(filter->predicate, scan->schema.size());
  }
  const std::vector<ColumnSpec>& result = q.plan->schema;
  for (size_t i = 0; i < result.size(); ++i) {
    p.shape.output.push_back(project ? static_cast<uint32_t>(project->exprs[i].column) : static_cast<uint32_t>(i));
    p.shape.output_names.push_back(result[i].name);
  }
  if (filter) q.scan_filter = std::move(filter_owner);
  q.plan.reset();
  return true;
}

// Gives a scan pipeline whose filter is lazy its kernel, compiled now. If it cannot be compiled,
// the query runs as the plan of its filter over its Scan instead (interpreted; RunQueries says
// why), whose result has the pipeline's columns.
void CompilePipelineFilter(CompiledQuery& q) {
  if (q.plan || q.pipeline.filter || !q.scan_filter) return;
  const auto& lazy = q.scan_filter->As<exec::FilterNode>()->lazy_kernel;
  if (!lazy) return;
  const LazyFilterKernel::Compiled& compiled = lazy->Get();
  if (compiled.kernel) {
    q.pipeline.filter = compiled.kernel;
    q.pipeline.objects = compiled.objects;
  } else {
    q.plan = std::move(q.scan_filter);
  }
}

}  // namespace

std::unique_ptr<CompiledQuery> CompileQuery(std::string_view query, const TextOrigin& origin,
                                            const Catalog& catalog, Jit& jit, Diagnostics& diags,
                                            CompileDumps* dumps, Engine engine, const ExternalFiles* external,
                                            bool lazy_filters) {
  AnalyzedQuery front;
  if (!AnalyzeQuery(query, origin, catalog, diags, front, dumps, external)) return nullptr;
  auto compiled = std::make_unique<CompiledQuery>();
  compiled->engine = engine;
  compiled->plan = ir::ToPlan(*front.plan);
  if (engine == Engine::Jit) {
    // With dumps every kernel is compiled now, for its IR.
    const std::set<const exec::FilterNode*> fused = dumps ? std::set<const exec::FilterNode*>()
                                                          : FusedFilters(*compiled->plan);
    CompileScanFilters(*compiled->plan, jit, *compiled, dumps ? &dumps->kernel : nullptr, true,
                       lazy_filters && !dumps, fused);
    CompileAggregates(*compiled->plan, jit, *compiled, dumps ? &dumps->kernel : nullptr, true);
    CompileProjections(*compiled->plan, jit, *compiled, dumps ? &dumps->kernel : nullptr, true, !dumps);
    CompileRowFilters(*compiled->plan, jit, *compiled, dumps ? &dumps->kernel : nullptr, true);
    SetKernelObjects(*compiled->plan, *compiled);
  }
  if (dumps) dumps->plan = compiled->plan->ToString();
  if (engine == Engine::Jit && ToScanPipeline(*compiled)) return compiled;
  DetectionShape& shape = compiled->pipeline.shape;
  for (const ColumnSpec& c : compiled->plan->schema) {
    shape.output.push_back(static_cast<uint32_t>(shape.output.size()));
    shape.output_names.push_back(c.name);
  }
  return compiled;
}

std::unique_ptr<CompiledQuery> CheckKernels(const AnalyzedQuery& query, Jit& jit) {
  auto checked = std::make_unique<CompiledQuery>();
  checked->plan = ir::ToPlan(*query.plan);
  CompileScanFilters(*checked->plan, jit, *checked, nullptr, false);
  CompileAggregates(*checked->plan, jit, *checked, nullptr, false);
  CompileProjections(*checked->plan, jit, *checked, nullptr, false);
  CompileRowFilters(*checked->plan, jit, *checked, nullptr, false);
  return checked;
}

std::string DescribePrefilter(const CompiledQuery& q) {
  std::string text;
  const auto describe = [&](const std::string& table, const std::optional<LineNeeds>& literals) {
    text += text.empty() ? "prefilter: " : "; ";
    if (!literals) {
      text += fmt::format("none for {} (its scan filter needs no literal)", table);
      return;
    }
    text += fmt::format("{} lines holding {}", table, exec::DescribeNeeds(*literals));
  };
  if (!q.plan) {
    describe(q.pipeline.table, q.pipeline.literals);
    return text;
  }
  std::vector<const exec::PlanNode*> stack{q.plan.get()};  // plans nest as deep as queries
  while (!stack.empty()) {
    const exec::PlanNode* node = stack.back();
    stack.pop_back();
    if (const auto* scan = node->As<exec::ScanNode>()) describe(scan->table, exec::ScanLiterals(*q.plan, *scan));
    for (const exec::PlanPtr& input : node->inputs) stack.push_back(input.get());
  }
  return text;
}

bool RunsPipelinesAlone(const std::vector<std::unique_ptr<CompiledQuery>>& queries, unsigned threads, bool pack) {
  // Scan pipelines alone run on many threads. Once a query needs a plan, whose operators run
  // on this thread, every query takes part in one shared read instead, parsed on many threads:
  // reading the files twice (once for the plans, once more for the pipelines) would cost more
  // than running the pipelines' kernels on many threads saves. On one thread a pack stage makes
  // the shared read the faster for pipelines too.
  const bool pack_read = pack && threads <= 1 && queries.size() > 1;
  return !pack_read && std::none_of(queries.begin(), queries.end(), [](const auto& q) { return q->plan != nullptr; });
}

namespace {

// Names, in `q.interpreted`, each lazy filter or projection of `q` whose kernel could not be
// compiled when used.
void NoteLazyFailures(CompiledQuery& q) {
  for (const exec::FilterNode* filter : q.lazy_filters) {
    const LazyFilterKernel::Compiled* compiled = filter->lazy_kernel->IfDone();
    if (!compiled || compiled->kernel) continue;
    q.interpreted.push_back(std::string(kFilterInterpreted) + compiled->error);
    --q.kernels;
  }
  for (const exec::ProjectNode* project : q.lazy_projections) {
    const LazyProjectKernel::Compiled* compiled = project->lazy_kernel->IfDone();
    if (!compiled || compiled->kernel) continue;
    q.interpreted.push_back("a projection runs interpreted: " + compiled->error);
    --q.kernels;
  }
}

}  // namespace

bool RunQueries(std::vector<std::unique_ptr<CompiledQuery>>& queries,
                const std::vector<InputFile>& inputs, const RunOptions& options,
                OutputFormat format, DetectionWriter& out,
                const std::function<bool(const InputIssue&)>& on_issue, RunStats& stats,
                PackScanCompiler* pack) {
  // A scan pipeline filters with its own kernel, unless it takes part in a shared read with pack
  // scan stages (then its Filter runs as a plan, in a stage or with its kernel compiled when used).
  if (!pack || RunsPipelinesAlone(queries, options.threads, true)) {
    for (auto& q : queries) CompilePipelineFilter(*q);
  }
  const auto note_failures = [&] {
    for (auto& q : queries) NoteLazyFailures(*q);
  };
  if (RunsPipelinesAlone(queries, options.threads, pack != nullptr)) {
    std::vector<ScanPipeline> pipelines;
    for (const auto& q : queries) pipelines.push_back(q->pipeline);
    const bool ok = RunPipelines(pipelines, inputs, options, format, out, on_issue, stats);
    for (size_t i = 0; i < pipelines.size(); ++i) {
      queries[i]->pipeline.detections = pipelines[i].detections;
      queries[i]->pipeline.nanos = pipelines[i].nanos;
    }
    note_failures();
    return ok;
  }
  DetectionRenderer renderer(format, out.tabular_columns());
  // Per query, what receives its result: a plan's rows, or a scan pipeline's batches (its plan
  // is its Scan alone).
  struct Sink {
    exec::PlanPtr scan;
    std::unique_ptr<exec::WriterSink> plan_rows;
    std::unique_ptr<exec::PipelineSink> pipeline;
  };
  std::vector<Sink> sinks(queries.size());
  std::vector<exec::PlanRun> runs;
  for (size_t i = 0; i < queries.size(); ++i) {
    CompiledQuery& q = *queries[i];
    Sink& sink = sinks[i];
    if (q.plan) {
      sink.plan_rows = std::make_unique<exec::WriterSink>(renderer, out, q.pipeline.shape);
      runs.push_back(exec::PlanRun{q.plan.get(), sink.plan_rows.get()});
    } else {
      sink.pipeline = std::make_unique<exec::PipelineSink>(q.pipeline, options.now, renderer, out);
      if (q.scan_filter && pack) {  // its Filter selects in a pack scan stage (or with its own kernel)
        runs.push_back(exec::PlanRun{q.scan_filter.get(), sink.pipeline.get()});
      } else {
        sink.scan = exec::Scan(q.pipeline.table, q.pipeline.columns);
        runs.push_back(exec::PlanRun{sink.scan.get(), sink.pipeline.get(), 0, q.pipeline.literals, q.pipeline.dictionary});
      }
    }
  }
  bool ok = true;
  exec::PlanRunOptions run_options;
  run_options.now = options.now;
  run_options.profile = options.profile;
  run_options.threads = options.threads;
  run_options.split_bytes = options.split_bytes;
  run_options.on_progress = options.on_progress;
  run_options.prefilter = options.prefilter;
  run_options.keep_bytes = options.keep_bytes;
  if (pack) {
    run_options.pack_scan = pack->Factory();
    run_options.pack_reports = pack->report() ? &pack->reports() : nullptr;
    run_options.every_stage = pack->plan_only();
  }
  exec::RunPlans(runs, inputs, run_options, [&](const InputIssue& issue) { ok &= on_issue(issue); }, stats);
  for (size_t i = 0; i < queries.size(); ++i) {
    queries[i]->pipeline.detections += sinks[i].plan_rows ? sinks[i].plan_rows->rows() : sinks[i].pipeline->rows();
    queries[i]->pipeline.nanos += runs[i].nanos;
  }
  note_failures();
  return ok && !out.failed();
}

std::vector<std::pair<std::string, std::string>> DescribePackScans(const std::vector<const exec::PlanNode*>& plans,
                                                                   Jit& jit) {
  struct Table {
    std::string name;
    std::vector<ColumnSpec> columns;
    std::vector<exec::PackConsumer> consumers;
  };
  std::vector<Table> tables;
  for (const exec::PlanNode* plan : plans) {
    std::vector<const exec::PlanNode*> stack{plan};  // joins and unions nest as deep as the query does
    while (!stack.empty()) {
      const exec::PlanNode* node = stack.back();
      stack.pop_back();
      for (const exec::PlanPtr& input : node->inputs) stack.push_back(input.get());
      const auto* filter = node->As<exec::FilterNode>();
      const auto* scan = filter ? filter->inputs[0]->As<exec::ScanNode>() : nullptr;
      std::string error;
      if (!scan || !jit.CanCompile(filter->predicate, scan->schema, error)) continue;
      auto t = std::find_if(tables.begin(), tables.end(), [&](const Table& x) { return x.name == scan->table; });
      if (t == tables.end()) t = tables.insert(tables.end(), Table{scan->table, {}, {}});
      exec::PackConsumer& c = t->consumers.emplace_back(exec::PackConsumer{&filter->predicate, {}});
      for (const ColumnSpec& column : scan->schema) {
        size_t i = 0;
        while (i < t->columns.size() && t->columns[i].name != column.name) ++i;
        if (i == t->columns.size()) t->columns.push_back(column);
        c.positions.push_back(i);
      }
    }
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const Table& t : tables) {
    if (t.consumers.size() < 2) continue;
    out.emplace_back(t.name, exec::PlanPackScan(t.columns, t.consumers).Describe(t.columns));
  }
  return out;
}

exec::PackScanFactory PackScanCompiler::Factory() {
  return [this](const std::string& table, const std::vector<ColumnSpec>& columns,
                const std::vector<exec::PackConsumer>& consumers) -> std::unique_ptr<exec::PackScan> {
    exec::PackScanLayout layout = exec::PlanPackScan(columns, consumers);
    if (plan_only_) {
      PlannedPackScan planned{table, columns, std::move(layout), {}};
      for (const exec::PackConsumer& c : consumers) planned.predicates.push_back(c.predicate);
      const std::lock_guard lock(mutex_);
      planned_.push_back(std::move(planned));
      return nullptr;
    }
    // A table per part: a part's kernel is compiled (and cached) on its own.
    std::vector<std::unique_ptr<KernelObjects>> objects;
    std::vector<exec::PackPart> parts;
    std::string error;
    for (size_t p = 0; p < layout.part_ends.size(); ++p) {
      auto& table = objects.emplace_back(std::make_unique<KernelObjects>());
      const PackKernel kernel = jit_.CompilePack(layout, p, columns, *table, nullptr, error);
      if (!kernel) break;
      parts.push_back({kernel, table->table.data()});
    }
    std::unique_ptr<exec::PackScan> stage;
    const auto make_matcher = [this](const std::vector<LiteralMatcher::Literal>& literals, std::string& e) {
      return jit_.MakeMatcher(literals, e);
    };
    if (parts.size() == layout.part_ends.size()) {
      stage = exec::PackScan::Create(std::move(layout), std::move(parts), error, make_matcher);
    }
    const std::lock_guard lock(mutex_);
    for (auto& table : objects) objects_.push_back(std::move(table));
    if (!stage) {
      // In table order whichever thread compiled which stage first.
      std::string failure = fmt::format("{}: {}", table, error);
      failures_.insert(std::upper_bound(failures_.begin(), failures_.end(), failure), std::move(failure));
    }
    return stage;
  };
}

bool PackScanCompiler::CompilePlanned(size_t i, size_t part, std::string& error) {
  const PlannedPackScan& stage = planned_[i];
  KernelObjects objects;  // the kernel is not run here: what it refers to can go
  if (!jit_.CompilePack(stage.layout, part, stage.columns, objects, nullptr, error)) return false;
  if (part > 0) return true;  // the first part's job makes the stage's matchers
  for (const exec::LiteralPool& pool : stage.layout.pools) {
    if (!jit_.MakeMatcher(pool.literals, error)) return false;
  }
  return true;
}

bool DescribeDetections(const Rule& rule, ScanPipeline& pipeline, Diagnostics& diags) {
  DetectionShape& shape = pipeline.shape;
  shape.rule = true;
  shape.id = rule.id;
  shape.name = rule.name;
  shape.severity = rule.severity;
  shape.tactics = rule.tactics;
  shape.techniques = rule.techniques;
  bool ok = true;
  // Sentinel maps from the query's results, so a column must be one the query outputs.
  const auto column = [&](const std::string& name, const FileSpan& span) -> std::optional<uint32_t> {
    for (size_t i = 0; i < shape.output_names.size(); ++i) {
      if (shape.output_names[i] == name) return shape.output[i];
    }
    diags.Report(Code::MappingColumn, span,
                 fmt::format("`{}` is not a column of the query's results", name));
    ok = false;
    return std::nullopt;
  };
  if (!rule.entity_mappings.empty()) {
    shape.entities.emplace();
    for (const EntityMapping& mapping : rule.entity_mappings) {
      EntityShape& entity = shape.entities->emplace_back();
      entity.type = mapping.entity_type;
      for (const FieldMapping& field : mapping.fields) {
        if (const auto c = column(field.column, field.span)) {
          entity.identifiers.emplace_back(field.identifier, *c);
        }
      }
    }
  }
  if (!rule.custom_details.empty()) {
    shape.custom_details.emplace();
    for (const CustomDetail& detail : rule.custom_details) {
      if (const auto c = column(detail.column, detail.span)) {
        shape.custom_details->emplace_back(detail.key, *c);
      }
    }
  }
  // `{{Column}}` placeholders; text without a closing `}}` stays as written.
  const auto parse = [&](const std::string& format, const FileSpan& span) {
    TextTemplate t;
    size_t at = 0;
    while (at < format.size()) {
      const size_t open = format.find("{{", at);
      const size_t close = open == std::string::npos ? open : format.find("}}", open + 2);
      if (close == std::string::npos) {
        t.parts.push_back({format.substr(at), 0});
        break;
      }
      if (open > at) t.parts.push_back({format.substr(at, open - at), 0});
      std::string name = format.substr(open + 2, close - open - 2);
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      if (const auto c = column(name, span)) t.parts.push_back({"", *c});
      at = close + 2;
    }
    return t;
  };
  if (const auto& details = rule.alert_details_override) {
    if (!details->name_format.empty()) shape.alert_name = parse(details->name_format, details->name_span);
    if (!details->description_format.empty()) {
      shape.alert_description = parse(details->description_format, details->description_span);
    }
  }
  return ok;
}

}  // namespace huntc
