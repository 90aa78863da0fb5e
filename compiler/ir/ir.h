// The logical IR: typed scalar expressions (runtime/exec/expr.h, where their semantics are
// described) and tabular operators.
//
// Lowering turns the bound syntax tree into this form; the optimiser rewrites it; the JIT
// compiles it, and the driver turns it into a runtime plan (runtime/exec/plan.h) for the
// interpreter. Operators form a chain from the query's result down to a source (Scan or
// Datatable); Join and Union also read `others` (the right side, the further union inputs),
// each a chain of its own; MvApply's `others` holds its subquery, a chain from an ApplyInput
// (the current row). A Shared node stands for a shared subplan (a `materialize()` or a
// `let` table used more than once): every use holds a Shared node pointing to the same subplan,
// which runs once and feeds them all, so the operators form a DAG whose only shared parts are
// those subplans. The JIT takes Scan, Filter and Project only; the other kinds mirror the
// interpreter's plan nodes and reuse their parameter types. Every node prints itself
// (`--dump ir`; a shared subplan under its first use only).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/batch.h"
#include "runtime/exec/expr.h"
#include "runtime/exec/plan.h"
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

enum class OpKind : uint8_t {
  Scan, Filter, Project, Datatable, Aggregate, Join, Union, Sort, Top, Limit, Distinct, Count,
  MvExpand, Window, MvApply, ApplyInput, MakeSeries, Shared,
};

struct Op {
  OpKind kind;
  std::vector<ColumnSpec> schema;  // output columns
  std::unique_ptr<Op> input;       // null for Scan

  std::string table;               // Scan: the table read
  std::vector<std::string> source_columns;  // Scan: the table's columns read, in output order
  Expr predicate;                  // Filter
  std::vector<Expr> exprs;         // Project: one per output column; Aggregate: the keys
  std::vector<std::unique_ptr<Op>> others;  // Join: the right side; Union: inputs after `input`

  std::vector<std::vector<Value>> rows;          // Datatable
  std::vector<exec::AggregateSpec> aggregates;   // Aggregate
  exec::JoinKind join_kind = exec::JoinKind::InnerUnique;  // Join
  std::vector<int> left_keys, right_keys, left_out, right_out;  // Join
  std::vector<exec::SortKey> sort_keys;          // Sort, Top
  uint64_t count = 0;                            // Top, Limit; MvExpand: rows per input row
  std::vector<int> columns;                      // Distinct; MvApply: the input columns kept; Top: the groups
  std::vector<exec::MvExpandColumn> expand;      // MvExpand (with_index: a last Long column)
  bool with_index = false;                       // MvExpand
  std::vector<exec::WindowFunction> window;      // Window
  size_t series_keys = 0;                        // MakeSeries: the by keys before the bin column
  std::vector<Expr> series_bounds;               // MakeSeries: from, to (null constants if omitted)
  Value series_step;                             // MakeSeries
  std::vector<Value> series_defaults;            // MakeSeries: one per series
  bool series_nonempty = false;                  // MakeSeries: kind=nonempty
  std::shared_ptr<Op> shared;                    // Shared: the subplan, held by each of its uses
  int shared_id = 0;                             // Shared: names the subplan in the printed IR

  // The kind-specific parameters of the operators other than Scan/Filter/Project, printed.
  std::string Parameters() const;

  bool operator==(const Op& other) const;
  size_t Hash() const;
  std::string ToString() const;  // one operator per line, the result first, inputs indented
};

}  // namespace huntc::ir
