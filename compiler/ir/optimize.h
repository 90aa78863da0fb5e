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

// All passes, in order.
std::unique_ptr<Op> Optimize(std::unique_ptr<Op> op);

}  // namespace huntc::ir
