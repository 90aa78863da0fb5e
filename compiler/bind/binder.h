// The binder: resolves the tables, columns, `let` names and functions a query names against the
// schemas, infers the type of every expression and the result schema of every tabular
// expression with Kusto's rules, and reports what does not resolve or does not type-check.
//
// It annotates the syntax tree in place (Expr::type, Name::column): the annotated tree is the
// bound tree the IR is lowered from. Names follow Kusto: a column of the row in scope hides a
// `let` name; an unnamed computed column is named after its source column where Kusto does so
// (`tostring(X)` -> X, `strlen(X)` -> strlen_X, `count()` -> count_) and `ColumnN` otherwise;
// a name already taken gets the next free numeric suffix (`DeviceName1`, `count_1`); `extend`
// of an existing name replaces that column in place; the right side of a join keeps its
// clashing names with a suffix; union unifies columns by name and splits a name whose types
// differ into `Name_type` columns.
//
// Binding never stops at the first error: an expression that fails gets type Null, which no
// later check complains about, so each mistake is reported once.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/bind/functions.h"
#include "compiler/schema/schema.h"
#include "compiler/syntax/ast.h"
#include "compiler/syntax/lexer.h"

namespace huntc {

struct BoundQuery {
  const TableSchema* table = nullptr;  // the first table the query reads
  std::vector<std::string> tables;     // every table the query reads, in order of first use
  // The output schema of every tabular node bound (sources and operators). A function body
  // bound for several calls keeps the schema of the last one. For `find`, its predicate also
  // has one: its tables' columns unified (as union's), which the predicate and `project` read.
  std::unordered_map<const syntax::Node*, std::vector<ColumnSpec>> schemas;
  std::vector<ColumnSpec> result;  // the schema of the query's result
};

// Binds `ast` (parsed without errors). Returns false if any error was reported.
bool Bind(syntax::Ast& ast, const Catalog& catalog, BoundQuery& out,
          const syntax::Reporter& report);

// The name Kusto gives the column an unnamed expression computes, or "" when it has none
// (the caller then uses ColumnN): a column's name, `A_b` for `A.b` and `A['b']`, and the
// naming rule of a function call (see functions.h).
std::string ExpressionName(const syntax::Expr* e);

}  // namespace huntc
