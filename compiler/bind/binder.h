// The binder: resolves the tables, columns and functions a query names against the schemas,
// infers the type of every expression and the result schema of every tabular operator, and
// reports what does not resolve or does not type-check. It annotates the syntax tree in place
// (Expr::type, Name::column): the annotated tree is the bound tree the IR is lowered from.
#pragma once

#include <unordered_map>
#include <vector>

#include "compiler/bind/functions.h"
#include "compiler/schema/schema.h"
#include "compiler/syntax/ast.h"
#include "compiler/syntax/lexer.h"

namespace huntc {

struct BoundQuery {
  const TableSchema* table = nullptr;  // the table the query reads
  // The output schema of every tabular node (the TableRef and each operator).
  std::unordered_map<const syntax::Node*, std::vector<ColumnSpec>> schemas;
  std::vector<ColumnSpec> result;  // the schema of the query's result
};

// Binds `ast` (already parsed without errors). Returns false if any error was reported.
bool Bind(syntax::Ast& ast, const Catalog& catalog, BoundQuery& out,
          const syntax::Reporter& report);

}  // namespace huntc
