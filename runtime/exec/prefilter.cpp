// Deriving the literals a scan filter needs in the raw line (see prefilter.h).
#include "runtime/exec/prefilter.h"

#include <algorithm>

#include "runtime/exec/json.h"

namespace huntc::exec {

namespace {

using Needles = std::optional<std::vector<std::string>>;

// Deeper expressions give no set rather than deeper recursion (user queries bound nothing).
constexpr int kMaxDepth = 64;

bool IsStringColumn(const Expr& e, const std::vector<ColumnSpec>& schema) {
  return e.kind == ExprKind::Column && e.type == Type::String && e.column >= 0 &&
         static_cast<size_t>(e.column) < schema.size() && schema[static_cast<size_t>(e.column)].type == Type::String;
}

// Adds the needles of constant `e` (a string, or for has_any a dynamic array of them) to
// `out`; false when one is not a raw needle, or `e` is not such a constant.
bool AddConstant(const Expr& e, bool arrays, std::vector<std::string>& out) {
  if (e.kind != ExprKind::Constant) return false;
  const Value& v = e.value;
  if (v.type == Type::String) {
    if (v.is_null) return true;  // strings are never null: such a needle matches nothing
    if (!IsRawNeedle(v.text)) return false;
    out.push_back(v.text);
    return true;
  }
  if (!arrays || v.type != Type::Dynamic || v.is_null) return false;
  // has_any reads each non-null item as tostring does (runtime/exec/eval.cpp).
  const std::optional<Json> json = Json::Parse(v.text);
  if (!json) return false;
  if (!json->IsArray()) {
    if (json->IsNull()) return true;
    out.push_back(json->ToText());
    return IsRawNeedle(out.back());
  }
  for (const Json& item : json->items()) {
    if (item.IsNull()) continue;
    out.push_back(item.ToText());
    if (!IsRawNeedle(out.back())) return false;
  }
  return true;
}

size_t Shortest(const std::vector<std::string>& needles) {
  size_t n = SIZE_MAX;
  for (const std::string& s : needles) n = std::min(n, s.size());
  return n;
}

// Whether `a` is likelier to reject lines than `b`: longer needles occur less often by chance.
bool MoreSelective(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const size_t sa = Shortest(a), sb = Shortest(b);
  return sa != sb ? sa > sb : a.size() < b.size();
}

Needles Derive(const Expr& e, const std::vector<ColumnSpec>& schema, int depth) {
  if (depth > kMaxDepth || e.kind != ExprKind::Call) return std::nullopt;
  const std::vector<Expr>& a = e.args;
  switch (e.fn) {
    case Fn::And: {
      Needles best;
      for (const Expr& conjunct : a) {
        Needles n = Derive(conjunct, schema, depth + 1);
        if (n && (!best || MoreSelective(*n, *best))) best = std::move(n);
      }
      return best;
    }
    case Fn::Or: {
      std::vector<std::string> all;
      for (const Expr& branch : a) {
        Needles n = Derive(branch, schema, depth + 1);
        if (!n) return std::nullopt;
        all.insert(all.end(), n->begin(), n->end());
      }
      if (all.empty()) return std::nullopt;  // an `or` of nothing: not a filter to reason about
      return all;
    }
    case Fn::Eq:
    case Fn::EqCi:
    case Fn::Has:
    case Fn::HasCs:
    case Fn::HasPrefix:
    case Fn::HasPrefixCs:
    case Fn::HasSuffix:
    case Fn::HasSuffixCs:
    case Fn::Contains:
    case Fn::ContainsCs:
    case Fn::StartsWith:
    case Fn::StartsWithCs:
    case Fn::EndsWith:
    case Fn::EndsWithCs: {
      if (a.size() != 2) return std::nullopt;
      // Only == is written either way round by the compiler; the tests have the column first.
      const bool flipped = e.fn == Fn::Eq || e.fn == Fn::EqCi ? !IsStringColumn(a[0], schema) : false;
      const Expr& column = flipped ? a[1] : a[0];
      const Expr& needle = flipped ? a[0] : a[1];
      std::vector<std::string> out;
      if (!IsStringColumn(column, schema) || needle.kind != ExprKind::Constant || needle.value.is_null ||
          !AddConstant(needle, false, out)) {
        return std::nullopt;
      }
      return out;
    }
    case Fn::In:
    case Fn::InCi:
    case Fn::HasAny: {
      if (a.empty() || !IsStringColumn(a[0], schema)) return std::nullopt;
      std::vector<std::string> out;
      for (size_t k = 1; k < a.size(); ++k) {
        if (!AddConstant(a[k], e.fn == Fn::HasAny, out)) return std::nullopt;
      }
      if (out.empty()) return std::nullopt;  // an empty list is false everywhere: left to the filter
      return out;
    }
    case Fn::HasAll: {
      // Every needle must be there, so any one will do: the longest.
      if (a.empty() || !IsStringColumn(a[0], schema)) return std::nullopt;
      std::vector<std::string> out;
      for (size_t k = 1; k < a.size(); ++k) {
        if (!AddConstant(a[k], true, out)) return std::nullopt;
      }
      if (out.empty()) return std::nullopt;  // has_all of nothing is true
      const auto longest = std::max_element(out.begin(), out.end(),
                                            [](const std::string& x, const std::string& y) { return x.size() < y.size(); });
      return std::vector<std::string>{*longest};
    }
    default: return std::nullopt;
  }
}

}  // namespace

bool IsRawNeedle(std::string_view needle) {
  if (needle.empty()) return false;
  return std::all_of(needle.begin(), needle.end(), [](char c) {
    return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' && c != '/';
  });
}

Needles LineLiterals(const Expr& predicate, const std::vector<ColumnSpec>& schema) {
  Needles n = Derive(predicate, schema, 0);
  if (!n) return n;
  // Folded, sorted and unique: the reader matches case-insensitively anyway.
  for (std::string& s : *n) {
    for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  std::sort(n->begin(), n->end());
  n->erase(std::unique(n->begin(), n->end()), n->end());
  return n;
}

Needles ScanLiterals(const PlanNode& root, const PlanNode& scan) {
  // Plans nest as deep as queries do: walked with a stack of their own.
  std::vector<const PlanNode*> stack{&root};
  while (!stack.empty()) {
    const PlanNode* node = stack.back();
    stack.pop_back();
    for (const PlanPtr& input : node->inputs) {
      if (input.get() == &scan) {
        const FilterNode* filter = node->As<FilterNode>();
        return filter ? LineLiterals(filter->predicate, scan.schema) : std::nullopt;
      }
      stack.push_back(input.get());
    }
  }
  return std::nullopt;
}

}  // namespace huntc::exec
