// Names and printing of syntax nodes.
#include "compiler/syntax/ast.h"

#include <fmt/format.h>

namespace huntc::syntax {

std::string_view BinOpName(BinOp op) {
  switch (op) {
    case BinOp::Add: return "+";
    case BinOp::Sub: return "-";
    case BinOp::Mul: return "*";
    case BinOp::Div: return "/";
    case BinOp::Mod: return "%";
    case BinOp::Eq: return "==";
    case BinOp::Ne: return "!=";
    case BinOp::Lt: return "<";
    case BinOp::Le: return "<=";
    case BinOp::Gt: return ">";
    case BinOp::Ge: return ">=";
    case BinOp::EqCi: return "=~";
    case BinOp::NeCi: return "!~";
    case BinOp::Has: return "has";
    case BinOp::NotHas: return "!has";
    case BinOp::HasCs: return "has_cs";
    case BinOp::NotHasCs: return "!has_cs";
    case BinOp::Contains: return "contains";
    case BinOp::NotContains: return "!contains";
    case BinOp::ContainsCs: return "contains_cs";
    case BinOp::NotContainsCs: return "!contains_cs";
    case BinOp::StartsWith: return "startswith";
    case BinOp::NotStartsWith: return "!startswith";
    case BinOp::StartsWithCs: return "startswith_cs";
    case BinOp::NotStartsWithCs: return "!startswith_cs";
    case BinOp::EndsWith: return "endswith";
    case BinOp::NotEndsWith: return "!endswith";
    case BinOp::EndsWithCs: return "endswith_cs";
    case BinOp::NotEndsWithCs: return "!endswith_cs";
  }
  return "?";
}

namespace {

std::string_view InOpName(InOp op) {
  switch (op) {
    case InOp::In: return "in";
    case InOp::NotIn: return "!in";
    case InOp::InCi: return "in~";
    case InOp::NotInCi: return "!in~";
  }
  return "?";
}

void DumpNode(const Node* n, int indent, std::string& out) {
  out.append(static_cast<size_t>(indent) * 2, ' ');
  if (!n) {
    out += "<missing>\n";
    return;
  }
  switch (n->kind) {
    case Kind::Literal: {
      const auto* l = n->As<Literal>();
      std::string value;
      if (l->is_null) value = "null";
      else if (l->type == Type::String) value = fmt::format("\"{}\"", l->text);
      else if (l->type == Type::Real) value = fmt::format("{}", l->real);
      else if (l->type == Type::Null) value = "<error>";
      else value = std::to_string(l->integer);
      out += fmt::format("Literal {} {}\n", TypeName(l->type), value);
      return;
    }
    case Kind::Name: out += fmt::format("Name {}\n", n->As<Name>()->name); return;
    case Kind::Binary: {
      const auto* b = n->As<Binary>();
      out += fmt::format("Binary {}\n", BinOpName(b->op));
      DumpNode(b->lhs, indent + 1, out);
      DumpNode(b->rhs, indent + 1, out);
      return;
    }
    case Kind::Logical: {
      const auto* l = n->As<Logical>();
      out += l->op == LogicalOp::And ? "And\n" : "Or\n";
      for (const Expr* t : l->terms) DumpNode(t, indent + 1, out);
      return;
    }
    case Kind::Unary: {
      const auto* u = n->As<Unary>();
      out += u->op == UnaryOp::Neg ? "Neg\n" : "Plus\n";
      DumpNode(u->operand, indent + 1, out);
      return;
    }
    case Kind::Call: {
      const auto* c = n->As<Call>();
      out += fmt::format("Call {}\n", c->name);
      for (const Expr* a : c->args) DumpNode(a, indent + 1, out);
      return;
    }
    case Kind::InList: {
      const auto* in = n->As<InList>();
      out += fmt::format("In {}\n", InOpName(in->op));
      DumpNode(in->lhs, indent + 1, out);
      for (const Expr* i : in->items) DumpNode(i, indent + 2, out);
      return;
    }
    case Kind::Between: {
      const auto* b = n->As<Between>();
      out += b->negated ? "NotBetween\n" : "Between\n";
      DumpNode(b->value, indent + 1, out);
      DumpNode(b->low, indent + 1, out);
      DumpNode(b->high, indent + 1, out);
      return;
    }
    case Kind::TableRef: out += fmt::format("Table {}\n", n->As<TableRef>()->name); return;
    case Kind::Pipeline: {
      const auto* p = n->As<Pipeline>();
      out += "Pipeline\n";
      DumpNode(p->source, indent + 1, out);
      for (const Operator* op : p->ops) DumpNode(op, indent + 1, out);
      return;
    }
    case Kind::Where:
      out += "Where\n";
      DumpNode(n->As<Where>()->predicate, indent + 1, out);
      return;
    case Kind::Project: {
      out += "Project\n";
      for (const ProjectItem& item : n->As<Project>()->items) {
        if (!item.name.empty()) {
          out.append(static_cast<size_t>(indent + 1) * 2, ' ');
          out += fmt::format("{} =\n", item.name);
        }
        DumpNode(item.expr, item.name.empty() ? indent + 1 : indent + 2, out);
      }
      return;
    }
  }
}

}  // namespace

std::string Dump(const Ast& ast) {
  std::string out;
  DumpNode(ast.root, 0, out);
  return out;
}

}  // namespace huntc::syntax
