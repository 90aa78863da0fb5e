// The logical IR: typed scalar expressions (runtime/exec/expr.h, where their semantics are
// described) and tabular operators.
//
// Lowering turns the bound syntax tree into this form; the optimiser rewrites it; the JIT
// compiles it, and the driver turns it into a runtime plan (runtime/exec/plan.h) for the
// interpreter. Operators form a chain from the query's result down to its scan. Every node
// prints itself (`--dump ir`).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/batch.h"
#include "runtime/exec/expr.h"
#include "runtime/types.h"

namespace huntc::ir {

// The scalar expression types live in the runtime, which the interpreter and generated code
// share; the compiler names them as its own.
using exec::Expr;
using exec::ExprKind;
using exec::Fn;
using exec::FnName;
using exec::Value;
using exec::ValueToString;

enum class OpKind : uint8_t { Scan, Filter, Project };

struct Op {
  OpKind kind;
  std::vector<ColumnSpec> schema;  // output columns
  std::unique_ptr<Op> input;       // null for Scan

  std::string table;               // Scan: the table read
  std::vector<std::string> source_columns;  // Scan: the table's columns read, in output order
  Expr predicate;                  // Filter
  std::vector<Expr> exprs;         // Project: one per output column, over the input

  bool operator==(const Op& other) const;
  size_t Hash() const;
  std::string ToString() const;  // one operator per line, the result first, inputs indented
};

}  // namespace huntc::ir
