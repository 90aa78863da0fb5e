// The binder.
#include "compiler/bind/binder.h"

#include <array>

#include <fmt/format.h>

namespace huntc {

using namespace syntax;

namespace {

int NumericRank(Type t) {
  switch (t) {
    case Type::Int: return 1;
    case Type::Long: return 2;
    case Type::Decimal: return 3;
    case Type::Real: return 4;
    default: return 0;
  }
}

bool IsStringOp(BinOp op) { return op >= BinOp::Has; }

class Binder {
 public:
  Binder(const Catalog& catalog, BoundQuery& out, const Reporter& report)
      : catalog_(catalog), out_(out), report_(report) {}

  bool Run(Ast& ast) {
    for (const Node* statement : ast.root->statements) {
      Error(Code::Unsupported, statement->span,
            fmt::format("'{}' statements are not supported yet", KqlName(statement->kind)));
    }
    if (!ok_ || !ast.root->result) return false;
    out_.result = BindTabular(ast.root->result);
    return ok_;
  }

 private:
  void Error(Code code, Span span, std::string message) {
    if (Info(code).severity == Severity::Error) ok_ = false;
    report_(code, span, std::move(message));
  }

  // Reports a construct the later stages cannot compile yet, by its KQL name.
  void Unsupported(const Node* node) {
    if (IsOperatorKind(node->kind)) {
      Error(Code::Unsupported, node->span,
            fmt::format("the '{}' operator is not supported yet", KqlName(node->kind)));
    } else {
      Error(Code::Unsupported, node->span,
            fmt::format("{} is not supported yet", KqlName(node->kind)));
    }
  }

  std::vector<ColumnSpec> BindTabular(Node* node) {
    if (!node->Is<TableRef>() && !node->Is<Pipeline>()) {
      Unsupported(node);
      return {};
    }
    if (node->Is<TableRef>()) {
      auto* ref = node->As<TableRef>();
      if (ref->IsPattern()) {
        Error(Code::Unsupported, ref->span, "table name patterns are not supported yet");
        return {};
      }
      const TableSchema* table = catalog_.Find(ref->name);
      if (!table) {
        Error(Code::UnknownTable, ref->span, fmt::format("unknown table '{}'", ref->name));
        return {};
      }
      out_.table = table;
      return out_.schemas[ref] = table->columns;
    }
    auto* pipeline = node->As<Pipeline>();
    if (!pipeline->source->Is<TableRef>()) {
      Unsupported(pipeline->source);
      return {};
    }
    std::vector<ColumnSpec> schema = BindTabular(pipeline->source);
    // After an unknown table or an operator not bound yet, the columns are unknown: the rest
    // is only checked for operators that are not supported.
    bool known = out_.table != nullptr;
    for (Operator* op : pipeline->ops) {
      if (!op->Is<Where>() && !op->Is<Project>()) {
        Unsupported(op);
        known = false;
        continue;
      }
      if (!known) continue;
      schema = BindOperator(op, schema);
      out_.schemas[op] = schema;
    }
    return schema;
  }

  std::vector<ColumnSpec> BindOperator(Operator* op, const std::vector<ColumnSpec>& input) {
    scope_ = &input;
    if (op->Is<Where>()) {
      Expr* pred = op->As<Where>()->predicate;
      BindExpr(pred);
      if (pred->type != Type::Bool && pred->type != Type::Null) {
        Error(Code::TypeMismatch, pred->span,
              fmt::format("the 'where' condition must be bool, not {}", TypeName(pred->type)));
      }
      return input;
    }
    std::vector<ColumnSpec> output;
    int unnamed = 0;
    for (NamedExpr& item : op->As<Project>()->items) {
      BindExpr(item.expr);
      if (item.names.size() > 1) {
        Error(Code::Unsupported, item.names[1].span,
              "naming several columns '(A, B) = ...' is not supported yet");
      }
      std::string name = item.names.empty() ? std::string() : item.names[0].name;
      if (name.empty()) {
        name = item.expr->Is<Name>() ? item.expr->As<Name>()->name
                                     : fmt::format("Column{}", ++unnamed);
      }
      output.push_back({name, item.expr->type});
    }
    return output;
  }

  int FindColumn(std::string_view name) const {
    for (size_t i = 0; i < scope_->size(); ++i) {
      if ((*scope_)[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }

  void BindExpr(Expr* e) {
    switch (e->kind) {
      case Kind::Literal:  // typed by the parser; the later stages read these types so far
        switch (e->type) {
          case Type::Bool: case Type::Long: case Type::Real: case Type::String:
          case Type::DateTime: case Type::TimeSpan:
            return;
          default:
            Error(Code::Unsupported, e->span,
                  fmt::format("{} literals are not supported yet", TypeName(e->type)));
            return;
        }
      case Kind::Name: {
        auto* name = e->As<Name>();
        name->column = FindColumn(name->name);
        if (name->column < 0) {
          Error(Code::UnknownColumn, name->span,
                fmt::format("'{}' is not a column of the input here", name->name));
          return;
        }
        name->type = (*scope_)[name->column].type;
        return;
      }
      case Kind::Logical: {
        auto* l = e->As<Logical>();
        for (Expr* t : l->terms) {
          BindExpr(t);
          RequireBool(t, l->op == LogicalOp::And ? "and" : "or");
        }
        l->type = Type::Bool;
        return;
      }
      case Kind::Unary: {
        auto* u = e->As<Unary>();
        BindExpr(u->operand);
        const Type t = u->operand->type;
        if (!IsNumeric(t) && t != Type::TimeSpan && t != Type::Null) {
          Error(Code::TypeMismatch, u->span,
                fmt::format("unary '-' needs a number or timespan, not {}", TypeName(t)));
        }
        u->type = t;
        return;
      }
      case Kind::Binary: return BindBinary(e->As<Binary>());
      case Kind::InList: return BindIn(e->As<InList>());
      case Kind::Between: return BindBetween(e->As<Between>());
      case Kind::Call: return BindCall(e->As<Call>());
      default: return Unsupported(e);
    }
  }

  void RequireBool(const Expr* e, std::string_view context) {
    if (e->type != Type::Bool && e->type != Type::Null) {
      Error(Code::TypeMismatch, e->span,
            fmt::format("'{}' needs bool operands, not {}", context, TypeName(e->type)));
    }
  }

  void BindBinary(Binary* b) {
    BindExpr(b->lhs);
    BindExpr(b->rhs);
    if (b->op > BinOp::NotEndsWithCs) {
      Error(Code::Unsupported, b->op_span,
            fmt::format("the '{}' operator is not supported yet", BinOpName(b->op)));
      b->type = Type::Bool;
      return;
    }
    const Type l = b->lhs->type, r = b->rhs->type;
    if (l == Type::Null || r == Type::Null) {  // an operand already failed to bind
      b->type = IsStringOp(b->op) || b->op >= BinOp::Eq ? Type::Bool : Type::Null;
      return;
    }
    if (IsStringOp(b->op) || b->op == BinOp::EqCi || b->op == BinOp::NeCi) {
      b->type = Type::Bool;
      for (const Expr* side : {b->lhs, b->rhs}) {
        if (!IsStringLike(side->type)) {
          Error(Code::TypeMismatch, side->span,
                fmt::format("'{}' compares strings, but this is {}", BinOpName(b->op),
                            TypeName(side->type)));
        }
      }
      return;
    }
    if (b->op >= BinOp::Eq) {
      b->type = Type::Bool;
      if (CommonType(l, r)) return;
      if ((b->op == BinOp::Eq || b->op == BinOp::Ne) && l != r) {
        Error(Code::NeverTrue, b->op_span,
              fmt::format("{} {} {} compares different types: it is never true", TypeName(l),
                          BinOpName(b->op), TypeName(r)));
        return;
      }
      Error(Code::TypeMismatch, b->op_span,
            fmt::format("cannot compare {} with {}", TypeName(l), TypeName(r)));
      return;
    }
    b->type = ArithmeticType(b->op, l, r);
    if (b->type == Type::Null) {
      Error(Code::TypeMismatch, b->op_span,
            fmt::format("'{}' is not defined for {} and {}", BinOpName(b->op), TypeName(l),
                        TypeName(r)));
    }
  }

  static Type ArithmeticType(BinOp op, Type l, Type r) {
    if (NumericRank(l) && NumericRank(r)) return NumericRank(l) >= NumericRank(r) ? l : r;
    const bool additive = op == BinOp::Add || op == BinOp::Sub;
    if (additive && l == Type::DateTime && r == Type::TimeSpan) return Type::DateTime;
    if (op == BinOp::Add && l == Type::TimeSpan && r == Type::DateTime) return Type::DateTime;
    if (op == BinOp::Sub && l == Type::DateTime && r == Type::DateTime) return Type::TimeSpan;
    if (additive && l == Type::TimeSpan && r == Type::TimeSpan) return Type::TimeSpan;
    return Type::Null;
  }

  void BindIn(InList* in) {
    BindExpr(in->lhs);
    in->type = Type::Bool;
    if (in->op == InOp::HasAny || in->op == InOp::HasAll) {
      Error(Code::Unsupported, in->op_span,
            fmt::format("the '{}' operator is not supported yet", InOpName(in->op)));
      return;
    }
    const bool ci = in->op == InOp::InCi || in->op == InOp::NotInCi;
    for (Expr* item : in->items) {
      BindExpr(item);
      if (!item->Is<Literal>()) {
        Error(Code::Unsupported, item->span,
              "only literal values are supported in an 'in' list yet");
      } else if (ci && !IsStringLike(item->type)) {
        Error(Code::TypeMismatch, item->span,
              fmt::format("'in~' compares strings, but this is {}", TypeName(item->type)));
      } else if (in->lhs->type != Type::Null && !CommonType(in->lhs->type, item->type)) {
        Error(Code::NeverTrue, item->span,
              fmt::format("{} value in a list compared with {}: it never matches",
                          TypeName(item->type), TypeName(in->lhs->type)));
      }
    }
  }

  void BindBetween(Between* b) {
    BindExpr(b->value);
    BindExpr(b->low);
    BindExpr(b->high);
    b->type = Type::Bool;
    const Type v = b->value->type;
    const bool span_bound = v == Type::DateTime && b->high->type == Type::TimeSpan;
    if (!CommonType(v, b->low->type) || (!span_bound && !CommonType(v, b->high->type))) {
      Error(Code::TypeMismatch, b->span,
            fmt::format("'between' needs bounds of the type of {}", TypeName(v)));
    }
  }

  struct Builtin {
    std::string_view name;
    size_t min_args, max_args;
  };

  void BindCall(Call* c) {
    static constexpr std::array kBuiltins{
        Builtin{"ago", 1, 1},     Builtin{"now", 0, 1},       Builtin{"not", 1, 1},
        Builtin{"isempty", 1, 1}, Builtin{"isnotempty", 1, 1}, Builtin{"isnull", 1, 1},
        Builtin{"isnotnull", 1, 1},
    };
    for (Expr* a : c->args) BindExpr(a);
    const Builtin* fn = nullptr;
    for (const Builtin& b : kBuiltins) {
      if (b.name == c->name) fn = &b;
    }
    if (!fn) {
      Error(Code::UnknownFunction, c->name_span,
            fmt::format("'{}' is not a known function (or not supported yet)", c->name));
      return;
    }
    if (c->args.size() < fn->min_args || c->args.size() > fn->max_args) {
      Error(Code::ArgumentCount, c->span,
            fmt::format("{}() takes {} argument{}, not {}", c->name, fn->max_args,
                        fn->max_args == 1 ? "" : "s", c->args.size()));
      return;
    }
    const auto arg_type = [&](size_t i) { return c->args[i]->type; };
    if (c->name == "ago" || c->name == "now") {
      c->type = Type::DateTime;
      if (!c->args.empty() && arg_type(0) != Type::TimeSpan && arg_type(0) != Type::Null) {
        Error(Code::TypeMismatch, c->args[0]->span,
              fmt::format("{}() takes a timespan, not {}", c->name, TypeName(arg_type(0))));
      }
      return;
    }
    c->type = Type::Bool;
    if (c->name == "not") RequireBool(c->args[0], "not");
  }

  const Catalog& catalog_;
  BoundQuery& out_;
  const Reporter& report_;
  const std::vector<ColumnSpec>* scope_ = nullptr;
  bool ok_ = true;
};

}  // namespace

std::optional<Type> CommonType(Type a, Type b) {
  if (a == b) return a;
  if (NumericRank(a) && NumericRank(b)) return NumericRank(a) >= NumericRank(b) ? a : b;
  if (IsStringLike(a) && IsStringLike(b)) return Type::String;
  return std::nullopt;
}

bool Bind(Ast& ast, const Catalog& catalog, BoundQuery& out, const Reporter& report) {
  return Binder(catalog, out, report).Run(ast);
}

}  // namespace huntc
