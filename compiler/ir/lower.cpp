// Lowering from the bound syntax tree.
#include "compiler/ir/lower.h"

#include <algorithm>
#include <array>
#include <cassert>

#include <fmt/format.h>

namespace huntc::ir {

using namespace syntax;

Value ConvertConstant(const Value& v, Type to) {
  if (v.type == to) return v;
  if (v.is_null) return Value::Null(to);
  Value out = v;
  out.type = to;
  if (to == Type::Real || to == Type::Decimal) {
    if (v.type != Type::Real && v.type != Type::Decimal) out.real = static_cast<double>(v.integer);
  } else if (to == Type::Int || to == Type::Long) {
    if (v.type == Type::Real || v.type == Type::Decimal) out.integer = static_cast<int64_t>(v.real);
    if (to == Type::Int) out.integer = static_cast<int32_t>(out.integer);
  }
  return out;
}

namespace {

Expr Convert(Expr e, Type to) {
  if (e.type == to) return e;
  if (e.kind == ExprKind::Constant) return Expr::Constant(ConvertConstant(e.value, to));
  return Expr::Call(Fn::Convert, to, {std::move(e)});
}

Expr Not(Expr e) { return Expr::Call(Fn::Not, Type::Bool, {std::move(e)}); }

Expr BoolConstant(bool v) { return Expr::Constant(Value::Integer(Type::Bool, v)); }

struct StringOpInfo {
  Fn fn;
  bool negated;
};

StringOpInfo StringOp(BinOp op) {
  switch (op) {
    case BinOp::EqCi: return {Fn::EqCi, false};
    case BinOp::NeCi: return {Fn::EqCi, true};
    case BinOp::Has: return {Fn::Has, false};
    case BinOp::NotHas: return {Fn::Has, true};
    case BinOp::HasCs: return {Fn::HasCs, false};
    case BinOp::NotHasCs: return {Fn::HasCs, true};
    case BinOp::Contains: return {Fn::Contains, false};
    case BinOp::NotContains: return {Fn::Contains, true};
    case BinOp::ContainsCs: return {Fn::ContainsCs, false};
    case BinOp::NotContainsCs: return {Fn::ContainsCs, true};
    case BinOp::StartsWith: return {Fn::StartsWith, false};
    case BinOp::NotStartsWith: return {Fn::StartsWith, true};
    case BinOp::StartsWithCs: return {Fn::StartsWithCs, false};
    case BinOp::NotStartsWithCs: return {Fn::StartsWithCs, true};
    case BinOp::EndsWith: return {Fn::EndsWith, false};
    case BinOp::NotEndsWith: return {Fn::EndsWith, true};
    case BinOp::EndsWithCs: return {Fn::EndsWithCs, false};
    case BinOp::NotEndsWithCs: return {Fn::EndsWithCs, true};
    default: return {Fn::Eq, false};
  }
}

Fn ArithmeticFn(BinOp op) {
  switch (op) {
    case BinOp::Add: return Fn::Add;
    case BinOp::Sub: return Fn::Sub;
    case BinOp::Mul: return Fn::Mul;
    case BinOp::Div: return Fn::Div;
    default: return Fn::Mod;
  }
}

Fn ComparisonFn(BinOp op) {
  switch (op) {
    case BinOp::Eq: return Fn::Eq;
    case BinOp::Ne: return Fn::Ne;
    case BinOp::Lt: return Fn::Lt;
    case BinOp::Le: return Fn::Le;
    case BinOp::Gt: return Fn::Gt;
    default: return Fn::Ge;
  }
}

Expr LowerExpr(const syntax::Expr* e);

// An integer constant that fits the other operand's int type is narrowed to it, so that
// `RemotePort == 443` compares ints instead of widening every row.
bool NarrowConstant(Expr& constant, const Expr& other) {
  if (constant.kind != ExprKind::Constant || constant.type != Type::Long || other.type != Type::Int) {
    return false;
  }
  const int64_t v = constant.value.integer;
  if (!constant.value.is_null && (v < INT32_MIN || v > INT32_MAX)) return false;
  constant = Expr::Constant(ConvertConstant(constant.value, Type::Int));
  return true;
}

// Both operands converted to their common type, for comparison.
std::pair<Expr, Expr> Promote(const syntax::Expr* l, const syntax::Expr* r) {
  Expr a = LowerExpr(l), b = LowerExpr(r);
  if (NarrowConstant(b, a) || NarrowConstant(a, b)) return {std::move(a), std::move(b)};
  if (auto common = CommonType(a.type, b.type)) return {Convert(std::move(a), *common), Convert(std::move(b), *common)};
  return {std::move(a), std::move(b)};
}

Expr LowerBinary(const Binary* b) {
  if (b->op >= BinOp::EqCi) {  // =~, !~ and the string operators
    const StringOpInfo info = StringOp(b->op);
    Expr e = Expr::Call(info.fn, Type::Bool, {LowerExpr(b->lhs), LowerExpr(b->rhs)});
    return info.negated ? Not(std::move(e)) : e;
  }
  if (b->op >= BinOp::Eq) {
    if (!CommonType(b->lhs->type, b->rhs->type)) return BoolConstant(b->op == BinOp::Ne);
    auto [l, r] = Promote(b->lhs, b->rhs);
    return Expr::Call(ComparisonFn(b->op), Type::Bool, {std::move(l), std::move(r)});
  }
  Expr l = LowerExpr(b->lhs), r = LowerExpr(b->rhs);
  if (IsNumeric(b->type)) {
    l = Convert(std::move(l), b->type);
    r = Convert(std::move(r), b->type);
  }
  return Expr::Call(ArithmeticFn(b->op), b->type, {std::move(l), std::move(r)});
}

Expr LowerIn(const InList* in) {
  Expr lhs = LowerExpr(in->lhs);
  const bool ci = in->op == InOp::InCi || in->op == InOp::NotInCi;
  const bool negated = in->op == InOp::NotIn || in->op == InOp::NotInCi;
  Type common = lhs.type;
  std::vector<Expr> items;
  for (const syntax::Expr* item : in->items) {
    Expr v = LowerExpr(item);
    if (auto c = CommonType(common, v.type)) common = *c;
    items.push_back(std::move(v));
  }
  std::vector<Expr> args{Convert(std::move(lhs), common)};
  for (Expr& v : items) {
    if (CommonType(common, v.type)) args.push_back(Convert(std::move(v), common));  // others never match
  }
  Expr e = Expr::Call(ci ? Fn::InCi : Fn::In, Type::Bool, std::move(args));
  return negated ? Not(std::move(e)) : e;
}

Expr LowerBetween(const Between* b) {
  auto [value, low] = Promote(b->value, b->low);
  Expr high = LowerExpr(b->high);
  if (value.type == Type::DateTime && high.type == Type::TimeSpan) {
    high = Expr::Call(Fn::Add, Type::DateTime, {low, std::move(high)});
  } else {
    high = Convert(std::move(high), value.type);
  }
  Expr e = Expr::Call(Fn::And, Type::Bool,
                      {Expr::Call(Fn::Ge, Type::Bool, {value, std::move(low)}),
                       Expr::Call(Fn::Le, Type::Bool, {value, std::move(high)})});
  return b->negated ? Not(std::move(e)) : e;
}

Expr LowerCall(const syntax::Call* c) {
  std::vector<Expr> args;
  for (const syntax::Expr* a : c->args) args.push_back(LowerExpr(a));
  const std::string& name = c->name;
  if (name == "now") {
    if (args.empty()) return Expr::Now();
    return Expr::Call(Fn::Add, Type::DateTime, {Expr::Now(), std::move(args[0])});
  }
  if (name == "ago") return Expr::Call(Fn::Sub, Type::DateTime, {Expr::Now(), std::move(args[0])});
  if (name == "not") return Not(std::move(args[0]));
  const bool is_string = IsStringLike(args[0].type);
  if (name == "isempty" || name == "isnotempty") {
    Expr e = Expr::Call(is_string ? Fn::IsEmpty : Fn::IsNull, Type::Bool, {std::move(args[0])});
    return name == "isempty" ? e : Not(std::move(e));
  }
  // isnull / isnotnull: a string is never null.
  Expr e = is_string ? BoolConstant(false) : Expr::Call(Fn::IsNull, Type::Bool, {std::move(args[0])});
  return name == "isnull" ? e : Not(std::move(e));
}

Expr LowerExpr(const syntax::Expr* e) {
  switch (e->kind) {
    case Kind::Literal: {
      const auto* l = e->As<Literal>();
      if (l->is_null) return Expr::Constant(Value::Null(l->type));
      switch (l->type) {
        case Type::Real: return Expr::Constant(Value::Real(l->real));
        case Type::String: return Expr::Constant(Value::String(l->text));
        default: return Expr::Constant(Value::Integer(l->type, l->integer));
      }
    }
    case Kind::Name: return Expr::Column(e->As<Name>()->column, e->type);
    case Kind::Logical: {
      const auto* l = e->As<Logical>();
      std::vector<Expr> terms;
      for (const syntax::Expr* t : l->terms) terms.push_back(LowerExpr(t));
      return Expr::Call(l->op == LogicalOp::And ? Fn::And : Fn::Or, Type::Bool, std::move(terms));
    }
    case Kind::Unary: {
      const auto* u = e->As<Unary>();
      Expr operand = LowerExpr(u->operand);
      if (u->op == UnaryOp::Plus) return operand;
      return Expr::Call(Fn::Neg, operand.type, {std::move(operand)});
    }
    case Kind::Binary: return LowerBinary(e->As<Binary>());
    case Kind::InList: return LowerIn(e->As<InList>());
    case Kind::Between: return LowerBetween(e->As<Between>());
    case Kind::Call: return LowerCall(e->As<syntax::Call>());
    default: break;
  }
  assert(false && "not a scalar expression");
  return Expr::Constant(Value::Null(Type::Null));
}

// Reports, by name and span, each construct of a bound query that lowering cannot express yet.
class SupportCheck {
 public:
  SupportCheck(const Reporter& report, LowerOptions options) : report_(report), options_(options) {}

  bool Run(const Query* q) {
    for (const Node* statement : q->statements) Unsupported(statement);
    const Node* source = q->result;
    if (source->Is<Pipeline>()) {
      for (const Operator* op : source->As<Pipeline>()->ops) CheckOperator(op);
      source = source->As<Pipeline>()->source;
    }
    if (!source->Is<TableRef>() || source->As<TableRef>()->IsPattern()) Unsupported(source);
    return ok_;
  }

 private:
  void Unsupported(Span span, std::string_view what, bool plural = false) {
    ok_ = false;
    report_(Code::Unsupported, span,
            fmt::format("{} {} not supported yet", what, plural ? "are" : "is"));
  }

  void Unsupported(const Node* node, std::string_view what = {}) {
    if (!what.empty()) return Unsupported(node->span, what);
    if (IsOperatorKind(node->kind)) {
      return Unsupported(node->span, fmt::format("the '{}' operator", KqlName(node->kind)));
    }
    if (node->Is<Let>() || node->Is<Set>() || node->Is<DeclareParams>()) {
      return Unsupported(node->span, fmt::format("'{}' statements", KqlName(node->kind)), true);
    }
    Unsupported(node->span, KqlName(node->kind));
  }

  void CheckOperator(const Operator* op) {
    if (op->Is<Where>()) return CheckExpr(op->As<Where>()->predicate);
    if (!op->Is<syntax::Project>()) return Unsupported(op);
    for (const NamedExpr& item : op->As<syntax::Project>()->items) {
      // Computed columns need projection kernels, which come later.
      if (!item.expr->Is<Name>() && !options_.computed_projections) {
        Unsupported(item.expr, "projecting a computed expression (only columns)");
        continue;
      }
      CheckExpr(item.expr);
    }
  }

  void CheckExpr(const syntax::Expr* e) {
    switch (e->kind) {
      case Kind::Literal:
        switch (e->type) {
          case Type::Bool: case Type::Long: case Type::Real: case Type::String:
          case Type::DateTime: case Type::TimeSpan:
            return;
          default:
            return Unsupported(e, fmt::format("a {} literal", TypeName(e->type)));
        }
      case Kind::Name:
        if (e->As<Name>()->column < 0) Unsupported(e, "a name that is not a column");
        return;
      case Kind::Logical:
        for (const syntax::Expr* t : e->As<Logical>()->terms) CheckExpr(t);
        return;
      case Kind::Unary: return CheckExpr(e->As<Unary>()->operand);
      case Kind::Binary: {
        const auto* b = e->As<Binary>();
        if (b->op > BinOp::NotEndsWithCs) {
          return Unsupported(b->op_span, fmt::format("the '{}' operator", BinOpName(b->op)));
        }
        if (b->op < BinOp::Eq && (b->lhs->type == Type::Dynamic || b->rhs->type == Type::Dynamic)) {
          return Unsupported(e, "arithmetic on dynamic values");
        }
        CheckExpr(b->lhs);
        return CheckExpr(b->rhs);
      }
      case Kind::InList: {
        const auto* in = e->As<InList>();
        if (in->op == InOp::HasAny || in->op == InOp::HasAll) {
          return Unsupported(in->op_span, fmt::format("the '{}' operator", InOpName(in->op)));
        }
        CheckExpr(in->lhs);
        for (const syntax::Expr* item : in->items) {
          if (!item->Is<Literal>()) return Unsupported(item, "a value other than a literal in a list");
          CheckExpr(item);
        }
        return;
      }
      case Kind::Between: {
        const auto* b = e->As<Between>();
        for (const syntax::Expr* x : {b->value, b->low, b->high}) CheckExpr(x);
        return;
      }
      case Kind::Call: {
        const auto* c = e->As<syntax::Call>();
        static constexpr std::array<std::string_view, 7> kLowered{
            "ago", "now", "not", "isempty", "isnotempty", "isnull", "isnotnull"};
        if (std::find(kLowered.begin(), kLowered.end(), c->name) == kLowered.end()) {
          return Unsupported(e, fmt::format("the function {}()", c->name));
        }
        for (const syntax::Expr* a : c->args) CheckExpr(a);
        return;
      }
      default: return Unsupported(e);
    }
  }

  const Reporter& report_;
  const LowerOptions options_;
  bool ok_ = true;
};

std::unique_ptr<Op> LowerTabular(const Node* node, const BoundQuery& bound) {
  if (node->Is<TableRef>()) {
    auto scan = std::make_unique<Op>();
    scan->kind = OpKind::Scan;
    scan->table = bound.table->name;
    scan->schema = bound.table->columns;
    for (const ColumnSpec& c : scan->schema) scan->source_columns.push_back(c.name);
    return scan;
  }
  const auto* pipeline = node->As<Pipeline>();
  std::unique_ptr<Op> current = LowerTabular(pipeline->source, bound);
  for (const Operator* op : pipeline->ops) {
    auto next = std::make_unique<Op>();
    next->schema = bound.schemas.at(op);
    if (op->Is<Where>()) {
      next->kind = OpKind::Filter;
      next->predicate = LowerExpr(op->As<Where>()->predicate);
    } else {
      next->kind = OpKind::Project;
      for (const NamedExpr& item : op->As<syntax::Project>()->items) {
        next->exprs.push_back(LowerExpr(item.expr));
      }
    }
    next->input = std::move(current);
    current = std::move(next);
  }
  return current;
}

}  // namespace

std::unique_ptr<Op> Lower(const Ast& ast, const BoundQuery& bound, const Reporter& report,
                          LowerOptions options) {
  if (!ast.root->result || !SupportCheck(report, options).Run(ast.root)) return nullptr;
  return LowerTabular(ast.root->result, bound);
}

}  // namespace huntc::ir
