// Optimiser passes over the logical IR. Each pass keeps the query's results unchanged.
#pragma once

#include <memory>

#include "compiler/ir/ir.h"

namespace huntc::ir {

// Merges adjacent filters into one conjunction, moves filters below projections (substituting
// the projected expressions) and composes adjacent projections, so that a scan is followed by
// at most one filter and one projection.
std::unique_ptr<Op> FuseFiltersAndProjections(std::unique_ptr<Op> op);

// Narrows every scan to the columns the operators above it use, renumbering column references.
void PruneColumns(Op& root);

// Flattens nested and/or and folds constant logic (`true and x` -> x).
Expr SimplifyLogic(Expr e);

// Evaluates every pure call whose arguments are all constants, once, with the interpreter's
// evaluator (so the folded value is exactly what either engine would compute per row).
// now() is a run constant: calls over it stay as they are, to be computed once per run.
Expr FoldConstants(Expr e);

// Turns the `or` of equalities between one expression and constants into one `in` (`=~` into
// `in~`), which both engines test with a hash set of the constants, and merges the lists of
// `in` terms over one expression. Equal results: a null value equals no constant and is in no
// list; the constants are never null. Reals (NaN is unequal to itself), guids and dynamic
// values are left alone.
Expr MergeEqualities(Expr e);

// Orders the terms of every `and` (and `or`) cheapest first: number/datetime tests, then string
// equality and `in`, then the term tests (has, startswith, ...), then substring search, then
// regexes and dynamic values. `and`/`or` are commutative in KQL's three-valued logic and no
// call fails, so the order changes cost only, never a result.
Expr OrderConjuncts(Expr e);

// Moves filters (or their conjuncts) down the tree: below projections (as
// FuseFiltersAndProjections), into every union input, into the join side whose columns a
// conjunct reads where the join kind keeps that side's rows as they are (innerunique's left
// side only for conjuncts over its key columns: it keeps one left row per key), below sort and
// distinct, below mv-expand for conjuncts not reading the expanded columns, and below
// summarize for conjuncts over group keys only (the key expressions substituted). Filters stay
// above top/take, window functions, count and the null-filled side of an outer join.
std::unique_ptr<Op> PushDownFilters(std::unique_ptr<Op> op);

// Replaces every filter whose predicate is the constant false (as folding leaves `where a == b`
// over a string and a long, which is never true) and everything below it by an empty table of
// its columns: no row can pass it, so its input is never read, joined or summarized (a dead join
// of a corpus rule held a whole table in memory).
std::unique_ptr<Op> EmptyFalseFilters(std::unique_ptr<Op> op);

// Computes once the expensive subexpressions (string searches, regexes, parsing; not
// arithmetic or comparisons of numbers) that a projection's expressions share: a projection
// below computes them next to the columns the projection reads, and the projection reads
// them. Filters are left as they are, so a JIT plan keeps its scan-filter-project shape.
void ShareSubexpressions(Op& root);

// All passes, in order.
std::unique_ptr<Op> Optimize(std::unique_ptr<Op> op);

}  // namespace huntc::ir
