// The KQL parser: recursive descent over tokens, with spans on every node, several errors per
// query (it resynchronises at the next `|` or `;`), and a bound on nesting depth so that hostile
// input yields a diagnostic, never a stack overflow.
#pragma once

#include <string_view>

#include "compiler/syntax/ast.h"
#include "compiler/syntax/lexer.h"

namespace huntc::syntax {

// Expressions nested deeper than this are reported (HC305) instead of parsed.
constexpr int kMaxNesting = 200;

// Parses a query into `ast`. Returns false if any syntax error was reported.
bool Parse(std::string_view text, Ast& ast, const Reporter& report);

}  // namespace huntc::syntax
