// The KQL syntax tree.
//
// Nodes form a closed set: each class names its `kKind`, and `As<T>()` / `Is<T>()` check it.
// Every node carries the span of query text it was parsed from. The binder annotates
// expression nodes in place (`type`, `column`), which makes the tree the bound, typed tree the
// later stages read. Nodes are owned by an Ast arena and refer to each other by raw pointer.
// Chains of `and`/`or` are kept n-ary so that a 10,000-term condition is a wide node, not a
// 10,000-deep one.
#pragma once

#include <cassert>
#include <memory>
#include <string>
#include <vector>

#include "compiler/syntax/token.h"
#include "runtime/types.h"

namespace huntc::syntax {

enum class Kind : uint8_t {
  // scalar expressions
  Literal, Name, Binary, Logical, Unary, Call, InList, Between,
  // tabular expressions and operators
  TableRef, Pipeline, Where, Project,
};

struct Node {
  Kind kind;
  Span span;

  explicit Node(Kind k, Span s) : kind(k), span(s) {}
  virtual ~Node() = default;

  template <class T>
  bool Is() const { return kind == T::kKind; }
  template <class T>
  T* As() { assert(Is<T>()); return static_cast<T*>(this); }
  template <class T>
  const T* As() const { assert(Is<T>()); return static_cast<const T*>(this); }
};

// A scalar expression; `type` and (for names) `column` are filled by the binder.
struct Expr : Node {
  using Node::Node;
  Type type = Type::Null;
};

struct Literal : Expr {
  static constexpr Kind kKind = Kind::Literal;
  Literal(Span s, Type t) : Expr(kKind, s) { type = t; }
  bool is_null = false;
  int64_t integer = 0;  // bool, int, long, datetime and timespan ticks
  double real = 0;
  std::string text;     // string, guid
};

struct Name : Expr {
  static constexpr Kind kKind = Kind::Name;
  Name(Span s, std::string n) : Expr(kKind, s), name(std::move(n)) {}
  std::string name;
  int column = -1;  // bound: index into the input schema of the enclosing operator
};

enum class BinOp : uint8_t {
  Add, Sub, Mul, Div, Mod,
  Eq, Ne, Lt, Le, Gt, Ge, EqCi, NeCi,
  Has, NotHas, HasCs, NotHasCs,
  Contains, NotContains, ContainsCs, NotContainsCs,
  StartsWith, NotStartsWith, StartsWithCs, NotStartsWithCs,
  EndsWith, NotEndsWith, EndsWithCs, NotEndsWithCs,
};

struct Binary : Expr {
  static constexpr Kind kKind = Kind::Binary;
  Binary(Span s, BinOp o, Expr* l, Expr* r) : Expr(kKind, s), op(o), lhs(l), rhs(r) {}
  BinOp op;
  Span op_span;
  Expr* lhs;
  Expr* rhs;
};

enum class LogicalOp : uint8_t { And, Or };

struct Logical : Expr {
  static constexpr Kind kKind = Kind::Logical;
  Logical(Span s, LogicalOp o) : Expr(kKind, s), op(o) {}
  LogicalOp op;
  std::vector<Expr*> terms;
};

enum class UnaryOp : uint8_t { Neg, Plus };

struct Unary : Expr {
  static constexpr Kind kKind = Kind::Unary;
  Unary(Span s, UnaryOp o, Expr* e) : Expr(kKind, s), op(o), operand(e) {}
  UnaryOp op;
  Expr* operand;
};

struct Call : Expr {
  static constexpr Kind kKind = Kind::Call;
  Call(Span s, std::string n) : Expr(kKind, s), name(std::move(n)) {}
  std::string name;
  Span name_span;
  std::vector<Expr*> args;
};

enum class InOp : uint8_t { In, NotIn, InCi, NotInCi };

struct InList : Expr {
  static constexpr Kind kKind = Kind::InList;
  InList(Span s, InOp o, Expr* l) : Expr(kKind, s), op(o), lhs(l) {}
  InOp op;
  Expr* lhs;
  std::vector<Expr*> items;
};

struct Between : Expr {
  static constexpr Kind kKind = Kind::Between;
  Between(Span s, bool neg, Expr* v, Expr* lo, Expr* hi)
      : Expr(kKind, s), negated(neg), value(v), low(lo), high(hi) {}
  bool negated;
  Expr* value;
  Expr* low;
  Expr* high;
};

// A tabular operator after a `|`.
struct Operator : Node {
  using Node::Node;
};

struct Where : Operator {
  static constexpr Kind kKind = Kind::Where;
  Where(Span s, Expr* p) : Operator(kKind, s), predicate(p) {}
  Expr* predicate;
};

// One `Name = expr` or bare `expr` of project/extend.
struct ProjectItem {
  std::string name;  // empty when the expression is not named
  Span name_span;
  Expr* expr;
};

struct Project : Operator {
  static constexpr Kind kKind = Kind::Project;
  explicit Project(Span s) : Operator(kKind, s) {}
  std::vector<ProjectItem> items;
};

struct TableRef : Node {
  static constexpr Kind kKind = Kind::TableRef;
  TableRef(Span s, std::string n) : Node(kKind, s), name(std::move(n)) {}
  std::string name;
};

// `source | op | op ...`
struct Pipeline : Node {
  static constexpr Kind kKind = Kind::Pipeline;
  Pipeline(Span s, Node* src) : Node(kKind, s), source(src) {}
  Node* source;
  std::vector<Operator*> ops;
};

// Owns every node of one parsed query.
class Ast {
 public:
  template <class T, class... Args>
  T* Make(Args&&... args) {
    auto node = std::make_unique<T>(std::forward<Args>(args)...);
    T* raw = node.get();
    nodes_.push_back(std::move(node));
    return raw;
  }

  Node* root = nullptr;  // the query's tabular expression (a Pipeline or TableRef)

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
};

std::string_view BinOpName(BinOp op);  // KQL spelling: "==", "!has", "contains_cs", ...
// Prints the tree as an indented outline (for `--dump ast` and tests).
std::string Dump(const Ast& ast);

}  // namespace huntc::syntax
