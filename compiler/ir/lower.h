// Lowering: the bound syntax tree to the logical IR.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "compiler/bind/binder.h"
#include "compiler/ir/ir.h"

namespace huntc::ir {

// Lowers a bound query (Bind succeeded) to an operator tree; reports each construct it cannot
// lower yet (HC500, naming it) and returns null if there is any. `let` values and functions are
// inlined where they are used, except the query's table `let`s used twice (see share_tables).
struct LowerOptions {
  // externaldata URLs mapped to local files read instead (huntc --externaldata URL=PATH); a URL
  // not in it is reported (HC500) rather than read as an empty table.
  const std::map<std::string, std::string>* external_files = nullptr;
  // A table `let` of the query used more than once becomes one shared subplan (OpKind::Shared),
  // run once for all its uses. Without, each use lowers the table again (each use runs it
  // anew, as Kusto may run a `let` that is not materialize()d): the same rows for deterministic
  // tables, which tests compare.
  bool share_tables = true;
};
std::unique_ptr<Op> Lower(const syntax::Ast& ast, const BoundQuery& bound,
                          const syntax::Reporter& report, const LowerOptions& options = {});

// Converts a constant to another type of the same family (int/long/real, string-like).
Value ConvertConstant(const Value& v, Type to);

}  // namespace huntc::ir
