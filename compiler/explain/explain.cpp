// The rule explainer: walks the bound tree of a query and collects what it tests and returns.
#include "compiler/explain/explain.h"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "runtime/output.h"

namespace huntc::explain {
namespace {

using namespace syntax;

// Aliases and lets are followed this many steps at most: `extend X = tolower(X)` would
// otherwise go round forever, and real rules need two or three.
constexpr int kMaxFollow = 16;
// Expressions nest at most as deep as the parser allows; this bounds the walk on its own.
constexpr int kMaxDepth = 256;

// What a column name stands for at a point of a pipeline: the expression that computed it, or
// the column it was renamed from.
struct Alias {
  const Expr* expr = nullptr;
  std::string renamed;
};
using Aliases = std::map<std::string, Alias>;

struct BinInfo {
  const char* op;
  bool case_sensitive, negated;
};

std::optional<BinInfo> Classify(BinOp op) {
  switch (op) {
    case BinOp::Eq: return BinInfo{"eq", true, false};
    case BinOp::Ne: return BinInfo{"eq", true, true};
    case BinOp::EqCi: return BinInfo{"eq", false, false};
    case BinOp::NeCi: return BinInfo{"eq", false, true};
    case BinOp::Lt: return BinInfo{"lt", true, false};
    case BinOp::Le: return BinInfo{"le", true, false};
    case BinOp::Gt: return BinInfo{"gt", true, false};
    case BinOp::Ge: return BinInfo{"ge", true, false};
    case BinOp::Has: return BinInfo{"has", false, false};
    case BinOp::NotHas: return BinInfo{"has", false, true};
    case BinOp::HasCs: return BinInfo{"has", true, false};
    case BinOp::NotHasCs: return BinInfo{"has", true, true};
    case BinOp::Contains: return BinInfo{"contains", false, false};
    case BinOp::NotContains: return BinInfo{"contains", false, true};
    case BinOp::ContainsCs: return BinInfo{"contains", true, false};
    case BinOp::NotContainsCs: return BinInfo{"contains", true, true};
    case BinOp::StartsWith: return BinInfo{"starts_with", false, false};
    case BinOp::NotStartsWith: return BinInfo{"starts_with", false, true};
    case BinOp::StartsWithCs: return BinInfo{"starts_with", true, false};
    case BinOp::NotStartsWithCs: return BinInfo{"starts_with", true, true};
    case BinOp::EndsWith: return BinInfo{"ends_with", false, false};
    case BinOp::NotEndsWith: return BinInfo{"ends_with", false, true};
    case BinOp::EndsWithCs: return BinInfo{"ends_with", true, false};
    case BinOp::NotEndsWithCs: return BinInfo{"ends_with", true, true};
    case BinOp::HasPrefix: return BinInfo{"has_prefix", false, false};
    case BinOp::NotHasPrefix: return BinInfo{"has_prefix", false, true};
    case BinOp::HasPrefixCs: return BinInfo{"has_prefix", true, false};
    case BinOp::NotHasPrefixCs: return BinInfo{"has_prefix", true, true};
    case BinOp::HasSuffix: return BinInfo{"has_suffix", false, false};
    case BinOp::NotHasSuffix: return BinInfo{"has_suffix", false, true};
    case BinOp::HasSuffixCs: return BinInfo{"has_suffix", true, false};
    case BinOp::NotHasSuffixCs: return BinInfo{"has_suffix", true, true};
    case BinOp::Like: return BinInfo{"like", false, false};
    case BinOp::NotLike: return BinInfo{"like", false, true};
    case BinOp::LikeCs: return BinInfo{"like", true, false};
    case BinOp::NotLikeCs: return BinInfo{"like", true, true};
    case BinOp::MatchesRegex: return BinInfo{"regex", true, false};
    case BinOp::Add:
    case BinOp::Sub:
    case BinOp::Mul:
    case BinOp::Div:
    case BinOp::Mod: return std::nullopt;
  }
  return std::nullopt;
}

class Explainer {
 public:
  Explainer(const BoundQuery& bound, std::string_view text, Explanation& out)
      : bound_(bound), text_(text), out_(out) {}

  void Run(const Ast& ast) {
    out_.tables = bound_.tables;
    for (const Node* s : ast.root->statements) {
      if (!s->Is<Let>()) continue;
      const Let* let = s->As<Let>();
      lets_[let->name.name] = let->value;
    }
    for (const Node* s : ast.root->statements) {
      if (!s->Is<Let>()) continue;
      const Let* let = s->As<Let>();
      const Node* value = let->value;
      if (value->Is<Lambda>()) {
        const Query* body = value->As<Lambda>()->body;
        if (body && body->result) work_.push_back({body->result, "function " + let->name.name});
      } else if (value->IsExpr()) {
        // `let T = materialize(Q)` and `let n = toscalar(Q)` name the pipeline Q.
        ScanSubqueries(static_cast<const Expr*>(value), "let " + let->name.name, 0);
      } else {
        work_.push_back({value, "let " + let->name.name});
      }
    }
    if (ast.root->result) work_.push_back({ast.root->result, "query"});
    // A worklist rather than recursion: subqueries nest as deep as the user wrote them.
    // (Copied out: Tabular queues more, which may move the vector.)
    for (size_t i = 0; i < work_.size(); ++i) {
      const Work w = work_[i];
      Tabular(w.node, w.label);
    }
    if (ast.root->result) Outputs(ast.root->result);
  }

  void AddUses(const Rule& rule) {
    for (OutputField& f : out_.outputs) {
      for (const EntityMapping& m : rule.entity_mappings) {
        for (const FieldMapping& fm : m.fields) {
          if (fm.column == f.name) f.used_by.push_back(fmt::format("entity {}.{}", m.entity_type, fm.identifier));
        }
      }
      for (const CustomDetail& d : rule.custom_details) {
        if (d.column == f.name) f.used_by.push_back("custom detail " + d.key);
      }
      if (const auto& o = rule.alert_details_override) {
        if (UsesPlaceholder(o->name_format, f.name)) f.used_by.push_back("alert name");
        if (UsesPlaceholder(o->description_format, f.name)) f.used_by.push_back("alert description");
      }
    }
  }

 private:
  struct Work {
    const Node* node;
    std::string label;
  };

  static bool UsesPlaceholder(const std::string& format, const std::string& name) {
    size_t at = 0;
    while ((at = format.find("{{", at)) != std::string::npos) {
      const size_t close = format.find("}}", at + 2);
      if (close == std::string::npos) return false;
      std::string inner = format.substr(at + 2, close - at - 2);
      inner.erase(0, inner.find_first_not_of(' '));
      inner.erase(inner.find_last_not_of(' ') + 1);
      if (inner == name) return true;
      at = close + 2;
    }
    return false;
  }

  std::string Text(const Node* n) const {
    if (n->span.end > text_.size() || n->span.begin > n->span.end) return std::string(KindName(n->kind));
    return std::string(text_.substr(n->span.begin, n->span.end - n->span.begin));
  }

  void Tabular(const Node* node, const std::string& label) {
    Stage stage;
    stage.pipeline = label;
    const Node* source = node;
    const Pipeline* pipe = node->Is<Pipeline>() ? node->As<Pipeline>() : nullptr;
    if (pipe) source = pipe->source;
    stage.source = SourceName(source, label);
    Aliases aliases;
    if (pipe) {
      for (const Operator* op : pipe->ops) {
        stage.operators.emplace_back(KqlName(op->kind));
        OnOperator(op, aliases, label);
      }
    }
    out_.stages.push_back(std::move(stage));
  }

  std::string SourceName(const Node* source, const std::string& label) {
    if (source->Is<TableRef>()) return source->As<TableRef>()->name;
    if (source->Is<Name>()) return source->As<Name>()->name;
    if (source->Is<Union>()) {
      for (const Node* t : source->As<Union>()->tables) {
        if (!t->Is<TableRef>()) work_.push_back({t, label + " / union leg"});
      }
      return "union";
    }
    if (source->Is<Pipeline>()) {
      work_.push_back({source, label + " / source"});
      return "(subquery)";
    }
    if (source->IsExpr()) ScanSubqueries(static_cast<const Expr*>(source), label + " / subquery", 0);
    return std::string(KqlName(source->kind));
  }

  void OnOperator(const Operator* op, Aliases& aliases, const std::string& label) {
    const std::string sub = label + " / subquery";
    if (op->Is<Where>()) {
      const Expr* p = op->As<Where>()->predicate;
      out_.predicates.push_back({label, Text(p)});
      pipeline_ = label;
      Analyze(p, aliases, false, true, 0);
      ScanSubqueries(p, sub, 0);
    } else if (op->Is<Extend>() || op->Is<Project>()) {
      for (const NamedExpr& item : static_cast<const ItemsOperator*>(op)->items) {
        ScanSubqueries(item.expr, sub, 0);
        if (item.names.size() == 1) {
          if (!(item.expr->Is<Name>() && item.expr->As<Name>()->name == item.names[0].name)) {
            aliases[item.names[0].name] = Alias{item.expr, ""};
          }
        }
      }
    } else if (op->Is<ProjectRename>()) {
      for (const auto& item : op->As<ProjectRename>()->items) {
        aliases[item.new_name.name] = Alias{nullptr, item.old_name.name};
      }
    } else if (op->Is<Summarize>()) {
      for (const NamedExpr& item : op->As<Summarize>()->aggregates) ScanSubqueries(item.expr, sub, 0);
    } else if (op->Is<Join>() || op->Is<Lookup>()) {
      const JoinLike* j = static_cast<const JoinLike*>(op);
      if (j->right) work_.push_back({j->right, label + " / " + std::string(KqlName(op->kind)) + " right"});
    } else if (op->Is<Union>()) {
      for (const Node* t : op->As<Union>()->tables) {
        if (!t->Is<TableRef>()) work_.push_back({t, label + " / union leg"});
      }
    } else if (op->Is<MvApply>()) {
      if (const Node* sub = op->As<MvApply>()->subquery) work_.push_back({sub, label + " / mv-apply"});
    } else if (op->Is<Partition>()) {
      if (const Node* sub = op->As<Partition>()->subquery) work_.push_back({sub, label + " / partition"});
    }
  }

  // Queues the tabular expressions written inside a scalar one (`in (T | project X)`).
  void ScanSubqueries(const Expr* e, const std::string& label, int depth) {
    if (!e || depth > kMaxDepth) return;
    const auto next = [&](const Expr* c) { ScanSubqueries(c, label, depth + 1); };
    switch (e->kind) {
      case Kind::Subquery: work_.push_back({e->As<Subquery>()->query, label}); break;
      case Kind::Binary: next(e->As<Binary>()->lhs); next(e->As<Binary>()->rhs); break;
      case Kind::Logical: for (const Expr* t : e->As<Logical>()->terms) next(t); break;
      case Kind::Unary: next(e->As<Unary>()->operand); break;
      case Kind::Call: for (const Expr* a : e->As<Call>()->args) next(a); break;
      case Kind::InList:
        next(e->As<InList>()->lhs);
        for (const Expr* i : e->As<InList>()->items) next(i);
        break;
      case Kind::Between:
        next(e->As<Between>()->value); next(e->As<Between>()->low); next(e->As<Between>()->high);
        break;
      case Kind::Member: next(e->As<Member>()->object); break;
      case Kind::Index: next(e->As<Index>()->object); next(e->As<Index>()->index); break;
      case Kind::NamedArg: next(e->As<NamedArg>()->value); break;
      default: break;
    }
  }

  // The source column an expression reads, through aliases and value-keeping wrappers.
  std::string FieldOf(const Expr* e, const Aliases& aliases) const {
    for (int step = 0; step < kMaxFollow; ++step) {
      if (e->Is<Call>()) {
        const Call* c = e->As<Call>();
        static const char* const kKeep[] = {"tolower", "toupper", "tostring", "trim_start", "trim_end",
                                            "trim", "todynamic", "parse_json"};
        const bool keeps = std::any_of(std::begin(kKeep), std::end(kKeep),
                                       [&](const char* k) { return c->name == k; });
        if (!keeps || c->args.empty()) return Text(e);
        // trim(regex, text) keeps its second argument
        e = c->name.rfind("trim", 0) == 0 && c->args.size() == 2 ? c->args[1] : c->args[0];
        continue;
      }
      if (!e->Is<Name>()) return Text(e);
      const std::string& name = e->As<Name>()->name;
      const auto it = aliases.find(name);
      if (it == aliases.end()) return name;
      if (it->second.expr) {
        e = it->second.expr;
      } else {
        return it->second.renamed;
      }
    }
    return Text(e);
  }

  // The constant values an expression stands for, through lets and dynamic lists.
  void Values(const Expr* e, std::vector<std::string>& out, int depth) const {
    if (depth > kMaxFollow) {
      out.push_back(Text(e));
      return;
    }
    if (e->Is<Literal>()) {
      const Literal* l = e->As<Literal>();
      out.push_back(l->is_null ? "null" : l->type == Type::String ? l->text : Text(e));
    } else if (e->Is<Dynamic>()) {
      Values(e->As<Dynamic>()->value, out, depth + 1);
    } else if (e->Is<DynArray>()) {
      for (const Expr* item : e->As<DynArray>()->items) Values(item, out, depth + 1);
    } else if (e->Is<Call>() && e->As<Call>()->name == "dynamic" && e->As<Call>()->args.size() == 1) {
      Values(e->As<Call>()->args[0], out, depth + 1);
    } else if (e->Is<Name>() && e->As<Name>()->column < 0) {
      const auto it = lets_.find(e->As<Name>()->name);
      if (it != lets_.end() && it->second->IsExpr()) {
        Values(static_cast<const Expr*>(it->second), out, depth + 1);
      } else {
        out.push_back(Text(e));
      }
    } else {
      out.push_back(Text(e));
    }
  }

  void Add(Indicator ind, bool top) {
    ind.pipeline = pipeline_;
    if (top && ind.negated) out_.exclusions.push_back(ind);
    out_.indicators.push_back(std::move(ind));
  }

  // Collects the tests in a predicate. `negated`: under an odd number of not()s; `top`: the
  // expression is a conjunct of the whole predicate, so a negated test there excludes rows.
  void Analyze(const Expr* e, const Aliases& aliases, bool negated, bool top, int depth) {
    if (depth > kMaxDepth) return;
    if (e->Is<Logical>()) {
      const Logical* l = e->As<Logical>();
      // not(A and B) is !A or !B; not(A or B) is !A and !B.
      const bool conj = (l->op == LogicalOp::And) != negated;
      for (const Expr* t : l->terms) Analyze(t, aliases, negated, top && conj, depth + 1);
      return;
    }
    if (e->Is<Call>()) {
      const Call* c = e->As<Call>();
      if (c->name == "not" && c->args.size() == 1) {
        Analyze(c->args[0], aliases, !negated, top, depth + 1);
        return;
      }
      if (c->args.empty()) return;
      Indicator ind;
      ind.field = FieldOf(c->args[0], aliases);
      ind.negated = negated;
      ind.text = Text(e);
      if (c->name == "ipv4_is_private") {
        ind.op = "cidr_match";
        ind.values = PrivateRanges();
      } else if (c->name == "ipv4_is_in_range" || c->name == "ipv4_is_in_any_range" ||
                 c->name == "ipv6_is_in_range" || c->name == "ipv6_is_in_any_range") {
        ind.op = "cidr_match";
        for (size_t i = 1; i < c->args.size(); ++i) Values(c->args[i], ind.values, 0);
      } else if (c->name == "isempty" || c->name == "isnotempty") {
        ind.op = "is_empty";
        ind.negated = negated != (c->name == "isnotempty");
      } else if (c->name == "isnull" || c->name == "isnotnull") {
        ind.op = "is_null";
        ind.negated = negated != (c->name == "isnotnull");
      } else {
        return;
      }
      Add(std::move(ind), top);
      return;
    }
    if (e->Is<Binary>()) {
      const Binary* b = e->As<Binary>();
      // `pred == false`, `pred != true`: the test of a boolean expression, maybe negated.
      if (b->op == BinOp::Eq || b->op == BinOp::Ne) {
        const Expr* lit = b->rhs->Is<Literal>() && b->rhs->type == Type::Bool ? b->rhs
                          : b->lhs->Is<Literal>() && b->lhs->type == Type::Bool ? b->lhs
                                                                                : nullptr;
        if (lit && !lit->As<Literal>()->is_null) {
          const Expr* other = lit == b->rhs ? b->lhs : b->rhs;
          const bool flip = (lit->As<Literal>()->integer == 0) != (b->op == BinOp::Ne);
          Analyze(other, aliases, negated != flip, top, depth + 1);
          return;
        }
      }
      const std::optional<BinInfo> info = Classify(b->op);
      if (!info) return;
      Indicator ind;
      // A constant on the left (`"x" == Field`) tests the right side.
      const bool swapped = b->lhs->Is<Literal>() && !b->rhs->Is<Literal>();
      ind.field = FieldOf(swapped ? b->rhs : b->lhs, aliases);
      ind.op = info->op;
      if (swapped) {
        ind.op = ind.op == "lt" ? "gt" : ind.op == "gt" ? "lt" : ind.op == "le" ? "ge" : ind.op == "ge" ? "le" : ind.op;
      }
      ind.case_sensitive = info->case_sensitive;
      ind.negated = negated != info->negated;
      ind.text = Text(e);
      Values(swapped ? b->lhs : b->rhs, ind.values, 0);
      Add(std::move(ind), top);
      return;
    }
    if (e->Is<InList>()) {
      const InList* in = e->As<InList>();
      Indicator ind;
      ind.field = FieldOf(in->lhs, aliases);
      switch (in->op) {
        case InOp::In: ind.op = "in"; ind.case_sensitive = true; break;
        case InOp::NotIn: ind.op = "in"; ind.case_sensitive = true; ind.negated = true; break;
        case InOp::InCi: ind.op = "in"; break;
        case InOp::NotInCi: ind.op = "in"; ind.negated = true; break;
        case InOp::HasAny: ind.op = "has_any"; break;
        case InOp::HasAll: ind.op = "has_all"; break;
      }
      ind.negated = negated != ind.negated;
      ind.text = Text(e);
      for (const Expr* item : in->items) Values(item, ind.values, 0);
      Add(std::move(ind), top);
      return;
    }
    if (e->Is<Between>()) {
      const Between* b = e->As<Between>();
      Indicator ind;
      ind.field = FieldOf(b->value, aliases);
      ind.op = "between";
      ind.case_sensitive = true;
      ind.negated = negated != b->negated;
      ind.text = Text(e);
      Values(b->low, ind.values, 0);
      Values(b->high, ind.values, 0);
      Add(std::move(ind), top);
    }
  }

  // The stage that makes each result column: the last operator of the final pipeline that
  // computes it or first has it.
  void Outputs(const Node* result) {
    for (int step = 0; step < kMaxFollow && (result->Is<Name>() || result->Is<TableRef>()); ++step) {
      const auto it = lets_.find(LetName(result));
      if (it == lets_.end() || it->second->Is<Lambda>()) break;
      const Node* value = it->second;
      // `let T = materialize(Q)`: the rows are Q's.
      if (value->Is<Call>() && value->As<Call>()->args.size() == 1 && value->As<Call>()->args[0]->Is<Subquery>()) {
        value = value->As<Call>()->args[0]->As<Subquery>()->query;
      }
      if (value->IsExpr()) break;
      result = value;
    }
    for (const ColumnSpec& c : bound_.result) {
      OutputField f;
      f.name = c.name;
      f.type = std::string(TypeName(c.type));
      f.source = SourceOf(result, c.name);
      out_.outputs.push_back(std::move(f));
    }
  }

  // The name a source refers to, which may be a let's (the parser cannot tell a table's name
  // from a let's, and reads both as a TableRef).
  static std::string LetName(const Node* n) {
    return n->Is<Name>() ? n->As<Name>()->name : n->Is<TableRef>() ? n->As<TableRef>()->name : std::string();
  }

  bool HasColumn(const Node* n, const std::string& name) const {
    const auto it = bound_.schemas.find(n);
    if (it == bound_.schemas.end()) return true;
    return std::any_of(it->second.begin(), it->second.end(), [&](const ColumnSpec& c) { return c.name == name; });
  }

  std::string SourceOf(const Node* result, const std::string& name) const {
    if (const std::string let = LetName(result); !let.empty() && lets_.count(let)) return "let " + let;
    if (!result->Is<Pipeline>()) return result->Is<TableRef>() ? "table" : std::string(KqlName(result->kind));
    const Pipeline* p = result->As<Pipeline>();
    for (size_t i = p->ops.size(); i-- > 0;) {
      const Operator* op = p->ops[i];
      const Node* input = i == 0 ? p->source : p->ops[i - 1];
      if (op->Is<Summarize>()) return "summarize";
      if (op->Is<Extend>() || op->Is<Project>()) {
        for (const NamedExpr& item : static_cast<const ItemsOperator*>(op)->items) {
          const bool named = !item.names.empty() &&
                             std::any_of(item.names.begin(), item.names.end(),
                                         [&](const Ident& id) { return id.name == name; });
          const bool computed = item.names.empty() && !item.expr->Is<Name>() && ExpressionName(item.expr) == name;
          const bool pass = item.expr->Is<Name>() && item.expr->As<Name>()->name == name;
          if ((named || computed) && !pass) return std::string(KqlName(op->kind));
        }
      }
      if (!HasColumn(input, name)) return std::string(KqlName(op->kind));
    }
    if (const std::string let = LetName(p->source); !let.empty() && lets_.count(let)) return "let " + let;
    if (p->source->Is<TableRef>()) return "table";
    return std::string(KqlName(p->source->kind));
  }

  const BoundQuery& bound_;
  std::string_view text_;
  Explanation& out_;
  std::map<std::string, const Node*> lets_;
  std::vector<Work> work_;
  std::string pipeline_;  // the pipeline whose predicate Analyze is in
};

void AppendStrings(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(out, items[i]);
  }
  out += ']';
}

void AppendIndicators(std::string& out, const std::vector<Indicator>& items) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    const Indicator& ind = items[i];
    if (i) out += ',';
    out += "{\"field\":";
    AppendJsonString(out, ind.field);
    out += ",\"op\":";
    AppendJsonString(out, ind.op);
    out += ",\"values\":";
    AppendStrings(out, ind.values);
    out += fmt::format(",\"case_sensitive\":{},\"negated\":{},\"text\":", ind.case_sensitive, ind.negated);
    AppendJsonString(out, ind.text);
    out += ",\"pipeline\":";
    AppendJsonString(out, ind.pipeline);
    out += '}';
  }
  out += ']';
}

std::string Describe(const Indicator& ind) {
  std::string values;
  for (size_t i = 0; i < ind.values.size(); ++i) values += (i ? ", " : "") + ind.values[i];
  return fmt::format("[{}] {}{} {}{} [{}]", ind.pipeline, ind.negated ? "NOT " : "", ind.field, ind.op,
                     ind.case_sensitive ? " (case-sensitive)" : "", values);
}

}  // namespace

const std::vector<std::string>& PrivateRanges() {
  // The blocks Kusto's ipv4_is_private() documents: RFC 1918, loopback and link-local.
  static const std::vector<std::string> ranges = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                                  "127.0.0.0/8", "169.254.0.0/16"};
  return ranges;
}

Explanation Explain(const Ast& ast, const BoundQuery& bound, std::string_view text, const Rule* rule) {
  Explanation e;
  if (!ast.root) return e;
  Explainer x(bound, text, e);
  x.Run(ast);
  if (rule) x.AddUses(*rule);
  return e;
}

void AppendJson(std::string& out, const Explanation& e) {
  out += "{\"tables\":";
  AppendStrings(out, e.tables);
  out += ",\"stages\":[";
  for (size_t i = 0; i < e.stages.size(); ++i) {
    if (i) out += ',';
    out += "{\"pipeline\":";
    AppendJsonString(out, e.stages[i].pipeline);
    out += ",\"source\":";
    AppendJsonString(out, e.stages[i].source);
    out += ",\"operators\":";
    AppendStrings(out, e.stages[i].operators);
    out += '}';
  }
  out += "],\"predicates\":[";
  for (size_t i = 0; i < e.predicates.size(); ++i) {
    if (i) out += ',';
    out += "{\"pipeline\":";
    AppendJsonString(out, e.predicates[i].pipeline);
    out += ",\"text\":";
    AppendJsonString(out, e.predicates[i].text);
    out += '}';
  }
  out += ']';
  out += ",\"indicators\":";
  AppendIndicators(out, e.indicators);
  out += ",\"exclusions\":";
  AppendIndicators(out, e.exclusions);
  out += ",\"outputs\":[";
  for (size_t i = 0; i < e.outputs.size(); ++i) {
    const OutputField& f = e.outputs[i];
    if (i) out += ',';
    out += "{\"name\":";
    AppendJsonString(out, f.name);
    out += ",\"type\":";
    AppendJsonString(out, f.type);
    out += ",\"source\":";
    AppendJsonString(out, f.source);
    out += ",\"used_by\":";
    AppendStrings(out, f.used_by);
    out += '}';
  }
  out += "]}";
}

std::string ToText(const Explanation& e) {
  std::string out;
  std::string tables;
  for (size_t i = 0; i < e.tables.size(); ++i) tables += (i ? ", " : "") + e.tables[i];
  out += fmt::format("  tables: {}\n  stages:\n", tables);
  for (const Stage& s : e.stages) {
    std::string ops = s.source;
    for (const std::string& op : s.operators) ops += " | " + op;
    out += fmt::format("    {}: {}\n", s.pipeline, ops);
  }
  out += "  predicates:\n";
  for (const Predicate& p : e.predicates) out += fmt::format("    [{}] {}\n", p.pipeline, p.text);
  out += "  indicators:\n";
  for (const Indicator& ind : e.indicators) out += fmt::format("    {}\n", Describe(ind));
  out += "  exclusions:\n";
  for (const Indicator& ind : e.exclusions) out += fmt::format("    {}\n", Describe(ind));
  out += "  outputs:\n";
  for (const OutputField& f : e.outputs) {
    std::string uses;
    for (size_t i = 0; i < f.used_by.size(); ++i) uses += (i ? ", " : "; used by ") + f.used_by[i];
    out += fmt::format("    {} ({}) from {}{}\n", f.name, f.type, f.source, uses);
  }
  return out;
}

}  // namespace huntc::explain
