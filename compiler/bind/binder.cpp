// The binder.
#include "compiler/bind/binder.h"

#include <algorithm>
#include <optional>
#include <utility>

#include <fmt/format.h>

namespace huntc {

using namespace syntax;
using Schema = std::vector<ColumnSpec>;

namespace {

bool IsStringOp(BinOp op) { return op >= BinOp::Has && op != BinOp::MatchesRegex; }
bool IsComparison(BinOp op) { return op >= BinOp::Eq && op <= BinOp::NeCi; }
Type Widen(Type t) { return t == Type::Int ? Type::Long : t; }

int FindColumn(const Schema& schema, std::string_view name) {
  for (size_t i = 0; i < schema.size(); ++i) {
    if (schema[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// `*` matches any run of characters: `Initiating*`, `*Id`, `Device*Events`.
bool Matches(std::string_view pattern, std::string_view name) {
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == name;
  const std::string_view head = pattern.substr(0, star);
  if (name.substr(0, head.size()) != head) return false;
  const std::string_view rest = pattern.substr(star + 1);
  for (size_t i = head.size(); i <= name.size(); ++i) {
    if (Matches(rest, name.substr(i))) return true;
  }
  return false;
}

// `name`, or `name1`, `name2`, ... whichever is not yet in `schema`.
std::string FreeName(const Schema& schema, const std::string& name) {
  if (FindColumn(schema, name) < 0) return name;
  for (int i = 1;; ++i) {
    std::string candidate = fmt::format("{}{}", name, i);
    if (FindColumn(schema, candidate) < 0) return candidate;
  }
}

// Workspace functions (ASIM parsers, watchlists) that a Sentinel workspace defines and that
// plain table schemas do not: told apart from misspelt names by Microsoft's naming.
bool IsWorkspaceFunctionName(std::string_view n) {
  auto starts = [n](std::string_view p) { return n.substr(0, p.size()) == p; };
  if (starts("_Im_") || starts("_ASim_") || starts("_ASIM_") || starts("_Get") ||
      starts("ASim")) {
    return true;
  }
  return starts("im") && n.size() > 2 && n[2] >= 'A' && n[2] <= 'Z';
}

std::optional<Type> LiteralTypeName(std::string_view name) { return TypeFromName(name); }

// The value of a param like `kind=inner` as written (a bare word or a string), or "".
std::string ParamWord(const std::vector<OpParam>& params, std::string_view name) {
  for (const OpParam& p : params) {
    if (p.name.name != name || !p.value) continue;
    if (p.value->Is<Name>()) return p.value->As<Name>()->name;
    if (p.value->Is<Literal>()) {
      const auto* l = p.value->As<Literal>();
      if (l->type == Type::Bool) return l->integer ? "true" : "false";
      return l->text;
    }
  }
  return {};
}

// `prefix_name`, or `name` when there is no prefix (aggregate column names).
std::string Prefixed(std::string_view prefix, const std::string& name) {
  return prefix.empty() ? name : fmt::format("{}_{}", prefix, name);
}

// What a name in scope denotes.
struct Symbol {
  enum class Kind : uint8_t { Scalar, Tabular, Function };
  Kind kind = Kind::Scalar;
  Type type = Type::Null;       // Scalar
  Schema schema;                // Tabular
  const Lambda* lambda = nullptr;  // Function
};

// What a query or function body evaluates to.
struct Value {
  bool tabular = false;
  Schema schema;
  Type type = Type::Null;
};

constexpr int kMaxCallDepth = 32;

// Marks a schema as open: after `evaluate bag_unpack()` or `pivot()` the columns depend on the
// data, so any name resolves, as a dynamic value; in a fuzzy union operand whose table is
// missing, any name resolves to an unknown type (Null), as Kusto does. The marker's type is the
// type such names get. Never part of a result.
constexpr std::string_view kOpenColumn = "*";

bool IsOpen(const Schema& s) { return FindColumn(s, kOpenColumn) >= 0; }

class Binder {
 public:
  Binder(const Catalog& catalog, BoundQuery& out, const Reporter& report)
      : catalog_(catalog), out_(out), report_(report) {}

  bool Run(Ast& ast) {
    const Value v = BindQuery(ast.root);
    out_.result = v.tabular ? v.schema : Schema{};
    std::erase_if(out_.result, [](const ColumnSpec& c) { return c.name == kOpenColumn; });
    return ok_;
  }

 private:
  // The row an expression is evaluated over.
  struct Row {
    const Schema* columns = nullptr;  // null: no columns in scope (a let value, a print)
    const Schema* left = nullptr;     // join conditions: $left and $right
    const Schema* right = nullptr;
    bool aggregates = false;          // inside summarize / make-series / top-nested
  };

  void Error(Code code, Span span, std::string message) {
    if (muting_ > 0) {
      muted_.push_back({code, span, std::move(message)});
      return;
    }
    if (Info(code).severity == Severity::Error) ok_ = false;
    report_(code, span, std::move(message));
  }

  struct Muted {
    Code code;
    Span span;
    std::string message;
  };

  // Binds one operand of `union isfuzzy=true`. A table or workspace function the schemas lack
  // is no error there: it reads as an open schema of unknown columns, as in Kusto, so the
  // operand's columns get unknown types. Other errors are reported.
  Schema BindFuzzy(Node* operand) {
    const size_t mark = muted_.size();
    ++muting_;
    ++unknown_sources_;
    Schema schema = BindTabular(operand);
    --unknown_sources_;
    --muting_;
    std::vector<Muted> errors(std::make_move_iterator(muted_.begin() + mark),
                              std::make_move_iterator(muted_.end()));
    muted_.resize(mark);
    for (Muted& m : errors) {
      if (m.code != Code::UnknownTable && m.code != Code::WorkspaceFunction) {
        Error(m.code, m.span, std::move(m.message));
      }
    }
    return schema;
  }

  // What a missing table or workspace function reads as inside a fuzzy union operand.
  Schema UnknownSource() const {
    return unknown_sources_ > 0 ? Schema{{std::string(kOpenColumn), Type::Null}} : Schema{};
  }

  // --- scopes -----------------------------------------------------------------------------------

  const Symbol* Lookup(std::string_view name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      auto found = it->find(std::string(name));
      if (found != it->end()) return &found->second;
    }
    return nullptr;
  }

  void Define(const std::string& name, Symbol s) { scopes_.back()[name] = std::move(s); }

  // --- statements -------------------------------------------------------------------------------

  Value BindQuery(Query* q) {
    scopes_.emplace_back();
    for (Node* statement : q->statements) {
      if (statement->Is<Let>()) {
        BindLet(statement->As<Let>());
      } else if (statement->Is<DeclareParams>()) {
        for (Param& p : statement->As<DeclareParams>()->params) DefineParam(p, nullptr);
      }  // `set` options change nothing the binder checks
    }
    Value v;
    if (q->result) v = BindValue(q->result);
    scopes_.pop_back();
    return v;
  }

  void BindLet(Let* let) {
    Node* value = let->value;
    Symbol s;
    if (value->Is<Lambda>()) {
      s.kind = Symbol::Kind::Function;
      s.lambda = value->As<Lambda>();
    } else {
      const Value v = BindValue(value);
      s.kind = v.tabular ? Symbol::Kind::Tabular : Symbol::Kind::Scalar;
      s.schema = v.schema;
      s.type = v.type;
    }
    Define(let->name.name, std::move(s));
  }

  // A parameter with its declared type, or (tabular) the schema of its argument if given.
  void DefineParam(const Param& p, const Value* argument) {
    Symbol s;
    if (p.type.tabular) {
      s.kind = Symbol::Kind::Tabular;
      if (argument && argument->tabular) {
        s.schema = argument->schema;
      } else {
        for (const ColumnDecl& c : p.type.columns) s.schema.push_back({c.name.name, DeclType(c.type)});
      }
    } else {
      s.type = DeclType(p.type.scalar);
      if (p.default_value) BindScalar(p.default_value, Row{});
    }
    Define(p.name.name, std::move(s));
  }

  Type DeclType(const Ident& type) {
    if (type.empty()) return Type::String;
    if (std::optional<Type> t = LiteralTypeName(type.name)) return *t;
    Error(Code::TypeMismatch, type.span, fmt::format("'{}' is not a type", type.name));
    return Type::Null;
  }

  // A node that may be tabular or scalar: a let value or a function body's result.
  Value BindValue(Node* node) {
    Value v;
    if (IsTabular(node)) {
      v.tabular = true;
      v.schema = BindTabular(node);
    } else {
      v.type = BindScalar(AsExpr(node), Row{});
    }
    return v;
  }

  // Whether an expression in a let or body position denotes a table.
  bool IsTabular(const Node* node) const {
    if (!node->IsExpr()) return true;
    if (node->Is<Subquery>()) return true;
    if (node->Is<Name>()) {
      const std::string& name = node->As<Name>()->name;
      if (const Symbol* s = Lookup(name)) return s->kind == Symbol::Kind::Tabular;
      return catalog_.Find(name) != nullptr;
    }
    if (node->Is<Call>()) {
      const auto* c = node->As<Call>();
      if (c->name == "materialize" || c->name == "table" || c->name == "view") return true;
      if (const Symbol* s = Lookup(c->name); s && s->kind == Symbol::Kind::Function) {
        return s->lambda->body->result && IsTabularBody(s->lambda);
      }
      return IsWorkspaceFunctionName(c->name) && !FindFunction(c->name);
    }
    return false;
  }

  bool IsTabularBody(const Lambda* lambda) const {
    // A body is tabular when its result is; decided without binding by the shape of the
    // result, which is enough for every form KQL allows.
    const Node* r = lambda->body->result;
    if (!r->IsExpr() || r->Is<Subquery>()) return true;
    if (r->Is<Name>()) {
      for (const Param& p : lambda->params) {
        if (p.name.name == r->As<Name>()->name) return p.type.tabular;
      }
    }
    return IsTabular(r);
  }

  // --- tabular expressions ----------------------------------------------------------------------

  Schema BindTabular(Node* node) {
    Schema schema = BindTabularNode(node);
    out_.schemas[node] = schema;
    return schema;
  }

  Schema BindTabularNode(Node* node) {
    switch (node->kind) {
      case Kind::TableRef: return BindTableRef(node->As<TableRef>());
      case Kind::Pipeline: {
        auto* p = node->As<Pipeline>();
        Schema schema = BindTabular(p->source);
        for (Operator* op : p->ops) {
          schema = BindOperator(op, std::move(schema));
          out_.schemas[op] = schema;
        }
        return schema;
      }
      case Kind::PipeInput: return pipe_input_;
      case Kind::Subquery: return BindTabular(node->As<Subquery>()->query);
      case Kind::Name: return BindTableName(node->As<Name>()->name, node->span);
      case Kind::Call: return BindTabularCall(node->As<Call>());
      case Kind::Datatable: {
        auto* d = node->As<Datatable>();
        for (Expr* v : d->values) BindScalar(v, Row{});
        return Declared(d->columns);
      }
      case Kind::ExternalData: {
        auto* d = node->As<ExternalData>();
        for (Expr* u : d->uris) BindScalar(u, Row{});
        return Declared(d->columns);
      }
      case Kind::Range: {
        auto* r = node->As<Range>();
        const Type from = BindScalar(r->from, Row{});
        BindScalar(r->to, Row{});
        BindScalar(r->step, Row{});
        return {{r->column.name, Widen(from)}};
      }
      case Kind::Print: {
        Schema out;
        int n = 0;
        for (NamedExpr& item : node->As<Print>()->items) {
          const Type t = BindScalar(item.expr, Row{});
          std::string name =
              item.names.empty() ? fmt::format("print_{}", n) : item.names[0].name;
          ++n;
          out.push_back({FreeName(out, name), t});
        }
        return out;
      }
      case Kind::Union: return BindUnion(node->As<Union>(), nullptr);
      case Kind::Find: return BindFind(node->As<Find>());
      default:
        Error(Code::TypeMismatch, node->span, "a table was expected here");
        return {};
    }
  }

  // `find [withsource=C] [in (T, ...)] where P [project ...]`: the source column, then the
  // projected columns (or all the tables' columns, unified as union does).
  Schema BindFind(Find* f) {
    std::vector<Schema> schemas;
    if (f->tables.empty()) {
      for (const std::string& name : catalog_.TableNames()) schemas.push_back(catalog_.Find(name)->columns);
    }
    for (Node* t : f->tables) {
      if (t->Is<TableRef>() && t->As<TableRef>()->IsPattern()) {
        for (const std::string& name : catalog_.TableNames()) {
          if (Matches(t->As<TableRef>()->name, name)) schemas.push_back(catalog_.Find(name)->columns);
        }
        continue;
      }
      schemas.push_back(BindTabular(t));
    }
    std::vector<const Schema*> parts;
    for (const Schema& s : schemas) parts.push_back(&s);
    const Schema all = Unify(parts, "");
    out_.schemas[f->predicate] = all;  // the row the predicate and the project list read
    RequireBool(f->predicate, BindScalar(f->predicate, Row{&all, nullptr, nullptr, false}),
                "the 'find' condition");
    std::string source = ParamWord(f->params, "withsource");
    Schema out{{source.empty() ? "source_" : source, Type::String}};
    if (f->project.empty()) {
      out.insert(out.end(), all.begin(), all.end());
      return out;
    }
    for (Expr* e : f->project) {
      const Type t = BindScalar(e, Row{&all, nullptr, nullptr, false});
      const std::string name = e->Is<Call>() ? "pack_" : ExpressionName(e);
      out.push_back({FreeName(out, name.empty() ? ColumnN(out) : name), t});
    }
    return out;
  }

  Schema Declared(const std::vector<ColumnDecl>& columns) {
    Schema out;
    for (const ColumnDecl& c : columns) out.push_back({c.name.name, DeclType(c.type)});
    return out;
  }

  Schema BindTableRef(TableRef* ref) {
    if (ref->IsPattern()) {
      std::vector<const Schema*> parts;
      for (const std::string& name : catalog_.TableNames()) {
        if (Matches(ref->name, name)) {
          UseTable(name);
          parts.push_back(&catalog_.Find(name)->columns);
        }
      }
      return Unify(parts, "");
    }
    return BindTableName(ref->name, ref->span);
  }

  void UseTable(const std::string& name) {
    if (std::find(out_.tables.begin(), out_.tables.end(), name) == out_.tables.end()) {
      out_.tables.push_back(name);
    }
    if (!out_.table) out_.table = catalog_.Find(name);
  }

  Schema BindTableName(const std::string& name, Span span) {
    if (const Symbol* s = Lookup(name)) {
      if (s->kind == Symbol::Kind::Tabular) return s->schema;
      if (s->kind == Symbol::Kind::Function && s->lambda->params.empty()) {
        return CallLambda(s->lambda, name, span, {}).schema;  // a view is used by name
      }
      Error(Code::TypeMismatch, span, fmt::format("'{}' is a scalar, not a table", name));
      return {};
    }
    if (const TableSchema* table = catalog_.Find(name)) {
      UseTable(name);
      return table->columns;
    }
    if (IsWorkspaceFunctionName(name)) {
      Error(Code::WorkspaceFunction, span,
            fmt::format("'{}' is a workspace function (an ASIM parser or watchlist) that the "
                        "schemas do not define; add it with --schemas", name));
      return UnknownSource();
    }
    Error(Code::UnknownTable, span,
          fmt::format("the name '{}' does not refer to a known table, tabular variable or "
                      "function", name));
    return UnknownSource();
  }

  Schema BindTabularCall(Call* c) {
    if (c->name == "materialize" || c->name == "view") {
      if (c->args.size() != 1) {
        Error(Code::ArgumentCount, c->span, fmt::format("{}() takes one table", c->name));
        return {};
      }
      return BindTabular(c->args[0]);
    }
    if (c->name == "table" && c->args.size() == 1 && c->args[0]->Is<Literal>()) {
      return BindTableName(c->args[0]->As<Literal>()->text, c->args[0]->span);
    }
    const Value v = CallUser(c, nullptr);
    if (!v.tabular) {
      if (v.type != Type::Null) Error(Code::TypeMismatch, c->span, "a table was expected here");
      return {};
    }
    return v.schema;
  }

  // Calls a `let` function (`piped`: the rows `invoke` passes as its first argument). Reports
  // an unknown name; returns an empty Value after any error.
  Value CallUser(Call* c, const Schema* piped) {
    const Symbol* s = Lookup(c->name);
    if (!s || s->kind != Symbol::Kind::Function) {
      for (Expr* a : c->args) BindArgument(a);
      if (IsWorkspaceFunctionName(c->name)) {
        Error(Code::WorkspaceFunction, c->name_span,
              fmt::format("'{}' is a workspace function (an ASIM parser or watchlist) that the "
                          "schemas do not define; add it with --schemas", c->name));
        if (unknown_sources_ > 0) return Value{true, UnknownSource(), Type::Null};
      } else {
        Error(Code::UnknownFunction, c->name_span,
              fmt::format("the name '{}' does not refer to a known function", c->name));
      }
      return {};
    }
    const Lambda* lambda = s->lambda;
    const size_t offset = piped ? 1 : 0;
    if (c->args.size() + offset > lambda->params.size()) {
      Error(Code::ArgumentCount, c->span,
            fmt::format("{}() takes {} argument{}, not {}", c->name, lambda->params.size(),
                        lambda->params.size() == 1 ? "" : "s", c->args.size() + offset));
      return {};
    }
    std::vector<Value> args;
    if (piped) args.push_back(Value{true, *piped, Type::Null});
    for (size_t i = 0; i < c->args.size(); ++i) {
      const Param& p = lambda->params[i + offset];
      args.push_back(p.type.tabular ? Value{true, BindTabular(c->args[i]), Type::Null}
                                    : Value{false, {}, BindArgument(c->args[i])});
    }
    return CallLambda(lambda, c->name, c->span, args);
  }

  // Binds a function's body for one call: its parameters take the arguments' types and
  // schemas (a tabular parameter declared `(*)` takes whatever columns it is given).
  Value CallLambda(const Lambda* lambda, const std::string& name, Span span,
                   const std::vector<Value>& args) {
    if (call_depth_ >= kMaxCallDepth) {
      Error(Code::TypeMismatch, span,
            fmt::format("calls nest deeper than {}: is '{}' recursive?", kMaxCallDepth, name));
      return {};
    }
    ++call_depth_;
    scopes_.emplace_back();
    for (size_t i = 0; i < lambda->params.size(); ++i) {
      const Param& p = lambda->params[i];
      if (i >= args.size() && !p.default_value && !p.type.tabular) {
        Error(Code::ArgumentCount, span,
              fmt::format("{}() needs a value for '{}'", name, p.name.name));
      }
      DefineParam(p, i < args.size() ? &args[i] : nullptr);
    }
    const Row saved = row_;
    row_ = Row{};
    Value v = BindQuery(lambda->body);
    row_ = saved;
    scopes_.pop_back();
    --call_depth_;
    return v;
  }

  // --- operators --------------------------------------------------------------------------------

  Schema BindOperator(Operator* op, Schema in) {
    const Row row{&in, nullptr, nullptr, false};
    switch (op->kind) {
      case Kind::Where: {
        Expr* p = op->As<Where>()->predicate;
        RequireBool(p, BindScalar(p, row), "the 'where' condition");
        return in;
      }
      case Kind::Project: return BindProject(op->As<Project>(), in);
      case Kind::Extend: return BindExtend(op->As<Extend>()->items, in, row);
      case Kind::Serialize: return BindExtend(op->As<Serialize>()->items, in, row);
      case Kind::ProjectAway:
      case Kind::ProjectKeep: return BindAwayKeep(op, in);
      case Kind::ProjectRename: {
        for (auto& item : op->As<ProjectRename>()->items) {
          const int i = FindColumn(in, item.old_name.name);
          if (i < 0) {
            UnknownColumn(item.old_name.name, item.old_name.span, in);
            continue;
          }
          in[i].name = item.new_name.name;
        }
        return in;
      }
      case Kind::ProjectReorder: return BindReorder(op->As<ProjectReorder>(), in);
      case Kind::Summarize: return BindSummarize(op->As<Summarize>(), in);
      case Kind::Join:
      case Kind::Lookup: return BindJoin(static_cast<JoinLike*>(op), in);
      case Kind::Union: return BindUnion(op->As<Union>(), &in);
      case Kind::Sort:
        for (SortKey& k : op->As<Sort>()->keys) BindScalar(k.expr, row);
        return in;
      case Kind::Top: {
        auto* top = op->As<Top>();
        BindScalar(top->count, Row{});
        for (SortKey& k : top->keys) BindScalar(k.expr, row);
        return in;
      }
      case Kind::TopNested: return BindTopNested(op->As<TopNested>(), in);
      case Kind::Take: BindScalar(op->As<Take>()->count, Row{}); return in;
      case Kind::Sample: BindScalar(op->As<Sample>()->count, Row{}); return in;
      case Kind::Distinct: {
        Schema out;
        for (Expr* c : op->As<Distinct>()->columns) {
          if (c->Is<Star>()) return in;
          const Type t = BindScalar(c, row);
          std::string name = ExpressionName(c);
          out.push_back({FreeName(out, name.empty() ? ColumnN(out) : name), t});
        }
        return out;
      }
      case Kind::Count: return {{"Count", Type::Long}};
      case Kind::MvExpand: return BindMvExpand(op->As<MvExpand>(), in);
      case Kind::MvApply: return BindMvApply(op->As<MvApply>(), in);
      case Kind::Parse:
      case Kind::ParseWhere: return BindParse(static_cast<ParseLike*>(op), in);
      case Kind::MakeSeries: return BindMakeSeries(op->As<MakeSeries>(), in);
      case Kind::Evaluate: return BindEvaluate(op->As<Evaluate>(), in);
      case Kind::Invoke: {
        Expr* f = op->As<Invoke>()->function;
        if (!f->Is<Call>()) {
          Error(Code::TypeMismatch, f->span, "invoke needs a function call");
          return {};
        }
        const Value v = CallUser(f->As<Call>(), &in);
        return v.tabular ? v.schema : Schema{};
      }
      case Kind::Partition: {
        auto* p = op->As<Partition>();
        BindScalar(p->by, row);
        const Schema saved = std::exchange(pipe_input_, in);
        Schema out = BindTabular(p->subquery);
        pipe_input_ = saved;
        return out;
      }
      case Kind::As: {
        Symbol s;
        s.kind = Symbol::Kind::Tabular;
        s.schema = in;
        Define(op->As<As>()->name.name, std::move(s));
        return in;
      }
      case Kind::GetSchema:
        return {{"ColumnName", Type::String},
                {"ColumnOrdinal", Type::Long},
                {"DataType", Type::String},
                {"ColumnType", Type::String}};
      case Kind::Render: return in;
      default:
        Error(Code::Unsupported, op->span,
              fmt::format("the '{}' operator is not supported yet", KqlName(op->kind)));
        return in;
    }
  }

  static std::string ColumnN(const Schema& taken) {
    for (int i = 1;; ++i) {
      std::string name = fmt::format("Column{}", i);
      if (FindColumn(taken, name) < 0) return name;
    }
  }

  // The names an item gives its columns: as written, or by ExpressionName, or ColumnN.
  std::string ItemName(const NamedExpr& item, const Schema& taken) {
    if (!item.names.empty()) return item.names[0].name;
    std::string name = ExpressionName(item.expr);
    return name.empty() ? ColumnN(taken) : name;
  }

  // The columns one project/extend item computes: usually one, several for tuple names or
  // the series functions.
  std::vector<ColumnSpec> ItemColumns(NamedExpr& item, const Row& row, const Schema& taken) {
    const Type t = BindScalar(item.expr, row);
    const auto series = item.expr->Is<Call>() ? ResultColumns(item.expr->As<Call>()->name)
                                              : std::span<const ResultColumn>{};
    if (!series.empty()) {
      std::vector<ColumnSpec> out;
      const auto* call = item.expr->As<Call>();
      const std::string arg = call->args.empty() ? "" : ExpressionName(call->args[0]);
      for (size_t i = 0; i < series.size(); ++i) {
        std::string name = i < item.names.size() ? item.names[i].name
                                                 : fmt::format("{}_{}_{}", call->name, arg, series[i].key);
        out.push_back({name, series[i].type});
      }
      return out;
    }
    if (item.names.size() > 1) {
      Error(Code::TypeMismatch, item.names[1].span,
            "only series functions compute several columns to name");
    }
    return {{ItemName(item, taken), t}};
  }

  Schema BindProject(Project* op, const Schema& in) {
    const Row row{&in, nullptr, nullptr, false};
    Schema out;
    for (NamedExpr& item : op->items) {
      for (ColumnSpec& c : ItemColumns(item, row, out)) {
        if (!item.names.empty() && FindColumn(out, c.name) >= 0) {
          Error(Code::DuplicateColumn, item.names[0].span,
                fmt::format("a column with the name '{}' is already declared", c.name));
          continue;
        }
        c.name = FreeName(out, c.name);
        out.push_back(std::move(c));
      }
    }
    return out;
  }

  Schema BindExtend(std::vector<NamedExpr>& items, const Schema& in, const Row& row) {
    Schema out = in;
    for (NamedExpr& item : items) {
      for (ColumnSpec& c : ItemColumns(item, row, out)) {
        const int existing = FindColumn(out, c.name);
        if (existing >= 0) {
          out[existing].type = c.type;  // extend replaces a column of the same name in place
        } else {
          out.push_back(std::move(c));
        }
      }
    }
    return out;
  }

  Schema BindAwayKeep(Operator* op, const Schema& in) {
    const auto& columns = static_cast<ColumnsOperator*>(op)->columns;
    std::vector<bool> matched(in.size(), false);
    for (const Ident& c : columns) {
      bool any = false;
      for (size_t i = 0; i < in.size(); ++i) {
        if (Matches(c.name, in[i].name)) matched[i] = any = true;
      }
      if (!any && c.name.find('*') == std::string::npos) UnknownColumn(c.name, c.span, in);
    }
    const bool keep = op->Is<ProjectKeep>();
    Schema out;
    for (size_t i = 0; i < in.size(); ++i) {
      if (matched[i] == keep) out.push_back(in[i]);
    }
    return out;
  }

  Schema BindReorder(ProjectReorder* op, const Schema& in) {
    Schema out;
    std::vector<bool> moved(in.size(), false);
    for (const auto& item : op->items) {
      std::vector<size_t> hits;
      for (size_t i = 0; i < in.size(); ++i) {
        if (!moved[i] && Matches(item.column.name, in[i].name)) hits.push_back(i);
      }
      if (hits.empty() && item.column.name.find('*') == std::string::npos &&
          FindColumn(in, item.column.name) < 0) {
        UnknownColumn(item.column.name, item.column.span, in);
      }
      if (item.order.name == "asc" || item.order.name == "desc") {
        std::sort(hits.begin(), hits.end(),
                  [&](size_t a, size_t b) { return in[a].name < in[b].name; });
        if (item.order.name == "desc") std::reverse(hits.begin(), hits.end());
      }
      for (size_t i : hits) {
        moved[i] = true;
        out.push_back(in[i]);
      }
    }
    for (size_t i = 0; i < in.size(); ++i) {
      if (!moved[i]) out.push_back(in[i]);
    }
    return out;
  }

  Schema BindSummarize(Summarize* op, const Schema& in) {
    Schema out;
    const Row row{&in, nullptr, nullptr, false};
    for (NamedExpr& item : op->by) {
      const Type t = BindScalar(item.expr, row);
      if (t == Type::Dynamic) {
        Error(Code::TypeMismatch, item.expr->span,
              "a dynamic value cannot be a summarize group key: convert it with tostring()");
      }
      out.push_back({FreeName(out, ItemName(item, out)), t});
    }
    const size_t keys = out.size();
    for (NamedExpr& item : op->aggregates) AddAggregate(item, in, keys, out);
    return out;
  }

  // Appends the column(s) of one aggregate item to `out` (whose first `keys` are group keys).
  void AddAggregate(NamedExpr& item, const Schema& in, size_t keys, Schema& out) {
    const Row row{&in, nullptr, nullptr, true};
    const Type t = BindScalar(item.expr, row);
    const FunctionInfo* f =
        item.expr->Is<Call>() ? FindFunction(item.expr->As<Call>()->name) : nullptr;
    if (!f || f->cls != FunctionClass::Aggregate) {
      if (t != Type::Null && !ContainsAggregate(item.expr)) {
        Error(Code::TypeMismatch, item.expr->span,
              "summarize needs an aggregate function here (count(), max(), make_set(), ...)");
      }
      out.push_back({FreeName(out, ItemName(item, out)), t});
      return;
    }
    const auto* call = item.expr->As<Call>();
    std::vector<ColumnSpec> columns;
    const std::string_view name = call->name;
    if (f->naming == ResultName::Columns) {
      // arg_max(By, Cols...), take_any(Cols...), any(Cols...): a column per argument; `*`
      // stands for every input column not otherwise output.
      const bool arg_extreme = name == "arg_max" || name == "arg_min" || name == "argmax" ||
                               name == "argmin";
      for (size_t i = 0; i < call->args.size(); ++i) {
        const Expr* a = call->args[i];
        if (a->Is<Star>()) {
          for (const ColumnSpec& c : in) {
            bool listed = FindColumn(Schema(out.begin(), out.begin() + keys), c.name) >= 0;
            for (const ColumnSpec& done : columns) listed |= done.name == c.name;
            if (!listed) columns.push_back({Prefixed(f->prefix, c.name), c.type});
          }
          continue;
        }
        std::string arg = ExpressionName(a);
        if (arg_extreme && !f->prefix.empty() && i > 0) {
          arg = fmt::format("{}_{}", ExpressionName(call->args[0]), arg);
        }
        columns.push_back({Prefixed(f->prefix, arg.empty() ? ColumnN(out) : arg), a->type});
      }
    } else if (name == "percentile" || name == "percentiles") {
      for (size_t i = 1; i < call->args.size(); ++i) {
        const Expr* p = call->args[i];
        std::string value = p->Is<Literal>() ? LiteralText(p->As<Literal>()) : "";
        columns.push_back({fmt::format("percentile_{}_{}", ExpressionName(call->args[0]), value),
                           Widen(call->args[0]->type)});
      }
    } else if (f->naming == ResultName::FirstArg) {
      columns.push_back({ExpressionName(call->args[0]), t});
    } else {
      const std::string arg = call->args.empty() ? "" : ExpressionName(call->args[0]);
      columns.push_back({fmt::format("{}_{}", f->prefix, arg), t});
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i < item.names.size()) columns[i].name = item.names[i].name;
      columns[i].name = FreeName(out, columns[i].name);
      out.push_back(columns[i]);
    }
  }

  // Whether an aggregate is called anywhere in e (`dcount(x) > 1`, `tostring(make_set(x))`);
  // as deep as the parser lets expressions nest.
  static bool ContainsAggregate(const Expr* e) {
    switch (e->kind) {
      case Kind::Binary:
        return ContainsAggregate(e->As<Binary>()->lhs) || ContainsAggregate(e->As<Binary>()->rhs);
      case Kind::Unary: return ContainsAggregate(e->As<Unary>()->operand);
      case Kind::Logical:
        for (const Expr* t : e->As<Logical>()->terms) {
          if (ContainsAggregate(t)) return true;
        }
        return false;
      case Kind::Call: {
        const FunctionInfo* f = FindFunction(e->As<Call>()->name);
        if (f && f->cls == FunctionClass::Aggregate) return true;
        for (const Expr* a : e->As<Call>()->args) {
          if (ContainsAggregate(a)) return true;
        }
        return false;
      }
      default: return false;
    }
  }

  static std::string LiteralText(const Literal* l) {
    if (l->type == Type::Real) return fmt::format("{}", l->real);
    if (IsStringLike(l->type)) return l->text;
    return fmt::format("{}", l->integer);
  }

  static bool IsInteger(Type t) { return t == Type::Int || t == Type::Long; }

  // Kusto's binder rejects join keys that are dynamic, or of two types other than int and long.
  void CheckJoinKey(Span span, Type l, Type r) {
    if (l == Type::Null || r == Type::Null) return;  // an error reported already
    if (l == Type::Dynamic || r == Type::Dynamic) {
      Error(Code::TypeMismatch, span, "join keys cannot be dynamic: convert them (tostring, tolong)");
    } else if (l != r && !(IsInteger(l) && IsInteger(r))) {
      Error(Code::TypeMismatch, span,
            fmt::format("join keys of different types ({} and {}): convert one of them", TypeName(l), TypeName(r)));
    }
  }

  Schema BindJoin(JoinLike* op, const Schema& left) {
    const Schema saved_pipe = pipe_input_;
    const Schema right = BindTabular(op->right);
    pipe_input_ = saved_pipe;
    std::vector<std::string> same_name_keys;
    for (Expr* cond : op->on) {
      if (cond->Is<Name>()) {
        const std::string& key = cond->As<Name>()->name;
        const int l = FindColumn(left, key), r = FindColumn(right, key);
        if (l < 0 || r < 0) {
          Error(Code::UnknownColumn, cond->span,
                fmt::format("the column '{}' must exist on both sides of the join", key));
          continue;
        }
        cond->type = left[l].type;
        cond->As<Name>()->column = l;
        same_name_keys.push_back(key);
        CheckJoinKey(cond->span, left[l].type, right[r].type);
        continue;
      }
      const Type t = BindScalar(cond, Row{nullptr, &left, &right, false});
      RequireBool(cond, t, "a join condition");
      const bool both = cond->Is<Logical>() && cond->As<Logical>()->op == LogicalOp::And;
      for (const Expr* term : both ? cond->As<Logical>()->terms : std::vector<Expr*>{cond}) {
        if (term->Is<Binary>() && term->As<Binary>()->op == BinOp::Eq) {
          const Binary* b = term->As<Binary>();
          CheckJoinKey(b->span, b->lhs->type, b->rhs->type);
        }
      }
    }
    std::string kind = ParamWord(op->params, "kind");
    if (op->kind == Kind::Lookup) {
      Schema out = left;
      for (const ColumnSpec& c : right) {
        if (std::find(same_name_keys.begin(), same_name_keys.end(), c.name) !=
            same_name_keys.end()) {
          continue;
        }
        out.push_back({FreeName(out, c.name), c.type});
      }
      return out;
    }
    if (kind == "leftsemi" || kind == "leftanti" || kind == "leftantisemi" || kind == "anti") return left;
    if (kind == "rightsemi" || kind == "rightanti" || kind == "rightantisemi") return right;
    if (!kind.empty() && kind != "inner" && kind != "innerunique" && kind != "leftouter" &&
        kind != "rightouter" && kind != "fullouter" && kind != "semi") {
      Error(Code::TypeMismatch, op->span, fmt::format("'{}' is not a join kind", kind));
    }
    // A clashing right column gets the first suffix free on both sides.
    Schema out = left;
    Schema taken = left;
    taken.insert(taken.end(), right.begin(), right.end());
    for (const ColumnSpec& c : right) {
      const bool clash = FindColumn(left, c.name) >= 0;
      std::string name = clash ? FreeName(taken, c.name) : c.name;
      if (clash) taken.push_back({name, c.type});
      out.push_back({name, c.type});
    }
    return out;
  }

  Schema BindUnion(Union* op, const Schema* piped) {
    std::vector<Schema> schemas;
    if (piped) schemas.push_back(*piped);
    const bool fuzzy = ParamWord(op->params, "isfuzzy") == "true";
    for (Node* t : op->tables) {
      if (t->Is<TableRef>() && t->As<TableRef>()->IsPattern()) {
        bool any = false;
        for (const std::string& name : catalog_.TableNames()) {
          if (Matches(t->As<TableRef>()->name, name)) {
            UseTable(name);
            schemas.push_back(catalog_.Find(name)->columns);
            any = true;
          }
        }
        if (!any && !fuzzy) {
          Error(Code::UnknownTable, t->span,
                fmt::format("no table matches '{}'", t->As<TableRef>()->name));
        }
        continue;
      }
      if (fuzzy) {
        schemas.push_back(BindFuzzy(t));
        continue;
      }
      schemas.push_back(BindTabular(t));
    }
    std::vector<const Schema*> parts;
    for (const Schema& s : schemas) parts.push_back(&s);
    return Unify(parts, ParamWord(op->params, "withsource"), ParamWord(op->params, "kind") == "inner");
  }

  // Union's columns: by name in order of first appearance; a name seen with several types
  // becomes one `Name_type` column per type. `inner` keeps only the names every part has
  // (doc: union-operator, kind=inner), and the open marker only when every part is open.
  static Schema Unify(const std::vector<const Schema*>& parts, const std::string& source, bool inner = false) {
    std::vector<std::string> names;
    std::unordered_map<std::string, std::vector<Type>> types;
    std::unordered_map<std::string, size_t> parts_with;  // name -> how many parts have it
    std::optional<Type> open;  // the open marker of any part: Null (unknown) wins
    size_t open_parts = 0;
    for (const Schema* s : parts) {
      for (const ColumnSpec& c : *s) {
        if (c.name == kOpenColumn) {
          open = open && *open == Type::Null ? Type::Null : c.type;
          ++open_parts;
          continue;
        }
        auto [it, fresh] = types.try_emplace(c.name);
        if (fresh) names.push_back(c.name);
        ++parts_with[c.name];
        if (std::find(it->second.begin(), it->second.end(), c.type) == it->second.end()) {
          it->second.push_back(c.type);
        }
      }
    }
    if (inner) std::erase_if(names, [&](const std::string& n) { return parts_with[n] < parts.size(); });
    const bool keep_open = !inner || open_parts == parts.size();
    Schema out;
    if (!source.empty()) out.push_back({source, Type::String});
    for (const std::string& name : names) {
      const std::vector<Type>& ts = types[name];
      if (ts.size() == 1) {
        out.push_back({name, ts[0]});
        continue;
      }
      for (Type t : ts) {
        out.push_back({fmt::format("{}_{}", name, t == Type::Null ? "unknown" : TypeName(t)), t});
      }
    }
    if (open && keep_open) out.push_back({std::string(kOpenColumn), *open});
    return out;
  }

  Schema BindTopNested(TopNested* op, const Schema& in) {
    Schema out;
    for (TopNested::Level& level : op->levels) {
      // `top-nested all of K` (every value): the parser reads `all` as a name.
      const bool all = level.count && level.count->Is<Name>() && level.count->As<Name>()->name == "all";
      if (level.count && !all) BindScalar(level.count, Row{});
      const Type of = BindScalar(level.of.expr, Row{&in, nullptr, nullptr, false});
      out.push_back({FreeName(out, ItemName(level.of, out)), of});
      if (level.others) BindScalar(level.others, Row{});
      if (level.by.names.empty()) {  // Kusto names an unnamed level aggregate after the column
        const Type t = BindScalar(level.by.expr, Row{&in, nullptr, nullptr, true});
        out.push_back({FreeName(out, "aggregated_" + out.back().name), t});
        continue;
      }
      AddAggregate(level.by, in, out.size(), out);
    }
    return out;
  }

  Schema BindMvExpand(MvExpand* op, Schema in) {
    for (ExpandItem& item : op->items) ExpandColumn(item, in);
    if (op->limit) BindScalar(op->limit, Row{});
    const std::string index = ParamWord(op->params, "with_itemindex");
    if (!index.empty()) in.push_back({FreeName(in, index), Type::Long});
    return in;
  }

  // Binds one mv-expand/mv-apply item over `schema` and sets the expanded column's type.
  void ExpandColumn(ExpandItem& item, Schema& schema) {
    const Type t = BindScalar(item.expr.expr, Row{&schema, nullptr, nullptr, false});
    if (t != Type::Dynamic && t != Type::Null) {
      Error(Code::TypeMismatch, item.expr.expr->span,
            fmt::format("mv-expand needs a dynamic array or bag, not {}", TypeName(t)));
    }
    const Type element = item.to_type.empty() ? Type::Dynamic : DeclType(item.to_type);
    std::string name = ItemName(item.expr, schema);
    const int existing = FindColumn(schema, name);
    if (existing >= 0) {
      schema[existing].type = element;
    } else {
      schema.push_back({name, element});
    }
  }

  Schema BindMvApply(MvApply* op, const Schema& in) {
    Schema expanded = in;
    for (ExpandItem& item : op->items) ExpandColumn(item, expanded);
    if (op->limit) BindScalar(op->limit, Row{});
    // The subquery sees the item index as a column of its own (`with_itemindex=Name`).
    const std::string index = ParamWord(op->params, "with_itemindex");
    if (!index.empty()) expanded.push_back({FreeName(expanded, index), Type::Long});
    const Schema saved = std::exchange(pipe_input_, expanded);
    const Schema sub = BindTabular(op->subquery);
    pipe_input_ = saved;
    // The subquery's rows, each with the other columns of its input row.
    Schema out;
    for (const ColumnSpec& c : in) {
      if (FindColumn(sub, c.name) < 0) out.push_back(c);
    }
    for (const ColumnSpec& c : sub) out.push_back(c);
    return out;
  }

  Schema BindParse(ParseLike* op, Schema in) {
    BindScalar(op->source, Row{&in, nullptr, nullptr, false});
    for (ParsePart& part : op->pattern) {
      if (part.what != ParsePart::What::Column) continue;
      const Type t = part.type.empty() ? Type::String : DeclType(part.type);
      const int existing = FindColumn(in, part.column.name);
      if (existing >= 0) {
        in[existing].type = t;
      } else {
        in.push_back({part.column.name, t});
      }
    }
    return in;
  }

  Schema BindMakeSeries(MakeSeries* op, const Schema& in) {
    const Row row{&in, nullptr, nullptr, false};
    Schema out;
    for (NamedExpr& item : op->by) {
      const Type t = BindScalar(item.expr, row);
      out.push_back({FreeName(out, ItemName(item, out)), t});
    }
    for (MakeSeries::Aggregate& a : op->aggregates) {
      Schema scratch = out;
      AddAggregate(a.agg, in, out.size(), scratch);
      if (a.default_value) BindScalar(a.default_value, Row{});
      for (size_t i = out.size(); i < scratch.size(); ++i) {
        out.push_back({scratch[i].name, Type::Dynamic});  // one series per aggregate
      }
    }
    BindScalar(op->on, row);
    for (Expr* e : {op->from, op->to, op->step}) {
      if (e) BindScalar(e, Row{});
    }
    std::string axis = ExpressionName(op->on);
    out.push_back({FreeName(out, axis.empty() ? ColumnN(out) : axis), Type::Dynamic});
    return out;
  }

  Schema BindEvaluate(Evaluate* op, const Schema& in) {
    Expr* plugin = op->plugin;
    if (!plugin->Is<Call>()) return in;
    auto* c = plugin->As<Call>();
    const Row row{&in, nullptr, nullptr, true};  // pivot(Column, any(Value), ...)
    for (Expr* a : c->args) BindArgument(a, row);
    if (c->name == "bag_unpack" || c->name == "pivot") {
      // The new columns depend on the data; what is known is that the named column goes.
      Schema out;
      const int drop = c->args.empty() || !c->args[0]->Is<Name>()
                           ? -1
                           : FindColumn(in, c->args[0]->As<Name>()->name);
      for (size_t i = 0; i < in.size(); ++i) {
        if (static_cast<int>(i) != drop) out.push_back(in[i]);
      }
      if (!IsOpen(out)) out.push_back({std::string(kOpenColumn), Type::Dynamic});
      return out;
    }
    Error(Code::Unsupported, c->name_span,
          fmt::format("the '{}' plugin is not supported yet", c->name));
    return in;
  }

  // --- scalar expressions -----------------------------------------------------------------------

  void UnknownColumn(const std::string& name, Span span, const Schema& in) {
    std::string hint;
    for (const ColumnSpec& c : in) {
      if (c.name.size() == name.size() &&
          std::equal(c.name.begin(), c.name.end(), name.begin(),
                     [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
        hint = fmt::format(" (did you mean '{}'? names are case-sensitive)", c.name);
      }
    }
    Error(Code::UnknownColumn, span,
          fmt::format("the name '{}' does not refer to any known column, table, variable or "
                      "function{}", name, hint));
  }

  void RequireBool(const Expr* e, Type t, std::string_view what) {
    if (t != Type::Bool && t != Type::Null && t != Type::Dynamic) {
      Error(Code::TypeMismatch, e->span,
            fmt::format("{} must be bool, not {}", what, TypeName(t)));
    }
  }

  // Binds an expression over `row`; records and returns its type.
  Type BindScalar(Expr* e, const Row& row) {
    const Row saved = row_;
    row_ = row;
    const Type t = Bind(e);
    row_ = saved;
    return t;
  }

  // A call argument: an expression, `*`, `name = value`, or a table.
  Type BindArgument(Expr* e, std::optional<Row> row = std::nullopt) {
    if (row) return BindScalar(e, *row);
    return Bind(e);
  }

  Type Bind(Expr* e) {
    e->type = BindKind(e);
    return e->type;
  }

  Type BindKind(Expr* e) {
    switch (e->kind) {
      case Kind::Literal: return e->type;
      case Kind::Name: return BindName(e->As<Name>());
      case Kind::Logical:
        for (Expr* t : e->As<Logical>()->terms) {
          RequireBool(t, Bind(t), e->As<Logical>()->op == LogicalOp::And ? "an 'and' operand"
                                                                          : "an 'or' operand");
        }
        return Type::Bool;
      case Kind::Unary: {
        const Type t = Bind(e->As<Unary>()->operand);
        if (!IsNumeric(t) && t != Type::TimeSpan && t != Type::Null && t != Type::Dynamic) {
          Error(Code::TypeMismatch, e->span,
                fmt::format("unary '-' needs a number or timespan, not {}", TypeName(t)));
          return Type::Null;
        }
        return e->As<Unary>()->op == UnaryOp::Neg ? Widen(t) : t;
      }
      case Kind::Binary: return BindBinary(e->As<Binary>());
      case Kind::InList: return BindIn(e->As<InList>());
      case Kind::Between: return BindBetween(e->As<Between>());
      case Kind::Call: return BindCall(e->As<Call>());
      case Kind::Member: return BindMember(e->As<Member>());
      case Kind::Index: {
        auto* ix = e->As<Index>();
        const Type object = Bind(ix->object);
        BindScalar(ix->index, Row{row_.columns, nullptr, nullptr, false});
        if (object != Type::Dynamic && object != Type::Null) {
          Error(Code::TypeMismatch, ix->span,
                fmt::format("only dynamic values can be indexed, not {}", TypeName(object)));
        }
        return Type::Dynamic;
      }
      case Kind::Star: return Type::Null;
      case Kind::NamedArg: return Bind(e->As<NamedArg>()->value);
      case Kind::Dynamic:
      case Kind::DynArray:
      case Kind::DynBag: return Type::Dynamic;
      case Kind::Subquery: {
        const Row saved = std::exchange(row_, Row{});
        const Schema s = BindTabular(e->As<Subquery>()->query);
        row_ = saved;
        return s.empty() ? Type::Null : s[0].type;
      }
      default: return Type::Null;
    }
  }

  Type BindName(Name* n) {
    if (row_.columns) {
      n->column = FindColumn(*row_.columns, n->name);
      if (n->column >= 0) return (*row_.columns)[n->column].type;
      const int open = FindColumn(*row_.columns, kOpenColumn);
      if (open >= 0 && !Lookup(n->name)) return (*row_.columns)[open].type;
    }
    if (const Symbol* s = Lookup(n->name)) {
      if (s->kind == Symbol::Kind::Scalar) return s->type;
      if (s->kind == Symbol::Kind::Tabular) {
        return s->schema.empty() ? Type::Null : s->schema[0].type;  // `x in (T)`
      }
      Error(Code::TypeMismatch, n->span, fmt::format("'{}' is a function: call it", n->name));
      return Type::Null;
    }
    if (catalog_.Find(n->name)) {  // a table in a scalar place: `x in (Table)`
      UseTable(n->name);
      return catalog_.Find(n->name)->columns.front().type;
    }
    UnknownColumn(n->name, n->span, row_.columns ? *row_.columns : Schema{});
    return Type::Null;
  }

  Type BindMember(Member* m) {
    if (m->object->Is<Name>()) {
      const std::string& side = m->object->As<Name>()->name;
      if (side == "$left" || side == "$right") {
        const Schema* s = side == "$left" ? row_.left : row_.right;
        if (!s) {
          Error(Code::TypeMismatch, m->span, fmt::format("{} is only known in join conditions", side));
          return Type::Null;
        }
        const int i = FindColumn(*s, m->member.name);
        if (i < 0) {
          UnknownColumn(m->member.name, m->member.span, *s);
          return Type::Null;
        }
        return (*s)[i].type;
      }
    }
    const Type object = Bind(m->object);
    if (object != Type::Dynamic && object != Type::Null) {
      Error(Code::TypeMismatch, m->span,
            fmt::format("'.{}' needs a dynamic value, not {}", m->member.name, TypeName(object)));
    }
    return Type::Dynamic;
  }

  Type BindBinary(Binary* b) {
    const Type l = Bind(b->lhs), r = Bind(b->rhs);
    if (b->op == BinOp::MatchesRegex || IsStringOp(b->op)) return Type::Bool;
    if (IsComparison(b->op)) {
      if (l == Type::Null || r == Type::Null || l == Type::Dynamic || r == Type::Dynamic ||
          CommonType(l, r)) {
        return Type::Bool;
      }
      const bool equality = b->op == BinOp::Eq || b->op == BinOp::Ne || b->op == BinOp::EqCi ||
                            b->op == BinOp::NeCi;
      if (equality && row_.left) return Type::Bool;  // join keys: CheckJoinKey reports their types
      if (equality) {
        Error(Code::NeverTrue, b->op_span,
              fmt::format("{} {} {} compares different types: it is never true", TypeName(l),
                          BinOpName(b->op), TypeName(r)));
      } else {
        Error(Code::TypeMismatch, b->op_span,
              fmt::format("the operator '{}' is not defined for {} and {}", BinOpName(b->op),
                          TypeName(l), TypeName(r)));
      }
      return Type::Bool;
    }
    if (l == Type::Null || r == Type::Null) return Type::Null;
    if (l == Type::Dynamic || r == Type::Dynamic) return Type::Dynamic;
    const Type t = ArithmeticType(b->op, l, r);
    if (t == Type::Null) {
      Error(Code::TypeMismatch, b->op_span,
            fmt::format("the operator '{}' is not defined for {} and {}", BinOpName(b->op),
                        TypeName(l), TypeName(r)));
    }
    return t;
  }

  // Kusto's arithmetic: ints widen to long; timespans scale by numbers and divide into reals.
  static Type ArithmeticType(BinOp op, Type l, Type r) {
    if (IsNumeric(l) && IsNumeric(r)) return Widen(*CommonType(l, r));
    const bool add = op == BinOp::Add, sub = op == BinOp::Sub;
    if ((add || sub) && l == Type::DateTime && r == Type::TimeSpan) return Type::DateTime;
    if (add && l == Type::TimeSpan && r == Type::DateTime) return Type::DateTime;
    if (sub && l == Type::DateTime && r == Type::DateTime) return Type::TimeSpan;
    if (l == Type::TimeSpan && r == Type::TimeSpan) {
      if (add || sub || op == BinOp::Mod) return Type::TimeSpan;
      if (op == BinOp::Div) return Type::Real;
    }
    if (op == BinOp::Mul && ((l == Type::TimeSpan && IsNumeric(r)) ||
                             (IsNumeric(l) && r == Type::TimeSpan))) {
      return Type::TimeSpan;
    }
    if (op == BinOp::Div && l == Type::TimeSpan && IsNumeric(r)) return Type::TimeSpan;
    return Type::Null;
  }

  Type BindIn(InList* in) {
    const Type lhs = Bind(in->lhs);
    for (Expr* item : in->items) {
      const Type t = Bind(item);
      if (item->Is<Literal>() && lhs != Type::Null && lhs != Type::Dynamic &&
          (in->op == InOp::In || in->op == InOp::NotIn) && !CommonType(lhs, t) &&
          t != Type::Null) {
        Error(Code::NeverTrue, item->span,
              fmt::format("{} value in a list compared with {}: it never matches",
                          TypeName(t), TypeName(lhs)));
      }
    }
    return Type::Bool;
  }

  Type BindBetween(Between* b) {
    const Type v = Bind(b->value), lo = Bind(b->low), hi = Bind(b->high);
    if (v == Type::Null || lo == Type::Null || hi == Type::Null) return Type::Bool;
    const bool span_bound = v == Type::DateTime && hi == Type::TimeSpan;
    if (!CommonType(v, lo) || (!span_bound && !CommonType(v, hi))) {
      Error(Code::TypeMismatch, b->span,
            fmt::format("'between' needs bounds of the type of {}", TypeName(v)));
    }
    return Type::Bool;
  }

  Type BindCall(Call* c) {
    if (const Symbol* s = Lookup(c->name); s && s->kind == Symbol::Kind::Function) {
      const Value v = CallUser(c, nullptr);
      if (v.tabular) {  // a tabular function where a scalar is expected: its first column
        return v.schema.empty() ? Type::Null : v.schema[0].type;
      }
      return v.type;
    }
    if (c->name == "toscalar") {
      if (c->args.size() != 1) {
        Error(Code::ArgumentCount, c->span, "toscalar() takes one argument");
        return Type::Null;
      }
      const Row saved = std::exchange(row_, Row{});
      Type t;
      if (IsTabular(c->args[0])) {
        const Schema s = BindTabular(c->args[0]);
        t = s.empty() ? Type::Null : s[0].type;
      } else {
        t = Bind(c->args[0]);
      }
      row_ = saved;
      return t;
    }
    if (c->name == "materialize" || c->name == "view" || c->name == "table") {
      const Schema s = BindTabularCall(c);
      return s.empty() ? Type::Null : s[0].type;
    }
    if (c->name == "typeof") return Type::Null;  // read by the call it is an argument of
    if (c->name == "column_ifexists") return BindColumnIfExists(c);
    const FunctionInfo* f = FindFunction(c->name);
    if (!f) {
      CallUser(c, nullptr);  // reports the unknown name
      return Type::Null;
    }
    if (f->cls == FunctionClass::Aggregate && !row_.aggregates) {
      for (Expr* a : c->args) Bind(a);
      Error(Code::TypeMismatch, c->span,
            fmt::format("the aggregate function '{}' is only allowed in summarize, make-series "
                        "and top-nested", c->name));
      return Type::Null;
    }
    if (c->args.size() < f->min_args ||
        (f->max_args != kVariadic && c->args.size() > f->max_args)) {
      for (Expr* a : c->args) Bind(a);
      Error(Code::ArgumentCount, c->span,
            fmt::format("{}() takes {} argument{}, not {}", c->name, ArityText(*f),
                        f->max_args == 1 ? "" : "s", c->args.size()));
      return Type::Null;
    }
    // The arguments of an aggregate are evaluated per row, not aggregated again; a scalar
    // function may wrap aggregates (`tostring(make_set(X))`).
    const bool was_aggregating = row_.aggregates;
    if (f->cls == FunctionClass::Aggregate) row_.aggregates = false;
    std::vector<Type> types;
    std::optional<Type> typeof_arg;
    for (Expr* a : c->args) {
      if (a->Is<Call>() && a->As<Call>()->name == "typeof") {
        typeof_arg = TypeofArgument(a->As<Call>());
        types.push_back(Type::Null);
        continue;
      }
      types.push_back(Bind(a));
    }
    row_.aggregates = was_aggregating;
    return FunctionResultType(*f, types, typeof_arg);
  }

  static std::string ArityText(const FunctionInfo& f) {
    if (f.max_args == kVariadic) return fmt::format("at least {}", f.min_args);
    if (f.min_args == f.max_args) return fmt::format("{}", f.min_args);
    return fmt::format("{} to {}", f.min_args, f.max_args);
  }

  std::optional<Type> TypeofArgument(Call* typeof_call) {
    if (typeof_call->args.size() == 1 && typeof_call->args[0]->Is<Name>()) {
      const std::string& n = typeof_call->args[0]->As<Name>()->name;
      if (std::optional<Type> t = LiteralTypeName(n)) return *t;
    }
    Error(Code::TypeMismatch, typeof_call->span, "typeof() needs a type name, such as long");
    return std::nullopt;
  }

  // column_ifexists('Name', default) has the default's type (as in Kusto), whether or not the
  // column exists.
  Type BindColumnIfExists(Call* c) {
    if (c->args.size() != 2 || !c->args[0]->Is<Literal>()) {
      Error(Code::ArgumentCount, c->span, "column_ifexists() takes a column name and a default");
      return Type::Null;
    }
    return Bind(c->args[1]);
  }

  const Catalog& catalog_;
  BoundQuery& out_;
  const Reporter& report_;
  std::vector<std::unordered_map<std::string, Symbol>> scopes_;
  Row row_;
  Schema pipe_input_;  // the rows mv-apply or partition hands its subquery
  int muting_ = 0;     // > 0 while binding a fuzzy union operand
  int unknown_sources_ = 0;  // > 0 while missing tables read as unknown (fuzzy union operands)
  std::vector<Muted> muted_;
  int call_depth_ = 0;
  bool ok_ = true;
};

}  // namespace

std::string ExpressionName(const Expr* e) {
  switch (e->kind) {
    case Kind::Name: return e->As<Name>()->name;
    case Kind::NamedArg: return e->As<NamedArg>()->name.name;
    case Kind::Member: {
      const auto* m = e->As<Member>();
      if (m->object->Is<Name>()) {
        const std::string& side = m->object->As<Name>()->name;
        if (side == "$left" || side == "$right") return m->member.name;
      }
      const std::string object = ExpressionName(m->object);
      return object.empty() ? "" : object + "_" + m->member.name;
    }
    case Kind::Index: {
      const auto* ix = e->As<Index>();
      const std::string object = ExpressionName(ix->object);
      if (object.empty() || !ix->index->Is<Literal>()) return "";
      const auto* l = ix->index->As<Literal>();
      return object + "_" + (IsStringLike(l->type) ? l->text : fmt::format("{}", l->integer));
    }
    case Kind::Call: {
      const auto* c = e->As<Call>();
      const FunctionInfo* f = FindFunction(c->name);
      if (c->name == "column_ifexists" && c->args.size() == 2 && c->args[0]->Is<Literal>()) {
        return c->args[0]->As<Literal>()->text;
      }
      if (!f || c->args.empty() || f->cls == FunctionClass::Window) return "";
      if (f->naming == ResultName::FirstArg) return ExpressionName(c->args[0]);
      if (f->naming == ResultName::Columns && c->args.size() == 1) {  // take_any(X), any(X)
        return Prefixed(f->prefix, ExpressionName(c->args[0]));
      }
      if (f->naming == ResultName::Prefix) {
        return fmt::format("{}_{}", f->prefix, ExpressionName(c->args[0]));
      }
      return "";
    }
    default: return "";
  }
}

bool Bind(Ast& ast, const Catalog& catalog, BoundQuery& out, const Reporter& report) {
  return Binder(catalog, out, report).Run(ast);
}

}  // namespace huntc
