// The compiler driver: query text -> syntax tree -> bound tree -> IR -> optimised IR -> JIT
// kernel -> a runnable scan pipeline (or, for the reference interpreter, a runtime plan), with
// every stage's diagnostics mapped into the file the query came from.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "compiler/bind/binder.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"
#include "compiler/jit/jit.h"
#include "compiler/rule/rule.h"
#include "compiler/schema/schema.h"
#include "runtime/exec/plan.h"
#include "runtime/hunt.h"

namespace huntc {

// What each stage produced, for `--dump`.
struct CompileDumps {
  std::string ast, ir, ir_opt, plan;
  KernelDumps kernel;
};

// Which back end runs a query: JIT-compiled kernels, or the reference interpreter.
enum class Engine { Jit, Interp };

struct CompiledQuery {
  Engine engine = Engine::Jit;
  ScanPipeline pipeline;  // Jit: table, kernel and output columns; both: prefix, detections
  KernelObjects objects;  // what the kernel refers to; pipeline.objects points into it
  exec::PlanPtr plan;     // Interp: the runtime plan
};

// externaldata URLs mapped to the local files read instead (huntc --externaldata URL=PATH).
using ExternalFiles = std::map<std::string, std::string>;

// The front half of compilation, which needs no machine code: what `lint` checks.
struct AnalyzedQuery {
  syntax::Ast ast;
  bool parsed = false;  // no syntax errors
  bool bound = false;   // Bind succeeded: `ast` is a bound tree and `binding` its schemas
  BoundQuery binding;
  std::unique_ptr<ir::Op> plan;  // the optimised plan, when every construct is supported
};

// Parses, binds, lowers and optimises a query without generating code. Returns true (and
// sets out.plan) when the query would go on to the JIT; diagnostics as CompileQuery's.
bool AnalyzeQuery(std::string_view query, const TextOrigin& origin, const Catalog& catalog,
                  Diagnostics& diags, AnalyzedQuery& out, CompileDumps* dumps = nullptr,
                  Engine engine = Engine::Jit, const ExternalFiles* external = nullptr);

// Compiles a query for `engine`; returns null (with errors in diags) if it cannot be compiled.
// The Jit is used only by Engine::Jit.
std::unique_ptr<CompiledQuery> CompileQuery(std::string_view query, const TextOrigin& origin,
                                            const Catalog& catalog, Jit& jit, Diagnostics& diags,
                                            CompileDumps* dumps = nullptr, Engine engine = Engine::Jit,
                                            const ExternalFiles* external = nullptr);

// Runs compiled queries over the inputs, writing their detections; for the JIT, one read of
// each file feeds every query of its table; the interpreter runs each query's plan in turn.
// Returns false when on_issue asked to stop (--strict) or a JIT run failed.
bool RunQueries(std::vector<std::unique_ptr<CompiledQuery>>& queries,
                const std::vector<InputFile>& inputs, const RunOptions& options,
                OutputFormat format, DetectionWriter& out,
                const std::function<bool(const InputIssue&)>& on_issue, RunStats& stats);

// Describes a rule's detections for the runtime: its fields, and which of the query's output
// columns feed each entity identifier, custom detail and alert-text placeholder. A mapping that
// names a column the query does not return is HC250; returns false then.
bool DescribeDetections(const Rule& rule, ScanPipeline& pipeline, Diagnostics& diags);

}  // namespace huntc
