// The compiler driver: query text -> syntax tree -> bound tree -> IR -> optimised IR -> a runtime
// plan whose scan filters are JIT kernels (or, for the reference interpreter, are not), with
// every stage's diagnostics mapped into the file the query came from.
//
// Under the JIT a query that is one scan pipeline (Table | where | project columns) becomes a
// ScanPipeline that runtime/hunt.h runs on many threads; any other query becomes a hybrid plan:
// the interpreter's operators (join, sort, ...) fed by kernels that filter each Scan's batches,
// with each summarize a kernel filling a group table. A filter or summarize the JIT cannot
// compile stays interpreted, and the query says which construct kept it so
// (CompiledQuery::interpreted).
#pragma once

#include <map>
#include <memory>
#include <mutex>
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
#include "runtime/literal_matcher.h"

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
  // Without a plan: the scan pipeline (table, kernel, output columns) that runs the query.
  // Always: the detection shape, and the counts of the run.
  ScanPipeline pipeline;
  KernelObjects objects;  // what the kernels refer to; pipeline.objects and the plan point into it
  exec::PlanPtr plan;     // the runtime plan, unless the query is one scan pipeline
  // A scan pipeline's compiled Filter over its Scan: how the pipeline takes part in a shared
  // read with plans (and in a pack scan stage). Null when it has no filter.
  exec::PlanPtr scan_filter;
  // Jit: how many scan filters, other filters, summarizes and projections run as kernels, and
  // for each one (or computed column) that runs interpreted instead, which and the construct the
  // JIT could not compile ("a scan filter runs interpreted: the JIT cannot compile ... yet").
  size_t kernels = 0;
  std::vector<std::string> interpreted;
  // The scan filters whose kernel is compiled when first used (FilterNode::lazy_kernel), which a
  // filter that runs inside a pack scan stage never is; in the plan or `scan_filter`.
  std::vector<exec::FilterNode*> lazy_filters;
  // The projections compiled when first used (ProjectNode::lazy_kernel): those fused with their
  // filter, whose own kernel, like the filter's, is only a fallback for the fused one.
  std::vector<exec::ProjectNode*> lazy_projections;
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
// sets out.plan) when the query would go on to a back end; diagnostics as CompileQuery's.
bool AnalyzeQuery(std::string_view query, const TextOrigin& origin, const Catalog& catalog,
                  Diagnostics& diags, AnalyzedQuery& out, CompileDumps* dumps = nullptr,
                  const ExternalFiles* external = nullptr);

// Compiles a query for `engine`; returns null (with errors in diags) if it cannot be compiled.
// The Jit is used only by Engine::Jit. With `lazy_filters` (and no `dumps`), the kernels of scan
// filters are only checked now and compiled when first used (CompiledQuery::lazy_filters): a
// run with pack scan stages (RunQueries with a PackScanCompiler) needs few of them. Without
// `dumps`, a filter and projection fused into one scan kernel (ProjectNode::fused) get their own
// kernels only when first used, too: they serve only where the fused one does not. The Jit must
// outlive the query.
std::unique_ptr<CompiledQuery> CompileQuery(std::string_view query, const TextOrigin& origin,
                                            const Catalog& catalog, Jit& jit, Diagnostics& diags,
                                            CompileDumps* dumps = nullptr, Engine engine = Engine::Jit,
                                            const ExternalFiles* external = nullptr, bool lazy_filters = false);

// What CompileQuery would make of an analysed query (AnalyzeQuery succeeded) under the JIT,
// found without generating machine code: its plan, how many scan filters would be kernels
// (`kernels`), and what keeps the others interpreted (`interpreted`). Not runnable: for `explain`.
std::unique_ptr<CompiledQuery> CheckKernels(const AnalyzedQuery& query, Jit& jit);

// One line saying which literals each Scan of the query lets the reader prefilter lines on
// (runtime/exec/prefilter.h): `prefilter: T lines holding "a" and one of ("b", "c")` or
// `none for T (...)`.
// A run prefilters a read only when every Scan sharing it has literals.
std::string DescribePrefilter(const CompiledQuery& q);

// Runs compiled queries over the inputs, writing their detections. When every query is a scan
// pipeline, one read of each file (on options.threads threads) feeds them all; otherwise one
// read of each file (on this thread) feeds every query, as far as the plans' order of sources
// allows (exec::RunPlans: a join's probe side is fed by a second read). Returns false when on_issue
// asked to stop (--strict) or the output went away.
//
// With `pack` (Engine::Jit), the compiled scan filters of all queries reading one table run as
// one pack scan stage per table and round (runtime/exec/pack_scan.h); a pack of scan pipelines
// alone then takes the shared read too when it runs on one thread.
class PackScanCompiler;
// Whether RunQueries runs `queries` as scan pipelines alone, each filtering with its own kernel
// (then it compiles their lazy filters first), rather than in one shared read.
bool RunsPipelinesAlone(const std::vector<std::unique_ptr<CompiledQuery>>& queries, unsigned threads, bool pack);
bool RunQueries(std::vector<std::unique_ptr<CompiledQuery>>& queries,
                const std::vector<InputFile>& inputs, const RunOptions& options,
                OutputFormat format, DetectionWriter& out,
                const std::function<bool(const InputIssue&)>& on_issue, RunStats& stats,
                PackScanCompiler* pack = nullptr);

// The pack scan stages `huntc run` would make of these queries' plans (from CheckKernels or
// CompileQuery), found without generating machine code: per table read by two or more filters
// the JIT compiles, its name and its layout (exec::PackScanLayout::Describe). Lays out every
// such filter of a table together, as a run does when all of them are read in one round.
std::vector<std::pair<std::string, std::string>> DescribePackScans(const std::vector<const exec::PlanNode*>& plans,
                                                                   Jit& jit);

// A pack scan stage laid out but not compiled (PackScanCompiler with plan_only).
struct PlannedPackScan {
  std::string table;
  std::vector<ColumnSpec> columns;
  exec::PackScanLayout layout;
  std::vector<const exec::Expr*> predicates;  // its consumers' filters
};

// Compiles pack scan stages with a Jit (the stage of a table as a kernel per part of its layout,
// cached like every kernel) and keeps what they refer to; reports what each stage that ran did.
class PackScanCompiler {
 public:
  // With `plan_only`, the factory makes no stage but lays each out and keeps it in planned(): a
  // run over no input then finds every stage a run would compile, for CompilePlanned. Without
  // `report`, reports() stays empty (laying out the stages of tables no input holds only to
  // describe them cost a run of hundreds of rules over a few tables 3 % of its start).
  explicit PackScanCompiler(Jit& jit, bool plan_only = false, bool report = true)
      : jit_(jit), plan_only_(plan_only), report_(report) {}
  // The factory may be called on several threads at once (RunPlans builds tables' stages so).
  exec::PackScanFactory Factory();
  // Per stage run: its table, layout and counts.
  std::vector<exec::PackScanReport>& reports() { return reports_; }
  // Stages that could not be compiled (their filters then ran as their own kernels), and why.
  const std::vector<std::string>& failures() const { return failures_; }
  const std::vector<PlannedPackScan>& planned() const { return planned_; }
  bool plan_only() const { return plan_only_; }
  bool report() const { return report_; }
  // Compiles the kernel of part `part` (PackScanLayout::part_ends) of planned()[i] (so that the
  // Jit has it, or keeps it for a pack), and with part 0 the stage's matchers; false, saying why in
  // `error`, if it cannot. Several threads may compile stages and parts at once.
  bool CompilePlanned(size_t i, size_t part, std::string& error);

 private:
  Jit& jit_;
  bool plan_only_;
  bool report_;
  std::mutex mutex_;  // guards what the factory adds to below
  std::vector<std::unique_ptr<KernelObjects>> objects_;
  std::vector<exec::PackScanReport> reports_;
  std::vector<std::string> failures_;
  std::vector<PlannedPackScan> planned_;
};

// Describes a rule's detections for the runtime: its fields, and which of the query's output
// columns feed each entity identifier, custom detail and alert-text placeholder. A mapping that
// names a column the query does not return is HC250; returns false then.
bool DescribeDetections(const Rule& rule, ScanPipeline& pipeline, Diagnostics& diags);

}  // namespace huntc
