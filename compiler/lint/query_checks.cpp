// Checks on the bound query.
#include "compiler/lint/query_checks.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace huntc::lint {
namespace {

using namespace syntax;

constexpr int64_t kTicksPerMinute = 600'000'000;

// "14d", "1h", "90m", "30s": the largest unit that divides the span.
std::string FormatTicks(int64_t ticks) {
  constexpr std::pair<int64_t, char> kUnits[] = {
      {24 * 60 * kTicksPerMinute, 'd'}, {60 * kTicksPerMinute, 'h'}, {kTicksPerMinute, 'm'}};
  for (const auto& [size, unit] : kUnits) {
    if (ticks % size == 0) return fmt::format("{}{}", ticks / size, unit);
  }
  return fmt::format("{}s", static_cast<double>(ticks) / 1e7);
}

bool IsAlnum(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

const Literal* AsLiteral(const Expr* e) {
  return e->Is<Literal>() && !e->As<Literal>()->is_null ? e->As<Literal>() : nullptr;
}

const Literal* StringLiteral(const Expr* e) {
  const Literal* l = AsLiteral(e);
  return l && l->type == Type::String ? l : nullptr;
}

const Name* Column(const Expr* e) {
  return e->Is<Name>() && e->As<Name>()->column >= 0 ? e->As<Name>() : nullptr;
}

std::optional<int64_t> TimeSpanValue(const Expr* e) {
  if (e->Is<Unary>() && e->As<Unary>()->op == UnaryOp::Neg) {
    const auto inner = TimeSpanValue(e->As<Unary>()->operand);
    return inner ? std::optional<int64_t>(-*inner) : std::nullopt;
  }
  const Literal* l = AsLiteral(e);
  return l && l->type == Type::TimeSpan ? std::optional<int64_t>(l->integer) : std::nullopt;
}

// How far back from now a datetime expression lies: ago(7d), now(-7d), now() - 7d.
std::optional<int64_t> Lookback(const Expr* e) {
  if (e->Is<Call>()) {
    const Call* call = e->As<Call>();
    if (call->name == "ago" && call->args.size() == 1) return TimeSpanValue(call->args[0]);
    if (call->name == "now") {
      if (call->args.empty()) return 0;
      const auto offset = TimeSpanValue(call->args[0]);
      return offset ? std::optional<int64_t>(-*offset) : std::nullopt;
    }
    return std::nullopt;
  }
  if (e->Is<Binary>() && e->As<Binary>()->op == BinOp::Sub) {
    const auto base = Lookback(e->As<Binary>()->lhs);
    const auto delta = TimeSpanValue(e->As<Binary>()->rhs);
    if (base && delta) return *base + *delta;
  }
  return std::nullopt;
}

struct TimeFilter {
  const Expr* expr;
  std::optional<int64_t> lookback;  // unknown for absolute bounds (datetime(2024-01-01))
};

// A conjunct that bounds a datetime column from below: `T > x`, `x < T`, `T between (x .. y)`.
std::optional<TimeFilter> AsTimeFilter(const Expr* e) {
  const auto datetime_column = [](const Expr* x) {
    const Name* n = Column(x);
    return n && n->type == Type::DateTime;
  };
  if (e->Is<Between>()) {
    const Between* b = e->As<Between>();
    if (b->negated || !datetime_column(b->value)) return std::nullopt;
    return TimeFilter{e, Lookback(b->low)};
  }
  if (!e->Is<Binary>()) return std::nullopt;
  const Binary* b = e->As<Binary>();
  if ((b->op == BinOp::Gt || b->op == BinOp::Ge) && datetime_column(b->lhs)) {
    return TimeFilter{e, Lookback(b->rhs)};
  }
  if ((b->op == BinOp::Lt || b->op == BinOp::Le) && datetime_column(b->rhs)) {
    return TimeFilter{e, Lookback(b->lhs)};
  }
  return std::nullopt;
}

bool SameValue(const Literal& a, const Literal& b, bool ignore_case) {
  if (a.type != b.type) return false;
  if (a.type == Type::Real) return a.real == b.real;
  if (a.type == Type::String || a.type == Type::Guid) {
    if (!ignore_case) return a.text == b.text;
    return a.text.size() == b.text.size() &&
           std::equal(a.text.begin(), a.text.end(), b.text.begin(), [](unsigned char x, unsigned char y) {
             return std::tolower(x) == std::tolower(y);
           });
  }
  return a.integer == b.integer;
}

std::optional<double> Numeric(const Literal& l) {
  switch (l.type) {
    case Type::Int: case Type::Long: case Type::DateTime: case Type::TimeSpan:
      return static_cast<double>(l.integer);
    case Type::Real: return l.real;
    default: return std::nullopt;
  }
}

class QueryChecker {
 public:
  QueryChecker(const AnalyzedQuery& query, const TextOrigin& origin, const RuleFields& fields,
               Diagnostics& diags)
      : query_(query), origin_(origin), fields_(fields), diags_(diags) {}

  void Run() {
    CheckColumns();
    std::vector<const Expr*> wheres;
    for (const Expr* root : TopLevelExprs(&wheres)) Walk(root);
    if (fields_.scheduled) CheckTimeFilter(wheres);
  }

 private:
  FileSpan At(syntax::Span span) const { return origin_.Map(span.begin, span.end); }

  // The scalar expressions of the top-level pipeline; `wheres` gets the `where` conditions.
  std::vector<const Expr*> TopLevelExprs(std::vector<const Expr*>* wheres) const {
    std::vector<const Expr*> exprs;
    const Node* root = query_.ast.root ? query_.ast.root->result : nullptr;
    if (!root || !root->Is<Pipeline>()) return exprs;
    for (const Operator* op : root->As<Pipeline>()->ops) {
      if (op->Is<Where>()) {
        exprs.push_back(op->As<Where>()->predicate);
        wheres->push_back(op->As<Where>()->predicate);
      } else if (op->Is<Project>() || op->Is<Extend>()) {
        for (const NamedExpr& item : static_cast<const ItemsOperator*>(op)->items) {
          exprs.push_back(item.expr);
        }
      }
    }
    return exprs;
  }

  void CheckColumns() {
    const std::vector<ColumnSpec>& result = query_.binding.result;
    for (const ColumnUse& use : fields_.columns) {
      const auto found = std::find_if(result.begin(), result.end(),
                                      [&](const ColumnSpec& c) { return c.name == use.column; });
      if (found != result.end()) continue;
      const auto folded = std::find_if(result.begin(), result.end(), [&](const ColumnSpec& c) {
        return c.name.size() == use.column.size() &&
               std::equal(c.name.begin(), c.name.end(), use.column.begin(),
                          [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
      });
      std::string message = fmt::format("{} names column `{}`, which the query's result does not have",
                                        use.use, use.column);
      const auto close = std::min_element(result.begin(), result.end(),
                                          [&](const ColumnSpec& a, const ColumnSpec& b) {
                                            return EditDistance(a.name, use.column) <
                                                   EditDistance(b.name, use.column);
                                          });
      if (folded != result.end()) {
        message += fmt::format(" (column names are case-sensitive: `{}`)", folded->name);
      } else if (close != result.end() && EditDistance(close->name, use.column) <= 2) {
        message += fmt::format("; did you mean `{}`?", close->name);
      } else if (result.size() <= 12) {
        std::string names;
        for (const ColumnSpec& c : result) names += (names.empty() ? "" : ", ") + c.name;
        message += fmt::format("; it has {}", names);
      }
      diags_.Report(Code::QueryColumnNotOutput, use.span, std::move(message));
    }
  }

  // Every expression under the roots, without recursion (a rule may nest deeply).
  void Walk(const Expr* root) {
    std::vector<const Expr*> stack{root};
    while (!stack.empty()) {
      const Expr* e = stack.back();
      stack.pop_back();
      switch (e->kind) {
        case Kind::Binary: {
          const Binary* b = e->As<Binary>();
          CheckStringOperator(*b);
          stack.push_back(b->rhs);
          stack.push_back(b->lhs);
          break;
        }
        case Kind::Logical: {
          const Logical* l = e->As<Logical>();
          if (l->op == LogicalOp::And) CheckContradictions(*l);
          for (auto it = l->terms.rbegin(); it != l->terms.rend(); ++it) stack.push_back(*it);
          break;
        }
        case Kind::Unary: stack.push_back(e->As<Unary>()->operand); break;
        case Kind::Call:
          for (const Expr* a : e->As<Call>()->args) stack.push_back(a);
          break;
        case Kind::InList:
          stack.push_back(e->As<InList>()->lhs);
          for (const Expr* item : e->As<InList>()->items) stack.push_back(item);
          break;
        case Kind::Between: {
          const Between* b = e->As<Between>();
          CheckRange(*b);
          for (const Expr* x : {b->value, b->low, b->high}) stack.push_back(x);
          break;
        }
        default: break;
      }
    }
  }

  void CheckStringOperator(const Binary& b) {
    const Literal* needle = StringLiteral(b.rhs);
    if (!needle || needle->text.empty()) return;
    const std::string& text = needle->text;
    const bool has = b.op == BinOp::Has || b.op == BinOp::NotHas || b.op == BinOp::HasCs ||
                     b.op == BinOp::NotHasCs;
    const bool contains = b.op == BinOp::Contains || b.op == BinOp::NotContains ||
                          b.op == BinOp::ContainsCs || b.op == BinOp::NotContainsCs;
    const auto separator = std::find_if(text.begin(), text.end(),
                                        [](unsigned char c) { return !IsAlnum(c); });
    if (has && separator != text.end()) {
      const bool at_edge = !IsAlnum(text.front()) || !IsAlnum(text.back());
      const char shown = !IsAlnum(text.front()) ? text.front()
                         : !IsAlnum(text.back()) ? text.back()
                                                 : *separator;
      diags_.Report(
          Code::QueryHasSeparator, At(b.rhs->span),
          at_edge ? fmt::format("'{}' needle \"{}\" starts or ends with a term separator ('{}'): "
                                "'has' matches whole terms, and engines disagree on such needles; "
                                "use endswith/startswith or contains for a fragment",
                                BinOpName(b.op), text, shown)
                  : fmt::format("'{}' needle \"{}\" holds term separators ('{}'): it is matched "
                                "as a phrase of whole terms, not as a substring; use contains if "
                                "the ends may be inside longer terms",
                                BinOpName(b.op), text, shown));
    } else if (contains && separator == text.end() && text.size() >= 3) {
      const bool negated = b.op == BinOp::NotContains || b.op == BinOp::NotContainsCs;
      const bool cs = b.op == BinOp::ContainsCs || b.op == BinOp::NotContainsCs;
      diags_.Report(Code::QueryPreferHas, At(b.op_span),
                    fmt::format("if \"{}\" is meant as a whole term, '{}{}' is faster than '{}' "
                                "(it uses the term index)",
                                text, negated ? "!has" : "has", cs ? "_cs" : "", BinOpName(b.op)));
    }
  }

  // `x == a and x == b` with a != b.
  void CheckContradictions(const Logical& l) {
    struct Equality {
      const Name* column;
      const Literal* value;
      bool ignore_case;
    };
    std::vector<Equality> seen;
    for (const Expr* term : l.terms) {
      if (!term->Is<Binary>()) continue;
      const Binary* b = term->As<Binary>();
      if (b->op != BinOp::Eq && b->op != BinOp::EqCi) continue;
      const Name* column = Column(b->lhs);
      const Literal* value = AsLiteral(b->rhs);
      if (!column) column = Column(b->rhs), value = AsLiteral(b->lhs);
      if (!column || !value) continue;
      const bool ignore_case = b->op == BinOp::EqCi;
      for (const Equality& other : seen) {
        if (other.column->name != column->name) continue;
        if (SameValue(*other.value, *value, ignore_case || other.ignore_case)) continue;
        diags_.Report(Code::QueryContradiction, At(term->span),
                      fmt::format("'{}' cannot equal two different values in one 'and': this "
                                  "condition is never true",
                                  column->name));
        break;
      }
      seen.push_back({column, value, ignore_case});
    }
  }

  void CheckRange(const Between& b) {
    const Literal* low = AsLiteral(b.low);
    const Literal* high = AsLiteral(b.high);
    if (b.negated || !low || !high || low->type != high->type) return;
    const auto lo = Numeric(*low), hi = Numeric(*high);
    if (lo && hi && *lo > *hi) {
      diags_.Report(Code::QueryContradiction, At(b.span),
                    "the range's lower bound is above its upper bound: 'between' is never true");
    }
  }

  void CheckTimeFilter(const std::vector<const Expr*>& wheres) {
    std::vector<TimeFilter> filters;
    for (const Expr* predicate : wheres) {
      if (predicate->Is<Logical>() && predicate->As<Logical>()->op == LogicalOp::And) {
        for (const Expr* term : predicate->As<Logical>()->terms) {
          if (auto f = AsTimeFilter(term)) filters.push_back(*f);
        }
      } else if (auto f = AsTimeFilter(predicate)) {
        filters.push_back(*f);
      }
    }
    const std::string period = fields_.query_period ? fmt::format(" ({})", fields_.query_period_text) : "";
    if (filters.empty()) {
      std::string column = "TimeGenerated";
      if (const TableSchema* table = query_.binding.table) {
        if (table->Find("Timestamp") >= 0) column = "Timestamp";
      }
      const Node* root = query_.ast.root->result;
      const Node* source = root->Is<Pipeline>() ? root->As<Pipeline>()->source : root;
      diags_.Report(Code::QueryNoTimeFilter, At(source->span),
                    fmt::format("the query has no time filter: Sentinel runs it over queryPeriod{}, "
                                "`huntc run` over every event; add `| where {} > ago(...)`",
                                period, column));
      return;
    }
    if (!fields_.query_period) return;
    for (const TimeFilter& f : filters) {
      if (!f.lookback || *f.lookback <= *fields_.query_period) continue;
      diags_.Report(Code::QueryTimeFilterTooLong, At(f.expr->span),
                    fmt::format("this filter reaches back {}, but Sentinel runs the rule over "
                                "queryPeriod{}: events older than that are never seen",
                                FormatTicks(*f.lookback), period));
    }
  }

  const AnalyzedQuery& query_;
  const TextOrigin& origin_;
  const RuleFields& fields_;
  Diagnostics& diags_;
};

}  // namespace

void CheckBoundQuery(const AnalyzedQuery& query, const TextOrigin& origin,
                     const RuleFields& fields, Diagnostics& diags) {
  QueryChecker(query, origin, fields, diags).Run();
}

}  // namespace huntc::lint
