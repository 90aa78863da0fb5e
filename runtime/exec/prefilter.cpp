// Deriving the literals a scan filter needs in the raw line (see prefilter.h).
#include "runtime/exec/prefilter.h"

#include <algorithm>

#include "runtime/exec/json.h"

namespace huntc::exec {

namespace {

using Needs = std::optional<LineNeeds>;

// Deeper expressions give no needs rather than deeper recursion (user queries bound nothing).
constexpr int kMaxDepth = 64;
// Alternatives a conjunction multiplies out to, or a disjunction collects, at most: each line
// is tested against every one.
constexpr size_t kMaxAlternatives = 16;

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

size_t Shortest(const LiteralGroup& group) {
  size_t n = SIZE_MAX;
  for (const std::string& s : group) n = std::min(n, s.size());
  return n;
}

// Whether group `a` is likelier to reject lines than `b`: longer needles occur less by chance.
bool MoreSelective(const LiteralGroup& a, const LiteralGroup& b) {
  const size_t sa = Shortest(a), sb = Shortest(b);
  return sa != sb ? sa > sb : a.size() < b.size();
}

// One group each line holding what `needs` asks holds: of each alternative its most selective
// group, all in one. Weaker, but never kept from a line that holds what it needs.
LineNeeds Merged(const LineNeeds& needs) {
  LiteralGroup all;
  for (const LiteralAlternative& alternative : needs) {
    const LiteralGroup& best = *std::min_element(alternative.begin(), alternative.end(),
                                                 [](const LiteralGroup& x, const LiteralGroup& y) { return MoreSelective(x, y); });
    all.insert(all.end(), best.begin(), best.end());
  }
  return LineNeeds{LiteralAlternative{all}};
}

// The needs of a test of a string column against constants: one group.
Needs Group(std::vector<std::string> needles) {
  if (needles.empty()) return std::nullopt;
  return LineNeeds{LiteralAlternative{std::move(needles)}};
}

Needs Derive(const Expr& e, const std::vector<ColumnSpec>& schema, int depth) {
  if (depth > kMaxDepth || e.kind != ExprKind::Call) return std::nullopt;
  const std::vector<Expr>& a = e.args;
  switch (e.fn) {
    case Fn::And: {
      // Every conjunct must hold: alternatives multiplied out; a conjunct that would make too
      // many is left out, which only weakens the needs.
      Needs all;
      for (const Expr& conjunct : a) {
        Needs n = Derive(conjunct, schema, depth + 1);
        if (!n) continue;
        if (!all) {
          all = std::move(n);
          continue;
        }
        if (all->size() * n->size() > kMaxAlternatives) continue;
        LineNeeds product;
        for (const LiteralAlternative& x : *all) {
          for (const LiteralAlternative& y : *n) {
            LiteralAlternative& both = product.emplace_back(x);
            both.insert(both.end(), y.begin(), y.end());
          }
        }
        all = std::move(product);
      }
      return all;
    }
    case Fn::Or: {
      LineNeeds all;
      for (const Expr& branch : a) {
        Needs n = Derive(branch, schema, depth + 1);
        if (!n) return std::nullopt;
        all.insert(all.end(), n->begin(), n->end());
      }
      if (all.empty()) return std::nullopt;  // an `or` of nothing: not a filter to reason about
      return all.size() > kMaxAlternatives ? Merged(all) : all;
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
      return Group(std::move(out));
    }
    case Fn::In:
    case Fn::InCi:
    case Fn::HasAny:
    case Fn::HasAll: {
      if (a.empty() || !IsStringColumn(a[0], schema)) return std::nullopt;
      std::vector<std::string> out;
      for (size_t k = 1; k < a.size(); ++k) {
        if (!AddConstant(a[k], e.fn == Fn::HasAny || e.fn == Fn::HasAll, out)) return std::nullopt;
      }
      // An empty list: false everywhere (left to the filter), or true for has_all.
      if (e.fn != Fn::HasAll || out.empty()) return Group(std::move(out));
      LiteralAlternative each;  // has_all needs every needle
      for (std::string& needle : out) each.push_back({std::move(needle)});
      return LineNeeds{std::move(each)};
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

Needs LineLiterals(const Expr& predicate, const std::vector<ColumnSpec>& schema) {
  Needs n = Derive(predicate, schema, 0);
  if (!n) return n;
  // Folded, sorted and unique: the reader matches case-insensitively anyway.
  for (LiteralAlternative& alternative : *n) {
    for (LiteralGroup& group : alternative) {
      for (std::string& s : group) {
        for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      }
      std::sort(group.begin(), group.end());
      group.erase(std::unique(group.begin(), group.end()), group.end());
    }
    std::sort(alternative.begin(), alternative.end());
    alternative.erase(std::unique(alternative.begin(), alternative.end()), alternative.end());
  }
  return n;
}

void TableNeeds::Add(size_t table, const std::optional<LineNeeds>& reader) {
  if (!reader) {
    open_[table] = false;
    return;
  }
  needs_[table].insert(needs_[table].end(), reader->begin(), reader->end());
}

std::vector<std::optional<LineNeeds>> TableNeeds::Result() const {
  std::vector<std::optional<LineNeeds>> result(needs_.size());
  for (size_t t = 0; t < needs_.size(); ++t) {
    if (open_[t] && !needs_[t].empty()) result[t] = needs_[t];
  }
  return result;
}

std::string DescribeNeeds(const LineNeeds& needs) {
  std::string text;
  for (size_t a = 0; a < needs.size(); ++a) {
    if (a) text += ", or ";
    for (size_t g = 0; g < needs[a].size(); ++g) {
      const LiteralGroup& group = needs[a][g];
      if (g) text += " and ";
      if (group.size() > 1) text += "one of (";
      for (size_t i = 0; i < group.size(); ++i) text += (i ? ", \"" : "\"") + group[i] + "\"";
      if (group.size() > 1) text += ")";
    }
  }
  return text;
}

namespace {

// The node `child` is an input of in the plan rooted at `root`, or null.
const PlanNode* ParentOf(const PlanNode& root, const PlanNode& child) {
  // Plans nest as deep as queries do: walked with a stack of their own.
  std::vector<const PlanNode*> stack{&root};
  while (!stack.empty()) {
    const PlanNode* node = stack.back();
    stack.pop_back();
    for (const PlanPtr& input : node->inputs) {
      if (input.get() == &child) return node;
      stack.push_back(input.get());
    }
  }
  return nullptr;
}

// The filter directly above `scan` in the plan rooted at `root`, or null.
const FilterNode* FilterOver(const PlanNode& root, const PlanNode& scan) {
  const PlanNode* parent = ParentOf(root, scan);
  return parent ? parent->As<FilterNode>() : nullptr;
}

}  // namespace

Needs ScanLiterals(const PlanNode& root, const PlanNode& scan) {
  const FilterNode* filter = FilterOver(root, scan);
  return filter ? LineLiterals(filter->predicate, scan.schema) : std::nullopt;
}

std::vector<bool> PredicateColumns(const Expr& predicate, size_t columns) {
  std::vector<bool> read(columns, false);
  std::vector<const Expr*> work{&predicate};  // not recursion: as deep as the rule's expression
  while (!work.empty()) {
    const Expr& e = *work.back();
    work.pop_back();
    if (e.kind == ExprKind::Column && e.column >= 0 && static_cast<size_t>(e.column) < columns) {
      read[static_cast<size_t>(e.column)] = true;
    }
    for (const Expr& a : e.args) work.push_back(&a);
  }
  return read;
}

std::vector<bool> PredicateDictionary(const Expr& predicate, const std::vector<ColumnSpec>& schema) {
  std::vector<bool> encode(schema.size(), false);
  std::vector<const Expr*> work{&predicate};  // not recursion: as deep as the rule's expression
  while (!work.empty()) {
    const Expr& e = *work.back();
    work.pop_back();
    if (IsStringColumn(e, schema)) encode[static_cast<size_t>(e.column)] = true;
    for (const Expr& a : e.args) work.push_back(&a);
  }
  return encode;
}

std::vector<bool> ScanDictionary(const PlanNode& root, const PlanNode& scan) {
  const FilterNode* filter = FilterOver(root, scan);
  std::vector<bool> encode = filter ? PredicateDictionary(filter->predicate, scan.schema) : std::vector<bool>{};
  // A summarize over the scan (or over its filter, which keeps its columns) reads codes too: a
  // lone string key's group and the strings dcount and make_set/make_list intern are looked up
  // once per distinct value of an encoded batch (compiler/jit/aggregate.cpp).
  const PlanNode* parent = ParentOf(root, filter ? static_cast<const PlanNode&>(*filter) : scan);
  const auto* aggregate = parent ? parent->As<AggregateNode>() : nullptr;
  if (!aggregate) return encode;
  encode.resize(scan.schema.size(), false);
  const auto add = [&](const Expr& e) {
    if (IsStringColumn(e, scan.schema)) encode[static_cast<size_t>(e.column)] = true;
  };
  if (aggregate->keys.size() == 1) add(aggregate->keys[0].expr);
  for (const AggregateSpec& spec : aggregate->aggregates) {
    switch (spec.kind) {
      case AggKind::DCount: case AggKind::DCountIf:
      case AggKind::MakeSet: case AggKind::MakeSetIf:
      case AggKind::MakeList: case AggKind::MakeListIf:
        if (!spec.args.empty()) add(spec.args[0]);
        break;
      default: break;
    }
  }
  return encode;
}

}  // namespace huntc::exec
