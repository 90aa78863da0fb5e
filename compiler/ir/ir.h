// The logical IR: typed scalar expressions and tabular operators.
//
// Lowering turns the bound syntax tree into this form; the optimiser rewrites it; the JIT and
// the interpreter both execute it. Expressions are value trees (children held by value), so a
// node can be copied, compared and hashed structurally; `and`/`or` are n-ary. Operators form a
// chain from the query's result down to its scan. Every node prints itself (`--dump ir`).
//
// Semantics follow KQL: comparisons and arithmetic yield null when an operand is null, except
// `==` (null vs value is false) and the string tests (strings are never null); `and`/`or`/`not`
// are three-valued; a filter keeps a row only when its predicate is true.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/batch.h"
#include "runtime/types.h"

namespace huntc::ir {

// A constant of any scalar type.
struct Value {
  Type type = Type::Null;
  bool is_null = true;
  int64_t integer = 0;  // bool, int, long, datetime, timespan
  double real = 0;
  std::string text;     // string, guid, dynamic

  static Value Null(Type t) { return Value{t, true, 0, 0, {}}; }
  static Value Integer(Type t, int64_t v) { return Value{t, false, v, 0, {}}; }
  static Value Real(double v) { return Value{Type::Real, false, 0, v, {}}; }
  static Value String(std::string v) { return Value{Type::String, false, 0, 0, std::move(v)}; }
  bool operator==(const Value&) const = default;
};

enum class ExprKind : uint8_t { Column, Constant, Now, Call };

enum class Fn : uint8_t {
  // logic (three-valued)
  And, Or, Not,
  // comparisons of two operands of one type
  Eq, Ne, Lt, Le, Gt, Ge,
  // string tests; never null
  EqCi, Has, HasCs, Contains, ContainsCs, StartsWith, StartsWithCs, EndsWith, EndsWithCs,
  // membership: args[0] is the value, args[1..] constants of its type; false for a null value
  In, InCi,
  // arithmetic on one numeric type, or datetime/timespan
  Add, Sub, Mul, Div, Mod, Neg,
  // conversion of args[0] to the expression's type
  Convert,
  // null tests
  IsNull, IsEmpty,
};

struct Expr {
  ExprKind kind = ExprKind::Constant;
  Type type = Type::Null;
  Fn fn = Fn::And;     // Call
  int column = -1;     // Column: index into the operator's input schema
  Value value;         // Constant
  std::vector<Expr> args;

  static Expr Column(int index, Type t);
  static Expr Constant(Value v);
  static Expr Now();
  static Expr Call(Fn fn, Type t, std::vector<Expr> args);

  bool operator==(const Expr&) const = default;
  size_t Hash() const;
  std::string ToString() const;  // an s-expression: (and (gt #0 (sub now 7.00:00:00)) ...)
};

enum class OpKind : uint8_t { Scan, Filter, Project };

struct Op {
  OpKind kind;
  std::vector<ColumnSpec> schema;  // output columns
  std::unique_ptr<Op> input;       // null for Scan

  std::string table;               // Scan: the table read
  std::vector<std::string> source_columns;  // Scan: the table's columns read, in output order
  Expr predicate;                  // Filter
  std::vector<Expr> exprs;         // Project: one per output column, over the input

  bool operator==(const Op& other) const;
  size_t Hash() const;
  std::string ToString() const;  // one operator per line, the result first, inputs indented
};

std::string_view FnName(Fn fn);
std::string ValueToString(const Value& v);

}  // namespace huntc::ir
