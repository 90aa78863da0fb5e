// From the logical IR to the runtime plan the interpreter runs (runtime/exec/plan.h).
#pragma once

#include "compiler/ir/ir.h"
#include "runtime/exec/plan.h"

namespace huntc::ir {

// The physical plan of an (optimised) operator chain: Scan reads the table's source columns
// (by their JSON keys), Filter and Project carry their expressions over unchanged, so the plan's
// output columns are the chain's.
exec::PlanPtr ToPlan(const Op& root);

}  // namespace huntc::ir
