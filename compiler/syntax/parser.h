// The KQL parser: recursive descent over tokens, with spans on every node, several errors per
// query (it resynchronises at the next `|` or `;`), and a bound on nesting depth so that hostile
// input yields a diagnostic, never a stack overflow.
//
// It reads the statements (`let`, `set`, `declare query_parameters`, the query) and every
// tabular operator and scalar form that real Sentinel rules use; see ast.h for the tree. A
// missing token is reported where Kusto reports it: at the end of the token before the gap.
#pragma once

#include <string_view>

#include "compiler/syntax/ast.h"
#include "compiler/syntax/lexer.h"

namespace huntc::syntax {

// Expressions nested deeper than this are reported (HC305) instead of parsed. A parenthesis,
// a call argument or a subquery costs two levels, so about 100 levels of them can be written.
constexpr int kMaxNesting = 200;

// After this many errors the parser stops reading the query.
constexpr size_t kMaxErrors = 100;

// Parses a query into `ast`. Returns false if any error was reported.
bool Parse(std::string_view text, Ast& ast, const Reporter& report);

}  // namespace huntc::syntax
