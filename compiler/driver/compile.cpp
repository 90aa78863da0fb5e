// The compiler driver.
#include "compiler/driver/compile.h"

#include <fmt/format.h>

#include "compiler/ir/lower.h"
#include "compiler/ir/optimize.h"
#include "compiler/ir/physical.h"
#include "compiler/syntax/parser.h"
#include "runtime/exec/run.h"
#include "runtime/output.h"

namespace huntc {

bool AnalyzeQuery(std::string_view query, const TextOrigin& origin, const Catalog& catalog,
                  Diagnostics& diags, AnalyzedQuery& out, CompileDumps* dumps, Engine engine) {
  const syntax::Reporter report = [&](Code code, syntax::Span span, std::string message) {
    diags.Report(code, origin.Map(span.begin, span.end), std::move(message));
  };
  out.parsed = syntax::Parse(query, out.ast, report);
  if (dumps) dumps->ast = syntax::Dump(out.ast);  // also with errors: the tree shows what was read
  if (!out.parsed) return false;
  out.bound = Bind(out.ast, catalog, out.binding, report);
  if (!out.bound) return false;

  // The interpreter evaluates computed projections; the JIT has filter kernels only.
  out.plan = ir::Lower(out.ast, out.binding, report,
                       {.computed_projections = engine == Engine::Interp});
  if (!out.plan) return false;
  if (dumps) dumps->ir = out.plan->ToString();
  out.plan = ir::Optimize(std::move(out.plan));
  if (dumps) dumps->ir_opt = out.plan->ToString();
  return true;
}

std::unique_ptr<CompiledQuery> CompileQuery(std::string_view query, const TextOrigin& origin,
                                            const Catalog& catalog, Jit& jit, Diagnostics& diags,
                                            CompileDumps* dumps, Engine engine) {
  AnalyzedQuery front;
  if (!AnalyzeQuery(query, origin, catalog, diags, front, dumps, engine)) return nullptr;
  const std::unique_ptr<ir::Op>& plan = front.plan;

  if (engine == Engine::Interp) {
    auto compiled = std::make_unique<CompiledQuery>();
    compiled->engine = Engine::Interp;
    compiled->plan = ir::ToPlan(*plan);
    if (dumps) dumps->plan = compiled->plan->ToString();
    for (const ColumnSpec& c : compiled->plan->schema) compiled->pipeline.output_names.push_back(c.name);
    return compiled;
  }

  // After optimisation the plan is Scan, then at most one Filter, then at most one Project of
  // columns (lowering guarantees the latter).
  auto compiled = std::make_unique<CompiledQuery>();
  ScanPipeline& p = compiled->pipeline;
  const ir::Op* project = plan->kind == ir::OpKind::Project ? plan.get() : nullptr;
  const ir::Op* filter = project ? project->input.get() : plan.get();
  if (filter->kind != ir::OpKind::Filter) filter = nullptr;
  const ir::Op* scan = filter ? filter->input.get() : project ? project->input.get() : plan.get();
  p.table = scan->table;
  p.columns = scan->schema;
  for (size_t i = 0; i < scan->source_columns.size(); ++i) p.columns[i].name = scan->source_columns[i];
  if (filter) {
    std::string error;
    p.filter = jit.CompileFilter(filter->predicate, p.columns, compiled->objects,
                                 dumps ? &dumps->kernel : nullptr, error);
    if (!p.filter) {
      diags.Report(Code::Unsupported, origin.Map(0, static_cast<uint32_t>(query.size())), error);
      return nullptr;
    }
  }
  p.objects = compiled->objects.table.data();
  for (size_t i = 0; i < plan->schema.size(); ++i) {
    p.output.push_back(project ? static_cast<uint32_t>(project->exprs[i].column) : static_cast<uint32_t>(i));
    p.output_names.push_back(plan->schema[i].name);
  }
  return compiled;
}

void RunQueries(std::vector<std::unique_ptr<CompiledQuery>>& queries, const std::vector<InputFile>& inputs,
                int64_t now, JsonLinesWriter& out, const std::function<void(const InputIssue&)>& on_issue,
                RunStats& stats) {
  std::vector<ScanPipeline> pipelines;
  std::vector<CompiledQuery*> jitted;
  for (auto& q : queries) {
    if (q->engine == Engine::Jit) {
      pipelines.push_back(q->pipeline);
      jitted.push_back(q.get());
      continue;
    }
    exec::WriterSink sink(out, q->pipeline.output_names, q->pipeline.prefix);
    exec::RunPlan(*q->plan, inputs, now, sink, on_issue, stats);
    q->pipeline.detections += sink.rows();
  }
  if (pipelines.empty()) return;
  RunPipelines(pipelines, inputs, now, out, on_issue, stats);
  for (size_t i = 0; i < pipelines.size(); ++i) jitted[i]->pipeline.detections = pipelines[i].detections;
}

std::string DetectionPrefix(const Rule& rule) {
  std::string out = "\"rule_id\": ";
  AppendJsonString(out, rule.id);
  out += ", \"rule_name\": ";
  AppendJsonString(out, rule.name);
  out += ", \"severity\": ";
  AppendJsonString(out, rule.severity);
  const auto list = [&](const char* key, const std::vector<std::string>& items) {
    out += fmt::format(", \"{}\": [", key);
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      AppendJsonString(out, items[i]);
    }
    out += "]";
  };
  list("tactics", rule.tactics);
  list("techniques", rule.techniques);
  return out + ", ";
}

}  // namespace huntc
