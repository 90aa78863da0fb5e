// Names and printing of syntax nodes.
#include "compiler/syntax/ast.h"

#include <fmt/format.h>

namespace huntc::syntax {

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::Literal: return "Literal";
    case Kind::Name: return "Name";
    case Kind::Binary: return "Binary";
    case Kind::Logical: return "Logical";
    case Kind::Unary: return "Unary";
    case Kind::Call: return "Call";
    case Kind::InList: return "InList";
    case Kind::Between: return "Between";
    case Kind::Member: return "Member";
    case Kind::Index: return "Index";
    case Kind::Star: return "Star";
    case Kind::NamedArg: return "NamedArg";
    case Kind::Dynamic: return "Dynamic";
    case Kind::DynArray: return "DynArray";
    case Kind::DynBag: return "DynBag";
    case Kind::Subquery: return "Subquery";
    case Kind::TableRef: return "TableRef";
    case Kind::Pipeline: return "Pipeline";
    case Kind::PipeInput: return "PipeInput";
    case Kind::Datatable: return "Datatable";
    case Kind::ExternalData: return "ExternalData";
    case Kind::Range: return "Range";
    case Kind::Print: return "Print";
    case Kind::Find: return "Find";
    case Kind::Where: return "Where";
    case Kind::Project: return "Project";
    case Kind::Extend: return "Extend";
    case Kind::ProjectAway: return "ProjectAway";
    case Kind::ProjectKeep: return "ProjectKeep";
    case Kind::ProjectRename: return "ProjectRename";
    case Kind::ProjectReorder: return "ProjectReorder";
    case Kind::Summarize: return "Summarize";
    case Kind::Join: return "Join";
    case Kind::Lookup: return "Lookup";
    case Kind::Union: return "Union";
    case Kind::Sort: return "Sort";
    case Kind::Top: return "Top";
    case Kind::TopNested: return "TopNested";
    case Kind::Take: return "Take";
    case Kind::Distinct: return "Distinct";
    case Kind::Count: return "Count";
    case Kind::MvExpand: return "MvExpand";
    case Kind::MvApply: return "MvApply";
    case Kind::Parse: return "Parse";
    case Kind::ParseWhere: return "ParseWhere";
    case Kind::MakeSeries: return "MakeSeries";
    case Kind::Evaluate: return "Evaluate";
    case Kind::Invoke: return "Invoke";
    case Kind::Serialize: return "Serialize";
    case Kind::Partition: return "Partition";
    case Kind::As: return "As";
    case Kind::GetSchema: return "GetSchema";
    case Kind::Sample: return "Sample";
    case Kind::Render: return "Render";
    case Kind::Query: return "Query";
    case Kind::Let: return "Let";
    case Kind::Set: return "Set";
    case Kind::DeclareParams: return "DeclareParams";
    case Kind::Lambda: return "Lambda";
  }
  return "?";
}

std::string_view KqlName(Kind k) {
  switch (k) {
    case Kind::Literal: return "a literal";
    case Kind::Name: return "a name";
    case Kind::Binary: return "a binary operator";
    case Kind::Logical: return "'and'/'or'";
    case Kind::Unary: return "a unary operator";
    case Kind::Call: return "a function call";
    case Kind::InList: return "a list operator";
    case Kind::Between: return "'between'";
    case Kind::Member: return "member access ('.')";
    case Kind::Index: return "indexing ('[]')";
    case Kind::Star: return "a '*' argument";
    case Kind::NamedArg: return "a named argument";
    case Kind::Dynamic: return "a dynamic() literal";
    case Kind::DynArray: return "a dynamic array";
    case Kind::DynBag: return "a dynamic property bag";
    case Kind::Subquery: return "a tabular subquery in an expression";
    case Kind::TableRef: return "a table reference";
    case Kind::Pipeline: return "a pipeline";
    case Kind::PipeInput: return "the input of a subquery";
    case Kind::Datatable: return "datatable";
    case Kind::ExternalData: return "externaldata";
    case Kind::Range: return "range";
    case Kind::Print: return "print";
    case Kind::Find: return "find";
    case Kind::Where: return "where";
    case Kind::Project: return "project";
    case Kind::Extend: return "extend";
    case Kind::ProjectAway: return "project-away";
    case Kind::ProjectKeep: return "project-keep";
    case Kind::ProjectRename: return "project-rename";
    case Kind::ProjectReorder: return "project-reorder";
    case Kind::Summarize: return "summarize";
    case Kind::Join: return "join";
    case Kind::Lookup: return "lookup";
    case Kind::Union: return "union";
    case Kind::Sort: return "sort";
    case Kind::Top: return "top";
    case Kind::TopNested: return "top-nested";
    case Kind::Take: return "take";
    case Kind::Distinct: return "distinct";
    case Kind::Count: return "count";
    case Kind::MvExpand: return "mv-expand";
    case Kind::MvApply: return "mv-apply";
    case Kind::Parse: return "parse";
    case Kind::ParseWhere: return "parse-where";
    case Kind::MakeSeries: return "make-series";
    case Kind::Evaluate: return "evaluate";
    case Kind::Invoke: return "invoke";
    case Kind::Serialize: return "serialize";
    case Kind::Partition: return "partition";
    case Kind::As: return "as";
    case Kind::GetSchema: return "getschema";
    case Kind::Sample: return "sample";
    case Kind::Render: return "render";
    case Kind::Query: return "a query";
    case Kind::Let: return "let";
    case Kind::Set: return "set";
    case Kind::DeclareParams: return "declare query_parameters";
    case Kind::Lambda: return "a function definition";
  }
  return "?";
}

bool IsOperatorKind(Kind k) {
  return (k >= Kind::Where && k <= Kind::Render) ||
         (k >= Kind::Datatable && k <= Kind::Find);
}

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
    case BinOp::HasPrefix: return "hasprefix";
    case BinOp::NotHasPrefix: return "!hasprefix";
    case BinOp::HasPrefixCs: return "hasprefix_cs";
    case BinOp::NotHasPrefixCs: return "!hasprefix_cs";
    case BinOp::HasSuffix: return "hassuffix";
    case BinOp::NotHasSuffix: return "!hassuffix";
    case BinOp::HasSuffixCs: return "hassuffix_cs";
    case BinOp::NotHasSuffixCs: return "!hassuffix_cs";
    case BinOp::Like: return "like";
    case BinOp::NotLike: return "!like";
    case BinOp::LikeCs: return "like_cs";
    case BinOp::NotLikeCs: return "!like_cs";
    case BinOp::MatchesRegex: return "matches regex";
  }
  return "?";
}

std::string_view InOpName(InOp op) {
  switch (op) {
    case InOp::In: return "in";
    case InOp::NotIn: return "!in";
    case InOp::InCi: return "in~";
    case InOp::NotInCi: return "!in~";
    case InOp::HasAny: return "has_any";
    case InOp::HasAll: return "has_all";
  }
  return "?";
}

namespace {

std::string_view SortOrderName(SortOrder o) {
  switch (o) {
    case SortOrder::Default: return "";
    case SortOrder::Asc: return " asc";
    case SortOrder::Desc: return " desc";
  }
  return "";
}

std::string_view NullsName(NullsOrder o) {
  switch (o) {
    case NullsOrder::Default: return "";
    case NullsOrder::First: return " nulls first";
    case NullsOrder::Last: return " nulls last";
  }
  return "";
}

std::string Columns(const std::vector<ColumnDecl>& columns) {
  std::string out = "(";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ", ";
    out += columns[i].name.name + ":" + columns[i].type.name;
  }
  return out + ")";
}

std::string Idents(const std::vector<Ident>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ", ";
    out += ids[i].name;
  }
  return out;
}

// Writes the outline. Its depth follows the tree's, which the parser bounds (kMaxNesting).
class Dumper {
 public:
  std::string out;

  void Line(int indent, std::string_view text) {
    out.append(static_cast<size_t>(indent) * 2, ' ');
    out += text;
    out += '\n';
  }

  // A labelled child: the label on its own line, the node below it.
  void Labelled(int indent, std::string_view label, const syntax::Node* n) {
    Line(indent, label);
    Walk(n, indent + 1);
  }

  void Named(const NamedExpr& item, int indent) {
    if (item.names.empty()) return Walk(item.expr, indent);
    const std::string names = Idents(item.names);
    Labelled(indent, item.names.size() == 1 ? names + " =" : "(" + names + ") =", item.expr);
  }

  void NamedList(const std::vector<NamedExpr>& items, int indent) {
    for (const NamedExpr& item : items) Named(item, indent);
  }

  void Params(const std::vector<OpParam>& params, int indent) {
    for (const OpParam& p : params) Labelled(indent, "param " + p.name.name + " =", p.value);
  }

  void SortKeys(const std::vector<SortKey>& keys, int indent) {
    for (const SortKey& k : keys) {
      Line(indent, fmt::format("key{}{}", SortOrderName(k.order), NullsName(k.nulls)));
      Walk(k.expr, indent + 1);
    }
  }

  void ExpandItems(const std::vector<ExpandItem>& items, int indent) {
    for (const ExpandItem& item : items) {
      if (item.to_type.empty()) {
        Named(item.expr, indent);
      } else {
        Line(indent, "to typeof(" + item.to_type.name + ")");
        Named(item.expr, indent + 1);
      }
    }
  }

  void Parameters(const std::vector<Param>& params, int indent) {
    for (const Param& p : params) {
      std::string type = p.type.scalar.name;
      if (p.type.tabular) {
        type = Columns(p.type.columns);
        if (p.type.any_columns) {
          type.insert(type.size() - 1, p.type.columns.empty() ? "*" : ", *");
        }
      }
      if (p.default_value) {
        Labelled(indent, fmt::format("param {}:{} =", p.name.name, type), p.default_value);
      } else {
        Line(indent, fmt::format("param {}:{}", p.name.name, type));
      }
    }
  }

  void Walk(const syntax::Node* n, int indent) {
    if (!n) return Line(indent, "<missing>");
    switch (n->kind) {
      case Kind::Literal: {
        const auto* l = n->As<Literal>();
        std::string value;
        if (l->is_null) value = "null";
        else if (l->type == Type::String || l->type == Type::Guid) value = fmt::format("\"{}\"", l->text);
        else if (l->type == Type::Real || l->type == Type::Decimal) value = fmt::format("{}", l->real);
        else if (l->type == Type::Null) value = "<error>";
        else value = std::to_string(l->integer);
        return Line(indent, fmt::format("Literal {} {}", TypeName(l->type), value));
      }
      case Kind::Name: return Line(indent, "Name " + n->As<Name>()->name);
      case Kind::Binary: {
        const auto* b = n->As<Binary>();
        Line(indent, fmt::format("Binary {}", BinOpName(b->op)));
        Walk(b->lhs, indent + 1);
        return Walk(b->rhs, indent + 1);
      }
      case Kind::Logical: {
        const auto* l = n->As<Logical>();
        Line(indent, l->op == LogicalOp::And ? "And" : "Or");
        for (const Expr* t : l->terms) Walk(t, indent + 1);
        return;
      }
      case Kind::Unary: {
        const auto* u = n->As<Unary>();
        Line(indent, u->op == UnaryOp::Neg ? "Neg" : "Plus");
        return Walk(u->operand, indent + 1);
      }
      case Kind::Call: {
        const auto* c = n->As<Call>();
        Line(indent, "Call " + c->name);
        for (const Expr* a : c->args) Walk(a, indent + 1);
        return;
      }
      case Kind::InList: {
        const auto* in = n->As<InList>();
        Line(indent, fmt::format("In {}", InOpName(in->op)));
        Walk(in->lhs, indent + 1);
        for (const Expr* i : in->items) Walk(i, indent + 2);
        return;
      }
      case Kind::Between: {
        const auto* b = n->As<Between>();
        Line(indent, b->negated ? "NotBetween" : "Between");
        Walk(b->value, indent + 1);
        Walk(b->low, indent + 1);
        return Walk(b->high, indent + 1);
      }
      case Kind::Member: {
        const auto* m = n->As<Member>();
        Line(indent, "Member ." + m->member.name);
        return Walk(m->object, indent + 1);
      }
      case Kind::Index: {
        const auto* i = n->As<Index>();
        Line(indent, "Index");
        Walk(i->object, indent + 1);
        return Walk(i->index, indent + 1);
      }
      case Kind::Star: return Line(indent, "Star");
      case Kind::NamedArg: {
        const auto* a = n->As<NamedArg>();
        return Labelled(indent, "NamedArg " + a->name.name + " =", a->value);
      }
      case Kind::Dynamic: return Labelled(indent, "Dynamic", n->As<Dynamic>()->value);
      case Kind::DynArray:
        Line(indent, "DynArray");
        for (const Expr* e : n->As<DynArray>()->items) Walk(e, indent + 1);
        return;
      case Kind::DynBag:
        Line(indent, "DynBag");
        for (const DynBag::Entry& e : n->As<DynBag>()->entries) {
          Labelled(indent + 1, fmt::format("\"{}\":", e.key.name), e.value);
        }
        return;
      case Kind::Subquery: return Labelled(indent, "Subquery", n->As<Subquery>()->query);
      case Kind::TableRef: return Line(indent, "Table " + n->As<TableRef>()->name);
      case Kind::Pipeline: {
        const auto* p = n->As<Pipeline>();
        Line(indent, "Pipeline");
        Walk(p->source, indent + 1);
        for (const Operator* op : p->ops) Walk(op, indent + 1);
        return;
      }
      case Kind::PipeInput: return Line(indent, "PipeInput");
      case Kind::Datatable: {
        const auto* d = n->As<Datatable>();
        Line(indent, "Datatable " + Columns(d->columns));
        for (const Expr* v : d->values) Walk(v, indent + 1);
        return;
      }
      case Kind::ExternalData: {
        const auto* e = n->As<ExternalData>();
        Line(indent, "ExternalData " + Columns(e->columns));
        for (const Expr* u : e->uris) Labelled(indent + 1, "uri", u);
        return Params(e->options, indent + 1);
      }
      case Kind::Range: {
        const auto* r = n->As<Range>();
        Line(indent, "Range " + r->column.name);
        Labelled(indent + 1, "from", r->from);
        Labelled(indent + 1, "to", r->to);
        return Labelled(indent + 1, "step", r->step);
      }
      case Kind::Print:
        Line(indent, "Print");
        return NamedList(n->As<Print>()->items, indent + 1);
      case Kind::Find: {
        const auto* f = n->As<Find>();
        Line(indent, "Find");
        Params(f->params, indent + 1);
        for (const syntax::Node* t : f->tables) Labelled(indent + 1, "in", t);
        Labelled(indent + 1, "where", f->predicate);
        if (f->project_smart) Line(indent + 1, "project-smart");
        for (const Expr* e : f->project) Labelled(indent + 1, "project", e);
        return;
      }
      case Kind::Where: return Labelled(indent, "Where", n->As<Where>()->predicate);
      case Kind::Project:
      case Kind::Extend:
        Line(indent, KindName(n->kind));
        return NamedList(static_cast<const ItemsOperator*>(n)->items, indent + 1);
      case Kind::ProjectAway:
      case Kind::ProjectKeep:
        return Line(indent, fmt::format("{} {}", KindName(n->kind),
                                        Idents(static_cast<const ColumnsOperator*>(n)->columns)));
      case Kind::ProjectRename:
        Line(indent, "ProjectRename");
        for (const auto& item : n->As<ProjectRename>()->items) {
          Line(indent + 1, item.new_name.name + " = " + item.old_name.name);
        }
        return;
      case Kind::ProjectReorder:
        Line(indent, "ProjectReorder");
        for (const auto& item : n->As<ProjectReorder>()->items) {
          Line(indent + 1, item.order.empty() ? item.column.name
                                              : item.column.name + " " + item.order.name);
        }
        return;
      case Kind::Summarize: {
        const auto* s = n->As<Summarize>();
        Line(indent, "Summarize");
        Params(s->params, indent + 1);
        NamedList(s->aggregates, indent + 1);
        if (s->by_span.end == 0) return;
        Line(indent + 1, "by");
        return NamedList(s->by, indent + 2);
      }
      case Kind::Join:
      case Kind::Lookup: {
        const auto* j = static_cast<const JoinLike*>(n);
        Line(indent, KindName(n->kind));
        Params(j->params, indent + 1);
        Walk(j->right, indent + 1);
        Line(indent + 1, "on");
        for (const Expr* e : j->on) Walk(e, indent + 2);
        return;
      }
      case Kind::Union: {
        const auto* u = n->As<Union>();
        Line(indent, "Union");
        Params(u->params, indent + 1);
        for (const syntax::Node* t : u->tables) Walk(t, indent + 1);
        return;
      }
      case Kind::Sort:
        Line(indent, "Sort");
        Params(n->As<Sort>()->params, indent + 1);
        return SortKeys(n->As<Sort>()->keys, indent + 1);
      case Kind::Top:
        Labelled(indent, "Top", n->As<Top>()->count);
        return SortKeys(n->As<Top>()->keys, indent + 1);
      case Kind::TopNested:
        Line(indent, "TopNested");
        for (const TopNested::Level& level : n->As<TopNested>()->levels) {
          Line(indent + 1, fmt::format("level{}", SortOrderName(level.order)));
          if (level.count) Labelled(indent + 2, "count", level.count);
          Line(indent + 2, "of");
          Named(level.of, indent + 3);
          if (level.others) Labelled(indent + 2, "with others", level.others);
          Line(indent + 2, "by");
          Named(level.by, indent + 3);
        }
        return;
      case Kind::Take: return Labelled(indent, "Take", n->As<Take>()->count);
      case Kind::Distinct:
        Line(indent, "Distinct");
        Params(n->As<Distinct>()->params, indent + 1);
        for (const Expr* c : n->As<Distinct>()->columns) Walk(c, indent + 1);
        return;
      case Kind::Count: return Line(indent, "Count");
      case Kind::MvExpand: {
        const auto* m = n->As<MvExpand>();
        Line(indent, "MvExpand");
        Params(m->params, indent + 1);
        ExpandItems(m->items, indent + 1);
        if (m->limit) Labelled(indent + 1, "limit", m->limit);
        return;
      }
      case Kind::MvApply: {
        const auto* m = n->As<MvApply>();
        Line(indent, "MvApply");
        Params(m->params, indent + 1);
        ExpandItems(m->items, indent + 1);
        if (m->limit) Labelled(indent + 1, "limit", m->limit);
        return Labelled(indent + 1, "on", m->subquery);
      }
      case Kind::Parse:
      case Kind::ParseWhere: {
        const auto* p = static_cast<const ParseLike*>(n);
        Line(indent, KindName(n->kind));
        Params(p->params, indent + 1);
        Walk(p->source, indent + 1);
        for (const ParsePart& part : p->pattern) {
          switch (part.what) {
            case ParsePart::What::Star: Line(indent + 1, "*"); break;
            case ParsePart::What::Text: Line(indent + 1, fmt::format("\"{}\"", part.text)); break;
            case ParsePart::What::Column:
              Line(indent + 1, part.type.empty() ? "column " + part.column.name
                                                 : "column " + part.column.name + ":" + part.type.name);
              break;
          }
        }
        return;
      }
      case Kind::MakeSeries: {
        const auto* m = n->As<MakeSeries>();
        Line(indent, "MakeSeries");
        Params(m->params, indent + 1);
        for (const MakeSeries::Aggregate& a : m->aggregates) {
          Named(a.agg, indent + 1);
          if (a.default_value) Labelled(indent + 2, "default", a.default_value);
        }
        Labelled(indent + 1, "on", m->on);
        if (m->in_range) Line(indent + 1, "in range");
        if (m->from) Labelled(indent + 1, "from", m->from);
        if (m->to) Labelled(indent + 1, "to", m->to);
        Labelled(indent + 1, "step", m->step);
        if (m->by.empty()) return;
        Line(indent + 1, "by");
        return NamedList(m->by, indent + 2);
      }
      case Kind::Evaluate:
        Line(indent, "Evaluate");
        Params(n->As<Evaluate>()->params, indent + 1);
        return Walk(n->As<Evaluate>()->plugin, indent + 1);
      case Kind::Invoke: return Labelled(indent, "Invoke", n->As<Invoke>()->function);
      case Kind::Serialize:
        Line(indent, "Serialize");
        return NamedList(n->As<Serialize>()->items, indent + 1);
      case Kind::Partition: {
        const auto* p = n->As<Partition>();
        Line(indent, "Partition");
        Params(p->params, indent + 1);
        Labelled(indent + 1, "by", p->by);
        return Walk(p->subquery, indent + 1);
      }
      case Kind::As:
        Line(indent, "As " + n->As<As>()->name.name);
        return Params(n->As<As>()->params, indent + 1);
      case Kind::GetSchema: return Line(indent, "GetSchema");
      case Kind::Sample: return Labelled(indent, "Sample", n->As<Sample>()->count);
      case Kind::Render:
        Line(indent, "Render " + n->As<Render>()->chart.name);
        return Params(n->As<Render>()->properties, indent + 1);
      case Kind::Query: {
        const auto* q = n->As<Query>();
        Line(indent, "Query");
        for (const syntax::Node* s : q->statements) Walk(s, indent + 1);
        if (q->result) Walk(q->result, indent + 1);
        return;
      }
      case Kind::Let: {
        const auto* l = n->As<Let>();
        return Labelled(indent, "Let " + l->name.name, l->value);
      }
      case Kind::Set: {
        const auto* s = n->As<Set>();
        if (!s->value) return Line(indent, "Set " + s->option.name);
        return Labelled(indent, "Set " + s->option.name + " =", s->value);
      }
      case Kind::DeclareParams:
        Line(indent, "DeclareParams");
        return Parameters(n->As<DeclareParams>()->params, indent + 1);
      case Kind::Lambda: {
        const auto* l = n->As<Lambda>();
        Line(indent, l->view ? "Lambda view" : "Lambda");
        Parameters(l->params, indent + 1);
        return Walk(l->body, indent + 1);
      }
    }
  }
};

}  // namespace

std::string Dump(const Node* node) {
  Dumper d;
  d.Walk(node, 0);
  return std::move(d.out);
}

std::string Dump(const Ast& ast) { return Dump(ast.root); }

}  // namespace huntc::syntax
