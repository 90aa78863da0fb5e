// Lowering: the bound syntax tree to the logical IR.
#pragma once

#include <memory>

#include "compiler/bind/binder.h"
#include "compiler/ir/ir.h"

namespace huntc::ir {

// Lowers a bound query (Bind succeeded) to an operator tree; reports each construct it cannot
// lower yet (HC500, naming it) and returns null if there is any. `let` values and functions are
// inlined where they are used.
std::unique_ptr<Op> Lower(const syntax::Ast& ast, const BoundQuery& bound,
                          const syntax::Reporter& report);

// Converts a constant to another type of the same family (int/long/real, string-like).
Value ConvertConstant(const Value& v, Type to);

}  // namespace huntc::ir
