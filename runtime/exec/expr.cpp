// Construction, hashing and printing of scalar expressions.
#include "runtime/exec/expr.h"

#include <array>
#include <functional>
#include <vector>

#include <fmt/format.h>

namespace huntc::exec {

namespace {

size_t HashValue(const Value& v) {
  size_t h = HashMix(static_cast<size_t>(v.type), v.is_null);
  h = HashMix(h, std::hash<int64_t>()(v.integer));
  h = HashMix(h, std::hash<double>()(v.real));
  return HashMix(h, std::hash<std::string>()(v.text));
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

constexpr std::array kFnNames{
#define HUNTC_FN(name, text) std::string_view(text),
#include "runtime/exec/fn.def"
#undef HUNTC_FN
};

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
  size_t h = HashMix(static_cast<size_t>(kind), static_cast<size_t>(type));
  h = HashMix(h, static_cast<size_t>(fn));
  h = HashMix(h, static_cast<size_t>(column));
  h = HashMix(h, HashValue(value));
  for (const Expr& a : args) h = HashMix(h, a.Hash());
  return h;
}

bool IsVolatile(Fn fn) { return fn == Fn::Rand || fn == Fn::NewGuid; }

int SingleStringColumn(const Expr& e) {
  int column = -1;
  std::vector<const Expr*> work{&e};  // not recursion: the tree is as deep as the rule's expression
  while (!work.empty()) {
    const Expr& x = *work.back();
    work.pop_back();
    if (x.kind == ExprKind::Column) {
      if (x.type != Type::String || (column >= 0 && column != x.column)) return -1;
      column = x.column;
    } else if (x.kind == ExprKind::Call && IsVolatile(x.fn)) {
      return -1;
    }
    for (const Expr& a : x.args) work.push_back(&a);
  }
  return column;
}

std::string_view FnName(Fn fn) {
  const auto i = static_cast<size_t>(fn);
  return i < kFnNames.size() ? kFnNames[i] : "?";
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
    case Type::Dynamic: return fmt::format("dynamic({})", v.text);
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
      for (const Expr& a : args) {
        out += ' ';
        out += a.ToString();
      }
      return out + ")";
    }
  }
  return "?";
}

}  // namespace huntc::exec
