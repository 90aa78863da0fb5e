// The compiler driver: query text -> syntax tree -> bound tree -> IR -> optimised IR -> JIT
// kernel -> a runnable scan pipeline, with every stage's diagnostics mapped into the file the
// query came from.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "compiler/diag/diagnostic.h"
#include "compiler/jit/jit.h"
#include "compiler/rule/rule.h"
#include "compiler/schema/schema.h"
#include "runtime/hunt.h"

namespace huntc {

// What each stage produced, for `--dump`.
struct CompileDumps {
  std::string ast, ir, ir_opt;
  KernelDumps kernel;
};

struct CompiledQuery {
  ScanPipeline pipeline;
  KernelObjects objects;  // what the kernel refers to; pipeline.objects points into it
};

// Compiles a query; returns null (with errors in diags) if it cannot be compiled.
std::unique_ptr<CompiledQuery> CompileQuery(std::string_view query, const TextOrigin& origin,
                                            const Catalog& catalog, Jit& jit, Diagnostics& diags,
                                            CompileDumps* dumps = nullptr);

// Describes a rule's detections for the runtime: its fields, and which of the query's output
// columns feed each entity identifier, custom detail and alert-text placeholder. A mapping that
// names a column the query does not return is HC250; returns false then.
bool DescribeDetections(const Rule& rule, ScanPipeline& pipeline, Diagnostics& diags);

}  // namespace huntc
