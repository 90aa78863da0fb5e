// Construction, comparison, hashing and printing of IR nodes.
#include "compiler/ir/ir.h"

#include <functional>

#include <fmt/format.h>

namespace huntc::ir {

namespace {

size_t Mix(size_t seed, size_t v) { return seed ^ (v + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)); }

size_t HashValue(const Value& v) {
  size_t h = Mix(static_cast<size_t>(v.type), v.is_null);
  h = Mix(h, std::hash<int64_t>()(v.integer));
  h = Mix(h, std::hash<double>()(v.real));
  return Mix(h, std::hash<std::string>()(v.text));
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

Expr Expr::Column(int index, Type t) {
  Expr e;
  e.kind = ExprKind::Column;
  e.type = t;
  e.column = index;
  return e;
}

Expr Expr::Constant(Value v) {
  Expr e;
  e.kind = ExprKind::Constant;
  e.type = v.type;
  e.value = std::move(v);
  return e;
}

Expr Expr::Now() {
  Expr e;
  e.kind = ExprKind::Now;
  e.type = Type::DateTime;
  return e;
}

Expr Expr::Call(Fn fn, Type t, std::vector<Expr> args) {
  Expr e;
  e.kind = ExprKind::Call;
  e.type = t;
  e.fn = fn;
  e.args = std::move(args);
  return e;
}

size_t Expr::Hash() const {
  size_t h = Mix(static_cast<size_t>(kind), static_cast<size_t>(type));
  h = Mix(h, static_cast<size_t>(fn));
  h = Mix(h, static_cast<size_t>(column));
  h = Mix(h, HashValue(value));
  for (const Expr& a : args) h = Mix(h, a.Hash());
  return h;
}

std::string_view FnName(Fn fn) {
  switch (fn) {
    case Fn::And: return "and";
    case Fn::Or: return "or";
    case Fn::Not: return "not";
    case Fn::Eq: return "eq";
    case Fn::Ne: return "ne";
    case Fn::Lt: return "lt";
    case Fn::Le: return "le";
    case Fn::Gt: return "gt";
    case Fn::Ge: return "ge";
    case Fn::EqCi: return "eq~";
    case Fn::Has: return "has";
    case Fn::HasCs: return "has_cs";
    case Fn::Contains: return "contains";
    case Fn::ContainsCs: return "contains_cs";
    case Fn::StartsWith: return "startswith";
    case Fn::StartsWithCs: return "startswith_cs";
    case Fn::EndsWith: return "endswith";
    case Fn::EndsWithCs: return "endswith_cs";
    case Fn::In: return "in";
    case Fn::InCi: return "in~";
    case Fn::Add: return "add";
    case Fn::Sub: return "sub";
    case Fn::Mul: return "mul";
    case Fn::Div: return "div";
    case Fn::Mod: return "mod";
    case Fn::Neg: return "neg";
    case Fn::Convert: return "convert";
    case Fn::IsNull: return "isnull";
    case Fn::IsEmpty: return "isempty";
  }
  return "?";
}

std::string ValueToString(const Value& v) {
  if (v.is_null) return fmt::format("{}(null)", TypeName(v.type));
  switch (v.type) {
    case Type::Bool: return v.integer ? "true" : "false";
    case Type::Int:
    case Type::Long: return std::to_string(v.integer);
    case Type::Real:
    case Type::Decimal: return fmt::format("{}", v.real);
    case Type::DateTime: return fmt::format("datetime({})", FormatDateTime(v.integer));
    case Type::TimeSpan: return FormatTimeSpan(v.integer);
    default: return Quote(v.text);
  }
}

std::string Expr::ToString() const {
  switch (kind) {
    case ExprKind::Column: return fmt::format("#{}", column);
    case ExprKind::Constant: return ValueToString(value);
    case ExprKind::Now: return "now";
    case ExprKind::Call: {
      std::string out = fmt::format("({}", FnName(fn));
      if (fn == Fn::Convert) out += fmt::format(":{}", TypeName(type));
      for (const Expr& a : args) out += " " + a.ToString();
      return out + ")";
    }
  }
  return "?";
}

bool Op::operator==(const Op& other) const {
  auto same_specs = [](const std::vector<ColumnSpec>& a, const std::vector<ColumnSpec>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].name != b[i].name || a[i].type != b[i].type) return false;
    }
    return true;
  };
  if (kind != other.kind || !same_specs(schema, other.schema) || table != other.table ||
      source_columns != other.source_columns || !(predicate == other.predicate) ||
      exprs != other.exprs || (input == nullptr) != (other.input == nullptr)) {
    return false;
  }
  return !input || *input == *other.input;
}

size_t Op::Hash() const {
  size_t h = Mix(static_cast<size_t>(kind), std::hash<std::string>()(table));
  for (const ColumnSpec& c : schema) h = Mix(Mix(h, std::hash<std::string>()(c.name)), static_cast<size_t>(c.type));
  for (const std::string& c : source_columns) h = Mix(h, std::hash<std::string>()(c));
  h = Mix(h, predicate.Hash());
  for (const Expr& e : exprs) h = Mix(h, e.Hash());
  return input ? Mix(h, input->Hash()) : h;
}

std::string Op::ToString() const {
  std::string out;
  int depth = 0;
  for (const Op* op = this; op; op = op->input.get(), ++depth) {
    out.append(static_cast<size_t>(depth) * 2, ' ');
    switch (op->kind) {
      case OpKind::Scan: {
        out += fmt::format("Scan {} [", op->table);
        for (size_t i = 0; i < op->source_columns.size(); ++i) {
          out += fmt::format("{}#{}={}:{}", i ? ", " : "", i, op->source_columns[i],
                             TypeName(op->schema[i].type));
        }
        out += "]\n";
        break;
      }
      case OpKind::Filter: out += fmt::format("Filter {}\n", op->predicate.ToString()); break;
      case OpKind::Project: {
        out += "Project [";
        for (size_t i = 0; i < op->exprs.size(); ++i) {
          out += fmt::format("{}{}={}", i ? ", " : "", op->schema[i].name, op->exprs[i].ToString());
        }
        out += "]\n";
        break;
      }
    }
  }
  return out;
}

}  // namespace huntc::ir
