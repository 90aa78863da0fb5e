// The compiler driver.
#include "compiler/driver/compile.h"

#include <chrono>

#include <fmt/format.h>

#include "compiler/ir/lower.h"
#include "compiler/ir/optimize.h"
#include "compiler/ir/physical.h"
#include "compiler/syntax/parser.h"
#include "runtime/exec/run.h"
#include "runtime/output.h"

namespace huntc {

bool AnalyzeQuery(std::string_view query, const TextOrigin& origin, const Catalog& catalog,
                  Diagnostics& diags, AnalyzedQuery& out, CompileDumps* dumps, Engine engine,
                  const ExternalFiles* external) {
  const syntax::Reporter report = [&](Code code, syntax::Span span, std::string message) {
    diags.Report(code, origin.Map(span.begin, span.end), std::move(message));
  };
  out.parsed = syntax::Parse(query, out.ast, report);
  if (dumps) dumps->ast = syntax::Dump(out.ast);  // also with errors: the tree shows what was read
  if (!out.parsed) return false;
  out.bound = Bind(out.ast, catalog, out.binding, report);
  if (!out.bound) return false;

  // The interpreter runs every operator; the JIT has filter kernels only.
  out.plan = ir::Lower(out.ast, out.binding, report,
                       {.interpreter = engine == Engine::Interp, .external_files = external});
  if (!out.plan) return false;
  if (dumps) dumps->ir = out.plan->ToString();
  out.plan = ir::Optimize(std::move(out.plan));
  if (dumps) dumps->ir_opt = out.plan->ToString();
  return true;
}

std::unique_ptr<CompiledQuery> CompileQuery(std::string_view query, const TextOrigin& origin,
                                            const Catalog& catalog, Jit& jit, Diagnostics& diags,
                                            CompileDumps* dumps, Engine engine, const ExternalFiles* external) {
  AnalyzedQuery front;
  if (!AnalyzeQuery(query, origin, catalog, diags, front, dumps, engine, external)) return nullptr;
  const std::unique_ptr<ir::Op>& plan = front.plan;

  if (engine == Engine::Interp) {
    auto compiled = std::make_unique<CompiledQuery>();
    compiled->engine = Engine::Interp;
    compiled->plan = ir::ToPlan(*plan);
    if (dumps) dumps->plan = compiled->plan->ToString();
    DetectionShape& shape = compiled->pipeline.shape;
    for (const ColumnSpec& c : compiled->plan->schema) {
      shape.output.push_back(static_cast<uint32_t>(shape.output.size()));
      shape.output_names.push_back(c.name);
    }
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
    p.shape.output.push_back(project ? static_cast<uint32_t>(project->exprs[i].column) : static_cast<uint32_t>(i));
    p.shape.output_names.push_back(plan->schema[i].name);
  }
  return compiled;
}

bool RunQueries(std::vector<std::unique_ptr<CompiledQuery>>& queries,
                const std::vector<InputFile>& inputs, const RunOptions& options,
                OutputFormat format, DetectionWriter& out,
                const std::function<bool(const InputIssue&)>& on_issue, RunStats& stats) {
  std::vector<ScanPipeline> pipelines;
  std::vector<CompiledQuery*> jitted;
  DetectionRenderer renderer(format, out.tabular_columns());
  bool ok = true;
  for (auto& q : queries) {
    if (q->engine == Engine::Jit) {
      pipelines.push_back(q->pipeline);
      jitted.push_back(q.get());
      continue;
    }
    exec::WriterSink sink(renderer, out, q->pipeline.shape);
    // The interpreter reads the inputs once per query, so its time includes the reading.
    const auto start = std::chrono::steady_clock::now();
    exec::RunPlan(*q->plan, inputs, options.now, sink,
                  [&](const InputIssue& issue) { ok &= on_issue(issue); }, stats);
    q->pipeline.detections += sink.rows();
    q->pipeline.nanos += static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
    if (options.on_progress) options.on_progress(stats.read);
  }
  if (pipelines.empty()) return ok;
  ok &= RunPipelines(pipelines, inputs, options, format, out, on_issue, stats);
  for (size_t i = 0; i < pipelines.size(); ++i) {
    jitted[i]->pipeline.detections = pipelines[i].detections;
    jitted[i]->pipeline.nanos = pipelines[i].nanos;
  }
  return ok;
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
